// SPDX-License-Identifier: GPL-2.0-or-later
/* Conntrack printers: dispatch, shared tables and helpers, and the default text line. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/labelmap.h"
#include "core/out.h"
#include "core/print.h"
#include "core/print_priv.h"

#define NSEC_PER_SEC 1000000000ULL

const char *pr_l3_name(unsigned int family)
{
	if (family == AF_INET)
		return "ipv4";
	if (family == AF_INET6)
		return "ipv6";
	return "unknown";
}

const char *pr_l4_name(unsigned int proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 33:
		return "dccp";
	case 47:
		return "gre";
	case 58:
		return "icmpv6";
	case 132:
		return "sctp";
	case 136:
		return "udplite";
	}
	return NULL;
}

static const char *const tcp_states[10] = {
	"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
};
static const char *const sctp_states[10] = {
	"NONE",		 "CLOSED",	  "COOKIE_WAIT",       "COOKIE_ECHOED",	 "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};
static const char *const dccp_states[10] = {
	"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
};

const char *pr_tcp_state(unsigned int s)
{
	return tcp_states[s < 10 ? s : 0];
}

const char *pr_sctp_state(unsigned int s)
{
	return sctp_states[s < 10 ? s : 0];
}

const char *pr_dccp_state(unsigned int s)
{
	return dccp_states[s < 10 ? s : 0];
}

static const union ct_addr zero_addr;

const union ct_addr *pr_src(const struct ct_tuple *t)
{
	return (t->present & CT_T_SRC) ? &t->src : &zero_addr;
}

const union ct_addr *pr_dst(const struct ct_tuple *t)
{
	return (t->present & CT_T_DST) ? &t->dst : &zero_addr;
}

bool pr_label_bit(const struct ct *ct, unsigned int bit)
{
	return bit < pr_label_bits(ct) && (ct->labels[bit / 8] & (1u << (bit % 8)));
}

uint64_t pr_delta_text(const struct ct *ct, const struct print_opts *po)
{
	int64_t start = (int64_t)(ct->ts_start / NSEC_PER_SEC);
	int64_t end =
		ct_has(ct, CT_TS_STOP) ? (int64_t)(ct->ts_stop / NSEC_PER_SEC) : (int64_t)po->now;

	return (uint64_t)(end - start);
}

uint64_t pr_delta_xml(const struct ct *ct, const struct print_opts *po)
{
	if (ct_has(ct, CT_TS_STOP))
		return (uint64_t)(int64_t)((ct->ts_stop - ct->ts_start) / NSEC_PER_SEC);
	return (uint64_t)((int64_t)po->now - (int64_t)(ct->ts_start / NSEC_PER_SEC));
}

const struct pr_u32_field pr_u32_fields[PR_F_MAX] = {
	[PR_F_MARK] = { CT_MARK, 5, offsetof(struct ct, mark), "mark=", "mark", "mark" },
	[PR_F_SECMARK] = { CT_SECMARK, 8, offsetof(struct ct, secmark), "secmark=", "secmark",
			   "secmark" },
	[PR_F_ZONE] = { CT_ZONE, 5, offsetof(struct ct, zone), "zone=", "zone", "zone" },
	[PR_F_USE] = { CT_USE, 4, offsetof(struct ct, use), "use=", "use", "use" },
	[PR_F_ID] = { CT_ID, 3, offsetof(struct ct, id), "id=", "id", "id" },
	[PR_F_TIMEOUT] = { CT_TIMEOUT, 0, offsetof(struct ct, timeout), "", "timeout", "timeout" },
};

uint32_t pr_u32_value(const struct ct *ct, const struct pr_u32_field *f)
{
	const char *p = (const char *)ct + f->off;
	uint32_t v;
	uint16_t z;

	/* zone is the only u16 member */
	if (f->off == offsetof(struct ct, zone)) {
		memcpy(&z, p, 2);
		return z;
	}
	memcpy(&v, p, 4);
	return v;
}

static size_t put2(char *d, unsigned int v)
{
	d[0] = (char)('0' + v / 10 % 10);
	d[1] = (char)('0' + v % 10);
	return 2;
}

