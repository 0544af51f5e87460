// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz harness: conntrack argv parser and checks, then the filters and builders it feeds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "applets/ct_args.h"
#include "proto/ctnl.h"
#include "fuzz.h"

/*
 * Input format: argument words separated by ' ', '\n' or '\0' (each
 * separator ends one word, so two in a row make an empty argument);
 * "conntrack" is argv[0]. Corpus seeds are therefore readable lines.
 */
#define MAX_ARGS 64

const char *const fuzz_dict[] = { " -L ",
				  " -I ",
				  " -A ",
				  " -U ",
				  " -D ",
				  " -G ",
				  " -F ",
				  " -E ",
				  " -C ",
				  " -S ",
				  " -R ",
				  " -h ",
				  " -V ",
				  " -z ",
				  " -x ",
				  " conntrack ",
				  " expect ",
				  " dying ",
				  " unconfirmed ",
				  " -s ",
				  " -d ",
				  " -r ",
				  " -q ",
				  " -p ",
				  " -t ",
				  " -u ",
				  " -m ",
				  " -c ",
				  " -i ",
				  " -f ",
				  " -n ",
				  " -g ",
				  " -j ",
				  " -o ",
				  " -b ",
				  " -w ",
				  " -l ",
				  " -e ",
				  " --tuple-src ",
				  " --tuple-dst ",
				  " --mask-src ",
				  " --mask-dst ",
				  " --nat-range ",
				  " --label-add ",
				  " --label-del ",
				  " --orig-zone ",
				  " --reply-zone ",
				  " --labelmap ",
				  " --sport ",
				  " --dport ",
				  " --reply-port-src ",
				  " --reply-port-dst ",
				  " --state ",
				  " --mask-port-src ",
				  " --mask-port-dst ",
				  " --tuple-port-src ",
				  " --tuple-port-dst ",
				  " --icmp-type ",
				  " --icmp-code ",
				  " --icmp-id ",
				  " --icmpv6-type ",
				  " --srckey ",
				  " --dstkey ",
				  " --orig-vtag ",
				  " --reply-vtag ",
				  " --any-nat",
				  " tcp ",
				  " udp ",
				  " udplite ",
				  " icmp ",
				  " icmpv6 ",
				  " sctp ",
				  " dccp ",
				  " gre ",
				  " 47 ",
				  " ipv4 ",
				  " ipv6 ",
				  " 1.2.3.4 ",
				  " 10.0.0.0/8 ",
				  " ::1 ",
				  " 2001:db8::/32 ",
				  " ::ffff:1.2.3.4 ",
				  " 0x10/0xff ",
				  " ESTABLISHED ",
				  " SYN_SENT ",
				  " ASSURED,SEEN_REPLY ",
				  " UNSET ",
				  " xml,extended,id ",
				  " json ",
				  " save ",
				  " ktimestamp,labels ",
				  " NEW,UPDATES ",
				  " foo ",
				  " bar,eth-wan ",
				  " 4294967296 ",
				  " -1 ",
				  " 65536 ",
				  ":",
				  ",",
				  "/",
				  "=",
				  "--",
				  "-",
				  NULL };

/*
 * The parser reports through stdio's stdout/stderr. glibc lets us point
 * those at /dev/null and keep fd 2 for sanitizer and libFuzzer reports;
 * elsewhere (musl's stderr is const) the descriptors are swapped instead,
 * and a sanitizer report is sent to the saved stderr explicitly.
 */
static FILE *null_fp;
static int null_fd = -1, saved_out = -1, saved_err = -1;

extern void __sanitizer_set_report_fd(void *fd) __attribute__((weak));

static void quiet(int on)
{
	fflush(stdout);
	fflush(stderr);
#ifdef __GLIBC__
	static FILE *out, *err;

	if (on) {
		out = stdout;
		err = stderr;
		stdout = stderr = null_fp;
	} else {
		stdout = out;
		stderr = err;
	}
#else
	dup2(on ? null_fd : saved_out, 1);
	dup2(on ? null_fd : saved_err, 2);
#endif
}

static void init(void)
{
	null_fp = fopen("/dev/null", "we");
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	saved_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
	saved_err = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (!null_fp || null_fd < 0 || saved_out < 0 || saved_err < 0)
		fuzz_fail("stdio setup");
	if (__sanitizer_set_report_fd)
		__sanitizer_set_report_fd((void *)(intptr_t)saved_err);
}

