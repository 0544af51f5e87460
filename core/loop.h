/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's event loop: poll() over a few descriptors plus millisecond timers. */
#ifndef CTBOX_CORE_LOOP_H
#define CTBOX_CORE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_MAX_FDS 16
#define LOOP_NEVER UINT64_MAX

struct loop;

/* Called when fd is readable (or has an error condition); revents as poll(2) gives them. */
typedef void (*loop_fd_fn)(void *arg, int fd, short revents);

/*
 * A timer owned by its user and armed through the loop: fn runs once at
 * or after when (CLOCK_MONOTONIC ms); re-arm it from fn to repeat.
 */
struct loop_timer {
	uint64_t when; /* LOOP_NEVER when not armed */
	void (*fn)(void *arg);
	void *arg;
};

#define LOOP_MAX_TIMERS 16

/* Owner: caller, loop_free. NULL on ENOMEM. */
struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watch fd for input; descriptors are served in the order they were added. 0, -ENOSPC, -EEXIST. */
int loop_add(struct loop *l, int fd, loop_fd_fn fn, void *arg);
void loop_del(struct loop *l, int fd);

/* Register a timer (disarmed); the loop keeps the pointer. 0 or -ENOSPC. */
int loop_timer_add(struct loop *l, struct loop_timer *t, void (*fn)(void *arg), void *arg);
void loop_timer_del(struct loop *l, struct loop_timer *t);
static inline void loop_timer_arm(struct loop_timer *t, uint64_t when)
{
	t->when = when;
}
static inline void loop_timer_stop(struct loop_timer *t)
{
	t->when = LOOP_NEVER;
}

/* Monotonic milliseconds. */
uint64_t loop_now(void);

/*
 * Wait for the first fd or timer (or until extra_deadline), then run what
 * is due: timers first, then readable fds in order. Returns 0 or -errno
 * from poll (-EINTR is swallowed).
 */
int loop_once(struct loop *l, uint64_t extra_deadline);

#endif
