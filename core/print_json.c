// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON output (NDJSON, beyond upstream): one object per entry, schema in doc/json.md. */
/*
 * Schema (keys appear only when the kernel sent the attribute; names follow
 * the kernel's YNL conntrack spec where it has one):
 *   "event": "new"|"update"|"destroy"        events only
 *   "time": 1795714390.168201                events with -o timestamp
 *   "family": "ipv4"|"ipv6"|"unknown", "proto-num": 6, "proto-name": "tcp"
 *   "tuple-orig" / "tuple-reply": {"src": "addr", "dst": "addr",
 *       "proto-num": N, "proto-src-port": N, "proto-dst-port": N      (ports, GRE keys)
 *       "proto-icmp-type": N, "proto-icmp-code": N, "proto-icmp-id": N, "zone": N}
 *   "counters-orig" / "counters-reply": {"packets": N, "bytes": N}
 *   "status": N, "status-names": ["seen-reply", ...]
 *   "timeout", "mark", "secmark", "zone", "use", "id": N
 *   "secctx": "s", "helper": "s"
 *   "protoinfo": {"tcp-state": "NAME", "sctp-state": ..., "sctp-vtag-original": N,
 *       "sctp-vtag-reply": N, "dccp-state": ..., "dccp-role": N}
 *   "timestamp": {"start": ns, "stop": ns}, "delta-time": seconds (as the text line)
 *   "labels": [bit, ...], "label-names": ["name", ...] (names only with a label map)
 *   "nat": {"src": {"addr": "a", "port": N}, "dst": {"addr": "a", "port": N}}
 *   "portid": N, "progname": "s"              events caused by a netlink client
 */
#include <string.h>
#include <sys/socket.h>

#include "core/labelmap.h"
#include "core/out.h"
#include "core/print.h"
#include "core/print_priv.h"
#include "proto/ct_tuple.h"

void pr_json_str(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	out_chr(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out_chr(o, '\\');
			out_chr(o, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			out_str(o, "\\u00");
			out_chr(o, hex[c >> 4]);
			out_chr(o, hex[c & 15]);
		} else if (c >= 0x80) {
			/* the kernel gives bytes, not UTF-8: keep JSON valid */
			out_str(o, "\\u00");
			out_chr(o, hex[c >> 4]);
			out_chr(o, hex[c & 15]);
		} else {
			out_chr(o, (char)c);
		}
	}
	out_chr(o, '"');
}

/* Bounded copy to a terminated string: model strings may fill their array. */
static void json_strn(struct out *o, const char *s, size_t max)
{
	char tmp[CT_SECCTX_LEN + 1];
	size_t n = strnlen(s, max);

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	pr_json_str(o, tmp);
}

struct js {
	struct out *o;
	bool first;
};

static void key(struct js *j, const char *k)
{
	if (!j->first)
		out_chr(j->o, ',');
	j->first = false;
	out_chr(j->o, '"');
	out_str(j->o, k);
	out_str(j->o, "\":");
}

static void kv_u(struct js *j, const char *k, uint64_t v)
{
	key(j, k);
	out_u64(j->o, v);
}

static void kv_s(struct js *j, const char *k, const char *s)
{
	key(j, k);
	pr_json_str(j->o, s);
}

static void kv_ip(struct js *j, const char *k, int l3, const union ct_addr *a)
{
	key(j, k);
	out_chr(j->o, '"');
	out_ip(j->o, l3, a);
	out_chr(j->o, '"');
}

static void open_obj(struct js *j, const char *k)
{
	key(j, k);
	out_chr(j->o, '{');
	j->first = true;
}

static void close_obj(struct js *j)
{
	out_chr(j->o, '}');
	j->first = false;
}

