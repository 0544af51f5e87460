// SPDX-License-Identifier: GPL-2.0-or-later
/* The -o xml <flow> element for conntrack entries, with the reference library's quirks. */
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/labelmap.h"
#include "core/out.h"
#include "core/print.h"
#include "core/print_priv.h"

void print_xml_header(struct out *o, const char *root)
{
	out_str(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<");
	out_str(o, root);
	out_str(o, ">\n");
}

void print_xml_footer(struct out *o, const char *root)
{
	out_str(o, "</");
	out_str(o, root);
	out_str(o, ">\n");
}

static void tag_u64(struct out *o, const char *tag, uint64_t v)
{
	out_chr(o, '<');
	out_str(o, tag);
	out_chr(o, '>');
	out_u64(o, v);
	out_str(o, "</");
	out_str(o, tag);
	out_chr(o, '>');
}

static void xml_tuple(struct out *o, const struct ct *ct, const struct ct_tuple *t, const char *dir,
		      bool zone, const struct ct_counters *cnt)
{
	int l3 = pr_tuple_l3(ct, t);
	unsigned int l4 = pr_tuple_l4(t);
	const char *name = pr_l4_name(l4);

	out_str(o, "<meta direction=\"");
	out_str(o, dir);
	out_str(o, "\"><layer3 protonum=\"");
	out_u32(o, (uint32_t)l3);
	out_str(o, "\" protoname=\"");
	out_str(o, pr_l3_name((unsigned int)l3));
	out_str(o, "\"><src>");
	out_ip(o, l3, pr_src(t));
	out_str(o, "</src><dst>");
	out_ip(o, l3, pr_dst(t));
	out_str(o, "</dst></layer3><layer4 protonum=\"");
	out_u32(o, l4);
	out_str(o, "\" protoname=\"");
	out_str(o, name ? name : "unknown");
	out_str(o, "\">");
	if (pr_has_ports(l4)) {
		tag_u64(o, "sport", pr_tfield16(t, CT_T_SPORT, t->sport));
		tag_u64(o, "dport", pr_tfield16(t, CT_T_DPORT, t->dport));
	} else if (l4 == 47) {
		out_str(o, "<srckey>0x");
		out_hex(o, pr_tfield16(t, CT_T_SPORT, t->sport));
		out_str(o, "</srckey><dstkey>0x");
		out_hex(o, pr_tfield16(t, CT_T_DPORT, t->dport));
		out_str(o, "</dstkey>");
	}
	out_str(o, "</layer4>");
	if (zone)
		tag_u64(o, "zone", t->zone);
	if (cnt) {
		out_str(o, "<counters>");
		tag_u64(o, "packets", cnt->packets);
		tag_u64(o, "bytes", cnt->bytes);
		out_str(o, "</counters>");
	}
	out_str(o, "</meta>");
}

void pr_xml_when(struct out *o, int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char *p;
	size_t n;

	if (!localtime_r(&t, &tm))
		return;
	out_str(o, "<when>");
	tag_u64(o, "hour", (uint64_t)tm.tm_hour);
	/* min and sec are "%02d" */
	p = out_reserve(o, 32);
	n = 0;
	memcpy(p, "<min>", 5);
	n = 5;
	p[n++] = (char)('0' + tm.tm_min / 10);
	p[n++] = (char)('0' + tm.tm_min % 10);
	memcpy(p + n, "</min><sec>", 11);
	n += 11;
	p[n++] = (char)('0' + tm.tm_sec / 10);
	p[n++] = (char)('0' + tm.tm_sec % 10);
	memcpy(p + n, "</sec>", 6);
	out_commit(o, n + 6);
	tag_u64(o, "wday", (uint64_t)tm.tm_wday + 1);
	tag_u64(o, "day", (uint64_t)tm.tm_mday);
	tag_u64(o, "month", (uint64_t)tm.tm_mon + 1);
	out_str(o, "<year>");
	out_s64(o, tm.tm_year + 1900LL);
	out_str(o, "</year></when>");
}

static bool has_independent(const struct ct *ct)
{
	static const uint64_t any =
		UINT64_C(1) << CT_TCP_STATE | UINT64_C(1) << CT_SCTP_STATE |
		UINT64_C(1) << CT_DCCP_STATE | UINT64_C(1) << CT_TIMEOUT | UINT64_C(1) << CT_MARK |
		UINT64_C(1) << CT_SECMARK | UINT64_C(1) << CT_ZONE | UINT64_C(1) << CT_USE |
		UINT64_C(1) << CT_STATUS | UINT64_C(1) << CT_ID | UINT64_C(1) << CT_LABELS |
		UINT64_C(1) << CT_TS_START | UINT64_C(1) << CT_TS_STOP;

	return ct->present & any;
}

static void xml_u32(struct out *o, const struct ct *ct, unsigned int f)
{
	const struct pr_u32_field *d = &pr_u32_fields[f];

	if (ct_has(ct, d->attr))
		tag_u64(o, d->xml, pr_u32_value(ct, d));
}

static void xml_state(struct out *o, const char *name)
{
	out_str(o, "<state>");
	out_str(o, name);
	out_str(o, "</state>");
}

void pr_ct_xml(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po)
{
	const char *ev = pr_event_name(kind);
	bool indep = has_independent(ct);

	if (ev) {
		out_str(o, "<flow type=\"");
		out_str(o, ev);
		out_str(o, "\">");
	} else {
		out_str(o, "<flow>");
	}
	xml_tuple(o, ct, &ct->orig, "original", ct->orig.present & CT_T_ZONE,
		  ct_has(ct, CT_COUNTERS_ORIG) ? &ct->cnt_orig : NULL);
	xml_tuple(o, ct, &ct->reply, "reply", ct->reply.present & CT_T_ZONE,
		  ct_has(ct, CT_COUNTERS_REPLY) ? &ct->cnt_reply : NULL);

	if (indep)
		out_str(o, "<meta direction=\"independent\">");
	/* The library looks SCTP and DCCP states up in the TCP table. */
	if (ct_has(ct, CT_TCP_STATE))
		xml_state(o, pr_tcp_state(ct->tcp.state));
	if (ct_has(ct, CT_SCTP_STATE))
		xml_state(o, pr_tcp_state(ct->sctp.state));
	if (ct_has(ct, CT_DCCP_STATE))
		xml_state(o, pr_tcp_state(ct->dccp.state));
	xml_u32(o, ct, PR_F_TIMEOUT);
	xml_u32(o, ct, PR_F_MARK);
	if (po->map && ct_has(ct, CT_LABELS)) {
		unsigned int bits = pr_label_bits(ct);

		out_str(o, "<labels>");
		for (unsigned int i = 0; i < bits; i++) {
			const char *name;

			if (!pr_label_bit(ct, i))
				continue;
			name = labelmap_name(po->map, i);
			if (!name || !*name)
				continue;
			out_str(o, "<label>");
			out_str(o, name);
			out_str(o, "</label>");
		}
		out_str(o, "</labels>");
	}
	xml_u32(o, ct, PR_F_SECMARK);
	if (ct_has(ct, CT_SECCTX)) {
		out_str(o, "<secctx>");
		out_mem(o, ct->secctx, strnlen(ct->secctx, sizeof(ct->secctx)));
		out_str(o, "</secctx>");
	}
	xml_u32(o, ct, PR_F_ZONE);
	xml_u32(o, ct, PR_F_USE);
	xml_u32(o, ct, PR_F_ID);
	if (ct_has(ct, CT_STATUS) && (ct->status & CT_IPS_ASSURED))
		out_str(o, "<assured/>");
	if (ct_has(ct, CT_STATUS) && !(ct->status & CT_IPS_SEEN_REPLY))
		out_str(o, "<unreplied/>");
	if ((po->flags & PRINT_KTIMESTAMP) && (ct_has(ct, CT_TS_START) || ct_has(ct, CT_TS_STOP))) {
		out_str(o, "<timestamp>");
		if (ct_has(ct, CT_TS_START))
			tag_u64(o, "start", ct->ts_start);
		if (ct_has(ct, CT_TS_STOP))
			tag_u64(o, "stop", ct->ts_stop);
		out_str(o, "</timestamp>");
	}
	if (ct_has(ct, CT_TS_START))
		tag_u64(o, "deltatime", pr_delta_xml(ct, po));
	if (indep)
		out_str(o, "</meta>");
	if ((po->flags & PRINT_TIMESTAMP) && ev)
		pr_xml_when(o, po->ts_sec);
	if (ct_has(ct, CT_HELPER)) {
		out_str(o, "<helper>");
		out_mem(o, ct->helper, strnlen(ct->helper, sizeof(ct->helper)));
		out_str(o, "</helper>");
	}
	out_str(o, "</flow>\n");
}
