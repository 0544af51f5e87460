/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conntrack model: one struct per entry, host-order integers, a present bitmap. */
#ifndef CTBOX_PROTO_CT_H
#define CTBOX_PROTO_CT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * Which fields of a struct ct carry a value. Printers and encoders test
 * these bits; a field whose bit is clear is garbage and must not be read.
 * The order here is not an output order: printers own that.
 */
enum ct_attr {
	CT_ORIG, /* ct.orig tuple has data (see tuple.present) */
	CT_REPLY,
	CT_MASTER, /* tuple of the master conntrack (expected entries) */
	CT_STATUS,
	CT_STATUS_MASK, /* dump filter / update mask only */
	CT_TIMEOUT,
	CT_MARK,
	CT_MARK_MASK, /* dump filter / update mask only */
	CT_SECMARK,
	CT_SECCTX,
	CT_USE,
	CT_ID,
	CT_ZONE, /* CTA_ZONE: the entry's zone */
	CT_TCP_STATE,
	CT_TCP_WSCALE_ORIG,
	CT_TCP_WSCALE_REPLY,
	CT_TCP_FLAGS_ORIG, /* flags + mask pair, see struct ct.tcp */
	CT_TCP_FLAGS_REPLY,
	CT_SCTP_STATE,
	CT_SCTP_VTAG_ORIG,
	CT_SCTP_VTAG_REPLY,
	CT_DCCP_STATE,
	CT_DCCP_ROLE,
	CT_DCCP_HSEQ,
	CT_HELPER,
	CT_COUNTERS_ORIG,
	CT_COUNTERS_REPLY,
	CT_TS_START,
	CT_TS_STOP,
	CT_TS_EVENT, /* CTA_TIMESTAMP_EVENT (newer kernels) */
	CT_LABELS,
	CT_LABELS_MASK,
	CT_SEQADJ_ORIG,
	CT_SEQADJ_REPLY,
	CT_SYNPROXY,
	CT_NAT_SRC, /* create: request SNAT (struct ct.snat) */
	CT_NAT_DST, /* create: request DNAT (struct ct.dnat) */
	CT_ATTR_MAX
};

/* Bits of struct ct_tuple.present. */
enum ct_tuple_field {
	CT_T_SRC = 1 << 0, /* l3 source address */
	CT_T_DST = 1 << 1,
	CT_T_PROTO = 1 << 2, /* l4 protocol number */
	CT_T_SPORT = 1 << 3, /* port, or GRE key (kernel sends keys as ports) */
	CT_T_DPORT = 1 << 4,
	CT_T_ICMP_ID = 1 << 5, /* ICMP and ICMPv6 share these three */
	CT_T_ICMP_TYPE = 1 << 6,
	CT_T_ICMP_CODE = 1 << 7,
	CT_T_ZONE = 1 << 8, /* CTA_TUPLE_ZONE: directional zone */
};

union ct_addr {
	uint32_t v4;	/* network byte order: an address is bytes */
	uint32_t v6[4]; /* network byte order */
	uint8_t b[16];
};

struct ct_tuple {
	uint16_t present; /* enum ct_tuple_field */
	uint8_t l3;	  /* AF_INET or AF_INET6 (0 if unknown) */
	uint8_t l4;	  /* IPPROTO_* */
	union ct_addr src, dst;
	uint16_t sport, dport; /* host order; GRE keys live here too */
	uint16_t icmp_id;      /* host order */
	uint8_t icmp_type, icmp_code;
	uint16_t zone; /* host order */
};

struct ct_counters {
	uint64_t packets, bytes;
};

struct ct_seqadj {
	uint32_t correction_pos, offset_before, offset_after;
};

/* A NAT request for create: address range and port range. */
struct ct_nat {
	union ct_addr min_ip, max_ip;
	uint16_t min_port, max_port; /* host order, 0 = no port */
	uint8_t l3;		     /* AF_INET or AF_INET6 */
	uint8_t has_port;
};

#define CT_LABELS_BYTES 16 /* the kernel's label area is 128 bits */
#define CT_HELPER_LEN 32   /* NF_CT_HELPER_NAME_LEN is 16; room for odd kernels */
#define CT_SECCTX_LEN 64
#define CT_WIRE_MAX 32 /* > number of top-level CTA_* types */

