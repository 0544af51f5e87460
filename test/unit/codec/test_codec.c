// SPDX-License-Identifier: GPL-2.0-or-later
/* Codec tests on kernel-captured fixtures: decode -> encode identity, hostile input, builders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "proto/ctnl.h"
#include "fixture.h"

#include "check.h"

static uint8_t big[1 << 16];

static const struct nlmsghdr *msg(const struct fixture *f, size_t i)
{
	return (const void *)(f->data + f->off[i]);
}

/* A private copy of exactly n bytes, so ASan sees any read past the message. */
static struct nlmsghdr *dup_msg(const void *m, size_t n)
{
	struct nlmsghdr *c = malloc(n < sizeof(*c) ? sizeof(*c) : n);

	memcpy(c, m, n);
	c->nlmsg_len = (uint32_t)n;
	return c;
}

static void report_diff(const char *what, size_t i, const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (a[k] != b[k]) {
			fprintf(stderr,
				"  %s msg %zu: first difference at byte %zu (%02x vs %02x)\n", what,
				i, k, a[k], b[k]);
			return;
		}
}

static void roundtrip_ct(const struct fixture *f)
{
	/* The capture is meant to hold every kind of attribute a dump can carry here. */
	static const enum ct_attr want[] = { CT_MASTER,	       CT_LABELS,	  CT_HELPER,
					     CT_ZONE,	       CT_TCP_FLAGS_ORIG, CT_SCTP_VTAG_ORIG,
					     CT_COUNTERS_ORIG, CT_TS_START,	  CT_MARK,
					     CT_SYNPROXY };
	uint64_t seen = 0;
	uint16_t tseen = 0;
	struct ct ct;

	CHECK(f->n >= 10, "ct fixture has only %zu entries", f->n);
	for (size_t i = 0; i < f->n; i++) {
		const struct nlmsghdr *nlh = msg(f, i);
		enum ct_msg kind;
		int err = ctnl_parse_ct(nlh, &ct, &kind), len;

		CHECK(err == 0, "ct msg %zu: parse %d", i, err);
		CHECK(kind == CT_MSG_UPDATE, "ct msg %zu: dump entry kind %d", i, kind);
		CHECK(ct_has(&ct, CT_ORIG) && ct_has(&ct, CT_REPLY) && ct_has(&ct, CT_ID),
		      "ct msg %zu: tuples/id missing", i);
		len = ctnl_encode_ct_full(big, sizeof(big), nlh->nlmsg_type, nlh->nlmsg_flags,
					  nlh->nlmsg_seq, nlh->nlmsg_pid, &ct);
		CHECK(len == (int)nlh->nlmsg_len && !memcmp(big, nlh, nlh->nlmsg_len),
		      "ct msg %zu: re-encoding differs (len %d vs %u)", i, len, nlh->nlmsg_len);
		if (len > 0 && (size_t)len >= nlh->nlmsg_len)
			report_diff("ct", i, big, (const void *)nlh, nlh->nlmsg_len);
		CHECK(ctnl_encode_ct_full(big, (size_t)nlh->nlmsg_len - 1, nlh->nlmsg_type, 0, 0, 0,
					  &ct) == -ENOSPC,
		      "ct msg %zu: short buffer not refused", i);
		seen |= ct.present;
		tseen |= ct.orig.present | ct.reply.present;
	}
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		CHECK(seen & (UINT64_C(1) << want[k]), "no fixture entry has attribute %d",
		      want[k]);
	CHECK((tseen & (CT_T_ZONE | CT_T_ICMP_ID | CT_T_SPORT)) ==
		      (CT_T_ZONE | CT_T_ICMP_ID | CT_T_SPORT),
	      "fixture tuples lack zones, icmp or ports");
}

