// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: -E, the conntrack event listener. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "applets/ct_run.h"
#include "core/errstr.h"
#include "core/nl.h"
#include "proto/ctnl.h"

#define EV_GROUPS_ALL 0x7
/* Lossless by default: start big, and on overrun grow up to the bound. */
#define EV_RCVBUF_DEFAULT (8u << 20)
#define EV_RCVBUF_MAX (256u << 20)

static volatile sig_atomic_t ev_stop;

static void ev_signal(int sig)
{
	(void)sig;
	ev_stop = 1;
}

/* /proc/net/netlink: find a NETLINK_NETFILTER socket's inode (and drop count) by port id. */
static int nl_proc_lookup(uint32_t portid, unsigned long *inode, unsigned long *drops)
{
	char line[256];
	FILE *f = fopen("/proc/net/netlink", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/*
		 * sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode, sk and Groups in hex.
		 * strtoul, not sscanf: that would link libc's float scanner (9 KiB in the
		 * static binary) for this one line. sk may not fit a 32-bit long; unused.
		 */
		enum { SK, ETH, PID, GROUPS, RMEM, WMEM, DUMP, LOCKS, DROPS, INODE, NFIELDS };
		unsigned long v[NFIELDS];
		char *p = line, *end;
		int n;

		for (n = 0; n < NFIELDS; n++, p = end) {
			v[n] = strtoul(p, &end, n == SK || n == GROUPS ? 16 : 10);
			if (end == p)
				break;
		}
		if (n != NFIELDS || v[ETH] != NETLINK_NETFILTER || v[PID] != portid)
			continue;
		if (inode)
			*inode = v[INODE];
		if (drops)
			*drops = v[DROPS];
		found = 1;
		break;
	}
	fclose(f);
	return found;
}

static int pid_has_socket(const char *pid, const char *want)
{
	char path[64], link[64];
	struct dirent *d;
	DIR *dir;
	int hit = 0;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!hit && (d = readdir(dir))) {
		char fdp[384];
		ssize_t n;

		snprintf(fdp, sizeof(fdp), "%s/%s", path, d->d_name);
		n = readlink(fdp, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		hit = !strcmp(link, want);
	}
	closedir(dir);
	return hit;
}

static int pid_comm(const char *pid, char *name, size_t len)
{
	char path[64], buf[512], *l, *r;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (!l || !r || r < l)
		return 0;
	*r = 0;
	snprintf(name, len, "%s", l + 1);
	return 1;
}

/* Name of the process owning netlink port portid, as upstream finds it; cached. */
static const char *portid_progname(uint32_t portid)
{
	static uint32_t last_portid;
	static char last_name[64];
	static int last_ok;
	char want[64], pidstr[16];
	unsigned long inode;
	struct dirent *d;
	DIR *dir;

	if (portid == last_portid && last_portid)
		return last_ok ? last_name : NULL;
	last_portid = portid;
	last_ok = 0;
	if (!nl_proc_lookup(portid, &inode, NULL))
		return NULL;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	snprintf(pidstr, sizeof(pidstr), "%u", portid);
	if (pid_has_socket(pidstr, want)) {
		last_ok = pid_comm(pidstr, last_name, sizeof(last_name));
		return last_ok ? last_name : NULL;
	}
	dir = opendir("/proc");
	if (!dir)
		return NULL;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		if (pid_has_socket(d->d_name, want)) {
			last_ok = pid_comm(d->d_name, last_name, sizeof(last_name));
			break;
		}
	}
	closedir(dir);
	return last_ok ? last_name : NULL;
}

struct ev_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	unsigned int bad;
};

static int ev_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ev_state *s = arg;
	struct ct_ctx *c = s->c;
	enum ct_msg kind;
	struct ct ct;

	if ((nlh->nlmsg_type >> 8) != CTNL_SUBSYS_CT)
		return 0;
	if (ctnl_parse_ct(nlh, &ct, &kind) < 0) {
		s->bad++;
		return 0;
	}
	if (s->cmd->family && ct.family != s->cmd->family)
		return 0;
	if (!ct_filter_match(s->cmd, &ct))
		return 0;
	if ((c->po.flags & PRINT_XML) && !c->xml_open) {
		print_xml_header(&c->out, "conntrack");
		c->xml_open = 1;
	}
	if (c->po.flags & PRINT_TIMESTAMP) {
		if (ct_has(&ct, CT_TS_EVENT)) {
			c->po.ts_sec = (int64_t)(ct.ts_event / 1000000000u);
			c->po.ts_usec = (int32_t)((ct.ts_event % 1000000000u) / 1000u);
		} else {
			struct timeval tv;

			gettimeofday(&tv, NULL);
			c->po.ts_sec = tv.tv_sec;
			c->po.ts_usec = (int32_t)tv.tv_usec;
		}
	}
	c->po.portid = nlh->nlmsg_pid;
	c->po.progname = nlh->nlmsg_pid ? portid_progname(nlh->nlmsg_pid) : NULL;
	c->po.now = time(NULL);
	print_ct(&c->out, &ct, kind, &c->po);
	c->count++;
	return 0;
}

