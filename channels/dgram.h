/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the UDP and multicast backends share: socket set-up, send, receive, close. */
#ifndef CTBOX_CHANNELS_DGRAM_H
#define CTBOX_CHANNELS_DGRAM_H

#include <stddef.h>
#include <sys/types.h>

struct cfg_chan;
struct chan_sock;
union ct_addr;

/*
 * Open s->rx bound to [bind]:cc->port (SO_REUSEADDR, RcvSocketBuffer) and
 * an unbound s->tx (SO_NO_CHECK per Checksum, SndSocketBuffer), and aim
 * s->dst at [dst]:cc->port. scope is the IPv6 scope id of both addresses.
 * Returns 0 or -errno with nothing left open.
 */
int dgram_open(struct chan_sock *s, const struct cfg_chan *cc, const union ct_addr *bind,
	       const union ct_addr *dst, unsigned int scope);
/* setsockopt of one int. Returns 0 or -errno. */
int dgram_setint(int fd, int level, int opt, int val);

void dgram_close(struct chan_sock *s);
ssize_t dgram_send(struct chan_sock *s, const void *buf, size_t len);
ssize_t dgram_recv(struct chan_sock *s, void *buf, size_t len);
int dgram_fd(const struct chan_sock *s);

#endif
