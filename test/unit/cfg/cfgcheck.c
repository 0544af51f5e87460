// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test driver: parse a conntrackd.conf with core/cfg and print what the
 * conntrackd applet prints for it, in upstream's console format:
 *
 *   stderr: "[<ctime>] (pid=<pid>) [warning] <msg>\n" for each warning,
 *           "[<ctime>] (pid=<pid>) [ERROR] <err>\n" when parsing fails (exit 1)
 *   stdout: "[<ctime>] (pid=<pid>) [notice] <msg>\n" for notices
 *
 * <ctime> is ctime(3) without its newline. With -d the parsed struct is
 * dumped to stdout as key=value lines after a successful parse (exit 0).
 * Usage: cfgcheck [-d] FILE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "core/cfg.h"

static void stamp(FILE *f, const char *prio, const char *msg)
{
	time_t t = time(NULL);
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", ctime(&t));
	buf[strcspn(buf, "\n")] = 0;
	fprintf(f, "[%s] (pid=%d) [%s] %s\n", buf, (int)getpid(), prio, msg);
	fflush(f);
}

static void on_msg(void *arg, enum cfg_level level, const char *msg)
{
	(void)arg;
	if (level == CFG_WARN)
		stamp(stderr, "warning", msg);
	else
		stamp(stdout, "notice", msg);
}

static const char *addr(int family, const union ct_addr *a, char *buf)
{
	if (!family)
		return "-";
	return inet_ntop(family, a, buf, INET6_ADDRSTRLEN);
}

static void dump(const struct cfg *c)
{
	const struct cfg_filter *f = &c->filter;
	char b1[INET6_ADDRSTRLEN], b2[INET6_ADDRSTRLEN], b3[INET6_ADDRSTRLEN];

	printf("mode=%d sync_modes=%u defaulted=%d effective=%u\n", c->mode, c->sync_modes,
	       c->sync_mode_defaulted, cfg_sync_mode(c));
	printf("hashsize=%u hashlimit=%u logfile=%s syslog=%d lockfile=%s unix=%s\n", c->hashsize,
	       c->hashlimit, c->logfile, c->syslog_facility, c->lockfile, c->unix_path);
	printf("nlbuf=%u nlbufmax=%u overrun=%d reliable=%d poll=%u iter=%u systemd=%d\n",
	       c->nl_bufsize, c->nl_bufsize_max, c->overrun_resync, c->events_reliable,
	       c->poll_secs, c->event_iter_limit, c->systemd);
	printf("sched=%d prio=%d nice=%d/%d\n", c->sched, c->sched_prio, c->has_nice, c->nice);
	printf("filter kernel=%d proto=%d/%d state=%d/%d states=%#x addr=%d/%d\n", f->kernelspace,
	       f->has_proto, f->proto_ignore, f->has_state, f->state_ignore, f->tcp_states,
	       f->has_addr, f->addr_ignore);
	printf("protos=");
	for (int i = 0; i < 256; i++)
		if (f->protos[i >> 3] & (1 << (i & 7)))
			printf(" %d", i);
	printf("\n");
	for (unsigned int i = 0; i < f->n_nets; i++)
		printf("net %s/%u\n", addr(f->nets[i].family, &f->nets[i].addr, b1),
		       f->nets[i].prefix);
	printf("resend=%u ack=%u refresh=%u cache=%u commit=%u purge=%u ondemand=%u\n",
	       c->resend_queue_size, c->ack_window, c->refresh_time, c->cache_timeout,
	       c->commit_timeout, c->purge_timeout, c->cod_group);
	printf("disext=%d disint=%d resync=%d wintrack=%d expsync=%d", c->disable_external_cache,
	       c->disable_internal_cache, c->startup_resync, c->tcp_window_tracking, c->exp_sync);
	for (unsigned int i = 0; i < c->n_exp_helpers; i++)
		printf(" %s", c->exp_helpers[i]);
	printf("\nchannels=%u default=%u\n", c->n_chan, c->default_chan);
	for (unsigned int i = 0; i < c->n_chan; i++) {
		const struct cfg_chan *ch = &c->chan[i];

		printf("chan type=%u line=%d default=%d if=%s addr=%s dest=%s ifaddr=%s port=%u "
		       "snd=%u rcv=%u csum=%d\n",
		       ch->type, ch->line, ch->is_default, ch->ifname,
		       addr(ch->family, &ch->addr, b1), addr(ch->dest_family, &ch->dest, b2),
		       addr(ch->has_ifaddr ? AF_INET : 0, &ch->ifaddr, b3), ch->port, ch->sndbuf,
		       ch->rcvbuf, ch->checksum);
	}
	printf("stats logfile=%s syslog=%d helper_line=%d\n", c->stats_logfile,
	       c->stats_syslog_facility, c->helper_line);
}

int main(int argc, char **argv)
{
	int dflag = argc > 1 && !strcmp(argv[1], "-d");
	char err[512], *text = NULL;
	size_t len = 0, cap = 0;
	struct cfg c;
	FILE *f;
	int ret;

	if (argc != 2 + dflag) {
		fprintf(stderr, "usage: %s [-d] FILE\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1 + dflag], "rb");
	if (!f) {
		snprintf(err, sizeof(err), "can't open config file `%s'", argv[1 + dflag]);
		stamp(stderr, "ERROR", err);
		return 1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			text = realloc(text, cap);
			if (!text)
				return 1;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	ret = cfg_parse(&c, text, len, on_msg, NULL, err, sizeof(err));
	free(text);
	if (ret) {
		stamp(stderr, "ERROR", err);
		cfg_free(&c);
		return 1;
	}
	if (dflag)
		dump(&c);
	cfg_free(&c);
	return 0;
}
