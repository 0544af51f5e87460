// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf parser: upstream's example layouts checked field by field,
 * broken files with their exact error, warning sequences.
 *
 * What the applet prints is the oracle's console format (measured with Debian's
 * conntrackd 1.4.7 as `conntrackd -C FILE -s`; cfgcheck.c prints the same):
 *
 *   each warning, parsing goes on:  stderr "[<ctime>] (pid=<pid>) [warning] <msg>\n"
 *   a parse error, exit status 1:   stderr "[<ctime>] (pid=<pid>) [ERROR] <err>\n"
 *   stdout stays empty.
 *
 * e.g. for "General {\n\tUNIX { Path /tmp/x }\n\tgeneral\n}\n" the oracle wrote exactly
 *   "[Thu Dec  3 07:37:44 2026] (pid=26988) [ERROR] parsing config file in line (3), "
 *   "symbol 'general': syntax error\n"
 * to stderr and exited 1. <ctime> is ctime(3) without its newline. Two upstream
 * texts end in a stray newline, so the console shows an empty line after them:
 * the `nack' warning and "`Priority' must be [0, 99]".
 *
 * The expectations below are those lines without the "[<ctime>] (pid=<pid>) "
 * prefix. `test_cfg -w DIR` writes every case as DIR/NAME.conf with
 * DIR/NAME.want (ctbox's lines + "rc=N") and, where ctbox deliberately
 * differs, DIR/NAME.oracle (what the oracle prints); oracle-diff.sh replays
 * them against the oracle and cfgcheck.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "config.h"
#include "core/cfg.h"
#include "test/unit/codec/check.h"

struct out {
	char buf[8192];
	size_t n;
};

static void add(struct out *o, const char *prio, const char *msg)
{
	int n = snprintf(o->buf + o->n, sizeof(o->buf) - o->n, "[%s] %s\n", prio, msg);

	if (n > 0 && o->n + (size_t)n < sizeof(o->buf))
		o->n += (size_t)n;
}

static void on_msg(void *arg, enum cfg_level level, const char *msg)
{
	add(arg, level == CFG_WARN ? "warning" : "notice", msg);
}

/* Parse text[len] (strlen if 0); o gets the console lines. */
static int parse_n(struct cfg *c, const char *text, size_t len, struct out *o)
{
	char err[512];
	int ret;

	o->n = 0;
	o->buf[0] = 0;
	memset(err, 'x', sizeof(err));
	ret = cfg_parse(c, text, len ? len : strlen(text), on_msg, o, err, sizeof(err));
	if (ret)
		add(o, "ERROR", err);
	else
		CHECK(!err[0], "err not cleared on success: %s", err);
	return ret;
}

static int parse(struct cfg *c, const char *text, struct out *o)
{
	return parse_n(c, text, 0, o);
}

/*
 * A case naming a channel this build leaves out gets "not built into this
 * binary" instead of its output (not_built() checks that): skipped.
 */
static bool built(const char *text)
{
	return (CONFIG_CHANNEL_MCAST || !strstr(text, "Multicast")) &&
	       (CONFIG_CHANNEL_UDP || !strstr(text, "UDP"));
}

/* ------------------------------------------------------------------ layouts */

static const char *ntop(int family, const void *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) & 3;
	return inet_ntop(family, a, buf[i], sizeof(buf[i])) ? buf[i] : "?";
}

#define PROTO(f, p) (((f)->protos[(p) >> 3] >> ((p)&7)) & 1)

/* Example shapes, also written out by -w for the oracle and as fuzz seeds. */
static const char zeros[] =
	"General { HashSize 0 HashLimit 0 EventIterationLimit 0 NetlinkOverrunResync 0 }\n"
	"Sync {\n\tRefreshTime 0 CacheTimeout 0 PurgeTimeout 0 CommitTimeout 0\n"
	"\tMode FTFW { ResendQueueSize 0 ACKWindowSize 0 }\n"
	"\tUDP { IPv4_Destination_Address 10.0.0.2 Interface lo }\n}\n";

static const char mcast4[] = "Sync {\n"
			     "\tMode FTFW {\n\t}\n"
			     "\tMulticast {\n"
			     "\t\tIPv4_address 225.0.0.50\n"
			     "\t\tGroup 3780\n"
			     "\t\tIPv4_interface 192.168.100.100\n"
			     "\t\tInterface lo\n"
			     "\t\tSndSocketBuffer 1249280\n"
			     "\t\tRcvSocketBuffer 1249280\n"
			     "\t\tChecksum off\n"
			     "\t}\n"
			     "}\n";

static const char notrack_udp6[] =
	"Sync {\n"
	"\tMode NOTRACK {\n"
	"\t\tDisableInternalCache on\n"
	"\t\tDisableExternalCache on\n"
	"\t\tStartupResync on\n"
	"\t\tPurgeTimeout 15\n"
	"\t}\n"
	"\tUDP Default { IPv6_address fd00::1 IPv6_Destination_Address fd00::2 "
	"Port 3780 Interface lo Checksum off }\n"
	"}\n";

static const char alarm_mcast[] =
	"Sync {\n"
	"\tMode ALARM {\n"
	"\t\tRefreshTime 15\n"
	"\t\tCacheTimeout 180\n"
	"\t\tCommitTimeout 30\n"
	"\t\tPurgeTimeout 60\n"
	"\t}\n"
	"\tMulticast Default { IPv4_address 225.0.0.51 Group 3781 Interface lo }\n"
	"}\n";

static const char sync_timers[] =
	"Sync { RefreshTime 7 CacheTimeout 8 CommitTimeout 9 PurgeTimeout 10\n"
	"\tMode notrack { } Mode alarm { } Mode ftfw { }\n"
	"\tUDP { IPv4_Destination_Address 10.0.0.2 Interface lo } }\n";

static const char two_links[] =
	"Sync {\n"
	"\tMode FTFW { }\n"
	"\tUDP { IPv4_address 10.0.0.1 IPv4_Destination_Address 10.0.0.2 Port 3780 "
	"Interface lo }\n"
	"\tUDP Default { IPv4_address 10.1.0.1 IPv4_Destination_Address 10.1.0.2 "
	"Port 3781 Interface lo }\n"
	"}\n";

static const char four_links[] =
	"Sync {\n"
	"\tMulticast { IPv4_address 225.0.0.50 Group 3780 Interface lo }\n"
	"\tMulticast { IPv4_address 225.0.0.51 Group 3781 Interface lo }\n"
	"\tMulticast Default { IPv4_address 225.0.0.52 Group 3782 Interface lo }\n"
	"\tMulticast { IPv4_address 225.0.0.53 Group 3783 Interface lo }\n"
	"}\n";

static const char stats_filter[] =
	"General {\n"
	"\tFilter From Kernelspace {\n"
	"\t\tProtocol Ignore { UDP icmp IPv6-ICMP udplite }\n"
	"\t\tAddress Accept { IPv4_address 10.1.2.3/8 IPv6_address 2001:db8::1/32 "
	"IPv4_address 010.0.0.1 }\n"
	"\t\tState Ignore { SYN_SENT SYN_RECV for TCP FIN_WAIT LAST_ACK LISTEN "
	"for TCP }\n"
	"\t}\n"
	"}\n"
	"Stats {\n"
	"\tLogFile on\n"
	"\tSyslog local3\n"
	"\tNetlinkEventsReliable yes\n"
	"}\n";

static const char filter_last_policy[] =
	"General { Filter { Protocol Accept { TCP } Address Ignore { IPv4_address "
	"1.1.1.1 } State Accept { ESTABLISHED for TCP } }\n"
	"Filter { Protocol Ignore { UDP } Address Accept { IPv4_address 2.2.2.2 } "
	"State Ignore { for TCP } } }\n";

static const char log_forms[] =
	"General { LogFile /var/log/x.log LogFile on LogFile off Syslog daemon "
	"Syslog local7 }\nStats { LogFile /tmp/s.log Syslog off }\n";

static const char options_list[] =
	"Sync {\n"
	"\tUDP { IPv4_Destination_Address 10.0.0.2 Interface lo }\n"
	"\tOptions {\n"
	"\t\tTCPWindowTracking on\n"
	"\t\tExpectationSync {\n"
	"\t\t\tftp\n\t\t\tsip\n\t\t\tq.931\n\t\t\th.245\n\t\t\tras\n\t\t\tFTP\n"
	"\t\t}\n"
	"\t}\n"
	"}\n";

