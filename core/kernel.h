/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd's side of ctnetlink: events, dumps, origin tracking and batched writes. */
#ifndef CTBOX_CORE_KERNEL_H
#define CTBOX_CORE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ct.h"

struct cfg_filter;
struct nl;
struct walk;

/* Who caused an event: the daemon's own writes are told apart by their netlink port. */
enum kern_origin {
	KERN_NOT_ME,
	KERN_COMMIT,
	KERN_INJECT,
	KERN_FLUSH,
};

/* Event group bits for kern_open (the kernel's NFNLGRP_CONNTRACK_* as a legacy bitmask). */
enum {
	KERN_GRP_CT = 0x07, /* NEW, UPDATE, DESTROY */
	KERN_GRP_EXP = 0x38,
};

struct kern {
	struct nl *ev;			    /* events; NULL in polling mode */
	struct nl *dump;		    /* synchronous dumps (start-up, -R) */
	struct nl *async;		    /* dumps driven by the loop (overrun resync, polling) */
	struct nl *commit, *inject, *flush; /* writes; their ports mark their events */
	size_t evbuf;	   /* current event socket buffer, as the kernel reports it */
	struct walk *walk; /* the event reader's parse space */
	uint32_t groups;   /* the event socket's groups */
};

/*
 * Leave (mute) or rejoin the event groups. While no socket listens the
 * kernel builds no events at all: a commit of many entries runs without
 * producing (and us reading) one event per entry. 0 or -errno.
 */
int kern_mute(struct kern *k, bool mute);

/*
 * Open the handles; the event socket (joined to groups) only if groups is
 * non-zero. Returns 0 or -errno (then kern_close).
 */
int kern_open(struct kern *k, uint32_t groups);
void kern_close(struct kern *k);

/* The origin of a message by its nlmsg_pid. */
enum kern_origin kern_origin(const struct kern *k, uint32_t portid);

/* One conntrack or expectation message, parsed; kind is NEW/UPDATE/DESTROY for events. */
struct kern_msg {
	enum ct_msg kind;
	enum kern_origin origin;
	bool is_exp;
	bool hinted;	   /* the hint callback's own: false until it says otherwise */
	uint32_t hint;	   /* ... and its scratch */
	struct ct ct;	   /* valid when !is_exp */
	struct ct_exp exp; /* valid when is_exp */
};

/* Return 0 to go on, -errno to stop. unparsable: messages the codec refused (counted by caller). */
typedef int (*kern_fn)(void *arg, const struct kern_msg *m);

/*
 * Called on a parsed event before fn sees it: stage 0 right after parsing,
 * stage 1 one event later, fn one event after that. Meant for prefetching
 * what fn will touch; it may write m->hint, nothing else of m.
 */
typedef void (*kern_hint_fn)(void *arg, struct kern_msg *m, int stage);

/*
 * Read up to limit event datagrams without blocking, handing each message
 * to hint (may be NULL) and then, in order, to fn. Returns how many
 * datagrams were read, -ENOBUFS on overrun (the socket lost events), or
 * -errno. *bad counts messages that did not parse.
 */
int kern_read_events(struct kern *k, unsigned int limit, kern_fn fn, kern_hint_fn hint, void *arg,
		     unsigned long *bad);

/* Synchronous dump of the conntrack (exp false) or expectation table. 0 or -errno. */
int kern_dump(struct kern *k, bool exp, kern_fn fn, void *arg, unsigned long *bad);

/* Start an asynchronous conntrack dump on k->async; step it when its fd is readable (1 = done). */
int kern_async_start(struct kern *k);
int kern_async_step(struct kern *k, kern_fn fn, void *arg, unsigned long *bad);

/*
 * Filter From Kernelspace: attach f as a BPF program to the event socket
 * (see bpf_build). *complete: the program applies the whole filter, else
 * the Address kind is left to the caller. Returns 0, -ENOSPC when the
 * filter does not fit in a program, or the -errno of SO_ATTACH_FILTER.
 */
int kern_filter(struct kern *k, const struct cfg_filter *f, bool *complete);

/*
 * Set the event socket buffer the way upstream does (ask for half, the
 * kernel doubles it); k->evbuf gets the result. 0 or -errno.
 */
int kern_set_evbuf(struct kern *k, size_t bytes);

/*
 * Batched writes on one handle: requests go out together and their acks
 * come back together; done() hears each request's result by its token.
 */
struct kern_batch {
	struct nl *nl;
	char *buf;
	size_t len, cap, last; /* last: offset of the newest request */
	unsigned int n, max;
	uint32_t first_seq;
	uint32_t *token;
	int *err;
};

/* max requests per batch. Returns 0 or -ENOMEM. */
int kern_batch_init(struct kern_batch *b, struct nl *nl, unsigned int max);
void kern_batch_free(struct kern_batch *b);
/*
 * Queue a conntrack request (CTNL_MSG_CT_NEW/DELETE with flags; the
 * flush asks an ack of the batch's last request only). -ENOSPC when the batch is full (flush first), -EINVAL when ct
 * cannot be encoded.
 */
int kern_batch_ct(struct kern_batch *b, uint16_t msg, uint16_t flags, const struct ct *ct,
		  uint32_t token);
int kern_batch_exp(struct kern_batch *b, uint16_t msg, uint16_t flags, const struct ct_exp *e,
		   uint32_t token);
/* Send what is queued and collect the acks. 0 or -errno of the socket. */
int kern_batch_flush(struct kern_batch *b, void (*done)(void *arg, uint32_t token, int err),
		     void *arg);

#endif