static void json_tuple(struct js *j, const struct ct *ct, const struct ct_tuple *t, const char *k)
{
	int l3 = pr_tuple_l3(ct, t);
	unsigned int l4 = pr_tuple_l4(t);

	open_obj(j, k);
	if (t->present & CT_T_SRC)
		kv_ip(j, "src", l3, &t->src);
	if (t->present & CT_T_DST)
		kv_ip(j, "dst", l3, &t->dst);
	if (t->present & CT_T_PROTO)
		kv_u(j, "proto-num", l4);
	if (t->present & CT_T_SPORT)
		kv_u(j, "proto-src-port", t->sport);
	if (t->present & CT_T_DPORT)
		kv_u(j, "proto-dst-port", t->dport);
	if (t->present & CT_T_ICMP_TYPE)
		kv_u(j, "proto-icmp-type", t->icmp_type);
	if (t->present & CT_T_ICMP_CODE)
		kv_u(j, "proto-icmp-code", t->icmp_code);
	if (t->present & CT_T_ICMP_ID)
		kv_u(j, "proto-icmp-id", t->icmp_id);
	if (t->present & CT_T_ZONE)
		kv_u(j, "zone", t->zone);
	close_obj(j);
}

static void json_counters(struct js *j, const char *k, const struct ct_counters *c)
{
	open_obj(j, k);
	kv_u(j, "packets", c->packets);
	kv_u(j, "bytes", c->bytes);
	close_obj(j);
}

/* YNL enum nf-ct-status entry names, bit order. */
static const char *const status_names[16] = {
	"expected",   "seen-reply",   "assured",      "confirmed",  "src-nat",	     "dst-nat",
	"seq-adjust", "src-nat-done", "dst-nat-done", "dying",	    "fixed-timeout", "template",
	"untracked",  "helper",	      "offload",      "hw-offload",
};

static void json_nat_side(struct js *j, const char *k, int l3, const union ct_addr *a, bool ports,
			  uint16_t port)
{
	open_obj(j, k);
	kv_ip(j, "addr", l3, a);
	if (ports)
		kv_u(j, "port", port);
	close_obj(j);
}

static void json_nat(struct js *j, const struct ct *ct)
{
	int l3 = pr_tuple_l3(ct, &ct->orig);
	unsigned int l4 = pr_tuple_l4(&ct->orig);
	bool ports = pr_has_ports(l4);
	bool s = ct_is_snat(ct) || (ports && ct_is_spat(ct));
	bool d = ct_is_dnat(ct) || (ports && ct_is_dpat(ct));

	if (!s && !d)
		return;
	open_obj(j, "nat");
	/* The reply tuple is what the peer sees: its destination is our new source. */
	if (s)
		json_nat_side(j, "src", l3, pr_dst(&ct->reply), ports,
			      pr_tfield16(&ct->reply, CT_T_DPORT, ct->reply.dport));
	if (d)
		json_nat_side(j, "dst", l3, pr_src(&ct->reply), ports,
			      pr_tfield16(&ct->reply, CT_T_SPORT, ct->reply.sport));
	close_obj(j);
}

static void json_time(struct js *j, const struct print_opts *po)
{
	char d[24];
	size_t k = fmt_u64(d, (uint64_t)(po->ts_usec < 0 ? 0 : po->ts_usec));

	key(j, "time");
	out_s64(j->o, po->ts_sec);
	out_chr(j->o, '.');
	for (size_t i = k; i < 6; i++)
		out_chr(j->o, '0');
	out_mem(j->o, d, k);
}