static const char general_misc[] =
	"General { Nice -5 Scheduler { Type rr } PollSecs 3 NetlinkOverrunResync off "
	"Systemd yes UNIX { Backlog 20 } }\n";

static void layout_defaults(void)
{
	struct cfg c;
	struct out o;

	CHECK(!parse(&c, "", &o), "empty file: %s", o.buf);
	CHECK(!o.n, "empty file printed %s", o.buf);
	CHECK(c.mode == CFG_MODE_NONE && !c.sync_modes && !cfg_sync_mode(&c), "mode");
	CHECK(c.hashsize == 65536 && c.hashlimit == 262144, "hash %u %u", c.hashsize, c.hashlimit);
	CHECK(!strcmp(c.lockfile, "/var/lock/conntrackd.lock"), "lockfile %s", c.lockfile);
	CHECK(!c.logfile[0] && !c.stats_logfile[0] && !c.unix_path[0], "paths");
	CHECK(c.syslog_facility == -1 && c.stats_syslog_facility == -1, "syslog");
	CHECK(c.overrun_resync == 30 && c.event_iter_limit == 100, "overrun %d iter %u",
	      c.overrun_resync, c.event_iter_limit);
	CHECK(!c.nl_bufsize && !c.nl_bufsize_max && !c.poll_secs && !c.events_reliable, "nl");
	CHECK(c.systemd && c.sched == CFG_SCHED_DEFAULT && !c.has_nice, "systemd/sched");
	CHECK(c.resend_queue_size == 131072 && c.ack_window == 300, "ftfw defaults");
	CHECK(c.refresh_time == 60 && c.cache_timeout == 180 && c.purge_timeout == 60 &&
		      !c.commit_timeout,
	      "timeouts");
	CHECK(!c.filter.has_proto && !c.filter.has_addr && !c.filter.has_state && !c.filter.nets &&
		      !c.filter.kernelspace,
	      "filter");
	CHECK(!c.n_chan && !c.exp_sync && !c.exp_helpers && !c.helper_line, "sync");
	cfg_free(&c);

	/* "0 means the default" (upstream's init_config) */
	if (!built(zeros))
		return;
	CHECK(!parse(&c, zeros, &o), "zeros: %s", o.buf);
	CHECK(c.hashsize == 65536 && c.hashlimit == 262144 && c.event_iter_limit == 100 &&
		      c.overrun_resync == 30,
	      "zero general");
	CHECK(c.refresh_time == 60 && c.cache_timeout == 180 && c.purge_timeout == 60 &&
		      !c.commit_timeout && c.resend_queue_size == 131072 && c.ack_window == 300,
	      "zero sync");
	cfg_free(&c);
}

/* Upstream's doc/sync/ftfw example shape: FT-FW over UDP with a full General section. */
static const char ftfw_udp[] = "# FT-FW over UDP\n"
			       "Sync {\n"
			       "\tMode FTFW {\n"
			       "\t\tResendQueueSize 262144\n"
			       "\t\tPurgeTimeout 5\n"
			       "\t\tACKWindowSize 20\n"
			       "\t\tDisableExternalCache Off\n"
			       "\t\tStartupResync on\n"
			       "\t}\n"
			       "\tUDP {\n"
			       "\t\tIPv4_address 192.168.2.100\n"
			       "\t\tIPv4_Destination_Address 192.168.2.101\n"
			       "\t\tPort 3780\n"
			       "\t\tInterface lo\n"
			       "\t\tSndSocketBuffer 1249280\n"
			       "\t\tRcvSocketBuffer 1249280\n"
			       "\t\tChecksum on\n"
			       "\t}\n"
			       "\tOptions {\n"
			       "\t\tTCPWindowTracking Off\n"
			       "\t\tExpectationSync On\n"
			       "\t}\n"
			       "}\n"
			       "General {\n"
			       "\tSystemd no\n"
			       "\tHashSize 32768\n"
			       "\tHashLimit 131072\n"
			       "\tLogFile on\n"
			       "\tSyslog on\n"
			       "\tLockFile /tmp/ctbox-cfgtest.nonexistent/lock\n"
			       "\tUNIX {\n"
			       "\t\tPath /tmp/ctbox-cfgtest.nonexistent/ctl\n"
			       "\t}\n"
			       "\tNetlinkBufferSize 2097152\n"
			       "\tNetlinkBufferSizeMaxGrowth 8388608\n"
			       "\tNetlinkOverrunResync 5\n"
			       "\tNetlinkEventsReliable on\n"
			       "\tEventIterationLimit 200\n"
			       "\tScheduler { Type FIFO Priority 99 }\n"
			       "\tFilter From Userspace {\n"
			       "\t\tProtocol Accept {\n"
			       "\t\t\tTCP\n"
			       "\t\t\tSCTP\n"
			       "\t\t\tDCCP\n"
			       "\t\t\t# UDP\n"
			       "\t\t\t# ICMP # This requires a Linux kernel >= 2.6.31\n"
			       "\t\t\t# IPv6-ICMP # This requires a Linux kernel >= 2.6.31\n"
			       "\t\t}\n"
			       "\t\tAddress Ignore {\n"
			       "\t\t\tIPv4_address 127.0.0.1 # loopback\n"
			       "\t\t\tIPv4_address 192.168.0.100 # virtual IP 1\n"
			       "\t\t\tIPv4_address 192.168.1.100 # virtual IP 2\n"
			       "\t\t\tIPv4_address 192.168.0.1\n"
			       "\t\t\tIPv4_address 192.168.1.1\n"
			       "\t\t\tIPv4_address 192.168.100.100 # dedicated link ip\n"
			       "\t\t\tIPv6_address ::1\n"
			       "\t\t}\n"
			       "\t\tState Accept {\n"
			       "\t\t\tESTABLISHED CLOSED TIME_WAIT CLOSE_WAIT for TCP\n"
			       "\t\t}\n"
			       "\t}\n"
			       "}\n";

static void layout_ftfw_udp(void)
{
	struct cfg c;
	struct out o;
	const struct cfg_chan *ch = &c.chan[0];
	const struct cfg_filter *f = &c.filter;

	CHECK(!parse(&c, ftfw_udp, &o) && !o.n, "ftfw/udp: %s", o.buf);
	CHECK(c.mode == CFG_MODE_SYNC && c.sync_modes == CFG_SYNC_FTFW && !c.sync_mode_defaulted &&
		      cfg_sync_mode(&c) == CFG_SYNC_FTFW,
	      "mode");
	CHECK(c.resend_queue_size == 262144 && c.purge_timeout == 5 && c.ack_window == 20,
	      "ftfw numbers");
	CHECK(!c.disable_external_cache && c.startup_resync, "ftfw switches");
	CHECK(c.n_chan == 1 && c.default_chan == 0, "n_chan %u", c.n_chan);
	CHECK(ch->type == CFG_CHAN_UDP && ch->family == AF_INET && ch->dest_family == AF_INET &&
		      !ch->is_default && ch->line == 10,
	      "udp type %u family %u line %d", ch->type, ch->family, ch->line);
	CHECK(!strcmp(ntop(AF_INET, &ch->addr), "192.168.2.100") &&
		      !strcmp(ntop(AF_INET, &ch->dest), "192.168.2.101"),
	      "udp addresses");
	CHECK(ch->port == 3780 && !strcmp(ch->ifname, "lo") && ch->sndbuf == 1249280 &&
		      ch->rcvbuf == 1249280 && ch->checksum && !ch->has_ifaddr,
	      "udp options");
	CHECK(!c.tcp_window_tracking && c.exp_sync && !c.n_exp_helpers, "options");
	CHECK(!c.systemd && c.hashsize == 32768 && c.hashlimit == 131072, "general numbers");
	CHECK(!strcmp(c.logfile, "/var/log/conntrackd.log") && c.syslog_facility == LOG_DAEMON,
	      "logs %s %d", c.logfile, c.syslog_facility);
	CHECK(!strcmp(c.lockfile, "/tmp/ctbox-cfgtest.nonexistent/lock") &&
		      !strcmp(c.unix_path, "/tmp/ctbox-cfgtest.nonexistent/ctl"),
	      "paths");
	CHECK(c.nl_bufsize == 2097152 && c.nl_bufsize_max == 8388608 && c.overrun_resync == 5 &&
		      c.events_reliable && c.event_iter_limit == 200,
	      "netlink");
	CHECK(c.sched == CFG_SCHED_FIFO && c.sched_prio == 99, "sched");
	CHECK(!f->kernelspace && f->has_proto && !f->proto_ignore, "proto policy");
	for (int p = 0; p < 256; p++)
		CHECK(PROTO(f, p) == (p == IPPROTO_TCP || p == IPPROTO_SCTP || p == IPPROTO_DCCP),
		      "protocol %d", p);
	CHECK(f->has_addr && f->addr_ignore && f->n_nets == 7, "addr %u", f->n_nets);
	CHECK(f->nets[0].family == AF_INET && f->nets[0].prefix == 32 &&
		      f->nets[0].addr.v4 == htonl(INADDR_LOOPBACK),
	      "net 0");
	CHECK(!strcmp(ntop(AF_INET, &f->nets[5].addr), "192.168.100.100"), "net 5");
	CHECK(f->nets[6].family == AF_INET6 && f->nets[6].prefix == 128 &&
		      !strcmp(ntop(AF_INET6, &f->nets[6].addr), "::1"),
	      "net 6");
	/* kernel TCP states: ESTABLISHED 3, CLOSE_WAIT 5, TIME_WAIT 7, CLOSE 8 */
	CHECK(f->has_state && !f->state_ignore &&
		      f->tcp_states == (1 << 3 | 1 << 5 | 1 << 7 | 1 << 8),
	      "states %#x", f->tcp_states);
	cfg_free(&c);
	CHECK(!c.filter.nets && !c.filter.n_nets && !c.exp_helpers, "cfg_free");
}

