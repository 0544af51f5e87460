// SPDX-License-Identifier: GPL-2.0-or-later
/* The sync engine: FT-FW, NOTRACK and ALARM over opaque object ids, driven by bytes and a clock. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/sync.h"
#include "proto/wire.h"

#define NIL UINT32_MAX
#define NEVER UINT64_MAX
#define REF_CTL SYNC_ID_LIMIT /* a queue reference to a control message of the pool */
#define IDX (SYNC_ID_LIMIT - 1)
#define CHUNK_SHIFT 10
#define CHUNK (1u << CHUNK_SHIFT)
#define SLOT_SHIFT 7 /* ALARM wheel: 128 ms slots ... */
#define SLOT (1u << SLOT_SHIFT)
#define WHEEL 1024u /* ... 131 s per turn */
#define ALIVE_MS 1000
#define NPEER 4		  /* their ack marks fill the st byte's high nibble */
#define PEER_GONE_MS 5000 /* silence that ends a peer while another one talks */
/*
 * A peer repeats HELLO on every message until our HELLO_BACK reaches it.
 * HELLOs that follow on in sequence within this time are the same start,
 * not a new one: they are tracked for gaps and do not flush again.
 */
#define HELLO_SESSION_MS 2000
/*
 * Until its HELLO is answered, a node's messages say HELLO and an upstream
 * receiver skips its gap check on them: a datagram lost then is lost for
 * good. So state messages wait (HOLD_MS at most; an upstream peer answers
 * with its next message, within its 1 s timer) while a lone ALIVE|HELLO
 * asks every PROBE_MS.
 */
#define HOLD_MS 1200
#define PROBE_MS 300
#define NMARK 32 /* queue-time marks: one per ms with queueing, for batch_delay_ms <= 31 exact */
#define F_HELLO (WIRE_F_HELLO | WIRE_F_HELLO_BACK)

/* Where an object is: its bits in st[]; the high nibble: peers that acked it (ACKED << peer). */
enum { ST_TX = 1, ST_RS = 2, ST_TM = 4, ST_DEL = 8, ACKED = 0x10 };
enum { HELLO_INIT, HELLO_SAY, HELLO_DONE };
enum { SEQ_UNSET, SEQ_IN, SEQ_AFTER, SEQ_BEFORE };

/*
 * 13 bytes per object id: list links and the seq it was sent with (resend
 * queue) or its refresh expiry in ms (ALARM wheel), plus the st byte. The
 * transmit queue is a ring of references, so an ALARM object can wait in
 * it and on the wheel at once.
 *
 * Upstream keeps one receive state for all senders, and one ACK releases
 * an element for everybody: with more than two nodes on a multicast link
 * that loses messages. Here each sending node (the caller names it) has
 * its receive state, and a resend element goes when every peer heard
 * from acked it. With one peer this is upstream's behaviour exactly.
 */
struct node {
	uint32_t prev, next, seq;
};

struct chunk {
	struct node n[CHUNK];
	uint8_t st[CHUNK];
};

struct tab {
	struct chunk **c;
	uint32_t nc;
};

/* ACK, NACK, RESYNC or ALIVE; n.next links the free list. */
struct ctl {
	struct node n;
	uint32_t from, to;
	uint8_t flags, acked; /* acked: like st's high nibble */
};

/* Receive-side state of one sending node (upstream has one, for all). */
struct peer {
	uint64_t used, heard; /* LRU stamp (0: free), last message */
	uint64_t hello_at;    /* when its last HELLO re-based us (0: never) */
	uint32_t key, last, ack_from, window;
	bool seq_set, ack_set;
};

