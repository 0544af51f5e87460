// SPDX-License-Identifier: GPL-2.0-or-later
/* Byte-exact re-encoding of parsed kernel messages (kernel attribute order and padding). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/ctnl.h"
#include "proto/ctnl_int.h"

static void full_counters(struct nlb *b, const struct ct *ct, int reply)
{
	const struct ct_counters *c = reply ? &ct->cnt_reply : &ct->cnt_orig;
	size_t n = nlb_nest(b, reply ? CTA_COUNTERS_REPLY : CTA_COUNTERS_ORIG);

	if (!ct_has(ct, reply ? CT_COUNTERS_REPLY : CT_COUNTERS_ORIG))
		goto out;
	if (ct->wire_flags & (reply ? CT_WIRE_CNT32_REPLY : CT_WIRE_CNT32_ORIG)) {
		nlb_u32be(b, CTA_COUNTERS32_PACKETS, (uint32_t)c->packets);
		nlb_u32be(b, CTA_COUNTERS32_BYTES, (uint32_t)c->bytes);
	} else {
		ctnl_put64(b, CTA_COUNTERS_PACKETS, c->packets, CTA_COUNTERS_PAD, ct->wire_pad);
		ctnl_put64(b, CTA_COUNTERS_BYTES, c->bytes, CTA_COUNTERS_PAD, ct->wire_pad);
	}
out:
	nlb_nest_end(b, n);
}

static void full_ct_attr(struct nlb *b, const struct ct *ct, uint8_t type)
{
	size_t n;

	switch (type) {
	case CTA_TUPLE_ORIG:
		ctnl_put_tuple(b, type, &ct->orig, ct->family);
		break;
	case CTA_TUPLE_REPLY:
		ctnl_put_tuple(b, type, &ct->reply, ct->family);
		break;
	case CTA_TUPLE_MASTER:
		ctnl_put_tuple(b, type, &ct->master, ct->family);
		break;
	case CTA_STATUS:
		nlb_u32be(b, type, ct->status);
		break;
	case CTA_STATUS_MASK:
		nlb_u32be(b, type, ct->status_mask);
		break;
	case CTA_TIMEOUT:
		nlb_u32be(b, type, ct->timeout);
		break;
	case CTA_MARK:
		nlb_u32be(b, type, ct->mark);
		break;
	case CTA_MARK_MASK:
		nlb_u32be(b, type, ct->mark_mask);
		break;
	case CTA_SECMARK:
		nlb_u32be(b, type, ct->secmark);
		break;
	case CTA_USE:
		nlb_u32be(b, type, ct->use);
		break;
	case CTA_ID:
		nlb_u32be(b, type, ct->id);
		break;
	case CTA_ZONE:
		nlb_u16be(b, type, ct->zone);
		break;
	case CTA_PROTOINFO:
		ctnl_put_protoinfo(b, ct);
		break;
	case CTA_HELP:
		ctnl_put_strnest(b, type, CTA_HELP_NAME, ct->helper, ct_has(ct, CT_HELPER));
		break;
	case CTA_SECCTX:
		ctnl_put_strnest(b, type, CTA_SECCTX_NAME, ct->secctx, ct_has(ct, CT_SECCTX));
		break;
	case CTA_COUNTERS_ORIG:
	case CTA_COUNTERS_REPLY:
		full_counters(b, ct, type == CTA_COUNTERS_REPLY);
		break;
	case CTA_TIMESTAMP:
		n = nlb_nest(b, type);
		if (ct_has(ct, CT_TS_START))
			ctnl_put64(b, CTA_TIMESTAMP_START, ct->ts_start, CTA_TIMESTAMP_PAD,
				   ct->wire_pad);
		if (ct_has(ct, CT_TS_STOP))
			ctnl_put64(b, CTA_TIMESTAMP_STOP, ct->ts_stop, CTA_TIMESTAMP_PAD,
				   ct->wire_pad);
		nlb_nest_end(b, n);
		break;
	case CTA_LABELS:
		ctnl_put_labels(b, type, ct->labels, ct->labels_len);
		break;
	case CTA_LABELS_MASK:
		ctnl_put_labels(b, type, ct->labels_mask,
				ct->labels_len ? ct->labels_len : CT_LABELS_BYTES);
		break;
	case CTA_SEQ_ADJ_ORIG:
		ctnl_put_u32_triple(b, type, ct->seqadj_orig.correction_pos,
				    ct->seqadj_orig.offset_before, ct->seqadj_orig.offset_after);
		break;
	case CTA_SEQ_ADJ_REPLY:
		ctnl_put_u32_triple(b, type, ct->seqadj_reply.correction_pos,
				    ct->seqadj_reply.offset_before, ct->seqadj_reply.offset_after);
		break;
	case CTA_SYNPROXY:
		ctnl_put_u32_triple(b, type, ct->synproxy.isn, ct->synproxy.its,
				    ct->synproxy.tsoff);
		break;
	case CTA_NAT_SRC:
		ctnl_put_nat(b, type, &ct->snat);
		break;
	case CTA_NAT_DST:
		ctnl_put_nat(b, type, &ct->dnat);
		break;
	case CTNL_CTA_TIMESTAMP_EVENT:
		/* The kernel pads this one with CTA_TIMESTAMP_PAD at the top level. */
		ctnl_put64(b, type, ct->ts_event, CTA_TIMESTAMP_PAD, ct->wire_pad);
		break;
	default:
		/* CTA_FILTER and the like never come from the kernel; nothing kept to re-emit. */
		break;
	}
}

