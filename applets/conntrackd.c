// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd applet: argv, the configuration, then the daemon or one request to it. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "applets/applets.h"
#include "core/cfg.h"
#include "core/ctl.h"
#include "core/daemon.h"
#include "core/log.h"

#define DEFAULT_CONFIG "/etc/conntrackd/conntrackd.conf"
/* Upstream reads the file in one go; anything this large is not a conntrackd.conf. */
#define CONFIG_MAX (1 << 20)

static const char usage_head[] = "Connection tracking userspace daemon v" CTBOX_VERSION " (ctbox)\n"
				 "Usage: ";
static const char usage_text[] =
	" [commands] [options]\n"
	"\n"
	"General commands:\n"
	"  -d, run in daemon mode\n"
	"  -C [configfile], configuration file path\n"
	"  -v, display conntrackd version\n"
	"  -h, display this help information\n"
	"\n"
	"Client mode commands:\n"
	"  -c [ct|expect], commit external cache to conntrack table\n"
	"  -f [internal|external], flush internal and external cache\n"
	"  -F [ct|expect], flush kernel conntrack table\n"
	"  -i [ct|expect], display content of the internal cache\n"
	"  -e [ct|expect], display the content of the external cache\n"
	"  -k, kill conntrack daemon\n"
	"  -s  [network|cache|runtime|link|rsqueue|queue|ct|expect], dump statistics\n"
	"  -R [ct|expect], resync with kernel conntrack table\n"
	"  -n, request resync with other node (only FT-FW and NOTRACK modes)\n"
	"  -B, force a bulk send to other replica firewalls\n"
	"  -x, dump cache in XML format (requires -i or -e)\n"
	"  -t, reset the kernel timeout (see PurgeTimeout clause)\n"
	"\n";

struct cmd {
	const char *config;
	bool daemon;
	int req;     /* -1: none */
	bool xml_ok; /* the request has an XML form (-i, -e) */
	bool json;
};

static void put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void usage(const char *argv0)
{
	put(1, usage_head);
	put(1, argv0);
	put(1, usage_text);
}

static int usage_fail(struct log *l, const char *argv0, const char *why)
{
	usage(argv0);
	log_msg(l, LOG_LVL_ERROR, "%s", why);
	return 1;
}

/* The optional word after an option: taken if it does not look like an option. */
static const char *sub_arg(int argc, char **argv, int *i)
{
	if (*i + 1 < argc && argv[*i + 1][0] != '-')
		return argv[++*i];
	return NULL;
}

/* Upstream matches sub-arguments as prefixes of the given length: "c", "ex"... */
static bool prefix(const char *word, const char *full)
{
	return !strncmp(word, full, strlen(word));
}

/* [ct|expect]: 0 ct, 1 expect, -1 no sub-argument (a non-matching word is left for the next option). */
static int ct_or_exp(int argc, char **argv, int *i)
{
	const char *w;

	if (*i + 1 >= argc || argv[*i + 1][0] == '-')
		return -1;
	w = argv[*i + 1];
	if (prefix(w, "ct")) {
		++*i;
		return 0;
	}
	if (prefix(w, "expect")) {
		++*i;
		return 1;
	}
	return -1;
}

static int pick(int sub, int all, int ct, int exp)
{
	return sub < 0 ? all : sub == 0 ? ct : exp;
}

static const struct {
	const char *name;
	int req;
} stats_words[] = {
	/* Upstream's order: the first prefix match wins ("c" is cache, "r" runtime). */
	{ "network", CTL_STATS_NETWORK },
	{ "cache", CTL_STATS_CACHE },
	{ "runtime", CTL_STATS_RUNTIME },
	{ "multicast", CTL_STATS_LINK },
	{ "link", CTL_STATS_LINK },
	{ "rsqueue", CTL_STATS_RSQUEUE },
	{ "process", CTL_STATS_PROCESS },
	{ "queue", CTL_STATS_QUEUE },
	{ "ct", CTL_STATS },
	{ "expect", CTL_EXP_STATS },
};

