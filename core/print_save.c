// SPDX-License-Identifier: GPL-2.0-or-later
/* The -o save format: each entry as a conntrack command line that -R can load back. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "core/labelmap.h"
#include "core/out.h"
#include "core/print.h"
#include "core/print_priv.h"
#include "proto/ct_tuple.h"

/* The CLI's own state tables (not the library's): SCTP stops at SHUTDOWN_ACK_SENT. */
static const char *const save_tcp[10] = {
	"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
};
static const char *const save_sctp[8] = {
	"NONE",	       "CLOSED",	"COOKIE_WAIT",	 "COOKIE_ECHOED",
	"ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
};
static const char *const save_dccp[10] = {
	"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
};
static const char *const save_role[2] = { "client", "server" };

/* Upstream passes a NULL table slot to printf, which glibc prints as "(null)". */
static const char *pick(const char *const *tab, unsigned int n, unsigned int i)
{
	return i < n ? tab[i] : "(null)";
}

static void opt_u(struct out *o, const char *opt, uint64_t v)
{
	out_str(o, opt);
	out_u64(o, v);
	out_chr(o, ' ');
}

static void opt_s(struct out *o, const char *opt, const char *s)
{
	out_str(o, opt);
	out_str(o, s);
	out_chr(o, ' ');
}

static void opt_ip(struct out *o, const char *opt, int l3, const union ct_addr *a)
{
	out_str(o, opt);
	out_ip(o, l3, a);
	out_chr(o, ' ');
}

static void save_status(struct out *o, uint32_t st)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ CT_IPS_EXPECTED, "EXPECTED" },
		{ CT_IPS_SEEN_REPLY, "SEEN_REPLY" },
		{ CT_IPS_ASSURED, "ASSURED" },
		{ CT_IPS_FIXED_TIMEOUT, "FIXED_TIMEOUT" },
	};
	bool any = false;

	out_str(o, "-u ");
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(st & names[i].bit))
			continue;
		if (any)
			out_chr(o, ',');
		out_str(o, names[i].name);
		any = true;
	}
	if (!any)
		out_str(o, "UNSET");
	out_chr(o, ' ');
}

static void save_ports(struct out *o, const struct ct *ct, const char *const opts[4])
{
	const struct ct_tuple *r = &ct->reply, *t = &ct->orig;

	if (t->present & CT_T_SPORT)
		opt_u(o, opts[0], t->sport);
	if (t->present & CT_T_DPORT)
		opt_u(o, opts[1], t->dport);
	if (r->present & CT_T_SPORT)
		opt_u(o, opts[2], r->sport);
	if (r->present & CT_T_DPORT)
		opt_u(o, opts[3], r->dport);
}

static void save_icmp(struct out *o, const struct ct_tuple *t, const char *const opts[3])
{
	if (t->present & CT_T_ICMP_TYPE)
		opt_u(o, opts[0], t->icmp_type);
	if (t->present & CT_T_ICMP_CODE)
		opt_u(o, opts[1], t->icmp_code);
	if (t->present & CT_T_ICMP_ID)
		opt_u(o, opts[2], t->icmp_id);
}

/*
 * The label bits the map names, as --label-add a,b (quoted if a name has a
 * blank: -R's tokenizer takes quotes). A bit without a name cannot be set
 * by -A at all, so it cannot be saved either.
 */
static void save_labels(struct out *o, const struct ct *ct, const struct labelmap *map)
{
	unsigned int bits = pr_label_bits(ct);
	bool quote = false, any = false;

	for (unsigned int i = 0; i < bits; i++) {
		const char *name = pr_label_bit(ct, i) ? labelmap_name(map, i) : NULL;

		if (name && *name) {
			any = true;
			quote |= strchr(name, ' ') != NULL;
		}
	}
	if (!any)
		return;
	out_str(o, quote ? "--label-add \"" : "--label-add ");
	any = false;
	for (unsigned int i = 0; i < bits; i++) {
		const char *name = pr_label_bit(ct, i) ? labelmap_name(map, i) : NULL;

		if (!name || !*name)
			continue;
		if (any)
			out_chr(o, ',');
		out_str(o, name);
		any = true;
	}
	out_str(o, quote ? "\" " : " ");
}