static void layout_mcast(void)
{
	struct cfg c;
	struct out o;
	const struct cfg_chan *ch = &c.chan[0];

	/* upstream's multicast example: group, port, IPv4_interface */
	CHECK(!parse(&c, mcast4, &o) && !o.n, "mcast4: %s", o.buf);
	CHECK(c.n_chan == 1 && ch->type == CFG_CHAN_MCAST && ch->family == AF_INET &&
		      ch->line == 4 && !ch->dest_family,
	      "mcast4 chan");
	CHECK(!strcmp(ntop(AF_INET, &ch->addr), "225.0.0.50") && ch->has_ifaddr &&
		      !strcmp(ntop(AF_INET, &ch->ifaddr), "192.168.100.100"),
	      "mcast4 addresses");
	CHECK(ch->port == 3780 && !ch->checksum && ch->sndbuf == 1249280, "mcast4 options");
	cfg_free(&c);

	/* IPv6 group: the keyword order does not matter (upstream: Interface first broke it) */
	static const char *const v6[] = {
		"Sync { Multicast { IPv6_address ff02::1:ff00:1 Interface lo Group 3781 } }",
		"Sync { Multicast { Interface lo IPv6_address ff02::1:ff00:1 Group 3781 } }",
	};
	for (int i = 0; i < 2; i++) {
		CHECK(!parse(&c, v6[i], &o) && !o.n, "mcast6 %d: %s", i, o.buf);
		CHECK(c.n_chan == 1 && ch->family == AF_INET6 && !ch->has_ifaddr &&
			      !strcmp(ntop(AF_INET6, &ch->addr), "ff02::1:ff00:1") &&
			      !strcmp(ch->ifname, "lo") && ch->port == 3781 && ch->checksum,
		      "mcast6 %d chan", i);
		CHECK(c.sync_mode_defaulted && c.sync_modes == CFG_SYNC_FTFW, "no Mode: FTFW");
		cfg_free(&c);
	}
}

static void layout_modes(void)
{
	struct cfg c;
	struct out o;

	CHECK(!parse(&c, notrack_udp6, &o) && !o.n, "notrack: %s", o.buf);
	CHECK(cfg_sync_mode(&c) == CFG_SYNC_NOTRACK && c.disable_internal_cache &&
		      c.disable_external_cache && c.startup_resync && c.purge_timeout == 15,
	      "notrack");
	CHECK(c.chan[0].family == AF_INET6 && c.chan[0].dest_family == AF_INET6 &&
		      c.chan[0].is_default && !c.chan[0].checksum &&
		      !strcmp(ntop(AF_INET6, &c.chan[0].dest), "fd00::2"),
	      "udp6");
	cfg_free(&c);

	CHECK(!parse(&c, alarm_mcast, &o) && !o.n, "alarm: %s", o.buf);
	CHECK(cfg_sync_mode(&c) == CFG_SYNC_ALARM && c.refresh_time == 15 &&
		      c.cache_timeout == 180 && c.commit_timeout == 30 && c.purge_timeout == 60,
	      "alarm");
	cfg_free(&c);

	/* Sync-level timers, several Mode blocks (FTFW wins), mode names in any case */
	CHECK(!parse(&c, sync_timers, &o) && !o.n, "sync timers: %s", o.buf);
	CHECK(c.refresh_time == 7 && c.cache_timeout == 8 && c.commit_timeout == 9 &&
		      c.purge_timeout == 10,
	      "sync timers");
	CHECK(c.sync_modes == (CFG_SYNC_FTFW | CFG_SYNC_ALARM | CFG_SYNC_NOTRACK) &&
		      cfg_sync_mode(&c) == CFG_SYNC_FTFW,
	      "precedence");
	CHECK(c.chan[0].family == AF_INET && !c.chan[0].addr.v4, "udp binds any");
	cfg_free(&c);

	CHECK(!parse(&c,
		     "Sync { Mode ALARM { } Mode NOTRACK { } UDP { "
		     "IPv4_Destination_Address 10.0.0.2 Interface lo } }",
		     &o),
	      "alarm+notrack");
	CHECK(cfg_sync_mode(&c) == CFG_SYNC_ALARM, "ALARM > NOTRACK");
	cfg_free(&c);
}

static void layout_links(void)
{
	struct cfg c;
	struct out o;

	CHECK(!parse(&c, two_links, &o) && !o.n, "two links: %s", o.buf);
	CHECK(c.n_chan == 2 && c.default_chan == 1 && !c.chan[0].is_default &&
		      c.chan[1].is_default && c.chan[0].line == 3 && c.chan[1].line == 4 &&
		      c.chan[1].port == 3781,
	      "two links");
	cfg_free(&c);

	CHECK(!parse(&c, four_links, &o) && !o.n, "four links: %s", o.buf);
	CHECK(c.n_chan == 4 && c.default_chan == 2, "four links %u %u", c.n_chan, c.default_chan);
	for (unsigned int i = 0; i < 4; i++)
		CHECK(c.chan[i].type == CFG_CHAN_MCAST && c.chan[i].port == 3780 + i &&
			      c.chan[i].line == (int)i + 2 && c.chan[i].is_default == (i == 2),
		      "link %u", i);
	cfg_free(&c);
}

