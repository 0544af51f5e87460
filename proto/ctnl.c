// SPDX-License-Identifier: GPL-2.0-or-later
/* ctnetlink request builders: dumps with kernel-side filters, one conntrack, expectations. */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "proto/ctnl.h"
#include "proto/ctnl_int.h"

void ctnl_put_tuple_body(struct nlb *b, const struct ct_tuple *t, uint8_t l3)
{
	size_t n;

	if (t->l3)
		l3 = t->l3;
	if (t->present & (CT_T_SRC | CT_T_DST)) {
		size_t alen = l3 == AF_INET6 ? 16 : 4;
		uint16_t src = l3 == AF_INET6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;

		n = nlb_nest(b, CTA_TUPLE_IP);
		if (t->present & CT_T_SRC)
			nlb_put(b, src, t->src.b, alen);
		if (t->present & CT_T_DST)
			nlb_put(b, src + 1, t->dst.b, alen);
		nlb_nest_end(b, n);
	}
	if (t->present & (CT_T_PROTO | CT_T_SPORT | CT_T_DPORT | CT_T_ICMP_ID | CT_T_ICMP_TYPE |
			  CT_T_ICMP_CODE)) {
		/* ICMPv6 has its own attribute types; everything else uses the ICMP ones. */
		uint16_t id = t->l4 == IPPROTO_ICMPV6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID;

		n = nlb_nest(b, CTA_TUPLE_PROTO);
		if (t->present & CT_T_PROTO)
			nlb_u8(b, CTA_PROTO_NUM, t->l4);
		if (t->present & CT_T_SPORT)
			nlb_u16be(b, CTA_PROTO_SRC_PORT, t->sport);
		if (t->present & CT_T_DPORT)
			nlb_u16be(b, CTA_PROTO_DST_PORT, t->dport);
		if (t->present & CT_T_ICMP_ID)
			nlb_u16be(b, id, t->icmp_id);
		if (t->present & CT_T_ICMP_TYPE)
			nlb_u8(b, id + 1, t->icmp_type);
		if (t->present & CT_T_ICMP_CODE)
			nlb_u8(b, id + 2, t->icmp_code);
		nlb_nest_end(b, n);
	}
	if (t->present & CT_T_ZONE)
		nlb_u16be(b, CTA_TUPLE_ZONE, t->zone);
}

void ctnl_put_tuple(struct nlb *b, uint16_t type, const struct ct_tuple *t, uint8_t l3)
{
	size_t n = nlb_nest(b, type);

	ctnl_put_tuple_body(b, t, l3);
	nlb_nest_end(b, n);
}

/*
 * A 64-bit attribute as nla_put_64bit lays it out: a zero-length pad first
 * when the payload would not be 8-aligned in the kernel's skb. wire_pad
 * says where the message sat in that skb (0: unpadded, as requests are).
 */
void ctnl_put64(struct nlb *b, uint16_t type, uint64_t v, uint16_t padtype, uint8_t wire_pad)
{
	if (wire_pad && ((wire_pad - 1u) + b->len + NLA_HDRLEN) % 8)
		nlb_put(b, padtype, NULL, 0);
	nlb_u64be(b, type, v);
}

void ctnl_put_nat(struct nlb *b, uint16_t type, const struct ct_nat *nat)
{
	size_t n = nlb_nest(b, type), p;

	if (nat->l3 == AF_INET6) {
		nlb_put(b, CTA_NAT_V6_MINIP, nat->min_ip.b, 16);
		nlb_put(b, CTA_NAT_V6_MAXIP, nat->max_ip.b, 16);
	} else if (nat->l3 == AF_INET) {
		nlb_put(b, CTA_NAT_V4_MINIP, nat->min_ip.b, 4);
		nlb_put(b, CTA_NAT_V4_MAXIP, nat->max_ip.b, 4);
	}
	if (nat->has_port) {
		p = nlb_nest(b, CTA_NAT_PROTO);
		nlb_u16be(b, CTA_PROTONAT_PORT_MIN, nat->min_port);
		nlb_u16be(b, CTA_PROTONAT_PORT_MAX, nat->max_port);
		nlb_nest_end(b, p);
	}
	nlb_nest_end(b, n);
}

#define CT_BIT(a) (UINT64_C(1) << (a))

