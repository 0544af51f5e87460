// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's event loop: poll() over a few descriptors plus millisecond timers. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "core/loop.h"

struct loop_fd {
	loop_fd_fn fn;
	void *arg;
};

/*
 * A handful of descriptors and timers: arrays scanned in order beat any
 * tree at this size, in code and in time.
 */
struct loop {
	unsigned int nfds, ntimers;
	struct pollfd pfd[LOOP_MAX_FDS];
	struct loop_fd fds[LOOP_MAX_FDS];
	struct loop_timer *timers[LOOP_MAX_TIMERS];
};

struct loop *loop_new(void)
{
	return calloc(1, sizeof(struct loop));
}

void loop_free(struct loop *l)
{
	free(l);
}

int loop_add(struct loop *l, int fd, loop_fd_fn fn, void *arg)
{
	for (unsigned int i = 0; i < l->nfds; i++)
		if (l->pfd[i].fd == fd)
			return -EEXIST;
	if (l->nfds == LOOP_MAX_FDS)
		return -ENOSPC;
	l->pfd[l->nfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
	l->fds[l->nfds] = (struct loop_fd){ fn, arg };
	l->nfds++;
	return 0;
}

void loop_del(struct loop *l, int fd)
{
	for (unsigned int i = 0; i < l->nfds; i++) {
		if (l->pfd[i].fd != fd)
			continue;
		/* Keep the order: later descriptors move down one. */
		for (unsigned int j = i + 1; j < l->nfds; j++) {
			l->pfd[j - 1] = l->pfd[j];
			l->fds[j - 1] = l->fds[j];
		}
		l->nfds--;
		/* A handler running now must not see this slot served again: mark it. */
		l->pfd[l->nfds].fd = -1;
		return;
	}
}

int loop_timer_add(struct loop *l, struct loop_timer *t, void (*fn)(void *arg), void *arg)
{
	if (l->ntimers == LOOP_MAX_TIMERS)
		return -ENOSPC;
	t->when = LOOP_NEVER;
	t->fn = fn;
	t->arg = arg;
	l->timers[l->ntimers++] = t;
	return 0;
}

void loop_timer_del(struct loop *l, struct loop_timer *t)
{
	for (unsigned int i = 0; i < l->ntimers; i++) {
		if (l->timers[i] != t)
			continue;
		l->timers[i] = l->timers[--l->ntimers];
		return;
	}
}

uint64_t loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t next_deadline(const struct loop *l, uint64_t extra)
{
	uint64_t d = extra;

	for (unsigned int i = 0; i < l->ntimers; i++)
		if (l->timers[i]->when < d)
			d = l->timers[i]->when;
	return d;
}

int loop_once(struct loop *l, uint64_t extra_deadline)
{
	uint64_t now = loop_now(), d = next_deadline(l, extra_deadline);
	int timeout = d == LOOP_NEVER	? -1
		      : d <= now	? 0
		      : d - now > 60000 ? 60000
					: (int)(d - now);
	unsigned int n = l->nfds;
	int r;

	r = poll(l->pfd, n, timeout);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	now = loop_now();
	for (unsigned int i = 0; i < l->ntimers; i++) {
		struct loop_timer *t = l->timers[i];

		if (t->when <= now) {
			t->when = LOOP_NEVER;
			t->fn(t->arg);
		}
	}
	for (unsigned int i = 0; r > 0 && i < n && i < l->nfds; i++) {
		struct pollfd *p = &l->pfd[i];
		short ev = p->revents;

		if (!ev || p->fd < 0)
			continue;
		p->revents = 0;
		l->fds[i].fn(l->fds[i].arg, p->fd, ev);
	}
	return 0;
}
