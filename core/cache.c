// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's caches: fixed-size records in a slab, indexed by a chained hash of their key. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"

/* Records live in chunks so growing never moves them (ids and pointers stay valid). */
#define CHUNK_SHIFT 10
#define CHUNK_RECS (1u << CHUNK_SHIFT)

/*
 * The chains run through two small arrays indexed by id (next id, one tag
 * byte of the hash) rather than through the records: a lookup walks a few
 * kilobytes that stay in the CPU cache and reads one record, the one whose
 * tag matches. Records scattered over tens of megabytes were the cost.
 */
struct cache {
	size_t recsize, keylen;
	uint32_t hashsize, limit;
	uint32_t *bucket; /* id of the first record, 0 = empty */
	uint32_t *next;	  /* per id: next in its chain (or in the free list) */
	uint8_t *tag;	  /* per id: top byte of its key's hash */
	char **chunk;
	uint32_t nchunks, chunk_cap;
	uint32_t next_id;   /* ids below it were handed out once */
	uint32_t free_head; /* free list through next[] */
	struct cache_stats st;
};

struct cache *cache_new(size_t recsize, size_t keylen, uint32_t hashsize, uint32_t limit)
{
	struct cache *c;

	/* key_eq and key_hash read whole words */
	if (keylen % 8)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	/* Records stay 8-byte aligned inside a chunk whatever their size. */
	c->recsize = (recsize + 7) & ~(size_t)7;
	c->keylen = keylen;
	c->hashsize = hashsize ? hashsize : 1;
	c->limit = limit;
	c->next_id = 1;
	c->bucket = calloc(c->hashsize, sizeof(*c->bucket));
	if (!c->bucket) {
		free(c);
		return NULL;
	}
	return c;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->nchunks; i++)
		free(c->chunk[i]);
	free(c->chunk);
	free(c->bucket);
	free(c->next);
	free(c->tag);
	free(c);
}

struct cache_rec *cache_rec(const struct cache *c, uint32_t id)
{
	uint32_t ch = id >> CHUNK_SHIFT;

	if (!id || ch >= c->nchunks)
		return NULL;
	return (struct cache_rec *)(c->chunk[ch] + (size_t)(id & (CHUNK_RECS - 1)) * c->recsize);
}

static const void *rec_key(const struct cache_rec *r)
{
	return r + 1;
}

/* FNV-1a over 32-bit words with a final avalanche: keys are word-sized fields. */
static uint32_t key_hash(const struct cache *c, const void *key)
{
	const uint8_t *p = key;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < c->keylen; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		h = (h ^ w) * 16777619u;
	}
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

/* Multiply-shift instead of a modulo: hashsize need not be a power of two. */
static uint32_t bucket_of(const struct cache *c, uint32_t h)
{
	return (uint32_t)(((uint64_t)h * c->hashsize) >> 32);
}

/* The tag takes the low byte: bucket_of uses the high bits. */
static uint8_t tag_of(uint32_t h)
{
	return (uint8_t)h;
}

/* Keys are whole 64-bit words: compare them as such, first word first (no library call). */
static bool key_eq(const void *a, const void *b, size_t len)
{
	const uint8_t *p = a, *q = b;

	for (size_t i = 0; i < len; i += 8) {
		uint64_t x, y;

		memcpy(&x, p + i, 8);
		memcpy(&y, q + i, 8);
		if (x != y)
			return false;
	}
	return true;
}

uint32_t cache_find(const struct cache *c, const void *key)
{
	return cache_find_h(c, key, key_hash(c, key));
}

uint32_t cache_find_h(const struct cache *c, const void *key, uint32_t h)
{
	uint32_t id = c->bucket[bucket_of(c, h)];
	uint8_t t = tag_of(h);

	for (; id; id = c->next[id])
		if (c->tag[id] == t && key_eq(rec_key(cache_rec(c, id)), key, c->keylen))
			return id;
	return 0;
}

uint32_t cache_hash(const struct cache *c, const void *key)
{
	return key_hash(c, key);
}

void cache_prefetch(const struct cache *c, uint32_t hash, int stage)
{
	const uint32_t *b = &c->bucket[bucket_of(c, hash)];
	uint32_t id;

	if (!stage) {
		__builtin_prefetch(b);
		return;
	}
	id = *b;
	if (id) {
		__builtin_prefetch(&c->next[id]);
		__builtin_prefetch(&c->tag[id]);
	}
}

static int grow(struct cache *c)
{
	char *mem;

	/* The per-id arrays grow with the chunk table, by doubling: few copies, few holes. */
	if (c->nchunks == c->chunk_cap) {
		uint32_t cap = c->chunk_cap ? c->chunk_cap * 2 : 8;
		size_t ids = (size_t)cap * CHUNK_RECS;
		char **n = realloc(c->chunk, cap * sizeof(*n));
		uint32_t *nx;
		uint8_t *tg;

		if (!n)
			return -ENOMEM;
		c->chunk = n;
		nx = realloc(c->next, ids * sizeof(*nx));
		if (!nx)
			return -ENOMEM;
		c->next = nx;
		tg = realloc(c->tag, ids);
		if (!tg)
			return -ENOMEM;
		c->tag = tg;
		c->chunk_cap = cap;
	}
	mem = malloc(CHUNK_RECS * c->recsize);
	if (!mem)
		return -ENOMEM;
	c->chunk[c->nchunks++] = mem;
	return 0;
}

