// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz harness: the sync engine (core/sync) on scripts of events, datagrams, forged ACKs and time. */
#include <stdbool.h>
#include <string.h>

#include "core/sync.h"
#include "proto/wire.h"
#include "fuzz.h"

/*
 * Input: byte 0 the mode and config, then ops of one byte and their
 * operands (see run()). A model cache stands behind the callbacks; the
 * engine must never encode a freed object or release a live one, and what
 * it sends must be what an upstream peer accepts.
 */
const char *const fuzz_dict[] = { "\x1a\x08\x00\x10",
				  "\x1a\x04\x00\x10",
				  "\x1a\x02\x00\x10",
				  "\x1a\x10\x00\x08",
				  "\x1a\x20\x00\x08",
				  "\x1a\x40\x00\x08",
				  "\x10\x00\x00\x08",
				  "\x12\x60\x00\x08",
				  "\x07",
				  "\x0f",
				  "\xff\xff",
				  NULL };

#define NID 128
enum { FREE, LIVE, DEAD };

struct fz {
	struct sync *s;
	enum sync_mode mode;
	uint8_t obj[NID]; /* model state per id (slot | exp bit 6) */
	uint32_t seq0, next_seq, sent;
	uint64_t now;
	bool in_resync;
};

static uint32_t id_of(uint8_t b)
{
	return (b & 0x3fu) | (b & 0x40 ? SYNC_ID_EXP : 0);
}

static uint8_t *obj(struct fz *f, uint32_t id)
{
	return &f->obj[(id & 0x3f) | (id & SYNC_ID_EXP ? 0x40 : 0)];
}

static int cb_encode(void *arg, uint32_t id, uint8_t *buf, size_t room)
{
	struct fz *f = arg;
	uint8_t st = *obj(f, id);

	if (st == FREE)
		fuzz_fail("encode of a freed object");
	if ((id & 0x3f) == 0x3f)
		return -28; /* oversized: dropped and released */
	if (room < 12)
		fuzz_fail("encode room");
	wire_hdr_put(buf, (uint8_t)((st == DEAD ? 2 : id & 1) + (id & SYNC_ID_EXP ? 3 : 0)), 0, 12,
		     0);
	memset(buf + 8, (int)id, 4);
	return 12;
}

static int cb_send(void *arg, const uint8_t *m, size_t len)
{
	struct fz *f = arg;
	struct wire_hdr h;
	size_t off = 0;

	if (wire_next(m, len, &off, &h) != WIRE_RX_OK || off != len)
		fuzz_fail("sent message does not parse");
	if (h.seq != f->next_seq)
		fuzz_fail("sequence numbers are not consecutive");
	f->next_seq++;
	f->sent++;
	if (h.type <= WIRE_EXP_DEL) {
		if (h.flags & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK) || h.len != 12)
			fuzz_fail("state message flags or length");
	} else if (h.type != WIRE_CTL || f->mode == SYNC_ALARM) {
		fuzz_fail("control message type or mode");
	} else {
		uint8_t base = h.flags & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK);

		if (base != WIRE_F_ALIVE && base != WIRE_F_RESYNC &&
		    (f->mode != SYNC_FTFW || (base != WIRE_F_ACK && base != WIRE_F_NACK)))
			fuzz_fail("control flags");
		if ((base == WIRE_F_ALIVE) != (h.len == WIRE_HDR_LEN))
			fuzz_fail("control length");
		if ((base == WIRE_F_ACK || base == WIRE_F_NACK) && wire_before(h.to, h.from))
			fuzz_fail("backwards range sent");
	}
	if (f->mode != SYNC_FTFW && h.flags & (WIRE_F_HELLO | WIRE_F_HELLO_BACK))
		fuzz_fail("hello bits outside FT-FW");
	return (int)(f->sent & 1);
}

static void cb_flush(void *arg)
{
}

static void cb_release(void *arg, uint32_t id)
{
	struct fz *f = arg;
	uint8_t *st = obj(f, id);

	if ((id & 0x3f) == 0x3f && *st != FREE) {
		/* a failed encode hands back live objects too */
		if (*st == DEAD)
			*st = FREE;
		return;
	}
	if (*st != DEAD)
		fuzz_fail("release of an object that is not dead");
	*st = FREE;
}

static void cb_resync(void *arg)
{
	struct fz *f = arg;

	if (f->in_resync)
		fuzz_fail("resync re-entered");
	f->in_resync = true;
	for (uint32_t i = 0; i < NID; i++)
		if (f->obj[i] == LIVE && sync_queue(f->s, id_of((uint8_t)i), f->now))
			fuzz_fail("sync_queue in resync");
	f->in_resync = false;
}

static const struct sync_ops ops = { cb_encode, cb_send, cb_flush, cb_release, cb_resync };

struct walk {
	uint32_t n, last;
	bool ctl_flags_ok;
};

static void walk_cb(void *arg, int ctl, uint32_t seq, uint8_t flags)
{
	struct walk *w = arg;

	if (w->n && !wire_after(seq, w->last))
		fuzz_fail("resend queue out of order");
	if (ctl && !(flags & (WIRE_F_ACK | WIRE_F_NACK | WIRE_F_RESYNC)))
		w->ctl_flags_ok = false;
	w->last = seq;
	w->n++;
}

