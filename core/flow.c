// SPDX-License-Identifier: GPL-2.0-or-later
/* The compact flow record the caches keep, and its conversion to and from struct ct. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"

#define BIT(a) (UINT64_C(1) << (a))

static bool is_icmp(uint8_t l4)
{
	return l4 == 1 || l4 == 58;
}

/* Tuple -> key fields; the zone is the caller's. */
static void tuple_pack(const struct ct_tuple *t, union ct_addr *src, union ct_addr *dst,
		       uint16_t *sport, uint16_t *dport)
{
	if (t->present & CT_T_SRC)
		*src = t->src;
	if (t->present & CT_T_DST)
		*dst = t->dst;
	if (is_icmp(t->l4)) {
		*sport = t->icmp_id;
		*dport = (uint16_t)(t->icmp_type << 8 | t->icmp_code);
	} else {
		*sport = t->sport;
		*dport = t->dport;
	}
}

static void tuple_unpack(struct ct_tuple *t, uint16_t present, uint8_t l3, uint8_t l4,
			 const union ct_addr *src, const union ct_addr *dst, uint16_t sport,
			 uint16_t dport)
{
	t->present = present;
	t->l3 = l3;
	t->l4 = l4;
	t->src = *src;
	t->dst = *dst;
	if (is_icmp(l4)) {
		t->icmp_id = sport;
		t->icmp_type = (uint8_t)(dport >> 8);
		t->icmp_code = (uint8_t)dport;
	} else {
		t->sport = sport;
		t->dport = dport;
	}
}

void flow_key_tuple(struct flow_key *k, const struct ct_tuple *t, uint8_t l3, uint16_t zone)
{
	static const union ct_addr none;

	/* Field by field, not memset: twice per event, and -Os makes that a slow rep stos. */
	k->src = none;
	k->dst = none;
	k->l3 = l3;
	k->l4 = t->l4;
	tuple_pack(t, &k->src, &k->dst, &k->sport, &k->dport);
	k->zone = zone;
}

bool flow_key_of(struct flow_key *k, const struct ct *ct)
{
	uint8_t l3 = ct->orig.l3 ? ct->orig.l3 : ct->family;

	if (!ct_has(ct, CT_ORIG) || !l3) {
		memset(k, 0, sizeof(*k));
		return false;
	}
	flow_key_tuple(k, &ct->orig, l3, ct_has(ct, CT_ZONE) ? ct->zone : 0);
	return true;
}

/*
 * Attributes kept out of line, copied as bytes. Strings and the label map
 * have their own lengths; directional zones use the pseudo types below.
 */
struct xfield {
	uint8_t attr;
	uint8_t size;
	uint16_t off;
};

static const struct xfield xfields[] = {
	{ CT_MASTER, sizeof(struct ct_tuple), offsetof(struct ct, master) },
	{ CT_SEQADJ_ORIG, sizeof(struct ct_seqadj), offsetof(struct ct, seqadj_orig) },
	{ CT_SEQADJ_REPLY, sizeof(struct ct_seqadj), offsetof(struct ct, seqadj_reply) },
	{ CT_SYNPROXY, 12, offsetof(struct ct, synproxy) },
	{ CT_SCTP_VTAG_ORIG, 4, offsetof(struct ct, sctp.vtag_orig) },
	{ CT_SCTP_VTAG_REPLY, 4, offsetof(struct ct, sctp.vtag_reply) },
	{ CT_DCCP_ROLE, 1, offsetof(struct ct, dccp.role) },
	{ CT_DCCP_HSEQ, 8, offsetof(struct ct, dccp.handshake_seq) },
	{ CT_SECMARK, 4, offsetof(struct ct, secmark) },
	{ CT_LABELS_MASK, CT_LABELS_BYTES, offsetof(struct ct, labels_mask) },
};

enum {
	X_ZONE_ORIG = CT_ATTR_MAX,
	X_ZONE_REPLY,
};

/* Blob: u16 total length, then (type, len, bytes) items. Items are unaligned. */
#define X_MAX 512

static size_t x_put(uint8_t *b, size_t n, uint8_t type, const void *p, size_t len)
{
	b[n] = type;
	b[n + 1] = (uint8_t)len;
	memcpy(b + n + 2, p, len);
	return n + 2 + len;
}