struct sync {
	struct sync_cfg cfg;
	const struct sync_ops *ops;
	void *arg;
	uint32_t seq, rng;
	uint8_t hello, say_back, urgent, started, present; /* present: ACKED << peer in use */
	struct tab tab[2];				   /* conntrack ids, expectation ids */
	struct ctl *ctl;
	uint32_t nctl, ctl_free;
	uint32_t *ring, rhead, rlen, rcap; /* transmit queue */
	uint32_t txq, txc;		   /* objects and control messages in it */
	uint32_t pushed, popped;	   /* ring entries ever */
	uint32_t mhead, mlen, delay;
	struct {
		uint32_t n; /* from the n-th ring entry on ... */
		uint64_t t; /* ... queued at t */
	} mark[NMARK];
	uint32_t rs_head, rs_tail, rsq;					  /* resend queue */
	uint64_t now, alive_at, unflushed, wheel_due, wnext, used, heard; /* heard: last input */
	uint64_t hold_until, probe_at; /* state messages wait for HELLO_BACK (0: not yet) */
	uint32_t *wheel;
	struct peer peer[NPEER];
	struct sync_stats st;
	uint8_t buf[SYNC_MSG_MAX];
};

static bool is_ctl(uint32_t ref)
{
	return (ref & (SYNC_ID_EXP | REF_CTL)) == REF_CTL;
}

static struct node *nd(const struct sync *s, uint32_t ref)
{
	uint32_t i = ref & IDX;

	if (is_ctl(ref))
		return &s->ctl[i].n;
	return &s->tab[ref >> 31].c[i >> CHUNK_SHIFT]->n[i & (CHUNK - 1)];
}

/* The state byte of an object id, NULL if it never was queued. */
static uint8_t *stp(const struct sync *s, uint32_t id)
{
	const struct tab *t = &s->tab[id >> 31];
	uint32_t c = (id & IDX) >> CHUNK_SHIFT;

	if (c >= t->nc || !t->c[c])
		return NULL;
	return &t->c[c]->st[id & (CHUNK - 1)];
}

static uint8_t *grow(struct sync *s, uint32_t id)
{
	struct tab *t = &s->tab[id >> 31];
	uint32_t c = (id & IDX) >> CHUNK_SHIFT;

	if (c >= t->nc) {
		uint32_t n = c + 1 > 2 * t->nc ? c + 1 : 2 * t->nc;
		struct chunk **p = realloc(t->c, n * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + t->nc, 0, (n - t->nc) * sizeof(*p));
		t->c = p;
		t->nc = n;
	}
	if (!t->c[c] && !(t->c[c] = calloc(1, sizeof(struct chunk))))
		return NULL;
	return stp(s, id);
}

static void unlink_ref(struct sync *s, uint32_t ref, uint32_t *head, uint32_t *tail)
{
	struct node *n = nd(s, ref);

	*(n->prev != NIL ? &nd(s, n->prev)->next : head) = n->next;
	if (n->next != NIL)
		nd(s, n->next)->prev = n->prev;
	else if (tail)
		*tail = n->prev;
}

static int tx_push(struct sync *s, uint32_t ref)
{
	if (s->rlen == s->rcap) {
		uint32_t n = s->rcap ? 2 * s->rcap : 64, *r = malloc(n * sizeof(*r));

		if (!r) {
			s->st.txq_nomem++;
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < s->rlen; i++)
			r[i] = s->ring[(s->rhead + i) & (s->rcap - 1)];
		free(s->ring);
		s->ring = r;
		s->rcap = n;
		s->rhead = 0;
	}
	s->ring[(s->rhead + s->rlen++) & (s->rcap - 1)] = ref;
	/* FIFO: a mark per queueing ms gives every entry its queue time (late marks err early) */
	if ((!s->mlen || s->mark[(s->mhead + s->mlen - 1) % NMARK].t != s->now) &&
	    s->mlen < NMARK) {
		s->mark[(s->mhead + s->mlen) % NMARK].n = s->pushed;
		s->mark[(s->mhead + s->mlen++) % NMARK].t = s->now;
	}
	s->pushed++;
	return 0;
}

static void ctl_put(struct sync *s, uint32_t ref)
{
	s->ctl[ref & IDX].n.next = s->ctl_free;
	s->ctl_free = ref & IDX;
	s->st.qnodes--;
}

