// SPDX-License-Identifier: GPL-2.0-or-later
/* Sync engine simulator: model caches, the channel's packing, an impaired network, a wire checker. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "proto/wire.h"
#include "sim.h"

int failures, checks;

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p) {
		perror("calloc");
		exit(1);
	}
	return p;
}

uint32_t sim_rand(struct sim *sim)
{
	uint64_t x = sim->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	sim->rng = x;
	return (uint32_t)((x * UINT64_C(2685821657736338717)) >> 32);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void logf_(struct sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct sim *sim, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sim->logcap - sim->loglen < 256) {
		sim->logcap = sim->logcap * 2 + 4096;
		sim->log = realloc(sim->log, sim->logcap);
		if (!sim->log)
			exit(1);
	}
	va_start(ap, fmt);
	n = vsnprintf(sim->log + sim->loglen, sim->logcap - sim->loglen, fmt, ap);
	va_end(ap);
	sim->loglen += (size_t)n;
}

static bool is_exp_key(uint32_t key)
{
	return key % 5 == 4;
}

static uint32_t id_of(uint32_t slot, uint32_t key)
{
	return slot | (is_exp_key(key) ? SYNC_ID_EXP : 0);
}

/* ---- the node's callbacks ---- */

static int cb_encode(void *arg, uint32_t id, uint8_t *buf, size_t room)
{
	struct sim_node *nd = arg;
	uint32_t slot = id & ~SYNC_ID_EXP, len;
	struct sim_obj *o;
	uint8_t type;

	CHECK(slot < nd->nobj, "encode of unknown id %#x", id);
	if (slot >= nd->nobj)
		return 0;
	o = &nd->obj[slot];
	CHECK(o->state != OBJ_FREE, "node %d: encode of free slot %u", nd->idx, slot);
	if (o->state == OBJ_FREE)
		return 0;
	CHECK(id == id_of(slot, o->key), "encode: id %#x has the wrong cache bit", id);
	len = o->key & 1 && nd->sim->msg_len_odd ? nd->sim->msg_len_odd : nd->sim->msg_len;
	if (len > room)
		return -28; /* -ENOSPC */
	type = (uint8_t)(o->state == OBJ_NEW ? 0 : o->state == OBJ_ALIVE ? 1 : 2);
	if (id & SYNC_ID_EXP)
		type += 3;
	memset(buf, 0, len);
	wire_hdr_put(buf, type, 0, (uint16_t)len, 0);
	put32(buf + 8, o->key);
	put32(buf + 12, o->ver);
	put32(buf + 16, slot);
	return (int)len;
}

static void emit(struct sim_node *nd);
static void check_msg(struct sim_node *nd, const struct wire_hdr *h);

static int cb_send(void *arg, const uint8_t *msg, size_t len)
{
	struct sim_node *nd = arg;
	int fresh = 0;

	struct wire_hdr h;
	size_t off = 0;

	CHECK(len >= 8 && len < SIM_DGRAM, "send of %zu bytes", len);
	CHECK(wire_next(msg, len, &off, &h) == WIRE_RX_OK && off == len, "node %d: unparsable",
	      nd->idx);
	check_msg(nd, &h);
	if (nd->dlen && nd->dlen + len >= SIM_DGRAM) {
		emit(nd);
		fresh = 1;
	}
	if ((msg[0] & 0x0f) <= WIRE_EXP_DEL) {
		uint32_t slot = get32(msg + 16);

		nd->dq[nd->ndq++] = nd->obj[slot].queued_at;
		nd->obj[slot].queued_at = NONE;
	}
	memcpy(nd->dg + nd->dlen, msg, len);
	nd->dlen += len;
	return fresh || nd->dlen == len;
}

static void cb_flush(void *arg)
{
	struct sim_node *nd = arg;

	nd->flushes++;
	if (nd->dlen)
		emit(nd);
}

static void slot_free(struct sim_node *nd, uint32_t slot)
{
	struct sim_obj *o = &nd->obj[slot];

	nd->key_dead[o->key]--;
	o->state = OBJ_FREE;
	nd->freel[nd->nfree++] = slot;
}

