// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests (no root): the option scanner, the argv -> struct ct_cmd parser, and the filter. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "applets/ct_args.h"
#include "applets/ct_getopt.h"
#include "core/print.h"

static int failures, checks;

#define CHECK(cond) \
	do { \
		checks++; \
		if (!(cond)) { \
			failures++; \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define ARGV(...) ((char *[]){ "conntrack", __VA_ARGS__, NULL })

static int argc_of(char **v)
{
	int n = 0;

	while (v[n])
		n++;
	return n;
}

static const char shorts[] = ":Ls:o:n::zhC::";
static const struct go_long longs[] = {
	{ "dump", GO_OPT_ARG, 'L' },
	{ "src", GO_REQ_ARG, 's' },
	{ "src-nat", GO_OPT_ARG, 'n' },
	{ "zero", GO_NO_ARG, 'z' },
	{ "orig-src", GO_REQ_ARG, 's' },
	{ "orig-dst", GO_REQ_ARG, 'd' },
	{ "same-a", GO_NO_ARG, 'x' },
	{ "same-b", GO_NO_ARG, 'x' },
	{ NULL, 0, 0 },
};

static void test_scanner(void)
{
	struct go_state st;

	{
		char **v = ARGV("-L", "junk", "-s", "1.1.1.1", "x");
		go_init(&st);
		CHECK(go_next(&st, 6, v, shorts, longs) == 'L');
		CHECK(go_next(&st, 6, v, shorts, longs) == 's');
		CHECK(st.optarg && !strcmp(st.optarg, "1.1.1.1"));
		CHECK(go_next(&st, 6, v, shorts, longs) == -1);
		/* skipped words end up behind the options, optind at the first of them */
		CHECK(!strcmp(v[2], "-s") && !strcmp(v[4], "junk") && !strcmp(v[5], "x"));
		CHECK(st.optind == 4);
	}
	{
		char **v = ARGV("-Lo", "extended");
		go_init(&st);
		CHECK(go_next(&st, 3, v, shorts, longs) == 'L');
		CHECK(st.optind == 1); /* still inside "-Lo": no table word is peeked */
		CHECK(go_next(&st, 3, v, shorts, longs) == 'o');
		CHECK(!strcmp(st.optarg, "extended"));
		CHECK(go_next(&st, 3, v, shorts, longs) == -1);
	}
	{
		char **v = ARGV("-n1.2.3.4", "-n", "x");
		go_init(&st);
		CHECK(go_next(&st, 4, v, shorts, longs) == 'n');
		CHECK(st.optarg && !strcmp(st.optarg, "1.2.3.4"));
		CHECK(go_next(&st, 4, v, shorts, longs) == 'n');
		CHECK(st.optarg == NULL && st.optind == 3);
	}
	{
		char **v = ARGV("--dum", "--src=1.1.1.1", "--zero=1");
		go_init(&st);
		CHECK(go_next(&st, 4, v, shorts, longs) == 'L');
		CHECK(go_next(&st, 4, v, shorts, longs) == 's');
		CHECK(!strcmp(st.optarg, "1.1.1.1"));
		CHECK(go_next(&st, 4, v, shorts, longs) == '?');
		CHECK(!strcmp(v[st.optind - 1], "--zero=1"));
	}
	{
		char **v = ARGV("--s", "--orig", "--src", "--same");
		go_init(&st);
		CHECK(go_next(&st, 5, v, shorts, longs) == '?'); /* src, src-nat */
		CHECK(go_next(&st, 5, v, shorts, longs) == '?'); /* orig-src, orig-dst */
		CHECK(go_next(&st, 5, v, shorts, longs) == 's'); /* exact beats prefix */
		CHECK(!strcmp(st.optarg, "--same"));
	}
	{
		char **v = ARGV("--same");
		go_init(&st);
		CHECK(go_next(&st, 2, v, shorts, longs) == 'x'); /* same key: not ambiguous */
	}
	{
		char **v = ARGV("-xL");
		go_init(&st);
		CHECK(go_next(&st, 2, v, shorts, longs) == '?');
		CHECK(st.optind == 1); /* upstream then names argv[0] */
		CHECK(go_next(&st, 2, v, shorts, longs) == 'L');
	}
	{
		char **v = ARGV("-Ls");
		go_init(&st);
		CHECK(go_next(&st, 2, v, shorts, longs) == 'L');
		CHECK(go_next(&st, 2, v, shorts, longs) == ':');
		CHECK(st.optind == 2 && !strcmp(v[st.optind - 1], "-Ls"));
	}
	{
		char **v = ARGV("--", "-L");
		go_init(&st);
		CHECK(go_next(&st, 3, v, shorts, longs) == -1);
	}
	{
		char **v = ARGV("-Cx", "-", "--src");
		go_init(&st);
		CHECK(go_next(&st, 4, v, shorts, longs) == 'C');
		CHECK(!strcmp(st.optarg, "x"));
		CHECK(go_next(&st, 4, v, shorts, longs) == ':'); /* "-" is a word */
		CHECK(!strcmp(v[st.optind - 1], "--src"));
	}
}

static int parse(struct ct_cmd *cmd, int argc, char **argv)
{
	struct ct_parse_ctx ctx;
	int ret;

	ct_ctx_init(&ctx);
	ctx.quiet = true;
	ret = ct_args_parse_ctx(&ctx, argc, argv, cmd);
	if (!ret)
		ret = ct_args_check(cmd);
	cmd->map = NULL;
	ct_ctx_free(&ctx);
	return ret;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void test_parser(void)
{
	struct ct_cmd cmd;

	{
		char **v = ARGV("-L", "-s", "1.2.3.0/24", "-p", "tcp", "--dport", "80");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.command == CMD_CT_LIST && cmd.proto == 6 && cmd.family == AF_INET);
		CHECK(cmd.options & (1u << OPT_MASK_SRC));
		CHECK(cmd.mask_src.v4 == ip4("255.255.255.0"));
		CHECK(cmd.tmpl.orig.dport == 80 && (cmd.tmpl.orig.present & CT_T_DPORT));
		CHECK(cmd.net_filter);
	}
	{
		char **v = ARGV("-I", "-s", "1.1.1.1", "-d", "2.2.2.2", "-p", "tcp", "--sport", "1",
				"--dport", "2", "--state", "TIME_WAIT", "-t", "10", "-m", "7/0xf");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.tmpl.reply.src.v4 == ip4("2.2.2.2") &&
		      cmd.tmpl.reply.dst.v4 == ip4("1.1.1.1"));
		CHECK(cmd.tmpl.reply.sport == 2 && cmd.tmpl.reply.dport == 1);
		CHECK(cmd.tmpl.tcp.state == 7 && cmd.tmpl.tcp.flags_orig == (0x08 | 0x02 | 0x04));
		CHECK(ct_has(&cmd.tmpl, CT_TCP_FLAGS_REPLY) && cmd.tmpl.timeout == 10);
		CHECK(cmd.tmpl.mark == 7 && !ct_has(&cmd.tmpl, CT_MARK_MASK));
	}
	{
		char **v = ARGV("-I", "-s", "1.1.1.1", "-d", "2.2.2.2", "-p", "icmp", "--icmp-type",
				"8", "--icmp-code", "0", "--icmp-id", "5", "-t", "1");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.tmpl.reply.icmp_type == 0 && cmd.tmpl.reply.icmp_id == 5);
		CHECK(cmd.tmpl.orig.icmp_type == 8);
	}
	{
		char **v = ARGV("-I", "-r", "2.2.2.2", "-q", "1.1.1.1", "-p", "udp",
				"--reply-port-src", "53", "--reply-port-dst", "1000", "-t", "1");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.tmpl.orig.src.v4 == ip4("1.1.1.1") && cmd.tmpl.orig.dport == 53);
		CHECK(cmd.tmpl.orig.l4 == 17 && cmd.family == AF_INET);
	}
	{
		char **v = ARGV("-I", "expect", "-s", "1.1.1.1", "-d", "2.2.2.2", "-p", "tcp", "-t",
				"30", "--sport", "1", "--dport", "21", "--tuple-src", "1.1.1.1",
				"--tuple-dst", "2.2.2.2", "--mask-src", "255.255.255.255",
				"--mask-dst", "255.255.255.255", "--tuple-port-src", "0",
				"--tuple-port-dst", "5000", "--mask-port-src", "0",
				"--mask-port-dst", "65535");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.command == CMD_EXP_CREATE && cmd.exp.timeout == 30);
		CHECK(cmd.exp.master.dport == 21 && cmd.exp.tuple.dport == 5000);
		CHECK(cmd.exp.tuple.l4 == 6 && cmd.exp.mask.dport == 65535);
		CHECK(cmd.exp.mask.src.v4 == 0xffffffffu && cmd.exp.tuple.dst.v4 == ip4("2.2.2.2"));
	}
	{
		char **v = ARGV("-L", "-u", "ASSURED,UNREPLIED", "-o", "xml,id");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.status == CT_IPS_ASSURED && cmd.status_mask == CT_IPS_SEEN_REPLY);
		CHECK(cmd.output == (PRINT_XML | PRINT_ID));
	}
	{
		char **v = ARGV("-E", "-e", "NEW,DESTROY", "-n", "[2001:db8::1]:80", "-b", "1000");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.event_mask == 5 && cmd.snat.has_port && cmd.snat.port == 80);
		CHECK(cmd.snat.family == AF_INET6 && cmd.family == AF_INET6 && cmd.bufsize == 1000);
	}
	{
		char **v = ARGV("-C");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(cmd.command == CMD_CT_COUNT && cmd.family == AF_INET);
	}
	{
		char **v = ARGV("-L", "-L");
		CHECK(parse(&cmd, argc_of(v), v) == CT_PARAMETER_PROBLEM);
	}
	{
		char **v = ARGV("-L", "-m", "foo");
		CHECK(parse(&cmd, argc_of(v), v) == CT_OTHER_PROBLEM);
	}
	{
		char **v = ARGV("-L", "-p", "sctp", "--state", "FOO");
		CHECK(parse(&cmd, argc_of(v), v) == CT_PARAMETER_PROBLEM);
	}
	{
		char **v = ARGV("-L", "-z", "-s", "1.1.1.1");
		CHECK(parse(&cmd, argc_of(v), v) == CT_PARAMETER_PROBLEM);
	}
}

