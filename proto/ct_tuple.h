/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tuple rules shared by the CLI and the daemon: the reply direction and NAT tests. */
#ifndef CTBOX_PROTO_CT_TUPLE_H
#define CTBOX_PROTO_CT_TUPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/ct.h"

/*
 * The ICMP (l4 1) or ICMPv6 (l4 58) type the kernel expects in the reply
 * tuple of a query type (echo 8 -> 0, ...); 255 when the type has none.
 */
uint8_t ct_icmp_reply_type(uint8_t l4, uint8_t type);

/*
 * to = from seen from the other side: addresses and ports swapped, protocol
 * and family kept, ICMP type mapped by ct_icmp_reply_type with code and id
 * kept. The directional zone is not copied (to's zone is left alone).
 */
void ct_tuple_invert(struct ct_tuple *to, const struct ct_tuple *from);

/*
 * NAT as libnetfilter_conntrack decides it from status and tuples: an entry
 * without a status attribute counts as NAT'ed; SNAT when SRC_NAT_DONE and the
 * reply destination differs from the original source, DNAT likewise with
 * DST_NAT_DONE and the reply source; the *pat tests compare the ports.
 */
bool ct_is_snat(const struct ct *ct);
bool ct_is_dnat(const struct ct *ct);
bool ct_is_spat(const struct ct *ct);
bool ct_is_dpat(const struct ct *ct);

#endif
