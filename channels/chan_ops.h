/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sync channel backend ops table: sockets only, one datagram per call, no conntrack. */
#ifndef CTBOX_CHANNELS_CHAN_OPS_H
#define CTBOX_CHANNELS_CHAN_OPS_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct cfg_chan;

union chan_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* A datagram backend's state, embedded in the channel layer's link (no allocation). */
struct chan_sock {
	int rx, tx;	   /* receive socket (bound), send socket (unbound) */
	socklen_t dlen;	   /* length of dst */
	union chan_sa dst; /* where every datagram goes */
	int peer_only;	   /* accept datagrams from dst's address only (UDP) */
};

struct chan_ops {
	const char *name;      /* "UDP" / "multicast": the -s traffic block prefix */
	unsigned int overhead; /* IP + transport header allowance: send buffer = MTU - overhead */
	/*
	 * Open both sockets for one link; ifindex is its Interface's. Both are
	 * non-blocking and close-on-exec. Returns 0, or -errno with nothing
	 * left open.
	 */
	int (*open)(struct chan_sock *s, const struct cfg_chan *cc, unsigned int ifindex);
	void (*close)(struct chan_sock *s);
	/* One datagram out. Returns the bytes sent or -errno. */
	ssize_t (*send)(struct chan_sock *s, const void *buf, size_t len);
	/*
	 * One datagram in. Returns its length, -EACCES if it came from an
	 * address other than the peer's (peer_only), or -errno (-EAGAIN: none).
	 */
	ssize_t (*recv)(struct chan_sock *s, void *buf, size_t len);
	/* The fd the event loop polls for input. */
	int (*fd)(const struct chan_sock *s);
};

/* Built only when meson's `channels` option selects them (config.h CONFIG_CHANNEL_*). */
extern const struct chan_ops udp_ops;
extern const struct chan_ops mcast_ops;

#endif
