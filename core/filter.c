// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's Filter { Protocol, Address, State }: which conntracks the daemon handles. */
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/cfg.h"
#include "core/filter.h"

static bool prefix_match(const struct cfg_net *n, uint8_t l3, const union ct_addr *a)
{
	unsigned int bits = n->prefix, i;

	if (n->family != l3)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a->b[i] != n->addr.b[i])
			return false;
	if (bits) {
		uint8_t m = (uint8_t)(0xff << (8 - bits));

		if ((a->b[i] & m) != (n->addr.b[i] & m))
			return false;
	}
	return true;
}

static bool addr_listed(const struct cfg_filter *f, uint8_t l3, const struct ct_tuple *t)
{
	if (!(t->present & CT_T_SRC))
		return false;
	for (unsigned int i = 0; i < f->n_nets; i++)
		if (prefix_match(&f->nets[i], l3, &t->src))
			return true;
	return false;
}

bool filter_ct(const struct cfg_filter *f, const struct ct *ct)
{
	uint8_t l3 = ct->orig.l3 ? ct->orig.l3 : ct->family;

	if (f->has_proto) {
		uint8_t p = ct->orig.l4;
		bool hit = f->protos[p >> 3] & (1u << (p & 7));

		if (hit == f->proto_ignore)
			return false;
	}
	if (f->has_addr) {
		bool hit = addr_listed(f, l3, &ct->orig) ||
			   (ct_has(ct, CT_REPLY) && addr_listed(f, l3, &ct->reply));

		if (hit == f->addr_ignore)
			return false;
	}
	if (f->has_state && ct->orig.l4 == 6 && ct_has(ct, CT_TCP_STATE)) {
		bool hit = ct->tcp.state < 16 && (f->tcp_states & (1u << ct->tcp.state));

		if (hit == f->state_ignore)
			return false;
	}
	return true;
}

bool filter_exp_helper(const char (*list)[16], unsigned int n, const struct ct_exp *e)
{
	if (!n)
		return true;
	if (!ct_exp_has(e, CT_EXP_HELPER))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (!strncasecmp(e->helper, list[i], strnlen(list[i], 16)))
			return true;
	return false;
}