/* Queue a control message; upstream sends them in the next round, so do we. */
static void ctl_queue(struct sync *s, uint8_t flags, uint32_t from, uint32_t to)
{
	uint32_t i = s->ctl_free;
	struct ctl *c;

	if (i == NIL) {
		uint32_t n = s->nctl ? 2 * s->nctl : 16;

		c = n < REF_CTL ? realloc(s->ctl, n * sizeof(*c)) : NULL;
		if (!c) {
			s->st.txq_nomem++;
			return;
		}
		s->ctl = c;
		for (i = n; i-- > s->nctl;) {
			c[i].n.next = s->ctl_free;
			s->ctl_free = i;
		}
		s->nctl = n;
		i = s->ctl_free;
	}
	c = &s->ctl[i];
	s->ctl_free = c->n.next;
	s->st.qnodes++;
	c->flags = flags;
	c->from = from;
	c->to = to;
	if (tx_push(s, REF_CTL | i)) {
		ctl_put(s, REF_CTL | i);
		return;
	}
	s->txc++;
	s->urgent = 1;
}

/* The engine's reference to id is gone: a DEL (or a failed encode) hands it back. */
static void put(struct sync *s, uint32_t id, bool force)
{
	uint8_t *st = stp(s, id);

	if (*st & ST_DEL || force) {
		*st &= (uint8_t)~ST_DEL;
		s->ops->release(s->arg, id);
	}
}

static void rs_unlink(struct sync *s, uint32_t ref)
{
	unlink_ref(s, ref, &s->rs_head, &s->rs_tail);
	s->rsq--;
	if (!is_ctl(ref))
		*stp(s, ref) &= (uint8_t)~ST_RS;
}

static void rs_drop(struct sync *s, uint32_t ref)
{
	rs_unlink(s, ref);
	if (is_ctl(ref))
		ctl_put(s, ref);
	else
		put(s, ref, false);
}

static uint8_t *acked(const struct sync *s, uint32_t ref)
{
	return is_ctl(ref) ? &s->ctl[ref & IDX].acked : stp(s, ref);
}

/* Peer i acked ref: it goes once all present peers did. */
static void rs_acked(struct sync *s, uint32_t ref, int i)
{
	uint8_t *a = acked(s, ref);

	*a |= (uint8_t)(ACKED << i);
	if ((*a & s->present) == s->present)
		rs_drop(s, ref);
}

/* Peer i (re)started or left: it will never ack what waits; upstream flushes the queue. */
static void rs_acked_all(struct sync *s, int i)
{
	for (uint32_t r = s->rs_head, next; r != NIL; r = next) {
		next = nd(s, r)->next;
		rs_acked(s, r, i);
	}
}

static void rs_add(struct sync *s, uint32_t ref, uint32_t seq)
{
	struct node *n;

	if (s->rsq >= s->cfg.resend_queue_size) {
		s->st.rsq_overflow++;
		rs_drop(s, s->rs_head);
	}
	n = nd(s, ref);
	n->seq = seq;
	n->next = NIL;
	n->prev = s->rs_tail;
	*(s->rs_tail != NIL ? &nd(s, s->rs_tail)->next : &s->rs_head) = ref;
	s->rs_tail = ref;
	s->rsq++;
	*acked(s, ref) &= ACKED - 1;
	if (!is_ctl(ref))
		*stp(s, ref) |= ST_RS;
}

/*
 * ACK (release) or NACK (back to the transmit queue) every element in
 * [from, to], walking from the oldest like upstream: skip the older ones,
 * stop at the first newer one.
 */
static void rs_range(struct sync *s, uint32_t from, uint32_t to, int nack, int i)
{
	for (uint32_t r = s->rs_head, next; r != NIL; r = next) {
		struct node *n = nd(s, r);

		next = n->next;
		if (wire_before(n->seq, from))
			continue;
		if (wire_after(n->seq, to))
			break;
		if (!nack) {
			rs_acked(s, r, i);
			continue;
		}
		if (tx_push(s, r))
			continue; /* stays in the resend queue */
		rs_unlink(s, r);
		if (is_ctl(r)) {
			s->txc++;
		} else {
			*stp(s, r) |= ST_TX;
			s->txq++;
		}
		s->urgent = 1;
	}
}