/* Protoinfo as the kernel lays it out; requests carry what is present and the kernel ignores what a protocol does not use. */
void ctnl_put_protoinfo(struct nlb *b, const struct ct *ct)
{
	const uint64_t tcp = CT_BIT(CT_TCP_STATE) | CT_BIT(CT_TCP_WSCALE_ORIG) |
			     CT_BIT(CT_TCP_WSCALE_REPLY) | CT_BIT(CT_TCP_FLAGS_ORIG) |
			     CT_BIT(CT_TCP_FLAGS_REPLY);
	const uint64_t sctp =
		CT_BIT(CT_SCTP_STATE) | CT_BIT(CT_SCTP_VTAG_ORIG) | CT_BIT(CT_SCTP_VTAG_REPLY);
	const uint64_t dccp = CT_BIT(CT_DCCP_STATE) | CT_BIT(CT_DCCP_ROLE) | CT_BIT(CT_DCCP_HSEQ);
	size_t n = nlb_nest(b, CTA_PROTOINFO), p;

	if (ct->present & tcp) {
		p = nlb_nest(b, CTA_PROTOINFO_TCP);
		if (ct_has(ct, CT_TCP_STATE))
			nlb_u8(b, CTA_PROTOINFO_TCP_STATE, ct->tcp.state);
		if (ct_has(ct, CT_TCP_WSCALE_ORIG))
			nlb_u8(b, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, ct->tcp.wscale_orig);
		if (ct_has(ct, CT_TCP_WSCALE_REPLY))
			nlb_u8(b, CTA_PROTOINFO_TCP_WSCALE_REPLY, ct->tcp.wscale_reply);
		if (ct_has(ct, CT_TCP_FLAGS_ORIG)) {
			uint8_t fl[2] = { ct->tcp.flags_orig, ct->tcp.mask_orig };

			nlb_put(b, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, fl, sizeof(fl));
		}
		if (ct_has(ct, CT_TCP_FLAGS_REPLY)) {
			uint8_t fl[2] = { ct->tcp.flags_reply, ct->tcp.mask_reply };

			nlb_put(b, CTA_PROTOINFO_TCP_FLAGS_REPLY, fl, sizeof(fl));
		}
		nlb_nest_end(b, p);
	}
	if (ct->present & dccp) {
		p = nlb_nest(b, CTA_PROTOINFO_DCCP);
		if (ct_has(ct, CT_DCCP_STATE))
			nlb_u8(b, CTA_PROTOINFO_DCCP_STATE, ct->dccp.state);
		if (ct_has(ct, CT_DCCP_ROLE))
			nlb_u8(b, CTA_PROTOINFO_DCCP_ROLE, ct->dccp.role);
		if (ct_has(ct, CT_DCCP_HSEQ))
			ctnl_put64(b, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ, ct->dccp.handshake_seq,
				   CTA_PROTOINFO_DCCP_PAD, ct->wire_pad);
		nlb_nest_end(b, p);
	}
	if (ct->present & sctp) {
		p = nlb_nest(b, CTA_PROTOINFO_SCTP);
		if (ct_has(ct, CT_SCTP_STATE))
			nlb_u8(b, CTA_PROTOINFO_SCTP_STATE, ct->sctp.state);
		if (ct_has(ct, CT_SCTP_VTAG_ORIG))
			nlb_u32be(b, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, ct->sctp.vtag_orig);
		if (ct_has(ct, CT_SCTP_VTAG_REPLY))
			nlb_u32be(b, CTA_PROTOINFO_SCTP_VTAG_REPLY, ct->sctp.vtag_reply);
		nlb_nest_end(b, p);
	}
	nlb_nest_end(b, n);
}

/* seqadj and synproxy nests: three u32 attributes numbered 1..3. */
void ctnl_put_u32_triple(struct nlb *b, uint16_t type, uint32_t x, uint32_t y, uint32_t z)
{
	size_t n = nlb_nest(b, type);

	nlb_u32be(b, 1, x);
	nlb_u32be(b, 2, y);
	nlb_u32be(b, 3, z);
	nlb_nest_end(b, n);
}

/* A nest holding one string (helper, secctx); empty when has is 0. */
void ctnl_put_strnest(struct nlb *b, uint16_t type, uint16_t sub, const char *s, int has)
{
	size_t n = nlb_nest(b, type);

	if (has)
		nlb_str(b, sub, s);
	nlb_nest_end(b, n);
}

void ctnl_labels_conv(uint8_t *dst, const uint8_t *src, size_t len)
{
	const size_t w = sizeof(unsigned long);

	/* Little-endian longs already keep bit N in byte N / 8. */
	if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		memcpy(dst, src, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		size_t word = i - i % w;

		dst[i] = word + w <= len ? src[word + w - 1 - i % w] : src[i];
	}
}