static void layout_stats_filter(void)
{
	struct cfg c;
	struct out o;
	const struct cfg_filter *f = &c.filter;

	CHECK(!parse(&c, stats_filter, &o) && !o.n, "stats: %s", o.buf);
	CHECK(c.mode == CFG_MODE_STATS && !cfg_sync_mode(&c) && !c.sync_modes, "stats mode");
	CHECK(!strcmp(c.stats_logfile, "/var/log/conntrackd-stats.log") &&
		      c.stats_syslog_facility == LOG_LOCAL3 && c.syslog_facility == -1 &&
		      !c.logfile[0] && c.events_reliable,
	      "stats logs");
	CHECK(f->kernelspace && f->has_proto && f->proto_ignore, "proto");
	for (int p = 0; p < 256; p++)
		CHECK(PROTO(f, p) == (p == 17 || p == 1 || p == 58 || p == 136), "protocol %d", p);
	CHECK(f->has_addr && !f->addr_ignore && f->n_nets == 3, "nets %u", f->n_nets);
	/* host bits cleared; inet_aton reads 010 as octal, as upstream */
	CHECK(f->nets[0].prefix == 8 && !strcmp(ntop(AF_INET, &f->nets[0].addr), "10.0.0.0"),
	      "net0 %s/%u", ntop(AF_INET, &f->nets[0].addr), f->nets[0].prefix);
	CHECK(f->nets[1].prefix == 32 && f->nets[1].family == AF_INET6 &&
		      !strcmp(ntop(AF_INET6, &f->nets[1].addr), "2001:db8::"),
	      "net1");
	CHECK(f->nets[2].prefix == 32 && !strcmp(ntop(AF_INET, &f->nets[2].addr), "8.0.0.1"),
	      "net2 %s", ntop(AF_INET, &f->nets[2].addr));
	/* SYN_SENT 1, SYN_RECV 2, FIN_WAIT 4, LAST_ACK 6, LISTEN 9 (the kernel's enum) */
	CHECK(f->has_state && f->state_ignore &&
		      f->tcp_states == (1 << 1 | 1 << 2 | 1 << 4 | 1 << 6 | 1 << 9),
	      "states %#x", f->tcp_states);
	cfg_free(&c);

	/* each kind takes the policy of its last block; lists accumulate */
	CHECK(!parse(&c, filter_last_policy, &o) && !o.n, "filters: %s", o.buf);
	CHECK(f->has_proto && f->proto_ignore && PROTO(f, 6) && PROTO(f, 17), "proto acc");
	CHECK(f->has_addr && !f->addr_ignore && f->n_nets == 2, "addr acc");
	CHECK(f->has_state && f->state_ignore && f->tcp_states == 1 << 3, "state acc");
	CHECK(!f->kernelspace, "userspace by default");
	cfg_free(&c);

	/* Syslog/LogFile forms; LogFile off after on turns it off (upstream kept it on) */
	CHECK(!parse(&c, log_forms, &o) && !o.n, "log forms: %s", o.buf);
	CHECK(!c.logfile[0] && c.syslog_facility == LOG_LOCAL7 &&
		      !strcmp(c.stats_logfile, "/tmp/s.log") && c.stats_syslog_facility == -1,
	      "log forms");
	cfg_free(&c);
}

static void layout_options(void)
{
	struct cfg c;
	struct out o;

	CHECK(!parse(&c, options_list, &o) && !o.n, "options: %s", o.buf);
	CHECK(c.tcp_window_tracking && c.exp_sync && c.n_exp_helpers == 5, "exp %u",
	      c.n_exp_helpers);
	CHECK(c.n_exp_helpers == 5 && !strcmp(c.exp_helpers[0], "ftp") &&
		      !strcmp(c.exp_helpers[2], "q.931") && !strcmp(c.exp_helpers[4], "ras"),
	      "helper names");
	cfg_free(&c);

	CHECK(!parse(&c,
		     "Sync { UDP { IPv4_Destination_Address 10.0.0.2 Interface lo } Options "
		     "{ ExpectationSync { ftp } ExpectationSync off } }",
		     &o),
	      "exp off");
	CHECK(!c.exp_sync && !c.n_exp_helpers && !c.exp_helpers, "off clears the list");
	cfg_free(&c);

	CHECK(!parse(&c,
		     "Sync { UDP { IPv4_Destination_Address 10.0.0.2 Interface lo } Options "
		     "{ ExpectationSync { } } }",
		     &o),
	      "exp empty");
	CHECK(c.exp_sync && !c.n_exp_helpers, "an empty list means all, as upstream");
	cfg_free(&c);

	/* General odds and ends */
	CHECK(!parse(&c, general_misc, &o), "general: %s", o.buf);
	CHECK(c.has_nice && c.nice == -5 && c.sched == CFG_SCHED_RR && !c.sched_prio &&
		      c.poll_secs == 3 && c.overrun_resync == -1 && c.systemd,
	      "general");
	cfg_free(&c);
	CHECK(!parse(&c,
		     "General { Nice +19 NetlinkOverrunResync on Scheduler { Type oThEr "
		     "Priority 0 } }",
		     &o),
	      "general 2");
	CHECK(c.nice == 19 && c.overrun_resync == 30 && c.sched == CFG_SCHED_OTHER, "general 2");
	cfg_free(&c);
}

/* A refused file still leaves *c freeable, with what was parsed so far. */
#define SYNC_OD(x) "Sync { UDP { IPv4_Destination_Address 10.0.0.2 Interface lo } " x " }"

static void layout_refused(void)
{
	struct cfg c;
	struct out o;

	CHECK(parse(&c,
		    "General { Filter { Address Ignore { IPv4_address 1.2.3.4 } } }\n"
		    "Sync { Options { ExpectationSync { ftp } } TCP { "
		    "IPv4_Destination_Address 10.0.0.2 Interface lo } }",
		    &o) == -EINVAL,
	      "tcp refused");
	CHECK(c.filter.n_nets == 1 && c.n_exp_helpers == 1, "partial parse kept");
	cfg_free(&c);

	/* CommitOnDemand: the group, and off by default */
	CHECK(!parse(&c, SYNC_OD("Options { CommitOnDemand 65535 }"), &o) && c.cod_group == 65535,
	      "CommitOnDemand 65535: %u %s", c.cod_group, o.buf);
	cfg_free(&c);
	CHECK(!parse(&c, SYNC_OD(""), &o) && c.cod_group == 0, "CommitOnDemand default");
	cfg_free(&c);

	/* the error text is cut to errlen, and errlen 0 is allowed */
	char small[8];
	CHECK(cfg_parse(&c, "}", 1, NULL, NULL, small, sizeof(small)) == -EINVAL &&
		      !strcmp(small, "parsing"),
	      "small err: %s", small);
	CHECK(cfg_parse(&c, "}", 1, NULL, NULL, NULL, 0) == -EINVAL, "no err buffer");
	cfg_free(&c);
}

/* ------------------------------------------------------------------ cases */

#define W(x) "[warning] " x "\n"
#define E(x) "[ERROR] " x "\n"
#define SYN(line, sym) E("parsing config file in line (" #line "), symbol '" sym "': syntax error")
#define OK "rc=0\n"
#define UDPL "UDP { IPv4_address 10.0.0.1 IPv4_Destination_Address 10.0.0.2 Interface lo }"
#define SYNC(x) "Sync {\n\t" UDPL "\n\t" x "\n}\n"
#define GEN(x) "General {\n\t" x "\n}\n"
#define D10 "0123456789"
#define LONG100 "/" D10 D10 D10 D10 D10 D10 D10 D10 D10 "012345678"
#define LONG250 LONG100 LONG100 D10 D10 D10 D10 D10
_Static_assert(sizeof(LONG250) == 251, "250 characters");

struct tcase {
	const char *name;
	const char *text;
	const char *out;    /* the console lines ctbox prints (normalised) */
	int ret;	    /* cfg_parse's return */
	const char *oracle; /* where ctbox deliberately differs: the oracle's lines + rc */
	size_t len;	    /* text length if it holds a NUL, else 0 */
};