static uint32_t alloc_id(struct cache *c)
{
	uint32_t id = c->free_head;

	if (id) {
		c->free_head = c->next[id];
		return id;
	}
	if ((c->next_id >> CHUNK_SHIFT) >= c->nchunks && grow(c))
		return 0;
	return c->next_id++;
}

static void link_id(struct cache *c, uint32_t id, uint32_t h)
{
	uint32_t b = bucket_of(c, h);

	c->tag[id] = tag_of(h);
	c->next[id] = c->bucket[b];
	c->bucket[b] = id;
}

/*
 * Upstream's table keeps HashSize buckets however full it gets; past one
 * entry per bucket every lookup walks longer chains. ctbox starts at
 * HashSize and doubles when the entries outnumber the buckets (a failed
 * allocation just keeps the old table).
 */
static void rehash(struct cache *c)
{
	uint32_t n = c->hashsize * 2, *nb;

	if (n < c->hashsize || n > (1u << 28))
		return;
	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return;
	free(c->bucket);
	c->bucket = nb;
	c->hashsize = n;
	for (uint32_t id = 1; id < c->next_id; id++) {
		struct cache_rec *r = cache_rec(c, id);

		if (r->flags & CACHE_F_HASHED)
			link_id(c, id, r->hash);
	}
}

uint32_t cache_add(struct cache *c, const void *key, uint32_t now)
{
	return cache_add_h(c, key, key_hash(c, key), now);
}

uint32_t cache_add_h(struct cache *c, const void *key, uint32_t hash, uint32_t now)
{
	struct cache_rec *r;
	uint32_t id;

	if (c->limit && c->st.objects >= c->limit) {
		c->st.add_fail++;
		c->st.add_nospace++;
		errno = ENOSPC;
		return 0;
	}
	/* Before the new id exists: rehash walks every id, and this one holds no record yet. */
	if (c->st.hashed >= c->hashsize)
		rehash(c);
	id = alloc_id(c);
	if (!id) {
		c->st.add_fail++;
		c->st.add_nomem++;
		errno = ENOMEM;
		return 0;
	}
	r = cache_rec(c, id);
	memset(r, 0, c->recsize);
	memcpy(r + 1, key, c->keylen);
	r->hash = hash;
	link_id(c, id, r->hash);
	r->lifetime = r->lastupdate = now;
	r->state = CACHE_NEW;
	r->flags = CACHE_F_HASHED;
	c->st.objects++;
	c->st.active++;
	c->st.hashed++;
	c->st.add_ok++;
	return id;
}

void cache_touched(struct cache *c, uint32_t id, uint32_t now)
{
	struct cache_rec *r = cache_rec(c, id);

	r->state = CACHE_ALIVE;
	r->lastupdate = now;
	c->st.upd_ok++;
}

void cache_kill(struct cache *c, uint32_t id)
{
	struct cache_rec *r = cache_rec(c, id);

	if (r->state == CACHE_DEAD)
		return;
	r->state = CACHE_DEAD;
	c->st.del_ok++;
	c->st.active--;
}

void cache_unhash(struct cache *c, uint32_t id)
{
	struct cache_rec *r = cache_rec(c, id);
	uint32_t *pp;

	if (!(r->flags & CACHE_F_HASHED))
		return;
	cache_kill(c, id);
	pp = &c->bucket[bucket_of(c, r->hash)];
	while (*pp && *pp != id)
		pp = &c->next[*pp];
	if (*pp)
		*pp = c->next[id];
	r->flags &= (uint8_t)~CACHE_F_HASHED;
	c->st.hashed--;
}

void cache_put(struct cache *c, uint32_t id)
{
	struct cache_rec *r = cache_rec(c, id);

	cache_unhash(c, id);
	r->state = CACHE_FREE;
	r->flags = 0;
	c->next[id] = c->free_head;
	c->free_head = id;
	c->st.objects--;
}

uint32_t cache_next(const struct cache *c, uint32_t id)
{
	while (++id < c->next_id) {
		if (cache_rec(c, id)->state != CACHE_FREE)
			return id;
	}
	return 0;
}

uint32_t cache_max_id(const struct cache *c)
{
	return c->next_id - 1;
}

struct cache_stats *cache_stats(struct cache *c)
{
	return &c->st;
}

const struct cache_stats *cache_cstats(const struct cache *c)
{
	return &c->st;
}

size_t cache_mem(const struct cache *c)
{
	return (size_t)c->nchunks * CHUNK_RECS * (c->recsize + 5) + (size_t)c->hashsize * 4;
}
