// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's daemon: start-up, the event loop, requests, shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "core/errstr.h"
#include "core/cfg.h"
#include "core/ctl.h"
#include "core/daemon.h"
#include "core/daemon_priv.h"
#include "core/nl.h"
#include "core/out.h"
#include "core/sync.h"

/* Event buffer when conntrackd.conf sets none (see setup_events). */
#define EVBUF_DEFAULT (8u << 20)
#define EVBUF_GROW_MAX (32u << 20)

/* ---- systemd's notification socket, without libsystemd ---- */

static void notify_open(struct daemon *d)
{
	const char *path = getenv("NOTIFY_SOCKET");
	const char *wd = getenv("WATCHDOG_USEC"), *wpid = getenv("WATCHDOG_PID");

	d->notify_fd = -1;
	if (!d->cfg->systemd || !path || (path[0] != '/' && path[0] != '@'))
		return;
	d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (wd) {
		char *end;
		unsigned long long us = strtoull(wd, &end, 10);

		if (*end || !us || (wpid && (pid_t)atol(wpid) != getpid()))
			log_msg(&d->log, LOG_LVL_WARN,
				"failed to get watchdog details from systemd: %s", errstr(EINVAL));
		else
			d->watchdog_ms = us / 2000 ? us / 2000 : 1;
	}
}

void daemon_notify(struct daemon *d, const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;

	if (d->notify_fd < 0 || !path)
		return;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	/* An abstract socket is written with '@' for its leading NUL. */
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = 0;
	sendto(d->notify_fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
}

static void watchdog_timer(void *arg)
{
	struct daemon *d = arg;

	daemon_notify(d, "WATCHDOG=1");
	loop_timer_arm(&d->t_watchdog, loop_now() + d->watchdog_ms);
}

/* ---- the lock file ---- */

/* Is a daemon answering on the control socket? (a live upstream holds no flock) */
static bool socket_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r == 0;
}

/*
 * Upstream's lock is a bare O_EXCL file: a daemon killed with -9 leaves it
 * and blocks every restart. ctbox also holds an flock on it for its whole
 * life, so a lock file nobody holds (and whose socket nobody answers) is a
 * leftover and is taken over with a warning.
 */
static int lock_take(struct daemon *d, const char *path, const char *sock)
{
	char pid[24];
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && (flock(fd, LOCK_EX | LOCK_NB) < 0 || socket_alive(sock))) {
			close(fd);
			fd = -1;
			errno = EEXIST;
		} else if (fd >= 0) {
			log_msg(&d->log, LOG_LVL_WARN,
				"lockfile `%s' is stale (no daemon holds it), taking it over",
				path);
		}
	}
	if (fd < 0) {
		if (errno == EEXIST)
			log_msg(&d->log, LOG_LVL_ERROR,
				"lockfile `%s' exists, perhaps conntrackd already running?", path);
		else
			log_msg(&d->log, LOG_LVL_ERROR, "can't open lockfile `%s': %s", path,
				errstr(errno));
		return -1;
	}
	flock(fd, LOCK_EX | LOCK_NB);
	if (ftruncate(fd, 0) == 0) {
		int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());

		if (pwrite(fd, pid, (size_t)n, 0) < 0)
			n = 0;
	}
	d->lock_fd = fd;
	return 0;
}

/* ---- child processes ---- */