static void entry(struct ct *ct, const char *src, const char *dst, uint8_t l4, uint16_t sp,
		  uint16_t dp)
{
	memset(ct, 0, sizeof(*ct));
	ct->family = AF_INET;
	ct->orig.l3 = ct->reply.l3 = AF_INET;
	ct->orig.l4 = ct->reply.l4 = l4;
	ct->orig.src.v4 = ip4(src);
	ct->orig.dst.v4 = ip4(dst);
	ct->reply.src.v4 = ip4(dst);
	ct->reply.dst.v4 = ip4(src);
	ct->orig.sport = ct->reply.dport = sp;
	ct->orig.dport = ct->reply.sport = dp;
	ct->orig.present = ct->reply.present =
		CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_SPORT | CT_T_DPORT;
	ct->status = CT_IPS_CONFIRMED;
	ct->timeout = 30;
	ct_set(ct, CT_ORIG);
	ct_set(ct, CT_REPLY);
	ct_set(ct, CT_STATUS);
	ct_set(ct, CT_TIMEOUT);
}

static void test_filter(void)
{
	struct ct_cmd cmd;
	struct ct ct;

	entry(&ct, "10.1.2.3", "10.9.9.9", 6, 1000, 80);
	{
		/* upstream: -D -t alone deletes everything; here -t filters */
		char **v = ARGV("-D", "-t", "30");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match(&cmd, &ct));
		ct.timeout = 40;
		CHECK(!ct_filter_match(&cmd, &ct));
		ct.timeout = 30;
	}
	{
		char **v = ARGV("-D", "-u", "UNREPLIED");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match(&cmd, &ct));
		ct.status |= CT_IPS_SEEN_REPLY;
		CHECK(!ct_filter_match(&cmd, &ct));
		ct.status &= ~CT_IPS_SEEN_REPLY;
	}
	{
		char **v = ARGV("-L", "-s", "10.0.0.0/8", "-p", "tcp", "--dport", "80");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match(&cmd, &ct));
		ct.orig.src.v4 = ip4("11.0.0.1");
		CHECK(!ct_filter_match(&cmd, &ct));
		ct.orig.src.v4 = ip4("10.1.2.3");
		ct.orig.dport = 81;
		CHECK(!ct_filter_match(&cmd, &ct));
		ct.orig.dport = 80;
	}
	{
		char **v =
			ARGV("-L", "-s", "10.1.2.3", "-d", "10.9.9.9", "-r", "10.9.9.9", "-w", "0");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match(&cmd, &ct)); /* no zone attribute = zone 0 */
		ct.zone = 3;
		ct_set(&ct, CT_ZONE);
		CHECK(!ct_filter_match(&cmd, &ct));
		ct_unset(&ct, CT_ZONE);
	}
	{
		char **v = ARGV("-L", "-m", "1/0xf");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(!ct_filter_match(&cmd, &ct)); /* no mark attribute */
		ct.mark = 0x11;
		ct_set(&ct, CT_MARK);
		CHECK(ct_filter_match(&cmd, &ct));
		ct.mark = 0x12;
		CHECK(!ct_filter_match(&cmd, &ct));
	}
	{
		char **v = ARGV("-L", "-c", "5");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(!ct_filter_match(&cmd, &ct)); /* no context: secmark 0 */
		ct_set(&ct, CT_SECCTX);		    /* a context: some non-zero secmark */
		CHECK(ct_filter_match(&cmd, &ct));
		ct.secmark = 5;
		ct_set(&ct, CT_SECMARK);
		CHECK(ct_filter_match(&cmd, &ct));
		ct.secmark = 6;
		CHECK(!ct_filter_match(&cmd, &ct));
		ct_unset(&ct, CT_SECMARK);
		ct_unset(&ct, CT_SECCTX);
	}
	{
		char **v = ARGV("-L", "-c", "0");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match(&cmd, &ct)); /* what every kernel sends without an LSM */
		ct_set(&ct, CT_SECCTX);
		CHECK(!ct_filter_match(&cmd, &ct));
		ct_unset(&ct, CT_SECCTX);
		ct.secmark = 0;
		ct_set(&ct, CT_SECMARK);
		CHECK(ct_filter_match(&cmd, &ct));
		ct_unset(&ct, CT_SECMARK);
	}
	{
		char **v = ARGV("-L", "-p", "tcp", "--state", "ESTABLISHED");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(!ct_filter_match(&cmd, &ct));
		ct.tcp.state = 3;
		ct_set(&ct, CT_TCP_STATE);
		CHECK(ct_filter_match(&cmd, &ct));
	}
	{
		/* SNAT: reply.dst differs from orig.src */
		char **v = ARGV("-L", "-n", "192.0.2.1:2000");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(!ct_filter_match(&cmd, &ct));
		ct.reply.dst.v4 = ip4("192.0.2.1");
		ct.reply.dport = 2000;
		ct.status |= CT_IPS_SRC_NAT_DONE;
		CHECK(ct_filter_match(&cmd, &ct));
		ct.reply.dport = 1000;
		CHECK(!ct_filter_match(&cmd, &ct));
	}
	{
		char **v = ARGV("-D", "-j");
		char **w = ARGV("-L", "-g");
		CHECK(parse(&cmd, argc_of(v), v) == CT_PARAMETER_PROBLEM);
		CHECK(parse(&cmd, argc_of(w), w) == 0);
		CHECK(!ct_filter_match(&cmd, &ct));
		v = ARGV("-L", "-j");
		CHECK(parse(&cmd, 2, v) == 0);
		CHECK(ct_filter_match(&cmd, &ct)); /* SNAT counts for -j */
	}
	{
		/* GRE keys filter (upstream ignores them) */
		struct ct g;
		char **v = ARGV("-L", "-p", "gre", "--srckey", "0x10");

		entry(&g, "1.1.1.1", "2.2.2.2", 47, 0x10, 0x20);
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match(&cmd, &g));
		g.orig.sport = 0x11;
		CHECK(!ct_filter_match(&cmd, &g));
	}
	{
		/* an IPv6 NAT address filters (upstream ignores it) */
		struct ct g;
		char **v = ARGV("-L", "-g", "2001:db8::99");

		memset(&g, 0, sizeof(g));
		g.orig.l3 = g.reply.l3 = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::1", g.orig.src.b);
		inet_pton(AF_INET6, "2001:db8::2", g.orig.dst.b);
		inet_pton(AF_INET6, "2001:db8::99", g.reply.src.b);
		inet_pton(AF_INET6, "2001:db8::1", g.reply.dst.b);
		g.orig.present = g.reply.present = CT_T_SRC | CT_T_DST;
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match(&cmd, &g));
		inet_pton(AF_INET6, "2001:db8::98", g.reply.src.b);
		CHECK(!ct_filter_match(&cmd, &g));
	}
	{
		/* -U: tuple compared loosely, mark/timeout are values to set */
		char **v = ARGV("-U", "-s", "10.1.2.3", "-m", "9", "-t", "99", "-p", "tcp");
		CHECK(parse(&cmd, argc_of(v), v) == 0);
		CHECK(ct_filter_match_update(&cmd, &ct));
		ct.orig.src.v4 = ip4("10.1.2.4");
		CHECK(!ct_filter_match_update(&cmd, &ct));
	}
}