static void cb_release(void *arg, uint32_t id)
{
	struct sim_node *nd = arg;
	uint32_t slot = id & ~SYNC_ID_EXP;

	nd->releases++;
	CHECK(slot < nd->nobj && nd->obj[slot].state == OBJ_DEAD,
	      "node %d: release of live/free %#x", nd->idx, id);
	if (slot < nd->nobj && nd->obj[slot].state == OBJ_DEAD)
		slot_free(nd, slot);
}

static void cb_resync(void *arg)
{
	struct sim_node *nd = arg;

	nd->resyncs++;
	for (uint32_t i = 0; i < nd->nobj; i++)
		if (nd->obj[i].state == OBJ_NEW || nd->obj[i].state == OBJ_ALIVE) {
			if (nd->obj[i].queued_at == NONE)
				nd->obj[i].queued_at = nd->sim->now;
			CHECK(!sync_queue(nd->s, id_of(i, nd->obj[i].key), nd->sim->now),
			      "resync queue");
		}
}

static const struct sync_ops sim_ops = {
	.encode = cb_encode,
	.send = cb_send,
	.flush = cb_flush,
	.release = cb_release,
	.resync = cb_resync,
};

/* ---- the wire checker: what an upstream peer relies on ---- */

static void check_msg(struct sim_node *nd, const struct wire_hdr *h)
{
	enum sync_mode m = nd->cfg.mode;
	uint8_t base = h->flags & (uint8_t) ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK);

	CHECK(h->len % 4 == 0, "node %d: len %u", nd->idx, h->len);
	CHECK(h->seq == nd->next_seq, "node %d: seq %#x, expected %#x", nd->idx, h->seq,
	      nd->next_seq);
	nd->next_seq = h->seq + 1;
	if (h->type <= WIRE_EXP_DEL) {
		CHECK(!base, "node %d: state message with flags %#x", nd->idx, h->flags);
	} else {
		CHECK(h->type == WIRE_CTL && m != SYNC_ALARM, "node %d: type %u", nd->idx, h->type);
		if (h->len == WIRE_HDR_LEN)
			CHECK(base == WIRE_F_ALIVE, "node %d: 8-byte ctl flags %#x", nd->idx,
			      h->flags);
		else
			CHECK(h->len == WIRE_CTL_LEN && (base == WIRE_F_RESYNC ||
							 (m == SYNC_FTFW && (base == WIRE_F_ACK ||
									     base == WIRE_F_NACK))),
			      "node %d: ctl len %u flags %#x", nd->idx, h->len, h->flags);
		if (base == WIRE_F_RESYNC)
			CHECK(!h->from && !h->to, "RESYNC with a range");
		if (base == WIRE_F_ACK || base == WIRE_F_NACK)
			CHECK(!wire_before(h->to, h->from), "node %d: range %#x..%#x", nd->idx,
			      h->from, h->to);
	}
	if (m != SYNC_FTFW) {
		CHECK(!(h->flags & (WIRE_F_HELLO | WIRE_F_HELLO_BACK)),
		      "node %d: hello bits in mode %d", nd->idx, m);
		return;
	}
	/* HELLO on every message until the first without it, never after */
	if (h->flags & WIRE_F_HELLO)
		CHECK(!nd->said_hello_end, "node %d: HELLO after hello was done", nd->idx);
	else
		nd->said_hello_end = true;
	/* HELLO_BACK exactly on the first message after a received HELLO */
	CHECK(!!(h->flags & WIRE_F_HELLO_BACK) == nd->back_owed, "node %d: HELLO_BACK %s owed",
	      nd->idx, nd->back_owed ? "" : "not");
	nd->back_owed = false;
}

static void hexword(struct sim *sim, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		logf_(sim, "%s%02x", i && !(i % 4) ? " " : "", p[i]);
}

