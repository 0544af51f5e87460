// SPDX-License-Identifier: GPL-2.0-or-later
/* Request-builder cases: one per request kind, with the bytes the kernel accepted for them. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

#include "proto/ctnl.h"
#include "build_cases.h"

#define SEQ 0x01020304

static void v4(union ct_addr *a, const char *s)
{
	inet_pton(AF_INET, s, a->b);
}

/* tcp 192.0.2.1:40000 -> 198.51.100.1:443, the shape -I gives it. */
static void tcp_entry(struct ct *ct)
{
	memset(ct, 0, sizeof(*ct));
	ct->orig.l3 = AF_INET;
	ct->orig.l4 = 6;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_SPORT | CT_T_DPORT;
	v4(&ct->orig.src, "192.0.2.1");
	v4(&ct->orig.dst, "198.51.100.1");
	ct->orig.sport = 40000;
	ct->orig.dport = 443;
	ct->reply = ct->orig;
	ct->reply.src = ct->orig.dst;
	ct->reply.dst = ct->orig.src;
	ct->reply.sport = 443;
	ct->reply.dport = 40000;
	ct_set(ct, CT_ORIG);
	ct_set(ct, CT_REPLY);
}

static int b_dump(void *buf, size_t len)
{
	return ctnl_build_dump(buf, len, CTNL_MSG_CT_GET, AF_UNSPEC, SEQ, NULL);
}

static int b_dump_filters(void *buf, size_t len)
{
	struct ctnl_filter f = {
		.flags = CTNL_F_MARK | CTNL_F_STATUS | CTNL_F_ZONE,
		.mark = 16,
		.mark_mask = 0xff,
		.status = CT_IPS_ASSURED,
		.status_mask = CT_IPS_ASSURED,
		.zone = 42,
	};

	return ctnl_build_dump(buf, len, CTNL_MSG_CT_GET, AF_INET, SEQ, &f);
}

static int b_dump_tuple(void *buf, size_t len)
{
	struct ctnl_filter f = { .flags = CTNL_F_TUPLE };
	struct ct ct;

	tcp_entry(&ct);
	f.orig = ct.orig;
	f.reply = ct.reply;
	f.orig_flags = CTNL_FF_IP_SRC | CTNL_FF_PROTO_NUM | CTNL_FF_PROTO_DST_PORT;
	f.reply_flags = CTNL_FF_IP_DST;
	return ctnl_build_dump(buf, len, CTNL_MSG_CT_GET, AF_INET, SEQ, &f);
}

static int b_ctrzero(void *buf, size_t len)
{
	return ctnl_build_dump(buf, len, CTNL_MSG_CT_GET_CTRZERO, AF_INET6, SEQ, NULL);
}

static int b_dying(void *buf, size_t len)
{
	return ctnl_build_dump(buf, len, CTNL_MSG_CT_GET_DYING, AF_UNSPEC, SEQ, NULL);
}

static int b_unconfirmed(void *buf, size_t len)
{
	return ctnl_build_dump(buf, len, CTNL_MSG_CT_GET_UNCONFIRMED, AF_UNSPEC, SEQ, NULL);
}

static int b_create(void *buf, size_t len)
{
	struct ct ct;

	tcp_entry(&ct);
	ct.status = CT_IPS_ASSURED | CT_IPS_CONFIRMED;
	ct.timeout = 3600;
	ct.mark = 16;
	ct.tcp.state = 3;
	ct.tcp.flags_orig = ct.tcp.mask_orig = 0x0a;
	ct.tcp.flags_reply = ct.tcp.mask_reply = 0x0a;
	ct_set(&ct, CT_STATUS);
	ct_set(&ct, CT_TIMEOUT);
	ct_set(&ct, CT_MARK);
	ct_set(&ct, CT_TCP_STATE);
	ct_set(&ct, CT_TCP_FLAGS_ORIG);
	ct_set(&ct, CT_TCP_FLAGS_REPLY);
	return ctnl_build_ct(buf, len, CTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
			     AF_INET, SEQ, &ct);
}

/* udp with a zone, a label and source NAT with a port. */
static int b_create_nat(void *buf, size_t len)
{
	struct ct ct;

	memset(&ct, 0, sizeof(ct));
	ct.orig.l3 = AF_INET;
	ct.orig.l4 = 17;
	ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_SPORT | CT_T_DPORT;
	v4(&ct.orig.src, "10.0.0.5");
	v4(&ct.orig.dst, "203.0.113.9");
	ct.orig.sport = 33000;
	ct.orig.dport = 53;
	ct.reply = ct.orig;
	ct.reply.src = ct.orig.dst;
	ct.reply.dst = ct.orig.src;
	ct.reply.sport = 53;
	ct.reply.dport = 33000;
	ct_set(&ct, CT_ORIG);
	ct_set(&ct, CT_REPLY);
	ct.status = CT_IPS_CONFIRMED | CT_IPS_ASSURED;
	ct.timeout = 100;
	ct.mark = 16;
	ct_set(&ct, CT_MARK);
	ct.zone = 42;
	ct.labels[0] = 0x01;
	ct.labels_len = 16;
	ct.snat.l3 = AF_INET;
	v4(&ct.snat.min_ip, "198.51.100.7");
	ct.snat.max_ip = ct.snat.min_ip;
	ct.snat.has_port = 1;
	ct.snat.min_port = ct.snat.max_port = 61000;
	ct_set(&ct, CT_STATUS);
	ct_set(&ct, CT_TIMEOUT);
	ct_set(&ct, CT_ZONE);
	ct_set(&ct, CT_LABELS);
	ct_set(&ct, CT_NAT_SRC);
	return ctnl_build_ct(buf, len, CTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
			     AF_INET, SEQ, &ct);
}