static int parse(int argc, char **argv, struct cmd *c, struct log *l, int *exit_now)
{
	char msg[300];

	*exit_now = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int sub;

		/* -o json is ctbox's own: the statistics as one JSON document. */
		if (!strcmp(a, "-o") && i + 1 < argc && !strcmp(argv[i + 1], "json")) {
			c->json = true;
			i++;
			continue;
		}
		if (a[0] != '-' || !a[1] || a[2]) {
			snprintf(msg, sizeof(msg), "Unknown option: %s", a);
			return usage_fail(l, argv[0], msg);
		}
		c->xml_ok = false;
		switch (a[1]) {
		case 'd':
			c->daemon = true;
			break;
		case 'C':
			if (i + 1 >= argc)
				return usage_fail(l, argv[0], "Missing config filename");
			c->config = argv[++i];
			break;
		case 'v':
			put(1, "Connection tracking userspace daemon v" CTBOX_VERSION
			       " (ctbox). Licensed under GPLv2.\n");
			*exit_now = 0;
			return 0;
		case 'h':
			usage(argv[0]);
			*exit_now = 0;
			return 0;
		case 'c':
			sub = ct_or_exp(argc, argv, &i);
			c->req = pick(sub, CTL_ALL_COMMIT, CTL_CT_COMMIT, CTL_EXP_COMMIT);
			break;
		case 'i':
			sub = ct_or_exp(argc, argv, &i);
			c->req = pick(sub, CTL_CT_DUMP_INTERNAL, CTL_CT_DUMP_INTERNAL,
				      CTL_EXP_DUMP_INTERNAL);
			c->xml_ok = true;
			break;
		case 'e':
			sub = ct_or_exp(argc, argv, &i);
			c->req = pick(sub, CTL_CT_DUMP_EXTERNAL, CTL_CT_DUMP_EXTERNAL,
				      CTL_EXP_DUMP_EXTERNAL);
			c->xml_ok = true;
			break;
		case 'F':
			sub = ct_or_exp(argc, argv, &i);
			c->req = pick(sub, CTL_ALL_FLUSH_MASTER, CTL_CT_FLUSH_MASTER,
				      CTL_EXP_FLUSH_MASTER);
			break;
		case 'R':
			sub = ct_or_exp(argc, argv, &i);
			c->req = pick(sub, CTL_ALL_RESYNC_MASTER, CTL_CT_RESYNC_MASTER,
				      CTL_EXP_RESYNC_MASTER);
			break;
		case 'f': {
			const char *w = sub_arg(argc, argv, &i);

			c->req = CTL_ALL_FLUSH_CACHE;
			if (!w)
				break;
			if (prefix(w, "internal")) {
				c->req = CTL_CT_FLUSH_INT_CACHE;
			} else if (prefix(w, "external")) {
				c->req = CTL_CT_FLUSH_EXT_CACHE;
			} else {
				snprintf(msg, sizeof(msg), "unknown parameter `%s' for option `-f'",
					 w);
				log_msg(l, LOG_LVL_ERROR, "%s", msg);
				return 1;
			}
			break;
		}
		case 's': {
			const char *w = sub_arg(argc, argv, &i);
			unsigned int k;

			c->req = CTL_STATS;
			if (!w)
				break;
			for (k = 0; k < sizeof(stats_words) / sizeof(stats_words[0]); k++)
				if (prefix(w, stats_words[k].name))
					break;
			if (k == sizeof(stats_words) / sizeof(stats_words[0])) {
				snprintf(msg, sizeof(msg), "unknown parameter `%s' for option `-s'",
					 w);
				log_msg(l, LOG_LVL_ERROR, "%s", msg);
				return 1;
			}
			if (k == 3)
				log_msg(l, LOG_LVL_WARN,
					"use `link' instead of `multicast' as parameter.");
			c->req = stats_words[k].req;
			break;
		}
		case 'k':
			c->req = CTL_KILL;
			break;
		case 'n':
			c->req = CTL_REQUEST_DUMP;
			break;
		case 'B':
			c->req = CTL_SEND_BULK;
			break;
		case 't':
			c->req = CTL_RESET_TIMERS;
			break;
		case 'x': {
			static const int from[] = { CTL_CT_DUMP_INTERNAL, CTL_CT_DUMP_EXTERNAL,
						    CTL_EXP_DUMP_INTERNAL, CTL_EXP_DUMP_EXTERNAL };
			static const int to[] = { CTL_CT_DUMP_INT_XML, CTL_CT_DUMP_EXT_XML,
						  CTL_EXP_DUMP_INT_XML, CTL_EXP_DUMP_EXT_XML };
			unsigned int k;

			for (k = 0; k < 4 && from[k] != c->req; k++)
				;
			if (k == 4)
				return usage_fail(l, argv[0], "Invalid parameters");
			c->req = to[k];
			break;
		}
		default:
			snprintf(msg, sizeof(msg), "Unknown option: %s", a);
			return usage_fail(l, argv[0], msg);
		}
	}
	if (c->daemon && c->req >= 0)
		return usage_fail(l, argv[0], "Invalid parameters");
	if (c->json) {
		if (c->req != CTL_STATS)
			return usage_fail(l, argv[0], "Invalid parameters");
		c->req = CTL_STATS_JSON;
	}
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			if (cap > CONFIG_MAX || !(nb = realloc(buf, cap)))
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static void cfg_msg(void *arg, enum cfg_level level, const char *msg)
{
	log_msg(arg, level == CFG_WARN ? LOG_LVL_WARN : LOG_LVL_NOTICE, "%s", msg);
}