static uint32_t rnd(struct sync *s)
{
	uint32_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return s->rng = x;
}

static uint32_t *slot(struct sync *s, uint32_t ms)
{
	return &s->wheel[(ms >> SLOT_SHIFT) & (WHEEL - 1)];
}

static void tm_del(struct sync *s, uint32_t id)
{
	unlink_ref(s, id, slot(s, nd(s, id)->seq), NULL);
	*stp(s, id) &= (uint8_t)~ST_TM;
}

/* ALARM: refresh after 1..RefreshTime s plus 0.2..1.0 s, like upstream's per-entry alarm. */
static void tm_arm(struct sync *s, uint32_t id, uint64_t now)
{
	uint8_t *st = stp(s, id);
	struct node *n = nd(s, id);
	uint64_t e;
	uint32_t *h;

	if (*st & ST_TM)
		tm_del(s, id);
	e = now + (rnd(s) % s->cfg.refresh_time + 1) * 1000ull + (rnd(s) % 5 + 1) * 200;
	h = slot(s, (uint32_t)e);
	n->seq = (uint32_t)e;
	n->prev = NIL;
	n->next = *h;
	if (*h != NIL)
		nd(s, *h)->prev = id;
	*h = id;
	*st |= ST_TM;
	e = (e | (SLOT - 1)) + 1;
	if (e < s->wheel_due)
		s->wheel_due = e;
}

static int tx_obj(struct sync *s, uint32_t id, uint8_t *st)
{
	if (*st & ST_TX)
		return 0;
	if (tx_push(s, id))
		return -ENOMEM;
	if (*st & ST_RS)
		rs_unlink(s, id);
	*st |= ST_TX;
	s->txq++;
	return 0;
}

/* Due refreshes: every slot that ended since the last run, each at most once. */
static void tm_run(struct sync *s, uint64_t now)
{
	uint32_t k = 0;

	if (now < s->wheel_due)
		return;
	for (; s->wnext + SLOT <= now && k < WHEEL; k++, s->wnext += SLOT) {
		uint32_t *h = slot(s, (uint32_t)s->wnext), r = *h, next;

		*h = NIL;
		for (; r != NIL; r = next) {
			struct node *n = nd(s, r);

			next = n->next;
			if ((int32_t)(n->seq - (uint32_t)now) > 0) {
				/* a later turn */
				n->prev = NIL;
				n->next = *h;
				if (*h != NIL)
					nd(s, *h)->prev = r;
				*h = r;
				continue;
			}
			*stp(s, r) &= (uint8_t)~ST_TM;
			tm_arm(s, r, now);
			tx_obj(s, r, stp(s, r));
		}
	}
	if (s->wnext + SLOT <= now)
		s->wnext = now & ~(uint64_t)(SLOT - 1);
	s->wheel_due = NEVER;
	for (k = 0; k < WHEEL; k++)
		if (*slot(s, (uint32_t)(s->wnext + k * SLOT)) != NIL) {
			s->wheel_due = s->wnext + (k + 1) * SLOT;
			break;
		}
}

static uint8_t hello_flags(struct sync *s)
{
	uint8_t f = 0;

	if (s->cfg.mode != SYNC_FTFW)
		return 0;
	if (s->hello != HELLO_DONE) {
		s->hello = HELLO_SAY;
		f = WIRE_F_HELLO;
	}
	if (s->say_back)
		f |= WIRE_F_HELLO_BACK;
	s->say_back = 0;
	return f;
}

/* One message to the channel; a fresh datagram starts the wait for its flush. */
static void emit(struct sync *s, const uint8_t *m, size_t len, uint64_t queued)
{
	if (s->ops->send(s->arg, m, len) || s->unflushed == NEVER)
		s->unflushed = queued;
}

