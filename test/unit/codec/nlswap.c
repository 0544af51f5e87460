// SPDX-License-Identifier: GPL-2.0-or-later
/* Test helper: netlink streams captured on a host of the other byte order, to this host's. */
#include <byteswap.h>
#include <stddef.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "nlswap.h"

static void swap16(uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	v = bswap_16(v);
	memcpy(p, &v, sizeof(v));
}

static void swap32(uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	v = bswap_32(v);
	memcpy(p, &v, sizeof(v));
}

static void swap_nlmsghdr(uint8_t *p)
{
	swap32(p + offsetof(struct nlmsghdr, nlmsg_len));
	swap16(p + offsetof(struct nlmsghdr, nlmsg_type));
	swap16(p + offsetof(struct nlmsghdr, nlmsg_flags));
	swap32(p + offsetof(struct nlmsghdr, nlmsg_seq));
	swap32(p + offsetof(struct nlmsghdr, nlmsg_pid));
}

/* The kernel's label bitmap is an array of longs in its host order: swap each long. */
static void swap_longs(uint8_t *p, size_t len)
{
	const size_t w = sizeof(unsigned long);

	for (size_t i = 0; i + w <= len; i += w) {
		for (size_t j = 0; j < w / 2; j++) {
			uint8_t t = p[i + j];

			p[i + j] = p[i + w - 1 - j];
			p[i + w - 1 - j] = t;
		}
	}
}

/*
 * Attribute headers at p..p+len to host order, nests (NLA_F_NESTED) included. ct_top:
 * these are a conntrack message's top-level attributes, whose label bitmaps are in the
 * capturing kernel's order too.
 */
static int swap_attrs(uint8_t *p, size_t len, int ct_top)
{
	const size_t hdrlen = NLA_HDRLEN;

	while (len >= hdrlen) {
		struct nlattr a;
		size_t step;

		swap16(p + offsetof(struct nlattr, nla_len));
		swap16(p + offsetof(struct nlattr, nla_type));
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < hdrlen || a.nla_len > len)
			return -1;
		if ((a.nla_type & NLA_F_NESTED) && swap_attrs(p + hdrlen, a.nla_len - hdrlen, 0))
			return -1;
		if (ct_top && ((a.nla_type & NLA_TYPE_MASK) == CTA_LABELS ||
			       (a.nla_type & NLA_TYPE_MASK) == CTA_LABELS_MASK))
			swap_longs(p + hdrlen, a.nla_len - hdrlen);
		step = NLA_ALIGN((size_t)a.nla_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/*
 * Netlink message and attribute headers are in the byte order of the host that captured
 * the stream (the kernel's own), attribute payloads in network order except the label
 * bitmaps (longs in host order). A stream captured on a host of the other byte order
 * (little-endian x86 captures replayed on big-endian MIPS) gets those swapped in place,
 * the other payloads untouched: what this host's kernel would have sent. Assumes the
 * capturing kernel's long was this host's. Returns 0, or -1 if the stream does not parse.
 */
int nlswap_stream(uint8_t *data, size_t len)
{
	size_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		uint8_t *p = data + off;
		struct nlmsghdr h;

		swap_nlmsghdr(p);
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off)
			return -1;
		if (h.nlmsg_type == NLMSG_ERROR &&
		    h.nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr)) {
			swap32(p + NLMSG_HDRLEN + offsetof(struct nlmsgerr, error));
			swap_nlmsghdr(p + NLMSG_HDRLEN + offsetof(struct nlmsgerr, msg));
		} else if (h.nlmsg_type == NLMSG_DONE &&
			   h.nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
			swap32(p + NLMSG_HDRLEN);
		} else if (h.nlmsg_type >= NLMSG_MIN_TYPE) {
			size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));

			if (h.nlmsg_len < hdr ||
			    swap_attrs(p + hdr, h.nlmsg_len - hdr,
				       h.nlmsg_type >> 8 == NFNL_SUBSYS_CTNETLINK))
				return -1;
		}
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off > len)
			break;
	}
	return 0;
}

int nlswap_foreign(const uint8_t *data, size_t len)
{
	uint32_t n;

	if (len < sizeof(n))
		return 0;
	memcpy(&n, data, sizeof(n));
	if (n >= NLMSG_HDRLEN && n <= len)
		return 0;
	n = bswap_32(n);
	return n >= NLMSG_HDRLEN && n <= len;
}
