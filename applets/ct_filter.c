// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: the userspace filter applied to dumped entries and events. */
#include <string.h>
#include <sys/socket.h>

#include "applets/ct_args.h"

#define O(x) (UINT64_C(1) << (x))

/* Options that switch the template comparison on (upstream's set, plus -t: see -D -t). */
#define CMP_OPTS \
	(O(OPT_SRC) | O(OPT_DST) | O(OPT_REPL_SRC) | O(OPT_REPL_DST) | O(OPT_PROTO) | \
	 O(OPT_MARK) | O(OPT_SECMARK) | O(OPT_STATUS) | O(OPT_ID) | O(OPT_ZONE) | O(OPT_LABEL) | \
	 O(OPT_ORIG_ZONE) | O(OPT_REPL_ZONE) | O(OPT_TIMEOUT))

#define ICMP_FIELDS (CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID)

static size_t addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

static bool addr_eq(uint8_t family, const union ct_addr *a, const union ct_addr *b)
{
	return !memcmp(a->b, b->b, addr_len(family));
}

static bool has_status_bit(const struct ct *ct, uint32_t bit)
{
	/* the library treats an entry without status as "maybe NATed" */
	return !ct_has(ct, CT_STATUS) || (ct->status & bit);
}

/* Entry is SNATed (address or port), as libnetfilter_conntrack decides it. */
static bool is_snat(const struct ct *ct)
{
	return has_status_bit(ct, CT_IPS_SRC_NAT_DONE) && (ct->reply.present & CT_T_DST) &&
	       (ct->orig.present & CT_T_SRC) &&
	       !addr_eq(ct->orig.l3, &ct->reply.dst, &ct->orig.src);
}

static bool is_spat(const struct ct *ct)
{
	return has_status_bit(ct, CT_IPS_SRC_NAT_DONE) && (ct->reply.present & CT_T_DPORT) &&
	       (ct->orig.present & CT_T_SPORT) && ct->reply.dport != ct->orig.sport;
}

static bool is_dnat(const struct ct *ct)
{
	return has_status_bit(ct, CT_IPS_DST_NAT_DONE) && (ct->reply.present & CT_T_SRC) &&
	       (ct->orig.present & CT_T_DST) &&
	       !addr_eq(ct->orig.l3, &ct->reply.src, &ct->orig.dst);
}

static bool is_dpat(const struct ct *ct)
{
	return has_status_bit(ct, CT_IPS_DST_NAT_DONE) && (ct->reply.present & CT_T_SPORT) &&
	       (ct->orig.present & CT_T_DPORT) && ct->reply.sport != ct->orig.dport;
}

/* One NAT direction: what the reply tuple says the entry was translated to. */
static bool nat_one(const struct ct_natarg *na, const struct ct *ct, bool src)
{
	bool nat = src ? is_snat(ct) : is_dnat(ct);
	bool pat = src ? is_spat(ct) : is_dpat(ct);
	const union ct_addr *to = src ? &ct->reply.dst : &ct->reply.src;
	uint16_t to_port = src ? ct->reply.dport : ct->reply.sport;
	bool ok;

	if (!na->has_addr && !na->has_port)
		return nat || pat;
	ok = true;
	/* upstream ignores an IPv6 address here; compare it like an IPv4 one */
	if (na->has_addr)
		ok = nat && ct->orig.l3 == na->family && addr_eq(na->family, to, &na->addr);
	if (na->has_port)
		ok = ok && pat && to_port == na->port;
	return ok;
}

static bool filter_nat(const struct ct_cmd *cmd, const struct ct *ct)
{
	bool any = cmd->options & O(OPT_ANY_NAT);
	bool sn = any || (cmd->options & O(OPT_SRC_NAT));
	bool dn = any || (cmd->options & O(OPT_DST_NAT));
	bool s = sn && nat_one(&cmd->snat, ct, true);
	bool d = dn && nat_one(&cmd->dnat, ct, false);

	if (any)
		return s || d;
	if (sn && dn)
		return s && d;
	if (sn)
		return s;
	if (dn)
		return d;
	return true;
}

