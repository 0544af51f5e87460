// SPDX-License-Identifier: GPL-2.0-or-later
/* Netlink socket layer: one NETLINK_NETFILTER socket, requests, acks and dump loops. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "core/nl.h"

/*
 * The kernel sizes dump skbs after the largest buffer recvmsg() was ever
 * given (capped at 32 KiB), so a big buffer means fewer, fuller reads.
 */
#define NL_RXBUF (64 * 1024)

struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	int threaded; /* dumps: a second thread reads while the caller's cb runs */
	/* An asynchronous dump in progress (nl_dump_start/step). */
	struct nlmsghdr dreq;
	int dstop, dret, dintr;
	size_t rxlen;
	char rx[] __attribute__((aligned(8)));
};

struct nl *nl_open(uint32_t groups)
{
	return nl_open_rx(groups, NL_RXBUF);
}

struct nl *nl_open_rx(uint32_t groups, size_t rxlen)
{
	struct nl *nl = malloc(sizeof(*nl) + rxlen);
	int err;

	if (!nl)
		return NULL;
	nl->rxlen = rxlen;
	nl->dreq.nlmsg_seq = 0;
	nl->dreq.nlmsg_flags = 0;
	nl->sk = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl->sk)
		goto fail;
	if (mnl_socket_bind(nl->sk, groups, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl->sk);
		errno = err;
		goto fail;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	/* Upstream seeds with time(NULL); any start works as long as replies match it. */
	nl->seq = (uint32_t)time(NULL);
	nl->threaded = 0;
	return nl;
fail:
	err = errno;
	free(nl);
	errno = err;
	return NULL;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sk);
	free(nl);
}

int nl_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->sk);
}

uint32_t nl_portid(const struct nl *nl)
{
	return nl->portid;
}

uint32_t nl_seq(struct nl *nl)
{
	return ++nl->seq;
}

int nl_set_rcvbuf(struct nl *nl, size_t bytes, size_t *actual)
{
	int fd = nl_fd(nl);
	int v = bytes > (size_t)0x7fffffff ? 0x7fffffff : (int)bytes;
	socklen_t sl = sizeof(v);

	/* FORCE needs CAP_NET_ADMIN and ignores rmem_max; plain RCVBUF is the fallback. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
		return -errno;
	if (actual) {
		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &sl) < 0)
			return -errno;
		*actual = (size_t)v;
	}
	return 0;
}

size_t nl_rcvbuf(const struct nl *nl)
{
	int v = 0;
	socklen_t sl = sizeof(v);

	if (getsockopt(nl_fd(nl), SOL_SOCKET, SO_RCVBUF, &v, &sl) < 0)
		return 0;
	return (size_t)v;
}

void nl_set_threaded(struct nl *nl, int on)
{
	nl->threaded = on;
}

int nl_set_sockopt_int(struct nl *nl, int level, int opt, int val)
{
	if (setsockopt(nl_fd(nl), level, opt, &val, sizeof(val)) < 0)
		return -errno;
	return 0;
}

int nl_set_opt(struct nl *nl, int opt, int val)
{
	if (mnl_socket_setsockopt(nl->sk, opt, &val, sizeof(val)) < 0)
		return -errno;
	return 0;
}

int nl_send(struct nl *nl, const void *buf)
{
	const struct nlmsghdr *nlh = buf;

	if (mnl_socket_sendto(nl->sk, buf, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/*
 * Walk one datagram. Returns 1 when the reply is complete (DONE or ack),
 * 0 to keep reading, -errno on error. *stop makes later data skip the cb
 * while the rest of the dump drains, so the socket stays in step.
 */
static int nl_walk(struct nl *nl, const char *p, size_t len, const struct nlmsghdr *req, nl_cb cb,
		   void *arg, int *stop, int *ret, int *intr)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
	int n = (int)len;

	/* NLMSG_OK/NEXT inline what libmnl would call per message. */
	for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		/* Stale replies of an earlier request (e.g. after an early stop) are skipped. */
		if (nlh->nlmsg_seq != req->nlmsg_seq ||
		    (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid))
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = 1;
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				return -EBADMSG;
			if (e->error && !*ret)
				*ret = e->error;
			return 1;
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (cb && !*stop) {
			int r = cb(nlh, arg);

			if (r < 0) {
				*ret = r;
				*stop = 1;
			} else if (r > 0) {
				*stop = 1;
			}
		}
		/*
		 * A dump ends with DONE and a request with ACK with its ack; a
		 * plain request has one reply, even though the kernel marks some
		 * (GET_STATS) as multipart without ever sending DONE.
		 */
		if (!(req->nlmsg_flags & (NLM_F_DUMP | NLM_F_ACK)))
			return 1;
	}
	return 0;
}

