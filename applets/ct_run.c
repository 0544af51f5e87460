// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: run a parsed command (list, get, count, stats, flush) and own its exit code. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "applets/ct_run.h"
#include "core/errstr.h"
#include "core/nl.h"
#include "proto/ctnl.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal errno that ctnetlink can leak */
#endif

static int batch_mode;

void ct_run_batch_mode(int on)
{
	batch_mode = on;
}

const char *ct_err2str(int err, enum ct_command cmd)
{
	switch (err) {
	case ENOTSUPP:
		if (cmd == CMD_CT_LIST)
			return "function not implemented";
		break;
	case EINVAL:
		/* Upstream's table covers only command bits below 16 here (so not -A). */
		if (cmd <= CMD_CT_COUNT)
			return "invalid parameters";
		break;
	case EEXIST:
		if (cmd == CMD_CT_CREATE)
			return "Such conntrack exists, try -U to update";
		break;
	case ENOENT:
		if (cmd == CMD_CT_CREATE || cmd == CMD_CT_GET || cmd == CMD_CT_DELETE ||
		    cmd == CMD_CT_ADD)
			return "such conntrack doesn't exist";
		if (cmd == CMD_EXP_CREATE)
			return "master conntrack not found";
		break;
	case ENOMEM:
		if (cmd == CMD_CT_CREATE || cmd == CMD_CT_GET || cmd == CMD_CT_ADD)
			return "not enough memory";
		break;
	case EAFNOSUPPORT:
		if (cmd == CMD_CT_GET)
			return "protocol not supported";
		break;
	case ETIME:
		if (cmd == CMD_CT_CREATE || cmd == CMD_CT_ADD)
			return "conntrack has expired";
		break;
	case EPERM:
		return "sorry, you must be root or get CAP_NET_ADMIN capability to do this";
	}
	return errstr(err);
}

int ct_fail(struct ct_ctx *c, int err, enum ct_command cmd)
{
	out_flush(&c->out);
	ct_err(CT_OTHER_PROBLEM, "Operation failed: %s", ct_err2str(err < 0 ? -err : err, cmd));
	return 1;
}

void ct_summary(unsigned int n, const char *what)
{
	fprintf(stderr, "%s%u %s\n", ct_prefix, n, what);
}

int ct_open_mod(struct ct_ctx *c)
{
	if (c->mod)
		return 0;
	c->mod = nl_open(0);
	if (!c->mod)
		return -errno;
	/* Acks without a copy of each request: less for the kernel to build and us to read. */
	nl_set_opt(c->mod, NETLINK_CAP_ACK, 1);
	return 0;
}

/* CTA_FILTER flags for the fields of t the kernel compares exactly as upstream's userspace does. */
static uint32_t tuple_filter_flags(const struct ct_tuple *t, uint8_t family, int masked)
{
	uint32_t fl = 0;

	/*
	 * Kernels up to at least 6.18 invert the IPv6 address comparison of
	 * CTA_FILTER (matching entries are dropped), so only IPv4 addresses go.
	 */
	if (!masked && family == AF_INET) {
		if (t->present & CT_T_SRC)
			fl |= CTNL_FF_IP_SRC;
		if (t->present & CT_T_DST)
			fl |= CTNL_FF_IP_DST;
	}
	if (!(t->present & CT_T_PROTO))
		return fl;
	fl |= CTNL_FF_PROTO_NUM;
	switch (t->l4) {
	case 6:
	case 17:
		if (t->present & CT_T_SPORT)
			fl |= CTNL_FF_PROTO_SRC_PORT;
		if (t->present & CT_T_DPORT)
			fl |= CTNL_FF_PROTO_DST_PORT;
		break;
		/*
	 * ICMP fields stay in userspace: the kernel validates a filter's ICMP
	 * type as if it were a tuple to invert and refuses most types.
	 */
	}
	return fl;
}

int ct_kfilter_off(void)
{
	const char *v = getenv("CTBOX_KFILTER");

	return v && !strcmp(v, "0");
}

