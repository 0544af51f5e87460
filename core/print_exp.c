// SPDX-License-Identifier: GPL-2.0-or-later
/* Printers for expectations (-L/-E expect) and per-cpu statistics (-S). */
#include <string.h>
#include <sys/socket.h>

#include "core/out.h"
#include "core/print.h"
#include "core/print_priv.h"

static void exp_tuple(struct out *o, const struct ct_exp *e, const struct ct_tuple *t,
		      const char *src, const char *dst)
{
	int l3 = t->l3 ? t->l3 : e->family;
	unsigned int l4 = pr_tuple_l4(t);

	if (l3 == AF_INET || l3 == AF_INET6) {
		out_str(o, src);
		out_ip(o, l3, pr_src(t));
		out_str(o, dst);
		out_ip(o, l3, pr_dst(t));
		out_chr(o, ' ');
	}
	if (pr_has_ports(l4)) {
		out_str(o, "sport=");
		out_u32(o, pr_tfield16(t, CT_T_SPORT, t->sport));
		out_str(o, " dport=");
		out_u32(o, pr_tfield16(t, CT_T_DPORT, t->dport));
		out_chr(o, ' ');
	} else if (l4 == 47) {
		out_str(o, "srckey=0x");
		out_hex(o, pr_tfield16(t, CT_T_SPORT, t->sport));
		out_str(o, " dstkey=0x");
		out_hex(o, pr_tfield16(t, CT_T_DPORT, t->dport));
		out_chr(o, ' ');
	} else if (pr_is_icmp(l4)) {
		out_str(o, "type=");
		out_u32(o, (t->present & CT_T_ICMP_TYPE) ? t->icmp_type : 0);
		out_str(o, " code=");
		out_u32(o, (t->present & CT_T_ICMP_CODE) ? t->icmp_code : 0);
		out_str(o, " id=");
		out_u32(o, pr_tfield16(t, CT_T_ICMP_ID, t->icmp_id));
		out_chr(o, ' ');
	}
}

/* Expectation prefix: "[%-8ld.%-6ld]\t", left-justified and space padded. */
static void exp_ts(struct out *o, const struct print_opts *po)
{
	char d[24];
	size_t k;

	out_chr(o, '[');
	out_s64(o, po->ts_sec);
	k = fmt_u64(d, (uint64_t)(po->ts_sec < 0 ? -po->ts_sec : po->ts_sec)) + (po->ts_sec < 0);
	for (; k < 8; k++)
		out_chr(o, ' ');
	out_chr(o, '.');
	k = fmt_u64(d, (uint64_t)(po->ts_usec < 0 ? 0 : po->ts_usec));
	out_mem(o, d, k);
	for (; k < 6; k++)
		out_chr(o, ' ');
	out_str(o, "]\t");
}

static void exp_text(struct out *o, const struct ct_exp *e, enum ct_msg kind,
		     const struct print_opts *po)
{
	static const char *const prefix[] = {
		[CT_MSG_NEW] = "    [NEW] ",
		[CT_MSG_UPDATE] = " [UPDATE] ",
		[CT_MSG_DESTROY] = "[DESTROY] ",
	};
	bool flag = false;

	if (po->flags & PRINT_TIMESTAMP)
		exp_ts(o, po);
	if (kind >= CT_MSG_NEW && kind <= CT_MSG_DESTROY)
		out_str(o, prefix[kind]);
	if (ct_exp_has(e, CT_EXP_TIMEOUT)) {
		out_u32(o, e->timeout);
		out_chr(o, ' ');
	}
	out_str(o, "proto=");
	out_u32(o, pr_tuple_l4(&e->tuple));
	out_chr(o, ' ');
	exp_tuple(o, e, &e->tuple, "src=", " dst=");
	exp_tuple(o, e, &e->mask, "mask-src=", " mask-dst=");
	exp_tuple(o, e, &e->master, "master-src=", " master-dst=");
	if (ct_exp_has(e, CT_EXP_ZONE)) {
		out_str(o, "zone=");
		out_u32(o, e->zone);
		out_chr(o, ' ');
	}
	if (ct_exp_has(e, CT_EXP_FLAGS)) {
		if (e->flags & CT_EXPF_PERMANENT) {
			out_str(o, "PERMANENT");
			flag = true;
		}
		if (e->flags & CT_EXPF_INACTIVE) {
			out_str(o, flag ? ",INACTIVE" : "INACTIVE");
			flag = true;
		}
		if (e->flags & CT_EXPF_USERSPACE) {
			out_str(o, flag ? ",USERSPACE" : "USERSPACE");
			flag = true;
		}
		if (flag)
			out_chr(o, ' ');
	}
	if (ct_exp_has(e, CT_EXP_CLASS)) {
		out_str(o, "class=");
		out_u32(o, e->class);
		out_chr(o, ' ');
	}
	if (ct_exp_has(e, CT_EXP_HELPER)) {
		out_str(o, "helper=");
		out_mem(o, e->helper, strnlen(e->helper, sizeof(e->helper)));
		out_chr(o, ' ');
	}
	if (o->len && o->buf[o->len - 1] == ' ')
		o->len--;
	if (po->suffix) {
		out_chr(o, ' ');
		out_str(o, po->suffix);
	}
	out_chr(o, '\n');
}