int daemon_fork(struct daemon *d, enum child_type type,
		void (*fn)(struct daemon *d, int fd, int arg), int fd, int arg)
{
	pid_t pid;

	if (d->nchild == MAX_CHILDREN) {
		if (fd >= 0)
			close(fd);
		return -EAGAIN;
	}
	pid = fork();
	if (pid < 0) {
		int err = errno;

		log_msg(&d->log, LOG_LVL_ERROR, "fork has failed: %s", errstr(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	if (pid == 0) {
		fn(d, fd, arg);
		_exit(0);
	}
	d->child[d->nchild].pid = pid;
	d->child[d->nchild].type = type;
	d->nchild++;
	if (fd >= 0)
		close(fd);
	return 0;
}

static void reap(struct daemon *d)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (unsigned int i = 0; i < d->nchild; i++) {
			if (d->child[i].pid != pid)
				continue;
			d->child[i] = d->child[--d->nchild];
			break;
		}
		if (!WIFSIGNALED(status))
			continue;
		d->st.child_failed++;
		switch (WTERMSIG(status)) {
		case SIGSEGV:
			d->st.child_segv++;
			log_msg(&d->log, LOG_LVL_ERROR,
				"child process (pid=%u) has aborted, received signal SIGSEGV "
				"(crashed)",
				(unsigned int)pid);
			break;
		case SIGINT:
		case SIGTERM:
		case SIGKILL:
			d->st.child_termsig++;
			log_msg(&d->log, LOG_LVL_ERROR,
				"child process (pid=%u) has aborted, received termination signal "
				"(%u)",
				(unsigned int)pid, (unsigned int)WTERMSIG(status));
			break;
		default:
			log_msg(&d->log, LOG_LVL_NOTICE,
				"child process (pid=%u) received signal (%u)", (unsigned int)pid,
				(unsigned int)WTERMSIG(status));
		}
	}
	if (pid < 0 && errno != ECHILD)
		d->st.wait_failed++;
}

/* ---- signals ---- */

static void on_signal(void *arg, int fd, short ev)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	(void)ev;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			d->stop = true;
			break;
		case SIGCHLD:
			reap(d);
			break;
		case SIGHUP:
			/* Log rotation: upstream dies of SIGHUP; reopening is what admins expect. */
			log_reopen(&d->log);
			log_reopen(&d->stats_log);
			break;
		}
	}
}

static int signals_init(struct daemon *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sig_fd < 0)
		return -errno;
	return loop_add(d->loop, d->sig_fd, on_signal, d);
}

/* ---- requests ---- */

static void answer(struct daemon *d, int fd, int req)
{
	char buf[8192];
	struct out o;

	out_init(&o, fd, buf, sizeof(buf));
	stats_print(d, &o, req);
	out_flush(&o);
	close(fd);
}

static bool ftfw_or_notrack(const struct daemon *d)
{
	return d->sync_mode == CFG_SYNC_FTFW || d->sync_mode == CFG_SYNC_NOTRACK;
}

static void cancel_flush(struct daemon *d)
{
	loop_timer_stop(&d->t_flush);
}

static bool flush_refused(struct daemon *d)
{
	if (!d->commit.active)
		return false;
	log_msg(&d->log, LOG_LVL_ERROR, "ignoring flush command, commit still in progress");
	return true;
}

static void resync_master(struct daemon *d, bool ct, bool exp)
{
	if (d->bypass) {
		log_msg(&d->log, LOG_LVL_NOTICE, "resync is unsupported in this mode");
		return;
	}
	d->st.resync_kernel++;
	if (ct) {
		log_msg(&d->log, LOG_LVL_NOTICE, "resync with master conntrack table");
		dct_resync_sync(d, true, false);
	}
	if (exp && d->exp_int) {
		log_msg(&d->log, LOG_LVL_NOTICE, "resync with master expect table");
		dct_resync_sync(d, false, true);
	}
}

/* Requests every mode serves. Returns true when handled. */
static bool generic_request(struct daemon *d, int fd, int req)
{
	bool exp = d->exp_int != NULL;

	switch (req) {
	case CTL_KILL:
		d->stop = true;
		break;
	case CTL_STATS_RUNTIME:
	case CTL_STATS_PROCESS:
	case CTL_STATS_JSON:
		answer(d, fd, req);
		return true;
	case CTL_ALL_FLUSH_MASTER:
		dct_flush_kernel(d, true, exp, false);
		break;
	case CTL_CT_FLUSH_MASTER:
		dct_flush_kernel(d, true, false, false);
		break;
	case CTL_EXP_FLUSH_MASTER:
		dct_flush_kernel(d, false, true, false);
		break;
	case CTL_ALL_RESYNC_MASTER:
		resync_master(d, true, exp);
		break;
	case CTL_CT_RESYNC_MASTER:
		resync_master(d, true, false);
		break;
	case CTL_EXP_RESYNC_MASTER:
		resync_master(d, false, true);
		break;
	default:
		return false;
	}
	close(fd);
	return true;
}

static void stats_request(struct daemon *d, int fd, int req)
{
	switch (req) {
	case CTL_CT_DUMP_INTERNAL:
	case CTL_CT_DUMP_INT_XML:
		dct_dump(d, fd, req);
		return;
	case CTL_CT_FLUSH_CACHE:
	case CTL_CT_FLUSH_INT_CACHE:
		log_msg(&d->log, LOG_LVL_NOTICE, "flushing internal cache");
		dct_flush_int(d);
		break;
	case CTL_STATS:
	case CTL_STATS_CACHE:
		answer(d, fd, req);
		return;
	}
	close(fd);
}

