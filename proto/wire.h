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
#define WIRE_HDR_LEN 8		/* state messages and ALIVE */
#define WIRE_CTL_LEN 16		/* ACK, NACK, RESYNC: header + from + to */

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
	WIRE_RX_OK,		/* *h holds the next message; the cursor moved past it */
	WIRE_RX_END,		/* no bytes left */
	WIRE_RX_TRUNCATED,	/* stop: fewer bytes than a header needs */
	WIRE_RX_BAD_SIZE,	/* stop: len 0, shorter than its kind needs, or past the end */
	WIRE_RX_BAD_VERSION,	/* skip this message (the cursor moved past it) and go on */
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

/* Options of the attribute encoders. */
enum {
	WIRE_ENC_NO_TIMEOUT = 1 << 0,	/* the sender has CommitTimeout: no NTA_TIMEOUT */
	WIRE_ENC_WSCALE = 1 << 1,	/* TCPWindowTracking on: send the window scales */
};

/*
 * Encode a conntrack state message (type CT_NEW/UPD/DEL) at buf[room]:
 * header with seq 0 and flags 0 (the engine stamps them), then the
 * attributes in upstream's order. Returns the message length, -ENOSPC if
 * room is too small, -EINVAL if the entry has no original tuple.
 */
int wire_put_ct(uint8_t *buf, size_t room, uint8_t type, const struct ct *ct, unsigned int opts);

/* Same for an expectation (EXP_NEW/UPD/DEL). */
int wire_put_exp(uint8_t *buf, size_t room, uint8_t type, const struct ct_exp *exp,
		 unsigned int opts);

/*
 * Decode the attributes of a conntrack DATA message (msg[len], header
 * included) into *ct (zeroed first): original tuple, status, timeout,
 * mark, zone, protocol info, master tuple, labels, helper, seqadj,
 * synproxy, and NAT as CT_NAT_SRC/CT_NAT_DST requests; no reply tuple.
 * Returns 0 or -EBADMSG (malformed payload, spec 3).
 */
int wire_get_ct(const uint8_t *msg, size_t len, struct ct *ct);

/* Same for an expectation message. */
int wire_get_exp(const uint8_t *msg, size_t len, struct ct_exp *exp);

#endif
