// SPDX-License-Identifier: GPL-2.0-or-later
/* Sync wire protocol: conntrack and expectation attributes, upstream-ordered encoders, table-driven decoders. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "proto/ct.h"
#include "proto/ct_tuple.h"
#include "proto/wire.h"
#include "proto/wire_int.h"

#define NTA_HDR 4
#define ALIGN4(n) (((n) + 3) & ~(size_t)3)

/*
 * Name lengths (characters, NUL excluded). Upstream receivers refuse an
 * attribute longer than 16 (helper) or 32 (function) bytes, so we send no
 * more; we accept what the kernel and our model can hold, since upstream
 * senders do emit the longer names.
 */
#define HELPER_TX_MAX 11
#define HELPER_RX_MAX 15
#define FN_TX_MAX 27
#define FN_RX_MAX 31
#define LABELS_RX_MAX 1024 /* payload bytes upstream accepts: NTA_SIZE(4096 / 4) - 4 */

_Static_assert(HELPER_RX_MAX < CT_HELPER_LEN && FN_RX_MAX < CT_HELPER_LEN, "names fit the model");
_Static_assert(offsetof(struct ct_tuple, dport) == offsetof(struct ct_tuple, sport) + 2,
	       "a port pair is one destination");
_Static_assert(offsetof(struct ct, seqadj_reply) == offsetof(struct ct, seqadj_orig) + 12,
	       "the six seqadj words are one destination");

/*
 * ---- one policy table per message kind ----
 * Each attribute type: its exact size (or maximum), how its payload maps to
 * a field of the model, and which present bits that field has. The decoder
 * reads it one way, the encoder the other, so the two cannot drift apart.
 */

enum wk {
	WK_ADDRS, /* src + dst into a tuple; the size gives the family */
	WK_U8,
	WK_BE16,
	WK_LE16, /* spec 3.1 */
	WK_BE32,
	WK_PORTS,    /* sport, dport */
	WK_WORDS,    /* BE u32 words into consecutive u32 fields */
	WK_NAT_ADDR, /* into a struct ct_nat: a one-address range */
	WK_NAT_PORT, /* LE port into a struct ct_nat: a one-port range */
	WK_NAME,     /* NUL-terminated inside the attribute */
	WK_LABELS,
};

enum {
	WF_MAX = 1 << 0,    /* len is a maximum, not the exact size */
	WF_FAMILY = 1 << 1, /* the address sets the object's family */
	WF_BIT2 = 1 << 2,   /* also sets present bit + 1 */
};

struct wpol {
	uint8_t kind;  /* enum wk */
	uint8_t flags; /* WF_* */
	uint8_t bit;   /* present bit of the object */
	uint8_t tbits; /* CT_T_* bits of the tuple at toff */
	uint16_t len;  /* nta_len, header included */
	uint16_t off;  /* destination */
	uint16_t toff;
};

/* clang-format off */
#define F(kind, len, flags, bit, st, member) \
	{ (kind), (flags), (bit), 0, (len), offsetof(st, member), 0 }
/* A tuple field: also marks the tuple's present bits. */
#define T(kind, len, flags, bit, st, tuple, member, tbits) \
	{ (kind), (flags), (bit), (tbits), (len), offsetof(st, tuple member), offsetof(st, tuple) }
#define ADDR4(bit, st, tuple, fl) T(WK_ADDRS, 12, fl, bit, st, tuple, , CT_T_SRC | CT_T_DST)
#define ADDR6(bit, st, tuple, fl) T(WK_ADDRS, 36, fl, bit, st, tuple, , CT_T_SRC | CT_T_DST)
#define PROTO(bit, st, tuple) T(WK_U8, 5, 0, bit, st, tuple, .l4, CT_T_PROTO)
#define PORTS(bit, st, tuple) T(WK_PORTS, 8, 0, bit, st, tuple, .sport, CT_T_SPORT | CT_T_DPORT)
#define U8(bit, st, m) F(WK_U8, 5, 0, bit, st, m)
#define BE32(bit, st, m) F(WK_BE32, 8, 0, bit, st, m)

