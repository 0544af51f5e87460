/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compact flow record the caches keep, and its conversion to and from struct ct. */
#ifndef CTBOX_CORE_FLOW_H
#define CTBOX_CORE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cache.h"
#include "proto/ct.h"

struct ct_exp;

/*
 * The cache key: the original tuple and the zone, as upstream keys its
 * caches. ICMP keeps id in sport and type << 8 | code in dport.
 */
struct flow_key {
	union ct_addr src, dst;
	uint16_t sport, dport;
	uint16_t zone;
	uint8_t l3, l4;
};

/*
 * One conntrack without its counters, use count or timestamps but start
 * (what conntrackd keeps). Tuple fields the kernel left out read as zero.
 * Rare attributes (helper, labels, master, seqadj, synproxy, SCTP tags,
 * directional zones, security context...) live in a blob out of line.
 */
struct flow {
	struct cache_rec h;
	struct flow_key k;
	uint64_t present; /* struct ct's present bits that the record keeps */
	uint8_t *extra;	  /* owned: length-prefixed attributes, NULL if none */
	/*
	 * Reply tuple. A received entry has none: its NAT sits here instead
	 * (SNAT address and port as reply destination, DNAT as reply source).
	 */
	union ct_addr rsrc, rdst;
	uint16_t rsport, rdport;
	uint16_t opresent, rpresent; /* tuple present bits (CT_T_*) */
	uint32_t status, timeout, mark, id;
	uint32_t ts_start; /* seconds */
	uint8_t state;	   /* TCP, SCTP or DCCP state */
	uint8_t wscale_orig, wscale_reply;
	uint8_t aux; /* for the cache's owner */
};

/* Key of tuple t (family l3) in zone. */
void flow_key_tuple(struct flow_key *k, const struct ct_tuple *t, uint8_t l3, uint16_t zone);

/* Key of a conntrack (its original tuple and zone); false without an original l3 tuple. */
bool flow_key_of(struct flow_key *k, const struct ct *ct);

/*
 * Fill f's fields (not its header or key) from ct. update: keep what ct
 * does not carry (an update event brings only some attributes). Returns 0
 * or -ENOMEM (the record is then unchanged).
 */
int flow_set(struct flow *f, const struct ct *ct, bool update);

/* Rebuild the conntrack f holds (zeroed first). */
void flow_get(const struct flow *f, struct ct *ct);

/* Release what f owns out of line. */
void flow_clear(struct flow *f);

/* An expectation record: key (master and expected tuples) then the expectation itself. */
struct flow_exp_key {
	struct flow_key master, tuple;
};

struct flow_exp {
	struct cache_rec h;
	struct flow_exp_key k;
	struct ct_exp *exp; /* owned */
};

bool flow_exp_key_of(struct flow_exp_key *k, const struct ct_exp *e);
int flow_exp_set(struct flow_exp *f, const struct ct_exp *e);
void flow_exp_clear(struct flow_exp *f);

#endif