static void send_ctl(struct sync *s, uint32_t ref, uint64_t queued)
{
	struct ctl *c = &s->ctl[ref & IDX];
	uint8_t m[WIRE_CTL_LEN];
	bool range = wire_has_range(WIRE_CTL, c->flags);

	/* A retransmission says the hello state of now, not of its first sending. */
	c->flags = (uint8_t)((c->flags & ~F_HELLO) | hello_flags(s));
	s->txc--;
	if (range)
		wire_ctl_put(m, c->flags, s->seq, c->from, c->to);
	else
		wire_hdr_put(m, WIRE_CTL, c->flags, WIRE_HDR_LEN, s->seq);
	emit(s, m, range ? WIRE_CTL_LEN : WIRE_HDR_LEN, queued);
	if (range && s->cfg.mode == SYNC_FTFW)
		rs_add(s, ref, s->seq);
	else
		ctl_put(s, ref);
	s->seq++;
}

static void send_obj(struct sync *s, uint32_t id, uint64_t queued)
{
	uint8_t *st = stp(s, id), t;
	int len;

	if (!(*st & ST_TX))
		return; /* forgotten while queued */
	*st &= (uint8_t)~ST_TX;
	s->txq--;
	len = s->ops->encode(s->arg, id, s->buf, sizeof(s->buf));
	if (len < WIRE_HDR_LEN || len > (int)sizeof(s->buf)) {
		if (*st & ST_TM)
			tm_del(s, id);
		if (len) {
			s->st.enc_err++;
			put(s, id, true);
		}
		*st &= (uint8_t)~ST_DEL;
		return;
	}
	t = s->buf[0] & 0x0f;
	if (t == WIRE_CT_DEL || t == WIRE_EXP_DEL)
		*st |= ST_DEL;
	else
		*st &= (uint8_t)~ST_DEL;
	wire_hdr_stamp(s->buf, s->seq, hello_flags(s));
	emit(s, s->buf, (size_t)len, queued);
	if (s->cfg.mode == SYNC_FTFW) {
		rs_add(s, id, s->seq);
	} else if (*st & ST_DEL) {
		if (*st & ST_TM)
			tm_del(s, id);
		put(s, id, false);
	}
	s->seq++;
}

/* Due time of the oldest message queued or buffered in the channel (NEVER: none). */
static uint64_t flush_due(const struct sync *s)
{
	uint64_t t =
		s->mlen && s->mark[s->mhead].t < s->unflushed ? s->mark[s->mhead].t : s->unflushed;

	return t == NEVER ? NEVER : t + s->delay;
}

/*
 * A transmit round: the whole queue in order. The partial datagram goes
 * out when a control message is in it or its oldest message is due.
 */
static void xmit(struct sync *s, uint64_t now)
{
	if (s->rlen && s->cfg.mode != SYNC_ALARM)
		s->alive_at = now + ALIVE_MS;
	while (s->rlen) {
		uint32_t ref = s->ring[s->rhead], k = s->popped++;

		while (s->mlen > 1 && (int32_t)(s->mark[(s->mhead + 1) % NMARK].n - k) <= 0) {
			s->mhead = (s->mhead + 1) % NMARK;
			s->mlen--;
		}
		s->rhead = (s->rhead + 1) & (s->rcap - 1);
		s->rlen--;
		if (is_ctl(ref))
			send_ctl(s, ref, s->mark[s->mhead].t);
		else
			send_obj(s, ref, s->mark[s->mhead].t);
	}
	s->mlen = 0;
	if (s->rcap > 65536) {
		/* give a bulk's ring back */
		free(s->ring);
		s->ring = NULL;
		s->rcap = 0;
	}
	if (s->unflushed != NEVER && (s->urgent || flush_due(s) <= now)) {
		s->ops->flush(s->arg);
		s->unflushed = NEVER;
	}
	s->urgent = 0;
}

static void start(struct sync *s, uint64_t now)
{
	s->now = now;
	if (s->started)
		return;
	s->started = 1;
	if (s->cfg.mode != SYNC_ALARM)
		s->alive_at = now + ALIVE_MS;
	s->wnext = now & ~(uint64_t)(SLOT - 1);
}

