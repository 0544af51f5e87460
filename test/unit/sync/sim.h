/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sync engine tests: nodes with a model cache on an in-memory datagram network, a wire checker. */
#ifndef CTBOX_TEST_SYNC_SIM_H
#define CTBOX_TEST_SYNC_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/sync.h"

extern int failures, checks;

#define CHECK(cond, ...) \
	do { \
		checks++; \
		if (!(cond)) { \
			failures++; \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

#define SIM_NODES 4
#define SIM_DGRAM 1472 /* MTU 1500 - 28: a message is added while buffered + len < this */
#define NONE UINT64_MAX

enum sim_state { OBJ_FREE, OBJ_NEW, OBJ_ALIVE, OBJ_DEAD };

/* One slot of a node's internal cache; its engine id is the slot (| SYNC_ID_EXP for exp keys). */
struct sim_obj {
	uint8_t state;
	uint32_t key, ver;
	uint64_t queued_at; /* first event not yet on the wire, NONE */
};

struct sim;

struct sim_node {
	struct sim *sim;
	int idx;
	bool up;
	struct sync *s;
	struct sync_cfg cfg;
	uint64_t deadline;
	/* internal cache: slots, a free list, the live slot of each key */
	struct sim_obj *obj;
	uint32_t nobj, *freel, nfree, *key_slot, *key_dead;
	/* external cache: ver + 1 per key (0: absent), and when it was last written */
	uint32_t *ext;
	uint64_t *ext_at;
	/* the channel: one datagram being filled */
	uint8_t dg[SIM_DGRAM];
	size_t dlen;
	uint64_t dq[SIM_DGRAM / 8]; /* queued_at of each state message in dg */
	int ndq;
	/* what went out */
	uint64_t dgrams, dgrams_data, msgs, data_msgs, delay_sum, delay_max, delay_n;
	uint64_t rx[5], releases, resyncs, flushes;
	/* wire checker */
	uint32_t next_seq;
	bool said_hello_end, back_owed;
	uint32_t vers; /* versions given out by events */
};

struct sim_dgram {
	uint64_t at, order;
	int src, dst;
	size_t len;
	uint8_t *data;
};

struct sim {
	uint64_t now;
	int n;
	struct sim_node node[SIM_NODES];
	uint32_t nkeys, msg_len,
		msg_len_odd; /* state message sizes (odd keys: msg_len_odd if set) */
	bool mcast;	     /* every datagram goes to every other node (else node 0 <-> node 1) */
	bool peer_keys;	     /* sync_input gets the sender's index (else 0) */
	uint64_t cache_timeout; /* ALARM external expiry in ms (0: none) */
	/* network: latency, jitter, loss, duplication and late (percent, by late_ms), a scripted drop */
	uint32_t latency, jitter, loss, dup, late, late_ms;
	bool (*drop)(struct sim *sim, int src, const uint8_t *d, size_t len);
	void *arg, *arg2;
	uint64_t rng;
	struct sim_dgram *net;
	size_t nnet, capnet;
	uint64_t order;
	/* script: called at sim->script_at, returns its next time (NONE: done) */
	uint64_t (*script)(struct sim *sim);
	uint64_t script_at;
	/* every datagram sent, one line each: "TIME NODE words | words" (headers of state messages) */
	char *log;
	size_t loglen, logcap;
};

void sim_init(struct sim *sim, int n, uint32_t nkeys, uint64_t seed);
void sim_free(struct sim *sim);
/* (Re)start node i's engine: a fresh engine with seq0, its external cache emptied. */
void sim_start(struct sim *sim, int i, const struct sync_cfg *cfg, uint32_t seq0, uint32_t seed);
/* Node i goes down: engine gone, unsent data lost, dead slots freed (its kernel dump refills). */
void sim_stop(struct sim *sim, int i);
/* Events on node i's cache. Create skips a key whose previous object still waits to be released. */
void sim_create(struct sim *sim, int i, uint32_t key);
void sim_update(struct sim *sim, int i, uint32_t key);
void sim_delete(struct sim *sim, int i, uint32_t key);
/* Run until time t (inclusive). */
void sim_run(struct sim *sim, uint64_t t);
/*
 * Keys in [lo, hi) where node to's external cache differs from node from's
 * live objects (the first few printed, unless what is NULL).
 */
int sim_diff(struct sim *sim, int from, int to, uint32_t lo, uint32_t hi, const char *what);
/* The same for node from's live objects only: stale entries of deleted ones are not counted. */
int sim_missing(struct sim *sim, int from, int to, uint32_t lo, uint32_t hi, const char *what,
		bool live_only);
uint32_t sim_rand(struct sim *sim);
const char *sim_log(struct sim *sim);
void sim_log_clear(struct sim *sim);

#endif
