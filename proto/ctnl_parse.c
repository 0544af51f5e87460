// SPDX-License-Identifier: GPL-2.0-or-later
/* ctnetlink parser: validates each nest against its policy table, then fills the model. */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/ctnl.h"
#include "proto/ctnl_int.h"

/* One line per attribute: these read as tables, keep clang-format out. */
/* clang-format off */
#define POL(name, max, pad, ...)                                           \
	static const struct nla_pol name##_ent[(max) + 1] = { __VA_ARGS__ }; \
	static const struct nla_policy name = { (max), (pad), name##_ent }

POL(pol_ip, CTA_IP_MAX, 0,
    [CTA_IP_V4_SRC] = NLA_BIN(4, 4),
    [CTA_IP_V4_DST] = NLA_BIN(4, 4),
    [CTA_IP_V6_SRC] = NLA_BIN(16, 16),
    [CTA_IP_V6_DST] = NLA_BIN(16, 16));

POL(pol_proto, CTA_PROTO_MAX, 0,
    [CTA_PROTO_NUM] = NLA_U8,
    [CTA_PROTO_SRC_PORT] = NLA_U16,
    [CTA_PROTO_DST_PORT] = NLA_U16,
    [CTA_PROTO_ICMP_ID] = NLA_U16,
    [CTA_PROTO_ICMP_TYPE] = NLA_U8,
    [CTA_PROTO_ICMP_CODE] = NLA_U8,
    [CTA_PROTO_ICMPV6_ID] = NLA_U16,
    [CTA_PROTO_ICMPV6_TYPE] = NLA_U8,
    [CTA_PROTO_ICMPV6_CODE] = NLA_U8);

POL(pol_tuple, CTA_TUPLE_MAX, 0,
    [CTA_TUPLE_IP] = NLA_NEST,
    [CTA_TUPLE_PROTO] = NLA_NEST,
    [CTA_TUPLE_ZONE] = NLA_U16);

POL(pol_protoinfo, CTA_PROTOINFO_MAX, 0,
    [CTA_PROTOINFO_TCP] = NLA_NEST,
    [CTA_PROTOINFO_DCCP] = NLA_NEST,
    [CTA_PROTOINFO_SCTP] = NLA_NEST);

POL(pol_tcp, CTA_PROTOINFO_TCP_MAX, 0,
    [CTA_PROTOINFO_TCP_STATE] = NLA_U8,
    [CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = NLA_U8,
    [CTA_PROTOINFO_TCP_WSCALE_REPLY] = NLA_U8,
    /* struct nf_ct_tcp_flags { u8 flags; u8 mask; } */
    [CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = NLA_BIN(2, 2),
    [CTA_PROTOINFO_TCP_FLAGS_REPLY] = NLA_BIN(2, 2));

POL(pol_dccp, CTA_PROTOINFO_DCCP_MAX, CTA_PROTOINFO_DCCP_PAD,
    [CTA_PROTOINFO_DCCP_STATE] = NLA_U8,
    [CTA_PROTOINFO_DCCP_ROLE] = NLA_U8,
    [CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ] = NLA_U64);

POL(pol_sctp, CTA_PROTOINFO_SCTP_MAX, 0,
    [CTA_PROTOINFO_SCTP_STATE] = NLA_U8,
    [CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = NLA_U32,
    [CTA_PROTOINFO_SCTP_VTAG_REPLY] = NLA_U32);

POL(pol_counters, CTA_COUNTERS_MAX, CTA_COUNTERS_PAD,
    [CTA_COUNTERS_PACKETS] = NLA_U64,
    [CTA_COUNTERS_BYTES] = NLA_U64,
    [CTA_COUNTERS32_PACKETS] = NLA_U32,
    [CTA_COUNTERS32_BYTES] = NLA_U32);

POL(pol_tstamp, CTA_TIMESTAMP_MAX, CTA_TIMESTAMP_PAD,
    [CTA_TIMESTAMP_START] = NLA_U64,
    [CTA_TIMESTAMP_STOP] = NLA_U64);

POL(pol_help, CTA_HELP_MAX, 0,
    [CTA_HELP_NAME] = NLA_STR,
    [CTA_HELP_INFO] = NLA_NEST);

POL(pol_secctx, CTA_SECCTX_MAX, 0,
    [CTA_SECCTX_NAME] = NLA_STR);

POL(pol_seqadj, CTA_SEQADJ_MAX, 0,
    [CTA_SEQADJ_CORRECTION_POS] = NLA_U32,
    [CTA_SEQADJ_OFFSET_BEFORE] = NLA_U32,
    [CTA_SEQADJ_OFFSET_AFTER] = NLA_U32);

POL(pol_synproxy, CTA_SYNPROXY_MAX, 0,
    [CTA_SYNPROXY_ISN] = NLA_U32,
    [CTA_SYNPROXY_ITS] = NLA_U32,
    [CTA_SYNPROXY_TSOFF] = NLA_U32);

POL(pol_nat, CTA_NAT_MAX, 0,
    [CTA_NAT_V4_MINIP] = NLA_BIN(4, 4),
    [CTA_NAT_V4_MAXIP] = NLA_BIN(4, 4),
    [CTA_NAT_PROTO] = NLA_NEST,
    [CTA_NAT_V6_MINIP] = NLA_BIN(16, 16),
    [CTA_NAT_V6_MAXIP] = NLA_BIN(16, 16));

POL(pol_protonat, CTA_PROTONAT_MAX, 0,
    [CTA_PROTONAT_PORT_MIN] = NLA_U16,
    [CTA_PROTONAT_PORT_MAX] = NLA_U16);

/*
 * Top level. The kernel pads CTA_TIMESTAMP_EVENT with CTA_TIMESTAMP_PAD (3)
 * at this level, where 3 is CTA_STATUS: on arches that need 64-bit alignment
 * an empty type-3 attribute is padding, not a broken status.
 */
POL(pol_ct, CTNL_CTA_MAX, CTA_STATUS,
    [CTA_TUPLE_ORIG] = NLA_NEST,
    [CTA_TUPLE_REPLY] = NLA_NEST,
    [CTA_STATUS] = NLA_U32,
    [CTA_PROTOINFO] = NLA_NEST,
    [CTA_HELP] = NLA_NEST,
    [CTA_NAT_SRC] = NLA_NEST,
    [CTA_TIMEOUT] = NLA_U32,
    [CTA_MARK] = NLA_U32,
    [CTA_COUNTERS_ORIG] = NLA_NEST,
    [CTA_COUNTERS_REPLY] = NLA_NEST,
    [CTA_USE] = NLA_U32,
    [CTA_ID] = NLA_U32,
    [CTA_NAT_DST] = NLA_NEST,
    [CTA_TUPLE_MASTER] = NLA_NEST,
    [CTA_SEQ_ADJ_ORIG] = NLA_NEST,
    [CTA_SEQ_ADJ_REPLY] = NLA_NEST,
    [CTA_SECMARK] = NLA_U32,
    [CTA_ZONE] = NLA_U16,
    [CTA_SECCTX] = NLA_NEST,
    [CTA_TIMESTAMP] = NLA_NEST,
    [CTA_MARK_MASK] = NLA_U32,
    [CTA_LABELS] = NLA_BIN(1, CT_LABELS_BYTES),
    [CTA_LABELS_MASK] = NLA_BIN(1, CT_LABELS_BYTES),
    [CTA_SYNPROXY] = NLA_NEST,
    [CTA_FILTER] = NLA_NEST,
    [CTA_STATUS_MASK] = NLA_U32,
    [CTNL_CTA_TIMESTAMP_EVENT] = NLA_U64);

POL(pol_exp_nat, CTA_EXPECT_NAT_MAX, 0,
    [CTA_EXPECT_NAT_DIR] = NLA_U32,
    [CTA_EXPECT_NAT_TUPLE] = NLA_NEST);

POL(pol_exp, CTA_EXPECT_MAX, 0,
    [CTA_EXPECT_MASTER] = NLA_NEST,
    [CTA_EXPECT_TUPLE] = NLA_NEST,
    [CTA_EXPECT_MASK] = NLA_NEST,
    [CTA_EXPECT_TIMEOUT] = NLA_U32,
    [CTA_EXPECT_ID] = NLA_U32,
    [CTA_EXPECT_HELP_NAME] = NLA_STR,
    [CTA_EXPECT_ZONE] = NLA_U16,
    [CTA_EXPECT_FLAGS] = NLA_U32,
    [CTA_EXPECT_CLASS] = NLA_U32,
    [CTA_EXPECT_NAT] = NLA_NEST,
    [CTA_EXPECT_FN] = NLA_STR);

/* Stats: every counter is a u32; the widest of the three sets bounds the table. */
POL(pol_stats, CT_STATS_MAX - 1, 0,
    [1 ... CT_STATS_MAX - 1] = NLA_U32);

/* clang-format on */

#define TB_MAX 32 /* >= every maxtype above */

/*
 * Scalar attributes as data: where each lands in the model and which present
 * bit it sets. get_fields is inlined with a constant table, so each table
 * folds into straight-line loads.
 */
enum fld_kind { F_U8, F_BE16, F_BE32, F_BE64, F_RAW2, F_STR };

struct fld {
	uint8_t type; /* attribute type in its nest */
	uint8_t kind; /* enum fld_kind */
	uint8_t bit;  /* present bit index */
	uint8_t size; /* F_STR: buffer size */
	uint16_t off; /* offset of the field in the target struct */
};

#define FLD(type, kind, st, member, bit) \
	{ \
		(type), (kind), (bit), (uint8_t)sizeof(((st *)0)->member), offsetof(st, member) \
	}
/* Tuple fields carry masks (CT_T_*); the table wants the bit index. */
#define TFLD(type, kind, member, mask) FLD(type, kind, struct ct_tuple, member, __builtin_ctz(mask))
#define NFLD(t) (sizeof(t) / sizeof((t)[0]))

static inline __attribute__((always_inline)) uint64_t
get_fields(const struct nlattr *const *tb, const struct fld *f, unsigned int n, void *obj)
{
	uint8_t *base = obj;
	uint64_t got = 0;

#pragma GCC unroll 16
	for (unsigned int i = 0; i < n; i++) {
		const struct nlattr *a = tb[f[i].type];
		uint8_t *p = base + f[i].off;

		if (!a)
			continue;
		switch (f[i].kind) {
		case F_U8:
			*p = nla_get8(a);
			break;
		case F_BE16: {
			uint16_t v = nla_get16be(a);

			memcpy(p, &v, sizeof(v));
			break;
		}
		case F_BE32: {
			uint32_t v = nla_get32be(a);

			memcpy(p, &v, sizeof(v));
			break;
		}
		case F_BE64: {
			uint64_t v = nla_get64be(a);

			memcpy(p, &v, sizeof(v));
			break;
		}
		case F_RAW2: /* struct nf_ct_tcp_flags: flags, mask */
			memcpy(p, nla_payload(a), 2);
			break;
		case F_STR:
			nla_getstr(a, (char *)p, f[i].size);
			break;
		}
		got |= UINT64_C(1) << f[i].bit;
	}
	return got;
}

/* clang-format off */
/* ICMP and ICMPv6 share the model fields: only one of them comes per tuple. */
static const struct fld fld_proto[] = {
	TFLD(CTA_PROTO_NUM, F_U8, l4, CT_T_PROTO),
	TFLD(CTA_PROTO_SRC_PORT, F_BE16, sport, CT_T_SPORT),
	TFLD(CTA_PROTO_DST_PORT, F_BE16, dport, CT_T_DPORT),
	TFLD(CTA_PROTO_ICMP_ID, F_BE16, icmp_id, CT_T_ICMP_ID),
	TFLD(CTA_PROTO_ICMP_TYPE, F_U8, icmp_type, CT_T_ICMP_TYPE),
	TFLD(CTA_PROTO_ICMP_CODE, F_U8, icmp_code, CT_T_ICMP_CODE),
	TFLD(CTA_PROTO_ICMPV6_ID, F_BE16, icmp_id, CT_T_ICMP_ID),
	TFLD(CTA_PROTO_ICMPV6_TYPE, F_U8, icmp_type, CT_T_ICMP_TYPE),
	TFLD(CTA_PROTO_ICMPV6_CODE, F_U8, icmp_code, CT_T_ICMP_CODE),
};

static const struct fld fld_tcp[] = {
	FLD(CTA_PROTOINFO_TCP_STATE, F_U8, struct ct, tcp.state, CT_TCP_STATE),
	FLD(CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, F_U8, struct ct, tcp.wscale_orig, CT_TCP_WSCALE_ORIG),
	FLD(CTA_PROTOINFO_TCP_WSCALE_REPLY, F_U8, struct ct, tcp.wscale_reply, CT_TCP_WSCALE_REPLY),
	FLD(CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, F_RAW2, struct ct, tcp.flags_orig, CT_TCP_FLAGS_ORIG),
	FLD(CTA_PROTOINFO_TCP_FLAGS_REPLY, F_RAW2, struct ct, tcp.flags_reply, CT_TCP_FLAGS_REPLY),
};

static const struct fld fld_dccp[] = {
	FLD(CTA_PROTOINFO_DCCP_STATE, F_U8, struct ct, dccp.state, CT_DCCP_STATE),
	FLD(CTA_PROTOINFO_DCCP_ROLE, F_U8, struct ct, dccp.role, CT_DCCP_ROLE),
	FLD(CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ, F_BE64, struct ct, dccp.handshake_seq, CT_DCCP_HSEQ),
};

static const struct fld fld_sctp[] = {
	FLD(CTA_PROTOINFO_SCTP_STATE, F_U8, struct ct, sctp.state, CT_SCTP_STATE),
	FLD(CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, F_BE32, struct ct, sctp.vtag_orig, CT_SCTP_VTAG_ORIG),
	FLD(CTA_PROTOINFO_SCTP_VTAG_REPLY, F_BE32, struct ct, sctp.vtag_reply, CT_SCTP_VTAG_REPLY),
};

/* Top-level scalars of a conntrack message; every entry carries several. */
static const struct fld fld_ct[] = {
	FLD(CTA_STATUS, F_BE32, struct ct, status, CT_STATUS),
	FLD(CTA_STATUS_MASK, F_BE32, struct ct, status_mask, CT_STATUS_MASK),
	FLD(CTA_TIMEOUT, F_BE32, struct ct, timeout, CT_TIMEOUT),
	FLD(CTA_MARK, F_BE32, struct ct, mark, CT_MARK),
	FLD(CTA_MARK_MASK, F_BE32, struct ct, mark_mask, CT_MARK_MASK),
	FLD(CTA_SECMARK, F_BE32, struct ct, secmark, CT_SECMARK),
	FLD(CTA_USE, F_BE32, struct ct, use, CT_USE),
	FLD(CTA_ID, F_BE32, struct ct, id, CT_ID),
	FLD(CTA_ZONE, F_BE16, struct ct, zone, CT_ZONE),
	FLD(CTNL_CTA_TIMESTAMP_EVENT, F_BE64, struct ct, ts_event, CT_TS_EVENT),
};

static const struct fld fld_tstamp[] = {
	FLD(CTA_TIMESTAMP_START, F_BE64, struct ct, ts_start, CT_TS_START),
	FLD(CTA_TIMESTAMP_STOP, F_BE64, struct ct, ts_stop, CT_TS_STOP),
};

static const struct fld fld_help[] = {
	FLD(CTA_HELP_NAME, F_STR, struct ct, helper, CT_HELPER),
};

static const struct fld fld_secctx[] = {
	FLD(CTA_SECCTX_NAME, F_STR, struct ct, secctx, CT_SECCTX),
};

static const struct fld fld_exp[] = {
	FLD(CTA_EXPECT_TIMEOUT, F_BE32, struct ct_exp, timeout, CT_EXP_TIMEOUT),
	FLD(CTA_EXPECT_ID, F_BE32, struct ct_exp, id, CT_EXP_ID),
	FLD(CTA_EXPECT_ZONE, F_BE16, struct ct_exp, zone, CT_EXP_ZONE),
	FLD(CTA_EXPECT_FLAGS, F_BE32, struct ct_exp, flags, CT_EXP_FLAGS),
	FLD(CTA_EXPECT_CLASS, F_BE32, struct ct_exp, class, CT_EXP_CLASS),
	FLD(CTA_EXPECT_HELP_NAME, F_STR, struct ct_exp, helper, CT_EXP_HELPER),
	FLD(CTA_EXPECT_FN, F_STR, struct ct_exp, fn, CT_EXP_FN),
};
/* clang-format on */

/* Walk the payload of nest attribute a. */
static inline __attribute__((always_inline)) int
walk_nest(const struct nlattr *a, const struct nla_policy *pol, const struct nlattr **tb)
{
	struct nla_walk w = { .tb = tb };

	return nla_walk_inline(nla_payload(a), nla_plen(a), pol, &w);
}

static int parse_proto(const struct nlattr *a, struct ct_tuple *t)
{
	const struct nlattr *tb[TB_MAX];
	int err = walk_nest(a, &pol_proto, tb);

	if (err)
		return err;
	t->present |= (uint16_t)get_fields(tb, fld_proto, NFLD(fld_proto), t);
	return 0;
}

static int parse_ip(const struct nlattr *a, struct ct_tuple *t)
{
	const struct nlattr *tb[TB_MAX];
	int err = walk_nest(a, &pol_ip, tb);
	const struct nlattr *src, *dst;
	size_t n;

	if (err)
		return err;
	/* One tuple, one family. The policy fixed the lengths: 4 or 16 bytes. */
	if (tb[CTA_IP_V4_SRC] || tb[CTA_IP_V4_DST]) {
		if (tb[CTA_IP_V6_SRC] || tb[CTA_IP_V6_DST])
			return -EINVAL;
		t->l3 = AF_INET;
		src = tb[CTA_IP_V4_SRC];
		dst = tb[CTA_IP_V4_DST];
		n = 4;
	} else if (tb[CTA_IP_V6_SRC] || tb[CTA_IP_V6_DST]) {
		t->l3 = AF_INET6;
		src = tb[CTA_IP_V6_SRC];
		dst = tb[CTA_IP_V6_DST];
		n = 16;
	} else {
		return 0;
	}
	/* constant-size copies: no library call */
	if (src) {
		if (n == 4)
			memcpy(t->src.b, nla_payload(src), 4);
		else
			memcpy(t->src.b, nla_payload(src), 16);
		t->present |= CT_T_SRC;
	}
	if (dst) {
		if (n == 4)
			memcpy(t->dst.b, nla_payload(dst), 4);
		else
			memcpy(t->dst.b, nla_payload(dst), 16);
		t->present |= CT_T_DST;
	}
	return 0;
}

/*
 * Parse a tuple nest into *t, which the caller zeroed (each message's
 * struct is cleared once, up front); family is the fallback l3 when no
 * address came.
 */
static int parse_tuple(const struct nlattr *a, struct ct_tuple *t, uint8_t family)
{
	const struct nlattr *tb[TB_MAX];
	int err = walk_nest(a, &pol_tuple, tb);

	if (err)
		return err;
	t->l3 = family;
	if (tb[CTA_TUPLE_IP]) {
		t->l3 = 0;
		err = parse_ip(tb[CTA_TUPLE_IP], t);
		if (err)
			return err;
		if (!t->l3)
			t->l3 = family;
	}
	if (tb[CTA_TUPLE_PROTO]) {
		err = parse_proto(tb[CTA_TUPLE_PROTO], t);
		if (err)
			return err;
	}
	if (tb[CTA_TUPLE_ZONE]) {
		t->zone = nla_get16be(tb[CTA_TUPLE_ZONE]);
		t->present |= CT_T_ZONE;
	}
	return 0;
}

static int parse_protoinfo(const struct nlattr *a, struct ct *ct)
{
	static const struct {
		uint8_t type;
		uint8_t n;
		const struct nla_policy *pol;
		const struct fld *f;
	} kinds[] = {
		{ CTA_PROTOINFO_TCP, NFLD(fld_tcp), &pol_tcp, fld_tcp },
		{ CTA_PROTOINFO_DCCP, NFLD(fld_dccp), &pol_dccp, fld_dccp },
		{ CTA_PROTOINFO_SCTP, NFLD(fld_sctp), &pol_sctp, fld_sctp },
	};
	const struct nlattr *pi[TB_MAX], *tb[TB_MAX];
	int err = walk_nest(a, &pol_protoinfo, pi);

	if (err)
		return err;
#pragma GCC unroll 4
	for (unsigned int i = 0; i < NFLD(kinds); i++) {
		if (!pi[kinds[i].type])
			continue;
		err = walk_nest(pi[kinds[i].type], kinds[i].pol, tb);
		if (err)
			return err;
		ct->present |= get_fields(tb, kinds[i].f, kinds[i].n, ct);
	}
	return 0;
}

static int parse_counters(const struct nlattr *a, struct ct *ct, int reply, struct nla_walk *top)
{
	const struct nlattr *tb[TB_MAX];
	struct nla_walk w = { .tb = tb, .base = top->base };
	struct ct_counters *c = reply ? &ct->cnt_reply : &ct->cnt_orig;
	int err = nla_walk_inline(nla_payload(a), nla_plen(a), &pol_counters, &w);

	if (err)
		return err;
	if (w.pad_off >= 0)
		top->pad_off = w.pad_off;
	if (tb[CTA_COUNTERS_PACKETS] || tb[CTA_COUNTERS_BYTES]) {
		if (tb[CTA_COUNTERS_PACKETS])
			c->packets = nla_get64be(tb[CTA_COUNTERS_PACKETS]);
		if (tb[CTA_COUNTERS_BYTES])
			c->bytes = nla_get64be(tb[CTA_COUNTERS_BYTES]);
	} else if (tb[CTA_COUNTERS32_PACKETS] || tb[CTA_COUNTERS32_BYTES]) {
		/* Kernels before 2.6.36 sent 32-bit counters; keep the width for re-encoding. */
		if (tb[CTA_COUNTERS32_PACKETS])
			c->packets = nla_get32be(tb[CTA_COUNTERS32_PACKETS]);
		if (tb[CTA_COUNTERS32_BYTES])
			c->bytes = nla_get32be(tb[CTA_COUNTERS32_BYTES]);
		ct->wire_flags |= reply ? CT_WIRE_CNT32_REPLY : CT_WIRE_CNT32_ORIG;
	} else {
		return 0;
	}
	ct_set(ct, reply ? CT_COUNTERS_REPLY : CT_COUNTERS_ORIG);
	return 0;
}

static int parse_nat(const struct nlattr *a, struct ct_nat *n)
{
	const struct nlattr *tb[TB_MAX], *pt[TB_MAX];
	int err = walk_nest(a, &pol_nat, tb);

	if (err)
		return err;
	memset(n, 0, sizeof(*n));
	if (tb[CTA_NAT_V4_MINIP] || tb[CTA_NAT_V4_MAXIP]) {
		n->l3 = AF_INET;
		if (tb[CTA_NAT_V4_MINIP])
			memcpy(n->min_ip.b, nla_payload(tb[CTA_NAT_V4_MINIP]), 4);
		memcpy(n->max_ip.b,
		       nla_payload(tb[CTA_NAT_V4_MAXIP] ? tb[CTA_NAT_V4_MAXIP]
							: tb[CTA_NAT_V4_MINIP]),
		       4);
		if (!tb[CTA_NAT_V4_MINIP])
			n->min_ip = n->max_ip;
	} else if (tb[CTA_NAT_V6_MINIP] || tb[CTA_NAT_V6_MAXIP]) {
		n->l3 = AF_INET6;
		if (tb[CTA_NAT_V6_MINIP])
			memcpy(n->min_ip.b, nla_payload(tb[CTA_NAT_V6_MINIP]), 16);
		memcpy(n->max_ip.b,
		       nla_payload(tb[CTA_NAT_V6_MAXIP] ? tb[CTA_NAT_V6_MAXIP]
							: tb[CTA_NAT_V6_MINIP]),
		       16);
		if (!tb[CTA_NAT_V6_MINIP])
			n->min_ip = n->max_ip;
	}
	if (tb[CTA_NAT_PROTO]) {
		err = walk_nest(tb[CTA_NAT_PROTO], &pol_protonat, pt);
		if (err)
			return err;
		n->has_port = 1;
		if (pt[CTA_PROTONAT_PORT_MIN])
			n->min_port = nla_get16be(pt[CTA_PROTONAT_PORT_MIN]);
		n->max_port = pt[CTA_PROTONAT_PORT_MAX] ? nla_get16be(pt[CTA_PROTONAT_PORT_MAX])
							: n->min_port;
	}
	return 0;
}

/* seqadj and synproxy nests: three u32 attributes, types 1..3. Inlined so the policy folds. */
static inline __attribute__((always_inline)) int parse_u32_triple(const struct nlattr *a,
								  const struct nla_policy *pol,
								  uint32_t *v0, uint32_t *v1,
								  uint32_t *v2)
{
	const struct nlattr *tb[TB_MAX];
	int err = walk_nest(a, pol, tb);

	if (err)
		return err;
	*v0 = tb[1] ? nla_get32be(tb[1]) : 0;
	*v1 = tb[2] ? nla_get32be(tb[2]) : 0;
	*v2 = tb[3] ? nla_get32be(tb[3]) : 0;
	return 0;
}

/* Check the nlmsghdr + nfgenmsg frame; return the attribute area. */
static int msg_frame(const struct nlmsghdr *nlh, uint8_t subsys, const uint8_t **attrs,
		     size_t *alen, const struct nfgenmsg **nfg)
{
	size_t hl = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));

	if (nlh->nlmsg_len < hl)
		return -EINVAL;
	if ((nlh->nlmsg_type >> 8) != subsys)
		return -EPROTO;
	*nfg = (const void *)((const uint8_t *)nlh + NLMSG_HDRLEN);
	*attrs = (const uint8_t *)nlh + hl;
	*alen = nlh->nlmsg_len - hl;
	return 0;
}

static enum ct_msg msg_kind(const struct nlmsghdr *nlh, uint8_t newtype, uint8_t deltype)
{
	uint8_t t = nlh->nlmsg_type & 0xff;

	if (t == newtype)
		return (nlh->nlmsg_flags & NLM_F_CREATE) ? CT_MSG_NEW : CT_MSG_UPDATE;
	if (t == deltype)
		return CT_MSG_DESTROY;
	return CT_MSG_UNKNOWN;
}

static int parse_ct_attrs(const struct nlattr **tb, struct ct *ct)
{
	const struct nlattr *sub[TB_MAX];
	int err;

	ct->present |= get_fields(tb, fld_ct, NFLD(fld_ct), ct);
	if (tb[CTA_TUPLE_ORIG]) {
		err = parse_tuple(tb[CTA_TUPLE_ORIG], &ct->orig, ct->family);
		if (err)
			return err;
		ct_set(ct, CT_ORIG);
	}
	if (tb[CTA_TUPLE_REPLY]) {
		err = parse_tuple(tb[CTA_TUPLE_REPLY], &ct->reply, ct->family);
		if (err)
			return err;
		ct_set(ct, CT_REPLY);
	}
	if (tb[CTA_TUPLE_MASTER]) {
		err = parse_tuple(tb[CTA_TUPLE_MASTER], &ct->master, ct->family);
		if (err)
			return err;
		ct_set(ct, CT_MASTER);
	}
	if (tb[CTA_PROTOINFO]) {
		err = parse_protoinfo(tb[CTA_PROTOINFO], ct);
		if (err)
			return err;
	}
	if (tb[CTA_HELP]) {
		err = walk_nest(tb[CTA_HELP], &pol_help, sub);
		if (err)
			return err;
		ct->present |= get_fields(sub, fld_help, NFLD(fld_help), ct);
	}
	if (tb[CTA_SECCTX]) {
		err = walk_nest(tb[CTA_SECCTX], &pol_secctx, sub);
		if (err)
			return err;
		ct->present |= get_fields(sub, fld_secctx, NFLD(fld_secctx), ct);
	}
	for (int i = 0; i < 2; i++) {
		const struct nlattr *n = tb[i ? CTA_NAT_DST : CTA_NAT_SRC];

		if (!n)
			continue;
		err = parse_nat(n, i ? &ct->dnat : &ct->snat);
		if (err)
			return err;
		ct_set(ct, i ? CT_NAT_DST : CT_NAT_SRC);
	}
	if (tb[CTA_SEQ_ADJ_ORIG]) {
		err = parse_u32_triple(
			tb[CTA_SEQ_ADJ_ORIG], &pol_seqadj, &ct->seqadj_orig.correction_pos,
			&ct->seqadj_orig.offset_before, &ct->seqadj_orig.offset_after);
		if (err)
			return err;
		ct_set(ct, CT_SEQADJ_ORIG);
	}
	if (tb[CTA_SEQ_ADJ_REPLY]) {
		err = parse_u32_triple(
			tb[CTA_SEQ_ADJ_REPLY], &pol_seqadj, &ct->seqadj_reply.correction_pos,
			&ct->seqadj_reply.offset_before, &ct->seqadj_reply.offset_after);
		if (err)
			return err;
		ct_set(ct, CT_SEQADJ_REPLY);
	}
	if (tb[CTA_SYNPROXY]) {
		err = parse_u32_triple(tb[CTA_SYNPROXY], &pol_synproxy, &ct->synproxy.isn,
				       &ct->synproxy.its, &ct->synproxy.tsoff);
		if (err)
			return err;
		ct_set(ct, CT_SYNPROXY);
	}
	if (tb[CTA_LABELS]) {
		ct->labels_len = (uint8_t)nla_plen(tb[CTA_LABELS]);
		ctnl_labels_conv(ct->labels, nla_payload(tb[CTA_LABELS]), ct->labels_len);
		ct_set(ct, CT_LABELS);
	}
	if (tb[CTA_LABELS_MASK]) {
		ctnl_labels_conv(ct->labels_mask, nla_payload(tb[CTA_LABELS_MASK]),
				 nla_plen(tb[CTA_LABELS_MASK]));
		ct_set(ct, CT_LABELS_MASK);
	}
	return 0;
}

int ctnl_parse_ct(const struct nlmsghdr *nlh, struct ct *ct, enum ct_msg *kind)
{
	const struct nlattr *tb[TB_MAX], *sub[TB_MAX];
	const struct nfgenmsg *nfg;
	const uint8_t *attrs;
	size_t alen;
	struct nla_walk w;
	int err;

	memset(ct, 0, sizeof(*ct));
	err = msg_frame(nlh, CTNL_SUBSYS_CT, &attrs, &alen, &nfg);
	if (err)
		return err;
	ct->family = nfg->nfgen_family;
	w = (struct nla_walk){ .tb = tb, .order = ct->wire_order, .cap = CT_WIRE_MAX, .base = nlh };
	err = nla_walk_inline(attrs, alen, &pol_ct, &w);
	if (err)
		return err;
	ct->wire_n = w.n;
	err = parse_ct_attrs(tb, ct);
	if (err)
		return err;
	for (int i = 0; i < 2; i++) {
		const struct nlattr *c = tb[i ? CTA_COUNTERS_REPLY : CTA_COUNTERS_ORIG];

		if (c && (err = parse_counters(c, ct, i, &w)))
			return err;
	}
	if (tb[CTA_TIMESTAMP]) {
		struct nla_walk tw = { .tb = sub, .base = nlh };

		err = nla_walk_inline(nla_payload(tb[CTA_TIMESTAMP]), nla_plen(tb[CTA_TIMESTAMP]),
				      &pol_tstamp, &tw);
		if (err)
			return err;
		if (tw.pad_off >= 0)
			w.pad_off = tw.pad_off;
		ct->present |= get_fields(sub, fld_tstamp, NFLD(fld_tstamp), ct);
	}
	/*
	 * The kernel pads when the payload of a 64-bit attribute would not be
	 * 8-aligned in its skb; a pad at offset o means the message started at
	 * (-o) mod 8 there. Remember it so re-encoding pads at the same places.
	 */
	if (w.pad_off >= 0)
		ct->wire_pad = (uint8_t)(1 + ((8 - (w.pad_off & 7)) & 7));
	if (kind)
		*kind = msg_kind(nlh, CTNL_MSG_CT_NEW, CTNL_MSG_CT_DELETE);
	return 0;
}

int ctnl_parse_exp(const struct nlmsghdr *nlh, struct ct_exp *exp, enum ct_msg *kind)
{
	const struct nlattr *tb[TB_MAX], *sub[TB_MAX];
	const struct nfgenmsg *nfg;
	const uint8_t *attrs;
	size_t alen;
	struct nla_walk w;
	int err;

	memset(exp, 0, sizeof(*exp));
	err = msg_frame(nlh, CTNL_SUBSYS_EXP, &attrs, &alen, &nfg);
	if (err)
		return err;
	exp->family = nfg->nfgen_family;
	w = (struct nla_walk){ .tb = tb, .order = exp->wire_order, .cap = sizeof(exp->wire_order) };
	err = nla_walk(attrs, alen, &pol_exp, &w);
	if (err)
		return err;
	exp->wire_n = w.n;
	static const struct {
		uint8_t type, attr;
	} tuples[] = {
		{ CTA_EXPECT_MASTER, CT_EXP_MASTER },
		{ CTA_EXPECT_TUPLE, CT_EXP_TUPLE },
		{ CTA_EXPECT_MASK, CT_EXP_MASK },
	};
	for (size_t i = 0; i < 3; i++) {
		struct ct_tuple *t = i == 0 ? &exp->master : i == 1 ? &exp->tuple : &exp->mask;

		if (!tb[tuples[i].type])
			continue;
		err = parse_tuple(tb[tuples[i].type], t, exp->family);
		if (err)
			return err;
		ct_exp_set(exp, tuples[i].attr);
	}
	exp->present |= (uint32_t)get_fields(tb, fld_exp, NFLD(fld_exp), exp);
	if (tb[CTA_EXPECT_NAT]) {
		err = walk_nest(tb[CTA_EXPECT_NAT], &pol_exp_nat, sub);
		if (err)
			return err;
		if (sub[CTA_EXPECT_NAT_DIR])
			exp->nat.dir = nla_get32be(sub[CTA_EXPECT_NAT_DIR]);
		if (sub[CTA_EXPECT_NAT_TUPLE]) {
			err = parse_tuple(sub[CTA_EXPECT_NAT_TUPLE], &exp->nat.tuple, exp->family);
			if (err)
				return err;
		}
		ct_exp_set(exp, CT_EXP_NAT);
	}
	if (kind)
		*kind = msg_kind(nlh, CTNL_MSG_EXP_NEW, CTNL_MSG_EXP_DELETE);
	return 0;
}

int ctnl_parse_stats_cpu(const struct nlmsghdr *nlh, struct ct_stats *st)
{
	const struct nlattr *tb[TB_MAX];
	const struct nfgenmsg *nfg;
	const uint8_t *attrs;
	size_t alen;
	struct nla_walk w;
	int err;

	memset(st, 0, sizeof(*st));
	/* The kernel answers expect-stats requests with subsystem 1 too: accept both. */
	if ((nlh->nlmsg_type >> 8) != CTNL_SUBSYS_CT && (nlh->nlmsg_type >> 8) != CTNL_SUBSYS_EXP)
		return -EPROTO;
	err = msg_frame(nlh, (uint8_t)(nlh->nlmsg_type >> 8), &attrs, &alen, &nfg);
	if (err)
		return err;
	st->cpu = be16toh(nfg->res_id);
	w = (struct nla_walk){ .tb = tb, .order = st->order, .cap = CT_STATS_MAX };
	err = nla_walk(attrs, alen, &pol_stats, &w);
	if (err)
		return err;
	st->n = w.n;
	for (int i = 1; i < CT_STATS_MAX; i++) {
		if (!tb[i])
			continue;
		st->value[i] = nla_get32be(tb[i]);
		st->present |= UINT32_C(1) << i;
	}
	return 0;
}

int ctnl_parse_stats_global(const struct nlmsghdr *nlh, uint32_t *entries, uint32_t *max_entries)
{
	const struct nlattr *tb[TB_MAX];
	const struct nfgenmsg *nfg;
	const uint8_t *attrs;
	size_t alen;
	struct nla_walk w = { .tb = tb };
	int err = msg_frame(nlh, CTNL_SUBSYS_CT, &attrs, &alen, &nfg);

	if (err)
		return err;
	err = nla_walk(attrs, alen, &pol_stats, &w);
	if (err)
		return err;
	if (!tb[CTA_STATS_GLOBAL_ENTRIES])
		return -EPROTO;
	*entries = nla_get32be(tb[CTA_STATS_GLOBAL_ENTRIES]);
	if (max_entries)
		*max_entries = tb[CTA_STATS_GLOBAL_MAX_ENTRIES]
				       ? nla_get32be(tb[CTA_STATS_GLOBAL_MAX_ENTRIES])
				       : 0;
	return 0;
}
