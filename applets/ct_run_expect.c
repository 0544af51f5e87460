// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: the expectation table (-L/-G/-D/-I/-F/-E/-C expect). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>

#include "applets/ct_run.h"
#include "core/errstr.h"
#include "core/nl.h"
#include "proto/ctnl.h"

#define EXP_GROUPS_ALL 0x38

struct exp_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	int count_only;
	unsigned int bad;
};

static void exp_stamp(struct ct_ctx *c)
{
	struct timeval tv;

	if (!(c->po.flags & PRINT_TIMESTAMP))
		return;
	gettimeofday(&tv, NULL);
	c->po.ts_sec = tv.tv_sec;
	c->po.ts_usec = (int32_t)tv.tv_usec;
}

static int exp_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct exp_state *s = arg;
	struct ct_ctx *c = s->c;
	enum ct_msg kind;
	struct ct_exp e;

	if ((nlh->nlmsg_type >> 8) != CTNL_SUBSYS_EXP)
		return 0;
	if (ctnl_parse_exp(nlh, &e, &kind) < 0) {
		s->bad++;
		return 0;
	}
	c->count++;
	if (s->count_only)
		return 0;
	if (s->cmd->command != CMD_EXP_EVENT)
		kind = CT_MSG_UNKNOWN;
	if ((c->po.flags & PRINT_XML) && !c->xml_open) {
		print_xml_header(&c->out, "expect");
		c->xml_open = 1;
	}
	exp_stamp(c);
	print_exp(&c->out, &e, kind, &c->po);
	return 0;
}

static int exp_dump(struct ct_cmd *cmd, struct ct_ctx *c, int count_only)
{
	struct exp_state s = { .cmd = cmd, .c = c, .count_only = count_only };
	int len, r;

	len = ctnl_build_simple(c->nlbuf, NLBUF_SIZE, CTNL_SUBSYS_EXP, CTNL_MSG_EXP_GET, NLM_F_DUMP,
				cmd->family, nl_seq(c->nl));
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, exp_cb, &s);
	ct_report_bad(s.bad);
	if (c->xml_open)
		print_xml_footer(&c->out, "expect");
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	if (count_only) {
		ct_count_out(c, c->count, 0);
		return 0;
	}
	out_flush(&c->out);
	ct_summary(c->count, "expectations have been shown.");
	return 0;
}

static int exp_request(struct ct_cmd *cmd, struct ct_ctx *c, uint16_t msg, uint16_t flags,
		       const struct ct_exp *e, nl_cb cb, void *arg)
{
	int len = ctnl_build_exp(c->nlbuf, NLBUF_SIZE, msg, flags, cmd->family, nl_seq(c->nl), e);

	if (len < 0)
		return len;
	return nl_talk(c->nl, c->nlbuf, cb, arg);
}

static volatile sig_atomic_t exp_stop;

static void exp_signal(int sig)
{
	(void)sig;
	exp_stop = 1;
}

static int exp_events(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct exp_state s = { .cmd = cmd, .c = c };
	struct sigaction sa;
	struct nl *ev = nl_open(EXP_GROUPS_ALL);
	int ret = 0;

	if (!ev) {
		fprintf(stderr, "mnl_socket_bind: %s\n", errstr(errno));
		ct_err(CT_OTHER_PROBLEM, "Can't open netlink socket");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = exp_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!exp_stop) {
		int r = nl_recv_events(ev, exp_cb, &s);

		if (r == -EINTR || r == -ENOBUFS)
			continue;
		if (r < 0) {
			ret = ct_fail(c, r, cmd->command);
			break;
		}
		out_flush(&c->out);
	}
	if (!ret) {
		if (c->xml_open)
			print_xml_footer(&c->out, "expect");
		out_flush(&c->out);
		fprintf(stderr, "%s%u expectation events have been shown.\n", ct_prefix, c->count);
	}
	nl_close(ev);
	return ret;
}

int ct_run_expect(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct exp_state s = { .cmd = cmd, .c = c };
	struct ct_exp e;
	int r;

	switch (cmd->command) {
	case CMD_EXP_LIST:
		return exp_dump(cmd, c, 0);
	case CMD_EXP_COUNT:
		return exp_dump(cmd, c, 1);
	case CMD_EXP_EVENT:
		return exp_events(cmd, c);
	case CMD_EXP_FLUSH:
		r = ctnl_build_simple(c->nlbuf, NLBUF_SIZE, CTNL_SUBSYS_EXP, CTNL_MSG_EXP_DELETE,
				      NLM_F_ACK, AF_INET, nl_seq(c->nl));
		if (r >= 0)
			r = nl_talk(c->nl, c->nlbuf, NULL, NULL);
		fprintf(stderr, "%sexpectation table has been emptied.\n", ct_prefix);
		return r < 0 ? ct_fail(c, r, cmd->command) : 0;
	case CMD_EXP_GET:
		/* The kernel looks the expectation up by the tuple it was given as master. */
		memset(&e, 0, sizeof(e));
		e.master = cmd->tmpl.orig;
		ct_exp_set(&e, CT_EXP_MASTER);
		r = exp_request(cmd, c, CTNL_MSG_EXP_GET, NLM_F_ACK, &e, exp_cb, &s);
		out_flush(&c->out);
		return r < 0 ? ct_fail(c, r, cmd->command) : 0;
	case CMD_EXP_DELETE:
		memset(&e, 0, sizeof(e));
		e.tuple = cmd->tmpl.orig;
		ct_exp_set(&e, CT_EXP_TUPLE);
		r = exp_request(cmd, c, CTNL_MSG_EXP_DELETE, NLM_F_ACK, &e, NULL, NULL);
		if (r < 0)
			return ct_fail(c, r, cmd->command);
		/* Upstream never counts here and always fails; report what happened instead. */
		ct_summary(1, "expectations have been deleted.");
		return 0;
	case CMD_EXP_CREATE:
		r = exp_request(cmd, c, CTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
				&cmd->exp, NULL, NULL);
		return r < 0 ? ct_fail(c, r, cmd->command) : 0;
	default:
		return 0;
	}
}
