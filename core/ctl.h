/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd's control socket: a UNIX stream socket carrying one request code each way in. */
#ifndef CTBOX_CORE_CTL_H
#define CTBOX_CORE_CTL_H

/* Request codes on the wire (a native-endian int), as upstream numbers them. */
enum ctl_req {
	CTL_CT_FLUSH_MASTER = 0,
	CTL_CT_RESYNC_MASTER = 1,
	CTL_CT_DUMP_INTERNAL = 16,
	CTL_CT_DUMP_EXTERNAL = 17,
	CTL_CT_COMMIT = 18,
	CTL_CT_FLUSH_CACHE = 19,
	CTL_KILL = 20,
	CTL_STATS = 21,
	CTL_SEND_BULK = 22,
	CTL_REQUEST_DUMP = 23,
	CTL_CT_DUMP_INT_XML = 24,
	CTL_CT_DUMP_EXT_XML = 25,
	CTL_RESET_TIMERS = 26,
	CTL_DEBUG_INFO = 27,
	CTL_STATS_NETWORK = 28,
	CTL_STATS_CACHE = 29,
	CTL_STATS_RUNTIME = 30,
	CTL_STATS_LINK = 31,
	CTL_STATS_RSQUEUE = 32,
	CTL_CT_FLUSH_INT_CACHE = 33,
	CTL_CT_FLUSH_EXT_CACHE = 34,
	CTL_STATS_PROCESS = 35,
	CTL_STATS_QUEUE = 36,
	CTL_EXP_STATS = 37,
	CTL_EXP_FLUSH_MASTER = 38,
	CTL_EXP_RESYNC_MASTER = 39,
	CTL_EXP_DUMP_INTERNAL = 40,
	CTL_EXP_DUMP_EXTERNAL = 41,
	CTL_EXP_COMMIT = 42,
	CTL_ALL_FLUSH_MASTER = 43,
	CTL_ALL_RESYNC_MASTER = 44,
	CTL_ALL_FLUSH_CACHE = 45,
	CTL_ALL_COMMIT = 46,
	CTL_EXP_DUMP_INT_XML = 47,
	CTL_EXP_DUMP_EXT_XML = 48,
	/* ctbox only: the -s figures as one JSON document (doc/json.md). */
	CTL_STATS_JSON = 0x10000,
};

/*
 * Listen on path (unlinked first), backlog 100. The socket gets the
 * process umask (0177 makes it 0600). Returns the fd or -errno.
 */
int ctl_listen(const char *path);

/*
 * Accept one client and read its request code. Returns the client fd
 * (blocking, close-on-exec) and *req, or -errno; *req is -1 when the client
 * sent nothing usable (upstream's "local read failed").
 */
int ctl_accept(int lfd, int *req);

/*
 * Client side: connect to path, send req, copy the answer to outfd until
 * the daemon closes the connection. Returns 0, or -errno (connect failures
 * mean no daemon).
 */
int ctl_request(const char *path, int req, int outfd);

#endif
