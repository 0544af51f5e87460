/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The channel layer: up to four dedicated links of one type, the current one, MTU packing, counters. */
#ifndef CTBOX_CORE_CHAN_H
#define CTBOX_CORE_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cfg;
struct out;
struct chan;

/* Per-link counters as conntrackd -s prints them. */
struct chan_stats {
	uint64_t bytes_sent, bytes_recv; /* payload bytes */
	uint64_t pkts_sent, pkts_recv;	 /* datagrams */
	uint64_t err_send, err_recv;
	uint64_t rejected; /* UDP datagrams from a non-peer address */
};

/*
 * OR-ed into chan_open's *errlink when that link's Interface does not exist
 * (*err is then -ENODEV): upstream logs "X is an invalid interface" before
 * "can't open channel socket: ...". Other ENODEVs (joining a group on an
 * IPv4_interface address no interface has) come without it.
 */
#define CHAN_ERR_IFACE 0x100u

/*
 * Open every link of cfg->chan[] with the backend its type names
 * (-EPROTONOSUPPORT for a type this build has no backend for, TCP
 * included; -EINVAL for no links, more than CFG_MAX_CHANNELS or mixed
 * types). Each link's send buffer is its Interface's MTU (read now) minus
 * the backend's header allowance. The current link starts at
 * cfg->default_chan. Also opens the rtnetlink link monitor. Returns NULL
 * with *err = -errno and *errlink = the failing link's index (plus
 * CHAN_ERR_IFACE, see above). Owner: caller, release with chan_close.
 */
struct chan *chan_open(const struct cfg *cfg, int *err, unsigned int *errlink);
/* Close every socket and free c (NULL is fine). Pending datagrams are dropped. */
void chan_close(struct chan *c);

unsigned int chan_count(const struct chan *c);
/* Receive fd of link i, for the event loop. */
int chan_fd(const struct chan *c, unsigned int i);
/* fd of the rtnetlink link monitor (never -1 once open). */
int chan_link_fd(const struct chan *c);

/*
 * Append one message to the current link's datagram; a full datagram
 * (upstream's rule: appended while buffered + len < MTU - header
 * allowance) goes out first. A message that cannot fit even an empty
 * datagram goes out alone. Returns 1 when a buffered datagram went out
 * first (msg starts a new one), 0, or -errno of a failed send (counted
 * as Error send; that datagram is lost).
 */
int chan_send(struct chan *c, const uint8_t *msg, size_t len);
/* Send the partial datagram of the current link, if any (end of a transmit round). */
int chan_flush(struct chan *c);

/*
 * One datagram from link i into buf; counted as received (bytes and
 * packets) or as Error recv. Returns its length or -errno (-EAGAIN:
 * nothing waiting, not counted; -EACCES: from an address that is not the
 * peer, dropped and counted as rejected).
 */
ssize_t chan_recv(struct chan *c, unsigned int i, uint8_t *buf, size_t len);

/*
 * A message accepted on link i: i becomes current (the peer's fail-over is
 * followed). A partial datagram of the old link moves to i. Returns true
 * if the current link changed.
 */
bool chan_set_current(struct chan *c, unsigned int i);
unsigned int chan_current(const struct chan *c);

/*
 * Drain the link monitor and apply upstream's fail-over rule: if the
 * current link's interface is not both UP and RUNNING, the first other
 * link (on another interface) that is UP or RUNNING becomes current and
 * *switched gets its index (the caller logs "device `X' becomes dedicated
 * link"), else -1. *none is set when the current link is down and no
 * other is available (the caller logs "no dedicated links available!";
 * the current link stays). No switch back when a link recovers. Returns
 * 0, or -errno of a failed monitor read (the rule is applied anyway:
 * interface flags are read from the kernel, not from the messages).
 */
int chan_link_event(struct chan *c, int *switched, int *none);

/* Interface name of link i, as configured. */
const char *chan_ifname(const struct chan *c, unsigned int i);
/* Counters of link i. */
const struct chan_stats *chan_stats(const struct chan *c, unsigned int i);

/* The general -s block of the current link ("UDP traffic (active device=X):" ...). */
void chan_print_current(const struct chan *c, struct out *o);
/* -s link: one block per link with its interface status (read now) and role. */
void chan_print_links(const struct chan *c, struct out *o);

#endif
