/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Netlink (NETLINK_NETFILTER) sockets: open, request/ack, dump loop, buffer sizing. */
#ifndef CTBOX_CORE_NL_H
#define CTBOX_CORE_NL_H

#include <stddef.h>
#include <stdint.h>

struct nl;
struct nlmsghdr;

/*
 * Callback for each data message of a reply. Return 0 to go on, 1 to stop
 * reading early (the rest of the dump is drained), or -errno to abort.
 */
typedef int (*nl_cb)(const struct nlmsghdr *nlh, void *arg);

/* Open and bind a NETLINK_NETFILTER socket joined to the legacy group bitmask. Returns NULL and sets errno. Owner: caller, free with nl_close. */
struct nl *nl_open(uint32_t groups);
/* nl_open with an rxlen-byte receive buffer (nl_open's is 64 KiB, sized for fast dumps). */
struct nl *nl_open_rx(uint32_t groups, size_t rxlen);
void nl_close(struct nl *nl);
int nl_fd(const struct nl *nl);
uint32_t nl_portid(const struct nl *nl);
/* Next sequence number for a request on this socket. */
uint32_t nl_seq(struct nl *nl);

/* Set SO_RCVBUFFORCE (SO_RCVBUF as fallback); *actual gets what the kernel reports. Returns 0 or -errno. */
int nl_set_rcvbuf(struct nl *nl, size_t bytes, size_t *actual);
/* The receive buffer size the kernel reports (0 on error). */
size_t nl_rcvbuf(const struct nl *nl);
/*
 * Dumps read by a second thread while the callback runs on the caller's:
 * the kernel fills the next datagram on one CPU while the last one is parsed
 * on another. Worth it only with two or more CPUs; off by default.
 */
void nl_set_threaded(struct nl *nl, int on);

/* setsockopt of an int at level (SOL_SOCKET, SOL_NETLINK...). 0 or -errno. */
int nl_set_sockopt_int(struct nl *nl, int level, int opt, int val);

/* Socket options used by bulk senders and event listeners (0 or -errno). */
int nl_set_opt(struct nl *nl, int opt, int val);

/* Send one message built in buf (nlmsg_len bytes). Returns 0 or -errno. */
int nl_send(struct nl *nl, const void *buf);

/*
 * Send the request at buf and read its reply: every data message goes to
 * cb (may be NULL); returns when the kernel says NLMSG_DONE or acks.
 * Returns 0, the kernel's -errno (from NLMSG_ERROR), a callback's -errno,
 * or -EINTR when a dump was interrupted (NLM_F_DUMP_INTR) and not retried.
 */
int nl_talk(struct nl *nl, const void *buf, nl_cb cb, void *arg);

/* Send len bytes holding several requests back to back. Returns 0 or -errno. */
int nl_send_batch(struct nl *nl, const void *buf, size_t len);
/*
 * Read the acks of n requests whose sequence numbers run from first:
 * errs[i] gets 0 or the kernel's -errno for request first + i. Returns 0,
 * or -errno if the socket failed (errs then partly filled, rest -EIO).
 */
int nl_collect_acks(struct nl *nl, uint32_t first, unsigned int n, int *errs);
/*
 * The same for a batch where only the last request carries NLM_F_ACK: the
 * kernel answers the others only when they fail, so errs[] starts at 0 and
 * reading stops at the last one's ack. Returns 0 or -errno of the socket.
 */
int nl_collect_errors(struct nl *nl, uint32_t first, unsigned int n, int *errs);

/*
 * Receive what is queued (blocking once) and hand data messages to cb.
 * For event sockets. Returns >= 0 bytes read, or -errno (-ENOBUFS on overrun).
 */
int nl_recv_events(struct nl *nl, nl_cb cb, void *arg);

/*
 * Event sockets: read up to max datagrams in one recvmmsg (without
 * blocking) into slots carved from the receive buffer, and hand every data
 * message to cb. A datagram too big for its slot is dropped and counted in
 * *cut. Returns the datagrams read (0 with -EAGAIN when none), or -errno
 * (-ENOBUFS on overrun), or cb's -errno.
 */
int nl_recv_event_batch(struct nl *nl, unsigned int max, nl_cb cb, void *arg, unsigned int *cut);

/* Make reads on this socket non-blocking (event sockets served by a poll loop). 0 or -errno. */
int nl_set_nonblock(struct nl *nl);

/*
 * Overrun policy shared by conntrack -E and conntrackd: double the receive
 * buffer from cur, up to max. Returns 0 (*actual: what the kernel reports),
 * -ENOSPC when cur already reached max, or -errno.
 */
int nl_grow_rcvbuf(struct nl *nl, size_t cur, size_t max, size_t *actual);

/*
 * Asynchronous dump for an event loop: nl_dump_start sends the request at
 * req (its header is kept); nl_dump_step, called when the socket is
 * readable, reads a few datagrams without blocking and hands data to cb.
 * Returns 1 when the dump is complete, 0 when more is to come, or the
 * kernel's / cb's -errno (-EINTR for an interrupted dump). The socket must
 * be used for nothing else while nl_dump_busy.
 */
int nl_dump_start(struct nl *nl, const void *req);
int nl_dump_step(struct nl *nl, nl_cb cb, void *arg);
int nl_dump_busy(const struct nl *nl);

#endif