void ct_kernel_filter(const struct ct_cmd *cmd, uint8_t family, struct ctnl_filter *f,
		      int with_status)
{
	memset(f, 0, sizeof(*f));
	if (cmd->options & (1ULL << OPT_MARK)) {
		f->flags |= CTNL_F_MARK;
		f->mark = cmd->mark;
		f->mark_mask = cmd->mark_mask;
	}
	if (with_status && (cmd->options & (1ULL << OPT_STATUS))) {
		f->flags |= CTNL_F_STATUS;
		f->status = cmd->status;
		f->status_mask = cmd->status_mask;
	}
	/*
	 * Filters go to the kernel only where its match is a superset of
	 * upstream's userspace match, which still runs on every entry. The
	 * kernel's zone match ignores direction and cannot select zone 0, so
	 * it only narrows a -w of another zone; userspace decides the rest.
	 */
	if ((cmd->options & (1ULL << OPT_ZONE)) && cmd->tmpl.zone && !ct_kfilter_off()) {
		f->flags |= CTNL_F_ZONE;
		f->zone = cmd->tmpl.zone;
	}
	/* CTBOX_KFILTER=0 keeps every filter in userspace: tests compare both paths. */
	if (cmd->table != TABLE_CONNTRACK || !family || ct_kfilter_off())
		return;
	f->orig = cmd->tmpl.orig;
	f->reply = cmd->tmpl.reply;
	f->orig_flags = tuple_filter_flags(
		&f->orig, family, cmd->options & ((1ULL << OPT_MASK_SRC) | (1ULL << OPT_MASK_DST)));
	f->reply_flags = tuple_filter_flags(&f->reply, family, 0);
	if (f->orig_flags || f->reply_flags)
		f->flags |= CTNL_F_TUPLE;
}

struct list_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	unsigned int bad;
};

static int list_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct list_state *s = arg;
	struct ct_ctx *c = s->c;
	struct ct ct;

	if (ctnl_parse_ct(nlh, &ct, NULL) < 0) {
		s->bad++;
		return 0;
	}
	if (!ct_filter_match(s->cmd, &ct))
		return 0;
	if ((c->po.flags & PRINT_XML) && !c->xml_open) {
		print_xml_header(&c->out, "conntrack");
		c->xml_open = 1;
	}
	print_ct(&c->out, &ct, CT_MSG_UNKNOWN, &c->po);
	c->count++;
	return 0;
}

void ct_report_bad(unsigned int bad)
{
	if (bad)
		fprintf(stderr, "conntrack: skipped %u malformed netlink message%s\n", bad,
			bad == 1 ? "" : "s");
}

static int run_list(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct list_state s = { .cmd = cmd, .c = c };
	struct ctnl_filter f;
	uint16_t msg = CTNL_MSG_CT_GET;
	int len, r;

	if (cmd->table == TABLE_DYING)
		msg = CTNL_MSG_CT_GET_DYING;
	else if (cmd->table == TABLE_UNCONFIRMED)
		msg = CTNL_MSG_CT_GET_UNCONFIRMED;
	else if (cmd->options & (1ULL << OPT_ZERO))
		msg = CTNL_MSG_CT_GET_CTRZERO;

	if (cmd->table == TABLE_CONNTRACK)
		ct_kernel_filter(cmd, cmd->family, &f, 1);
	else
		memset(&f, 0, sizeof(f));
	len = ctnl_build_dump(c->nlbuf, NLBUF_SIZE, msg, cmd->family, nl_seq(c->nl), &f);
	if (len < 0)
		return ct_fail(c, len, cmd->command);
	r = nl_talk(c->nl, c->nlbuf, list_cb, &s);
	ct_report_bad(s.bad);
	/* Upstream closes the document only for the main table. */
	if (c->xml_open && cmd->table == TABLE_CONNTRACK)
		print_xml_footer(&c->out, "conntrack");
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	out_flush(&c->out);
	if (!c->batch)
		ct_summary(c->count, "flow entries have been shown.");
	return 0;
}

static int run_get(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct list_state s = { .cmd = cmd, .c = c };
	int len, r;

	len = ctnl_build_ct(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_GET, 0, cmd->family, nl_seq(c->nl),
			    &cmd->tmpl);
	if (len < 0)
		return ct_fail(c, len, cmd->command);
	r = nl_talk(c->nl, c->nlbuf, list_cb, &s);
	ct_report_bad(s.bad);
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	out_flush(&c->out);
	ct_summary(c->count, "flow entries have been shown.");
	return c->count ? 0 : 1;
}

