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
 * numbers, with SYNC_ID_EXP set for the expectation cache. Bit 30 is the
 * engine's own (its control messages share the queues): a slot number
 * must stay below SYNC_ID_LIMIT.
 */
#define SYNC_ID_EXP 0x80000000u
#define SYNC_ID_LIMIT 0x40000000u

/* The largest state message encode may produce (one datagram at MTU 1500). */
#define SYNC_MSG_MAX 1472

/* Live-path batching defaults (sync_cfg 0) and the value that turns it off (upstream timing). */
#define SYNC_BATCH_DELAY_MS 5
#define SYNC_BATCH_OBJECTS 64
#define SYNC_BATCH_OFF UINT32_MAX

/*
 * What the daemon does for the engine. Every callback gets the arg given
 * to sync_new. Callbacks must not call back into the engine, except that
 * resync calls sync_queue.
 */
struct sync_ops {
	/*
	 * Encode the object's current state as one complete state message at
	 * buf[room] (wire_put_ct/wire_put_exp: type from the object's status,
	 * seq and flags 0; the engine stamps them). Returns the length, 0 when
	 * the object no longer exists (nothing is sent, nothing released),
	 * -ENOSPC if it does not fit in room (dropped, counted, released).
	 */
	int (*encode)(void *arg, uint32_t id, uint8_t *buf, size_t room);
	/*
	 * One finished message for the channel layer, which packs datagrams.
	 * Returns 1 if the message starts a new datagram (the one buffered
	 * before went out), else 0 (0 always is safe: the partial datagram is
	 * then flushed a little earlier).
	 */
	int (*send)(void *arg, const uint8_t *msg, size_t len);
	/* The channel layer sends its partial datagram now. */
	void (*flush)(void *arg);
	/*
	 * The engine dropped its reference to an id it last sent as a DEL
	 * (acknowledged, flushed by a peer's HELLO, pushed out of a full
	 * resend queue, or just sent in NOTRACK/ALARM), or whose encode
	 * failed: the cache frees the object if it is dead.
	 */
	void (*release)(void *arg, uint32_t id);
	/* The peer asked for a resync: the daemon calls sync_queue for every object. */
	void (*resync)(void *arg);
};

struct sync_cfg {
	enum sync_mode mode;
	uint32_t ack_window;	    /* FT-FW ACKWindowSize (0 = 300) */
	uint32_t resend_queue_size; /* FT-FW ResendQueueSize (0 = 131072) */
	uint32_t refresh_time;	    /* ALARM RefreshTime in seconds (0 = 60) */
	/*
	 * Live path: a queued object may wait up to batch_delay_ms (0 =
	 * SYNC_BATCH_DELAY_MS, SYNC_BATCH_OFF = none, upstream's timing) for
	 * its datagram to fill up: a round runs when the oldest queued object
	 * is due or batch_objects (0 = SYNC_BATCH_OBJECTS) wait, and the
	 * partial datagram it leaves goes out when its oldest message is due.
	 * Control messages are never delayed (their round flushes). Outside
	 * SYNC_BATCH_OFF the engine also answers a HELLO at once and keeps
	 * checking a restarting peer's HELLO-flagged messages for gaps
	 * (upstream re-bases on each, blind to losses until its HELLO_BACK).
	 */
	uint32_t batch_delay_ms;
	uint32_t batch_objects;
};

/* Counters for conntrackd -s (network, queue, rsqueue). */
struct sync_stats {
	uint64_t lost, before;	   /* sequence tracking: messages missed, late/duplicate */
	uint64_t bad;		   /* messages the mode refused (also returned as SYNC_RX_BAD) */
	uint64_t enc_err;	   /* objects dropped because encode failed (oversized) */
	uint32_t txq_len, rsq_len; /* current elements */
	uint64_t txq_nomem;	   /* txqueue "not enough space errors" (allocation failed) */
	uint64_t rsq_overflow;	   /* rsqueue "not enough space errors": oldest dropped when full */
	uint32_t rsq_max;	   /* ResendQueueSize in FT-FW, else 0 */
	uint32_t qnodes;	   /* "allocated queue nodes": control messages held */
	uint64_t peer_starts;	   /* FT-FW: HELLO sessions seen, one per peer (re)start */
};

/* What sync_input decided about a received message. */
enum sync_rx {
	SYNC_RX_DATA, /* a state message to apply (caller decodes it); its link becomes current */
	SYNC_RX_CTL,  /* a control message, consumed; its link becomes current */
	SYNC_RX_DROP, /* late or duplicate (FT-FW): not applied */
	SYNC_RX_BAD,  /* refused: count as malformed header */
	SYNC_RX_BAD_TYPE, /* ALARM, flags 0, type > 5: count as bad message type; link becomes current */
};

/*
 * A new engine. seq0 is the first sequence number to send (upstream:
 * time(NULL)); seed feeds ALARM's refresh jitter. The 1 s alive/ack timer
 * starts at the first call that passes a clock. Returns NULL on ENOMEM.
 * Owner: caller, release with sync_free (no callbacks run).
 */
struct sync *sync_new(const struct sync_cfg *cfg, const struct sync_ops *ops, void *arg,
		      uint32_t seq0, uint32_t seed);
void sync_free(struct sync *s);

/*
 * Queue object id for transmission: at most one queued message per id,
 * carrying the state at transmission time. An id waiting in the resend
 * queue moves back to the transmit queue. In ALARM the id's refresh timer
 * is (re)armed. Returns 0, -EINVAL (id has bit 30) or -ENOMEM.
 */
int sync_queue(struct sync *s, uint32_t id, uint64_t now_ms);

/* The object is gone without needing a message (cache flush): drop every reference to id. */
void sync_forget(struct sync *s, uint32_t id);

/* Queue a RESYNC request to the peer (conntrackd -n, StartupResync). FT-FW and NOTRACK. */
void sync_request_resync(struct sync *s, uint64_t now_ms);

/*
 * One received message whose header wire_next accepted. Runs the mode's
 * receive rules: sequence tracking, ACK/NACK/HELLO handling, RESYNC
 * (ops->resync). peer names the sending node (e.g. a hash of the source
 * address on a multicast link with more than two nodes); pass 0 when all
 * messages come from one node, also over several dedicated links. Each
 * node (up to 4, least recently heard replaced) has its own sequence
 * state, and a resend element waits for every node's ACK; a node silent
 * for 5 s while another one talks is given up. With one node this is
 * upstream's behaviour. Messages to send in answer are queued: call
 * sync_tick after the datagram.
 */
enum sync_rx sync_input(struct sync *s, uint32_t peer, const struct wire_hdr *h, uint64_t now_ms);

/*
 * Run what is due at now_ms: a transmit round (queued objects and control
 * messages through ops->encode/send/flush), the 1 s alive/ack timer,
 * ALARM refreshes. Call it after every sync_queue/sync_input batch and at
 * the time it returns: the next time (ms) the engine needs a tick, or
 * UINT64_MAX if none. now_ms never goes backwards.
 */
uint64_t sync_tick(struct sync *s, uint64_t now_ms);

void sync_get_stats(const struct sync *s, struct sync_stats *st);

/*
 * The resend queue, oldest first, for conntrackd -s rsqueue: cb gets each
 * element's seq, and for control messages (ctl = 1) the flags they were
 * last sent with.
 */
void sync_rsqueue_walk(const struct sync *s,
		       void (*cb)(void *arg, int ctl, uint32_t seq, uint8_t flags), void *arg);

#endif
