/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The channel layer: up to four dedicated links of one type, the current one, MTU packing, counters. */
#ifndef CTBOX_CORE_CHAN_H
#define CTBOX_CORE_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cfg;
struct out;
struct chan;

/* Per-link counters as conntrackd -s prints them. */
struct chan_stats {
	uint64_t bytes_sent, bytes_recv;	/* payload bytes */
	uint64_t pkts_sent, pkts_recv;		/* datagrams */
	uint64_t err_send, err_recv;
};

/*
 * Open every link of cfg->chan[] (the backend each type names; the build
 * must have it). The current link starts at cfg->default_chan. Returns
 * NULL with *err = -errno and errlink = the failing link's index.
 * Owner: caller, release with chan_close.
 */
struct chan *chan_open(const struct cfg *cfg, int *err, unsigned int *errlink);
void chan_close(struct chan *c);

unsigned int chan_count(const struct chan *c);
/* Receive fd of link i, for the event loop. */
int chan_fd(const struct chan *c, unsigned int i);
/* fd of the rtnetlink link monitor, -1 if none. */
int chan_link_fd(const struct chan *c);

/*
 * Append one message to the current link's datagram; a full datagram
 * (upstream's rule: buffered + len < MTU - header allowance) goes out
 * first. Returns 0 or -errno of a failed send (counted as Error send).
 */
int chan_send(struct chan *c, const uint8_t *msg, size_t len);
/* Send the partial datagram of the current link, if any. */
int chan_flush(struct chan *c);

/* One datagram from link i into buf; counted. Returns bytes or -errno (-EAGAIN: none). */
ssize_t chan_recv(struct chan *c, unsigned int i, uint8_t *buf, size_t len);

/* A message accepted on link i: i becomes current (the peer's fail-over is followed). */
void chan_set_current(struct chan *c, unsigned int i);
unsigned int chan_current(const struct chan *c);

/*
 * Read the link monitor and apply upstream's fail-over rule. When the
 * current link changes, *switched gets the new index (else -1) and the
 * caller logs "device `X' becomes dedicated link"; *none is set when no
 * link is available ("no dedicated links available!").
 */
int chan_link_event(struct chan *c, int *switched, int *none);

/* Interface name of link i. */
const char *chan_ifname(const struct chan *c, unsigned int i);

/* The general -s block of the current link ("UDP traffic (active device=X):" ...). */
void chan_print_current(const struct chan *c, struct out *o);
/* -s link: one block per link with status and role. */
void chan_print_links(const struct chan *c, struct out *o);

#endif