/*
 * Threaded dumps. The kernel builds each dump skb inside recvmsg(), so a
 * reader thread that only calls recvmsg() keeps the kernel busy on one CPU
 * while the caller parses and prints on another. Datagrams travel through a
 * small ring, in order; the caller walks them exactly as nl_talk would.
 */
#define NL_SLOTS 3

struct nl_slot {
	ssize_t len; /* bytes, or -errno */
	char buf[NL_RXBUF] __attribute__((aligned(8)));
};

struct nl_pipe {
	struct nl *nl;
	const struct nlmsghdr *req;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int filled; /* datagrams received */
	unsigned int used;   /* datagrams walked */
	int abort;	     /* the caller gave up: stop reading */
	struct nl_slot slot[NL_SLOTS];
};

/* True when the datagram ends the reply to req (its DONE or error). */
static int nl_dgram_ends(const struct nl *nl, const char *p, ssize_t len,
			 const struct nlmsghdr *req)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
	int n = (int)len;

	/* Headers only, inline: this runs over every datagram of the dump. */
	for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		if (nlh->nlmsg_type != NLMSG_DONE && nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		if (nlh->nlmsg_seq == req->nlmsg_seq &&
		    (!nlh->nlmsg_pid || nlh->nlmsg_pid == nl->portid))
			return 1;
	}
	return 0;
}