/* full: an -A line, which must give -A every option it requires (see pr_ct_save). */
static void save_proto(struct out *o, const struct ct *ct, bool full)
{
	static const char *const port_opts[4] = {
		"--sport ",
		"--dport ",
		"--reply-port-src ",
		"--reply-port-dst ",
	};
	static const char *const key_opts[4] = {
		"--srckey ",
		"--dstkey ",
		"--reply-key-src ",
		"--reply-key-dst ",
	};
	static const char *const icmp_opts[3] = { "--icmp-type ", "--icmp-code ", "--icmp-id " };
	static const char *const icmp6_opts[3] = {
		"--icmpv6-type ",
		"--icmpv6-code ",
		"--icmpv6-id ",
	};
	unsigned int l4 = pr_tuple_l4(&ct->orig);
	const char *name = pr_l4_name(l4);

	if (!name) {
		opt_u(o, "-p ", l4);
		return;
	}
	opt_s(o, "-p ", name);
	switch (l4) {
	case 6:
		save_ports(o, ct, port_opts);
		if (ct_has(ct, CT_TCP_STATE))
			opt_s(o, "--state ", pick(save_tcp, 10, ct->tcp.state));
		break;
	case 17:
	case 136:
		save_ports(o, ct, port_opts);
		break;
	case 132:
		save_ports(o, ct, port_opts);
		if (ct_has(ct, CT_SCTP_STATE))
			opt_s(o, "--state ", pick(save_sctp, 8, ct->sctp.state));
		if (ct_has(ct, CT_SCTP_VTAG_ORIG))
			opt_u(o, "--orig-vtag ", pr_cli_vtag(ct->sctp.vtag_orig));
		if (ct_has(ct, CT_SCTP_VTAG_REPLY))
			opt_u(o, "--reply-vtag ", pr_cli_vtag(ct->sctp.vtag_reply));
		break;
	case 33:
		/*
		 * A kernel without DCCP tracking keeps such entries as generic
		 * ones: no ports, no state. -A -p dccp requires both, and that
		 * kernel ignores them, so zeros restore the entry as it was.
		 */
		if (full && !ct_has(ct, CT_DCCP_STATE) && !(ct->orig.present & CT_T_SPORT)) {
			out_str(o, "--sport 0 --dport 0 --reply-port-src 0 --reply-port-dst 0 "
				   "--state NONE --role client ");
			break;
		}
		save_ports(o, ct, port_opts);
		if (ct_has(ct, CT_DCCP_STATE))
			opt_s(o, "--state ", pick(save_dccp, 10, ct->dccp.state));
		if (ct_has(ct, CT_DCCP_ROLE))
			opt_s(o, "--role ", pick(save_role, 2, ct->dccp.role));
		break;
	case 1:
		save_icmp(o, &ct->orig, icmp_opts);
		break;
	case 58:
		save_icmp(o, &ct->orig, icmp6_opts);
		break;
	case 47:
		save_ports(o, ct, key_opts);
		break;
	}
}

/*
 * Upstream's line, and on -A lines (what a saved table is made of) also
 * what it leaves out though -A can set it: the mark, the labels, and for a
 * DCCP entry the kernel does not track the options -A insists on. So
 * -L -o save, -F, -R gives back the table; the reference's -R reads it too.
 */
int pr_ct_save(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po)
{
	int l3 = print_ct_l3proto(ct);
	bool full = kind != CT_MSG_UPDATE && kind != CT_MSG_DESTROY;

	if (l3 != AF_INET && l3 != AF_INET6)
		return -EAFNOSUPPORT;
	if ((po->flags & PRINT_TIMESTAMP) && kind != CT_MSG_UNKNOWN)
		pr_event_ts(o, po);
	out_str(o, kind == CT_MSG_UPDATE ? "-U " : kind == CT_MSG_DESTROY ? "-D " : "-A ");
	if (ct_has(ct, CT_TIMEOUT))
		opt_u(o, "-t ", ct->timeout);
	if (ct_has(ct, CT_STATUS))
		save_status(o, ct->status);
	if (ct_has(ct, CT_SECMARK))
		opt_u(o, "-c ", ct->secmark);
	if (ct_has(ct, CT_ZONE))
		opt_u(o, "-w ", ct->zone);
	if (ct->orig.present & CT_T_ZONE)
		opt_u(o, "--orig-zone ", ct->orig.zone);
	if (ct->reply.present & CT_T_ZONE)
		opt_u(o, "--reply-zone ", ct->reply.zone);
	if (full && ct_has(ct, CT_MARK) && ct->mark)
		opt_u(o, "-m ", ct->mark);

	opt_ip(o, "-s ", l3, pr_src(&ct->orig));
	opt_ip(o, "-d ", l3, pr_dst(&ct->orig));
	opt_ip(o, ct_is_dnat(ct) ? "-g " : "-r ", l3, pr_src(&ct->reply));
	opt_ip(o, ct_is_snat(ct) ? "-n " : "-q ", l3, pr_dst(&ct->reply));
	save_proto(o, ct, full);
	if (full && po->map && ct_has(ct, CT_LABELS))
		save_labels(o, ct, po->map);

	if (o->len && o->buf[o->len - 1] == ' ')
		o->len--;
	pr_userspace(o, po);
	out_chr(o, '\n');
	return 0;
}