static void sync_request(struct daemon *d, int fd, int req)
{
	bool exp = d->exp_int != NULL;

	switch (req) {
	case CTL_CT_DUMP_INTERNAL:
	case CTL_CT_DUMP_INT_XML:
	case CTL_CT_DUMP_EXTERNAL:
	case CTL_CT_DUMP_EXT_XML:
		dct_dump(d, fd, req);
		return;
	case CTL_EXP_DUMP_INTERNAL:
	case CTL_EXP_DUMP_INT_XML:
	case CTL_EXP_DUMP_EXTERNAL:
	case CTL_EXP_DUMP_EXT_XML:
		if (!exp)
			break;
		dct_dump(d, fd, req);
		return;
	case CTL_ALL_COMMIT:
		dct_commit(d, fd, true, true);
		return;
	case CTL_CT_COMMIT:
		dct_commit(d, fd, true, false);
		return;
	case CTL_EXP_COMMIT:
		if (!exp)
			break;
		dct_commit(d, fd, false, true);
		return;
	case CTL_ALL_FLUSH_CACHE:
		if (flush_refused(d))
			break;
		cancel_flush(d);
		log_msg(&d->log, LOG_LVL_NOTICE, "flushing caches");
		dct_flush_int(d);
		dct_flush_ext(d);
		if (exp)
			dct_flush_exp(d);
		break;
	case CTL_CT_FLUSH_CACHE:
		if (flush_refused(d))
			break;
		log_msg(&d->log, LOG_LVL_NOTICE, "flushing caches");
		dct_flush_int(d);
		dct_flush_ext(d);
		break;
	case CTL_CT_FLUSH_INT_CACHE:
		cancel_flush(d);
		log_msg(&d->log, LOG_LVL_NOTICE, "flushing internal cache");
		/* Without an internal cache the kernel table is what gets flushed. */
		if (d->bypass)
			dct_flush_kernel(d, true, false, false);
		else
			dct_flush_int(d);
		break;
	case CTL_CT_FLUSH_EXT_CACHE:
		if (flush_refused(d))
			break;
		log_msg(&d->log, LOG_LVL_NOTICE, "flushing external cache");
		dct_flush_ext(d);
		break;
	case CTL_RESET_TIMERS:
		if (d->t_flush.when != LOOP_NEVER)
			break;
		log_msg(&d->log, LOG_LVL_NOTICE, "flushing conntrack table in %u secs",
			d->cfg->purge_timeout);
		loop_timer_arm(&d->t_flush, loop_now() + d->cfg->purge_timeout * 1000ull);
		break;
	case CTL_SEND_BULK:
		if (!ftfw_or_notrack(d))
			break;
		log_msg(&d->log, LOG_LVL_NOTICE, "sending bulk update");
		dct_bulk(d);
		break;
	case CTL_REQUEST_DUMP:
		if (!ftfw_or_notrack(d) || !d->sync)
			break;
		sync_request_resync(d->sync, loop_now());
		log_msg(&d->log, LOG_LVL_NOTICE, "resync requested");
		break;
	case CTL_STATS:
	case CTL_EXP_STATS:
	case CTL_STATS_NETWORK:
	case CTL_STATS_CACHE:
	case CTL_STATS_LINK:
	case CTL_STATS_RSQUEUE:
	case CTL_STATS_QUEUE:
		answer(d, fd, req);
		return;
	}
	close(fd);
}

static void on_ctl(void *arg, int lfd, short ev)
{
	struct daemon *d = arg;
	int req, fd = ctl_accept(lfd, &req);

	(void)ev;
	if (fd < 0)
		return;
	if (req < 0) {
		d->st.local_read_failed++;
		close(fd);
		return;
	}
	if (generic_request(d, fd, req))
		return;
	if (d->cfg->mode == CFG_MODE_STATS)
		stats_request(d, fd, req);
	else if (d->cfg->mode == CFG_MODE_SYNC)
		sync_request(d, fd, req);
	else
		close(fd);
}

/* ---- timers and kernel descriptors ---- */

static void flush_timer(void *arg)
{
	struct daemon *d = arg;

	dct_flush_kernel(d, true, false, true);
}

static void expire_timer(void *arg)
{
	struct daemon *d = arg;

	dct_expire(d);
	loop_timer_arm(&d->t_expire, loop_now() + 1000);
}