static bool filter_labels(const struct ct_cmd *cmd, const struct ct *ct)
{
	if (!(cmd->options & O(OPT_LABEL)))
		return true;
	if (cmd->label_match_impossible || !ct_has(ct, CT_LABELS))
		return false;
	for (size_t i = 0; i < CT_LABELS_BYTES; i++) {
		uint8_t have = i < ct->labels_len ? ct->labels[i] : 0;

		if ((cmd->label_match[i] & have) != cmd->label_match[i])
			return false;
	}
	return true;
}

static bool net_match(uint8_t family, const union ct_addr *a, const union ct_addr *given,
		      const union ct_addr *mask)
{
	for (size_t i = 0; i < addr_len(family); i++)
		if ((a->b[i] & mask->b[i]) != (given->b[i] & mask->b[i]))
			return false;
	return true;
}

static bool filter_network(const struct ct_cmd *cmd, const struct ct *ct)
{
	if (!cmd->net_filter)
		return true;
	if (cmd->options & O(OPT_MASK_SRC)) {
		if (ct->orig.l3 != cmd->family || !(ct->orig.present & CT_T_SRC) ||
		    !net_match(cmd->family, &ct->orig.src, &cmd->tmpl.orig.src, &cmd->mask_src))
			return false;
	}
	if (cmd->options & O(OPT_MASK_DST)) {
		if (ct->orig.l3 != cmd->family || !(ct->orig.present & CT_T_DST) ||
		    !net_match(cmd->family, &ct->orig.dst, &cmd->tmpl.orig.dst, &cmd->mask_dst))
			return false;
	}
	return true;
}

/*
 * Tuple comparison. strict: every field the template has must be in the
 * entry and equal (upstream's "mask" comparison); otherwise fields missing
 * from the entry are skipped (-U). skip: fields the network filter owns.
 */
static bool tuple_match(const struct ct_tuple *t, const struct ct_tuple *e, bool strict,
			uint16_t skip)
{
	uint16_t want = t->present & ~skip;

#define FIELD(bit, eq) \
	do { \
		if (want & (bit)) { \
			if (!(e->present & (bit))) { \
				if (strict) \
					return false; \
			} else if (!(eq)) { \
				return false; \
			} \
		} \
	} while (0)

	if (want & (CT_T_SRC | CT_T_DST)) {
		if (e->l3 != t->l3)
			return false;
	}
	FIELD(CT_T_PROTO, e->l4 == t->l4);
	FIELD(CT_T_SRC, addr_eq(t->l3, &e->src, &t->src));
	FIELD(CT_T_DST, addr_eq(t->l3, &e->dst, &t->dst));
	FIELD(CT_T_SPORT, e->sport == t->sport);
	FIELD(CT_T_DPORT, e->dport == t->dport);
	FIELD(CT_T_ICMP_TYPE, e->icmp_type == t->icmp_type);
	FIELD(CT_T_ICMP_CODE, e->icmp_code == t->icmp_code);
	FIELD(CT_T_ICMP_ID, e->icmp_id == t->icmp_id);
#undef FIELD
	/* a tuple without a zone is in zone 0 */
	if (want & CT_T_ZONE) {
		uint16_t z = (e->present & CT_T_ZONE) ? e->zone : 0;

		if (z != t->zone)
			return false;
	}
	return true;
}

/*
 * -c: kernels dump no CTA_SECMARK (obsolete) but a security context when the
 * secmark is set and an LSM names it. So an entry with neither has secmark 0,
 * one with only a context has an unknown non-zero one, which any non-zero -c
 * takes. (Upstream compares only when the entry carries CTA_SECMARK, so every
 * -c matched every entry.)
 */
static bool secmark_match(uint32_t want, const struct ct *ct)
{
	if (ct_has(ct, CT_SECMARK))
		return ct->secmark == want;
	return ct_has(ct, CT_SECCTX) ? want != 0 : want == 0;
}