size_t pr_ctime(char *dst, int64_t sec)
{
	static const char wday[] = "SunMonTueWedThuFriSat";
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t t = (time_t)sec;
	struct tm tm;
	size_t n = 0;

	if (!localtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11)
		return 0;
	memcpy(dst, wday + 3 * tm.tm_wday, 3);
	dst[3] = ' ';
	memcpy(dst + 4, mon + 3 * tm.tm_mon, 3);
	n = 7;
	/* asctime's "%3d" day of month */
	dst[n++] = ' ';
	dst[n++] = tm.tm_mday >= 10 ? (char)('0' + tm.tm_mday / 10) : ' ';
	dst[n++] = (char)('0' + tm.tm_mday % 10);
	dst[n++] = ' ';
	n += put2(dst + n, (unsigned int)tm.tm_hour);
	dst[n++] = ':';
	n += put2(dst + n, (unsigned int)tm.tm_min);
	dst[n++] = ':';
	n += put2(dst + n, (unsigned int)tm.tm_sec);
	dst[n++] = ' ';
	if (tm.tm_year + 1900LL < 0) {
		dst[n++] = '-';
		n += fmt_u64(dst + n, (uint64_t) - (tm.tm_year + 1900LL));
	} else {
		n += fmt_u64(dst + n, (uint64_t)(tm.tm_year + 1900LL));
	}
	return n;
}

const char *pr_event_name(enum ct_msg kind)
{
	switch (kind) {
	case CT_MSG_NEW:
		return "new";
	case CT_MSG_UPDATE:
		return "update";
	case CT_MSG_DESTROY:
		return "destroy";
	default:
		return NULL;
	}
}

/* "[%-.8ld.%-.6ld]\t": at least 8 second digits, exactly 6 microsecond digits, zero padded. */
void pr_event_ts(struct out *o, const struct print_opts *po)
{
	char *p = out_reserve(o, 40);
	char d[24];
	size_t n = 0, k;
	int64_t s = po->ts_sec;
	uint64_t us = po->ts_usec < 0 ? 0 : (uint64_t)po->ts_usec;

	p[n++] = '[';
	if (s < 0) {
		p[n++] = '-';
		s = -s;
	}
	k = fmt_u64(d, (uint64_t)s);
	for (; k < 8; k++)
		p[n++] = '0';
	k = fmt_u64(d, (uint64_t)s);
	memcpy(p + n, d, k);
	n += k;
	p[n++] = '.';
	k = fmt_u64(d, us);
	for (size_t i = k; i < 6; i++)
		p[n++] = '0';
	memcpy(p + n, d, k);
	n += k;
	p[n++] = ']';
	p[n++] = '\t';
	out_commit(o, n);
}

void pr_userspace(struct out *o, const struct print_opts *po)
{
	if (!po->portid)
		return;
	out_mem(o, " [USERSPACE] portid=", 20);
	out_u32(o, po->portid);
	if (po->progname) {
		out_mem(o, " progname=", 10);
		out_str(o, po->progname);
	}
}

/* ---- default text line ---- */

/*
 * The text line is the listing hot path: it is written through a cursor
 * into one reservation instead of one out_* call per token. The bound adds
 * up every field but labels and the userspace tag (written after, through
 * out_*): columns 13 + 13, timeout 11, three states of at most 18, two
 * tuples of 100 (addresses) + 28 (l4) + 17 (zone) + 56 (counters), 12 + 13
 * for the flags, 16 + 19 + 72 + 11 + 32 for mark, secmark, secctx, zone and
 * delta-time, 50 + 49 for the stamps, 40 + 15 + 14 for helper, use and id,
 * and the newline: 837, plus the byte fmt_ip may scribble past its result.
 */
#define TEXT_LINE_MAX 1024

/* Literal copy: the size is a constant, so this is a couple of stores. */
#define PUT_LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

/* Short run of bytes without a library call (same trick as out_mem). */
static inline char *put_mem(char *d, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else if (n < 4) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		memcpy(d, s, n);
	}
	return d + n;
}

static inline char *put_str(char *d, const char *s)
{
	while (*s)
		*d++ = *s++;
	return d;
}

/* Two or more digits: one out-of-line copy keeps the many call sites small. */
static __attribute__((noinline)) char *put_u32_big(char *p, uint32_t v)
{
	if (v < 100) {
		memcpy(p, fmt_digit_pairs + 2 * v, 2);
		return p + 2;
	}
	/* ports, timeouts, ICMP ids: most values here fit in five digits */
	if (v < 10000) {
		unsigned int hi = v / 100, lo = v % 100;

		if (hi < 10) {
			*p = (char)('0' + hi);
			memcpy(p + 1, fmt_digit_pairs + 2 * lo, 2);
			return p + 3;
		}
		memcpy(p, fmt_digit_pairs + 2 * hi, 2);
		memcpy(p + 2, fmt_digit_pairs + 2 * lo, 2);
		return p + 4;
	}
	if (v < 100000) {
		unsigned int top = v / 10000, mid = v / 100 % 100, lo = v % 100;

		*p = (char)('0' + top);
		memcpy(p + 1, fmt_digit_pairs + 2 * mid, 2);
		memcpy(p + 3, fmt_digit_pairs + 2 * lo, 2);
		return p + 5;
	}
	return p + fmt_u32(p, v);
}