static void test_labels(void)
{
	char path[] = "/tmp/ctbox-labels-XXXXXX";
	int fd = mkstemp(path);
	struct ct_parse_ctx ctx;
	struct ct_cmd cmd;
	struct ct ct;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, "# x\n0 foo\n1 bar\n0 dup\n9 bad!name\n100 hundred\n", 44) == 44);
	close(fd);
	{
		char **v = ARGV("-L", "--labelmap", path, "-l", "foo,hundred");

		ct_ctx_init(&ctx);
		CHECK(ct_args_parse_ctx(&ctx, argc_of(v), v, &cmd) == 0);
		CHECK(cmd.label_match[0] == 1 && cmd.label_match[12] == 0x10);
		entry(&ct, "1.1.1.1", "2.2.2.2", 6, 1, 2);
		CHECK(!ct_filter_match(&cmd, &ct));
		ct.labels[0] = 3;
		ct.labels[12] = 0x10;
		ct.labels_len = 16;
		ct_set(&ct, CT_LABELS);
		CHECK(ct_filter_match(&cmd, &ct));
		ct.labels[0] = 2;
		CHECK(!ct_filter_match(&cmd, &ct));
		ct_ctx_free(&ctx);
	}
	{
		char **v = ARGV("-L", "--labelmap", path, "-l", "dup");

		ct_ctx_init(&ctx);
		ctx.quiet = true;
		CHECK(ct_args_parse_ctx(&ctx, argc_of(v), v, &cmd) == CT_PARAMETER_PROBLEM);
		ct_ctx_free(&ctx);
	}
	unlink(path);
}

int main(void)
{
	test_scanner();
	test_parser();
	test_filter();
	test_labels();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