static const struct wpol pol_ct[WIRE_NTA_MAX] = {
	[WIRE_NTA_IPV4] = ADDR4(CT_ORIG, struct ct, orig, WF_FAMILY),
	[WIRE_NTA_IPV6] = ADDR6(CT_ORIG, struct ct, orig, WF_FAMILY),
	[WIRE_NTA_L4PROTO] = PROTO(CT_ORIG, struct ct, orig),
	[WIRE_NTA_PORT] = PORTS(CT_ORIG, struct ct, orig),
	[WIRE_NTA_TCP_STATE] = U8(CT_TCP_STATE, struct ct, tcp.state),
	[WIRE_NTA_STATUS] = BE32(CT_STATUS, struct ct, status),
	[WIRE_NTA_TIMEOUT] = BE32(CT_TIMEOUT, struct ct, timeout),
	[WIRE_NTA_MARK] = BE32(CT_MARK, struct ct, mark),
	[WIRE_NTA_MASTER_IPV4] = ADDR4(CT_MASTER, struct ct, master, 0),
	[WIRE_NTA_MASTER_IPV6] = ADDR6(CT_MASTER, struct ct, master, 0),
	[WIRE_NTA_MASTER_L4PROTO] = PROTO(CT_MASTER, struct ct, master),
	[WIRE_NTA_MASTER_PORT] = PORTS(CT_MASTER, struct ct, master),
	[WIRE_NTA_SNAT_IPV4] = F(WK_NAT_ADDR, 8, 0, CT_NAT_SRC, struct ct, snat),
	[WIRE_NTA_DNAT_IPV4] = F(WK_NAT_ADDR, 8, 0, CT_NAT_DST, struct ct, dnat),
	[WIRE_NTA_SPAT_PORT] = F(WK_NAT_PORT, 6, 0, CT_NAT_SRC, struct ct, snat),
	[WIRE_NTA_DPAT_PORT] = F(WK_NAT_PORT, 6, 0, CT_NAT_DST, struct ct, dnat),
	[WIRE_NTA_NAT_SEQ_ADJ] = F(WK_WORDS, 28, WF_BIT2, CT_SEQADJ_ORIG, struct ct, seqadj_orig),
	[WIRE_NTA_SCTP_STATE] = U8(CT_SCTP_STATE, struct ct, sctp.state),
	[WIRE_NTA_SCTP_VTAG_ORIG] = BE32(CT_SCTP_VTAG_ORIG, struct ct, sctp.vtag_orig),
	[WIRE_NTA_SCTP_VTAG_REPL] = BE32(CT_SCTP_VTAG_REPLY, struct ct, sctp.vtag_reply),
	[WIRE_NTA_DCCP_STATE] = U8(CT_DCCP_STATE, struct ct, dccp.state),
	[WIRE_NTA_DCCP_ROLE] = U8(CT_DCCP_ROLE, struct ct, dccp.role),
	[WIRE_NTA_ICMP_TYPE] = T(WK_U8, 5, 0, CT_ORIG, struct ct, orig, .icmp_type, CT_T_ICMP_TYPE),
	[WIRE_NTA_ICMP_CODE] = T(WK_U8, 5, 0, CT_ORIG, struct ct, orig, .icmp_code, CT_T_ICMP_CODE),
	[WIRE_NTA_ICMP_ID] = T(WK_LE16, 6, 0, CT_ORIG, struct ct, orig, .icmp_id, CT_T_ICMP_ID),
	[WIRE_NTA_TCP_WSCALE_ORIG] = U8(CT_TCP_WSCALE_ORIG, struct ct, tcp.wscale_orig),
	[WIRE_NTA_TCP_WSCALE_REPL] = U8(CT_TCP_WSCALE_REPLY, struct ct, tcp.wscale_reply),
	[WIRE_NTA_HELPER_NAME] = F(WK_NAME, NTA_HDR + HELPER_RX_MAX + 1, WF_MAX, CT_HELPER, struct ct, helper),
	[WIRE_NTA_LABELS] = F(WK_LABELS, NTA_HDR + LABELS_RX_MAX, WF_MAX, CT_LABELS, struct ct, labels),
	[WIRE_NTA_SNAT_IPV6] = F(WK_NAT_ADDR, 20, 0, CT_NAT_SRC, struct ct, snat),
	[WIRE_NTA_DNAT_IPV6] = F(WK_NAT_ADDR, 20, 0, CT_NAT_DST, struct ct, dnat),
	[WIRE_NTA_SYNPROXY] = F(WK_WORDS, 16, 0, CT_SYNPROXY, struct ct, synproxy.its),
	[WIRE_NTA_ZONE] = F(WK_BE16, 6, 0, CT_ZONE, struct ct, zone),
};