/* Counters, marks and use counts are mostly one digit: that case stays inline. */
static inline char *put_u32(char *p, uint32_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	return put_u32_big(p, v);
}

static inline char *put_u64(char *p, uint64_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	return p + fmt_u64(p, v);
}

/* "%-8s %u ": names are at most 7 bytes, so pad to 8 with a fixed copy. */
static char *put_pad8(char *p, const char *name, unsigned int num)
{
	size_t n = strlen(name);

	if (n < 8) {
		memcpy(p, "         ", 9);
		put_mem(p, name, n);
		p += 9;
	} else {
		p = put_mem(p, name, n);
		*p++ = ' ';
	}
	p = put_u32(p, num);
	*p++ = ' ';
	return p;
}

/*
 * The l4 column: pr_l4_name's names (keep the two lists in step) padded to
 * "%-8s " (nine bytes), so the hot path makes one fixed-size copy.
 */
static const char *l4_col(unsigned int proto)
{
	switch (proto) {
	case 1:
		return "icmp     ";
	case 6:
		return "tcp      ";
	case 17:
		return "udp      ";
	case 33:
		return "dccp     ";
	case 47:
		return "gre      ";
	case 58:
		return "icmpv6   ";
	case 132:
		return "sctp     ";
	case 136:
		return "udplite  ";
	}
	return "unknown  ";
}

/* pr_src / pr_dst inlined for the hot path (exported functions are not, under -fPIC). */
static inline const union ct_addr *tuple_addr(const struct ct_tuple *t, unsigned int bit,
					      const union ct_addr *a)
{
	return (t->present & bit) ? a : &zero_addr;
}

/*
 * Without NAT the reply tuple holds the original's addresses swapped, and an
 * IPv6 address costs far more to format than to compare: the original's
 * address texts are remembered (they stay in the line's one reservation)
 * and copied when the reply repeats them. Index 0 is the source, 1 the
 * destination of the original tuple.
 */
struct addr_memo {
	int l3; /* 0 until the original tuple printed its addresses */
	const union ct_addr *a[2];
	const char *txt[2];
	size_t len[2];
};

static inline bool addr_eq(int l3, const union ct_addr *a, const union ct_addr *b)
{
	return l3 == AF_INET ? a->v4 == b->v4 : !memcmp(a->v6, b->v6, 16);
}

/* Up to FMT_IP_MAX bytes with a few overlapping fixed-size copies. */
static inline char *copy_addr(char *d, const char *s, size_t n)
{
	if (n <= 16)
		return put_mem(d, s, n);
	memcpy(d, s, 16);
	if (n > 32)
		memcpy(d + 16, s + 16, 16);
	memcpy(d + n - 16, s + n - 16, 16);
	return d + n;
}

/* Address k (0 src, 1 dst) of the original tuple; a reply address first looks at index k. */
static inline __attribute__((always_inline)) char *put_addr(char *p, int l3, const union ct_addr *a,
							    struct addr_memo *m, bool reply, int k)
{
	size_t n;

	if (reply) {
		if (m->l3 == l3 && addr_eq(l3, a, m->a[k]))
			return copy_addr(p, m->txt[k], m->len[k]);
		return p + fmt_ip(p, l3, a);
	}
	n = fmt_ip(p, l3, a);
	m->l3 = l3;
	m->a[k] = a;
	m->txt[k] = p;
	m->len[k] = n;
	return p + n;
}

static inline __attribute__((always_inline)) char *text_tuple(char *p, const struct ct *ct,
							      const struct ct_tuple *t,
							      struct addr_memo *memo, bool reply)
{
	int l3 = pr_tuple_l3(ct, t);
	unsigned int l4 = pr_tuple_l4(t);

