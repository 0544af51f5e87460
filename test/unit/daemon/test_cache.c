// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of conntrackd's cache (slab + hash) and its compact flow record. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/cache.h"
#include "core/flow.h"
#include "proto/ct_tuple.h"

static int failures, checks;

#define CHECK(cond, ...) \
	do { \
		checks++; \
		if (!(cond)) { \
			failures++; \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} while (0)

static void v4(union ct_addr *a, uint32_t host)
{
	memset(a, 0, sizeof(*a));
	a->v4 = htonl(host);
}

/* A conntrack as the kernel reports it: both tuples, status, timeout, mark. */
static void mk_ct(struct ct *ct, uint32_t i, uint8_t l4)
{
	memset(ct, 0, sizeof(*ct));
	ct->family = AF_INET;
	ct->orig.l3 = AF_INET;
	ct->orig.l4 = l4;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO;
	v4(&ct->orig.src, 0x0a000000u + i);
	v4(&ct->orig.dst, 0xc0000201u);
	if (l4 == 1) {
		ct->orig.present |= CT_T_ICMP_ID | CT_T_ICMP_TYPE | CT_T_ICMP_CODE;
		ct->orig.icmp_id = (uint16_t)i;
		ct->orig.icmp_type = 8;
	} else {
		ct->orig.present |= CT_T_SPORT | CT_T_DPORT;
		ct->orig.sport = (uint16_t)(1024 + i);
		ct->orig.dport = 80;
	}
	ct_tuple_invert(&ct->reply, &ct->orig);
	ct_set(ct, CT_ORIG);
	ct_set(ct, CT_REPLY);
	ct->status = CT_IPS_CONFIRMED | CT_IPS_SEEN_REPLY;
	ct_set(ct, CT_STATUS);
	ct->timeout = 100 + i;
	ct_set(ct, CT_TIMEOUT);
	ct->mark = i * 7;
	ct_set(ct, CT_MARK);
	ct->id = 0xdead0000u + i;
	ct_set(ct, CT_ID);
}

/* What a record keeps must come back field by field; what it drops must not. */
static void test_flow_roundtrip(void)
{
	struct cache *c = cache_new(sizeof(struct flow), sizeof(struct flow_key), 16, 0);
	struct ct in, out;
	struct flow_key k;
	uint32_t id;

	mk_ct(&in, 5, 6);
	in.tcp.state = 3;
	ct_set(&in, CT_TCP_STATE);
	in.tcp.wscale_orig = 7;
	ct_set(&in, CT_TCP_WSCALE_ORIG);
	snprintf(in.helper, sizeof(in.helper), "ftp");
	ct_set(&in, CT_HELPER);
	in.labels[0] = 0x22;
	in.labels_len = 16;
	ct_set(&in, CT_LABELS);
	in.zone = 9;
	ct_set(&in, CT_ZONE);
	in.orig.present |= CT_T_ZONE;
	in.orig.zone = 3;
	in.master = in.orig;
	ct_set(&in, CT_MASTER);
	in.seqadj_orig.offset_after = 42;
	ct_set(&in, CT_SEQADJ_ORIG);
	ct_set(&in, CT_SYNPROXY); /* all zero: no blob, still present */
	in.cnt_orig.bytes = 1000;
	ct_set(&in, CT_COUNTERS_ORIG);
	in.use = 2;
	ct_set(&in, CT_USE);
	in.ts_start = 1700000000ull * 1000000000ull + 5;
	ct_set(&in, CT_TS_START);

	CHECK(flow_key_of(&k, &in), "key");
	CHECK(k.zone == 9 && k.l4 == 6 && k.sport == 1029, "key fields");
	id = cache_add(c, &k, 1);
	CHECK(id && !flow_set((struct flow *)cache_rec(c, id), &in, false), "add");
	flow_get((struct flow *)cache_rec(c, id), &out);
	CHECK(ct_has(&out, CT_REPLY) && !memcmp(&out.reply.src, &in.reply.src, 16) &&
		      out.reply.sport == in.reply.sport,
	      "reply tuple");
	CHECK(out.status == in.status && out.timeout == in.timeout && out.mark == in.mark &&
		      out.id == in.id,
	      "meta");
	CHECK(out.tcp.state == 3 && out.tcp.wscale_orig == 7, "tcp");
	CHECK(!strcmp(out.helper, "ftp") && out.labels[0] == 0x22 && out.labels_len == 16,
	      "helper, labels");
	CHECK(out.zone == 9 && (out.orig.present & CT_T_ZONE) && out.orig.zone == 3, "zones");
	CHECK(ct_has(&out, CT_MASTER) && out.master.sport == in.orig.sport, "master");
	CHECK(ct_has(&out, CT_SEQADJ_ORIG) && out.seqadj_orig.offset_after == 42, "seqadj");
	CHECK(ct_has(&out, CT_SYNPROXY) && !out.synproxy.its, "zero synproxy");
	CHECK(!ct_has(&out, CT_COUNTERS_ORIG) && !ct_has(&out, CT_USE), "no counters, no use");
	CHECK(out.ts_start / 1000000000ull == 1700000000ull, "start time in seconds");

	/* An update brings some attributes; the rest stays. */
	{
		struct ct upd;

		memset(&upd, 0, sizeof(upd));
		upd.orig = in.orig;
		ct_set(&upd, CT_ORIG);
		upd.mark = 77;
		ct_set(&upd, CT_MARK);
		CHECK(!flow_set((struct flow *)cache_rec(c, id), &upd, true), "update");
		flow_get((struct flow *)cache_rec(c, id), &out);
		CHECK(out.mark == 77 && out.timeout == in.timeout && !strcmp(out.helper, "ftp") &&
			      ct_has(&out, CT_REPLY),
		      "update keeps the rest");
	}
	flow_clear((struct flow *)cache_rec(c, id));
	cache_put(c, id);
	cache_free(c);
}

/* A received entry: no reply tuple, NAT as requests; it must come back as it went in. */
static void test_flow_external(void)
{
	struct cache *c = cache_new(sizeof(struct flow), sizeof(struct flow_key), 16, 0);
	struct ct in, out;
	struct flow_key k;
	uint32_t id;

	mk_ct(&in, 1, 17);
	ct_unset(&in, CT_REPLY);
	memset(&in.reply, 0, sizeof(in.reply));
	in.snat.l3 = AF_INET;
	v4(&in.snat.min_ip, 0xc6336401u);
	in.snat.max_ip = in.snat.min_ip;
	in.snat.min_port = in.snat.max_port = 40000;
	in.snat.has_port = 1;
	ct_set(&in, CT_NAT_SRC);
	in.dnat.l3 = AF_INET;
	v4(&in.dnat.min_ip, 0x0a000050u);
	in.dnat.max_ip = in.dnat.min_ip;
	ct_set(&in, CT_NAT_DST);
	flow_key_of(&k, &in);
	id = cache_add(c, &k, 1);
	flow_set((struct flow *)cache_rec(c, id), &in, false);
	flow_get((struct flow *)cache_rec(c, id), &out);
	CHECK(!ct_has(&out, CT_REPLY) && !out.reply.present, "no reply tuple");
	CHECK(ct_has(&out, CT_NAT_SRC) && out.snat.min_ip.v4 == in.snat.min_ip.v4 &&
		      out.snat.min_port == 40000 && out.snat.has_port,
	      "snat");
	CHECK(ct_has(&out, CT_NAT_DST) && out.dnat.min_ip.v4 == in.dnat.min_ip.v4 &&
		      !out.dnat.has_port,
	      "dnat without port");
	flow_clear((struct flow *)cache_rec(c, id));
	cache_free(c);
}

/* Find, kill, unhash, free and reuse; the table grows past its first size. */
static void test_cache(void)
{
	enum { N = 20000 };
	struct cache *c = cache_new(sizeof(struct flow), sizeof(struct flow_key), 64, N + 10);
	const struct cache_stats *st = cache_cstats(c);
	static uint32_t ids[N];
	struct flow_key k;
	struct ct ct;
	uint32_t n = 0, id;

	for (uint32_t i = 0; i < N; i++) {
		mk_ct(&ct, i, i % 3 == 0 ? 1 : 6);
		flow_key_of(&k, &ct);
		CHECK(!cache_find(c, &k), "not there before");
		ids[i] = cache_add(c, &k, i);
		CHECK(ids[i], "add %u", i);
	}
	CHECK(st->objects == N && st->active == N && st->hashed == N && st->add_ok == N,
	      "counts after adds");
	for (uint32_t i = 0; i < N; i++) {
		mk_ct(&ct, i, i % 3 == 0 ? 1 : 6);
		flow_key_of(&k, &ct);
		if (cache_find(c, &k) != ids[i])
			n++;
	}
	CHECK(!n, "%u keys not found after the table grew", n);
	/* Same address, other protocol: another key. */
	mk_ct(&ct, 4, 17);
	flow_key_of(&k, &ct);
	CHECK(!cache_find(c, &k), "udp is not tcp");

	cache_kill(c, ids[10]);
	CHECK(st->active == N - 1 && st->del_ok == 1 && st->hashed == N, "kill keeps it hashed");
	cache_unhash(c, ids[10]);
	CHECK(st->hashed == N - 1 && st->del_ok == 1, "unhash of a dead one counts nothing more");
	mk_ct(&ct, 10, 6);
	flow_key_of(&k, &ct);
	CHECK(!cache_find(c, &k), "unhashed is not found");
	cache_put(c, ids[10]);
	CHECK(st->objects == N - 1, "put frees");
	id = cache_add(c, &k, 5);
	CHECK(id == ids[10] && cache_find(c, &k) == id, "a freed id is reused");
	CHECK(cache_rec(c, id)->state == CACHE_NEW && cache_rec(c, id)->lifetime == 5,
	      "fresh record");
	cache_touched(c, id, 9);
	CHECK(cache_rec(c, id)->state == CACHE_ALIVE && cache_rec(c, id)->lastupdate == 9 &&
		      st->upd_ok == 1,
	      "touched");

	/* Walking the slab sees every live record once. */
	n = 0;
	for (id = cache_next(c, 0); id; id = cache_next(c, id))
		n++;
	CHECK(n == N, "walk %u", n);

	/* The limit. */
	for (uint32_t i = 0; i < 20; i++) {
		mk_ct(&ct, N + i, 6);
		flow_key_of(&k, &ct);
		cache_add(c, &k, 0);
	}
	CHECK(st->objects == N + 10 && st->add_nospace == 10 && st->add_fail == 10, "HashLimit");
	cache_free(c);
}

int main(void)
{
	test_flow_roundtrip();
	test_flow_external();
	test_cache();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