void ctnl_put_labels(struct nlb *b, uint16_t type, const uint8_t *bits, size_t len)
{
	uint8_t k[CT_LABELS_BYTES];

	if (len > sizeof(k))
		len = sizeof(k);
	ctnl_labels_conv(k, bits, len);
	nlb_put(b, type, k, len);
}

static uint8_t labels_len(const struct ct *ct)
{
	return ct->labels_len ? ct->labels_len : CT_LABELS_BYTES;
}

int ctnl_build_simple(void *buf, size_t len, uint8_t subsys, uint16_t msg, uint16_t flags,
		      uint8_t family, uint32_t seq)
{
	struct nlb b;

	nlb_init(&b, buf, len);
	nlb_msg(&b, (uint16_t)(subsys << 8 | (msg & 0xff)), flags | NLM_F_REQUEST, seq, 0, family,
		0);
	return nlb_end(&b);
}

/* The kernel reads a filter tuple in the dump's family and needs a protocol for port/icmp flags. */
static int filter_check(uint32_t flags, uint8_t family)
{
	if (!flags)
		return 0;
	if (flags & ~(uint32_t)CTNL_FF_ALL)
		return -EINVAL;
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	if ((flags & ~(uint32_t)(CTNL_FF_IP_SRC | CTNL_FF_IP_DST | CTNL_FF_TUPLE_ZONE |
				 CTNL_FF_PROTO_NUM)) &&
	    !(flags & CTNL_FF_PROTO_NUM))
		return -EINVAL;
	return 0;
}

/* The tuple fields a filter compares, and only those: the kernel insists each one is there. */
static void put_filter_tuple(struct nlb *b, uint16_t type, const struct ct_tuple *t, uint32_t flags,
			     uint8_t family)
{
	struct ct_tuple v = *t;

	v.l3 = family;
	v.present = 0;
	if (flags & CTNL_FF_IP_SRC)
		v.present |= CT_T_SRC;
	if (flags & CTNL_FF_IP_DST)
		v.present |= CT_T_DST;
	if (flags & CTNL_FF_PROTO_NUM)
		v.present |= CT_T_PROTO;
	if (flags & CTNL_FF_PROTO_SRC_PORT)
		v.present |= CT_T_SPORT;
	if (flags & CTNL_FF_PROTO_DST_PORT)
		v.present |= CT_T_DPORT;
	if (flags & (CTNL_FF_ICMP_TYPE | CTNL_FF_ICMPV6_TYPE))
		v.present |= CT_T_ICMP_TYPE;
	if (flags & (CTNL_FF_ICMP_CODE | CTNL_FF_ICMPV6_CODE))
		v.present |= CT_T_ICMP_CODE;
	if (flags & (CTNL_FF_ICMP_ID | CTNL_FF_ICMPV6_ID))
		v.present |= CT_T_ICMP_ID;
	if (flags & CTNL_FF_TUPLE_ZONE)
		v.present |= CT_T_ZONE;
	ctnl_put_tuple(b, type, &v, family);
}

static int build_filtered(void *buf, size_t len, uint16_t msg, uint16_t flags, uint8_t family,
			  uint32_t seq, const struct ctnl_filter *f)
{
	struct nlb b;
	int err;

	nlb_init(&b, buf, len);
	nlb_msg(&b, (uint16_t)(CTNL_SUBSYS_CT << 8 | (msg & 0xff)), NLM_F_REQUEST | flags, seq, 0,
		family, 0);
	if (!f)
		return nlb_end(&b);
	if (f->flags & CTNL_F_MARK) {
		nlb_u32be(&b, CTA_MARK, f->mark);
		nlb_u32be(&b, CTA_MARK_MASK, f->mark_mask);
	}
	if (f->flags & CTNL_F_STATUS) {
		nlb_u32be(&b, CTA_STATUS, f->status);
		nlb_u32be(&b, CTA_STATUS_MASK, f->status_mask);
	}
	if (f->flags & CTNL_F_ZONE)
		nlb_u16be(&b, CTA_ZONE, f->zone);
	if (f->flags & CTNL_F_TUPLE) {
		size_t n;
		uint32_t v;

		err = filter_check(f->orig_flags, family);
		if (!err)
			err = filter_check(f->reply_flags, family);
		if (err)
			return err;
		if (f->orig_flags)
			put_filter_tuple(&b, CTA_TUPLE_ORIG, &f->orig, f->orig_flags, family);
		if (f->reply_flags)
			put_filter_tuple(&b, CTA_TUPLE_REPLY, &f->reply, f->reply_flags, family);
		n = nlb_nest(&b, CTA_FILTER);
		/* NLA_U32 in the kernel's policy: host byte order, unlike the rest of ctnetlink. */
		v = f->orig_flags;
		nlb_put(&b, CTA_FILTER_ORIG_FLAGS, &v, sizeof(v));
		v = f->reply_flags;
		nlb_put(&b, CTA_FILTER_REPLY_FLAGS, &v, sizeof(v));
		nlb_nest_end(&b, n);
	}
	return nlb_end(&b);
}