static const struct wpol pol_exp[WIRE_NTA_EXP_MAX] = {
	[WIRE_NTA_EXP_MASTER_IPV4] = ADDR4(CT_EXP_MASTER, struct ct_exp, master, WF_FAMILY),
	[WIRE_NTA_EXP_MASTER_IPV6] = ADDR6(CT_EXP_MASTER, struct ct_exp, master, WF_FAMILY),
	[WIRE_NTA_EXP_MASTER_L4PROTO] = PROTO(CT_EXP_MASTER, struct ct_exp, master),
	[WIRE_NTA_EXP_MASTER_PORT] = PORTS(CT_EXP_MASTER, struct ct_exp, master),
	[WIRE_NTA_EXP_EXPECT_IPV4] = ADDR4(CT_EXP_TUPLE, struct ct_exp, tuple, 0),
	[WIRE_NTA_EXP_EXPECT_IPV6] = ADDR6(CT_EXP_TUPLE, struct ct_exp, tuple, 0),
	[WIRE_NTA_EXP_EXPECT_L4PROTO] = PROTO(CT_EXP_TUPLE, struct ct_exp, tuple),
	[WIRE_NTA_EXP_EXPECT_PORT] = PORTS(CT_EXP_TUPLE, struct ct_exp, tuple),
	[WIRE_NTA_EXP_MASK_IPV4] = ADDR4(CT_EXP_MASK, struct ct_exp, mask, 0),
	[WIRE_NTA_EXP_MASK_IPV6] = ADDR6(CT_EXP_MASK, struct ct_exp, mask, 0),
	[WIRE_NTA_EXP_MASK_L4PROTO] = PROTO(CT_EXP_MASK, struct ct_exp, mask),
	[WIRE_NTA_EXP_MASK_PORT] = PORTS(CT_EXP_MASK, struct ct_exp, mask),
	[WIRE_NTA_EXP_TIMEOUT] = BE32(CT_EXP_TIMEOUT, struct ct_exp, timeout),
	[WIRE_NTA_EXP_FLAGS] = BE32(CT_EXP_FLAGS, struct ct_exp, flags),
	[WIRE_NTA_EXP_CLASS] = BE32(CT_EXP_CLASS, struct ct_exp, class),
	[WIRE_NTA_EXP_NAT_IPV4] = ADDR4(CT_EXP_NAT, struct ct_exp, nat.tuple, 0),
	[WIRE_NTA_EXP_NAT_PORT] = PORTS(CT_EXP_NAT, struct ct_exp, nat.tuple),
	[WIRE_NTA_EXP_NAT_L4PROTO] = PROTO(CT_EXP_NAT, struct ct_exp, nat.tuple),
	[WIRE_NTA_EXP_NAT_DIR] = BE32(CT_EXP_NAT, struct ct_exp, nat.dir),
	[WIRE_NTA_EXP_HELPER_NAME] = F(WK_NAME, NTA_HDR + HELPER_RX_MAX + 1, WF_MAX, CT_EXP_HELPER, struct ct_exp, helper),
	[WIRE_NTA_EXP_FN] = F(WK_NAME, NTA_HDR + FN_RX_MAX + 1, WF_MAX, CT_EXP_FN, struct ct_exp, fn),
};
/* clang-format on */

/* ---- encoders ---- */