static size_t extra_build(uint8_t *b, const struct ct *ct)
{
	size_t n = 2;

	for (size_t i = 0; i < sizeof(xfields) / sizeof(xfields[0]); i++) {
		const struct xfield *x = &xfields[i];
		const char *p = (const char *)ct + x->off;

		/*
		 * flow_get zeroes everything and the present bit stays: an all-zero
		 * value (the synproxy block of every ctnetlink-made entry) costs no
		 * blob.
		 */
		if (ct_has(ct, x->attr) && (p[0] || memcmp(p, p + 1, x->size - 1)))
			n = x_put(b, n, x->attr, p, x->size);
	}
	if (ct_has(ct, CT_HELPER))
		n = x_put(b, n, CT_HELPER, ct->helper, strnlen(ct->helper, CT_HELPER_LEN - 1));
	if (ct_has(ct, CT_SECCTX))
		n = x_put(b, n, CT_SECCTX, ct->secctx, strnlen(ct->secctx, CT_SECCTX_LEN - 1));
	if (ct_has(ct, CT_LABELS))
		n = x_put(b, n, CT_LABELS, ct->labels,
			  ct->labels_len > CT_LABELS_BYTES ? CT_LABELS_BYTES : ct->labels_len);
	if (ct->orig.present & CT_T_ZONE)
		n = x_put(b, n, X_ZONE_ORIG, &ct->orig.zone, 2);
	if (ct->reply.present & CT_T_ZONE)
		n = x_put(b, n, X_ZONE_REPLY, &ct->reply.zone, 2);
	if (n == 2)
		return 0;
	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	return n;
}

static void extra_read(const uint8_t *b, struct ct *ct)
{
	size_t total = (size_t)b[0] << 8 | b[1];

	for (size_t n = 2; n + 2 <= total;) {
		uint8_t type = b[n], len = b[n + 1];
		const uint8_t *p = b + n + 2;

		n += 2 + (size_t)len;
		switch (type) {
		case CT_HELPER:
			memcpy(ct->helper, p, len);
			ct->helper[len] = 0;
			continue;
		case CT_SECCTX:
			memcpy(ct->secctx, p, len);
			ct->secctx[len] = 0;
			continue;
		case CT_LABELS:
			memcpy(ct->labels, p, len);
			ct->labels_len = len;
			continue;
		case X_ZONE_ORIG:
			memcpy(&ct->orig.zone, p, 2);
			ct->orig.present |= CT_T_ZONE;
			continue;
		case X_ZONE_REPLY:
			memcpy(&ct->reply.zone, p, 2);
			ct->reply.present |= CT_T_ZONE;
			continue;
		}
		for (size_t i = 0; i < sizeof(xfields) / sizeof(xfields[0]); i++)
			if (xfields[i].attr == type)
				memcpy((char *)ct + xfields[i].off, p, len);
	}
}

/* What a record keeps of a conntrack: no counters, use count or stop time. */
#define FLOW_KEEP \
	(~(BIT(CT_COUNTERS_ORIG) | BIT(CT_COUNTERS_REPLY) | BIT(CT_USE) | BIT(CT_TS_STOP) | \
	   BIT(CT_TS_EVENT) | BIT(CT_STATUS_MASK) | BIT(CT_MARK_MASK) | BIT(CT_TCP_FLAGS_ORIG) | \
	   BIT(CT_TCP_FLAGS_REPLY)))

/* Copy what src carries beyond its tuples into dst (an update keeps the rest). */
static void merge_meta(struct ct *dst, const struct ct *src)
{
	uint64_t p = src->present & FLOW_KEEP & ~(BIT(CT_ORIG) | BIT(CT_REPLY));

#define TAKE(a, field) \
	do { \
		if (p & BIT(a)) \
			dst->field = src->field; \
	} while (0)
	TAKE(CT_STATUS, status);
	TAKE(CT_TIMEOUT, timeout);
	TAKE(CT_MARK, mark);
	TAKE(CT_ID, id);
	TAKE(CT_ZONE, zone);
	TAKE(CT_TCP_STATE, tcp.state);
	TAKE(CT_TCP_WSCALE_ORIG, tcp.wscale_orig);
	TAKE(CT_TCP_WSCALE_REPLY, tcp.wscale_reply);
	TAKE(CT_SCTP_STATE, sctp.state);
	TAKE(CT_DCCP_STATE, dccp.state);
	TAKE(CT_TS_START, ts_start);
	TAKE(CT_NAT_SRC, snat);
	TAKE(CT_NAT_DST, dnat);
#undef TAKE
	for (size_t i = 0; i < sizeof(xfields) / sizeof(xfields[0]); i++)
		if (p & BIT(xfields[i].attr))
			memcpy((char *)dst + xfields[i].off, (const char *)src + xfields[i].off,
			       xfields[i].size);
	if (p & BIT(CT_HELPER))
		memcpy(dst->helper, src->helper, sizeof(dst->helper));
	if (p & BIT(CT_SECCTX))
		memcpy(dst->secctx, src->secctx, sizeof(dst->secctx));
	if (p & BIT(CT_LABELS)) {
		memcpy(dst->labels, src->labels, sizeof(dst->labels));
		dst->labels_len = src->labels_len;
	}
	dst->present |= p;
}