static void net_push(struct sim *sim, int src, int dst, const uint8_t *d, size_t len, uint64_t at)
{
	struct sim_dgram *g;

	if (sim->nnet == sim->capnet) {
		sim->capnet = sim->capnet * 2 + 64;
		sim->net = realloc(sim->net, sim->capnet * sizeof(*sim->net));
		if (!sim->net)
			exit(1);
	}
	g = &sim->net[sim->nnet++];
	g->at = at;
	g->order = sim->order++;
	g->src = src;
	g->dst = dst;
	g->len = len;
	g->data = malloc(len);
	if (!g->data)
		exit(1);
	memcpy(g->data, d, len);
}

/* The datagram leaves: check and log it, account density and delay, put it on the network. */
static void emit(struct sim_node *nd)
{
	struct sim *sim = nd->sim;
	struct wire_hdr h;
	size_t off = 0;
	int data = 0;

	CHECK(nd->dlen <= SIM_DGRAM - 4, "datagram of %zu bytes", nd->dlen);
	logf_(sim, "%llu %c ", (unsigned long long)sim->now, 'A' + nd->idx);
	while (wire_next(nd->dg, nd->dlen, &off, &h) == WIRE_RX_OK) {
		const uint8_t *m = nd->dg + off - h.len;

		if (m != nd->dg)
			logf_(sim, " | ");
		hexword(sim, m, h.type == WIRE_CTL ? h.len : 8);
		nd->msgs++;
		if (h.type <= WIRE_EXP_DEL)
			data++;
	}
	CHECK(off == nd->dlen, "node %d: unparsable datagram", nd->idx);
	logf_(sim, "\n");
	nd->dgrams++;
	if (data) {
		nd->dgrams_data++;
		nd->data_msgs += (uint64_t)data;
	}
	for (int i = 0; i < nd->ndq; i++)
		if (nd->dq[i] != NONE) {
			uint64_t d = sim->now - nd->dq[i];

			nd->delay_sum += d;
			nd->delay_n++;
			if (d > nd->delay_max)
				nd->delay_max = d;
		}
	nd->ndq = 0;
	for (int dst = 0; dst < sim->n; dst++) {
		uint64_t at = sim->now + sim->latency;

		if (dst == nd->idx || (!sim->mcast && dst > 1))
			continue;
		if (sim->drop && sim->drop(sim, nd->idx, nd->dg, nd->dlen))
			continue;
		if (sim->loss && sim_rand(sim) % 100 < sim->loss)
			continue;
		if (sim->jitter)
			at += sim_rand(sim) % sim->jitter;
		if (sim->late && sim_rand(sim) % 100 < sim->late)
			at += sim->late_ms;
		net_push(sim, nd->idx, dst, nd->dg, nd->dlen, at);
		if (sim->dup && sim_rand(sim) % 100 < sim->dup)
			net_push(sim, nd->idx, dst, nd->dg, nd->dlen,
				 at + (sim->jitter ? sim_rand(sim) % sim->jitter : 0));
	}
	nd->dlen = 0;
}

static void deliver(struct sim *sim, struct sim_dgram *g)
{
	struct sim_node *nd = &sim->node[g->dst];
	struct wire_hdr h;
	size_t off = 0;
	enum wire_rx w;

	if (!nd->up)
		return;
	while ((w = wire_next(g->data, g->len, &off, &h)) == WIRE_RX_OK) {
		const uint8_t *m = g->data + off - h.len;
		enum sync_rx r =
			sync_input(nd->s, sim->peer_keys ? (uint32_t)g->src : 0, &h, sim->now);

		nd->rx[r]++;
		if (nd->cfg.mode == SYNC_FTFW && h.flags & WIRE_F_HELLO)
			nd->back_owed = true;
		if (r != SYNC_RX_DATA)
			continue;
		uint32_t key = get32(m + 8), ver = get32(m + 12);

		CHECK(h.len >= 20 && key < sim->nkeys, "bad data message");
		if (h.len < 20 || key >= sim->nkeys)
			continue;
		CHECK((h.type >= WIRE_EXP_NEW) == is_exp_key(key), "key %u in the wrong cache",
		      key);
		nd->ext[key] = h.type % 3 == 2 ? 0 : ver + 1;
		nd->ext_at[key] = sim->now;
	}
	CHECK(w == WIRE_RX_END, "node %d: datagram walk stopped with %d", nd->idx, w);
}