int ctnl_build_dump(void *buf, size_t len, uint16_t msg, uint8_t family, uint32_t seq,
		    const struct ctnl_filter *f)
{
	return build_filtered(buf, len, msg, NLM_F_DUMP, family, seq, f);
}

int ctnl_build_flush(void *buf, size_t len, uint8_t family, uint32_t seq,
		     const struct ctnl_filter *f)
{
	return build_filtered(buf, len, CTNL_MSG_CT_DELETE, NLM_F_ACK, family, seq, f);
}

int ctnl_build_ct(void *buf, size_t len, uint16_t msg, uint16_t flags, uint8_t family, uint32_t seq,
		  const struct ct *ct)
{
	struct nlb b;

	if (!ct_has(ct, CT_ORIG) || !(ct->orig.l3 || family))
		return -EINVAL;
	nlb_init(&b, buf, len);
	nlb_msg(&b, (uint16_t)(CTNL_SUBSYS_CT << 8 | (msg & 0xff)), flags | NLM_F_REQUEST, seq, 0,
		family, 0);
	ctnl_put_tuple(&b, CTA_TUPLE_ORIG, &ct->orig, family);
	if (ct_has(ct, CT_REPLY)) {
		/*
		 * The kernel wants both addresses of a conntrack tuple; like the
		 * reference library, a missing one goes out as the zero address.
		 */
		struct ct_tuple r = ct->reply;

		if (r.present & (CT_T_SRC | CT_T_DST))
			r.present |= CT_T_SRC | CT_T_DST;
		ctnl_put_tuple(&b, CTA_TUPLE_REPLY, &r, family);
	}
	if (ct_has(ct, CT_MASTER))
		ctnl_put_tuple(&b, CTA_TUPLE_MASTER, &ct->master, family);
	if (ct_has(ct, CT_NAT_SRC))
		ctnl_put_nat(&b, CTA_NAT_SRC, &ct->snat);
	if (ct_has(ct, CT_NAT_DST))
		ctnl_put_nat(&b, CTA_NAT_DST, &ct->dnat);
	if (ct_has(ct, CT_STATUS))
		nlb_u32be(&b, CTA_STATUS, ct->status);
	if (ct_has(ct, CT_TIMEOUT))
		nlb_u32be(&b, CTA_TIMEOUT, ct->timeout);
	if (ct_has(ct, CT_MARK))
		nlb_u32be(&b, CTA_MARK, ct->mark);
	if (ct_has(ct, CT_MARK_MASK))
		nlb_u32be(&b, CTA_MARK_MASK, ct->mark_mask);
	if (ct_has(ct, CT_ZONE))
		nlb_u16be(&b, CTA_ZONE, ct->zone);
	if (ct->present &
	    (CT_BIT(CT_TCP_STATE) | CT_BIT(CT_TCP_WSCALE_ORIG) | CT_BIT(CT_TCP_WSCALE_REPLY) |
	     CT_BIT(CT_TCP_FLAGS_ORIG) | CT_BIT(CT_TCP_FLAGS_REPLY) | CT_BIT(CT_SCTP_STATE) |
	     CT_BIT(CT_SCTP_VTAG_ORIG) | CT_BIT(CT_SCTP_VTAG_REPLY) | CT_BIT(CT_DCCP_STATE) |
	     CT_BIT(CT_DCCP_ROLE) | CT_BIT(CT_DCCP_HSEQ)))
		ctnl_put_protoinfo(&b, ct);
	if (ct_has(ct, CT_HELPER))
		ctnl_put_strnest(&b, CTA_HELP, CTA_HELP_NAME, ct->helper, 1);
	if (ct_has(ct, CT_LABELS))
		ctnl_put_labels(&b, CTA_LABELS, ct->labels, labels_len(ct));
	if (ct_has(ct, CT_LABELS_MASK))
		ctnl_put_labels(&b, CTA_LABELS_MASK, ct->labels_mask, labels_len(ct));
	if (ct_has(ct, CT_SEQADJ_ORIG))
		ctnl_put_u32_triple(&b, CTA_SEQ_ADJ_ORIG, ct->seqadj_orig.correction_pos,
				    ct->seqadj_orig.offset_before, ct->seqadj_orig.offset_after);
	if (ct_has(ct, CT_SEQADJ_REPLY))
		ctnl_put_u32_triple(&b, CTA_SEQ_ADJ_REPLY, ct->seqadj_reply.correction_pos,
				    ct->seqadj_reply.offset_before, ct->seqadj_reply.offset_after);
	if (ct_has(ct, CT_SYNPROXY))
		ctnl_put_u32_triple(&b, CTA_SYNPROXY, ct->synproxy.isn, ct->synproxy.its,
				    ct->synproxy.tsoff);
	if (ct_has(ct, CT_ID))
		nlb_u32be(&b, CTA_ID, ct->id);
	return nlb_end(&b);
}