static void xml_addr_group(struct out *o, const char *tag, int l3, const struct ct_tuple *t)
{
	out_chr(o, '<');
	out_str(o, tag);
	out_str(o, "><src>");
	out_ip(o, l3, pr_src(t));
	out_str(o, "</src><dst>");
	out_ip(o, l3, pr_dst(t));
	out_str(o, "</dst></");
	out_str(o, tag);
	out_chr(o, '>');
}

static void xml_port_group(struct out *o, const char *tag, unsigned int l4,
			   const struct ct_tuple *t)
{
	out_chr(o, '<');
	out_str(o, tag);
	out_chr(o, '>');
	if (pr_has_ports(l4)) {
		out_str(o, "<sport>");
		out_u32(o, pr_tfield16(t, CT_T_SPORT, t->sport));
		out_str(o, "</sport><dport>");
		out_u32(o, pr_tfield16(t, CT_T_DPORT, t->dport));
		out_str(o, "</dport>");
	}
	out_str(o, "</");
	out_str(o, tag);
	out_chr(o, '>');
}

static void exp_xml(struct out *o, const struct ct_exp *e, enum ct_msg kind,
		    const struct print_opts *po)
{
	const char *ev = pr_event_name(kind);
	int l3 = e->tuple.l3 ? e->tuple.l3 : e->family;
	unsigned int l4 = pr_tuple_l4(&e->tuple);
	const char *name = pr_l4_name(l4);

	if (ev) {
		out_str(o, "<flow type=\"");
		out_str(o, ev);
		out_str(o, "\">");
	} else {
		out_str(o, "<flow>");
	}
	out_str(o, "<layer3 protonum=\"");
	out_u32(o, (uint32_t)l3);
	out_str(o, "\" protoname=\"");
	out_str(o, pr_l3_name((unsigned int)l3));
	out_str(o, "\">");
	xml_addr_group(o, "expected", l3, &e->tuple);
	xml_addr_group(o, "mask", l3, &e->mask);
	xml_addr_group(o, "master", l3, &e->master);
	out_str(o, "</layer3><layer4 protonum=\"");
	out_u32(o, l4);
	out_str(o, "\" protoname=\"");
	out_str(o, name ? name : "unknown");
	out_str(o, "\">");
	xml_port_group(o, "expected", l4, &e->tuple);
	xml_port_group(o, "mask", l4, &e->mask);
	xml_port_group(o, "master", l4, &e->master);
	out_str(o, "</layer4><meta>");
	if (ct_exp_has(e, CT_EXP_HELPER)) {
		out_str(o, "<helper-name>");
		out_mem(o, e->helper, strnlen(e->helper, sizeof(e->helper)));
		out_str(o, "</helper-name>");
	}
	if (ct_exp_has(e, CT_EXP_TIMEOUT)) {
		out_str(o, "<timeout>");
		out_u32(o, e->timeout);
		out_str(o, "</timeout>");
	}
	if (ct_exp_has(e, CT_EXP_CLASS)) {
		out_str(o, "<class>");
		out_u32(o, e->class);
		out_str(o, "</class>");
	}
	if (ct_exp_has(e, CT_EXP_ZONE)) {
		out_str(o, "<zone>");
		out_u32(o, e->zone);
		out_str(o, "</zone>");
	}
	if (po->flags & PRINT_TIMESTAMP)
		pr_xml_when(o, po->ts_sec);
	if (ct_exp_has(e, CT_EXP_FLAGS)) {
		if (e->flags & CT_EXPF_PERMANENT)
			out_str(o, "<permanent/>");
		if (e->flags & CT_EXPF_INACTIVE)
			out_str(o, "<inactive/>");
		if (e->flags & CT_EXPF_USERSPACE)
			out_str(o, "<userspace/>");
	}
	out_str(o, "</meta></flow>\n");
}

static void json_exp_tuple(struct out *o, const char *k, int l3, const struct ct_tuple *t)
{
	bool first = true;

	out_str(o, ",\"");
	out_str(o, k);
	out_str(o, "\":{");
#define SEP() \
	do { \
		if (!first) \
			out_chr(o, ','); \
		first = false; \
	} while (0)
	if (t->present & CT_T_SRC) {
		SEP();
		out_str(o, "\"src\":\"");
		out_ip(o, l3, &t->src);
		out_chr(o, '"');
	}
	if (t->present & CT_T_DST) {
		SEP();
		out_str(o, "\"dst\":\"");
		out_ip(o, l3, &t->dst);
		out_chr(o, '"');
	}
	if (t->present & CT_T_PROTO) {
		SEP();
		out_str(o, "\"proto-num\":");
		out_u32(o, t->l4);
	}
	if (t->present & CT_T_SPORT) {
		SEP();
		out_str(o, "\"proto-src-port\":");
		out_u32(o, t->sport);
	}
	if (t->present & CT_T_DPORT) {
		SEP();
		out_str(o, "\"proto-dst-port\":");
		out_u32(o, t->dport);
	}
	if (t->present & CT_T_ICMP_TYPE) {
		SEP();
		out_str(o, "\"proto-icmp-type\":");
		out_u32(o, t->icmp_type);
	}
	if (t->present & CT_T_ICMP_CODE) {
		SEP();
		out_str(o, "\"proto-icmp-code\":");
		out_u32(o, t->icmp_code);
	}
	if (t->present & CT_T_ICMP_ID) {
		SEP();
		out_str(o, "\"proto-icmp-id\":");
		out_u32(o, t->icmp_id);
	}
#undef SEP
	out_chr(o, '}');
}