static void check(struct fz *f, uint64_t next)
{
	struct sync_stats st;
	struct walk w = { 0, 0, true };

	if (next <= f->now)
		fuzz_fail("next tick not in the future");
	sync_get_stats(f->s, &st);
	sync_rsqueue_walk(f->s, walk_cb, &w);
	if (w.n != st.rsq_len)
		fuzz_fail("rsq_len differs from the walk");
	if (!w.ctl_flags_ok)
		fuzz_fail("a kept control message is not ACK/NACK/RESYNC");
	if (f->mode != SYNC_FTFW ? st.rsq_len || st.rsq_max : st.rsq_len > st.rsq_max)
		fuzz_fail("resend queue size");
	if (st.txq_len > 4 * NID + 100000 || st.qnodes > st.rsq_len + st.txq_len)
		fuzz_fail("queue counters");
}

/* One datagram: wire_next's walk, then the engine; DATA and CTL must be ones the mode accepts. */
static void input(struct fz *f, const uint8_t *d, size_t len, uint32_t peer)
{
	struct wire_hdr h;
	size_t off = 0;
	enum wire_rx w;

	while ((w = wire_next(d, len, &off, &h)) == WIRE_RX_OK || w == WIRE_RX_BAD_VERSION) {
		enum sync_rx r;

		if (w != WIRE_RX_OK)
			continue;
		r = sync_input(f->s, peer, &h, f->now);
		if (r == SYNC_RX_DATA &&
		    (h.type > WIRE_EXP_DEL || (f->mode != SYNC_ALARM && h.flags & ~0x60) ||
		     (f->mode == SYNC_ALARM && h.flags)))
			fuzz_fail("DATA for a message that is not");
		if (r == SYNC_RX_BAD_TYPE && (f->mode != SYNC_ALARM || h.type <= WIRE_EXP_DEL))
			fuzz_fail("BAD_TYPE outside ALARM");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t delays[] = { SYNC_BATCH_OFF, 0, 2, 9 };
	static const uint32_t refresh[] = { 1, 3, 150, 400 }; /* also past a wheel turn */
	struct sync_cfg cfg = { 0 };
	struct fz f;
	size_t i = 1;
	uint64_t next;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	f.mode = cfg.mode = (enum sync_mode)(data[0] % 3);
	cfg.ack_window = 1 + (data[0] >> 2 & 3);
	cfg.resend_queue_size = 1 + (data[0] >> 4 & 7) * 3;
	cfg.refresh_time = refresh[data[0] >> 4 & 3];
	cfg.batch_delay_ms = delays[data[0] >> 6];
	cfg.batch_objects = 1 + (data[0] & 7);
	f.seq0 = f.next_seq = data[0] & 1 ? 0xfffffff0u : 1000;
	f.s = sync_new(&cfg, &ops, &f, f.seq0, data[0]);
	if (!f.s)
		fuzz_fail("sync_new");
	next = sync_tick(f.s, 0);
	while (i < size) {
		uint8_t op = data[i++], a = i < size ? data[i] : 0,
			b = i + 1 < size ? data[i + 1] : 0;
		uint32_t id = id_of(a), peer = op >> 5; /* 8 senders: more than the engine tracks */
		uint8_t *st = obj(&f, id);

		switch (op & 7) {
		case 0: /* create or update */
			i++;
			if (*st == FREE)
				*st = LIVE;
			if (sync_queue(f.s, id, f.now))
				fuzz_fail("sync_queue");
			break;
		case 1: /* delete */
			i++;
			if (*st == LIVE) {
				*st = DEAD;
				sync_queue(f.s, id, f.now);
			}
			break;
		case 2: /* cache flush of one object */
			i++;
			sync_forget(f.s, id);
			if (*st == DEAD)
				*st = FREE;
			break;
		case 3: /* time passes */
			i++;
			f.now += (uint64_t)a * (op & 8 ? op & 0x10 ? 1024 : 64 : 4);
			next = sync_tick(f.s, f.now);
			break;
		case 4: { /* a datagram of the next a bytes */
			size_t n = a;

			i++;
			if (n > size - i)
				n = size - i;
			input(&f, data + i, n, peer);
			i += n;
			break;
		}
		case 5: /* -n */
			sync_request_resync(f.s, f.now);
			break;
		case 6: { /* a forged control message near our own seqs */
			struct wire_hdr h = { 1, WIRE_CTL, a, 16, 5000 + (op >> 3), 0, 0 };

			i += 2;
			h.from = f.next_seq - 1 - (b & 0x1f);
			h.to = h.from + (b >> 5);
			if (op & 8)
				h.type = b & 0x0f;
			sync_input(f.s, peer, &h, f.now);
			break;
		}
		default:
			next = sync_tick(f.s, f.now);
			break;
		}
		if (f.now >= next)
			next = sync_tick(f.s, f.now);
		check(&f, next);
	}
	/*
	 * Everything queued leaves within the batch delay, or once the wait for
	 * a HELLO_BACK (1.2 s at most) ends (ALARM's refreshes keep coming).
	 */
	f.now += 20;
	sync_tick(f.s, f.now);
	f.now += 1300;
	sync_tick(f.s, f.now);
	f.now += 20;
	sync_tick(f.s, f.now);
	{
		struct sync_stats st;

		sync_get_stats(f.s, &st);
		if (f.mode != SYNC_ALARM && st.txq_len)
			fuzz_fail("transmit queue not drained");
	}
	sync_free(f.s);
	return 0;
}