int ctnl_build_exp(void *buf, size_t len, uint16_t msg, uint16_t flags, uint8_t family,
		   uint32_t seq, const struct ct_exp *exp)
{
	struct ct_tuple mask = exp->mask;
	struct nlb b;

	switch (msg) {
	case CTNL_MSG_EXP_NEW:
		/* The kernel needs all three to create; the mask must name the protocol. */
		if (!ct_exp_has(exp, CT_EXP_TUPLE) || !ct_exp_has(exp, CT_EXP_MASK) ||
		    !ct_exp_has(exp, CT_EXP_MASTER))
			return -EINVAL;
		break;
	case CTNL_MSG_EXP_GET:
		if (!ct_exp_has(exp, CT_EXP_TUPLE) && !ct_exp_has(exp, CT_EXP_MASTER))
			return -EINVAL;
		break;
	}
	if (!(mask.present & CT_T_PROTO) && (exp->tuple.present & CT_T_PROTO)) {
		mask.l4 = exp->tuple.l4;
		mask.present |= CT_T_PROTO;
	}
	nlb_init(&b, buf, len);
	nlb_msg(&b, (uint16_t)(CTNL_SUBSYS_EXP << 8 | (msg & 0xff)), flags | NLM_F_REQUEST, seq, 0,
		family, 0);
	if (ct_exp_has(exp, CT_EXP_MASTER))
		ctnl_put_tuple(&b, CTA_EXPECT_MASTER, &exp->master, family);
	if (ct_exp_has(exp, CT_EXP_TUPLE))
		ctnl_put_tuple(&b, CTA_EXPECT_TUPLE, &exp->tuple, family);
	if (ct_exp_has(exp, CT_EXP_MASK))
		ctnl_put_tuple(&b, CTA_EXPECT_MASK, &mask, family);
	if (ct_exp_has(exp, CT_EXP_TIMEOUT))
		nlb_u32be(&b, CTA_EXPECT_TIMEOUT, exp->timeout);
	if (ct_exp_has(exp, CT_EXP_ZONE))
		nlb_u16be(&b, CTA_EXPECT_ZONE, exp->zone);
	if (ct_exp_has(exp, CT_EXP_HELPER))
		nlb_str(&b, CTA_EXPECT_HELP_NAME, exp->helper);
	if (ct_exp_has(exp, CT_EXP_FLAGS))
		nlb_u32be(&b, CTA_EXPECT_FLAGS, exp->flags);
	if (ct_exp_has(exp, CT_EXP_CLASS))
		nlb_u32be(&b, CTA_EXPECT_CLASS, exp->class);
	if (ct_exp_has(exp, CT_EXP_NAT)) {
		size_t n = nlb_nest(&b, CTA_EXPECT_NAT);

		nlb_u32be(&b, CTA_EXPECT_NAT_DIR, exp->nat.dir);
		ctnl_put_tuple(&b, CTA_EXPECT_NAT_TUPLE, &exp->nat.tuple, family);
		nlb_nest_end(&b, n);
	}
	if (ct_exp_has(exp, CT_EXP_FN))
		nlb_str(&b, CTA_EXPECT_FN, exp->fn);
	if (ct_exp_has(exp, CT_EXP_ID))
		nlb_u32be(&b, CTA_EXPECT_ID, exp->id);
	return nlb_end(&b);
}
