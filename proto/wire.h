/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd sync wire protocol, version 1: header, control messages, ct/exp attributes. */
#ifndef CTBOX_PROTO_WIRE_H
#define CTBOX_PROTO_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ct;
struct ct_exp;

#define WIRE_VERSION 1
#define WIRE_HDR_LEN 8	/* state messages and ALIVE */
#define WIRE_CTL_LEN 16 /* ACK, NACK, RESYNC: header + from + to */

/* Message types (low nibble of byte 0). */
enum wire_type {
	WIRE_CT_NEW = 0,
	WIRE_CT_UPD = 1,
	WIRE_CT_DEL = 2,
	WIRE_EXP_NEW = 3,
	WIRE_EXP_UPD = 4,
	WIRE_EXP_DEL = 5,
	WIRE_CTL = 10,
};

/* Flags (byte 1). */
enum wire_flag {
	WIRE_F_UNUSED = 0x01,
	WIRE_F_RESYNC = 0x02,
	WIRE_F_NACK = 0x04,
	WIRE_F_ACK = 0x08,
	WIRE_F_ALIVE = 0x10,
	WIRE_F_HELLO = 0x20,
	WIRE_F_HELLO_BACK = 0x40,
};

/* A message header in host order; from/to only for ACK, NACK and RESYNC. */
struct wire_hdr {
	uint8_t version;
	uint8_t type;
	uint8_t flags;
	uint16_t len;
	uint32_t seq;
	uint32_t from, to;
};

/* What wire_next found at the cursor (spec 2.5 steps 1-7). */
enum wire_rx {
	WIRE_RX_OK,	     /* *h holds the next message; the cursor moved past it */
	WIRE_RX_END,	     /* no bytes left */
	WIRE_RX_TRUNCATED,   /* stop: fewer bytes than a header needs */
	WIRE_RX_BAD_SIZE,    /* stop: len 0, shorter than its kind needs, or past the end */
	WIRE_RX_BAD_VERSION, /* skip this message (the cursor moved past it) and go on */
};

/* Conntrack attribute types (messages CT_NEW, CT_UPD, CT_DEL). */
enum wire_nta {
	WIRE_NTA_IPV4, /* orig src, dst */
	WIRE_NTA_IPV6,
	WIRE_NTA_L4PROTO,
	WIRE_NTA_PORT, /* orig sport, dport */
	WIRE_NTA_TCP_STATE,
	WIRE_NTA_STATUS,
	WIRE_NTA_TIMEOUT,
	WIRE_NTA_MARK,
	WIRE_NTA_MASTER_IPV4,
	WIRE_NTA_MASTER_IPV6,
	WIRE_NTA_MASTER_L4PROTO,
	WIRE_NTA_MASTER_PORT,
	WIRE_NTA_SNAT_IPV4,
	WIRE_NTA_DNAT_IPV4,
	WIRE_NTA_SPAT_PORT, /* little-endian (spec 3.1) */
	WIRE_NTA_DPAT_PORT, /* little-endian */
	WIRE_NTA_NAT_SEQ_ADJ,
	WIRE_NTA_SCTP_STATE,
	WIRE_NTA_SCTP_VTAG_ORIG,
	WIRE_NTA_SCTP_VTAG_REPL,
	WIRE_NTA_DCCP_STATE,
	WIRE_NTA_DCCP_ROLE,
	WIRE_NTA_ICMP_TYPE,
	WIRE_NTA_ICMP_CODE,
	WIRE_NTA_ICMP_ID, /* little-endian */
	WIRE_NTA_TCP_WSCALE_ORIG,
	WIRE_NTA_TCP_WSCALE_REPL,
	WIRE_NTA_HELPER_NAME,
	WIRE_NTA_LABELS,
	WIRE_NTA_SNAT_IPV6,
	WIRE_NTA_DNAT_IPV6,
	WIRE_NTA_SYNPROXY, /* its, isn, tsoff */
	WIRE_NTA_ZONE,
	WIRE_NTA_MAX
};

/* Expectation attribute types (messages EXP_NEW, EXP_UPD, EXP_DEL). */
enum wire_nta_exp {
	WIRE_NTA_EXP_MASTER_IPV4,
	WIRE_NTA_EXP_MASTER_IPV6,
	WIRE_NTA_EXP_MASTER_L4PROTO,
	WIRE_NTA_EXP_MASTER_PORT,
	WIRE_NTA_EXP_EXPECT_IPV4,
	WIRE_NTA_EXP_EXPECT_IPV6,
	WIRE_NTA_EXP_EXPECT_L4PROTO,
	WIRE_NTA_EXP_EXPECT_PORT,
	WIRE_NTA_EXP_MASK_IPV4,
	WIRE_NTA_EXP_MASK_IPV6,
	WIRE_NTA_EXP_MASK_L4PROTO,
	WIRE_NTA_EXP_MASK_PORT,
	WIRE_NTA_EXP_TIMEOUT,
	WIRE_NTA_EXP_FLAGS,
	WIRE_NTA_EXP_CLASS,
	WIRE_NTA_EXP_NAT_IPV4,
	WIRE_NTA_EXP_NAT_PORT,
	WIRE_NTA_EXP_NAT_L4PROTO,
	WIRE_NTA_EXP_NAT_DIR,
	WIRE_NTA_EXP_HELPER_NAME,
	WIRE_NTA_EXP_FN,
	WIRE_NTA_EXP_MAX
};