/* Entries for the filters: IPv4 TCP with DNAT, labels and zone; IPv6 ICMP echo. */
static void samples(struct ct *a, struct ct *b)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->present = UINT64_C(1) << CT_ORIG | UINT64_C(1) << CT_REPLY | UINT64_C(1) << CT_STATUS |
		     UINT64_C(1) << CT_TIMEOUT | UINT64_C(1) << CT_MARK | UINT64_C(1) << CT_ID |
		     UINT64_C(1) << CT_ZONE | UINT64_C(1) << CT_TCP_STATE |
		     UINT64_C(1) << CT_LABELS | UINT64_C(1) << CT_SECMARK;
	a->orig = (struct ct_tuple){ .present = CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_SPORT |
						CT_T_DPORT | CT_T_ZONE,
				     .l3 = AF_INET,
				     .l4 = IPPROTO_TCP,
				     .sport = 40000,
				     .dport = 22,
				     .zone = 1 };
	a->orig.src.v4 = htonl(0x0a000001);
	a->orig.dst.v4 = htonl(0x01020304);
	a->reply = a->orig;
	a->reply.src.v4 = htonl(0xc0a80001); /* DNAT */
	a->reply.dst.v4 = htonl(0x0a000001);
	a->reply.sport = 22;
	a->reply.dport = 40000;
	a->status = CT_IPS_ASSURED | CT_IPS_SEEN_REPLY | CT_IPS_CONFIRMED | CT_IPS_DST_NAT |
		    CT_IPS_DST_NAT_DONE;
	a->timeout = 300;
	a->mark = 0x10;
	a->id = 0xdeadbeef;
	a->zone = 1;
	a->tcp.state = 3;
	a->labels[0] = 0x23;
	a->labels_len = CT_LABELS_BYTES;
	a->secmark = 7;

	memset(b, 0, sizeof(*b));
	b->family = AF_INET6;
	b->present = UINT64_C(1) << CT_ORIG | UINT64_C(1) << CT_REPLY | UINT64_C(1) << CT_STATUS;
	b->orig = (struct ct_tuple){ .present = CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_ICMP_ID |
						CT_T_ICMP_TYPE | CT_T_ICMP_CODE,
				     .l3 = AF_INET6,
				     .l4 = IPPROTO_ICMPV6,
				     .icmp_id = 7,
				     .icmp_type = 128 };
	inet_pton(AF_INET6, "2001:db8::1", &b->orig.src);
	inet_pton(AF_INET6, "::1", &b->orig.dst);
	b->reply = b->orig;
	b->reply.src = b->orig.dst;
	b->reply.dst = b->orig.src;
	b->reply.icmp_type = 129;
}

static uint16_t ct_msg_of(enum ct_command c)
{
	switch (c) {
	case CMD_CT_CREATE:
	case CMD_CT_ADD:
	case CMD_CT_UPDATE:
		return CTNL_MSG_CT_NEW;
	case CMD_CT_DELETE:
		return CTNL_MSG_CT_DELETE;
	default:
		return CTNL_MSG_CT_GET;
	}
}

/* What the executor would send for the parsed command: it must build, or be refused cleanly. */
static void build(const struct ct_cmd *cmd)
{
	static uint8_t buf[1 << 16];
	struct ct back;
	int len;

	switch (cmd->command) {
	case CMD_CT_CREATE:
	case CMD_CT_ADD:
	case CMD_CT_UPDATE:
	case CMD_CT_DELETE:
	case CMD_CT_GET:
		len = ctnl_build_ct(buf, sizeof(buf), ct_msg_of(cmd->command), 0, cmd->family, 1,
				    &cmd->tmpl);
		if (len > 0 && ctnl_parse_ct((const void *)buf, &back, NULL))
			fuzz_fail("ctnl_build_ct output does not parse");
		break;
	case CMD_EXP_CREATE:
	case CMD_EXP_DELETE:
	case CMD_EXP_GET:
		len = ctnl_build_exp(buf, sizeof(buf),
				     cmd->command == CMD_EXP_CREATE   ? CTNL_MSG_EXP_NEW
				     : cmd->command == CMD_EXP_DELETE ? CTNL_MSG_EXP_DELETE
								      : CTNL_MSG_EXP_GET,
				     0, cmd->family, 1, &cmd->exp);
		break;
	default:
		return;
	}
	if (len < 0 && len != -EINVAL && len != -ENOSPC)
		fuzz_fail("builder error code");
	if (len > (int)sizeof(buf))
		fuzz_fail("builder length");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char words[4096 + 1];
	static int ready;
	char *argv[MAX_ARGS + 1];
	struct ct_parse_ctx ctx;
	struct ct_cmd cmd;
	struct ct a, b;
	int argc = 0, ret;
	size_t start = 0;

	if (!ready) {
		init();
		ready = 1;
	}
	if (size > sizeof(words) - 1)
		return 0;
	memcpy(words, data, size);
	words[size] = '\0';
	/*
	 * --labelmap opens the path it is given: keep the fuzzer away from
	 * device and proc files (a read of /dev/stdin would block forever).
	 */
	if (memmem(words, size, "dev/", 4) || memmem(words, size, "proc/", 5) ||
	    memmem(words, size, "sys/", 4) || memmem(words, size, "fd/", 3))
		return 0;
	argv[argc++] = (char *)"conntrack";
	for (size_t i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (i == size || words[i] == ' ' || words[i] == '\n' || words[i] == '\0') {
			if (i == size && start == size)
				break;
			words[i] = '\0';
			argv[argc++] = words + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;

	ct_ctx_init(&ctx);
	quiet(1);
	ret = ct_args_parse_ctx(&ctx, argc, argv, &cmd);
	if (ret != 0 && ret != CT_OTHER_PROBLEM && ret != CT_PARAMETER_PROBLEM)
		fuzz_fail("ct_args_parse_ctx return");
	if (!ret)
		ret = ct_args_check(&cmd);
	if (!ret) {
		if (cmd.command == CMD_HELP || cmd.command == CMD_NONE)
			ct_args_usage(&cmd);
		samples(&a, &b);
		(void)ct_filter_match(&cmd, &a);
		(void)ct_filter_match(&cmd, &b);
		(void)ct_filter_match_update(&cmd, &a);
		(void)ct_filter_match_update(&cmd, &b);
		build(&cmd);
	}
	quiet(0);
	ct_ctx_free(&ctx);
	return 0;
}