static void ev_overrun(struct nl *ev, size_t *rcvbuf, unsigned long *drops_seen)
{
	unsigned long drops = 0;
	size_t actual = *rcvbuf;

	fputs("WARNING: We have hit ENOBUFS! We are losing events.\n"
	      "This message means that the current netlink socket buffer size is too small.\n"
	      "Please, check --buffer-size in conntrack(8) manpage.\n",
	      stderr);
	if (nl_proc_lookup(nl_portid(ev), NULL, &drops) && drops >= *drops_seen) {
		fprintf(stderr, "conntrack: %lu events lost\n", drops - *drops_seen);
		*drops_seen = drops;
	}
	if (!nl_grow_rcvbuf(ev, *rcvbuf, EV_RCVBUF_MAX, &actual)) {
		*rcvbuf = *rcvbuf > EV_RCVBUF_MAX / 2 ? EV_RCVBUF_MAX : *rcvbuf * 2;
		fprintf(stderr, "conntrack: receive buffer raised to %zu bytes\n", actual);
	}
}

int ct_run_event(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct ev_state s = { .cmd = cmd, .c = c };
	uint32_t groups =
		(cmd->options & (1ULL << OPT_EVENT_MASK)) ? cmd->event_mask : EV_GROUPS_ALL;
	size_t rcvbuf = EV_RCVBUF_DEFAULT, actual;
	unsigned long drops_seen = 0;
	struct sigaction sa;
	struct nl *ev;
	int ret = 0;

	ev = nl_open(groups);
	if (!ev) {
		fprintf(stderr, "mnl_socket_bind: %s\n", errstr(errno));
		ct_err(CT_OTHER_PROBLEM, "Can't open netlink socket");
		return 1;
	}
	if (cmd->options & (1ULL << OPT_BUFFERSIZE)) {
		/* Upstream sets this on its request socket, where it does nothing; this is the one that fills up. */
		rcvbuf = cmd->bufsize;
		if (!nl_set_rcvbuf(ev, rcvbuf, &actual))
			fprintf(stderr,
				"NOTICE: Netlink socket buffer size has been set to %zu bytes.\n",
				actual);
	} else {
		nl_set_rcvbuf(ev, rcvbuf, NULL);
	}
	nl_proc_lookup(nl_portid(ev), NULL, &drops_seen);

	/* No SA_RESTART: a signal ends a wait for events, or for a reader that stopped reading. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ev_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	c->out.intr = &ev_stop;

	while (!ev_stop) {
		int r = nl_recv_events(ev, ev_cb, &s);

		if (r == -ENOBUFS) {
			out_flush(&c->out);
			ev_overrun(ev, &rcvbuf, &drops_seen);
			continue;
		}
		if (r == -EINTR)
			continue;
		if (r < 0) {
			out_flush(&c->out);
			ct_err(CT_OTHER_PROBLEM, "failed to received netlink event: %s",
			       errstr(-r));
			ret = 1;
			break;
		}
		/* Batch output while the kernel has more queued; flush when we would block. */
		if (!c->out.len)
			continue;
		{
			int avail = 0;

			if (recv(nl_fd(ev), &avail, sizeof(avail), MSG_PEEK | MSG_DONTWAIT) < 0 ||
			    c->out.len > c->out.cap / 2)
				out_flush(&c->out);
		}
	}
	ct_report_bad(s.bad);
	if (!ret) {
		/*
		 * The summary first, as upstream prints it from its signal
		 * handler: output a reader has not taken yet cannot delay it.
		 */
		fprintf(stderr, "%s%u flow events have been shown.\n", ct_prefix, c->count);
		if (c->xml_open)
			print_xml_footer(&c->out, "conntrack");
		/* Pending lines still go out; a second signal drops them (out_flush). */
		ev_stop = 0;
		out_flush(&c->out);
	}
	c->out.intr = NULL;
	nl_close(ev);
	return ret;
}