/* Events have their own attribute order and carry CTA_TIMESTAMP_EVENT on kernels >= 6.14. */
static void roundtrip_events(const struct fixture *f)
{
	static const enum ct_msg kinds[] = { CT_MSG_NEW, CT_MSG_UPDATE, CT_MSG_DESTROY };
	struct ct ct;

	CHECK(f->n == 3, "events fixture has %zu messages", f->n);
	for (size_t i = 0; i < f->n && i < 3; i++) {
		const struct nlmsghdr *nlh = msg(f, i);
		enum ct_msg kind;
		int err = ctnl_parse_ct(nlh, &ct, &kind), len;

		CHECK(err == 0 && kind == kinds[i], "event %zu: parse %d kind %d", i, err, kind);
		CHECK(ct_has(&ct, CT_TS_EVENT) && ct.ts_event >= ct.ts_start,
		      "event %zu: event time", i);
		CHECK(nlh->nlmsg_pid != 0, "event %zu: caused by a request, portid expected", i);
		len = ctnl_encode_ct_full(big, sizeof(big), nlh->nlmsg_type, nlh->nlmsg_flags,
					  nlh->nlmsg_seq, nlh->nlmsg_pid, &ct);
		CHECK(len == (int)nlh->nlmsg_len && !memcmp(big, nlh, nlh->nlmsg_len),
		      "event %zu: re-encoding differs", i);
	}
	CHECK(f->n == 3 && ct_has(&ct, CT_COUNTERS_ORIG) && ct_has(&ct, CT_TS_STOP),
	      "destroy event without counters/stop time");
}

static void roundtrip_exp(const struct fixture *f)
{
	struct ct_exp e;

	CHECK(f->n >= 1, "exp fixture is empty");
	for (size_t i = 0; i < f->n; i++) {
		const struct nlmsghdr *nlh = msg(f, i);
		int err = ctnl_parse_exp(nlh, &e, NULL), len;

		CHECK(err == 0, "exp msg %zu: parse %d", i, err);
		CHECK(ct_exp_has(&e, CT_EXP_MASTER) && ct_exp_has(&e, CT_EXP_TUPLE) &&
			      ct_exp_has(&e, CT_EXP_MASK) && ct_exp_has(&e, CT_EXP_HELPER),
		      "exp msg %zu: attributes missing", i);
		CHECK(!strcmp(e.helper, "ftp"), "exp msg %zu: helper '%s'", i, e.helper);
		len = ctnl_encode_exp_full(big, sizeof(big), nlh->nlmsg_type, nlh->nlmsg_flags,
					   nlh->nlmsg_seq, nlh->nlmsg_pid, &e);
		CHECK(len == (int)nlh->nlmsg_len && !memcmp(big, nlh, nlh->nlmsg_len),
		      "exp msg %zu: re-encoding differs (len %d vs %u)", i, len, nlh->nlmsg_len);
	}
}

/* The per-cpu counters must match what the oracle printed for the same capture. */
static void stats(const char *dir)
{
	struct fixture f;
	struct ct_stats st;
	char *txt = fix_text(dir, "S.txt", NULL), *line = txt;
	static const uint8_t order[] = { CTA_STATS_FOUND,	  CTA_STATS_INVALID,
					 CTA_STATS_INSERT,	  CTA_STATS_INSERT_FAILED,
					 CTA_STATS_DROP,	  CTA_STATS_EARLY_DROP,
					 CTA_STATS_ERROR,	  CTA_STATS_SEARCH_RESTART,
					 CTA_STATS_CLASH_RESOLVE, CTA_STATS_CHAIN_TOOLONG };
	uint32_t entries = 0, max = 0;
	size_t lines = 0;

	fix_load(&f, dir, "stats-cpu.bin");
	CHECK(f.n >= 1, "no stats");
	for (size_t i = 0; i < f.n; i++) {
		unsigned int cpu, found, invalid, insert;

		CHECK(ctnl_parse_stats_cpu(msg(&f, i), &st) == 0, "stats %zu: parse", i);
		CHECK(st.n == sizeof(order) && !memcmp(st.order, order, sizeof(order)),
		      "stats %zu: order", i);
		CHECK(line && sscanf(line, "cpu=%u found=%u invalid=%u insert=%u", &cpu, &found,
				     &invalid, &insert) == 4,
		      "S.txt line %zu unreadable", i);
		if (!line)
			break;
		CHECK(cpu == st.cpu && found == st.value[CTA_STATS_FOUND] &&
			      invalid == st.value[CTA_STATS_INVALID] &&
			      insert == st.value[CTA_STATS_INSERT],
		      "stats %zu: values differ from the oracle's", i);
		line = strchr(line, '\n');
		line = line && line[1] ? line + 1 : NULL;
	}
	fix_free(&f);
	free(txt);

	fix_load(&f, dir, "exp-stats-cpu.bin");
	for (size_t i = 0; i < f.n; i++) {
		CHECK(ctnl_parse_stats_cpu(msg(&f, i), &st) == 0 && st.n == 3 &&
			      st.order[0] == CTA_STATS_EXP_NEW &&
			      st.order[2] == CTA_STATS_EXP_DELETE,
		      "exp stats %zu", i);
	}
	fix_free(&f);

	fix_load(&f, dir, "stats.bin");
	CHECK(f.n == 1 && ctnl_parse_stats_global(msg(&f, 0), &entries, &max) == 0,
	      "global stats parse");
	txt = fix_text(dir, "L.txt", NULL);
	for (char *p = txt; (p = strchr(p, '\n')); p++)
		lines++;
	free(txt);
	CHECK(entries == lines, "global stats: %u entries, oracle listed %zu", entries, lines);
	CHECK(max > 0, "global stats: no max");
	fix_free(&f);
}