static int b_get(void *buf, size_t len)
{
	struct ct ct;

	tcp_entry(&ct);
	ct_unset(&ct, CT_REPLY);
	return ctnl_build_ct(buf, len, CTNL_MSG_CT_GET, NLM_F_ACK, AF_INET, SEQ, &ct);
}

static int b_delete(void *buf, size_t len)
{
	struct ct ct;

	tcp_entry(&ct);
	ct.id = 0x11223344;
	ct_set(&ct, CT_ID);
	return ctnl_build_ct(buf, len, CTNL_MSG_CT_DELETE, NLM_F_ACK, AF_INET, SEQ, &ct);
}

static int b_flush(void *buf, size_t len)
{
	return ctnl_build_simple(buf, len, CTNL_SUBSYS_CT, CTNL_MSG_CT_DELETE, NLM_F_ACK, AF_INET,
				 SEQ);
}

static int b_stats(void *buf, size_t len)
{
	return ctnl_build_simple(buf, len, CTNL_SUBSYS_CT, CTNL_MSG_CT_GET_STATS, 0, AF_UNSPEC,
				 SEQ);
}

static int b_stats_cpu(void *buf, size_t len)
{
	return ctnl_build_simple(buf, len, CTNL_SUBSYS_CT, CTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP,
				 AF_UNSPEC, SEQ);
}

static int b_exp_dump(void *buf, size_t len)
{
	return ctnl_build_simple(buf, len, CTNL_SUBSYS_EXP, CTNL_MSG_EXP_GET, NLM_F_DUMP, AF_INET,
				 SEQ);
}

static void exp_entry(struct ct_exp *e)
{
	struct ct ct;

	tcp_entry(&ct);
	memset(e, 0, sizeof(*e));
	e->master = ct.orig;
	e->tuple = ct.reply;
	e->tuple.sport = 0;
	e->tuple.dport = 51210;
	e->mask.l3 = AF_INET;
	e->mask.present = CT_T_SRC | CT_T_DST | CT_T_SPORT | CT_T_DPORT;
	memset(e->mask.src.b, 0xff, 4);
	memset(e->mask.dst.b, 0xff, 4);
	e->mask.dport = 0xffff;
	e->timeout = 300;
	ct_exp_set(e, CT_EXP_MASTER);
	ct_exp_set(e, CT_EXP_TUPLE);
	ct_exp_set(e, CT_EXP_MASK);
	ct_exp_set(e, CT_EXP_TIMEOUT);
}

static int b_exp_new(void *buf, size_t len)
{
	struct ct_exp e;

	exp_entry(&e);
	return ctnl_build_exp(buf, len, CTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
			      AF_INET, SEQ, &e);
}

static int b_exp_get(void *buf, size_t len)
{
	struct ct_exp e;

	exp_entry(&e);
	e.present = 0;
	ct_exp_set(&e, CT_EXP_MASTER);
	return ctnl_build_exp(buf, len, CTNL_MSG_EXP_GET, NLM_F_ACK, AF_INET, SEQ, &e);
}

static int b_exp_delete(void *buf, size_t len)
{
	struct ct_exp e;

	exp_entry(&e);
	e.present = 0;
	ct_exp_set(&e, CT_EXP_TUPLE);
	return ctnl_build_exp(buf, len, CTNL_MSG_EXP_DELETE, NLM_F_ACK, AF_INET, SEQ, &e);
}

#include "build_golden.h"

/* In the order the kernel test sends them: creates first so gets, dumps and deletes find them. */
const struct build_case build_cases[] = {
	{ "create", GOLDEN_create, b_create, 0, 0 },
	{ "create-nat", GOLDEN_create_nat, b_create_nat, 0, 0 },
	{ "dump", GOLDEN_dump, b_dump, 0, 2 },
	{ "dump-filters", GOLDEN_dump_filters, b_dump_filters, 0,
	  1 },							 /* only the zone-42 udp one */
	{ "dump-tuple", GOLDEN_dump_tuple, b_dump_tuple, 0, 1 }, /* only the tcp one */
	{ "dump-ctrzero", GOLDEN_ctrzero, b_ctrzero, 0, 0 },	 /* no IPv6 entries */
	{ "dump-dying", GOLDEN_dying, b_dying, 0, 0 },
	{ "dump-unconfirmed", GOLDEN_unconfirmed, b_unconfirmed, 0, 0 },
	{ "get", GOLDEN_get, b_get, 0, 1 },
	{ "delete-id", GOLDEN_delete, b_delete, -ENOENT, 0 },	  /* id does not match */
	{ "exp-new", GOLDEN_exp_new, b_exp_new, -EOPNOTSUPP, 0 }, /* master has no helper */
	{ "exp-get", GOLDEN_exp_get, b_exp_get, -ENOENT, 0 },
	{ "exp-delete", GOLDEN_exp_delete, b_exp_delete, -ENOENT, 0 },
	{ "exp-dump", GOLDEN_exp_dump, b_exp_dump, 0, 0 },
	{ "stats", GOLDEN_stats, b_stats, 0, 1 },
	{ "stats-cpu", GOLDEN_stats_cpu, b_stats_cpu, 0, -1 }, /* one per possible cpu */
	{ "flush", GOLDEN_flush, b_flush, 0, 0 },
};
const size_t n_build_cases = sizeof(build_cases) / sizeof(build_cases[0]);
