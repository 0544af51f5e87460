// SPDX-License-Identifier: GPL-2.0-or-later
/* Request builders: golden bytes per request kind, buffer limits, refusals, build -> parse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

#include "proto/ctnl.h"
#include "build_cases.h"

#include "check.h"

static void tohex(const uint8_t *p, int n, char *out)
{
	for (int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * (n > 0 ? n : 0)] = 0;
}

static void golden(void)
{
	static uint8_t buf[4096], small[4096];
	static char hex[8193];

	for (size_t i = 0; i < n_build_cases; i++) {
		const struct build_case *c = &build_cases[i];
		int n = c->build(buf, sizeof(buf));

		CHECK(n > 0, "%s: build %d", c->name, n);
		if (n <= 0)
			continue;
		tohex(buf, n, hex);
		/* nlmsghdr fields and CTA_FILTER flags are host order: goldens are little-endian.
		 */
		if (htons(1) != 1)
			CHECK(!strcmp(hex, c->hex), "%s:\n  got  %s\n  want %s", c->name, hex,
			      c->hex);
		/* Every shorter buffer is refused, and nothing is written past it. */
		for (int l = 0; l < n; l++) {
			memset(small, 0xa5, sizeof(small));
			CHECK(c->build(small, (size_t)l) == -ENOSPC, "%s: %d-byte buffer accepted",
			      c->name, l);
			CHECK(small[l] == 0xa5, "%s: wrote past a %d-byte buffer", c->name, l);
		}
	}
}

/* What goes out as a request must come back the same through the parser. */
static void build_parse(void)
{
	static uint8_t buf[4096];
	struct ct ct, back;
	struct ct_exp e, eback;

	for (size_t i = 0; i < n_build_cases; i++) {
		const struct build_case *c = &build_cases[i];
		const struct nlmsghdr *nlh = (const void *)buf;

		if (c->build(buf, sizeof(buf)) <= 0)
			continue;
		if ((nlh->nlmsg_type >> 8) == CTNL_SUBSYS_CT)
			CHECK(ctnl_parse_ct(nlh, &back, NULL) == 0, "%s: parse back", c->name);
		else
			CHECK(ctnl_parse_exp(nlh, &eback, NULL) == 0, "%s: parse back", c->name);
	}

	memset(&ct, 0, sizeof(ct));
	ct.orig.l3 = AF_INET6;
	ct.orig.l4 = 58;
	ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_ICMP_ID | CT_T_ICMP_TYPE |
			  CT_T_ICMP_CODE | CT_T_ZONE;
	inet_pton(AF_INET6, "2001:db8::1", ct.orig.src.b);
	inet_pton(AF_INET6, "2001:db8::2", ct.orig.dst.b);
	ct.orig.icmp_id = 77;
	ct.orig.icmp_type = 128;
	ct.orig.zone = 6;
	ct.sctp.state = 3;
	ct.sctp.vtag_orig = 10;
	ct.sctp.vtag_reply = 20;
	ct.dccp.state = 4;
	ct.dccp.role = 1;
	ct.dccp.handshake_seq = 0x1122334455667788ull;
	ct.mark_mask = 0xf0;
	ct.labels_mask[15] = 0x80;
	ct.labels[15] = 0x80;
	ct.labels_len = 16;
	strcpy(ct.helper, "ftp");
	ct.seqadj_orig.correction_pos = 1;
	ct.seqadj_reply.offset_after = 3;
	ct.synproxy.its = 9;
	ct.dnat.l3 = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::80", ct.dnat.min_ip.b);
	inet_pton(AF_INET6, "2001:db8::81", ct.dnat.max_ip.b);
	for (int a = 0; a < CT_ATTR_MAX; a++)
		if (a != CT_REPLY && a != CT_MASTER && a != CT_STATUS_MASK && a != CT_SECMARK &&
		    a != CT_SECCTX && a != CT_USE && a != CT_NAT_SRC && a != CT_COUNTERS_ORIG &&
		    a != CT_COUNTERS_REPLY && a != CT_TS_START && a != CT_TS_STOP &&
		    a != CT_TS_EVENT && a != CT_TCP_STATE && a != CT_TCP_WSCALE_ORIG &&
		    a != CT_TCP_WSCALE_REPLY && a != CT_TCP_FLAGS_ORIG && a != CT_TCP_FLAGS_REPLY)
			ct_set(&ct, a);
	CHECK(ctnl_build_ct(buf, sizeof(buf), CTNL_MSG_CT_NEW, 0, AF_INET6, 1, &ct) > 0,
	      "v6 build");
	CHECK(ctnl_parse_ct((void *)buf, &back, NULL) == 0, "v6 parse");
	/* wire_* only describe parsed messages; compare the model. */
	back.wire_n = 0;
	memset(back.wire_order, 0, sizeof(back.wire_order));
	back.family = 0;
	ct.family = 0;
	CHECK(!memcmp(&ct, &back, sizeof(ct)), "v6 build -> parse changed the entry");

	memset(&e, 0, sizeof(e));
	e.master.l3 = AF_INET;
	e.master.present = CT_T_SRC | CT_T_PROTO;
	e.master.l4 = 17;
	e.nat.dir = 1;
	e.nat.tuple.l3 = AF_INET;
	e.nat.tuple.present = CT_T_SRC | CT_T_PROTO | CT_T_SPORT;
	e.nat.tuple.l4 = 17;
	e.nat.tuple.sport = 5060;
	strcpy(e.helper, "sip");
	strcpy(e.fn, "nat-follow-master");
	e.flags = CT_EXPF_PERMANENT;
	e.class = 1;
	e.zone = 3;
	e.id = 99;
	for (int a = 0; a <= CT_EXP_FN; a++)
		if (a != CT_EXP_TUPLE && a != CT_EXP_MASK && a != CT_EXP_TIMEOUT)
			ct_exp_set(&e, a);
	CHECK(ctnl_build_exp(buf, sizeof(buf), CTNL_MSG_EXP_DELETE, 0, AF_INET, 1, &e) > 0,
	      "exp build");
	CHECK(ctnl_parse_exp((void *)buf, &eback, NULL) == 0, "exp parse");
	eback.wire_n = 0;
	memset(eback.wire_order, 0, sizeof(eback.wire_order));
	eback.family = 0;
	CHECK(!memcmp(&e, &eback, sizeof(e)), "exp build -> parse changed the expectation");
}

