/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd.conf: the parsed configuration, one struct for the whole daemon. */
#ifndef CTBOX_CORE_CFG_H
#define CTBOX_CORE_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ct.h"

#define CFG_PATH_MAX 256      /* LogFile / LockFile limit, as upstream */
#define CFG_UNIX_PATH_MAX 108 /* sun_path */
#define CFG_IFNAME_MAX 16     /* IFNAMSIZ */
#define CFG_MAX_CHANNELS 4
#define CFG_HELPER_NAME_MAX 16

/* Top-level mode, from which sections are present. */
enum cfg_mode {
	CFG_MODE_NONE, /* neither Sync nor Stats: the daemon only serves its socket */
	CFG_MODE_SYNC,
	CFG_MODE_STATS,
};

/* Sync modes as flags: several Mode blocks set several; precedence FTFW > ALARM > NOTRACK. */
enum {
	CFG_SYNC_FTFW = 1 << 0,
	CFG_SYNC_ALARM = 1 << 1,
	CFG_SYNC_NOTRACK = 1 << 2,
};

enum cfg_chan_type {
	CFG_CHAN_MCAST,
	CFG_CHAN_UDP,
	CFG_CHAN_TCP, /* parsed so it can be refused with a clear message */
};

/* One dedicated link (Multicast or UDP block). Addresses are network order. */
struct cfg_chan {
	uint8_t type;	      /* enum cfg_chan_type */
	uint8_t family;	      /* AF_INET / AF_INET6: from IPv4_address / IPv6_address (Multicast:
				 * also IPv4_interface; UDP without a local address: the peer's
				 * family, addr then stays all-zero = bind to any) */
	uint8_t dest_family;  /* UDP: family of the *_Destination_Address, 0 if none */
	bool is_default;      /* "Multicast Default {" */
	bool checksum;	      /* Checksum on (default) */
	union ct_addr addr;   /* Multicast: group; UDP: local bind address */
	union ct_addr dest;   /* UDP: peer address */
	union ct_addr ifaddr; /* Multicast IPv4: IPv4_interface (address to join/send on) */
	bool has_ifaddr;
	uint16_t port; /* Multicast: Group; UDP: Port (host order) */
	char ifname
		[CFG_IFNAME_MAX]; /* Interface (mandatory), not resolved by the parser: upstream's
					 * "%s is an invalid interface" warning is the channel layer's */
	uint32_t sndbuf, rcvbuf;  /* SndSocketBuffer / RcvSocketBuffer, 0 = unset */
	uint32_t errq_len;	  /* TCP ErrorQueueLength (parsed only), default 128 */
	int line;		  /* line of the block's keyword, for messages */
};

/* One Address Accept/Ignore entry: address + prefix length. */
struct cfg_net {
	uint8_t family;	    /* AF_INET / AF_INET6 */
	uint8_t prefix;	    /* 0..32 / 0..128 */
	union ct_addr addr; /* network order, host bits cleared */
};

/* Filter { Protocol / Address / State }. Each kind uses the policy of its last block. */
struct cfg_filter {
	bool kernelspace;	      /* Filter From Kernelspace */
	bool has_proto, proto_ignore; /* proto_ignore: Ignore (true) or Accept (false) */
	uint8_t protos[32];	      /* bitmap of IP protocol numbers */
	bool has_addr, addr_ignore;
	struct cfg_net *nets; /* owned by the cfg, freed by cfg_free */
	unsigned int n_nets;
	bool has_state, state_ignore;
	uint16_t tcp_states; /* bitmap of kernel TCP states (1 << 3 = ESTABLISHED) */
};

/* Scheduler { Type Priority } */
enum cfg_sched {
	CFG_SCHED_DEFAULT, /* no block: ctbox stays SCHED_OTHER (see doc/differences.md) */
	CFG_SCHED_RR,
	CFG_SCHED_FIFO,
	CFG_SCHED_OTHER,
};

struct cfg {
	enum cfg_mode mode;
	unsigned int sync_modes;  /* CFG_SYNC_* flags */
	bool sync_mode_defaulted; /* Sync had no Mode: FTFW was chosen; the daemon logs
					 * CFG_MSG_NO_SYNC_MODE (upstream does at sync start-up,
					 * not while parsing, so clients do not print it) */