/*
 * Once the event socket is drained it rests for EV_REST_MS: events that
 * arrive meanwhile wait in it and are read together, one wake-up (and a
 * few recvmmsg calls) for a whole burst instead of one per handful.
 */
#define EV_REST_MS 1

static void on_events(void *arg, int fd, short ev)
{
	struct daemon *d = arg;

	(void)ev;
	if (dct_events(d) >= (int)d->cfg->event_iter_limit)
		return;
	loop_del(d->loop, fd);
	loop_timer_arm(&d->t_evwake, loop_now() + EV_REST_MS);
}

static void evwake_timer(void *arg)
{
	struct daemon *d = arg;

	loop_add(d->loop, nl_fd(d->kern.ev), on_events, d);
}

static void on_async(void *arg, int fd, short ev)
{
	(void)fd;
	(void)ev;
	dct_async_readable(arg);
}

/* ---- start-up ---- */

/*
 * A real-time task that runs longer than RLIMIT_RTTIME without blocking is
 * killed. keepalived with vrrp_rt_priority hands its notify scripts a limit
 * of 0, so a daemon (re)started by the HA script died at its first busy
 * moment (the start-up dump, a commit). Lift the limit as root may; where
 * it stays finite (no CAP_SYS_RESOURCE), the default scheduler beats death.
 * Returns true when real-time scheduling is safe.
 */
static bool rttime_unlimited(struct daemon *d)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	if (!setrlimit(RLIMIT_RTTIME, &rl) || getrlimit(RLIMIT_RTTIME, &rl) < 0 ||
	    rl.rlim_max == RLIM_INFINITY)
		return true;
	log_msg(&d->log, LOG_LVL_WARN,
		"real-time CPU time is limited to %lu us (RLIMIT_RTTIME): "
		"staying with the default scheduler",
		(unsigned long)rl.rlim_max);
	return false;
}

static void setup_sched(struct daemon *d)
{
	const struct cfg *c = d->cfg;

	if (c->has_nice && setpriority(PRIO_PROCESS, 0, c->nice) < 0)
		log_msg(&d->log, LOG_LVL_WARN, "Nice %d failed: %s", c->nice, errstr(errno));
	if (c->sched != CFG_SCHED_DEFAULT) {
		struct sched_param p = { .sched_priority = c->sched_prio };
		int pol = c->sched == CFG_SCHED_RR     ? SCHED_RR
			  : c->sched == CFG_SCHED_FIFO ? SCHED_FIFO
						       : SCHED_OTHER;

		if (pol == SCHED_OTHER)
			p.sched_priority = 0;
		else if (!rttime_unlimited(d))
			return;
		/* musl's sched_setscheduler() is a stub (ENOSYS): ask the kernel directly */
		if (syscall(SYS_sched_setscheduler, 0, pol, &p) < 0)
			log_msg(&d->log, LOG_LVL_WARN,
				"scheduler configuration failed: %s. Likely a bug in conntrackd, "
				"please report it. Continuing with system default scheduler.",
				errstr(errno));
	}
}

static int setup_events(struct daemon *d)
{
	const struct cfg *c = d->cfg;

	if (!d->kern.ev)
		return 0;
	d->evbuf_max = c->nl_bufsize_max;
	if (c->nl_bufsize && c->nl_bufsize <= c->nl_bufsize_max) {
		if (kern_set_evbuf(&d->kern, c->nl_bufsize) == 0)
			log_msg(&d->log, LOG_LVL_NOTICE,
				"netlink event socket buffer size has been set to %zu bytes",
				d->kern.evbuf);
	} else if (!c->nl_bufsize && !c->nl_bufsize_max) {
		/*
		 * Upstream keeps the system's buffer (~160 events) and, with no
		 * growth, loses every burst until a resync 30 s later. Unset, ctbox
		 * starts larger and may grow: the memory is only used when full.
		 */
		d->evbuf_max = EVBUF_GROW_MAX;
		if (kern_set_evbuf(&d->kern, EVBUF_DEFAULT) == 0)
			log_msg(&d->log, LOG_LVL_NOTICE,
				"NetlinkBufferSize is not set: using %zu bytes, growing up to %u "
				"on overruns",
				d->kern.evbuf, EVBUF_GROW_MAX);
	} else {
		log_msg(&d->log, LOG_LVL_NOTICE,
			"NetlinkBufferSize is either not set or is greater than "
			"NetlinkBufferSizeMaxGrowth. Using current system buffer size");
	}
	if (c->events_reliable) {
		nl_set_opt(d->kern.ev, NETLINK_BROADCAST_ERROR, 1);
		nl_set_opt(d->kern.ev, NETLINK_NO_ENOBUFS, 1);
		log_msg(&d->log, LOG_LVL_NOTICE, "reliable ctnetlink event delivery is ENABLED.");
	}
	if (c->filter.has_proto || c->filter.has_addr || c->filter.has_state) {
		int r = c->filter.kernelspace ? kern_filter(&d->kern, &c->filter, &d->kfilter) : 1;

		if (r < 0)
			log_msg(&d->log, LOG_LVL_ERROR, "cannot set event filtering: %s",
				r == -ENOSPC ? "too many addresses for a BPF program" : errstr(-r));
		log_msg(&d->log, LOG_LVL_NOTICE,
			r ? "using user-space event filtering"
			  : "using kernel-space event filtering");
		if (!r && !d->kfilter)
			log_msg(&d->log, LOG_LVL_NOTICE,
				"too many addresses for a BPF program: "
				"the Address filter stays in user space");
	}
	return loop_add(d->loop, nl_fd(d->kern.ev), on_events, d);
}

