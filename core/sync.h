/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sync engine (FT-FW, NOTRACK, ALARM): bytes and a clock in, bytes out. No sockets, no conntrack. */
#ifndef CTBOX_CORE_SYNC_H
#define CTBOX_CORE_SYNC_H

#include <stddef.h>
#include <stdint.h>

struct wire_hdr;
struct sync;

enum sync_mode {
	SYNC_FTFW,
	SYNC_NOTRACK,
	SYNC_ALARM,
};

/*
 * Object ids are opaque to the engine. The daemon uses dense cache slot
 * numbers, with SYNC_ID_EXP set for the expectation cache.
 */
#define SYNC_ID_EXP 0x80000000u

/* What the daemon does for the engine. Every callback gets the arg given to sync_new. */
struct sync_ops {
	/*
	 * Encode the object's current state as one complete state message at
	 * buf[room] (wire_put_ct/wire_put_exp: type from the object's status,
	 * seq and flags 0; the engine stamps them). Returns the length, 0 when
	 * the object no longer exists (nothing is sent), -ENOSPC if it does
	 * not fit in room.
	 */
	int (*encode)(void *arg, uint32_t id, uint8_t *buf, size_t room);
	/* One finished message for the channel layer, which packs datagrams. */
	void (*send)(void *arg, const uint8_t *msg, size_t len);
	/* End of a transmit round: the channel layer sends its partial datagram. */
	void (*flush)(void *arg);
	/* The engine holds no more reference to id: the cache may free a dead object. */
	void (*release)(void *arg, uint32_t id);
	/* The peer asked for a resync: the daemon calls sync_queue for every object. */
	void (*resync)(void *arg);
};

struct sync_cfg {
	enum sync_mode mode;
	uint32_t ack_window;		/* FT-FW ACKWindowSize (0 = 300) */
	uint32_t resend_queue_size;	/* FT-FW ResendQueueSize (0 = 131072) */
	uint32_t refresh_time;		/* ALARM RefreshTime in seconds (0 = 60) */
	uint32_t batch_delay_ms;	/* live path: wait up to this long to fill a datagram (0 = none) */
	uint32_t batch_objects;		/* ... or until this many objects are queued */
};

/* Counters for conntrackd -s (network, queue, rsqueue). */
struct sync_stats {
	uint64_t lost, before;		/* sequence tracking: messages missed, late/duplicate */
	uint64_t bad;			/* messages the mode refused (counted as malformed header) */
	uint32_t txq_len, rsq_len;	/* current elements */
	uint64_t rsq_overflow;		/* resend-queue entries dropped when full */
	uint32_t rsq_max;
};

/* What sync_input decided about a received message. */
enum sync_rx {
	SYNC_RX_DATA,	/* a state message to apply (caller decodes it); its link becomes current */
	SYNC_RX_CTL,	/* a control message, consumed; its link becomes current */
	SYNC_RX_DROP,	/* late or duplicate, or ignored in this mode */
	SYNC_RX_BAD,	/* refused: count as malformed header */
};

/*
 * A new engine. seq0 is the first sequence number to send (upstream:
 * time(NULL)); seed feeds ALARM's refresh jitter. Returns NULL on ENOMEM.
 * Owner: caller, release with sync_free.
 */
struct sync *sync_new(const struct sync_cfg *cfg, const struct sync_ops *ops, void *arg,
		      uint32_t seq0, uint32_t seed);
void sync_free(struct sync *s);

/*
 * Queue object id for transmission: at most one queued message per id,
 * carrying the state at transmission time. An id waiting in the resend
 * queue moves back to the transmit queue. In ALARM the id's refresh timer
 * is (re)armed. Returns 0 or -ENOMEM.
 */
int sync_queue(struct sync *s, uint32_t id, uint64_t now_ms);

/* The object is gone without needing a message (cache flush): drop every reference to id. */
void sync_forget(struct sync *s, uint32_t id);

/* Queue a RESYNC request to the peer (conntrackd -n, StartupResync). FT-FW and NOTRACK. */
void sync_request_resync(struct sync *s, uint64_t now_ms);

/*
 * One received message whose header wire_next accepted (msg has h->len
 * bytes). Runs the mode's receive rules: sequence tracking, ACK/NACK/
 * HELLO handling, RESYNC (ops->resync). Messages to send in answer are
 * queued, not sent: the next sync_tick sends them.
 */
enum sync_rx sync_input(struct sync *s, const struct wire_hdr *h, const uint8_t *msg,
			uint64_t now_ms);

/*
 * Run what is due at now_ms: a transmit round (queued objects and control
 * messages through ops->encode/send/flush), the 1 s alive/ack timer,
 * ALARM refreshes. Returns the next time (ms) the engine needs a tick, or
 * UINT64_MAX if none.
 */
uint64_t sync_tick(struct sync *s, uint64_t now_ms);

void sync_get_stats(const struct sync *s, struct sync_stats *st);

/*
 * The resend queue, oldest first, for conntrackd -s rsqueue: cb gets each
 * element's seq, and for control messages their flags (ctl = 1).
 */
void sync_rsqueue_walk(const struct sync *s,
		       void (*cb)(void *arg, int ctl, uint32_t seq, uint8_t flags), void *arg);

#endif