/* Most cases have neither an oracle difference nor a NUL: leave those fields out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct tcase cases[] = {
	/* ---- grammar errors: upstream's exact message, line and symbol ---- */
	{ "syntax-section-lowercase", "general {\n}\n", SYN(1, "general"), -EINVAL },
	{ "syntax-eof-in-block", "General {\n\tHashSize 5\n", SYN(3, ""), -EINVAL },
	{ "syntax-eof-after-keyword", "General { HashSize", SYN(1, ""), -EINVAL },
	{ "syntax-stray-close", "General {\n}\n}\n", SYN(3, "}"), -EINVAL },
	{ "syntax-unknown-general", GEN("Foo 1"), SYN(2, "Foo"), -EINVAL },
	{ "syntax-lockfile-number", GEN("LockFile 5"), SYN(2, "5"), -EINVAL },
	{ "syntax-logfile-relative", GEN("LogFile foo.log"), SYN(2, "foo.log"), -EINVAL },
	{ "syntax-hashsize-negative", GEN("HashSize -1"), SYN(2, "-1"), -EINVAL },
	{ "syntax-hashsize-hex", GEN("HashSize 12ab"), SYN(2, "12ab"), -EINVAL },
	{ "syntax-nice-unsigned", GEN("Nice 5"), SYN(2, "5"), -EINVAL },
	{ "syntax-ftfw-refreshtime", "Sync {\n\tMode FTFW {\n\t\tRefreshTime 5\n\t}\n}\n",
	  SYN(3, "RefreshTime"), -EINVAL },
	{ "syntax-ftfw-disable-internal", SYNC("Mode FTFW { DisableInternalCache on }"),
	  SYN(3, "DisableInternalCache"), -EINVAL },
	{ "syntax-alarm-disable-external", SYNC("Mode ALARM { DisableExternalCache on }"),
	  SYN(3, "DisableExternalCache"), -EINVAL },
	{ "syntax-alarm-startup-resync", SYNC("Mode ALARM { StartupResync on }"),
	  SYN(3, "StartupResync"), -EINVAL },
	{ "syntax-notrack-ackwindow", SYNC("Mode NOTRACK { ACKWindowSize 5 }"),
	  SYN(3, "ACKWindowSize"), -EINVAL },
	{ "syntax-sync-resendqueue", SYNC("ResendQueueSize 5"), SYN(3, "ResendQueueSize"),
	  -EINVAL },
	{ "syntax-sync-disable-external", SYNC("DisableExternalCache on"),
	  SYN(3, "DisableExternalCache"), -EINVAL },
	{ "syntax-mode-unknown", SYNC("Mode FOO { }"), SYN(3, "FOO"), -EINVAL },
	{ "syntax-mode-no-brace", SYNC("Mode FTFW }"), SYN(3, "}"), -EINVAL },
	{ "syntax-state-no-for", GEN("Filter { State Accept { ESTABLISHED } }"), SYN(2, "}"),
	  -EINVAL },
	{ "syntax-state-for-udp", GEN("Filter { State Accept { ESTABLISHED for UDP } }"),
	  SYN(2, "UDP"), -EINVAL },
	{ "syntax-state-lowercase", GEN("Filter { State Accept { established for TCP } }"),
	  SYN(2, "established"), -EINVAL },
	{ "syntax-filter-from-bad", GEN("Filter From Anywhere { }"), SYN(2, "Anywhere"), -EINVAL },
	{ "syntax-protocol-number", GEN("Filter { Protocol Accept { 6 } }"), SYN(2, "6"), -EINVAL },
	{ "syntax-protocol-no-policy", GEN("Filter { Protocol { TCP } }"), SYN(2, "{"), -EINVAL },
	{ "syntax-address-bare", GEN("Filter { Address Ignore { 1.2.3.4 } }"), SYN(2, "1.2.3.4"),
	  -EINVAL },
	{ "syntax-address-name", GEN("Filter { Address Ignore { IPv4_address foo } }"),
	  SYN(2, "foo"), -EINVAL },
	{ "syntax-interface-digit", "Sync {\n\tUDP {\n\t\tInterface 9x\n\t}\n}\n", SYN(3, "9"),
	  -EINVAL },
	{ "syntax-interface-hexdigit", "Sync {\n\tUDP {\n\t\tInterface 0eth\n\t}\n}\n",
	  SYN(3, "0e"), -EINVAL },
	{ "syntax-interface-keyword", "Sync { UDP { Interface Default } }", SYN(1, "Default"),
	  -EINVAL },
	{ "syntax-interface-on", "Sync { UDP { Interface on } }", SYN(1, "on"), -EINVAL },
	{ "syntax-default-twice", "Sync { UDP Default Default { } }", SYN(1, "Default"), -EINVAL },
	{ "syntax-mcast-address-number", "Sync { Multicast { IPv4_address 5 } }", SYN(1, "5"),
	  -EINVAL },
	{ "syntax-mcast-ipv6-interface-number", "Sync { Multicast { IPv6_interface 5 } }",
	  SYN(1, "5"), -EINVAL },
	{ "syntax-mcast-port", "Sync { Multicast { Port 5 } }", SYN(1, "Port"), -EINVAL },
	{ "syntax-mcast-destination", "Sync { Multicast { IPv4_Destination_Address 1.2.3.4 } }",
	  SYN(1, "IPv4_Destination_Address"), -EINVAL },
	{ "syntax-udp-group", "Sync { UDP { Group 5 } }", SYN(1, "Group"), -EINVAL },
	{ "syntax-udp-errorqueue", "Sync { UDP { ErrorQueueLength 5 } }",
	  SYN(1, "ErrorQueueLength"), -EINVAL },
	{ "syntax-udp-checksum-number", "Sync { UDP { Checksum 1 } }", SYN(1, "1"), -EINVAL },
	{ "syntax-udp-port-address", "Sync { UDP { Port 1.2.3.4 } }", SYN(1, "1.2.3.4"), -EINVAL },
	{ "syntax-syslog-number", GEN("Syslog 5"), SYN(2, "5"), -EINVAL },
	{ "syntax-scheduler-type-number", GEN("Scheduler { Type 5 }"), SYN(2, "5"), -EINVAL },
	{ "syntax-options-unknown", SYNC("Options { Foo on }"), SYN(3, "Foo"), -EINVAL },
	{ "syntax-expectsync-number", SYNC("Options { ExpectationSync 5 }"), SYN(3, "5"), -EINVAL },
	{ "syntax-expectsync-list-number", SYNC("Options { ExpectationSync { ftp 5 } }"),
	  SYN(3, "5"), -EINVAL },
	{ "syntax-helper-short-type", "Helper {\n\tType ftp inet {\n\t}\n}\n", SYN(2, "{"),
	  -EINVAL },
	{ "syntax-helper-policy-unknown", "Helper { Type ftp inet tcp { Policy ftp { Foo 1 } } }",
	  SYN(1, "Foo"), -EINVAL },
	{ "syntax-stats-hashsize", "Stats {\n\tHashSize 5\n}\n", SYN(2, "HashSize"), -EINVAL },
	{ "syntax-toplevel-unknown", "Foo {\n}\n", SYN(1, "Foo"), -EINVAL },
	{ "syntax-comment-eats-brace", "General { # }\n", SYN(2, ""), -EINVAL },
	{ "syntax-quoted-path", GEN("LogFile \"/tmp/x\""), SYN(2, "\""), -EINVAL },
	{ "syntax-semicolon", GEN("HashSize 5;"), SYN(2, ";"), -EINVAL },
	{ "syntax-section-nested", GEN("Sync { }"), SYN(2, "Sync"), -EINVAL },
	{ "syntax-unix-relative", GEN("UNIX { Path foo }"), SYN(2, "foo"), -EINVAL },
	{ "syntax-double-brace", "General {{\n}\n", SYN(1, "{"), -EINVAL },
	{ "syntax-overrun-negative", GEN("NetlinkOverrunResync -1"), SYN(2, "-1"), -EINVAL },
	{ "syntax-crlf-lines", "General {\r\n\tHashSize 5\r\n}\r\nfoo\r\n", SYN(4, "foo"),
	  -EINVAL },
	{ "syntax-path-eats-brace", "General { UNIX { Path /tmp/x} }\n", SYN(2, ""), -EINVAL },
	{ "syntax-mode-persistent-keyword", SYNC("Mode PERSISTENT TCP"),
	  W("Now `persistent' mode is called `alarm'. Please, update your conntrackd.conf file.")
		  SYN(3, "TCP"),
	  -EINVAL },
	{ "syntax-after-warning", "General { Syslog foo\n\tHashSize x }",
	  W("'foo' is not a known syslog facility, ignoring") SYN(2, "x"), -EINVAL },

	/* ---- values upstream finds fatal: upstream's text ---- */
	{ "fatal-stats-and-sync", "Stats {\n}\n" SYNC(""),
	  E("cannot use both `Stats' and `Sync' clauses in conntrackd.conf"), -EINVAL },
	{ "fatal-sync-and-stats", SYNC("") "Stats {\n}\n",
	  E("cannot use both `Stats' and `Sync' clauses in conntrackd.conf"), -EINVAL },
	{ "fatal-priority-100", GEN("Scheduler { Priority 100 }"),
	  E("`Priority' must be [0, 99]\n"), -EINVAL },
	{ "fatal-priority-huge", GEN("Scheduler { Priority 99999999999 }"),
	  E("`Priority' must be [0, 99]\n"), -EINVAL },
	{ "fatal-scheduler-unknown", GEN("Scheduler { Type foo }"), E("unknown scheduler `foo'"),
	  -EINVAL },
	{ "fatal-pollsecs-0", GEN("PollSecs 0"), E("`PollSecs' clause must be > 0"), -EINVAL },
	{ "fatal-pollsecs-before-syntax", GEN("PollSecs 0 garbage"),
	  E("`PollSecs' clause must be > 0"), -EINVAL },
	{ "fatal-mcast-after-udp", SYNC("Multicast { IPv4_address 225.0.0.1 Interface lo }"),
	  E("cannot use `Multicast' with other dedicated link protocols!"), -EINVAL },
	{ "fatal-udp-after-mcast",
	  "Sync { Multicast { IPv4_address 225.0.0.1 Interface lo } " UDPL " }",
	  E("cannot use `UDP' with other dedicated link protocols!"), -EINVAL },
	{ "fatal-tcp-after-mcast",
	  "Sync { Multicast { IPv4_address 225.0.0.1 Interface lo } TCP { Interface lo } }",
	  E("cannot use `TCP' with other dedicated link protocols!"), -EINVAL },
	{ "fatal-five-links", SYNC(UDPL " " UDPL " " UDPL " UDP { Port 5 }"),
	  E("too many dedicated links in the configuration file (Maximum: 4)"), -EINVAL },
	{ "fatal-five-links-before-warning",
	  SYNC(UDPL " " UDPL " " UDPL " UDP { IPv6_Destination_Address ::1 }"),
	  E("too many dedicated links in the configuration file (Maximum: 4)"), -EINVAL },
	{ "fatal-unix-path-108", GEN("UNIX { Path " LONG100 "01234567 }"),
	  E("Path is longer than 107 characters"), -EINVAL },
	{ "fatal-logfile-257", GEN("LogFile " LONG250 "0123456"),
	  E("LogFile path is longer than 256 characters"), -EINVAL },
	{ "fatal-lockfile-257", GEN("LockFile " LONG250 "0123456"),
	  E("LockFile path is longer than 256 characters"), -EINVAL },
	{ "fatal-stats-logfile-257", "Stats { LogFile " LONG250 "0123456 }",
	  E("stats LogFile path is longer than 256 characters"), -EINVAL },

	/* ---- warnings, in file order, parsing goes on ---- */
	{ "warn-backlog", GEN("UNIX { Path /tmp/ctbox-cfgtest.nonexistent/ctl Backlog 5 }"),
	  W("deprecated unix backlog configuration, ignoring."), 0 },
	{ "warn-syslog-general", GEN("Syslog LOCAL0"),
	  W("'LOCAL0' is not a known syslog facility, ignoring"), 0 },
	{ "warn-syslog-stats", "Stats { Syslog kern }",
	  W("'kern' is not a known syslog facility, ignoring."), 0 },
	{ "warn-syslog-conflict-at-stats", GEN("Syslog local0") "Stats { Syslog local1 }",
	  W("conflicting Syslog facility values, defaulting to General"), 0 },
	{ "warn-syslog-conflict-at-general", "Stats { Syslog local1 }\n" GEN("Syslog daemon"),
	  W("conflicting Syslog facility values, defaulting to General"), 0 },
	{ "warn-syslog-on-conflict", GEN("Syslog on") "Stats { Syslog local1 }",
	  W("conflicting Syslog facility values, defaulting to General"), 0 },
	{ "warn-syslog-no-conflict",
	  "Stats { Syslog local1 }\n" GEN("Syslog on") "Stats { Syslog on }", "", 0 },
	{ "warn-nack", SYNC("Mode NACK { }"),
	  W("Now `nack' mode is called `ftfw'. Please, update your conntrackd.conf file.\n"), 0 },
	{ "warn-persistent", SYNC("Mode PERSISTENT { RefreshTime 5 }"),
	  W("Now `persistent' mode is called `alarm'. Please, update your conntrackd.conf file."),
	  0 },
	{ "warn-ipv6-interface",
	  "Sync { Multicast { IPv4_address 225.0.0.1 IPv6_interface ::1 Interface lo } }",
	  W("`IPv6_interface' not required, ignoring"), 0 },
	{ "warn-mcast-v4-after-v6",
	  "Sync { Multicast { IPv6_address ff02::1 IPv4_address 225.0.0.1 Interface lo } }",
	  W("your multicast address is IPv4 but is binded to an IPv6 interface? Surely, this is "
	    "not what you want"),
	  0 },
	{ "warn-mcast-v6-after-v4",
	  "Sync { Multicast { IPv4_address 225.0.0.1 IPv6_address ff02::1 Interface lo } }",
	  W("your multicast address is IPv6 but is binded to an IPv4 interface? Surely this is "
	    "not what you want"),
	  0 },
	{ "warn-mcast-v6-after-v4-interface",
	  "Sync { Multicast { IPv4_interface 10.0.0.1 IPv6_address ff02::1 IPv4_address "
	  "225.0.0.1 Interface lo } }",
	  W("your multicast address is IPv6 but is binded to an IPv4 interface? Surely this is "
	    "not what you want"),
	  0 },
	{ "warn-mcast-v4-interface-after-v6",
	  "Sync { Multicast { IPv6_address ff02::1 IPv4_interface 10.0.0.1 Interface lo } }",
	  W("your multicast interface is IPv4 but is binded to an IPv6 interface? Surely, this is "
	    "not what you want"),
	  0 },
	{ "warn-chan-bad-ipv4",
	  "Sync { UDP { IPv4_address 300.1.1.1 IPv4_Destination_Address 10.0.0.2/24 "
	  "IPv4_Destination_Address 10.0.0.2 Interface lo } }",
	  W("300.1.1.1 is not a valid IPv4 address") W("10.0.0.2/24 is not a valid IPv4 address"),
	  0 },
	{ "warn-chan-bad-ipv6",
	  "Sync { UDP { IPv6_Destination_Address 12345::1 IPv4_Destination_Address 10.0.0.2 "
	  "Interface lo } }",
	  W("12345::1 is not a valid IPv6 address"), 0 },
	{ "warn-filter-bad-network", GEN("Filter { Address Ignore { IPv4_address 1.2.3.4/33 } }"),
	  W("1.2.3.4/33 is not a valid network, ignoring"), 0 },
	{ "warn-filter-bad-ipv4",
	  GEN("Filter { Address Ignore { IPv4_address 300.1.1.1 IPv4_address 300.1.1.1/8 "
	      "IPv4_address ::1 } }"),
	  W("300.1.1.1 is not a valid IPv4, ignoring") W("300.1.1.1 is not a valid IPv4, ignoring")
		  W("::1 is not a valid IPv4, ignoring"),
	  0 },
	{ "warn-filter-bad-ipv6",
	  GEN("Filter { Address Ignore { IPv6_address 12345::1 IPv6_address fe80::1/129 "
	      "IPv6_address 1.2.3.4 } }"),
	  W("12345::1 is not a valid IPv6, ignoring") W("fe80::1/129 is not a valid network, "
							"ignoring")
		  W("1.2.3.4 is not a valid IPv6, ignoring"),
	  0 },
	{ "warn-filter-dup-netmask",
	  GEN("Filter { Address Ignore { IPv4_address 10.0.0.1/8 IPv4_address 10.0.0.1/8 } }"),
	  W("netmask 10.0.0.1 is repeated in the ignore pool"), 0 },
	{ "warn-protocol-unknown", GEN("Filter { Protocol Accept { TCP foo UDP } }"),
	  W("getprotobyname() cannot find protocol `foo' in /etc/protocols"), 0 },
	{ "warn-commit-disable-external",
	  SYNC("Mode FTFW { CommitTimeout 5 DisableExternalCache on }") GEN("Syslog kern"),
	  W("'kern' is not a known syslog facility, ignoring")
		  W("`CommitTimeout' can't be combined with `DisableExternalCache', ignoring this "
		    "option. Fix your configuration file."),
	  0 },
	{ "warn-sequence",
	  "General {\n\tUNIX { Backlog 1 }\n\tSyslog x\n}\nSync {\n\tMode NACK { }\n"
	  "\tMulticast { IPv4_address 225.0.0.1 IPv6_interface ::1 IPv6_address ff02::1 "
	  "Interface lo }\n}\nStats { }\n",
	  W("deprecated unix backlog configuration, ignoring.")
		  W("'x' is not a known syslog facility, ignoring") W(
			  "Now `nack' mode is called `ftfw'. Please, update your conntrackd.conf "
			  "file.\n") W("`IPv6_interface' not required, ignoring")
			  W("your multicast address is IPv6 but is binded to an IPv4 interface? "
			    "Surely this is not what you want")
				  E("cannot use both `Stats' and `Sync' clauses in "
				    "conntrackd.conf"),
	  -EINVAL },

	/* ---- valid shapes, no output ---- */
	{ "ok-empty", "", "", 0 },
	{ "ok-comments-only", "# nothing\n   # at all\n", "", 0 },
	{ "ok-ftfw-udp", ftfw_udp, "", 0 },
	{ "ok-one-line",
	  "General{UNIX{Path /tmp/ctbox-cfgtest.nonexistent/ctl }}Sync{Mode "
	  "FTFW{}UDP{IPv4_Destination_Address 10.0.0.2 Interface lo}}",
	  "", 0 },
	{ "ok-mcast-ipv6",
	  "Sync { Mode ALARM { } Multicast Default { IPv6_address ff02::1 Group "
	  "3780 Interface lo Checksum off } }",
	  "", 0 },
	{ "ok-path-limits",
	  GEN("UNIX { Path " LONG100 "0123456 } LogFile " LONG250 "012345 LockFile " LONG250
	      "012345") "Stats { LogFile " LONG250 "012345 }",
	  "", 0 },
	{ "ok-empty-state-list",
	  "General { Filter { State Accept { for TCP } } }\n" SYNC("Mode FTFW { }"), "", 0 },
	{ "ok-options",
	  SYNC("Options { TCPWindowTracking on ExpectationSync { ftp sip q.931 "
	       "h.245 ras } }"),
	  "", 0 },
	{ "ok-stats", "Stats { LogFile on Syslog local3 }", "", 0 },
	{ "ok-bools-any-case",
	  GEN("Systemd YES NetlinkEventsReliable On") SYNC("Mode ftfw { "
							   "StartupResync nO }"),
	  "", 0 },

	/* ---- deliberate differences (doc/differences.md): the oracle's output follows ---- */
	{ "diff-tcp-refused",
	  "Sync {\n\tTCP {\n\t\tIPv4_address 10.0.0.1 IPv4_Destination_Address 10.0.0.2 "
	  "Interface lo ErrorQueueLength 10\n\t}\n}\n",
	  E("line 2: TCP: TCP channels are not supported by ctbox"), -EINVAL, OK },
	{ "diff-helper-refused",
	  "Helper {\n\tSetup on\n\tType ftp inet tcp {\n\t\tQueueNum 0\n\t\tQueueLen 10240\n"
	  "\t\tPolicy ftp {\n\t\t\tExpectMax 1\n\t\t\tExpectTimeout 300\n\t\t}\n\t}\n}\n",
	  E("line 1: Helper: user-space helpers are not supported by ctbox"), -EINVAL, OK },
	{ "diff-udp-no-interface",
	  "Sync {\n\tUDP {\n\t\tIPv4_Destination_Address 10.0.0.2\n\t}\n}\n",
	  E("line 2: Interface: missing in UDP block"), -EINVAL, OK },
	{ "diff-mcast-no-interface", "Sync { Multicast { IPv4_address 225.0.0.1 } }",
	  E("line 1: Interface: missing in Multicast block"), -EINVAL, OK },
	{ "diff-mcast-no-address", "Sync {\n\tMulticast {\n\t\tInterface lo\n\t}\n}\n",
	  E("line 2: Multicast: no IPv4_address or IPv6_address"), -EINVAL, OK },
	{ "diff-mcast-bad-address",
	  "Sync {\n\tMulticast {\n\t\tIPv4_address 300.0.0.1 "
	  "Interface lo\n\t}\n}\n",
	  W("300.0.0.1 is not a valid IPv4 address")
		  E("line 2: Multicast: no IPv4_address or IPv6_address"),
	  -EINVAL, W("300.0.0.1 is not a valid IPv4 address") OK },
	{ "diff-udp-no-destination",
	  "Sync {\n\tUDP {\n\t\tIPv4_address 10.0.0.1 Interface lo\n\t}\n}\n",
	  E("line 2: UDP: no IPv4_Destination_Address or IPv6_Destination_Address"), -EINVAL, OK },
	{ "diff-udp-mixed-families",
	  "Sync { UDP { IPv6_address ::1 IPv4_Destination_Address 10.0.0.2 Interface lo } }",
	  E("line 1: UDP: IPv4 and IPv6 addresses mixed"), -EINVAL, OK },
	{ "diff-five-links-empty", SYNC(UDPL " " UDPL " " UDPL " UDP { }"),
	  E("too many dedicated links in the configuration file (Maximum: 4)"), -EINVAL, OK },
	{ "diff-sync-no-link", "\nSync {\n\tMode FTFW { }\n}\n",
	  E("line 2: Sync: no Multicast or UDP block"), -EINVAL, OK },
	{ "diff-hashsize-huge", GEN("HashSize 99999999999"),
	  E("line 2: HashSize: 99999999999 is out of range (maximum 2147483647)"), -EINVAL, OK },
	{ "diff-port-70000", "Sync {\n\tUDP {\n\t\tPort 70000\n\t}\n}\n",
	  E("line 3: Port: 70000 is out of range (maximum 65535)"), -EINVAL, OK },
	{ "diff-nice-range", GEN("Nice -30"), E("line 2: Nice: -30 is out of range [-20, 19]"),
	  -EINVAL,
	  W("deprecated nice configuration, ignoring. The nice value can be set externally with "
	    "nice(1) and renice(1).") OK },
	{ "diff-nice-honoured", GEN("Nice -5"),
	  W("deprecated nice configuration: ctbox applies it, but nice(1) and renice(1) are the "
	    "usual way to set it."),
	  0,
	  W("deprecated nice configuration, ignoring. The nice value can be set externally with "
	    "nice(1) and renice(1).") OK },
	{ "diff-interface-too-long",
	  "Sync { UDP { IPv4_Destination_Address 10.0.0.2 Interface abcdefghijklmnop } }",
	  E("line 1: Interface: `abcdefghijklmnop' is longer than 15 characters"), -EINVAL,
	  W("abcdefghijklmnop is an invalid interface") OK },
	{ "diff-exphelper-too-long",
	  SYNC("Options {\n\t\tExpectationSync {\n\t\t\tabcdefghijklmnop\n\t\t}\n\t}"),
	  E("line 5: ExpectationSync: helper name `abcdefghijklmnop' is longer than 15 "
	    "characters"),
	  -EINVAL, OK },
	{ "diff-nul-byte", "General { }\n\0garbage", SYN(2, ""), -EINVAL, OK, 20 },
	{ "diff-tab-after-path", GEN("LogFile /tmp/x.log\t# comment"), "", 0,
	  SYN(2, "comment") "rc=1\n" },
	{ "diff-persistent-lowercase", SYNC("Mode persistent { }"),
	  W("Now `persistent' mode is called `alarm'. Please, update your conntrackd.conf file."),
	  0, SYN(3, "persistent") "rc=1\n" },
	{ "diff-stats-reliable", "Stats {\n\tNetlinkEventsReliable on\n}\n", "", 0,
	  SYN(2, "NetlinkEventsReliable") "rc=1\n" },
	{ "diff-hex-interface-name",
	  "Sync { UDP { IPv4_Destination_Address 10.0.0.2 Interface beef } }", "", 0,
	  SYN(1, "beef") "rc=1\n" },
	{ "diff-dup-ip",
	  GEN("Filter { Address Ignore { IPv4_address 1.2.3.4 IPv4_address 1.2.3.4/32 "
	      "IPv6_address ::1 IPv6_address ::1 } }"),
	  W("IP 1.2.3.4 is repeated in the ignore pool") W("IP ::1 is repeated in the ignore pool"),
	  0, OK },
	{ "diff-dup-net-host-bits",
	  GEN("Filter { Address Ignore { IPv4_address 10.0.0.1/8 IPv4_address 10.0.0.2/8 "
	      "IPv6_address fe80::/64 IPv6_address fe80::/64 } }"),
	  W("netmask 10.0.0.2 is repeated in the ignore pool")
		  W("netmask fe80:: is repeated in the ignore pool"),
	  0, OK },
	{ "diff-mcast-ipv6-interface-first",
	  "Sync { Multicast { Interface lo IPv6_address ff02::1 } }", "", 0,
	  W("ff02::1 is an invalid interface") OK },
	{ "diff-protocol-any-case", GEN("Filter { Protocol Accept { Tcp sCtP } }"), "", 0,
	  W("getprotobyname() cannot find protocol `Tcp' in /etc/protocols")
		  W("getprotobyname() cannot find protocol `sCtP' in /etc/protocols") OK },
	{ "diff-interface-unknown",
	  "Sync { UDP { IPv4_Destination_Address 10.0.0.2 Interface ctbox-nosuch0 } }", "", 0,
	  W("ctbox-nosuch0 is an invalid interface") OK },
	{ "diff-ipv6-nine-groups",
	  GEN("Filter { Address Ignore { IPv6_address 1:2:3:4:5:6:7:8:9 } }"),
	  W("1:2:3:4:5:6:7:8:9 is not a valid IPv6, ignoring"), 0, SYN(2, ":") "rc=1\n" },
	/* ctbox's own keyword: upstream has no commit on demand */
	{ "diff-commit-on-demand", SYNC("Options { CommitOnDemand 7 }"), "", 0,
	  SYN(3, "CommitOnDemand") "rc=1\n" },
	{ "diff-commit-on-demand-zero", SYNC("Options { CommitOnDemand 0 }"),
	  E("line 3: CommitOnDemand: the NFLOG group must be 1-65535"), -EINVAL,
	  SYN(3, "CommitOnDemand") "rc=1\n" },
	{ "diff-commit-on-demand-range", SYNC("Options { CommitOnDemand 65536 }"),
	  E("line 3: CommitOnDemand: 65536 is out of range (maximum 65535)"), -EINVAL,
	  SYN(3, "CommitOnDemand") "rc=1\n" },
	{ "diff-commit-on-demand-no-cache",
	  SYNC("Mode FTFW { DisableExternalCache on }\n\tOptions {\n\t\tCommitOnDemand 7 }"),
	  E("line 5: CommitOnDemand: needs the external cache (DisableExternalCache is on)"),
	  -EINVAL, SYN(5, "CommitOnDemand") "rc=1\n" },
	{ "syntax-commit-on-demand-general", GEN("CommitOnDemand 7"), SYN(2, "CommitOnDemand"),
	  -EINVAL },
	{ "diff-commit-on-demand-word", SYNC("Options { CommitOnDemand on }"), SYN(3, "on"),
	  -EINVAL, SYN(3, "CommitOnDemand") "rc=1\n" },
	{ "diff-scheduler-other", GEN("Scheduler { Type OTHER }"), "", 0,
	  E("unknown scheduler `OTHER'") "rc=1\n" },
};