	/* General */
	uint32_t hashsize;		   /* default 65536 */
	uint32_t hashlimit;		   /* default 262144 */
	char logfile[CFG_PATH_MAX + 1];	   /* "" = off; "on" gives /var/log/conntrackd.log */
	int syslog_facility;		   /* LOG_* facility, -1 = off */
	char lockfile[CFG_PATH_MAX + 1];   /* default /var/lock/conntrackd.lock */
	char unix_path[CFG_UNIX_PATH_MAX]; /* "" if UNIX { Path } is missing */
	uint32_t nl_bufsize;		   /* NetlinkBufferSize, 0 = unset */
	uint32_t nl_bufsize_max;	   /* NetlinkBufferSizeMaxGrowth, 0 = unset */
	int overrun_resync;		   /* NetlinkOverrunResync seconds, -1 = off; default 30 */
	bool events_reliable;		   /* NetlinkEventsReliable */
	uint32_t poll_secs;		   /* PollSecs, 0 = event driven */
	uint32_t event_iter_limit;	   /* EventIterationLimit, default 100 */
	bool systemd;			   /* Systemd on|off, default on */
	enum cfg_sched sched;
	int sched_prio; /* 0..99, as written (0 if no Priority) */
	bool has_nice;	/* Nice (deprecated upstream, honoured here) */
	int nice;
	struct cfg_filter filter;

	/* Sync */
	uint32_t resend_queue_size; /* default 131072 */
	uint32_t ack_window;	    /* default 300 */
	uint32_t refresh_time;	    /* ALARM, default 60 */
	uint32_t cache_timeout;	    /* ALARM, default 180 */
	uint32_t commit_timeout;    /* 0 = unset */
	uint32_t purge_timeout;	    /* default 60 */
	bool disable_external_cache;
	bool disable_internal_cache;
	bool startup_resync;
	bool tcp_window_tracking;
	bool exp_sync;	    /* Options { ExpectationSync on | { list } } */
	uint16_t cod_group; /* Options { CommitOnDemand N }: NFLOG group, 0 = off */
	int cod_line;
	char (*exp_helpers)[CFG_HELPER_NAME_MAX]; /* list (owned), NULL + 0 = all */
	unsigned int n_exp_helpers;
	struct cfg_chan chan[CFG_MAX_CHANNELS];
	unsigned int n_chan;
	unsigned int default_chan; /* index into chan[] */

	/* Helper { } is parsed for its grammar, then refused: no user-space helpers. */
	int helper_line; /* 0 = no Helper section */

	/* Stats */
	char stats_logfile[CFG_PATH_MAX + 1]; /* "" = off; "on" = /var/log/conntrackd-stats.log */
	int stats_syslog_facility;	      /* -1 = off */
};

/* Upstream's warning for `Sync' without a `Mode' block, for the daemon to log at start-up. */
#define CFG_MSG_NO_SYNC_MODE "No synchronization mode specified. Defaulting to FT-FW mode."

/* Severity of a message from the parser (the daemon's log levels). */
enum cfg_level {
	CFG_WARN,
	CFG_NOTICE,
};

/*
 * Receives each warning or notice as the parser meets it, in upstream's
 * words, without a trailing newline, except upstream's `nack' warning which
 * keeps its stray one (print msg + "\n" and the console bytes match).
 */
typedef void (*cfg_msg_fn)(void *arg, enum cfg_level level, const char *msg);

/*
 * Parse text[len] into *c (initialised to the defaults first; whatever c
 * held is overwritten, not freed). Warnings go to msg (may be NULL) in file
 * order. Returns 0, or -EINVAL with a one-line reason in err[errlen] (no
 * trailing newline, except upstream's "`Priority' must be [0, 99]\n"):
 * upstream's "parsing config file in line (N), symbol 'TOKEN': syntax error"
 * for grammar errors, upstream's text for values upstream finds fatal,
 * "line N: KEYWORD: reason" for values ctbox refuses. -ENOMEM on allocation
 * failure. On any return *c owns what it holds: release with cfg_free. Uses
 * the build's CONFIG_CHANNEL_* to refuse channels not built in. Reads
 * /etc/protocols (getprotobyname) for Filter protocol names.
 */
int cfg_parse(struct cfg *c, const char *text, size_t len, cfg_msg_fn msg, void *arg, char *err,
	      size_t errlen);

/* Free what a parsed cfg owns (not c itself); c is left with no lists. */
void cfg_free(struct cfg *c);

/* Effective sync mode: the highest-precedence flag set (CFG_SYNC_*), 0 outside sync mode. */
unsigned int cfg_sync_mode(const struct cfg *c);

#endif