static void *nl_reader(void *arg)
{
	struct nl_pipe *p = arg;
	int end = 0;

	while (!end) {
		struct nl_slot *s;

		pthread_mutex_lock(&p->lock);
		while (p->filled - p->used == NL_SLOTS && !p->abort)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->abort) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		pthread_mutex_unlock(&p->lock);
		s = &p->slot[p->filled % NL_SLOTS];
		do
			s->len = mnl_socket_recvfrom(p->nl->sk, s->buf, sizeof(s->buf));
		while (s->len < 0 && errno == EINTR);
		if (s->len < 0)
			s->len = -errno;
		end = s->len < 0 || nl_dgram_ends(p->nl, s->buf, s->len, p->req);
		pthread_mutex_lock(&p->lock);
		p->filled++;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* The dump of req (sent already) through a reader thread; -ENOMEM etc. when none starts. */
static int nl_walk_threaded(struct nl *nl, const struct nlmsghdr *req, nl_cb cb, void *arg,
			    int *stop, int *ret, int *intr)
{
	struct nl_pipe *p = malloc(sizeof(*p));
	pthread_t th;
	int r = 0;

	if (!p)
		return -ENOMEM;
	p->nl = nl;
	p->req = req;
	p->filled = p->used = 0;
	p->abort = 0;
	if (pthread_mutex_init(&p->lock, NULL)) {
		free(p);
		return -ENOMEM;
	}
	if (pthread_cond_init(&p->cond, NULL)) {
		pthread_mutex_destroy(&p->lock);
		free(p);
		return -ENOMEM;
	}
	if (pthread_create(&th, NULL, nl_reader, p)) {
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return -EAGAIN;
	}
	while (!r) {
		struct nl_slot *s;

		pthread_mutex_lock(&p->lock);
		while (p->used == p->filled)
			pthread_cond_wait(&p->cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
		s = &p->slot[p->used % NL_SLOTS];
		if (s->len < 0)
			r = (int)s->len;
		else
			r = nl_walk(nl, s->buf, (size_t)s->len, req, cb, arg, stop, ret, intr);
		pthread_mutex_lock(&p->lock);
		p->used++;
		if (r)
			p->abort = 1;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_join(th, NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
	return r;
}

int nl_talk(struct nl *nl, const void *buf, nl_cb cb, void *arg)
{
	const struct nlmsghdr *req = buf;
	int stop = 0, ret = 0, intr = 0;
	int r;

	r = nl_send(nl, buf);
	if (r)
		return r;
	if (nl->threaded && (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		r = nl_walk_threaded(nl, req, cb, arg, &stop, &ret, &intr);
		if (r < 0)
			return r;
		return ret ? ret : intr ? -EINTR : 0;
	}
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl->sk, nl->rx, nl->rxlen);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r = nl_walk(nl, nl->rx, (size_t)len, req, cb, arg, &stop, &ret, &intr);
		if (r < 0)
			return r;
		if (r > 0)
			break;
	}
	if (ret)
		return ret;
	return intr ? -EINTR : 0;
}

int nl_send_batch(struct nl *nl, const void *buf, size_t len)
{
	if (mnl_socket_sendto(nl->sk, buf, len) < 0)
		return -errno;
	return 0;
}

/*
 * The answers to requests first .. first+n-1 into errs[]. every_ack: each
 * request asked for an ack, so it waits for all n (-EIO marks one not heard
 * yet); otherwise only errors and the last request's ack come back, so that
 * ack ends the wait (errs[] stays 0 for the quiet ones).
 */
static int collect(struct nl *nl, uint32_t first, unsigned int n, int *errs, bool every_ack)
{
	unsigned int seen = 0;

	for (unsigned int i = 0; i < n; i++)
		errs[i] = every_ack ? -EIO : 0;
	while (!every_ack || seen < n) {
		ssize_t len = mnl_socket_recvfrom(nl->sk, nl->rx, nl->rxlen);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rx;
		int left;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		left = (int)len;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e;
			uint32_t idx = nlh->nlmsg_seq - first;

			if (nlh->nlmsg_type != NLMSG_ERROR || idx >= n)
				continue;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				return -EBADMSG;
			e = mnl_nlmsg_get_payload(nlh);
			if (every_ack && errs[idx] == -EIO)
				seen++;
			errs[idx] = e->error;
			if (!every_ack && idx == n - 1)
				return 0;
		}
	}
	return 0;
}

int nl_collect_acks(struct nl *nl, uint32_t first, unsigned int n, int *errs)
{
	return collect(nl, first, n, errs, true);
}

int nl_collect_errors(struct nl *nl, uint32_t first, unsigned int n, int *errs)
{
	return collect(nl, first, n, errs, false);
}

int nl_recv_events(struct nl *nl, nl_cb cb, void *arg)
{
	ssize_t len = mnl_socket_recvfrom(nl->sk, nl->rx, nl->rxlen);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rx;
	int n;

	if (len < 0)
		return -errno;
	n = (int)len;
	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		int r;

		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		r = cb(nlh, arg);
		if (r < 0)
			return r;
	}
	return (int)len;
}

int nl_set_nonblock(struct nl *nl)
{
	int fd = nl_fd(nl);
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int nl_grow_rcvbuf(struct nl *nl, size_t cur, size_t max, size_t *actual)
{
	size_t want;

	if (cur >= max)
		return -ENOSPC;
	want = cur > max / 2 ? max : cur * 2;
	return nl_set_rcvbuf(nl, want, actual);
}

int nl_dump_start(struct nl *nl, const void *req)
{
	const struct nlmsghdr *h = req;
	int r = nl_send(nl, req);

	if (r)
		return r;
	nl->dreq = *h;
	nl->dstop = nl->dret = nl->dintr = 0;
	return 0;
}

int nl_dump_busy(const struct nl *nl)
{
	return nl->dreq.nlmsg_flags != 0;
}

int nl_dump_step(struct nl *nl, nl_cb cb, void *arg)
{
	/*
	 * The kernel builds the next datagram inside recvmsg(), so the socket
	 * never runs dry until the end: a step reads a few datagrams and goes
	 * back to the loop, which sees the socket readable again.
	 */
	for (int n = 0; n < 4; n++) {
		ssize_t len = recv(nl_fd(nl), nl->rx, nl->rxlen, MSG_DONTWAIT);
		int r;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			nl->dreq.nlmsg_flags = 0;
			return -errno;
		}
		r = nl_walk(nl, nl->rx, (size_t)len, &nl->dreq, cb, arg, &nl->dstop, &nl->dret,
			    &nl->dintr);
		if (r == 0)
			continue;
		if (r > 0)
			r = nl->dret ? nl->dret : nl->dintr ? -EINTR : 1;
		nl->dreq.nlmsg_flags = 0;
		return r;
	}
	return 0;
}

/* Slots of an event batch: an event is a few hundred bytes; a bigger one is cut and counted. */
#define EV_SLOT 2048

int nl_recv_event_batch(struct nl *nl, unsigned int max, nl_cb cb, void *arg, unsigned int *cut)
{
	unsigned int slots = (unsigned int)(nl->rxlen / EV_SLOT), n;
	struct mmsghdr mm[64];
	struct iovec iov[64];
	int r;

	if (slots > 64)
		slots = 64;
	if (slots > max)
		slots = max;
	if (!slots)
		return -EINVAL;
	/* One clear for all slots: a memset each was a rep stos each (-Os). */
	memset(mm, 0, slots * sizeof(mm[0]));
	for (unsigned int i = 0; i < slots; i++) {
		iov[i].iov_base = nl->rx + (size_t)i * EV_SLOT;
		iov[i].iov_len = EV_SLOT;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = recvmmsg(nl_fd(nl), mm, slots, MSG_DONTWAIT, NULL);
	if (r < 0)
		return -errno;
	n = (unsigned int)r;
	for (unsigned int i = 0; i < n; i++) {
		const struct nlmsghdr *nlh = iov[i].iov_base;
		int len = (int)mm[i].msg_len;

		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
			(*cut)++;
			continue;
		}
		for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			r = cb(nlh, arg);
			if (r < 0)
				return r;
		}
	}
	return (int)n;
}