static int read_proc_count(const char *path, unsigned long *v)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -2;
	buf[n] = 0;
	*v = strtoul(buf, NULL, 10);
	return 0;
}

struct count_state {
	uint32_t entries, max;
};

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct count_state *s = arg;

	return ctnl_parse_stats_global(nlh, &s->entries, &s->max) < 0 ? -EBADMSG : 0;
}

/* -o json for a counter: {"entries":N} (+ "max-entries" when known). */
void ct_count_out(struct ct_ctx *c, unsigned long entries, unsigned long max)
{
	if (c->po.flags & PRINT_JSON) {
		out_str(&c->out, "{\"entries\":");
		out_u64(&c->out, entries);
		if (max) {
			out_str(&c->out, ",\"max-entries\":");
			out_u64(&c->out, max);
		}
		out_str(&c->out, "}\n");
		return;
	}
	out_u64(&c->out, entries);
	out_chr(&c->out, '\n');
}

static int run_count(struct ct_cmd *cmd, struct ct_ctx *c)
{
	static const char path[] = "/proc/sys/net/netfilter/nf_conntrack_count";
	struct count_state cs = { 0, 0 };
	unsigned long v;
	int len, r;

	len = ctnl_build_simple(c->nlbuf, NLBUF_SIZE, CTNL_SUBSYS_CT, CTNL_MSG_CT_GET_STATS, 0,
				AF_UNSPEC, nl_seq(c->nl));
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, count_cb, &cs);
	if (!r) {
		ct_count_out(c, cs.entries, cs.max);
		out_flush(&c->out);
		return 0;
	}
	/* Upstream prints the /proc number but still fails with the netlink error. */
	switch (read_proc_count(path, &v)) {
	case -1:
		ct_err(CT_OTHER_PROBLEM, "Can't open %s", path);
		return 1;
	case -2:
		ct_err(CT_OTHER_PROBLEM, "Can't read %s", path);
		return 1;
	}
	ct_count_out(c, v, 0);
	return ct_fail(c, r, cmd->command);
}

struct stats_state {
	struct ct_ctx *c;
	int expect;
	unsigned int n;
};

static int stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct stats_state *s = arg;
	struct ct_stats st;

	if (ctnl_parse_stats_cpu(nlh, &st) < 0)
		return 0;
	if (s->c->po.flags & PRINT_JSON) {
		out_str(&s->c->out, s->n++ ? ",\n" : "{\"cpus\":[\n");
		print_stats_json(&s->c->out, &st, s->expect);
		return 0;
	}
	print_stats_cpu(&s->c->out, &st, s->expect);
	return 0;
}

/* /proc/net/stat/nf_conntrack: a header of names, then one line of hex values per cpu. */
static int stats_proc(struct ct_ctx *c)
{
	char line[1024], names[1024], *save1, *save2, *n, *v;
	unsigned int cpu = 0;
	FILE *f = fopen("/proc/net/stat/nf_conntrack", "r");

	if (!f)
		return -1;
	if (!fgets(names, sizeof(names), f)) {
		fclose(f);
		return -1;
	}
	names[strcspn(names, "\n")] = 0;
	while (fgets(line, sizeof(line), f)) {
		char copy[1024];

		memcpy(copy, names, sizeof(copy));
		line[strcspn(line, "\n")] = 0;
		fprintf(stdout, "cpu=%-4u\t", cpu++);
		n = strtok_r(copy, " ", &save1);
		v = strtok_r(line, " ", &save2);
		while (n && v) {
			fprintf(stdout, "%s=%lu ", n, strtoul(v, NULL, 16));
			n = strtok_r(NULL, " ", &save1);
			v = strtok_r(NULL, " ", &save2);
		}
		fputc('\n', stdout);
	}
	fclose(f);
	fflush(stdout);
	return 0;
}