/* Top-level attribute ends: truncating the message there (or in tail padding) stays valid. */
static int trunc_ok(const uint8_t *m, size_t len, size_t t)
{
	size_t off = NLMSG_HDRLEN + 4;

	if (t == off)
		return 1;
	while (off + NLA_HDRLEN <= len) {
		uint16_t alen;

		memcpy(&alen, m + off, 2);
		if (t >= off + alen && t <= off + NLA_ALIGN(alen))
			return 1;
		off += NLA_ALIGN(alen);
	}
	return 0;
}

typedef int (*parse_fn)(const struct nlmsghdr *, void *);

static int p_ct(const struct nlmsghdr *n, void *o)
{
	int err = ctnl_parse_ct(n, o, NULL);

	/* Whatever parsed must re-encode without trouble. */
	if (!err && ctnl_encode_ct_full(big, sizeof(big), n->nlmsg_type, 0, 0, 0, o) < 0)
		return -1000;
	return err;
}

static int p_exp(const struct nlmsghdr *n, void *o)
{
	int err = ctnl_parse_exp(n, o, NULL);

	if (!err && ctnl_encode_exp_full(big, sizeof(big), n->nlmsg_type, 0, 0, 0, o) < 0)
		return -1000;
	return err;
}

static int p_stats(const struct nlmsghdr *n, void *o)
{
	return ctnl_parse_stats_cpu(n, o);
}

static uint32_t rnd_state = 0x12345678;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Every nla header inside [off, end), recursing into nests; calls fn with its offset and room. */
static void each_attr(const uint8_t *m, size_t off, size_t end, int depth,
		      void (*fn)(size_t at, size_t room, void *arg), void *arg)
{
	while (off + NLA_HDRLEN <= end) {
		uint16_t alen, type;

		memcpy(&alen, m + off, 2);
		memcpy(&type, m + off + 2, 2);
		if (alen < NLA_HDRLEN || alen > end - off)
			return;
		fn(off, end - off, arg);
		if ((type & NLA_F_NESTED) && depth < 8)
			each_attr(m, off + NLA_HDRLEN, off + alen, depth + 1, fn, arg);
		off += NLA_ALIGN(alen);
	}
}

struct hostile {
	const uint8_t *m;
	size_t len;
	parse_fn fn;
	const char *what;
	size_t idx;
};

static void bogus_len(size_t at, size_t room, void *arg)
{
	struct hostile *h = arg;
	uint16_t orig, vals[] = { 0, 1, 3, 4, 5, 7, 0, 0, 0xffff, 0 };

	memcpy(&orig, h->m + at, 2);
	vals[6] = (uint16_t)(orig + 4);
	vals[7] = (uint16_t)(orig + 8);
	vals[9] = (uint16_t)(room + 1);
	for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
		struct nlmsghdr *c = dup_msg(h->m, h->len);
		union {
			struct ct ct;
			struct ct_exp e;
			struct ct_stats s;
		} o;
		int err;

		memcpy((uint8_t *)c + at, &vals[v], 2);
		err = h->fn(c, &o);
		CHECK(err != -1000, "%s msg %zu: parsed but could not re-encode", h->what, h->idx);
		if (vals[v] < NLA_HDRLEN || vals[v] > room)
			CHECK(err < 0, "%s msg %zu: nla_len %u at %zu (room %zu) accepted", h->what,
			      h->idx, vals[v], at, room);
		free(c);
	}
}