/* The example shapes as cases: silent in both, except where noted. */
static const struct tcase layouts[] = {
	{ "layout-ftfw-udp", ftfw_udp, "", 0 },
	{ "layout-zeros", zeros, "", 0 },
	{ "layout-mcast4", mcast4, "", 0 },
	{ "layout-notrack-udp6", notrack_udp6, "", 0 },
	{ "layout-alarm-mcast", alarm_mcast, "", 0 },
	{ "layout-sync-timers", sync_timers, "", 0 },
	{ "layout-two-links", two_links, "", 0 },
	{ "layout-four-links", four_links, "", 0 },
	{ "layout-stats-filter", stats_filter, "", 0, SYN(11, "NetlinkEventsReliable") "rc=1\n" },
	{ "layout-filter-last-policy", filter_last_policy, "", 0 },
	{ "layout-log-forms", log_forms, "", 0 },
	{ "layout-options-list", options_list, "", 0 },
	{ "layout-general-misc", general_misc,
	  W("deprecated nice configuration: ctbox applies it, but nice(1) and renice(1) are the "
	    "usual way to set it.") W("deprecated unix backlog configuration, ignoring."),
	  0,
	  W("deprecated nice configuration, ignoring. The nice value can be set externally with "
	    "nice(1) and renice(1).") W("deprecated unix backlog configuration, ignoring.") OK },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))