struct ct {
	uint64_t present; /* bitmap of 1 << enum ct_attr */
	uint8_t family;	  /* nfgen_family of the message (AF_*) */
	struct ct_tuple orig, reply, master;
	uint32_t status, status_mask;
	uint32_t timeout;
	uint32_t mark, mark_mask;
	uint32_t secmark;
	uint32_t use;
	uint32_t id;
	uint16_t zone;
	struct {
		uint8_t state;
		uint8_t wscale_orig, wscale_reply;
		uint8_t flags_orig, mask_orig; /* nf_ct_tcp_flags: flags, mask */
		uint8_t flags_reply, mask_reply;
	} tcp;
	struct {
		uint8_t state;
		uint32_t vtag_orig, vtag_reply;
	} sctp;
	struct {
		uint8_t state, role;
		uint64_t handshake_seq;
	} dccp;
	struct ct_counters cnt_orig, cnt_reply;
	uint64_t ts_start, ts_stop, ts_event; /* nanoseconds */
	/* Bit N is labels[N / 8] & (1 << N % 8) on every host; the kernel's array of longs
	 * is converted in proto/ (ctnl_labels_conv). */
	uint8_t labels[CT_LABELS_BYTES];
	uint8_t labels_mask[CT_LABELS_BYTES];
	uint8_t labels_len; /* bytes the kernel sent (<= CT_LABELS_BYTES) */
	struct ct_seqadj seqadj_orig, seqadj_reply;
	struct {
		uint32_t its, isn,
			tsoff; /* the sync wire's order (one table entry decodes all three) */
	} synproxy;
	struct ct_nat snat, dnat;
	char helper[CT_HELPER_LEN];
	char secctx[CT_SECCTX_LEN];
	/*
	 * How the kernel laid out a parsed message, so ctnl_encode_ct_full can
	 * give back the same bytes. Filled by ctnl_parse_ct; builders ignore it.
	 */
	uint8_t wire_order[CT_WIRE_MAX]; /* top-level CTA_* types, arrival order */
	uint8_t wire_n;
	uint8_t wire_flags; /* CT_WIRE_* */
	uint8_t wire_pad;   /* 0: no 64-bit pad attrs seen; else 1 + message offset mod 8 */
};

/* Bits of struct ct.wire_flags. */
enum {
	CT_WIRE_CNT32_ORIG = 1 << 0, /* counters came as CTA_COUNTERS32_* */
	CT_WIRE_CNT32_REPLY = 1 << 1,
};

static inline bool ct_has(const struct ct *ct, enum ct_attr a)
{
	return ct->present & (UINT64_C(1) << a);
}

static inline void ct_set(struct ct *ct, enum ct_attr a)
{
	ct->present |= UINT64_C(1) << a;
}

static inline void ct_unset(struct ct *ct, enum ct_attr a)
{
	ct->present &= ~(UINT64_C(1) << a);
}

/* Set label bit (< CT_LABELS_BYTES * 8) in a model bitmap (struct ct's labels layout). */
static inline void ct_label_set(uint8_t *labels, unsigned int bit)
{
	labels[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* Status bits (kernel enum ip_conntrack_status), kept here so printers need no kernel header. */
enum {
	CT_IPS_EXPECTED = 1 << 0,
	CT_IPS_SEEN_REPLY = 1 << 1,
	CT_IPS_ASSURED = 1 << 2,
	CT_IPS_CONFIRMED = 1 << 3,
	CT_IPS_SRC_NAT = 1 << 4,
	CT_IPS_DST_NAT = 1 << 5,
	CT_IPS_SEQ_ADJUST = 1 << 6,
	CT_IPS_SRC_NAT_DONE = 1 << 7,
	CT_IPS_DST_NAT_DONE = 1 << 8,
	CT_IPS_DYING = 1 << 9,
	CT_IPS_FIXED_TIMEOUT = 1 << 10,
	CT_IPS_TEMPLATE = 1 << 11,
	CT_IPS_UNTRACKED = 1 << 12,
	CT_IPS_HELPER = 1 << 13,
	CT_IPS_OFFLOAD = 1 << 14,
	CT_IPS_HW_OFFLOAD = 1 << 15,
};

/* Message kinds a ct can come from (events, or plain dump/get). */
enum ct_msg {
	CT_MSG_UNKNOWN = 0,
	CT_MSG_NEW,
	CT_MSG_UPDATE,
	CT_MSG_DESTROY,
};

/* An expectation (the expect table). */
struct ct_exp {
	uint32_t present; /* bitmap of 1 << enum ct_exp_attr */
	uint8_t family;
	struct ct_tuple master, tuple, mask;
	uint32_t timeout;
	uint32_t id;
	uint16_t zone;
	uint32_t flags;
	uint32_t class;
	char helper[CT_HELPER_LEN];
	char fn[CT_HELPER_LEN];
	struct {
		uint32_t dir;
		struct ct_tuple tuple;
	} nat;
	/* Layout of a parsed message for ctnl_encode_exp_full (see struct ct). */
	uint8_t wire_order[16];
	uint8_t wire_n;
};

enum ct_exp_attr {
	CT_EXP_MASTER,
	CT_EXP_TUPLE,
	CT_EXP_MASK,
	CT_EXP_TIMEOUT,
	CT_EXP_ID,
	CT_EXP_HELPER,
	CT_EXP_ZONE,
	CT_EXP_FLAGS,
	CT_EXP_CLASS,
	CT_EXP_NAT,
	CT_EXP_FN,
};

static inline bool ct_exp_has(const struct ct_exp *e, enum ct_exp_attr a)
{
	return e->present & (UINT32_C(1) << a);
}

static inline void ct_exp_set(struct ct_exp *e, enum ct_exp_attr a)
{
	e->present |= UINT32_C(1) << a;
}

/* Expectation flags (NF_CT_EXPECT_*). */
enum {
	CT_EXPF_PERMANENT = 1 << 0,
	CT_EXPF_INACTIVE = 1 << 1,
	CT_EXPF_USERSPACE = 1 << 2,
};

/* Per-cpu statistics as dumped by GET_STATS_CPU; which counters came is in present. */
#define CT_STATS_MAX 24
struct ct_stats {
	uint16_t cpu;
	uint32_t present;	     /* bit i: value[i] carries attribute type i */
	uint8_t order[CT_STATS_MAX]; /* attribute types in the order they arrived */
	uint8_t n;
	uint32_t value[CT_STATS_MAX];
};

#endif
