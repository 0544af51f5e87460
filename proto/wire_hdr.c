// SPDX-License-Identifier: GPL-2.0-or-later
/* Sync wire protocol: message headers, control messages and the datagram walk. */
#include "proto/wire.h"
#include "proto/wire_int.h"

void wire_hdr_put(uint8_t *p, uint8_t type, uint8_t flags, uint16_t len, uint32_t seq)
{
	p[0] = (uint8_t)(WIRE_VERSION << 4 | (type & 0x0f));
	p[1] = flags;
	wire_put16(p + 2, len);
	wire_put32(p + 4, seq);
}

size_t wire_ctl_put(uint8_t *p, uint8_t flags, uint32_t seq, uint32_t from, uint32_t to)
{
	wire_hdr_put(p, WIRE_CTL, flags, WIRE_CTL_LEN, seq);
	wire_put32(p + 8, from);
	wire_put32(p + 12, to);
	return WIRE_CTL_LEN;
}

void wire_hdr_stamp(uint8_t *p, uint32_t seq, uint8_t flags)
{
	p[1] |= flags;
	wire_put32(p + 4, seq);
}

enum wire_rx wire_next(const uint8_t *buf, size_t len, size_t *off, struct wire_hdr *h)
{
	const uint8_t *p = buf + *off;
	size_t left = len - *off;

	if (*off >= len)
		return WIRE_RX_END;
	if (left < WIRE_HDR_LEN)
		return WIRE_RX_TRUNCATED;
	h->version = p[0] >> 4;
	h->type = p[0] & 0x0f;
	h->flags = p[1];
	h->len = wire_get16(p + 2);
	h->seq = wire_get32(p + 4);
	h->from = h->to = 0;
	if (h->len == 0 || h->len > left)
		return WIRE_RX_BAD_SIZE;
	/* Upstream tests the room for the tail before the length: keep its counters. */
	if (wire_has_range(h->type, h->flags)) {
		if (left < WIRE_CTL_LEN)
			return WIRE_RX_TRUNCATED;
		if (h->len < WIRE_CTL_LEN)
			return WIRE_RX_BAD_SIZE;
		h->from = wire_get32(p + 8);
		h->to = wire_get32(p + 12);
	} else if (h->len < WIRE_HDR_LEN) {
		return WIRE_RX_BAD_SIZE;
	}
	*off += h->len;
	if (h->version != WIRE_VERSION)
		return WIRE_RX_BAD_VERSION;
	return WIRE_RX_OK;
}
