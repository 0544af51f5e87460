/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctnetlink codec: conntrack/expect netlink messages <-> struct ct / struct ct_exp. No I/O. */
#ifndef CTBOX_PROTO_CTNL_H
#define CTBOX_PROTO_CTNL_H

#include <stddef.h>
#include <stdint.h>
#include "proto/ct.h"

struct nlmsghdr;

/* nfnetlink subsystems and message types (kept here so callers need no kernel header). */
enum {
	CTNL_SUBSYS_CT = 1,
	CTNL_SUBSYS_EXP = 2,
};
enum {
	CTNL_MSG_CT_NEW = 0,
	CTNL_MSG_CT_GET = 1,
	CTNL_MSG_CT_DELETE = 2,
	CTNL_MSG_CT_GET_CTRZERO = 3,
	CTNL_MSG_CT_GET_STATS_CPU = 4,
	CTNL_MSG_CT_GET_STATS = 5,
	CTNL_MSG_CT_GET_DYING = 6,
	CTNL_MSG_CT_GET_UNCONFIRMED = 7,
};
enum {
	CTNL_MSG_EXP_NEW = 0,
	CTNL_MSG_EXP_GET = 1,
	CTNL_MSG_EXP_DELETE = 2,
	CTNL_MSG_EXP_GET_STATS_CPU = 3,
};

/*
 * Kernel-side dump filter. Fields are sent only when their flag is set.
 * CTA_FILTER tuple filters: orig/reply hold the values, *_flags say which
 * tuple fields the kernel must compare (CTA_FILTER_FLAG_* bits of the kernel).
 */
enum {
	CTNL_F_MARK = 1 << 0,	/* CTA_MARK + CTA_MARK_MASK */
	CTNL_F_STATUS = 1 << 1, /* CTA_STATUS + CTA_STATUS_MASK */
	CTNL_F_ZONE = 1 << 2,	/* CTA_ZONE */
	CTNL_F_TUPLE = 1 << 3,	/* CTA_TUPLE_ORIG/REPLY + CTA_FILTER */
};
/* Bits of ctnl_filter.orig_flags/reply_flags (the kernel's CTA_FILTER_F_*). */
enum {
	CTNL_FF_IP_SRC = 1 << 0,
	CTNL_FF_IP_DST = 1 << 1,
	CTNL_FF_TUPLE_ZONE = 1 << 2,
	CTNL_FF_PROTO_NUM = 1 << 3,
	CTNL_FF_PROTO_SRC_PORT = 1 << 4, /* kernel compares ports for TCP and UDP only */
	CTNL_FF_PROTO_DST_PORT = 1 << 5,
	CTNL_FF_ICMP_TYPE = 1 << 6,
	CTNL_FF_ICMP_CODE = 1 << 7,
	CTNL_FF_ICMP_ID = 1 << 8,
	CTNL_FF_ICMPV6_TYPE = 1 << 9,
	CTNL_FF_ICMPV6_CODE = 1 << 10,
	CTNL_FF_ICMPV6_ID = 1 << 11,
	CTNL_FF_ALL = (1 << 12) - 1,
};
struct ctnl_filter {
	uint32_t flags;
	uint32_t mark, mark_mask;
	uint32_t status, status_mask;
	uint16_t zone;
	struct ct_tuple orig, reply;	  /* values for CTNL_F_TUPLE */
	uint32_t orig_flags, reply_flags; /* CTA_FILTER_ORIG_FLAGS / _REPLY_FLAGS */
};

/*
 * Parse one conntrack message (nfgenmsg + attributes) into *ct (zeroed
 * first). *kind gets NEW/UPDATE/DESTROY for event messages, from type and
 * NLM_F_CREATE (a dump entry is a NEW without CREATE, so it reads UPDATE);
 * may be NULL. Unknown attributes are skipped. nlh must have nlmsg_len
 * readable bytes (what mnl_nlmsg_ok checks); everything inside is distrusted.
 * Also records the wire layout in ct->wire_* for ctnl_encode_ct_full.
 * Returns 0, -EPROTO for another subsystem, or -EINVAL/-ERANGE on malformed
 * input (no out-of-bounds read whatever the bytes).
 */