struct sync *sync_new(const struct sync_cfg *cfg, const struct sync_ops *ops, void *arg,
		      uint32_t seq0, uint32_t seed)
{
	struct sync *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *cfg;
	/* 1 would have two peers ack each other's acks forever (upstream's counter wraps instead) */
	if (s->cfg.ack_window < 2)
		s->cfg.ack_window = s->cfg.ack_window ? 2 : 300;
	if (!s->cfg.resend_queue_size)
		s->cfg.resend_queue_size = 131072;
	if (!s->cfg.refresh_time)
		s->cfg.refresh_time = 60;
	s->delay = !cfg->batch_delay_ms			   ? SYNC_BATCH_DELAY_MS
		   : cfg->batch_delay_ms == SYNC_BATCH_OFF ? 0
							   : cfg->batch_delay_ms;
	if (!s->cfg.batch_objects)
		s->cfg.batch_objects = SYNC_BATCH_OBJECTS;
	s->ops = ops;
	s->arg = arg;
	s->seq = seq0;
	s->rng = seed ? seed : 0x9e3779b9u;
	s->ctl_free = s->rs_head = s->rs_tail = NIL;
	s->alive_at = s->unflushed = s->wheel_due = NEVER;
	if (cfg->mode == SYNC_ALARM) {
		s->wheel = malloc(WHEEL * sizeof(*s->wheel));
		if (!s->wheel) {
			free(s);
			return NULL;
		}
		memset(s->wheel, 0xff, WHEEL * sizeof(*s->wheel));
	}
	return s;
}

void sync_free(struct sync *s)
{
	if (!s)
		return;
	for (int t = 0; t < 2; t++) {
		for (uint32_t c = 0; c < s->tab[t].nc; c++)
			free(s->tab[t].c[c]);
		free(s->tab[t].c);
	}
	free(s->ctl);
	free(s->ring);
	free(s->wheel);
	free(s);
}

int sync_queue(struct sync *s, uint32_t id, uint64_t now_ms)
{
	uint8_t *st;

	if (id & REF_CTL)
		return -EINVAL;
	start(s, now_ms);
	st = grow(s, id);
	if (!st) {
		s->st.txq_nomem++;
		return -ENOMEM;
	}
	if (s->cfg.mode == SYNC_ALARM)
		tm_arm(s, id, now_ms);
	return tx_obj(s, id, st);
}

void sync_forget(struct sync *s, uint32_t id)
{
	uint8_t *st = id & REF_CTL ? NULL : stp(s, id);

	if (!st)
		return;
	if (*st & ST_TX)
		s->txq--; /* its ring entry is skipped */
	if (*st & ST_RS)
		rs_unlink(s, id);
	if (*st & ST_TM)
		tm_del(s, id);
	*st = 0;
}

void sync_request_resync(struct sync *s, uint64_t now_ms)
{
	start(s, now_ms);
	if (s->cfg.mode != SYNC_ALARM)
		ctl_queue(s, WIRE_F_RESYNC, 0, 0);
}

static void peer_end(struct sync *s, struct peer *p)
{
	int i = (int)(p - s->peer);

	rs_acked_all(s, i);
	s->present &= (uint8_t) ~(ACKED << i);
	p->used = 0;
}

static struct peer *peer_get(struct sync *s, uint32_t key, uint64_t now)
{
	struct peer *p, *old = s->peer;

	for (p = s->peer; p < s->peer + NPEER; p++) {
		if (p->used && p->key == key)
			goto out;
		if (p->used < old->used)
			old = p;
	}
	p = old;
	if (p->used)
		peer_end(s, p);
	memset(p, 0, sizeof(*p));
	p->key = key;
	p->window = s->cfg.ack_window;
	s->present |= (uint8_t)(ACKED << (p - s->peer));
out:
	p->used = ++s->used;
	p->heard = s->heard = now;
	return p;
}

/* Upstream's sequence classification, with the real number of lost messages. */
static int track(struct sync *s, const struct peer *p, uint32_t seq)
{
	uint32_t exp = p->last + 1;

	if (!p->seq_set)
		return SEQ_UNSET;
	if (seq == exp)
		return SEQ_IN;
	if (wire_after(seq, exp)) {
		s->st.lost += seq - exp;
		return SEQ_AFTER;
	}
	s->st.before++;
	return SEQ_BEFORE;
}

