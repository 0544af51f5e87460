// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz harness: conntrackd.conf parser (core/cfg); what parses must hold the struct's promises. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "core/cfg.h"
#include "fuzz.h"

const char *const fuzz_dict[] = { "General {",
				  "Sync {",
				  "Stats {",
				  "Helper {",
				  "{",
				  "}",
				  " ",
				  "\n",
				  "#",
				  "\t",
				  "\r",
				  "UNIX { Path /tmp/x }",
				  "Backlog ",
				  "HashSize ",
				  "HashLimit ",
				  "LogFile ",
				  "Syslog ",
				  "LockFile ",
				  "NetlinkBufferSize ",
				  "SocketBufferSizeMaxGrown ",
				  "NetlinkOverrunResync ",
				  "NetlinkEventsReliable ",
				  "PollSecs ",
				  "EventIterationLimit ",
				  "Nice ",
				  "Scheduler { ",
				  "Type ",
				  "Priority ",
				  "Systemd ",
				  "Filter ",
				  "From Kernelspace ",
				  "From Userspace ",
				  "Protocol ",
				  "Address ",
				  "State ",
				  "Accept {",
				  "Ignore {",
				  " for TCP ",
				  "IPv4_address ",
				  "IPv6_address ",
				  "IPv4_Destination_Address ",
				  "IPv6_Destination_Address ",
				  "IPv4_interface ",
				  "IPv6_interface ",
				  "Interface lo ",
				  "Multicast ",
				  "UDP ",
				  "TCP ",
				  "Default ",
				  "Group ",
				  "Port ",
				  "SndSocketBuffer ",
				  "RcvSocketBuffer ",
				  "Checksum ",
				  "ErrorQueueLength ",
				  "Mode FTFW {",
				  "Mode ALARM {",
				  "Mode NOTRACK {",
				  "NACK",
				  "persistent",
				  "ResendQueueSize ",
				  "ACKWindowSize ",
				  "RefreshTime ",
				  "CacheTimeout ",
				  "CommitTimeout ",
				  "PurgeTimeout ",
				  "DisableExternalCache ",
				  "DisableInternalCache ",
				  "StartupResync ",
				  "Options {",
				  "TCPWindowTracking ",
				  "ExpectationSync ",
				  "QueueNum ",
				  "Policy ",
				  "Setup ",
				  "ESTABLISHED ",
				  "CLOSED ",
				  "LISTEN ",
				  " on ",
				  " off ",
				  " yes ",
				  " No ",
				  " 0 ",
				  " 1 ",
				  " 99 ",
				  " 100 ",
				  " 65536 ",
				  " 2147483648 ",
				  " -5 ",
				  " +20 ",
				  " 1.2.3.4 ",
				  " 10.0.0.0/8 ",
				  " 225.0.0.50 ",
				  " ::1 ",
				  " ff02::1 ",
				  " fe80::/64 ",
				  " 300.1.1.1 ",
				  "/33",
				  " /var/log/x ",
				  " daemon ",
				  " local7 ",
				  " rr ",
				  " fifo ",
				  " tcp ",
				  " IPv6-ICMP ",
				  " sctp ",
				  " ftp ",
				  ";",
				  NULL };

static unsigned int nmsg;

static void on_msg(void *arg, enum cfg_level level, const char *msg)
{
	(void)arg;
	if (level != CFG_WARN && level != CFG_NOTICE)
		fuzz_fail("message level");
	if (!msg || !*msg || strlen(msg) >= 512)
		fuzz_fail("message text");
	nmsg++;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, 0, size) != NULL;
}

static void check_chan(const struct cfg_chan *ch)
{
	if (ch->type != CFG_CHAN_MCAST && ch->type != CFG_CHAN_UDP)
		fuzz_fail("a refused channel type was stored");
	if (ch->family != AF_INET && ch->family != AF_INET6)
		fuzz_fail("channel without an address family");
	if (ch->type == CFG_CHAN_UDP && ch->family != ch->dest_family)
		fuzz_fail("UDP families differ");
	if (ch->type == CFG_CHAN_MCAST && ch->dest_family)
		fuzz_fail("multicast with a destination");
	if (!terminated(ch->ifname, sizeof(ch->ifname)) || !ch->ifname[0])
		fuzz_fail("channel interface name");
	if (ch->has_ifaddr && ch->family != AF_INET)
		fuzz_fail("IPv4_interface on an IPv6 group");
	if (ch->line < 1)
		fuzz_fail("channel line");
}

static void check_filter(const struct cfg_filter *f)
{
	if (f->n_nets && !f->nets)
		fuzz_fail("nets count without nets");
	for (unsigned int i = 0; i < f->n_nets; i++) {
		const struct cfg_net *n = &f->nets[i];
		unsigned int max = n->family == AF_INET ? 32 : 128;

		if (n->family != AF_INET && n->family != AF_INET6)
			fuzz_fail("net family");
		if (n->prefix > max)
			fuzz_fail("net prefix");
		for (unsigned int b = n->prefix; b < 128; b++)
			if (n->addr.b[b >> 3] & (0x80 >> (b & 7)))
				fuzz_fail("host bits set (or bytes past an IPv4 address)");
		for (unsigned int j = 0; j < i; j++)
			if (f->nets[j].family == n->family && f->nets[j].prefix == n->prefix &&
			    !memcmp(&f->nets[j].addr, &n->addr, sizeof(n->addr)))
				fuzz_fail("repeated net stored");
	}
	if (f->tcp_states & ~0x3feu)
		fuzz_fail("TCP state bits outside SYN_SENT..LISTEN");
}