	if (l3 == AF_INET || l3 == AF_INET6) {
		p = PUT_LIT(p, "src=");
		p = put_addr(p, l3, tuple_addr(t, CT_T_SRC, &t->src), memo, reply, reply);
		p = PUT_LIT(p, " dst=");
		p = put_addr(p, l3, tuple_addr(t, CT_T_DST, &t->dst), memo, reply, !reply);
		*p++ = ' ';
	}
	if (pr_has_ports(l4)) {
		p = PUT_LIT(p, "sport=");
		p = put_u32(p, pr_tfield16(t, CT_T_SPORT, t->sport));
		p = PUT_LIT(p, " dport=");
		p = put_u32(p, pr_tfield16(t, CT_T_DPORT, t->dport));
		*p++ = ' ';
	} else if (l4 == 47) {
		p = PUT_LIT(p, "srckey=0x");
		p += fmt_hex(p, pr_tfield16(t, CT_T_SPORT, t->sport));
		p = PUT_LIT(p, " dstkey=0x");
		p += fmt_hex(p, pr_tfield16(t, CT_T_DPORT, t->dport));
		*p++ = ' ';
	} else if (pr_is_icmp(l4)) {
		p = PUT_LIT(p, "type=");
		p = put_u32(p, (t->present & CT_T_ICMP_TYPE) ? t->icmp_type : 0);
		p = PUT_LIT(p, " code=");
		p = put_u32(p, (t->present & CT_T_ICMP_CODE) ? t->icmp_code : 0);
		p = PUT_LIT(p, " id=");
		p = put_u32(p, pr_tfield16(t, CT_T_ICMP_ID, t->icmp_id));
		*p++ = ' ';
	}
	return p;
}

static inline char *text_counters(char *p, const struct ct_counters *c)
{
	p = PUT_LIT(p, "packets=");
	p = put_u64(p, c->packets);
	p = PUT_LIT(p, " bytes=");
	p = put_u64(p, c->bytes);
	*p++ = ' ';
	return p;
}

/* One "name=value " u32 field (names and order from pr_u32_fields); inlined per field. */
static inline __attribute__((always_inline)) char *text_u32(char *p, const struct ct *ct,
							    unsigned int f, uint32_t v)
{
	const struct pr_u32_field *d = &pr_u32_fields[f];

	if (!ct_has(ct, d->attr))
		return p;
	p = put_mem(p, d->text, d->text_len);
	p = put_u32(p, v);
	*p++ = ' ';
	return p;
}

static char *text_stamp(char *p, const char *tag, size_t len, uint64_t ns)
{
	memcpy(p, tag, len);
	len += pr_ctime(p + len, (int64_t)(ns / NSEC_PER_SEC));
	p[len++] = ']';
	p[len++] = ' ';
	return p + len;
}

/* Names of set bits the map knows; with none, "labels=" loses its '=' (upstream quirk). */
static void text_labels(struct out *o, const struct ct *ct, const struct labelmap *map)
{
	unsigned int bits = pr_label_bits(ct);

	out_mem(o, "labels=", 7);
	for (unsigned int i = 0; i < bits; i++) {
		const char *name;

		if (!pr_label_bit(ct, i))
			continue;
		name = labelmap_name(map, i);
		if (!name || !*name)
			continue;
		out_str(o, name);
		out_chr(o, ',');
	}
	o->len--;
	out_chr(o, ' ');
}

static const char *const event_prefix[] = {
	[CT_MSG_NEW] = "    [NEW] ",
	[CT_MSG_UPDATE] = " [UPDATE] ",
	[CT_MSG_DESTROY] = "[DESTROY] ",
};