static int mode_init(struct daemon *d)
{
	const struct cfg *c = d->cfg;
	uint32_t groups = 0;
	int r;

	if (c->mode == CFG_MODE_NONE)
		return 0;
	if (!c->poll_secs) {
		groups = KERN_GRP_CT;
		if (c->mode == CFG_MODE_SYNC && c->exp_sync)
			groups |= KERN_GRP_EXP;
	}
	r = kern_open(&d->kern, groups);
	if (r) {
		log_msg(&d->log, LOG_LVL_ERROR, "can't open netlink handler: %s", errstr(-r));
		log_msg(&d->log, LOG_LVL_ERROR, "no ctnetlink kernel support?");
		return r;
	}
	if (c->mode == CFG_MODE_SYNC) {
		d->sync_mode = cfg_sync_mode(c);
		if (c->sync_mode_defaulted)
			log_msg(&d->log, LOG_LVL_WARN, CFG_MSG_NO_SYNC_MODE);
		if (c->disable_internal_cache)
			log_msg(&d->log, LOG_LVL_NOTICE, "disabling internal cache");
		if (c->disable_external_cache)
			log_msg(&d->log, LOG_LVL_NOTICE, "disabling external cache");
	}
	r = dct_init(d);
	if (r) {
		log_msg(&d->log, LOG_LVL_ERROR, "can't allocate memory for the internal cache");
		return r;
	}
	r = dsync_init(d);
	if (r)
		return r;
	r = dcod_init(d);
	if (r)
		return r;
	/* Bypass: no cache to show, events go to the peer and their records die once sent. */
	d->bypass = c->mode == CFG_MODE_SYNC && c->disable_internal_cache;
	/*
	 * Events first, then the dump: what changes while the table is dumped
	 * waits in the event socket instead of slipping between the two.
	 */
	r = setup_events(d);
	if (r)
		return r;
	if (!d->bypass) {
		r = dct_resync_sync(d, true, d->exp_int != NULL);
		if (r) {
			log_msg(&d->log, LOG_LVL_ERROR, "can't get kernel conntrack table");
			return r;
		}
	}
	r = loop_add(d->loop, nl_fd(d->kern.async), on_async, d);
	if (r)
		return r;
	if (c->poll_secs) {
		log_msg(&d->log, LOG_LVL_NOTICE, "running in polling mode");
		dct_schedule_resync(d, c->poll_secs);
	}
	if (d->sync_mode & CFG_SYNC_ALARM && d->ct_ext)
		loop_timer_arm(&d->t_expire, loop_now() + 1000);
	return 0;
}

static int timers_init(struct daemon *d)
{
	int r = 0;

	r |= loop_timer_add(d->loop, &d->t_resync, dct_resync_timer, d);
	r |= loop_timer_add(d->loop, &d->t_flush, flush_timer, d);
	r |= loop_timer_add(d->loop, &d->t_watchdog, watchdog_timer, d);
	r |= loop_timer_add(d->loop, &d->t_expire, expire_timer, d);
	r |= loop_timer_add(d->loop, &d->t_evwake, evwake_timer, d);
	dct_commit_timer_init(d);
	return r;
}