/* An encoding in progress: the buffer, and the object with its table. */
struct wbuf {
	uint8_t *buf;
	size_t len, room;
	int err;
	const struct wpol *pol;
	const uint8_t *obj;
	uint64_t present;
};

/*
 * Room for a type attribute of n payload bytes at the end of b: header
 * written, tail padding zeroed (the payload goes in over it), b->len past
 * it. NULL, with b->err set, when it does not fit.
 */
static inline __attribute__((always_inline)) uint8_t *reserve(struct wbuf *b, unsigned int type,
							      size_t n)
{
	size_t step = ALIGN4(NTA_HDR + n);
	uint8_t *a = b->buf + b->len;

	if (b->err || step > b->room - b->len) {
		b->err = -ENOSPC;
		return NULL;
	}
	wire_put16(a, (uint16_t)(NTA_HDR + n));
	wire_put16(a + 2, (uint16_t)type);
	if (n & 3)
		memset(a + step - 4, 0, 4);
	b->len += step;
	return a + NTA_HDR;
}

static void put(struct wbuf *b, unsigned int type, const void *data, size_t n)
{
	uint8_t *p = reserve(b, type, n);

	if (p)
		memcpy(p, data, n);
}

/* NTA_ICMP_ID and the NAT ports: upstream's x86/ARM peers send them little-endian (spec 3.1). */
static void put_le16(struct wbuf *b, unsigned int type, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(b, type, x, 2);
}

static uint16_t load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Attribute type from the field its table entry names (fixed-size kinds
 * only: names, labels and NAT have their own writers). A field whose
 * present bits are not all set goes out as zeros (upstream sends its unset
 * attributes too, as 0 or worse: stale buffer bytes).
 */
static inline __attribute__((always_inline)) void put_field_inline(struct wbuf *b,
								   unsigned int type)
{
	const struct wpol *e = &b->pol[type];
	const uint8_t *src = b->obj + e->off;
	const struct ct_tuple *t = (const void *)(b->obj + e->toff);
	size_t n = e->len - NTA_HDR, i;
	bool set = (b->present & UINT64_C(1) << e->bit) &&
		   (!e->tbits || (t->present & e->tbits) == e->tbits);
	uint8_t *x;

	if (set && e->kind > WK_WORDS)
		return;
	/* Written in place: this runs for every attribute of every message sent. */
	x = reserve(b, type, n);
	if (!x)
		return;
	if (!set) {
		memset(x, 0, n);
		return;
	}
	switch (e->kind) {
	case WK_ADDRS:
		if (n == 8) {
			memcpy(x, t->src.b, 4);
			memcpy(x + 4, t->dst.b, 4);
		} else {
			memcpy(x, t->src.b, 16);
			memcpy(x + 16, t->dst.b, 16);
		}
		break;
	case WK_U8:
		x[0] = *src;
		break;
	case WK_BE16:
		wire_put16(x, load16(src));
		break;
	case WK_LE16:
		x[0] = (uint8_t)load16(src);
		x[1] = (uint8_t)(load16(src) >> 8);
		break;
	case WK_PORTS:
		wire_put16(x, load16(src));
		wire_put16(x + 2, load16(src + 2));
		break;
	default: /* WK_BE32, WK_WORDS */
		for (i = 0; i < n; i += 4)
			wire_put32(x + i, load32(src + i));
		break;
	}
}

static void put_field(struct wbuf *b, unsigned int type)
{
	put_field_inline(b, type);
}

/* Names go out with their NUL, only when a peer can take them. */
static void put_name(struct wbuf *b, unsigned int type, const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n && n <= max)
		put(b, type, s, n + 1);
}

static bool has_addrs(const struct ct_tuple *t)
{
	return (t->l3 == AF_INET || t->l3 == AF_INET6) &&
	       (t->present & (CT_T_SRC | CT_T_DST)) == (CT_T_SRC | CT_T_DST);
}

/* A tuple group at type: addresses as type (IPv4) or type + 1 (IPv6), L4PROTO at +2, PORT at +3. */
static void put_group(struct wbuf *b, unsigned int type, const struct ct_tuple *t, bool ports)
{
	if (has_addrs(t))
		put_field(b, type + (t->l3 == AF_INET6));
	put_field(b, type + 2);
	if (ports)
		put_field(b, type + 3);
}

