/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd's caches: fixed-size records in a slab, indexed by a chained hash of their key. */
#ifndef CTBOX_CORE_CACHE_H
#define CTBOX_CORE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Object states, as conntrackd names them. */
enum cache_state {
	CACHE_FREE,
	CACHE_NEW,   /* added, never updated */
	CACHE_ALIVE, /* updated at least once */
	CACHE_DEAD,  /* deleted, kept while the sync engine still needs it */
};

/* Record flags. */
enum {
	CACHE_F_HASHED = 1 << 0, /* linked in the hash: cache_find can see it */
	CACHE_F_QUEUED = 1 << 1, /* the sync engine holds a reference */
};

/*
 * The head of every record. The key follows it directly (keylen bytes),
 * then the record's own fields: the cache knows only this much.
 */
struct cache_rec {
	uint32_t hash;	   /* the key's hash (the cache's own) */
	uint32_t lifetime; /* creation time (time(NULL)) */
	uint32_t lastupdate;
	uint8_t state; /* enum cache_state */
	uint8_t flags; /* CACHE_F_* */
	uint16_t aux;  /* for the record type's own use */
};

/* Counters as conntrackd -s and -s cache print them. */
struct cache_stats {
	uint32_t objects; /* allocated records, dead ones included */
	uint32_t active;  /* records not dead */
	uint32_t hashed;  /* records in the hash */
	uint32_t add_ok, add_fail, add_nomem, add_nospace;
	uint32_t upd_ok, upd_fail, upd_notfound;
	uint32_t del_ok, del_fail, del_notfound;
};

struct cache;

/*
 * A cache of recsize-byte records (struct cache_rec first, then a keylen-
 * byte key), hashsize buckets, at most limit records. NULL on ENOMEM.
 * Owner: caller, cache_free (which also frees the records).
 */
struct cache *cache_new(size_t recsize, size_t keylen, uint32_t hashsize, uint32_t limit);
void cache_free(struct cache *c);

/* The record of id (1..), NULL for 0 or an id past the slab. */
struct cache_rec *cache_rec(const struct cache *c, uint32_t id);

/* The hashed record with this key: its id, or 0. */
uint32_t cache_find(const struct cache *c, const void *key);

/* The hash of key, for the _h variants and cache_prefetch. */
uint32_t cache_hash(const struct cache *c, const void *key);

/* cache_find and cache_add with hash = cache_hash(c, key) already at hand. */
uint32_t cache_find_h(const struct cache *c, const void *key, uint32_t hash);
uint32_t cache_add_h(struct cache *c, const void *key, uint32_t hash, uint32_t now);

/*
 * Start fetching what a cache_find of a key with this hash will read:
 * stage 0 its bucket; stage 1, once that has arrived, the head of its
 * chain. Only a hint: the cache may change in between.
 */
void cache_prefetch(const struct cache *c, uint32_t hash, int stage);

/*
 * A new record for key, linked in the hash, state NEW, times set to now;
 * the bytes after the key are zero. Counts add_ok, or add_fail with
 * add_nomem / add_nospace. Returns the id, or 0 with errno ENOMEM/ENOSPC.
 * The caller makes sure no hashed record has the same key.
 */
uint32_t cache_add(struct cache *c, const void *key, uint32_t now);

/* An update was applied to id: state ALIVE, lastupdate = now, upd_ok++. */
void cache_touched(struct cache *c, uint32_t id, uint32_t now);

/* id is deleted: state DEAD, del_ok++, active--. It stays hashed. */
void cache_kill(struct cache *c, uint32_t id);

/* Take id out of the hash (it can no longer be found); counts a deletion if it was live. */
void cache_unhash(struct cache *c, uint32_t id);

/* Free id: unhashes it if needed; the id may be reused. */
void cache_put(struct cache *c, uint32_t id);

/* The next allocated id after id (0 starts), or 0 at the end: slab order. */
uint32_t cache_next(const struct cache *c, uint32_t id);

/* Highest id ever handed out (for per-id arrays). */
uint32_t cache_max_id(const struct cache *c);

struct cache_stats *cache_stats(struct cache *c);
const struct cache_stats *cache_cstats(const struct cache *c);

/* Bytes held by the slab and the hash (for memory reports). */
size_t cache_mem(const struct cache *c);

#endif
