/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the daemon's files share: the daemon state and the helpers between them. */
#ifndef CTBOX_CORE_DAEMON_PRIV_H
#define CTBOX_CORE_DAEMON_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "core/cache.h"
#include "core/kernel.h"
#include "core/log.h"
#include "core/loop.h"

struct cfg;
struct out;
struct ct;
struct ct_exp;
struct ct_tuple;
struct nl;
struct sync;
struct chan;

/* Child processes, as -s process names them. */
enum child_type {
	CHILD_ANY,
	CHILD_FLUSH,
	CHILD_COMMIT,
};

#define MAX_CHILDREN 16

/* The counters of -s runtime, traffic and the event path. */
struct daemon_stats {
	uint64_t ev_received, ev_filtered, ev_unknown, ev_failed, dump_unknown;
	uint64_t overrun, flush_kernel, resync_kernel;
	uint64_t child_failed, child_segv, child_termsig;
	uint64_t select_failed, wait_failed, local_read_failed, local_unknown;
	uint64_t bytes, packets; /* traffic processed: counters of destroyed flows */
	/* external inject (DisableExternalCache) and internal bypass (DisableInternalCache) */
	uint64_t inj_add, inj_add_fail, inj_upd, inj_upd_fail, inj_del, inj_del_fail;
	uint64_t byp_new, byp_upd, byp_del;
};

/* Receive-side counters of -s network. */
struct net_stats {
	uint64_t malformed, bad_version, bad_header, bad_payload, bad_type, truncated, bad_size;
	uint64_t send_malformed;
};

/* A running commit of the external cache, stepped from the loop. */
struct commit {
	bool active;
	bool exp_next;	 /* the expectation cache follows (ALL_COMMIT) */
	bool exp;	 /* committing expectations now */
	int pass;	 /* 1: masters, 2: related entries */
	uint32_t cursor; /* last id handed out */
	int client;	 /* fd answered when done, -1 if none */
	bool muted;	 /* the event socket left its groups for the commit */
	uint32_t ok, fail;
	uint32_t ondemand; /* skipped: committed on demand since this commit began */
	uint16_t gen;	   /* marks the records committed on demand during it */
	struct timespec start;
};

/*
 * Commit on demand (Options { CommitOnDemand N }): packets the firewall
 * drops for want of state, logged to NFLOG group N, have their flow
 * committed from the external cache at once.
 */
struct cod_stats {
	uint64_t committed, present, unknown, failed, unparsable, lost;
};

struct daemon {
	const struct cfg *cfg;
	struct log log;
	struct log stats_log; /* Stats { LogFile, Syslog }: destroyed flows */
	struct loop *loop;
	struct kern kern;
	int ctl_fd, sig_fd, lock_fd, notify_fd;
	bool stop;
	bool foreground;
	unsigned int sync_mode; /* CFG_SYNC_* in force, 0 outside sync mode */
	bool bypass;		/* DisableInternalCache: records live only until sent */
	bool kfilter;		/* the event socket's BPF program applies the whole Filter */
	time_t start;

	struct cache *ct_int, *ct_ext;	 /* struct flow records */
	struct cache *exp_int, *exp_ext; /* struct flow_exp records; NULL without ExpectationSync */
	uint16_t gen;			 /* resync generation, stamped in records' h.aux */
	/* While an event batch is read: its clock, read once (0: read the clock each time). */
	uint32_t clk_s;
	uint64_t clk_ms;

	struct daemon_stats st;
	struct net_stats net;
	size_t evbuf_max;
	bool evbuf_warned;
	bool resyncing;	   /* an asynchronous dump runs on kern.async */
	bool resync_again; /* events were lost during the running resync */
	bool resync_quiet; /* the running resync updates the cache without sending */

	struct loop_timer t_resync; /* overrun resync, or PollSecs period */
	struct loop_timer t_flush;  /* -t: scheduled kernel flush */
	struct loop_timer t_watchdog;
	struct loop_timer t_commit; /* next commit step */
	struct loop_timer t_sync;   /* the sync engine's next deadline */
	struct loop_timer t_expire; /* ALARM: external cache timeouts */
	struct loop_timer t_evwake; /* the event socket rests until then */
	uint64_t watchdog_ms;

	struct {
		pid_t pid;
		enum child_type type;
	} child[MAX_CHILDREN];
	unsigned int nchild;

	struct commit commit;
	struct kern_batch batch; /* commit / inject requests */
	struct nl *cod_nl;	 /* the NFLOG socket, NULL when off */
	uint16_t cod_gen;	 /* the newest commit's mark (h.aux of external records) */
	struct cod_stats cod;

	struct sync *sync;
	struct chan *chan;
	uint8_t *rxbuf; /* one datagram from a link */
};

/* daemon.c */
/* Run fn in a child process of type; the parent gets 0 or -errno. */
int daemon_fork(struct daemon *d, enum child_type type,
		void (*fn)(struct daemon *d, int fd, int arg), int fd, int arg);
void daemon_notify(struct daemon *d, const char *msg);

/* daemon_ct.c: the caches and the kernel */
int dct_init(struct daemon *d);
void dct_fini(struct daemon *d);
/* Start-up and -R: the kernel tables into the internal caches; nothing is sent. */
int dct_resync_sync(struct daemon *d, bool ct, bool exp);
/* Read what the event socket holds (EventIterationLimit at most): the count or -errno. */
int dct_events(struct daemon *d);
void dct_async_readable(struct daemon *d);
void dct_schedule_resync(struct daemon *d, unsigned int secs);
void dct_resync_timer(void *arg);
void dct_flush_kernel(struct daemon *d, bool ct, bool exp, bool scheduled);
void dct_flush_int(struct daemon *d);
void dct_flush_ext(struct daemon *d);
void dct_flush_exp(struct daemon *d);
/* Commit: start (answer client when done). */
void dct_commit(struct daemon *d, int client, bool ct, bool exp);
void dct_commit_timer_init(struct daemon *d);
void dct_dump(struct daemon *d, int fd, int req);
/* Print one flow as conntrackd -i/-e does. */
void dct_print_flow(struct daemon *d, struct out *o, struct cache *c, uint32_t id, bool xml,
		    bool external);
/* Mark id queued for the peer (sync mode) or drop it if nothing holds it. */
void dct_send(struct daemon *d, uint32_t id);
/* The sync engine is done with id. */
void dct_release(struct daemon *d, uint32_t id);
/* Apply a state received from the peer. */
void dct_ext_ct(struct daemon *d, int type, const struct ct *ct);
void dct_ext_exp(struct daemon *d, int type, const struct ct_exp *e);
void dct_bulk(struct daemon *d);
/* Commit on demand: create the flow of t (either direction) from the external cache. */
void dct_commit_flow(struct daemon *d, const struct ct_tuple *t);
void dct_expire(struct daemon *d);

/* daemon_sync.c: the engine and the links */
int dsync_init(struct daemon *d);
void dsync_start(struct daemon *d);
void dsync_kick(struct daemon *d);
void dsync_fini(struct daemon *d);

/* daemon_cod.c: commit on demand (NFLOG group -> dct_commit_flow); both are no-ops when off */
int dcod_init(struct daemon *d);
void dcod_fini(struct daemon *d);

/* stats.c: the -s outputs */
void stats_print(struct daemon *d, struct out *o, int req);

#endif