static int finish(struct wbuf *b, uint8_t type)
{
	if (b->err)
		return b->err;
	wire_hdr_put(b->buf, type, 0, (uint16_t)b->len, 0);
	return (int)b->len;
}

/*
 * The protocols whose ports the wire carries (NTA_PORT, an expectation's
 * *_PORT). NAT ports go with them only: elsewhere there is no port to map.
 */
static bool port_proto(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP || l4 == IPPROTO_SCTP || l4 == IPPROTO_DCCP;
}

/* The attributes each protocol adds after NTA_PORT once its state is known, 0-terminated. */
static const struct {
	uint8_t l4, state_bit;
	uint8_t types[4];
} l4_attrs[] = {
	{ IPPROTO_TCP, CT_TCP_STATE, { WIRE_NTA_TCP_STATE } },
	{ IPPROTO_SCTP,
	  CT_SCTP_STATE,
	  { WIRE_NTA_SCTP_STATE, WIRE_NTA_SCTP_VTAG_ORIG, WIRE_NTA_SCTP_VTAG_REPL } },
	{ IPPROTO_DCCP, CT_DCCP_STATE, { WIRE_NTA_DCCP_STATE, WIRE_NTA_DCCP_ROLE } },
};

#define PUT(type) put_field(b, (type))
/* The attributes of every message: inlined, their table entries fold into a few stores. */
#define PUT_HOT(type) put_field_inline(b, (type))

static void put_l4(struct wbuf *b, const struct ct *ct, unsigned int opts)
{
	const struct ct_tuple *o = &ct->orig;

	if (o->l4 == IPPROTO_ICMP || o->l4 == IPPROTO_ICMPV6) {
		if (o->present & CT_T_ICMP_TYPE) {
			PUT(WIRE_NTA_ICMP_TYPE);
			PUT(WIRE_NTA_ICMP_CODE);
			PUT(WIRE_NTA_ICMP_ID);
		}
		return;
	}
	/* Upstream 1.4.7 sends the ports of these four whether or not a state came. */
	if (!port_proto(o->l4))
		return; /* GRE, UDP-Lite, ...: replicated without ports, as upstream does */
	PUT_HOT(WIRE_NTA_PORT);
	for (size_t i = 0; i < sizeof(l4_attrs) / sizeof(l4_attrs[0]); i++) {
		if (l4_attrs[i].l4 != o->l4 || !ct_has(ct, l4_attrs[i].state_bit))
			continue;
		for (const uint8_t *t = l4_attrs[i].types; t < l4_attrs[i].types + 4 && *t; t++)
			PUT(*t);
		if (o->l4 == IPPROTO_TCP && (opts & WIRE_ENC_WSCALE)) {
			PUT(WIRE_NTA_TCP_WSCALE_ORIG);
			PUT(WIRE_NTA_TCP_WSCALE_REPL);
		}
	}
}

/* The kernel's label words are host-order u32 (as libnetfilter_conntrack reads them); BE on the wire. */
static void put_labels(struct wbuf *b, const struct ct *ct)
{
	uint8_t x[CT_LABELS_BYTES];
	size_t len = ct->labels_len < CT_LABELS_BYTES ? ct->labels_len : CT_LABELS_BYTES;
	uint32_t any = 0;
	size_t i;

	for (i = 0; i < len; i += 4) {
		uint32_t w = 0;

		memcpy(&w, ct->labels + i, len - i < 4 ? len - i : 4);
		wire_put32(x + i, w);
		any |= w;
	}
	if (any)
		put(b, WIRE_NTA_LABELS, x, i);
}