static enum sync_rx digest(struct sync *s, const struct wire_hdr *h, int i)
{
	if (h->type <= WIRE_EXP_DEL && !(h->flags & ~F_HELLO))
		return SYNC_RX_DATA;
	if (h->type != WIRE_CTL)
		return SYNC_RX_BAD;
	/* upstream's precedence: ACK, NACK, RESYNC, ALIVE; NOTRACK knows only the last two */
	if (s->cfg.mode == SYNC_FTFW && h->flags & (WIRE_F_ACK | WIRE_F_NACK)) {
		if (wire_before(h->to, h->from))
			return SYNC_RX_BAD;
		rs_range(s, h->from, h->to, !(h->flags & WIRE_F_ACK), i);
		return SYNC_RX_CTL;
	}
	if (h->flags & WIRE_F_RESYNC) {
		s->ops->resync(s->arg);
		return SYNC_RX_CTL;
	}
	return h->flags & WIRE_F_ALIVE ? SYNC_RX_CTL : SYNC_RX_BAD;
}

enum sync_rx sync_input(struct sync *s, uint32_t peer, const struct wire_hdr *h, uint64_t now_ms)
{
	uint32_t W = s->cfg.ack_window;
	enum sync_rx r;
	struct peer *p;
	bool hello = false;
	int t, i;

	start(s, now_ms);
	if (s->cfg.mode == SYNC_ALARM)
		return h->flags			? SYNC_RX_CTL
		       : h->type > WIRE_EXP_DEL ? SYNC_RX_BAD_TYPE
						: SYNC_RX_DATA;
	p = peer_get(s, peer, now_ms);
	i = (int)(p - s->peer);
	if (s->cfg.mode == SYNC_NOTRACK) {
		track(s, p, h->seq);
		r = digest(s, h, i);
		goto out;
	}
	if (h->flags & WIRE_F_HELLO_BACK && s->hello == HELLO_SAY)
		s->hello = HELLO_DONE;
	if (h->flags & WIRE_F_HELLO &&
	    !(s->delay && p->seq_set && p->hello_at && now_ms - p->hello_at < HELLO_SESSION_MS &&
	      wire_after(h->seq, p->last))) {
		/* the peer (re)started: it knows nothing of what we would resend */
		s->say_back = 1;
		hello = true;
		if (p->ack_set && wire_before(h->seq, p->ack_from)) {
			p->window = W - 1;
			p->ack_from = h->seq;
		}
		rs_acked_all(s, i);
		t = SEQ_IN;
	} else {
		if (h->flags & WIRE_F_HELLO) {
			/*
			 * Upstream re-bases on each of these and so cannot see a
			 * datagram lost meanwhile: ctbox tracks them (and NACKs).
			 */
			s->say_back = 1;
			hello = true;
		}
		t = track(s, p, h->seq);
		if (t == SEQ_BEFORE)
			return SYNC_RX_DROP;
	}
	r = digest(s, h, i);
	if (r == SYNC_RX_BAD)
		goto out;
	if (t == SEQ_AFTER) {
		if (p->ack_set)
			ctl_queue(s, WIRE_F_ACK, p->ack_from, p->last);
		ctl_queue(s, WIRE_F_NACK, p->last + 1, h->seq - 1);
		p->window = W - 1;
		p->ack_from = h->seq;
		p->ack_set = 1;
	} else {
		if (!p->ack_set) {
			p->ack_set = 1;
			p->ack_from = h->seq;
		}
		/* upstream's countdown, minus its wrap when ACKWindowSize is 1 */
		if (p->window <= 1) {
			ctl_queue(s, WIRE_F_ACK, p->ack_from, h->seq);
			p->window = W;
			p->ack_set = 0;
		} else {
			p->window--;
		}
	}
out:
	if (r == SYNC_RX_BAD) {
		s->st.bad++;
		return r;
	}
	p->last = h->seq;
	p->seq_set = 1;
	if (hello) {
		/* HELLOs of one handshake come in a row; a later one is a restart. */
		if (!p->hello_at || now_ms - p->hello_at >= HELLO_SESSION_MS)
			s->st.peer_starts++;
		p->hello_at = now_ms;
		/*
		 * Answer now rather than with the next ACK or ALIVE (up to 1 s
		 * away): while the peer waits for HELLO_BACK, every message it
		 * sends flags HELLO and makes its receiver skip the gap check.
		 */
		if (p->ack_set && s->delay) {
			ctl_queue(s, WIRE_F_ACK, p->ack_from, h->seq);
			p->ack_set = 0;
			p->window = W;
		}
	}
	return r;
}

