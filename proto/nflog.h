/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nfnetlink_log (NFLOG): the request that binds a log group, and the flow of a logged packet. No I/O. */
#ifndef CTBOX_PROTO_NFLOG_H
#define CTBOX_PROTO_NFLOG_H

#include <stddef.h>
#include <stdint.h>

#include "proto/ct.h"

struct nlmsghdr;

/* Bytes of each packet to ask for: an IPv6 header, a few extension headers and the ports. */
#define NFLOG_COPY_RANGE 128

/*
 * The config request for group: bind (bind = 1) with copy mode "packet",
 * NFLOG_COPY_RANGE bytes, one message per packet, or unbind (bind = 0).
 * NLM_F_ACK is set. Returns the length, or -ENOSPC.
 */
int nflog_build_bind(void *buf, size_t len, uint16_t group, int bind, uint32_t seq);

/*
 * The flow of a logged packet, as the packet shows it (its own direction):
 * addresses, protocol, ports, or ICMP type, code and id; zone 0. Returns
 * 0, -ENOMSG for a message that is not a logged packet, -EINVAL for a
 * malformed one, -EPROTONOSUPPORT when no flow can be read from it (not
 * IP, a later fragment, a header cut off by the copy range, an ICMP error).
 */
int nflog_parse(const struct nlmsghdr *nlh, struct ct_tuple *t);

#endif
