/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proto-internal pieces shared by the ctnetlink parser and encoders. */
#ifndef CTBOX_PROTO_CTNL_INT_H
#define CTBOX_PROTO_CTNL_INT_H

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "proto/ct.h"
#include "proto/nla.h"

/* Newer than Debian 12's uapi headers (kernel 6.14): the event time of an entry. */
#define CTNL_CTA_TIMESTAMP_EVENT 27
#define CTNL_CTA_MAX 27

/* Tuple as the kernel lays it out: IP nest, PROTO nest, optional zone. l3 picks v4/v6 attributes.
 */
void ctnl_put_tuple_body(struct nlb *b, const struct ct_tuple *t, uint8_t l3);
void ctnl_put_tuple(struct nlb *b, uint16_t type, const struct ct_tuple *t, uint8_t l3);
/* The nests requests and the byte-exact re-encoder share (ctnl.c). wire_pad: see struct ct. */
void ctnl_put64(struct nlb *b, uint16_t type, uint64_t v, uint16_t padtype, uint8_t wire_pad);
void ctnl_put_nat(struct nlb *b, uint16_t type, const struct ct_nat *nat);
void ctnl_put_protoinfo(struct nlb *b, const struct ct *ct);
void ctnl_put_u32_triple(struct nlb *b, uint16_t type, uint32_t x, uint32_t y, uint32_t z);
void ctnl_put_strnest(struct nlb *b, uint16_t type, uint16_t sub, const char *s, int has);
/*
 * Label bitmaps: the kernel sends and takes its array of unsigned long (bit N in word
 * N / BITS_PER_LONG, host order); the model keeps bit N in byte N / 8. Converts len bytes
 * either way (dst and src must not overlap); a partial last word is copied as is.
 */
void ctnl_labels_conv(uint8_t *dst, const uint8_t *src, size_t len);
/* CTA_LABELS or CTA_LABELS_MASK from the model's bitmap (at most CT_LABELS_BYTES). */
void ctnl_put_labels(struct nlb *b, uint16_t type, const uint8_t *bits, size_t len);

#endif