static int run_stats(struct ct_cmd *cmd, struct ct_ctx *c, int expect)
{
	struct stats_state s = { .c = c, .expect = expect };
	int len, r;

	len = ctnl_build_simple(c->nlbuf, NLBUF_SIZE, expect ? CTNL_SUBSYS_EXP : CTNL_SUBSYS_CT,
				expect ? CTNL_MSG_EXP_GET_STATS_CPU : CTNL_MSG_CT_GET_STATS_CPU,
				NLM_F_DUMP, AF_UNSPEC, nl_seq(c->nl));
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, stats_cb, &s);
	if (c->po.flags & PRINT_JSON)
		out_str(&c->out, s.n ? "\n]}\n" : "{\"cpus\":[]}\n");
	out_flush(&c->out);
	if (!r)
		return 0;
	if (stats_proc(c) < 0) {
		ct_err(CT_OTHER_PROBLEM, "Can't open /proc interface");
		return 1;
	}
	return ct_fail(c, r, cmd->command);
}

static int run_flush(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct ctnl_filter f;
	int len, r;

	/*
	 * The kernel ignores the message's family in a flush unless it carries
	 * a filter: an empty CTA_FILTER makes -f ipv6 flush IPv6 entries only.
	 * (Upstream sends none and so flushes every family: a fix.)
	 */
	memset(&f, 0, sizeof(f));
	if (cmd->family)
		f.flags = CTNL_F_TUPLE;
	len = ctnl_build_flush(c->nlbuf, NLBUF_SIZE, cmd->family, nl_seq(c->nl), &f);
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, NULL, NULL);
	/* Upstream announces the flush before it looks at the result. */
	fprintf(stderr, "%sconnection tracking table has been emptied.\n", ct_prefix);
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	return 0;
}

static int dispatch(struct ct_cmd *cmd, struct ct_ctx *c)
{
	switch (cmd->command) {
	case CMD_CT_LIST:
		return run_list(cmd, c);
	case CMD_CT_GET:
		return run_get(cmd, c);
	case CMD_CT_COUNT:
		return run_count(cmd, c);
	case CMD_CT_STATS:
		return run_stats(cmd, c, 0);
	case CMD_EXP_STATS:
		return run_stats(cmd, c, 1);
	case CMD_CT_FLUSH:
		return run_flush(cmd, c);
	case CMD_CT_CREATE:
	case CMD_CT_ADD:
	case CMD_CT_UPDATE:
	case CMD_CT_DELETE:
		return ct_run_modify(cmd, c);
	case CMD_CT_EVENT:
		return ct_run_event(cmd, c);
	case CMD_EXP_LIST:
	case CMD_EXP_CREATE:
	case CMD_EXP_DELETE:
	case CMD_EXP_GET:
	case CMD_EXP_FLUSH:
	case CMD_EXP_EVENT:
	case CMD_EXP_COUNT:
		return ct_run_expect(cmd, c);
	default:
		break;
	}
	return 0;
}

int ct_cpus(void)
{
	static int n;
	cpu_set_t set;

	if (!n)
		n = sched_getaffinity(0, sizeof(set), &set) ? 1 : CPU_COUNT(&set);
	return n;
}

int ct_run(struct ct_cmd *cmd, struct nl *nl)
{
	/* Heap, allocated once: -R runs every line through here. */
	static char *outbuf, *nlbuf;
	static struct ct_ctx c;
	int ret;

	if (!outbuf) {
		outbuf = malloc(CT_OUTBUF_SIZE);
		nlbuf = malloc(NLBUF_SIZE);
		if (!outbuf || !nlbuf) {
			ct_err(CT_OTHER_PROBLEM, "out of memory");
			return 1;
		}
	}

	c.nl = nl;
	nl_set_threaded(nl, ct_cpus() > 1);
	c.count = 0;
	c.xml_open = 0;
	c.batch = batch_mode;
	c.nlbuf = nlbuf;
	if (!c.out.buf)
		out_init(&c.out, 1, outbuf, CT_OUTBUF_SIZE);
	memset(&c.po, 0, sizeof(c.po));
	c.po.flags = cmd->output;
	c.po.map = cmd->map;
	c.po.now = time(NULL);
	ret = dispatch(cmd, &c);
	out_flush(&c.out);
	return ret;
}