/* Upstream resolves interfaces while parsing: its clients warn about them too. */
static void check_interfaces(const struct cfg *c, struct log *l)
{
	for (unsigned int i = 0; i < c->n_chan; i++)
		if (!if_nametoindex(c->chan[i].ifname))
			log_msg(l, LOG_LVL_WARN, "%s is an invalid interface", c->chan[i].ifname);
}

static int load_config(const char *path, struct cfg *c, struct log *l)
{
	char err[256];
	size_t len = 0;
	char *text = read_file(path, &len);
	int r;

	if (!text) {
		log_msg(l, LOG_LVL_ERROR, "can't open config file `%s'", path);
		return -1;
	}
	r = cfg_parse(c, text, len, cfg_msg, l, err, sizeof(err));
	free(text);
	if (r) {
		log_msg(l, LOG_LVL_ERROR, "%s", r == -ENOMEM ? "out of memory" : err);
		return -1;
	}
	check_interfaces(c, l);
	return 0;
}

static int client(const struct cfg *c, int req, struct log *l)
{
	const char *path = c->unix_path[0] ? c->unix_path : DAEMON_DEFAULT_SOCKET;

	if (ctl_request(path, req, 1) < 0) {
		log_msg(l, LOG_LVL_ERROR,
			"can't connect: is conntrackd running? appropriate permissions?");
		return 1;
	}
	return 0;
}

int conntrackd_main(int argc, char **argv)
{
	struct cmd cmd = { .config = DEFAULT_CONFIG, .req = -1 };
	struct log l;
	struct cfg *c;
	int r, exit_now;

	log_init_console(&l);
	r = parse(argc, argv, &cmd, &l, &exit_now);
	if (r || exit_now >= 0)
		return r ? r : exit_now;
	/* The control socket and the lock file are root's alone (0600). */
	umask(0177);
	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	if (load_config(cmd.config, c, &l)) {
		cfg_free(c);
		free(c);
		return 1;
	}
	if (cmd.req >= 0)
		r = client(c, cmd.req, &l);
	else
		r = daemon_run(c, cmd.daemon);
	cfg_free(c);
	free(c);
	return r;
}