static bool meta_match(const struct ct_cmd *cmd, const struct ct *ct)
{
	const struct ct *t = &cmd->tmpl;

	if ((cmd->options & O(OPT_ID)) && (!ct_has(ct, CT_ID) || ct->id != cmd->id))
		return false;
	if ((cmd->options & O(OPT_TIMEOUT)) &&
	    (!ct_has(ct, CT_TIMEOUT) || ct->timeout != cmd->timeout))
		return false;
	if (cmd->options & O(OPT_STATUS)) {
		uint32_t st = ct_has(ct, CT_STATUS) ? ct->status : 0;

		/* all positive bits set, and the kernel's value/mask rule (so UNREPLIED and !X filter -D too) */
		if ((st & cmd->status) != cmd->status)
			return false;
		if ((st & cmd->status_mask) != cmd->status)
			return false;
	}
	if ((cmd->options & O(OPT_ZONE)) && (ct_has(ct, CT_ZONE) ? ct->zone : 0) != cmd->zone)
		return false;
	if ((cmd->options & O(OPT_SECMARK)) && !secmark_match(cmd->secmark, ct))
		return false;
	if (ct_has(t, CT_TCP_STATE) && (!ct_has(ct, CT_TCP_STATE) || ct->tcp.state != t->tcp.state))
		return false;
	if (ct_has(t, CT_SCTP_STATE) &&
	    (!ct_has(ct, CT_SCTP_STATE) || ct->sctp.state != t->sctp.state))
		return false;
	if (ct_has(t, CT_DCCP_STATE) &&
	    (!ct_has(ct, CT_DCCP_STATE) || ct->dccp.state != t->dccp.state))
		return false;
	return true;
}

static uint16_t net_skip(const struct ct_cmd *cmd)
{
	uint16_t skip = 0;

	if (cmd->net_filter && (cmd->options & O(OPT_MASK_SRC)))
		skip |= CT_T_SRC;
	if (cmd->net_filter && (cmd->options & O(OPT_MASK_DST)))
		skip |= CT_T_DST;
	return skip;
}

bool ct_filter_match(const struct ct_cmd *cmd, const struct ct *ct)
{
	if (cmd->command == CMD_CT_EVENT && cmd->family && ct->family != cmd->family)
		return false;
	if (!filter_nat(cmd, ct))
		return false;
	if ((cmd->options & O(OPT_MARK)) &&
	    (!ct_has(ct, CT_MARK) || (ct->mark & cmd->mark_mask) != cmd->mark))
		return false;
	if (!filter_labels(cmd, ct) || !filter_network(cmd, ct))
		return false;
	if (!(cmd->options & CMP_OPTS))
		return true;
	if (!tuple_match(&cmd->tmpl.orig, &ct->orig, true, net_skip(cmd)))
		return false;
	/* The ICMP options describe the original direction only (as upstream compares them). */
	if (!tuple_match(&cmd->tmpl.reply, &ct->reply, true, ICMP_FIELDS))
		return false;
	return meta_match(cmd, ct);
}

bool ct_filter_match_update(const struct ct_cmd *cmd, const struct ct *ct)
{
	if (!filter_nat(cmd, ct) || !filter_labels(cmd, ct) || !filter_network(cmd, ct))
		return false;
	if ((cmd->options & O(OPT_ID)) && (!ct_has(ct, CT_ID) || ct->id != cmd->id))
		return false;
	if ((cmd->options & (O(OPT_SRC) | O(OPT_DST) | O(OPT_PROTO))) &&
	    !tuple_match(&cmd->tmpl.orig, &ct->orig, false, net_skip(cmd)))
		return false;
	if ((cmd->options & (O(OPT_REPL_SRC) | O(OPT_REPL_DST) | O(OPT_PROTO))) &&
	    !tuple_match(&cmd->tmpl.reply, &ct->reply, false, ICMP_FIELDS))
		return false;
	return true;
}