/* Serial-number order of sequence numbers (RFC 1982 style). */
static inline bool wire_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool wire_after(uint32_t a, uint32_t b)
{
	return wire_before(b, a);
}

/* True for ACK, NACK or RESYNC: the messages with a from/to tail. */
static inline bool wire_has_range(uint8_t type, uint8_t flags)
{
	return type == WIRE_CTL && (flags & (WIRE_F_ACK | WIRE_F_NACK | WIRE_F_RESYNC));
}

/*
 * Write a header at p: version 1, type, flags, len and seq (big-endian).
 * p needs WIRE_HDR_LEN bytes.
 */
void wire_hdr_put(uint8_t *p, uint8_t type, uint8_t flags, uint16_t len, uint32_t seq);

/* Write a 16-byte control message (ACK/NACK/RESYNC range) at p; returns WIRE_CTL_LEN. */
size_t wire_ctl_put(uint8_t *p, uint8_t flags, uint32_t seq, uint32_t from, uint32_t to);

/* Patch the seq and OR flags into a message built earlier (its first 8 bytes). */
void wire_hdr_stamp(uint8_t *p, uint32_t seq, uint8_t flags);

/*
 * Read the message at buf + *off of a datagram of len bytes into *h and
 * move *off past it (see enum wire_rx for what stops the walk). Never
 * reads outside buf[0..len).
 */
enum wire_rx wire_next(const uint8_t *buf, size_t len, size_t *off, struct wire_hdr *h);

/* Room that always holds one encoded conntrack / expectation message. */
#define WIRE_WORST_CT 304
#define WIRE_WORST_EXP 272

/* Options of the attribute encoders. */
enum {
	WIRE_ENC_NO_TIMEOUT = 1 << 0, /* the sender has CommitTimeout: no NTA_TIMEOUT */
	WIRE_ENC_WSCALE = 1 << 1,     /* TCPWindowTracking on: send the window scales */
};

/*
 * Encode a conntrack state message (type CT_NEW/UPD/DEL) at buf[room]:
 * header with seq 0 and flags 0 (the engine stamps them), then the
 * attributes in upstream's order. Returns the message length, -ENOSPC if
 * room is too small, -EINVAL if the entry has no original addresses or
 * type is not a conntrack type.
 *
 * NAT attributes follow ct_is_snat & co. on the reply tuple (none without
 * a reply tuple or a status); NAT ports only for TCP, UDP, SCTP and DCCP,
 * the protocols the wire carries ports for. A helper name longer than 11 characters is left out (upstream
 * receivers drop the whole message for it; a shortened name could name
 * another helper), as is an empty one. WIRE_WORST_CT bytes always suffice.
 */
int wire_put_ct(uint8_t *buf, size_t room, uint8_t type, const struct ct *ct, unsigned int opts);

/*
 * Same for an expectation (EXP_NEW/UPD/DEL); -EINVAL without master
 * addresses. Helper names over 11 and function names over 27 characters
 * are left out, for the same reason.
 */
int wire_put_exp(uint8_t *buf, size_t room, uint8_t type, const struct ct_exp *exp,
		 unsigned int opts);

/*
 * Decode the attributes of a conntrack DATA message (msg[len], header
 * included) into *ct (zeroed first): original tuple, status, timeout,
 * mark, zone, protocol info, master tuple, labels, helper, seqadj,
 * synproxy, and NAT as CT_NAT_SRC/CT_NAT_DST requests; no reply tuple.
 * ct->family comes from the address attribute. Returns 0 or -EBADMSG
 * (malformed payload, spec 3: the whole message is dropped).
 *
 * Beyond upstream: helper names of up to 15 characters (the kernel's
 * limit) are accepted where upstream refuses more than 11, a name
 * without a NUL inside its attribute is refused (upstream reads past
 * it), an empty name means no helper, label bits above 127 (the
 * kernel's label area) are dropped, and so are NAT ports of protocols
 * whose ports the wire does not carry (only TCP, UDP, SCTP and DCCP have
 * NTA_PORT): upstream sends 0 for ICMP entries, a libnetfilter_conntrack
 * 1.0.9 slip.
 */
int wire_get_ct(const uint8_t *msg, size_t len, struct ct *ct);

/*
 * Same for an expectation message into *exp (zeroed first); exp->family
 * comes from the master's address. Expectation function names of up to
 * 31 characters are accepted (upstream: 27).
 */
int wire_get_exp(const uint8_t *msg, size_t len, struct ct_exp *exp);

/*
 * Decode a DATA message (h and msg as wire_next and the engine gave them):
 * types CT_NEW..CT_DEL into *ct, EXP_NEW..EXP_DEL into *exp. Returns the
 * type, -EPROTO for a type above EXP_DEL (count "bad message type") or
 * -EBADMSG (count "malformed payload").
 */
int wire_get_data(const struct wire_hdr *h, const uint8_t *msg, struct ct *ct, struct ct_exp *exp);

#endif