static void refusals(void)
{
	static uint8_t buf[4096];
	struct ctnl_filter f = { .flags = CTNL_F_TUPLE, .orig_flags = CTNL_FF_IP_SRC };
	struct ct ct;
	struct ct_exp e;

	/* The kernel reads filter tuples in the dump's family: none, no tuple filter. */
	CHECK(ctnl_build_dump(buf, sizeof(buf), CTNL_MSG_CT_GET, AF_UNSPEC, 1, &f) == -EINVAL,
	      "tuple filter without family");
	f.orig_flags = CTNL_FF_PROTO_DST_PORT;
	CHECK(ctnl_build_dump(buf, sizeof(buf), CTNL_MSG_CT_GET, AF_INET, 1, &f) == -EINVAL,
	      "port filter without protocol");
	f.orig_flags = 1u << 12;
	CHECK(ctnl_build_dump(buf, sizeof(buf), CTNL_MSG_CT_GET, AF_INET, 1, &f) == -EINVAL,
	      "unknown filter flag");
	memset(&ct, 0, sizeof(ct));
	ct_set(&ct, CT_REPLY);
	CHECK(ctnl_build_ct(buf, sizeof(buf), CTNL_MSG_CT_GET, 0, AF_INET, 1, &ct) == -EINVAL,
	      "conntrack without original tuple");
	ct_set(&ct, CT_ORIG);
	CHECK(ctnl_build_ct(buf, sizeof(buf), CTNL_MSG_CT_GET, 0, AF_UNSPEC, 1, &ct) == -EINVAL,
	      "original tuple without l3");
	memset(&e, 0, sizeof(e));
	ct_exp_set(&e, CT_EXP_TUPLE);
	CHECK(ctnl_build_exp(buf, sizeof(buf), CTNL_MSG_EXP_NEW, 0, AF_INET, 1, &e) == -EINVAL,
	      "expectation create without mask and master");
	e.present = 0;
	CHECK(ctnl_build_exp(buf, sizeof(buf), CTNL_MSG_EXP_GET, 0, AF_INET, 1, &e) == -EINVAL,
	      "expectation get without tuple");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--print-golden")) {
		/* For adding a case: prints what the builders make now, to be checked by hand. */
		static uint8_t buf[4096];
		static char hex[8193];

		for (size_t i = 0; i < n_build_cases; i++) {
			int n = build_cases[i].build(buf, sizeof(buf));

			tohex(buf, n, hex);
			printf("%s %s\n", build_cases[i].name, hex);
		}
		return 0;
	}
	golden();
	build_parse();
	refusals();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