void pr_ct_json(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po)
{
	struct js j = { o, true };
	const char *ev = pr_event_name(kind);
	int l3 = pr_tuple_l3(ct, &ct->orig);
	unsigned int l4 = pr_tuple_l4(&ct->orig);
	const char *name = pr_l4_name(l4);

	out_chr(o, '{');
	if (ev) {
		kv_s(&j, "event", ev);
		if (po->flags & PRINT_TIMESTAMP)
			json_time(&j, po);
	}
	kv_s(&j, "family", pr_l3_name((unsigned int)l3));
	kv_u(&j, "proto-num", l4);
	kv_s(&j, "proto-name", name ? name : "unknown");
	if (ct_has(ct, CT_ORIG))
		json_tuple(&j, ct, &ct->orig, "tuple-orig");
	if (ct_has(ct, CT_COUNTERS_ORIG))
		json_counters(&j, "counters-orig", &ct->cnt_orig);
	if (ct_has(ct, CT_REPLY))
		json_tuple(&j, ct, &ct->reply, "tuple-reply");
	if (ct_has(ct, CT_COUNTERS_REPLY))
		json_counters(&j, "counters-reply", &ct->cnt_reply);
	if (ct_has(ct, CT_STATUS)) {
		bool first = true;

		kv_u(&j, "status", ct->status);
		key(&j, "status-names");
		out_chr(o, '[');
		for (unsigned int i = 0; i < 16; i++) {
			if (!(ct->status & (1u << i)))
				continue;
			if (!first)
				out_chr(o, ',');
			first = false;
			pr_json_str(o, status_names[i]);
		}
		out_chr(o, ']');
	}
	for (unsigned int f = 0; f < PR_F_MAX; f++) {
		const struct pr_u32_field *d = &pr_u32_fields[f];

		if (ct_has(ct, d->attr))
			kv_u(&j, d->json, pr_u32_value(ct, d));
	}
	if (ct_has(ct, CT_SECCTX)) {
		key(&j, "secctx");
		json_strn(o, ct->secctx, sizeof(ct->secctx));
	}
	if (ct_has(ct, CT_HELPER)) {
		key(&j, "helper");
		json_strn(o, ct->helper, sizeof(ct->helper));
	}
	if (ct_has(ct, CT_TCP_STATE) || ct_has(ct, CT_SCTP_STATE) || ct_has(ct, CT_DCCP_STATE) ||
	    ct_has(ct, CT_SCTP_VTAG_ORIG) || ct_has(ct, CT_SCTP_VTAG_REPLY) ||
	    ct_has(ct, CT_DCCP_ROLE)) {
		open_obj(&j, "protoinfo");
		if (ct_has(ct, CT_TCP_STATE))
			kv_s(&j, "tcp-state", pr_tcp_state(ct->tcp.state));
		if (ct_has(ct, CT_SCTP_STATE))
			kv_s(&j, "sctp-state", pr_sctp_state(ct->sctp.state));
		if (ct_has(ct, CT_SCTP_VTAG_ORIG))
			kv_u(&j, "sctp-vtag-original", pr_cli_vtag(ct->sctp.vtag_orig));
		if (ct_has(ct, CT_SCTP_VTAG_REPLY))
			kv_u(&j, "sctp-vtag-reply", pr_cli_vtag(ct->sctp.vtag_reply));
		if (ct_has(ct, CT_DCCP_STATE))
			kv_s(&j, "dccp-state", pr_dccp_state(ct->dccp.state));
		if (ct_has(ct, CT_DCCP_ROLE))
			kv_u(&j, "dccp-role", ct->dccp.role);
		close_obj(&j);
	}
	if (ct_has(ct, CT_TS_START) || ct_has(ct, CT_TS_STOP)) {
		open_obj(&j, "timestamp");
		if (ct_has(ct, CT_TS_START))
			kv_u(&j, "start", ct->ts_start);
		if (ct_has(ct, CT_TS_STOP))
			kv_u(&j, "stop", ct->ts_stop);
		close_obj(&j);
		if (ct_has(ct, CT_TS_START))
			kv_u(&j, "delta-time", pr_delta_text(ct, po));
	}
	if (ct_has(ct, CT_LABELS)) {
		unsigned int bits = pr_label_bits(ct);
		bool first = true;

		key(&j, "labels");
		out_chr(o, '[');
		for (unsigned int i = 0; i < bits; i++) {
			if (!pr_label_bit(ct, i))
				continue;
			if (!first)
				out_chr(o, ',');
			first = false;
			out_u32(o, i);
		}
		out_chr(o, ']');
		if (po->map) {
			first = true;
			key(&j, "label-names");
			out_chr(o, '[');
			for (unsigned int i = 0; i < bits; i++) {
				const char *n;

				if (!pr_label_bit(ct, i))
					continue;
				n = labelmap_name(po->map, i);
				if (!n || !*n)
					continue;
				if (!first)
					out_chr(o, ',');
				first = false;
				pr_json_str(o, n);
			}
			out_chr(o, ']');
		}
	}
	if (ct_has(ct, CT_ORIG) && ct_has(ct, CT_REPLY))
		json_nat(&j, ct);
	if (po->portid) {
		kv_u(&j, "portid", po->portid);
		if (po->progname)
			kv_s(&j, "progname", po->progname);
	}
	out_str(o, "}\n");
}