static void hostile(const struct fixture *f, parse_fn fn, const char *what, size_t obj)
{
	void *o = malloc(obj);

	for (size_t i = 0; i < f->n; i++) {
		const uint8_t *m = f->data + f->off[i];
		size_t len = msg(f, i)->nlmsg_len;
		struct hostile h = { m, len, fn, what, i };

		for (size_t t = NLMSG_HDRLEN; t <= len; t++) {
			struct nlmsghdr *c = dup_msg(m, t);
			int err = fn(c, o);

			CHECK(err != -1000, "%s msg %zu: truncated parse could not re-encode", what,
			      i);
			if (t < NLMSG_HDRLEN + 4)
				CHECK(err == -EINVAL, "%s msg %zu: %zu-byte message accepted", what,
				      i, t);
			else
				CHECK((err == 0) == trunc_ok(m, len, t),
				      "%s msg %zu cut at %zu: %d", what, i, t, err);
			free(c);
		}
		for (int k = 0; k < 200; k++) {
			struct nlmsghdr *c = dup_msg(m, len);
			int flips = 1 + (int)(rnd() % 4);

			for (int b = 0; b < flips; b++) {
				/* Leave nlmsg_len alone: the socket layer vouches for it. */
				size_t at = 4 + rnd() % (len - 4);

				((uint8_t *)c)[at] ^= (uint8_t)(1u << (rnd() % 8));
			}
			CHECK(fn(c, o) != -1000, "%s msg %zu: flipped parse could not re-encode",
			      what, i);
			free(c);
		}
		each_attr(m, NLMSG_HDRLEN + 4, len, 0, bogus_len, &h);
	}
	free(o);
}

/* Wrong subsystem, short header. */
static void frames(const struct fixture *ctf)
{
	struct ct ct;
	struct ct_exp e;
	struct nlmsghdr *c = dup_msg(msg(ctf, 0), msg(ctf, 0)->nlmsg_len);

	CHECK(ctnl_parse_exp(c, &e, NULL) == -EPROTO, "ct message parsed as expectation");
	c->nlmsg_type = (uint16_t)(3 << 8);
	CHECK(ctnl_parse_ct(c, &ct, NULL) == -EPROTO, "foreign subsystem accepted");
	free(c);
}

/* 64-bit padding and CTA_TIMESTAMP_EVENT as a padding arch would send them. */
static void padding(void)
{
	static uint8_t buf2[4096];
	struct ct ct, back;
	int len, len2;

	memset(&ct, 0, sizeof(ct));
	ct.family = AF_INET;
	ct.orig.l3 = AF_INET;
	ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO;
	ct.orig.l4 = 6;
	ct_set(&ct, CT_ORIG);
	ct_set(&ct, CT_STATUS);
	ct_set(&ct, CT_COUNTERS_ORIG);
	ct_set(&ct, CT_TS_START);
	ct_set(&ct, CT_TS_EVENT);
	ct.cnt_orig.packets = 0x0102030405060708ull;
	ct.ts_start = 42;
	ct.ts_event = 43;
	ct.status = 8;
	memcpy(ct.wire_order,
	       (uint8_t[]){ CTA_TUPLE_ORIG, CTA_STATUS, CTA_COUNTERS_ORIG, CTA_TIMESTAMP, 27 }, 5);
	ct.wire_n = 5;
	for (int phase = 0; phase < 8; phase += 4) {
		ct.wire_pad = (uint8_t)(1 + phase);
		len = ctnl_encode_ct_full(buf2, sizeof(buf2), 1 << 8, 0, 0, 0, &ct);
		CHECK(len > 0, "pad encode %d", len);
		CHECK(ctnl_parse_ct((void *)buf2, &back, NULL) == 0, "pad parse");
		CHECK(back.wire_pad == ct.wire_pad, "pad phase %d read back as %d", phase,
		      back.wire_pad - 1);
		CHECK(back.ts_event == 43 && back.ts_start == 42 &&
			      back.cnt_orig.packets == ct.cnt_orig.packets && back.status == 8,
		      "padded values");
		len2 = ctnl_encode_ct_full(big, sizeof(big), 1 << 8, 0, 0, 0, &back);
		CHECK(len2 == len && !memcmp(big, buf2, (size_t)len), "padded re-encoding");
	}
	/* Without padding the event timestamp is a plain top-level u64. */
	ct.wire_pad = 0;
	len = ctnl_encode_ct_full(buf2, sizeof(buf2), 1 << 8, 0, 0, 0, &ct);
	CHECK(ctnl_parse_ct((void *)buf2, &back, NULL) == 0 && ct_has(&back, CT_TS_EVENT) &&
		      back.ts_event == 43 && back.wire_pad == 0,
	      "unpadded event timestamp");
}