#define N_ALL (N_CASES + sizeof(layouts) / sizeof(layouts[0]))

/* Case i of both tables. */
static const struct tcase *tc(size_t i)
{
	return i < N_CASES ? &cases[i] : &layouts[i - N_CASES];
}

static void run_cases(void)
{
	for (size_t i = 0; i < N_ALL; i++) {
		const struct tcase *t = tc(i);
		struct cfg c;
		struct out o;
		int ret;

		if (!built(t->text))
			continue;
		ret = parse_n(&c, t->text, t->len, &o);

		CHECK(ret == t->ret && !strcmp(o.buf, t->out),
		      "%s: ret %d (want %d)\n--- got\n%s--- want\n%s---", t->name, ret, t->ret,
		      o.buf, t->out);
		cfg_free(&c);
	}
}

/* A channel the build left out is refused by name (both are in the default build). */
static void not_built(void)
{
	struct cfg c;
	struct out o;
	int ret = parse(&c, "Sync {\n\tMulticast { IPv4_address 225.0.0.1 Interface lo }\n}", &o);

	if (CONFIG_CHANNEL_MCAST)
		CHECK(!ret, "mcast built in: %s", o.buf);
	else
		CHECK(ret == -EINVAL &&
			      !strcmp(o.buf, E("line 2: Multicast: not built into this binary")),
		      "mcast left out: %s", o.buf);
	cfg_free(&c);
	ret = parse(&c, "Sync {\n\n\t" UDPL "\n}", &o);
	if (CONFIG_CHANNEL_UDP)
		CHECK(!ret, "udp built in: %s", o.buf);
	else
		CHECK(ret == -EINVAL &&
			      !strcmp(o.buf, E("line 3: UDP: not built into this binary")),
		      "udp left out: %s", o.buf);
	cfg_free(&c);
}

