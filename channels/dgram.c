// SPDX-License-Identifier: GPL-2.0-or-later
/* Datagram socket plumbing shared by the UDP and multicast backends (upstream's socket recipe). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "channels/chan_ops.h"
#include "channels/dgram.h"
#include "core/cfg.h"

int dgram_setint(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) < 0 ? -errno : 0;
}

/* Socket buffer sizes: FORCE passes rmem_max/wmem_max; unset (0) keeps the system default. */
static int set_buf(int fd, int opt, uint32_t bytes)
{
	int err;

	if (!bytes)
		return 0;
	err = dgram_setint(fd, SOL_SOCKET, opt, bytes > 0x7fffffff ? 0x7fffffff : (int)bytes);
	/* upstream tolerates kernels without the FORCE options */
	return err == -ENOPROTOOPT ? 0 : err;
}

static socklen_t fill(union chan_sa *sa, int family, const union ct_addr *a, uint16_t port,
		      unsigned int scope)
{
	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons(port);
		sa->in.sin_addr.s_addr = a->v4;
		return sizeof(sa->in);
	}
	sa->in6.sin6_family = AF_INET6;
	sa->in6.sin6_port = htons(port);
	memcpy(&sa->in6.sin6_addr, a->b, 16);
	/* the kernel reads it only for scoped (link-local) addresses */
	sa->in6.sin6_scope_id = scope;
	return sizeof(sa->in6);
}

int dgram_open(struct chan_sock *s, const struct cfg_chan *cc, const union ct_addr *bind_to,
	       const union ct_addr *dst, unsigned int scope)
{
	int family = cc->family, err;
	union chan_sa sa;
	socklen_t len;

	s->rx = s->tx = -1;
	s->peer_only = 0;
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	s->rx = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->tx = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->rx < 0 || s->tx < 0) {
		err = -errno;
		goto fail;
	}
	len = fill(&sa, family, bind_to, cc->port, scope);
	if ((err = dgram_setint(s->rx, SOL_SOCKET, SO_REUSEADDR, 1)) ||
	    (err = set_buf(s->rx, SO_RCVBUFFORCE, cc->rcvbuf)))
		goto fail;
	if (bind(s->rx, &sa.sa, len) < 0) {
		err = -errno;
		goto fail;
	}
	if ((err = dgram_setint(s->tx, SOL_SOCKET, SO_NO_CHECK, !cc->checksum)) ||
	    (err = set_buf(s->tx, SO_SNDBUFFORCE, cc->sndbuf)))
		goto fail;
	s->dlen = fill(&s->dst, family, dst, cc->port, scope);
	return 0;
fail:
	dgram_close(s);
	return err;
}

void dgram_close(struct chan_sock *s)
{
	if (s->rx >= 0)
		close(s->rx);
	if (s->tx >= 0)
		close(s->tx);
	s->rx = s->tx = -1;
}

ssize_t dgram_send(struct chan_sock *s, const void *buf, size_t len)
{
	ssize_t n = sendto(s->tx, buf, len, 0, &s->dst.sa, s->dlen);

	return n < 0 ? -errno : n;
}

/* The source is the peer: same address (its port is ephemeral, as upstream sends). */
static int from_peer(const struct chan_sock *s, const union chan_sa *src)
{
	if (src->sa.sa_family != s->dst.sa.sa_family)
		return 0;
	if (src->sa.sa_family == AF_INET)
		return src->in.sin_addr.s_addr == s->dst.in.sin_addr.s_addr;
	return !memcmp(&src->in6.sin6_addr, &s->dst.in6.sin6_addr, 16);
}

ssize_t dgram_recv(struct chan_sock *s, void *buf, size_t len)
{
	union chan_sa src;
	socklen_t sl = sizeof(src);
	ssize_t n = recvfrom(s->rx, buf, len, 0, &src.sa, &sl);

	if (n < 0)
		return -errno;
	if (s->peer_only && !from_peer(s, &src))
		return -EACCES;
	return n;
}

int dgram_fd(const struct chan_sock *s)
{
	return s->rx;
}