int ctnl_parse_ct(const struct nlmsghdr *nlh, struct ct *ct, enum ct_msg *kind);

/* As ctnl_parse_ct for an expectation message. */
int ctnl_parse_exp(const struct nlmsghdr *nlh, struct ct_exp *exp, enum ct_msg *kind);

/*
 * Parse one GET_STATS_CPU reply (ct or exp: the kernel answers expectation
 * stats with subsystem 1 too): res_id is the cpu, counters land in value[type]
 * and their types in arrival order in order[]. Returns 0 or -errno as above.
 */
int ctnl_parse_stats_cpu(const struct nlmsghdr *nlh, struct ct_stats *st);

/* Parse a GET_STATS reply: global entry count and max (0 if not sent; max_entries may be NULL). -EPROTO without a count. */
int ctnl_parse_stats_global(const struct nlmsghdr *nlh, uint32_t *entries, uint32_t *max_entries);

/*
 * Re-encode a parsed entry exactly as the kernel laid it out (attribute
 * order from ct->wire_order, counter width, 64-bit padding), with the given
 * nlmsghdr fields. For an entry from ctnl_parse_ct of a kernel message, the
 * result equals the original bytes. Returns the length, -ENOSPC, or -EINVAL.
 */
int ctnl_encode_ct_full(void *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq,
			uint32_t portid, const struct ct *ct);
int ctnl_encode_exp_full(void *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq,
			 uint32_t portid, const struct ct_exp *exp);

/*
 * Builders write one complete request (nlmsghdr + nfgenmsg + attrs) at buf.
 * nlmsg_type = subsys << 8 | msg; flags get NLM_F_REQUEST added.
 * Return the message length, or -ENOSPC if len is too small, -EINVAL if
 * the object lacks what the request needs (e.g. no original l3 family).
 */
/*
 * Dump request (CT_GET, GET_CTRZERO, GET_DYING, GET_UNCONFIRMED) with
 * NLM_F_DUMP and the filter attributes f selects (f may be NULL). A tuple
 * filter needs family AF_INET or AF_INET6 (the kernel reads the tuple in
 * that family) and, for any port/icmp flag, CTNL_FF_PROTO_NUM: -EINVAL
 * otherwise, as the kernel would refuse it.
 */
int ctnl_build_dump(void *buf, size_t len, uint16_t msg, uint8_t family, uint32_t seq,
		    const struct ctnl_filter *f);
/*
 * Filtered flush: DELETE without a tuple, with ACK; the kernel deletes every
 * entry that passes f (the dump filter's semantics) in one request. Same
 * rules for f as ctnl_build_dump.
 */
int ctnl_build_flush(void *buf, size_t len, uint8_t family, uint32_t seq,
		     const struct ctnl_filter *f);
/*
 * NEW (create/update), GET or DELETE of one conntrack: every present
 * attribute a request can carry (tuples with zones, status, timeout, mark,
 * mark mask, protoinfo, NAT, zone, labels and mask, id, helper, seqadj,
 * synproxy). Status is sent as given: a create on current kernels is
 * refused with EBUSY unless it carries CT_IPS_CONFIRMED, so the caller ORs
 * that in. -EINVAL if the original tuple or its l3 family is missing.
 */
int ctnl_build_ct(void *buf, size_t len, uint16_t msg, uint16_t flags, uint8_t family, uint32_t seq,
		  const struct ct *ct);
/* Message with no attributes (flush, stats, global stats). */
int ctnl_build_simple(void *buf, size_t len, uint8_t subsys, uint16_t msg, uint16_t flags,
		      uint8_t family, uint32_t seq);
/* NEW / GET / DELETE of one expectation. */
int ctnl_build_exp(void *buf, size_t len, uint16_t msg, uint16_t flags, uint8_t family,
		   uint32_t seq, const struct ct_exp *exp);

#endif