void pr_ct_text(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po)
{
	uint32_t fl = po->flags;
	unsigned int l4 = pr_tuple_l4(&ct->orig);
	struct addr_memo memo = { .l3 = 0 };
	char *start, *p;

	if (kind >= CT_MSG_NEW && kind <= CT_MSG_DESTROY) {
		if (fl & PRINT_TIMESTAMP)
			pr_event_ts(o, po);
		out_mem(o, event_prefix[kind], 10);
	}
	/* out_reserve inlined: one call per line is a measurable share of it */
	if (o->cap - o->len < TEXT_LINE_MAX)
		out_flush(o);
	start = p = o->buf + o->len;
	if (fl & PRINT_EXTENDED) {
		int l3 = pr_tuple_l3(ct, &ct->orig);

		p = put_pad8(p, pr_l3_name((unsigned int)l3), (unsigned int)l3);
	}
	memcpy(p, l4_col(l4), 9);
	p = put_u32(p + 9, l4);
	*p++ = ' ';
	if (ct_has(ct, CT_TIMEOUT)) {
		p = put_u32(p, ct->timeout);
		*p++ = ' ';
	}
	if (ct_has(ct, CT_TCP_STATE)) {
		p = put_str(p, pr_tcp_state(ct->tcp.state));
		*p++ = ' ';
	}
	if (ct_has(ct, CT_SCTP_STATE)) {
		p = put_str(p, pr_sctp_state(ct->sctp.state));
		*p++ = ' ';
	}
	if (ct_has(ct, CT_DCCP_STATE)) {
		p = put_str(p, pr_dccp_state(ct->dccp.state));
		*p++ = ' ';
	}

	p = text_tuple(p, ct, &ct->orig, &memo, false);
	if (ct->orig.present & CT_T_ZONE) {
		p = PUT_LIT(p, "zone-orig=");
		p = put_u32(p, ct->orig.zone);
		*p++ = ' ';
	}
	if (ct_has(ct, CT_COUNTERS_ORIG))
		p = text_counters(p, &ct->cnt_orig);
	if (ct_has(ct, CT_STATUS) && !(ct->status & CT_IPS_SEEN_REPLY))
		p = PUT_LIT(p, "[UNREPLIED] ");

	/* conntrackd's external cache holds entries without a reply tuple. */
	if (ct_has(ct, CT_REPLY) || ct->reply.present)
		p = text_tuple(p, ct, &ct->reply, &memo, true);
	if (ct->reply.present & CT_T_ZONE) {
		p = PUT_LIT(p, "zone-reply=");
		p = put_u32(p, ct->reply.zone);
		*p++ = ' ';
	}
	if (ct_has(ct, CT_COUNTERS_REPLY))
		p = text_counters(p, &ct->cnt_reply);
	if (ct_has(ct, CT_STATUS)) {
		if (ct->status & CT_IPS_HW_OFFLOAD)
			p = PUT_LIT(p, "[HW_OFFLOAD] ");
		else if (ct->status & CT_IPS_OFFLOAD)
			p = PUT_LIT(p, "[OFFLOAD] ");
		else if (ct->status & CT_IPS_ASSURED)
			p = PUT_LIT(p, "[ASSURED] ");
	}

	p = text_u32(p, ct, PR_F_MARK, ct->mark);
	p = text_u32(p, ct, PR_F_SECMARK, ct->secmark);
	if (ct_has(ct, CT_SECCTX)) {
		p = PUT_LIT(p, "secctx=");
		p = put_mem(p, ct->secctx, strnlen(ct->secctx, sizeof(ct->secctx)));
		*p++ = ' ';
	}
	p = text_u32(p, ct, PR_F_ZONE, ct->zone);
	if (ct_has(ct, CT_TS_START)) {
		p = PUT_LIT(p, "delta-time=");
		p = put_u64(p, pr_delta_text(ct, po));
		*p++ = ' ';
	}
	if (fl & PRINT_KTIMESTAMP) {
		if (ct_has(ct, CT_TS_START))
			p = text_stamp(p, "[start=", 7, ct->ts_start);
		if (ct_has(ct, CT_TS_STOP))
			p = text_stamp(p, "[stop=", 6, ct->ts_stop);
	}
	if (ct_has(ct, CT_HELPER)) {
		p = PUT_LIT(p, "helper=");
		p = put_mem(p, ct->helper, strnlen(ct->helper, sizeof(ct->helper)));
		*p++ = ' ';
	}
	p = text_u32(p, ct, PR_F_USE, ct->use);
	if (fl & PRINT_ID)
		p = text_u32(p, ct, PR_F_ID, ct->id);
	if (!(po->map && ct_has(ct, CT_LABELS)) && !po->portid && !po->suffix) {
		/* Common case, finished in place: the line always holds the l4 column. */
		if (p[-1] == ' ')
			p--;
		*p++ = '\n';
		o->len += (size_t)(p - start);
		return;
	}
	out_commit(o, (size_t)(p - start));
	if (po->map && ct_has(ct, CT_LABELS))
		text_labels(o, ct, po->map);

	/* Every field ends in a space and the last one is dropped; the writer flushes lazily, so it is still buffered. */
	if (o->len && o->buf[o->len - 1] == ' ')
		o->len--;
	pr_userspace(o, po);
	if (po->suffix) {
		out_chr(o, ' ');
		out_str(o, po->suffix);
	}
	out_chr(o, '\n');
}

int print_ct_l3proto(const struct ct *ct)
{
	if (ct_has(ct, CT_ORIG) && ct->orig.l3)
		return ct->orig.l3;
	if (ct_has(ct, CT_REPLY) && ct->reply.l3)
		return ct->reply.l3;
	return ct->family;
}

int print_ct(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po)
{
	uint32_t fl = po->flags;

	if (fl & PRINT_SAVE)
		return pr_ct_save(o, ct, kind, po);
	if (fl & PRINT_XML)
		pr_ct_xml(o, ct, kind, po);
	else if (fl & PRINT_JSON)
		pr_ct_json(o, ct, kind, po);
	else
		pr_ct_text(o, ct, kind, po);
	return 0;
}