/* ---- the model cache ---- */

static void queue(struct sim_node *nd, uint32_t slot)
{
	struct sim_obj *o = &nd->obj[slot];

	if (!nd->up)
		return;
	if (o->queued_at == NONE)
		o->queued_at = nd->sim->now;
	CHECK(!sync_queue(nd->s, id_of(slot, o->key), nd->sim->now), "sync_queue");
}

void sim_create(struct sim *sim, int i, uint32_t key)
{
	struct sim_node *nd = &sim->node[i];
	uint32_t slot;

	if (nd->key_slot[key] || nd->key_dead[key])
		return;
	if (nd->nfree)
		slot = nd->freel[--nd->nfree];
	else
		slot = nd->nobj++;
	nd->obj[slot] = (struct sim_obj){ OBJ_NEW, key, ++nd->vers, NONE };
	nd->key_slot[key] = slot + 1;
	queue(nd, slot);
}

void sim_update(struct sim *sim, int i, uint32_t key)
{
	struct sim_node *nd = &sim->node[i];
	uint32_t slot = nd->key_slot[key];

	if (!slot)
		return sim_create(sim, i, key);
	nd->obj[--slot].state = OBJ_ALIVE;
	nd->obj[slot].ver = ++nd->vers;
	queue(nd, slot);
}

void sim_delete(struct sim *sim, int i, uint32_t key)
{
	struct sim_node *nd = &sim->node[i];
	uint32_t slot = nd->key_slot[key];

	if (!slot)
		return;
	nd->obj[--slot].state = OBJ_DEAD;
	nd->key_slot[key] = 0;
	nd->key_dead[key]++;
	if (nd->up)
		queue(nd, slot);
	else
		slot_free(nd, slot);
}

void sim_init(struct sim *sim, int n, uint32_t nkeys, uint64_t seed)
{
	memset(sim, 0, sizeof(*sim));
	sim->n = n;
	sim->nkeys = nkeys;
	sim->msg_len = 76;
	sim->latency = 1;
	sim->rng = seed ? seed : 1;
	sim->script_at = NONE;
	for (int i = 0; i < n; i++) {
		struct sim_node *nd = &sim->node[i];

		nd->sim = sim;
		nd->idx = i;
		nd->deadline = NONE;
		/* a slot per key and as many dead ones at most */
		nd->obj = xcalloc(2 * (size_t)nkeys + 1, sizeof(*nd->obj));
		nd->freel = xcalloc(2 * (size_t)nkeys + 1, sizeof(*nd->freel));
		nd->key_slot = xcalloc(nkeys, sizeof(uint32_t));
		nd->key_dead = xcalloc(nkeys, sizeof(uint32_t));
		nd->ext = xcalloc(nkeys, sizeof(uint32_t));
		nd->ext_at = xcalloc(nkeys, sizeof(uint64_t));
	}
}

void sim_stop(struct sim *sim, int i)
{
	struct sim_node *nd = &sim->node[i];

	sync_free(nd->s);
	nd->s = NULL;
	nd->up = false;
	nd->dlen = 0;
	nd->ndq = 0;
	nd->deadline = NONE;
	for (uint32_t k = 0; k < nd->nobj; k++) {
		if (nd->obj[k].state == OBJ_DEAD)
			slot_free(nd, k);
		nd->obj[k].queued_at = NONE;
	}
}

void sim_start(struct sim *sim, int i, const struct sync_cfg *cfg, uint32_t seq0, uint32_t seed)
{
	struct sim_node *nd = &sim->node[i];

	if (nd->s)
		sim_stop(sim, i);
	nd->cfg = *cfg;
	nd->s = sync_new(cfg, &sim_ops, nd, seq0, seed);
	CHECK(nd->s, "sync_new");
	if (!nd->s)
		exit(1);
	nd->up = true;
	nd->next_seq = seq0;
	nd->said_hello_end = nd->back_owed = false;
	memset(nd->ext, 0, sim->nkeys * sizeof(*nd->ext));
	nd->deadline = sync_tick(nd->s, sim->now);
}