static int open_logs(struct daemon *d, bool console)
{
	const struct cfg *c = d->cfg;
	int r = log_open(&d->log, c->logfile[0] ? c->logfile : NULL, c->syslog_facility,
			 "conntrack-tools", console);

	log_init_console(&d->stats_log);
	d->stats_log.console = false;
	if (r)
		log_msg(&d->log, LOG_LVL_ERROR, "can't open log file `%s': %s", c->logfile,
			errstr(-r));
	if (c->mode == CFG_MODE_STATS &&
	    log_open(&d->stats_log, c->stats_logfile[0] ? c->stats_logfile : NULL,
		     c->stats_syslog_facility, "conntrack-tools", false))
		log_msg(&d->log, LOG_LVL_ERROR, "can't open stats log file `%s'", c->stats_logfile);
	return r;
}

/* Close and free everything; owner: the process that keeps running removes the files. */
static void shutdown_all(struct daemon *d, const char *sock, bool owner)
{
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		if (owner)
			unlink(sock);
	}
	dsync_fini(d);
	dcod_fini(d);
	dct_fini(d);
	kern_close(&d->kern);
	if (d->sig_fd >= 0)
		close(d->sig_fd);
	if (d->lock_fd >= 0) {
		if (owner)
			unlink(d->cfg->lockfile);
		close(d->lock_fd);
	}
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	loop_free(d->loop);
}

static void detach_stdio(int keep_out)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, 0);
	if (!keep_out) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (fd > 2)
		close(fd);
}

int daemon_run(const struct cfg *cfg, bool background)
{
	const char *sock = cfg->unix_path[0] ? cfg->unix_path : DAEMON_DEFAULT_SOCKET;
	struct daemon *d = calloc(1, sizeof(*d));
	bool owner = true;
	int ret = 1;

	if (!d)
		return 1;
	d->cfg = cfg;
	d->ctl_fd = d->sig_fd = d->lock_fd = d->notify_fd = -1;
	d->start = time(NULL);
	/* With -d upstream writes nothing to the console, not even why it cannot start. */
	open_logs(d, !background);
	if (lock_take(d, cfg->lockfile, sock))
		goto out_log;
	d->loop = loop_new();
	if (!d->loop || timers_init(d))
		goto fail;
	setup_sched(d);
	d->ctl_fd = ctl_listen(sock);
	if (d->ctl_fd < 0) {
		log_msg(&d->log, LOG_LVL_ERROR, "can't open unix socket!");
		goto fail;
	}
	if (loop_add(d->loop, d->ctl_fd, on_ctl, d) || mode_init(d) || signals_init(d))
		goto fail;
	notify_open(d);
	log_msg(&d->log, LOG_LVL_NOTICE, "initialization completed");
	if (chdir("/") < 0)
		log_msg(&d->log, LOG_LVL_WARN, "Cannot change current directory to %s: %s", "/",
			errstr(errno));
	detach_stdio(1);
	if (background) {
		pid_t pid = fork();

		if (pid < 0) {
			log_msg(&d->log, LOG_LVL_ERROR, "fork has failed: %s", errstr(errno));
			goto fail;
		}
		if (pid > 0) {
			char msg[32];

			snprintf(msg, sizeof(msg), "MAINPID=%d", (int)pid);
			daemon_notify(d, msg);
			/* The child owns the socket and the lock now: leave them to it. */
			ret = 0;
			owner = false;
			goto out;
		}
		setsid();
		detach_stdio(0);
		d->log.console = false;
		log_msg(&d->log, LOG_LVL_NOTICE, "-- starting in daemon mode --");
	} else {
		log_msg(&d->log, LOG_LVL_NOTICE, "-- starting in console mode --");
	}
	daemon_notify(d, "READY=1");
	if (d->watchdog_ms)
		loop_timer_arm(&d->t_watchdog, loop_now() + d->watchdog_ms);
	dsync_start(d);
	while (!d->stop) {
		if (loop_once(d->loop, LOOP_NEVER) < 0)
			d->st.select_failed++;
		/* Whatever the loop queued for the peer goes out now, or when batching says. */
		dsync_kick(d);
	}
	log_msg(&d->log, LOG_LVL_NOTICE, "---- shutdown received ----");
	daemon_notify(d, "STOPPING=1");
	ret = 0;
	goto out;
fail:
	log_msg(&d->log, LOG_LVL_ERROR,
		"conntrackd cannot start, please review your configuration");
out:
	shutdown_all(d, sock, owner);
out_log:
	log_close(&d->log);
	log_close(&d->stats_log);
	free(d);
	return ret;
}