/* Is bit n set in a bitmap as the kernel keeps it (test_bit() on an array of longs)? */
static int kernel_bit(const uint8_t *payload, size_t len, unsigned int n)
{
	const unsigned int bits = 8 * sizeof(unsigned long);
	unsigned long w;

	if ((n / bits + 1) * sizeof(w) > len)
		return 0;
	memcpy(&w, payload + n / bits * sizeof(w), sizeof(w));
	return (w >> (n % bits)) & 1;
}

/* Label bit N of the model is the kernel's bit N, on hosts of either byte order. */
static void labels(void)
{
	static const unsigned int set[] = { 0, 1, 9, 37, 64, 127 };
	static uint8_t buf2[4096];
	struct ct ct, back;
	const struct nlattr *a;
	size_t off;
	int len;

	memset(&ct, 0, sizeof(ct));
	ct.family = AF_INET;
	ct.orig.l3 = AF_INET;
	ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO;
	ct.orig.l4 = 6;
	ct_set(&ct, CT_ORIG);
	ct_set(&ct, CT_LABELS);
	ct.labels_len = CT_LABELS_BYTES;
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		ct.labels[set[i] / 8] |= (uint8_t)(1u << (set[i] % 8));
	memcpy(ct.wire_order, (uint8_t[]){ CTA_TUPLE_ORIG, CTA_LABELS }, 2);
	ct.wire_n = 2;
	len = ctnl_encode_ct_full(buf2, sizeof(buf2), 1 << 8, 0, 0, 0, &ct);
	CHECK(len > 0, "labels encode %d", len);
	for (off = NLMSG_HDRLEN + 4; len > 0 && off + NLA_HDRLEN <= (size_t)len;
	     off += NLA_ALIGN(a->nla_len)) {
		a = (const void *)(buf2 + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) != CTA_LABELS)
			continue;
		for (unsigned int n = 0; n < CT_LABELS_BYTES * 8; n++) {
			int want = 0;

			for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
				want |= set[i] == n;
			CHECK(kernel_bit((const uint8_t *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
					 n) == want,
			      "label bit %u: kernel sees %d", n, !want);
		}
		break;
	}
	CHECK(len > 0 && off + NLA_HDRLEN <= (size_t)len, "no CTA_LABELS in the encoding");
	CHECK(len > 0 && ctnl_parse_ct((void *)buf2, &back, NULL) == 0 &&
		      !memcmp(back.labels, ct.labels, CT_LABELS_BYTES),
	      "labels read back changed");
}

int main(int argc, char **argv)
{
	struct fixture ctf, expf, stf, evf;

	if (argc != 2) {
		fprintf(stderr, "usage: test_codec FIXTURE_DIR\n");
		return 2;
	}
	fix_load(&ctf, argv[1], "ct.bin");
	fix_load(&expf, argv[1], "exp.bin");
	fix_load(&stf, argv[1], "stats-cpu.bin");
	roundtrip_ct(&ctf);
	roundtrip_exp(&expf);
	fix_load(&evf, argv[1], "events.bin");
	roundtrip_events(&evf);
	stats(argv[1]);
	frames(&ctf);
	padding();
	labels();
	hostile(&ctf, p_ct, "ct", sizeof(struct ct));
	hostile(&expf, p_exp, "exp", sizeof(struct ct_exp));
	hostile(&stf, p_stats, "stats", sizeof(struct ct_stats));
	hostile(&evf, p_ct, "event", sizeof(struct ct));
	fix_free(&evf);
	fix_free(&ctf);
	fix_free(&expf);
	fix_free(&stf);
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