void sim_free(struct sim *sim)
{
	for (int i = 0; i < sim->n; i++) {
		struct sim_node *nd = &sim->node[i];

		sync_free(nd->s);
		free(nd->obj);
		free(nd->freel);
		free(nd->key_slot);
		free(nd->key_dead);
		free(nd->ext);
		free(nd->ext_at);
	}
	free(sim->log);
	for (size_t k = 0; k < sim->nnet; k++)
		free(sim->net[k].data);
	free(sim->net);
}

/* ---- the clock ---- */

static size_t next_dgram(const struct sim *sim)
{
	size_t best = SIZE_MAX;

	for (size_t k = 0; k < sim->nnet; k++)
		if (best == SIZE_MAX || sim->net[k].at < sim->net[best].at ||
		    (sim->net[k].at == sim->net[best].at &&
		     sim->net[k].order < sim->net[best].order))
			best = k;
	return best;
}

void sim_run(struct sim *sim, uint64_t until)
{
	for (;;) {
		uint64_t t = sim->script_at;
		size_t k = next_dgram(sim);

		if (k != SIZE_MAX && sim->net[k].at < t)
			t = sim->net[k].at;
		for (int i = 0; i < sim->n; i++)
			if (sim->node[i].up && sim->node[i].deadline < t)
				t = sim->node[i].deadline;
		if (t > until || t == NONE)
			break;
		CHECK(t >= sim->now, "time went back: %llu < %llu", (unsigned long long)t,
		      (unsigned long long)sim->now);
		sim->now = t;
		if (sim->script && sim->script_at <= t)
			sim->script_at = sim->script(sim);
		while ((k = next_dgram(sim)) != SIZE_MAX && sim->net[k].at <= t) {
			struct sim_dgram g = sim->net[k];

			sim->net[k] = sim->net[--sim->nnet];
			deliver(sim, &g);
			free(g.data);
		}
		for (int i = 0; i < sim->n; i++) {
			struct sim_node *nd = &sim->node[i];

			if (!nd->up)
				continue;
			nd->deadline = sync_tick(nd->s, t);
			CHECK(nd->deadline > t, "node %d: next tick %llu at %llu", i,
			      (unsigned long long)nd->deadline, (unsigned long long)t);
			if (nd->deadline <= t)
				nd->deadline = t + 1;
		}
	}
	if (until != NONE && until > sim->now)
		sim->now = until;
}

int sim_diff(struct sim *sim, int from, int to, uint32_t lo, uint32_t hi, const char *what)
{
	return sim_missing(sim, from, to, lo, hi, what, false);
}

int sim_missing(struct sim *sim, int from, int to, uint32_t lo, uint32_t hi, const char *what,
		bool live_only)
{
	struct sim_node *a = &sim->node[from], *b = &sim->node[to];
	int bad = 0;

	for (uint32_t key = lo; key < hi && key < sim->nkeys; key++) {
		uint32_t slot = a->key_slot[key], want = slot ? a->obj[slot - 1].ver + 1 : 0;
		uint32_t got = b->ext[key];

		if (got && sim->cache_timeout && sim->now - b->ext_at[key] >= sim->cache_timeout)
			got = 0;
		if (got == want || (live_only && !want))
			continue;
		if (bad++ < 5 && what)
			fprintf(stderr, "  %s: key %u: node %c has %u, node %c has %u\n", what, key,
				'A' + from, want, 'A' + to, got);
	}
	return bad;
}

const char *sim_log(struct sim *sim)
{
	return sim->log ? sim->log : "";
}

void sim_log_clear(struct sim *sim)
{
	sim->loglen = 0;
	if (sim->log)
		sim->log[0] = 0;
}