int flow_set(struct flow *f, const struct ct *ct, bool update)
{
	uint8_t buf[X_MAX], *extra = NULL;
	struct ct merged;
	size_t n;

	if (update) {
		flow_get(f, &merged);
		merge_meta(&merged, ct);
		ct = &merged;
	}
	n = extra_build(buf, ct);
	if (n) {
		extra = malloc(n);
		if (!extra)
			return -ENOMEM;
		memcpy(extra, buf, n);
	}
	free(f->extra);
	f->extra = extra;
	f->present = ct->present & FLOW_KEEP;
	f->opresent = ct->orig.present & (uint16_t)~CT_T_ZONE;
	f->rpresent = 0;
	memset(&f->rsrc, 0, sizeof(f->rsrc));
	memset(&f->rdst, 0, sizeof(f->rdst));
	f->rsport = f->rdport = 0;
	if (ct_has(ct, CT_REPLY)) {
		f->rpresent = ct->reply.present & (uint16_t)~CT_T_ZONE;
		tuple_pack(&ct->reply, &f->rsrc, &f->rdst, &f->rsport, &f->rdport);
	} else {
		/* A received entry has no reply tuple: its NAT takes those fields (SNAT = reply dst). */
		if (ct_has(ct, CT_NAT_SRC)) {
			f->rdst = ct->snat.min_ip;
			f->rdport = ct->snat.min_port;
			f->rpresent |= CT_T_DST | (ct->snat.has_port ? CT_T_DPORT : 0);
		}
		if (ct_has(ct, CT_NAT_DST)) {
			f->rsrc = ct->dnat.min_ip;
			f->rsport = ct->dnat.min_port;
			f->rpresent |= CT_T_SRC | (ct->dnat.has_port ? CT_T_SPORT : 0);
		}
	}
	f->status = ct->status;
	f->timeout = ct->timeout;
	f->mark = ct->mark;
	f->id = ct->id;
	f->ts_start = (uint32_t)(ct->ts_start / 1000000000u);
	f->state = ct_has(ct, CT_TCP_STATE)    ? ct->tcp.state
		   : ct_has(ct, CT_SCTP_STATE) ? ct->sctp.state
					       : ct->dccp.state;
	f->wscale_orig = ct->tcp.wscale_orig;
	f->wscale_reply = ct->tcp.wscale_reply;
	return 0;
}

void flow_get(const struct flow *f, struct ct *ct)
{
	memset(ct, 0, sizeof(*ct));
	ct->present = f->present;
	ct->family = f->k.l3;
	tuple_unpack(&ct->orig, f->opresent, f->k.l3, f->k.l4, &f->k.src, &f->k.dst, f->k.sport,
		     f->k.dport);
	if (ct_has(ct, CT_REPLY)) {
		tuple_unpack(&ct->reply, f->rpresent, f->k.l3, f->k.l4, &f->rsrc, &f->rdst,
			     f->rsport, f->rdport);
	} else {
		if (ct_has(ct, CT_NAT_SRC)) {
			ct->snat.l3 = f->k.l3;
			ct->snat.min_ip = ct->snat.max_ip = f->rdst;
			ct->snat.min_port = ct->snat.max_port = f->rdport;
			ct->snat.has_port = !!(f->rpresent & CT_T_DPORT);
		}
		if (ct_has(ct, CT_NAT_DST)) {
			ct->dnat.l3 = f->k.l3;
			ct->dnat.min_ip = ct->dnat.max_ip = f->rsrc;
			ct->dnat.min_port = ct->dnat.max_port = f->rsport;
			ct->dnat.has_port = !!(f->rpresent & CT_T_SPORT);
		}
	}
	ct->zone = f->k.zone;
	ct->status = f->status;
	ct->timeout = f->timeout;
	ct->mark = f->mark;
	ct->id = f->id;
	ct->ts_start = (uint64_t)f->ts_start * 1000000000u;
	ct->tcp.state = ct->sctp.state = ct->dccp.state = f->state;
	ct->tcp.wscale_orig = f->wscale_orig;
	ct->tcp.wscale_reply = f->wscale_reply;
	if (f->extra)
		extra_read(f->extra, ct);
}

void flow_clear(struct flow *f)
{
	free(f->extra);
	f->extra = NULL;
}

bool flow_exp_key_of(struct flow_exp_key *k, const struct ct_exp *e)
{
	struct ct ct;

	memset(k, 0, sizeof(*k));
	if (!ct_exp_has(e, CT_EXP_MASTER))
		return false;
	memset(&ct, 0, sizeof(ct));
	ct.family = e->family;
	ct.orig = e->master;
	ct_set(&ct, CT_ORIG);
	if (!flow_key_of(&k->master, &ct))
		return false;
	if (ct_exp_has(e, CT_EXP_TUPLE)) {
		ct.orig = e->tuple;
		flow_key_of(&k->tuple, &ct);
	}
	if (ct_exp_has(e, CT_EXP_ZONE))
		k->master.zone = k->tuple.zone = e->zone;
	return true;
}

int flow_exp_set(struct flow_exp *f, const struct ct_exp *e)
{
	struct ct_exp *n = f->exp;

	if (!n) {
		n = malloc(sizeof(*n));
		if (!n)
			return -ENOMEM;
	}
	*n = *e;
	f->exp = n;
	return 0;
}

void flow_exp_clear(struct flow_exp *f)
{
	free(f->exp);
	f->exp = NULL;
}