int ctnl_encode_ct_full(void *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq,
			uint32_t portid, const struct ct *ct)
{
	struct nlb b;

	if (ct->wire_n > CT_WIRE_MAX)
		return -EINVAL;
	nlb_init(&b, buf, len);
	nlb_msg(&b, type, flags, seq, portid, ct->family, 0);
	for (unsigned int i = 0; i < ct->wire_n; i++)
		full_ct_attr(&b, ct, ct->wire_order[i]);
	return nlb_end(&b);
}

int ctnl_encode_exp_full(void *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq,
			 uint32_t portid, const struct ct_exp *exp)
{
	struct nlb b;
	size_t n;

	if (exp->wire_n > sizeof(exp->wire_order))
		return -EINVAL;
	nlb_init(&b, buf, len);
	nlb_msg(&b, type, flags, seq, portid, exp->family, 0);
	for (unsigned int i = 0; i < exp->wire_n; i++) {
		uint8_t t = exp->wire_order[i];

		switch (t) {
		case CTA_EXPECT_MASTER:
			ctnl_put_tuple(&b, t, &exp->master, exp->family);
			break;
		case CTA_EXPECT_TUPLE:
			ctnl_put_tuple(&b, t, &exp->tuple, exp->family);
			break;
		case CTA_EXPECT_MASK:
			ctnl_put_tuple(&b, t, &exp->mask, exp->family);
			break;
		case CTA_EXPECT_TIMEOUT:
			nlb_u32be(&b, t, exp->timeout);
			break;
		case CTA_EXPECT_ID:
			nlb_u32be(&b, t, exp->id);
			break;
		case CTA_EXPECT_FLAGS:
			nlb_u32be(&b, t, exp->flags);
			break;
		case CTA_EXPECT_CLASS:
			nlb_u32be(&b, t, exp->class);
			break;
		case CTA_EXPECT_ZONE:
			nlb_u16be(&b, t, exp->zone);
			break;
		case CTA_EXPECT_HELP_NAME:
			nlb_str(&b, t, exp->helper);
			break;
		case CTA_EXPECT_FN:
			nlb_str(&b, t, exp->fn);
			break;
		case CTA_EXPECT_NAT:
			n = nlb_nest(&b, t);
			nlb_u32be(&b, CTA_EXPECT_NAT_DIR, exp->nat.dir);
			ctnl_put_tuple(&b, CTA_EXPECT_NAT_TUPLE, &exp->nat.tuple, exp->family);
			nlb_nest_end(&b, n);
			break;
		}
	}
	return nlb_end(&b);
}
