// SPDX-License-Identifier: GPL-2.0-or-later
/* Wire tests: rebuild the conntrack a sender had from what the receiver decoded. */
#include "proto/ct.h"
#include "proto/ct_tuple.h"
#include "sender.h"

void wire_test_sender(struct ct *ct)
{
	struct ct_tuple *r = &ct->reply;

	if (!ct_has(ct, CT_NAT_SRC) && !ct_has(ct, CT_NAT_DST))
		return;
	ct_tuple_invert(r, &ct->orig);
	if (ct_has(ct, CT_NAT_SRC)) {
		if (ct->snat.l3)
			r->dst = ct->snat.min_ip;
		if (ct->snat.has_port) {
			r->dport = ct->snat.min_port;
			r->present |= CT_T_DPORT;
		}
	}
	if (ct_has(ct, CT_NAT_DST)) {
		if (ct->dnat.l3)
			r->src = ct->dnat.min_ip;
		if (ct->dnat.has_port) {
			r->sport = ct->dnat.min_port;
			r->present |= CT_T_SPORT;
		}
	}
	ct_set(ct, CT_REPLY);
}