static void check(const struct cfg *c)
{
	unsigned int m = cfg_sync_mode(c);

	if (c->n_chan > CFG_MAX_CHANNELS || (c->n_chan && c->default_chan >= c->n_chan) ||
	    (!c->n_chan && c->default_chan))
		fuzz_fail("channel count or default");
	unsigned int last_default = 0;
	for (unsigned int i = 0; i < c->n_chan; i++) {
		check_chan(&c->chan[i]);
		if (c->chan[i].type != c->chan[0].type)
			fuzz_fail("mixed channel types");
		if (c->chan[i].is_default)
			last_default = i;
	}
	/* the last block marked Default is the first current link, else the first block */
	if (c->default_chan != last_default)
		fuzz_fail("default link");
	if (c->mode == CFG_MODE_SYNC) {
		if (!c->n_chan || !c->sync_modes ||
		    (m != CFG_SYNC_FTFW && m != CFG_SYNC_ALARM && m != CFG_SYNC_NOTRACK))
			fuzz_fail("sync mode without a mode or a link");
	} else if (m || c->n_chan || c->sync_mode_defaulted) {
		fuzz_fail("sync state outside sync mode");
	}
	if (c->sync_modes & ~7u)
		fuzz_fail("sync mode bits");
	if (c->helper_line)
		fuzz_fail("a Helper section was accepted");
	if (!terminated(c->logfile, sizeof(c->logfile)) ||
	    !terminated(c->stats_logfile, sizeof(c->stats_logfile)) ||
	    !terminated(c->lockfile, sizeof(c->lockfile)) || !c->lockfile[0] ||
	    !terminated(c->unix_path, sizeof(c->unix_path)))
		fuzz_fail("path not terminated");
	if (!c->hashsize || !c->hashlimit || !c->event_iter_limit || !c->resend_queue_size ||
	    !c->ack_window || !c->refresh_time || !c->cache_timeout || !c->purge_timeout ||
	    !c->overrun_resync)
		fuzz_fail("a zero where 0 means the default");
	if (c->hashsize > INT_MAX || c->hashlimit > INT_MAX || c->poll_secs > INT_MAX)
		fuzz_fail("number beyond an int");
	if (c->sched_prio < 0 || c->sched_prio > 99 || c->sched > CFG_SCHED_OTHER)
		fuzz_fail("scheduler");
	if (c->has_nice ? c->nice < -20 || c->nice > 19 : c->nice != 0)
		fuzz_fail("nice");
	if (c->disable_external_cache && c->commit_timeout)
		fuzz_fail("CommitTimeout kept with DisableExternalCache");
	if (c->n_exp_helpers && (!c->exp_helpers || !c->exp_sync))
		fuzz_fail("helper list");
	for (unsigned int i = 0; i < c->n_exp_helpers; i++)
		if (!terminated(c->exp_helpers[i], CFG_HELPER_NAME_MAX) || !c->exp_helpers[i][0])
			fuzz_fail("helper name");
	check_filter(&c->filter);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg a, b;
	char err[256], err2[256];
	unsigned int msgs;
	int ra, rb;

	nmsg = 0;
	memset(err, 0x5a, sizeof(err));
	ra = cfg_parse(&a, (const char *)data, size, on_msg, NULL, err, sizeof(err));
	msgs = nmsg;
	if (!terminated(err, sizeof(err)))
		fuzz_fail("err not terminated");
	if (ra == 0) {
		if (err[0])
			fuzz_fail("err set on success");
		check(&a);
	} else if ((ra != -EINVAL && ra != -ENOMEM) || !err[0]) {
		fuzz_fail("error without a reason");
	}

	/* the same input gives the same result and the same messages */
	nmsg = 0;
	rb = cfg_parse(&b, (const char *)data, size, on_msg, NULL, err2, sizeof(err2));
	if (ra != rb || strcmp(err, err2) || nmsg != msgs)
		fuzz_fail("not deterministic");
	if (!ra && (a.n_chan != b.n_chan || a.filter.n_nets != b.filter.n_nets ||
		    memcmp(a.chan, b.chan, sizeof(a.chan)) ||
		    (a.filter.n_nets && memcmp(a.filter.nets, b.filter.nets,
					       a.filter.n_nets * sizeof(*a.filter.nets)))))
		fuzz_fail("not deterministic");
	cfg_free(&a);
	cfg_free(&b);
	if (a.filter.nets || a.exp_helpers || a.filter.n_nets || a.n_exp_helpers)
		fuzz_fail("cfg_free left lists");
	return 0;
}