int wire_put_ct(uint8_t *buf, size_t room, uint8_t type, const struct ct *ct, unsigned int opts)
{
	struct wbuf wb = { buf, WIRE_HDR_LEN, room, 0, pol_ct, (const uint8_t *)ct, ct->present };
	struct wbuf *b = &wb;
	const struct ct_tuple *o = &ct->orig, *r = &ct->reply;

	if (type > WIRE_CT_DEL || !ct_has(ct, CT_ORIG) || !has_addrs(o))
		return -EINVAL;
	if (room < WIRE_HDR_LEN)
		return -ENOSPC;
	if (o->l3 == AF_INET6)
		PUT_HOT(WIRE_NTA_IPV6);
	else
		PUT_HOT(WIRE_NTA_IPV4);
	/* Upstream sends status and protocol even when unset (as 0). */
	PUT_HOT(WIRE_NTA_STATUS);
	PUT_HOT(WIRE_NTA_L4PROTO);
	put_l4(b, ct, opts);
	if (!(opts & WIRE_ENC_NO_TIMEOUT) && ct_has(ct, CT_TIMEOUT))
		PUT(WIRE_NTA_TIMEOUT);
	if (ct_has(ct, CT_MARK))
		PUT(WIRE_NTA_MARK);
	if (ct_has(ct, CT_MASTER) && has_addrs(&ct->master))
		put_group(b, WIRE_NTA_MASTER_IPV4, &ct->master,
			  (ct->master.present & (CT_T_SPORT | CT_T_DPORT)) ==
				  (CT_T_SPORT | CT_T_DPORT));
	/* Decided on the status we send: without one (sent as 0) nothing is NAT'ed. */
	if (ct_has(ct, CT_REPLY) && ct_has(ct, CT_STATUS)) {
		bool v6 = o->l3 == AF_INET6;
		size_t n = v6 ? 16 : 4;

		if (ct_is_snat(ct))
			put(b, v6 ? WIRE_NTA_SNAT_IPV6 : WIRE_NTA_SNAT_IPV4, r->dst.b, n);
		if (ct_is_dnat(ct))
			put(b, v6 ? WIRE_NTA_DNAT_IPV6 : WIRE_NTA_DNAT_IPV4, r->src.b, n);
		/* Upstream also sends 0 for ICMP (type/code compared as ports): not copied. */
		if (port_proto(o->l4) && ct_is_spat(ct))
			put_le16(b, WIRE_NTA_SPAT_PORT, r->dport);
		if (port_proto(o->l4) && ct_is_dpat(ct))
			put_le16(b, WIRE_NTA_DPAT_PORT, r->sport);
	}
	if (ct_has(ct, CT_SEQADJ_ORIG) && ct_has(ct, CT_SEQADJ_REPLY))
		PUT(WIRE_NTA_NAT_SEQ_ADJ);
	if (ct_has(ct, CT_HELPER))
		put_name(b, WIRE_NTA_HELPER_NAME, ct->helper, HELPER_TX_MAX);
	if (ct_has(ct, CT_LABELS))
		put_labels(b, ct);
	if (ct_has(ct, CT_SYNPROXY))
		PUT(WIRE_NTA_SYNPROXY);
	if (ct_has(ct, CT_ZONE))
		PUT(WIRE_NTA_ZONE);
	return finish(b, type);
}