/* Every prefix of every case parses or fails cleanly (the fuzzer does the rest). */
static void prefixes(void)
{
	for (size_t i = 0; i < N_ALL; i++) {
		const char *text = tc(i)->text;
		size_t len = tc(i)->len ? tc(i)->len : strlen(text);

		for (size_t n = 0; n < len; n++) {
			char *copy = malloc(n + 1);
			struct cfg c;
			struct out o;
			int ret;

			if (!copy)
				abort();
			memcpy(copy, text, n);
			ret = cfg_parse(&c, copy, n, on_msg, &o, NULL, 0);
			CHECK(ret == 0 || ret == -EINVAL, "%s: prefix %zu: %d", tc(i)->name, n,
			      ret);
			o.n = 0;
			cfg_free(&c);
			free(copy);
		}
	}
}

static int write_file(const char *dir, const char *name, const char *ext, const char *data,
		      size_t len, const char *tail)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return -1;
	}
	fwrite(data, 1, len, f);
	if (tail)
		fputs(tail, f);
	return fclose(f);
}

/* -w DIR: the cases as files for oracle-diff.sh. */
static int write_cases(const char *dir)
{
	mkdir(dir, 0755);
	for (size_t i = 0; i < N_ALL; i++) {
		const struct tcase *t = tc(i);

		if (!built(t->text))
			continue;
		if (write_file(dir, t->name, "conf", t->text, t->len ? t->len : strlen(t->text),
			       NULL) ||
		    write_file(dir, t->name, "want", t->out, strlen(t->out),
			       t->ret ? "rc=1\n" : OK) ||
		    (t->oracle &&
		     write_file(dir, t->name, "oracle", t->oracle, strlen(t->oracle), NULL)))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "-w"))
		return write_cases(argv[2]);
	layout_defaults();
	layout_stats_filter();
	layout_refused();
	if (CONFIG_CHANNEL_MCAST && CONFIG_CHANNEL_UDP) {
		layout_ftfw_udp();
		layout_mcast();
		layout_modes();
		layout_links();
		layout_options();
	} else {
		printf("a channel is left out of this build: layouts with links skipped\n");
	}
	run_cases();
	not_built();
	prefixes();
	printf("%d checks (%zu cases), %d failed\n", checks, N_ALL, failures);
	return failures != 0;
}
