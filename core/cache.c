// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's caches: fixed-size records in a slab, indexed by a chained hash of their key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"

/* Records live in chunks so growing never moves them (ids and pointers stay valid). */
#define CHUNK_SHIFT 10
#define CHUNK_RECS (1u << CHUNK_SHIFT)

struct cache {
	size_t recsize, keylen;
	uint32_t hashsize, limit;
	uint32_t *bucket;	/* id of the first record, 0 = empty */
	char **chunk;
	uint32_t nchunks, chunk_cap;
	uint32_t next_id;	/* ids below it were handed out once */
	uint32_t free_head;	/* free list through hnext */
	struct cache_stats st;
};

struct cache *cache_new(size_t recsize, size_t keylen, uint32_t hashsize, uint32_t limit)
{
	struct cache *c = calloc(1, sizeof(*c));

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
	/* Multiply-shift instead of a modulo: hashsize need not be a power of two. */
	return (uint32_t)(((uint64_t)h * c->hashsize) >> 32);
}

uint32_t cache_find(const struct cache *c, const void *key)
{
	uint32_t id = c->bucket[key_hash(c, key)];

	while (id) {
		const struct cache_rec *r = cache_rec(c, id);

		if (!memcmp(rec_key(r), key, c->keylen))
			return id;
		id = r->hnext;
	}
	return 0;
}

static int grow(struct cache *c)
{
	char *mem;

	if (c->nchunks == c->chunk_cap) {
		uint32_t cap = c->chunk_cap ? c->chunk_cap * 2 : 8;
		char **n = realloc(c->chunk, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->chunk = n;
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
		c->free_head = cache_rec(c, id)->hnext;
		return id;
	}
	if ((c->next_id >> CHUNK_SHIFT) >= c->nchunks && grow(c))
		return 0;
	return c->next_id++;
}

uint32_t cache_add(struct cache *c, const void *key, uint32_t now)
{
	struct cache_rec *r;
	uint32_t id, b;

	if (c->limit && c->st.objects >= c->limit) {
		c->st.add_fail++;
		c->st.add_nospace++;
		errno = ENOSPC;
		return 0;
	}
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
	b = key_hash(c, key);
	r->hnext = c->bucket[b];
	c->bucket[b] = id;
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
	pp = &c->bucket[key_hash(c, rec_key(r))];
	while (*pp && *pp != id)
		pp = &cache_rec(c, *pp)->hnext;
	if (*pp)
		*pp = r->hnext;
	r->flags &= (uint8_t)~CACHE_F_HASHED;
	c->st.hashed--;
}

void cache_put(struct cache *c, uint32_t id)
{
	struct cache_rec *r = cache_rec(c, id);

	cache_unhash(c, id);
	r->state = CACHE_FREE;
	r->flags = 0;
	r->hnext = c->free_head;
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
	return (size_t)c->nchunks * CHUNK_RECS * c->recsize + (size_t)c->hashsize * 4;
}