int wire_put_exp(uint8_t *buf, size_t room, uint8_t type, const struct ct_exp *e, unsigned int opts)
{
	struct wbuf wb = { buf, WIRE_HDR_LEN, room, 0, pol_exp, (const uint8_t *)e, e->present };
	struct wbuf *b = &wb;
	/* Ports of every group follow the master's protocol (upstream exp2msg). */
	bool ports = port_proto(e->master.l4);

	if (type < WIRE_EXP_NEW || type > WIRE_EXP_DEL || !ct_exp_has(e, CT_EXP_MASTER) ||
	    !has_addrs(&e->master))
		return -EINVAL;
	if (room < WIRE_HDR_LEN)
		return -ENOSPC;
	put_group(b, WIRE_NTA_EXP_MASTER_IPV4, &e->master, ports);
	put_group(b, WIRE_NTA_EXP_EXPECT_IPV4, &e->tuple, ports);
	put_group(b, WIRE_NTA_EXP_MASK_IPV4, &e->mask, ports);
	if (!(opts & WIRE_ENC_NO_TIMEOUT) && ct_exp_has(e, CT_EXP_TIMEOUT))
		PUT(WIRE_NTA_EXP_TIMEOUT);
	PUT(WIRE_NTA_EXP_FLAGS); /* always, 0 when unset */
	if (ct_exp_has(e, CT_EXP_CLASS))
		PUT(WIRE_NTA_EXP_CLASS);
	if (ct_exp_has(e, CT_EXP_NAT)) {
		/* The NAT group has no IPv6 attribute. */
		if (e->nat.tuple.l3 == AF_INET && has_addrs(&e->nat.tuple))
			PUT(WIRE_NTA_EXP_NAT_IPV4);
		PUT(WIRE_NTA_EXP_NAT_L4PROTO);
		if (ports)
			PUT(WIRE_NTA_EXP_NAT_PORT);
		PUT(WIRE_NTA_EXP_NAT_DIR);
	}
	if (ct_exp_has(e, CT_EXP_HELPER))
		put_name(b, WIRE_NTA_EXP_HELPER_NAME, e->helper, HELPER_TX_MAX);
	if (ct_exp_has(e, CT_EXP_FN))
		put_name(b, WIRE_NTA_EXP_FN, e->fn, FN_TX_MAX);
	return finish(b, type);
}

#undef PUT

/* ---- decoders ---- */

/* What a decode writes besides the fields: the object's present bits and family. */
struct wdst {
	uint8_t *obj;
	uint64_t present;
	uint8_t family;
};

static void store16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void store32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Labels beyond the kernel's 128 bits are dropped: the kernel ignores them on commit too. */
static void get_labels(struct ct *ct, const uint8_t *p, size_t n)
{
	size_t i;

	memset(ct->labels, 0, sizeof(ct->labels));
	if (n > CT_LABELS_BYTES)
		n = CT_LABELS_BYTES;
	for (i = 0; i < n; i += 4)
		store32(ct->labels + i, wire_get32(p + i));
	ct->labels_len = (uint8_t)n;
}

/* Store one attribute of n payload bytes (its size already checked). 0 or -EBADMSG. */
static int get_attr(const struct wpol *e, const uint8_t *p, size_t n, struct wdst *d)
{
	uint8_t *dst = d->obj + e->off;
	uint64_t bits = UINT64_C(1) << e->bit;
	struct ct_nat *nat = (struct ct_nat *)(void *)dst;
	struct ct_tuple *t = (struct ct_tuple *)(void *)dst;
	size_t i;

	if (e->flags & WF_BIT2)
		bits |= bits << 1;
	switch (e->kind) {
	case WK_ADDRS:
		n /= 2;
		memset(&t->src, 0, sizeof(t->src));
		memset(&t->dst, 0, sizeof(t->dst));
		memcpy(t->src.b, p, n);
		memcpy(t->dst.b, p + n, n);
		t->l3 = n == 4 ? AF_INET : AF_INET6;
		if (e->flags & WF_FAMILY)
			d->family = t->l3;
		break;
	case WK_U8:
		*dst = *p;
		break;
	case WK_BE16:
		store16(dst, wire_get16(p));
		break;
	case WK_LE16:
		store16(dst, (uint16_t)(p[0] | p[1] << 8));
		break;
	case WK_BE32:
		store32(dst, wire_get32(p));
		break;
	case WK_PORTS:
		store16(dst, wire_get16(p));
		store16(dst + 2, wire_get16(p + 2));
		break;
	case WK_WORDS:
		for (i = 0; i < n; i += 4)
			store32(dst + i, wire_get32(p + i));
		break;
	case WK_NAT_ADDR:
		memset(&nat->min_ip, 0, sizeof(nat->min_ip));
		memcpy(nat->min_ip.b, p, n);
		nat->max_ip = nat->min_ip;
		nat->l3 = n == 4 ? AF_INET : AF_INET6;
		break;
	case WK_NAT_PORT:
		nat->min_port = nat->max_port = (uint16_t)(p[0] | p[1] << 8);
		nat->has_port = 1;
		break;
	case WK_NAME: {
		const uint8_t *nul = memchr(p, 0, n);

		/* Upstream would read the name on past its attribute. */
		if (!nul)
			return -EBADMSG;
		memset(dst, 0, CT_HELPER_LEN);
		memcpy(dst, p, (size_t)(nul - p));
		/* An empty name is no name: a commit with it would fail in the kernel. */
		if (nul == p) {
			d->present &= ~bits;
			return 0;
		}
		break;
	}
	case WK_LABELS:
		/* Upstream ignores (and keeps the message) an empty or ragged bitmap. */
		if (!n || n % 4)
			return 0;
		get_labels((struct ct *)(void *)d->obj, p, n);
		break;
	}
	d->present |= bits;
	if (e->tbits) {
		t = (struct ct_tuple *)(void *)(d->obj + e->toff);
		t->present |= e->tbits;
	}
	return 0;
}