static void exp_json(struct out *o, const struct ct_exp *e, enum ct_msg kind,
		     const struct print_opts *po)
{
	const char *ev = pr_event_name(kind);
	int l3 = e->tuple.l3 ? e->tuple.l3 : e->family;

	out_str(o, "{\"family\":");
	pr_json_str(o, pr_l3_name((unsigned int)l3));
	if (ev) {
		out_str(o, ",\"event\":");
		pr_json_str(o, ev);
	}
	json_exp_tuple(o, "tuple", l3, &e->tuple);
	json_exp_tuple(o, "mask", l3, &e->mask);
	json_exp_tuple(o, "master", l3, &e->master);
	if (ct_exp_has(e, CT_EXP_TIMEOUT)) {
		out_str(o, ",\"timeout\":");
		out_u32(o, e->timeout);
	}
	if (ct_exp_has(e, CT_EXP_ID)) {
		out_str(o, ",\"id\":");
		out_u32(o, e->id);
	}
	if (ct_exp_has(e, CT_EXP_ZONE)) {
		out_str(o, ",\"zone\":");
		out_u32(o, e->zone);
	}
	if (ct_exp_has(e, CT_EXP_FLAGS)) {
		out_str(o, ",\"flags\":");
		out_u32(o, e->flags);
	}
	if (ct_exp_has(e, CT_EXP_CLASS)) {
		out_str(o, ",\"class\":");
		out_u32(o, e->class);
	}
	if (ct_exp_has(e, CT_EXP_HELPER)) {
		char tmp[CT_HELPER_LEN + 1];
		size_t n = strnlen(e->helper, sizeof(e->helper));

		memcpy(tmp, e->helper, n);
		tmp[n] = 0;
		out_str(o, ",\"helper-name\":");
		pr_json_str(o, tmp);
	}
	out_str(o, "}\n");
}

void print_exp(struct out *o, const struct ct_exp *e, enum ct_msg kind, const struct print_opts *po)
{
	if (po->flags & PRINT_XML)
		exp_xml(o, e, kind, po);
	else if (po->flags & PRINT_JSON)
		exp_json(o, e, kind, po);
	else
		exp_text(o, e, kind, po);
}

static const char *const ct_stat_names[] = {
	NULL,	    "searched",	      "found",	       "new",		"invalid",  "ignore",
	"delete",   "delete_list",    "insert",	       "insert_failed", "drop",	    "early_drop",
	"error",    "search_restart", "clash_resolve", "chaintoolong",	"unknown1", "unknown2",
	"unknown3", "unknown4",
};
static const char *const exp_stat_names[] = {
	NULL,
	"expect_new",
	"expect_create",
	"expect_delete",
};

const char *print_stats_name(unsigned int type, int expect)
{
	if (expect)
		return type < 4 ? exp_stat_names[type] : NULL;
	return type < sizeof(ct_stat_names) / sizeof(ct_stat_names[0]) ? ct_stat_names[type] : NULL;
}

void print_stats_cpu(struct out *o, const struct ct_stats *st, int expect)
{
	char *p = out_reserve(o, 16);
	size_t n = 4;

	memcpy(p, "cpu=", 4);
	n += fmt_u64(p + 4, st->cpu);
	while (n < 8)
		p[n++] = ' ';
	p[n++] = '\t';
	out_commit(o, n);
	for (unsigned int i = 1; i < CT_STATS_MAX; i++) {
		const char *name = print_stats_name(i, expect);

		if (!name || !(st->present & (UINT32_C(1) << i)))
			continue;
		out_str(o, name);
		out_chr(o, '=');
		out_u32(o, st->value[i]);
		/* upstream leaves the trailing space */
		out_chr(o, ' ');
	}
	out_chr(o, '\n');
}

void print_stats_json(struct out *o, const struct ct_stats *st, int expect)
{
	out_str(o, "{\"cpu\":");
	out_u32(o, st->cpu);
	for (unsigned int i = 1; i < CT_STATS_MAX; i++) {
		const char *name = print_stats_name(i, expect);

		if (!name || !(st->present & (UINT32_C(1) << i)))
			continue;
		out_str(o, ",\"");
		out_str(o, name);
		out_str(o, "\":");
		out_u32(o, st->value[i]);
	}
	out_chr(o, '}');
}