/* The 1 s timer: ACK what each peer sent since our last ACK, or say ALIVE. */
static void alive(struct sync *s, uint64_t now)
{
	bool acked = false;

	for (struct peer *p = s->peer; s->cfg.mode == SYNC_FTFW && p < s->peer + NPEER; p++)
		if (p->used && p->ack_set) {
			ctl_queue(s, WIRE_F_ACK, p->ack_from, p->last);
			p->ack_set = 0;
			acked = true;
		}
	if (!acked)
		ctl_queue(s, WIRE_F_ALIVE, 0, 0);
	s->alive_at = now + ALIVE_MS;
}

/* A bare ALIVE|HELLO, outside the queues, to start the handshake. */
static void probe(struct sync *s, uint64_t now)
{
	uint8_t m[WIRE_HDR_LEN];

	wire_hdr_put(m, WIRE_CTL, WIRE_F_ALIVE, WIRE_HDR_LEN, s->seq);
	wire_hdr_stamp(m, s->seq, hello_flags(s));
	emit(s, m, sizeof(m), now);
	s->ops->flush(s->arg);
	s->unflushed = NEVER;
	s->seq++;
	s->alive_at = now + ALIVE_MS;
	s->probe_at = now + PROBE_MS;
}

/* True while state messages wait for the peer's HELLO_BACK. */
static bool holding(struct sync *s, uint64_t now)
{
	if (!s->delay || s->cfg.mode != SYNC_FTFW || s->hello == HELLO_DONE || !s->txq)
		return false;
	if (!s->hold_until)
		s->hold_until = now + HOLD_MS;
	if (now >= s->hold_until)
		return false;
	if (now >= s->probe_at)
		probe(s, now);
	return true;
}

uint64_t sync_tick(struct sync *s, uint64_t now_ms)
{
	uint64_t next;

	start(s, now_ms);
	if (s->wheel)
		tm_run(s, now_ms);
	/* a peer silent while another talks is gone (a dead node, a failed-over link's old address) */
	for (struct peer *p = s->peer; p < s->peer + NPEER; p++)
		if (p->used && p->heard + PEER_GONE_MS < s->heard)
			peer_end(s, p);
	if (now_ms >= s->alive_at)
		alive(s, now_ms);
	if (holding(s, now_ms)) {
		next = s->probe_at < s->hold_until ? s->probe_at : s->hold_until;
	} else {
		if (s->urgent || s->txq >= s->cfg.batch_objects || flush_due(s) <= now_ms)
			xmit(s, now_ms);
		next = flush_due(s);
	}
	next = next < s->alive_at ? next : s->alive_at;
	return next < s->wheel_due ? next : s->wheel_due;
}

void sync_get_stats(const struct sync *s, struct sync_stats *st)
{
	*st = s->st;
	st->txq_len = s->txq + s->txc;
	st->rsq_len = s->rsq;
	st->rsq_max = s->cfg.mode == SYNC_FTFW ? s->cfg.resend_queue_size : 0;
}

void sync_rsqueue_walk(const struct sync *s,
		       void (*cb)(void *arg, int ctl, uint32_t seq, uint8_t flags), void *arg)
{
	for (uint32_t r = s->rs_head; r != NIL; r = nd(s, r)->next)
		cb(arg, is_ctl(r), nd(s, r)->seq, is_ctl(r) ? s->ctl[r & IDX].flags : 0);
}