/*
 * Upstream msg2ct / msg2exp: attributes in any order, later ones win, at
 * most 4 trailing bytes ignored; anything else odd drops the whole message.
 */
static int get_attrs(const uint8_t *msg, size_t len, const struct wpol *pol, unsigned int max,
		     struct wdst *d)
{
	const uint8_t *p = msg + WIRE_HDR_LEN;
	size_t rem;

	if (len < WIRE_HDR_LEN)
		return -EBADMSG;
	rem = len - WIRE_HDR_LEN;
	while (rem > NTA_HDR) {
		size_t alen = wire_get16(p), step;
		unsigned int type = wire_get16(p + 2);
		const struct wpol *e = &pol[type < max ? type : 0];

		if (alen > rem || alen < NTA_HDR || type >= max)
			return -EBADMSG;
		if ((e->flags & WF_MAX) ? alen > e->len : alen != e->len)
			return -EBADMSG;
		if (get_attr(e, p + NTA_HDR, alen - NTA_HDR, d))
			return -EBADMSG;
		/* The last attribute may lack its padding. */
		step = ALIGN4(alen);
		if (step >= rem)
			break;
		p += step;
		rem -= step;
	}
	return 0;
}

/*
 * NAT ports only mean something where the wire carries the entry's ports.
 * Upstream (libnetfilter_conntrack 1.0.9) compares ICMP type, code and id
 * as if they were ports and sends NAT "ports" of 0 for every ICMP entry
 * with NAT status bits: keep only the addresses, and no request at all
 * where none is left.
 */
static void drop_portless_nat_ports(struct ct *ct)
{
	if (port_proto(ct->orig.l4))
		return;
	for (int i = 0; i < 2; i++) {
		struct ct_nat *n = i ? &ct->dnat : &ct->snat;

		n->has_port = 0;
		n->min_port = n->max_port = 0;
		if (!n->l3)
			ct_unset(ct, i ? CT_NAT_DST : CT_NAT_SRC);
	}
}

int wire_get_ct(const uint8_t *msg, size_t len, struct ct *ct)
{
	struct wdst d = { (uint8_t *)ct, 0, 0 };
	int err;

	memset(ct, 0, sizeof(*ct));
	err = get_attrs(msg, len, pol_ct, WIRE_NTA_MAX, &d);
	ct->present = d.present;
	ct->family = d.family;
	drop_portless_nat_ports(ct);
	return err;
}

int wire_get_exp(const uint8_t *msg, size_t len, struct ct_exp *exp)
{
	struct wdst d = { (uint8_t *)exp, 0, 0 };
	int err;

	memset(exp, 0, sizeof(*exp));
	err = get_attrs(msg, len, pol_exp, WIRE_NTA_EXP_MAX, &d);
	exp->present = (uint32_t)d.present;
	exp->family = d.family;
	return err;
}

int wire_get_data(const struct wire_hdr *h, const uint8_t *msg, struct ct *ct, struct ct_exp *exp)
{
	int err;

	if (h->type <= WIRE_CT_DEL)
		err = wire_get_ct(msg, h->len, ct);
	else if (h->type <= WIRE_EXP_DEL)
		err = wire_get_exp(msg, h->len, exp);
	else
		return -EPROTO;
	return err ? err : h->type;
}
