// SPDX-License-Identifier: GPL-2.0-or-later
/* Tuple rules shared by the CLI and the daemon: the reply direction and NAT tests. */
#include <string.h>
#include <sys/socket.h>

#include "proto/ct_tuple.h"

/* Query type -> reply type + 1 (0: no reply type), ICMPv4 only; v6 is a switch. */
static const uint8_t icmp_reply4[] = {
	[0] = 8 + 1,   [8] = 0 + 1,   [13] = 14 + 1, [14] = 13 + 1,
	[15] = 16 + 1, [16] = 15 + 1, [17] = 18 + 1, [18] = 17 + 1,
};

uint8_t ct_icmp_reply_type(uint8_t l4, uint8_t type)
{
	if (l4 == 1)
		return type < sizeof(icmp_reply4) && icmp_reply4[type] ? icmp_reply4[type] - 1
								       : 255;
	switch (type) {
	case 128:
		return 129;
	case 129:
		return 128;
	case 139:
		return 140;
	case 140:
		return 139;
	default:
		return 255;
	}
}

void ct_tuple_invert(struct ct_tuple *to, const struct ct_tuple *from)
{
	uint16_t zone = to->zone, keep = to->present & CT_T_ZONE;

	memset(to, 0, sizeof(*to));
	to->l3 = from->l3;
	to->l4 = from->l4;
	to->present = keep | (from->present & ~(CT_T_ZONE | CT_T_SRC | CT_T_DST));
	to->zone = zone;
	to->src = from->dst;
	to->dst = from->src;
	to->sport = from->dport;
	to->dport = from->sport;
	if (from->present & CT_T_SRC)
		to->present |= CT_T_DST;
	if (from->present & CT_T_DST)
		to->present |= CT_T_SRC;
	if (from->l4 == 1 || from->l4 == 58) {
		to->icmp_type = ct_icmp_reply_type(from->l4, from->icmp_type);
		to->icmp_code = from->icmp_code;
		to->icmp_id = from->icmp_id;
	}
}

static const union ct_addr zero_addr;

static const union ct_addr *t_src(const struct ct_tuple *t)
{
	return (t->present & CT_T_SRC) ? &t->src : &zero_addr;
}

static const union ct_addr *t_dst(const struct ct_tuple *t)
{
	return (t->present & CT_T_DST) ? &t->dst : &zero_addr;
}

static uint16_t t_port(const struct ct_tuple *t, unsigned int bit, uint16_t v)
{
	return (t->present & bit) ? v : 0;
}

static bool addr_differs(const struct ct *ct, const union ct_addr *a, const union ct_addr *b)
{
	int l3 = ct->orig.l3 ? ct->orig.l3 : ct->family;

	if (l3 == AF_INET)
		return a->v4 != b->v4;
	if (l3 == AF_INET6)
		return memcmp(a->v6, b->v6, 16) != 0;
	return false;
}

static bool nat_done(const struct ct *ct, uint32_t bit)
{
	return !ct_has(ct, CT_STATUS) || (ct->status & bit);
}

bool ct_is_snat(const struct ct *ct)
{
	return nat_done(ct, CT_IPS_SRC_NAT_DONE) &&
	       addr_differs(ct, t_dst(&ct->reply), t_src(&ct->orig));
}

bool ct_is_dnat(const struct ct *ct)
{
	return nat_done(ct, CT_IPS_DST_NAT_DONE) &&
	       addr_differs(ct, t_src(&ct->reply), t_dst(&ct->orig));
}

bool ct_is_spat(const struct ct *ct)
{
	return nat_done(ct, CT_IPS_SRC_NAT_DONE) &&
	       t_port(&ct->reply, CT_T_DPORT, ct->reply.dport) !=
		       t_port(&ct->orig, CT_T_SPORT, ct->orig.sport);
}

bool ct_is_dpat(const struct ct *ct)
{
	return nat_done(ct, CT_IPS_DST_NAT_DONE) &&
	       t_port(&ct->reply, CT_T_SPORT, ct->reply.sport) !=
		       t_port(&ct->orig, CT_T_DPORT, ct->orig.dport);
}
