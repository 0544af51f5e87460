// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd.conf: a hand-written lexer and recursive-descent parser over upstream's grammar. */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "config.h"
#include "core/cfg.h"

/*
 * Keywords, exactly as upstream's lexer spells them (case-sensitive). A word
 * that is a keyword is never a name, so `Interface Default` is a syntax error
 * as upstream. The TCP states sit in kernel order (SYN_SENT = 1 ... LISTEN = 9)
 * so a state keyword maps to its number by subtraction. Aliases come last.
 */
/* clang-format off */
#define KEYWORDS(X)                                                                                \
	X(UNIX, "UNIX") X(IPV4_ADDR, "IPv4_address") X(IPV6_ADDR, "IPv6_address")                  \
	X(IPV4_DEST, "IPv4_Destination_Address") X(IPV6_DEST, "IPv6_Destination_Address")          \
	X(IPV4_IFACE, "IPv4_interface") X(IPV6_IFACE, "IPv6_interface") X(IFACE, "Interface")      \
	X(MCAST, "Multicast") X(UDP, "UDP") X(TCP, "TCP") X(HASHSIZE, "HashSize")                  \
	X(REFRESH, "RefreshTime") X(CACHE_TO, "CacheTimeout") X(COMMIT_TO, "CommitTimeout")        \
	X(HASHLIMIT, "HashLimit") X(PATH, "Path") X(BACKLOG, "Backlog") X(GROUP, "Group")          \
	X(PORT, "Port") X(LOGFILE, "LogFile") X(SYSLOG, "Syslog") X(LOCKFILE, "LockFile")          \
	X(GENERAL, "General") X(SYNC, "Sync") X(STATS, "Stats") X(NLBUF, "NetlinkBufferSize")      \
	X(NLBUFMAX, "NetlinkBufferSizeMaxGrowth") X(MODE, "Mode") X(RESEND, "ResendQueueSize")     \
	X(CHECKSUM, "Checksum") X(ACKWIN, "ACKWindowSize") X(FOR, "for")                           \
	X(SYN_SENT, "SYN_SENT") X(SYN_RECV, "SYN_RECV") X(ESTABLISHED, "ESTABLISHED")              \
	X(FIN_WAIT, "FIN_WAIT") X(CLOSE_WAIT, "CLOSE_WAIT") X(LAST_ACK, "LAST_ACK")                \
	X(TIME_WAIT, "TIME_WAIT") X(CLOSE, "CLOSE") X(LISTEN, "LISTEN")                            \
	X(SNDBUF, "SndSocketBuffer") X(RCVBUF, "RcvSocketBuffer") X(FILTER, "Filter")              \
	X(PROTOCOL, "Protocol") X(ADDRESS, "Address") X(STATE, "State") X(ACCEPT, "Accept")        \
	X(IGNORE, "Ignore") X(PURGE, "PurgeTimeout") X(FROM, "From") X(USERSPACE, "Userspace")     \
	X(KERNELSPACE, "Kernelspace") X(EVITER, "EventIterationLimit") X(DEFAULT, "Default")       \
	X(POLL, "PollSecs") X(OVERRUN, "NetlinkOverrunResync") X(NICE, "Nice")                     \
	X(SCHED, "Scheduler") X(TYPE, "Type") X(PRIO, "Priority")                                  \
	X(RELIABLE, "NetlinkEventsReliable") X(DIS_INT, "DisableInternalCache")                    \
	X(DIS_EXT, "DisableExternalCache") X(OPTIONS, "Options") X(WINTRACK, "TCPWindowTracking")  \
	X(EXPSYNC, "ExpectationSync") X(ERRQ, "ErrorQueueLength") X(HELPER, "Helper")              \
	X(QNUM, "QueueNum") X(QLEN, "QueueLen") X(POLICY, "Policy") X(EXPMAX, "ExpectMax")         \
	X(EXPTO, "ExpectTimeout") X(SYSTEMD, "Systemd") X(RESYNC, "StartupResync")                 \
	X(SETUP, "Setup") X(COD, "CommitOnDemand") X(A_CLOSED, "CLOSED") X(A_SOCKBUF, "SocketBufferSize")                   \
	X(A_GROWN, "SocketBufferSizeMaxGrown") X(A_GROWTH, "SocketBufferSizeMaxGrowth")

#define KW_ENUM(id, s) K_##id,
#define KW_NAME(id, s) s "\0"
enum { K_NONE, KEYWORDS(KW_ENUM) K_END };
static const char kw_names[] = KEYWORDS(KW_NAME);
static const unsigned char kw_alias[] = { K_CLOSE, K_NLBUF, K_NLBUFMAX, K_NLBUFMAX };

/* Other tokens; keywords are below 128. */
enum {
	T_EOF = 128, T_CHAR, T_LB, T_RB, T_ON, T_OFF, T_NUM, T_SNUM, T_IP, T_PATH, T_STR,
	T_FTFW, T_ALARM, T_NOTRACK,
};

/* Case-insensitive words: booleans and mode names (upstream's lexer classes). */
static const char ci_names[] = "on\0yes\0off\0no\0ftfw\0nack\0alarm\0persistent\0notrack\0";
static const unsigned char ci_tok[] = { T_ON, T_ON, T_OFF, T_OFF, T_FTFW, T_FTFW, T_ALARM,
					T_ALARM, T_NOTRACK };

/* Block contexts; each lists the keywords that may start an item in it. */
enum {
	C_TOP, C_GENERAL, C_UNIX, C_SCHED, C_FILTER, C_ADDR, C_SYNC, C_FTFW, C_ALARM, C_NOTRACK,
	C_OPTIONS, C_MCAST, C_UDP, C_TCP, C_STATS, C_HELPER, C_POLICY,
};

static const unsigned char ctx_kw[] = {
	/* C_TOP */ K_GENERAL, K_SYNC, K_STATS, K_HELPER, 0,
	/* C_GENERAL */ K_HASHSIZE, K_HASHLIMIT, K_LOGFILE, K_SYSLOG, K_LOCKFILE, K_UNIX, K_NLBUF,
	K_NLBUFMAX, K_EVITER, K_POLL, K_FILTER, K_OVERRUN, K_RELIABLE, K_NICE, K_SCHED, K_SYSTEMD, 0,
	/* C_UNIX */ K_PATH, K_BACKLOG, 0,
	/* C_SCHED */ K_TYPE, K_PRIO, 0,
	/* C_FILTER */ K_PROTOCOL, K_ADDRESS, K_STATE, 0,
	/* C_ADDR */ K_IPV4_ADDR, K_IPV6_ADDR, 0,
	/* C_SYNC */ K_REFRESH, K_CACHE_TO, K_COMMIT_TO, K_PURGE, K_MCAST, K_UDP, K_TCP, K_MODE,
	K_OPTIONS, 0,
	/* C_FTFW */ K_RESEND, K_COMMIT_TO, K_PURGE, K_ACKWIN, K_DIS_EXT, K_RESYNC, 0,
	/* C_ALARM */ K_REFRESH, K_CACHE_TO, K_COMMIT_TO, K_PURGE, 0,
	/* C_NOTRACK */ K_COMMIT_TO, K_PURGE, K_DIS_INT, K_DIS_EXT, K_RESYNC, 0,
	/* C_OPTIONS */ K_WINTRACK, K_EXPSYNC, K_COD, 0,
	/* C_MCAST */ K_IPV4_ADDR, K_IPV6_ADDR, K_IPV4_IFACE, K_IPV6_IFACE, K_IFACE, K_GROUP,
	K_SNDBUF, K_RCVBUF, K_CHECKSUM, 0,
	/* C_UDP */ K_IPV4_ADDR, K_IPV6_ADDR, K_IPV4_DEST, K_IPV6_DEST, K_IFACE, K_PORT, K_SNDBUF,
	K_RCVBUF, K_CHECKSUM, 0,
	/* C_TCP */ K_IPV4_ADDR, K_IPV6_ADDR, K_IPV4_DEST, K_IPV6_DEST, K_IFACE, K_PORT, K_SNDBUF,
	K_RCVBUF, K_CHECKSUM, K_ERRQ, 0,
	/* C_STATS */ K_LOGFILE, K_SYSLOG, K_RELIABLE, 0,
	/* C_HELPER */ K_TYPE, K_QNUM, K_QLEN, K_POLICY, K_SETUP, 0,
	/* C_POLICY */ K_EXPMAX, K_EXPTO, 0,
};
/* clang-format on */

/* Parser state: the input, the lookahead token, the item being parsed, where errors go. */
struct ps {
	struct cfg *c;
	const char *p, *end;
	int line;
	int tok, tline, have; /* lookahead, read lazily like bison's */
	const char *ttext;
	size_t tlen;
	int kline; /* the keyword of the current item, for "line N: KEY:" */
	const char *ktext;
	size_t klen;
	cfg_msg_fn msg;
	void *arg;
	char *err;
	size_t errlen, errofs;
	int ret;
	int sync_line;
	struct cfg_chan ch; /* the channel block being parsed (a 5th has no slot) */
	bool ch_addr, in_chan;
	jmp_buf jb;
};

static void __attribute__((format(printf, 2, 3))) warn(struct ps *ps, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	if (!ps->msg)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ps->msg(ps->arg, CFG_WARN, buf);
}

/* A fatal error with upstream's own text (after refuse's prefix, if any). Never returns. */
static void __attribute__((noreturn, format(printf, 2, 3)))
fail(struct ps *ps, const char *fmt, ...)
{
	size_t n = ps->errofs;
	va_list ap;

	if (n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
		va_end(ap);
	}
	longjmp(ps->jb, 1);
}

/* A value ctbox refuses: "line N: KEYWORD: reason", the keyword of the current item. */
static void prefix(struct ps *ps)
{
	if (ps->errlen)
		ps->errofs = (size_t)snprintf(ps->err, ps->errlen, "line %d: %.*s: ", ps->kline,
					      (int)ps->klen, ps->ktext);
}
#define refuse(ps, ...) (prefix(ps), fail(ps, __VA_ARGS__))

static void setkw(struct ps *ps, int line, const char *kw)
{
	ps->kline = line;
	ps->ktext = kw;
	ps->klen = strlen(kw);
}

static void *grow(struct ps *ps, void *p, size_t n, size_t size)
{
	p = realloc(p, (n + 1) * size);
	if (!p) {
		ps->ret = -ENOMEM;
		fail(ps, "cannot allocate memory");
	}
	return p;
}

/* ------------------------------------------------------------------ lexer */

static bool isdig(int ch)
{
	return (unsigned)(ch - '0') < 10;
}

static bool isalp(int ch)
{
	return (unsigned)((ch | 32) - 'a') < 26;
}

static bool ishex(int ch)
{
	return isdig(ch) || (unsigned)((ch | 32) - 'a') < 6;
}

static size_t digits(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && isdig(*p))
		p++;
	return (size_t)(p - s);
}

/* 1-based index of s[n] in a "\0"-separated list, 0 if absent. */
static int find(const char *list, const char *s, size_t n, int icase)
{
	for (int i = 1; *list; i++, list += strlen(list) + 1)
		if (strlen(list) == n && !(icase ? strncasecmp(list, s, n) : memcmp(list, s, n)))
			return i;
	return 0;
}

static int word(struct ps *ps, const char *s, size_t n)
{
	int k = find(kw_names, s, n, 0);

	if (k)
		return k >= K_A_CLOSED ? kw_alias[k - K_A_CLOSED] : k;
	k = find(ci_names, s, n, 1);
	/* upstream prints these from its lexer, as soon as the word is read */
	if (k == 6)
		warn(ps, "Now `nack' mode is called `ftfw'. Please, update your conntrackd.conf "
			 "file.\n");
	if (k == 8)
		warn(ps, "Now `persistent' mode is called `alarm'. Please, update your "
			 "conntrackd.conf file.");
	return k ? ci_tok[k - 1] : T_STR;
}

/*
 * The longest match among upstream's token classes: number, signed number,
 * IPv4 and IPv6 (with /cidr), path, word. An IPv6 token needs a colon, so a
 * name made of hex digits stays a name. Paths end at whitespace or '"'.
 */
static void lex(struct ps *ps)
{
	const char *p = ps->p, *e = ps->end;
	size_t n, d, best = 0, ip = 0;
	int t = T_CHAR, ch, parts = 1;

	for (;; p++) {
		if (p == e) {
			ps->tok = T_EOF;
			ps->ttext = p;
			ps->tlen = 0;
			ps->tline = ps->line;
			ps->p = p;
			return;
		}
		if (*p == '#')
			while (p + 1 < e && p[1] != '\n')
				p++;
		else if (*p == '\n')
			ps->line++;
		else if (*p != ' ' && *p != '\t' && *p != '\r')
			break;
	}
	ch = *p;
	if ((best = digits(p, e))) {
		t = T_NUM;
		for (n = best; parts < 4 && p + n < e && p[n] == '.' && (d = digits(p + n + 1, e));
		     parts++)
			n += 1 + d;
		if (parts == 4)
			ip = n;
	} else if ((ch == '-' || ch == '+') && (d = digits(p + 1, e))) {
		best = 1 + d;
		t = T_SNUM;
	} else if (ch == '/') {
		for (best = 1; p + best < e && !strchr(" \t\r\n\"", p[best]); best++)
			;
		t = T_PATH;
	} else if (isalp(ch)) {
		for (best = 1; p + best < e && (isalp(p[best]) || isdig(p[best]) ||
						(p[best] && strchr("._-", p[best])));
		     best++)
			;
		t = T_STR;
	}
	if (ishex(ch) || (ch == ':' && p + 1 < e && p[1] == ':')) {
		bool colon = false;

		for (n = 0; p + n < e && (ishex(p[n]) || p[n] == ':' || (colon && p[n] == '.'));
		     n++)
			colon |= p[n] == ':';
		/* upstream: one group of up to 4 hex digits is an address too ("12ab") */
		if (!colon && isdig(ch) && n > 4)
			n = 4;
		if ((colon || isdig(ch)) && n > best && n > ip)
			ip = n;
	}
	if (ip) {
		if (p + ip < e && p[ip] == '/' && (d = digits(p + ip + 1, e)))
			ip += 1 + d;
		best = ip;
		t = T_IP;
	}
	if (!best) {
		best = 1;
		t = ch == '{' ? T_LB : ch == '}' ? T_RB : T_CHAR;
	}
	ps->ttext = p;
	ps->tlen = best;
	ps->tline = ps->line;
	ps->p = p + best;
	ps->tok = t == T_STR ? word(ps, p, best) : t;
}

static int peek(struct ps *ps)
{
	if (!ps->have) {
		lex(ps);
		ps->have = 1;
	}
	return ps->tok;
}

/* Consume the lookahead; its text stays readable until the next peek. */
static void eat(struct ps *ps)
{
	ps->have = 0;
}

static void __attribute__((noreturn)) syntax(struct ps *ps)
{
	fail(ps, "parsing config file in line (%d), symbol '%.*s': syntax error", ps->tline,
	     (int)ps->tlen, ps->ttext);
}

static void want(struct ps *ps, int t)
{
	if (peek(ps) != t)
		syntax(ps);
	eat(ps);
}

/* ------------------------------------------------------------------ values */

/* Upstream checks the link count in each option of a block, once its value is read. */
static void links_check(struct ps *ps)
{
	if (ps->c->n_chan >= CFG_MAX_CHANNELS)
		fail(ps, "too many dedicated links in the configuration file (Maximum: %d)",
		     CFG_MAX_CHANNELS);
}

/* Consume a value token of kind t; inside a link block, check the link count then. */
static void value(struct ps *ps, int t)
{
	want(ps, t);
	if (ps->in_chan)
		links_check(ps);
}

/* A plain number; upstream reads it with atoi into an int, so more is refused here. */
static uint32_t num(struct ps *ps, uint32_t def, uint32_t max)
{
	uint64_t v = 0;

	value(ps, T_NUM);
	for (size_t i = 0; i < ps->tlen && v <= UINT32_MAX; i++)
		v = v * 10 + (uint64_t)(ps->ttext[i] - '0');
	if (v > max)
		refuse(ps, "%.*s is out of range (maximum %u)", (int)ps->tlen, ps->ttext, max);
	return v ? (uint32_t)v : def;
}

static uint32_t num_def(struct ps *ps, uint32_t def)
{
	return num(ps, def, INT_MAX);
}

static bool onoff(struct ps *ps)
{
	int t = peek(ps);

	if (t != T_ON && t != T_OFF)
		syntax(ps);
	value(ps, t);
	return t == T_ON;
}

/* The value's text into buf; false if it does not fit (then it is not a valid value). */
static bool text(struct ps *ps, int t, char *buf, size_t size)
{
	bool fits;

	value(ps, t);
	fits = ps->tlen < size;
	snprintf(buf, size, "%.*s", (int)(fits ? ps->tlen : 0), ps->ttext);
	return fits;
}

/* s[n] as an address (network order): inet_aton's forms for IPv4, as upstream. */
static bool inaddr(const char *s, size_t n, bool v6, union ct_addr *a)
{
	char buf[64];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	return v6 ? inet_pton(AF_INET6, buf, a) == 1 : inet_aton(buf, (struct in_addr *)a) != 0;
}

static void path(struct ps *ps, char *dst, size_t max, const char *what)
{
	if (!text(ps, T_PATH, dst, max + 1))
		fail(ps, "%s is longer than %zu characters", what, max);
}

static void logfile(struct ps *ps, bool stats)
{
	struct cfg *c = ps->c;
	char *dst = stats ? c->stats_logfile : c->logfile;

	if (peek(ps) == T_PATH) {
		path(ps, dst, CFG_PATH_MAX, stats ? "stats LogFile path" : "LogFile path");
		return;
	}
	/* upstream's `LogFile off' changed nothing: here it turns an earlier `on' off */
	strcpy(dst, !onoff(ps) ? ""
		    : stats    ? "/var/log/conntrackd-stats.log"
			       : "/var/log/conntrackd.log");
}

static void syslog_kw(struct ps *ps, bool stats)
{
	static const char facilities[] =
		"daemon\0local0\0local1\0local2\0local3\0local4\0local5\0local6\0local7\0";
	struct cfg *c = ps->c;
	int *mine = stats ? &c->stats_syslog_facility : &c->syslog_facility;
	int other = stats ? c->syslog_facility : c->stats_syslog_facility, f;

	if (peek(ps) != T_STR) {
		*mine = onoff(ps) ? LOG_DAEMON : -1;
		return;
	}
	want(ps, T_STR);
	f = find(facilities, ps->ttext, ps->tlen, 0);
	if (!f) {
		warn(ps, "'%.*s' is not a known syslog facility, ignoring%s", (int)ps->tlen,
		     ps->ttext, stats ? "." : "");
		return;
	}
	*mine = f == 1 ? LOG_DAEMON : LOG_LOCAL0 + ((f - 2) << 3);
	if (other != -1 && other != *mine)
		warn(ps, "conflicting Syslog facility values, defaulting to General");
}

/* ------------------------------------------------------------------ blocks */

static void items(struct ps *ps, int ctx);

static void open_block(struct ps *ps, int ctx)
{
	want(ps, T_LB);
	items(ps, ctx);
}

static bool allowed(int ctx, int t)
{
	const unsigned char *p = ctx_kw;

	while (ctx--)
		p += strlen((const char *)p) + 1;
	return t < T_EOF && strchr((const char *)p, t);
}

static void chan_addr(struct ps *ps, int ctx, int k)
{
	struct cfg_chan *ch = &ps->ch;
	bool v6 = k == K_IPV6_ADDR || k == K_IPV6_DEST || k == K_IPV6_IFACE;
	int fam = v6 ? AF_INET6 : AF_INET;
	union ct_addr a = { 0 };

	if (k == K_IPV6_IFACE) {
		/* the only option upstream did not count against the link limit */
		want(ps, T_IP);
		warn(ps, "`IPv6_interface' not required, ignoring");
		return;
	}
	value(ps, T_IP);
	if (!inaddr(ps->ttext, ps->tlen, v6, &a)) {
		warn(ps, "%.*s is not a valid IPv%c address", (int)ps->tlen, ps->ttext,
		     v6 ? '6' : '4');
		return;
	}
	if (k == K_IPV4_DEST || k == K_IPV6_DEST) {
		ch->dest = a;
		ch->dest_family = (uint8_t)fam;
		return;
	}
	if (ctx == C_MCAST && ch->family && ch->family != fam) {
		/* the block keeps the family it was given first */
		warn(ps,
		     "your multicast %s is IPv%c but is binded to an IPv%c interface? "
		     "Surely%s this is not what you want",
		     k == K_IPV4_IFACE ? "interface" : "address", v6 ? '6' : '4', v6 ? '4' : '6',
		     v6 ? "" : ",");
		return;
	}
	ch->family = (uint8_t)fam;
	if (k == K_IPV4_IFACE) {
		ch->ifaddr = a;
		ch->has_ifaddr = true;
	} else {
		ch->addr = a;
		ps->ch_addr = true;
	}
}

static void channel(struct ps *ps, int k)
{
	static const char names[][10] = { "Multicast", "UDP", "TCP" };
	struct cfg *c = ps->c;
	struct cfg_chan *ch = &ps->ch;
	int line = ps->kline, type = k - K_MCAST;
	const char *name = names[type];
	bool def = false;

	if (peek(ps) == K_DEFAULT) {
		eat(ps);
		def = true;
	}
	memset(ch, 0, sizeof(*ch));
	ch->type = (uint8_t)type;
	ch->checksum = true;
	ch->errq_len = 128;
	ch->line = line;
	ps->ch_addr = false;
	ps->in_chan = true;
	open_block(ps, C_MCAST + type);
	ps->in_chan = false;
	if (c->n_chan && c->chan[0].type != type)
		fail(ps, "cannot use `%s' with other dedicated link protocols!", name);
	/* upstream took a 5th block without options into a slot it does not have */
	links_check(ps);
	setkw(ps, line, name);
	if (type == CFG_CHAN_TCP)
		refuse(ps, "TCP channels are not supported by ctbox");
	if (!(type == CFG_CHAN_MCAST ? CONFIG_CHANNEL_MCAST : CONFIG_CHANNEL_UDP))
		refuse(ps, "not built into this binary");
	if (type == CFG_CHAN_MCAST && !ps->ch_addr)
		refuse(ps, "no IPv4_address or IPv6_address");
	if (type == CFG_CHAN_UDP) {
		if (!ch->dest_family)
			refuse(ps, "no IPv4_Destination_Address or IPv6_Destination_Address");
		if (ch->family && ch->family != ch->dest_family)
			refuse(ps, "IPv4 and IPv6 addresses mixed");
		/* no local address: bind to any address of the peer's family */
		ch->family = ch->dest_family;
	}
	if (!ch->ifname[0]) {
		setkw(ps, line, "Interface");
		refuse(ps, "missing in %s block", name);
	}
	ch->is_default = def;
	if (def)
		c->default_chan = c->n_chan;
	c->chan[c->n_chan++] = *ch;
}

/* Protocol names as getprotobyname gives them, in any case; musl's table lacks a few. */
static int proto_number(const char *name)
{
	static const char extra[] = "sctp\0dccp\0udplite\0";
	static const unsigned char extra_num[] = { IPPROTO_SCTP, IPPROTO_DCCP, IPPROTO_UDPLITE };
	struct protoent *pe = getprotobyname(name);
	char low[64];
	size_t i;
	int k;

	if (pe)
		return pe->p_proto;
	for (i = 0; name[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)((unsigned)(name[i] - 'A') < 26 ? name[i] | 32 : name[i]);
	low[i] = 0;
	pe = getprotobyname(low);
	if (pe)
		return pe->p_proto;
	k = find(extra, low, i, 0);
	return k ? extra_num[k - 1] : -1;
}

static void filter_proto(struct ps *ps)
{
	struct cfg_filter *f = &ps->c->filter;
	int t = peek(ps), p;
	char s[64];

	if (t == K_TCP || t == K_UDP) {
		eat(ps);
		strcpy(s, t == K_TCP ? "tcp" : "udp");
	} else if (!text(ps, T_STR, s, sizeof(s))) {
		s[0] = 0;
	}
	p = proto_number(s);
	if (p < 0 || p > 255) {
		warn(ps, "getprotobyname() cannot find protocol `%.*s' in /etc/protocols",
		     (int)ps->tlen, ps->ttext);
		return;
	}
	f->protos[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static void filter_addr(struct ps *ps, int k)
{
	struct cfg_filter *f = &ps->c->filter;
	bool v6 = k == K_IPV6_ADDR;
	unsigned int max = v6 ? 128 : 32, cidr = max;
	struct cfg_net n = { .family = v6 ? AF_INET6 : AF_INET };
	const char *slash;
	int alen;

	want(ps, T_IP);
	slash = memchr(ps->ttext, '/', ps->tlen);
	alen = (int)(slash ? (size_t)(slash - ps->ttext) : ps->tlen);
	if (slash) {
		cidr = 0;
		for (slash++; slash < ps->ttext + ps->tlen && cidr <= 1000; slash++)
			cidr = cidr * 10 + (unsigned)(*slash - '0');
		if (cidr > max) {
			warn(ps, "%.*s/%u is not a valid network, ignoring", alen, ps->ttext, cidr);
			return;
		}
	}
	if (!inaddr(ps->ttext, (size_t)alen, v6, &n.addr)) {
		warn(ps, "%.*s is not a valid IPv%c, ignoring", alen, ps->ttext, v6 ? '6' : '4');
		return;
	}
	n.prefix = (uint8_t)cidr;
	for (unsigned int i = cidr; i < max; i++)
		n.addr.b[i >> 3] &= (uint8_t) ~(0x80u >> (i & 7));
	for (unsigned int i = 0; i < f->n_nets; i++) {
		if (f->nets[i].family == n.family && f->nets[i].prefix == n.prefix &&
		    !memcmp(&f->nets[i].addr, &n.addr, sizeof(n.addr))) {
			warn(ps, "%s %.*s is repeated in the ignore pool",
			     cidr < max ? "netmask" : "IP", alen, ps->ttext);
			return;
		}
	}
	f->nets = grow(ps, f->nets, f->n_nets, sizeof(n));
	f->nets[f->n_nets++] = n;
}

/* `State Accept { ESTABLISHED CLOSED for TCP ... }': groups of states, each ending in "for TCP". */
static uint16_t filter_states(struct ps *ps)
{
	uint16_t bits = 0;
	int t;

	want(ps, T_LB);
	while ((t = peek(ps)) != T_RB) {
		for (; t >= K_SYN_SENT && t <= K_LISTEN; t = peek(ps)) {
			bits |= (uint16_t)(1u << (t - K_SYN_SENT + 1));
			eat(ps);
		}
		want(ps, K_FOR);
		want(ps, K_TCP);
	}
	eat(ps);
	return bits;
}

static void filter_item(struct ps *ps, int k)
{
	struct cfg_filter *f = &ps->c->filter;
	int t = peek(ps);
	bool ign = t == K_IGNORE;

	if (t != K_ACCEPT && !ign)
		syntax(ps);
	eat(ps);
	if (k == K_PROTOCOL) {
		want(ps, T_LB);
		while ((t = peek(ps)) != T_RB) {
			if (t != T_STR && t != K_TCP && t != K_UDP)
				syntax(ps);
			filter_proto(ps);
		}
		eat(ps);
		f->has_proto = true;
		f->proto_ignore = ign;
	} else if (k == K_ADDRESS) {
		open_block(ps, C_ADDR);
		f->has_addr = true;
		f->addr_ignore = ign;
	} else {
		f->tcp_states |= filter_states(ps);
		f->has_state = true;
		f->state_ignore = ign;
	}
}

static void exp_sync(struct ps *ps)
{
	struct cfg *c = ps->c;
	unsigned int i;
	char s[64];

	if (peek(ps) != T_LB) {
		c->exp_sync = onoff(ps);
		if (!c->exp_sync) {
			free(c->exp_helpers);
			c->exp_helpers = NULL;
			c->n_exp_helpers = 0;
		}
		return;
	}
	eat(ps);
	while (peek(ps) != T_RB) {
		if (!text(ps, T_STR, s, sizeof(s)) || ps->tlen >= CFG_HELPER_NAME_MAX) {
			ps->kline = ps->tline;
			refuse(ps, "helper name `%.*s' is longer than %d characters", (int)ps->tlen,
			       ps->ttext, CFG_HELPER_NAME_MAX - 1);
		}
		/* a repeated name is dropped silently, as upstream */
		for (i = 0; i < c->n_exp_helpers && strcasecmp(c->exp_helpers[i], s); i++)
			;
		if (i < c->n_exp_helpers)
			continue;
		c->exp_helpers = grow(ps, c->exp_helpers, c->n_exp_helpers, CFG_HELPER_NAME_MAX);
		strcpy(c->exp_helpers[c->n_exp_helpers++], s);
	}
	eat(ps);
	c->exp_sync = true;
}

static void helper_type(struct ps *ps, int ctx)
{
	struct cfg *c = ps->c;
	char s[16];

	if (ctx == C_HELPER) {
		/* Type NAME L3 L4 { ... } */
		for (int i = 0; i < 3; i++)
			want(ps, T_STR);
		open_block(ps, C_HELPER);
		return;
	}
	text(ps, T_STR, s, sizeof(s));
	if (!strcasecmp(s, "rr"))
		c->sched = CFG_SCHED_RR;
	else if (!strcasecmp(s, "fifo"))
		c->sched = CFG_SCHED_FIFO;
	else if (!strcasecmp(s, "other"))
		c->sched = CFG_SCHED_OTHER;
	else
		fail(ps, "unknown scheduler `%.*s'", (int)ps->tlen, ps->ttext);
}

/*
 * Plain numbers and switches, in struct cfg or in the link being parsed; a
 * number 0 means the default, as upstream.
 */
enum { V_U32, V_BOOL, V_CH_U32, V_CH_BOOL, V_CH_PORT };
/* clang-format off */
static const struct {
	unsigned char kw, kind;
	unsigned short off;
	uint32_t def;
} simple[] = {
#define N(kw, field, def) { K_##kw, V_U32, offsetof(struct cfg, field), def }
#define B(kw, field) { K_##kw, V_BOOL, offsetof(struct cfg, field), 0 }
#define CH(kw, kind, field, def) { K_##kw, kind, offsetof(struct cfg_chan, field), def }
	N(HASHSIZE, hashsize, 65536), N(HASHLIMIT, hashlimit, 262144), N(NLBUF, nl_bufsize, 0),
	N(NLBUFMAX, nl_bufsize_max, 0), N(EVITER, event_iter_limit, 100),
	N(REFRESH, refresh_time, 60), N(CACHE_TO, cache_timeout, 180),
	N(COMMIT_TO, commit_timeout, 0), N(PURGE, purge_timeout, 60),
	N(RESEND, resend_queue_size, 131072), N(ACKWIN, ack_window, 300),
	B(RELIABLE, events_reliable), B(SYSTEMD, systemd), B(DIS_INT, disable_internal_cache),
	B(DIS_EXT, disable_external_cache), B(RESYNC, startup_resync),
	B(WINTRACK, tcp_window_tracking),
	CH(GROUP, V_CH_PORT, port, 0), CH(PORT, V_CH_PORT, port, 0),
	CH(SNDBUF, V_CH_U32, sndbuf, 0), CH(RCVBUF, V_CH_U32, rcvbuf, 0),
	CH(ERRQ, V_CH_U32, errq_len, 128), CH(CHECKSUM, V_CH_BOOL, checksum, 0),
#undef N
#undef B
#undef CH
};
/* clang-format on */

static void simple_item(struct ps *ps, int k)
{
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		unsigned int kind = simple[i].kind;
		char *base = kind >= V_CH_U32 ? (char *)&ps->ch : (char *)ps->c;
		void *field = base + simple[i].off;

		if (simple[i].kw != k)
			continue;
		if (kind == V_BOOL || kind == V_CH_BOOL)
			*(bool *)field = onoff(ps);
		else if (kind == V_CH_PORT)
			*(uint16_t *)field = (uint16_t)num(ps, 0, 65535);
		else
			*(uint32_t *)field = num_def(ps, simple[i].def);
		return;
	}
	/* QueueNum, QueueLen, ExpectMax, ExpectTimeout: grammar only, Helper is refused */
	num_def(ps, 0);
}

/* Sync and Stats exclude each other; upstream checks at the closing brace of the second. */
static void section(struct ps *ps, int ctx, enum cfg_mode mode)
{
	struct cfg *c = ps->c;

	open_block(ps, ctx);
	if (c->mode != CFG_MODE_NONE && c->mode != mode)
		fail(ps, "cannot use both `Stats' and `Sync' clauses in conntrackd.conf");
	c->mode = mode;
}

static void item(struct ps *ps, int ctx, int k)
{
	struct cfg *c = ps->c;
	int line = ps->kline, t;
	uint32_t v;

	switch (k) {
	case K_GENERAL:
		open_block(ps, C_GENERAL);
		break;
	case K_SYNC:
		if (!ps->sync_line)
			ps->sync_line = line;
		section(ps, C_SYNC, CFG_MODE_SYNC);
		break;
	case K_STATS:
		section(ps, C_STATS, CFG_MODE_STATS);
		break;
	case K_HELPER:
		c->helper_line = line;
		open_block(ps, C_HELPER);
		setkw(ps, line, "Helper");
		refuse(ps, "user-space helpers are not supported by ctbox");
	case K_UNIX:
		open_block(ps, C_UNIX);
		break;
	case K_SCHED:
		open_block(ps, C_SCHED);
		break;
	case K_OPTIONS:
		open_block(ps, C_OPTIONS);
		break;
	case K_POLICY:
		want(ps, T_STR);
		open_block(ps, C_POLICY);
		break;
	case K_FILTER:
		t = 0;
		if (peek(ps) == K_FROM) {
			eat(ps);
			t = peek(ps);
			if (t != K_USERSPACE && t != K_KERNELSPACE)
				syntax(ps);
			eat(ps);
		}
		open_block(ps, C_FILTER);
		c->filter.kernelspace = t == K_KERNELSPACE;
		break;
	case K_PROTOCOL:
	case K_ADDRESS:
	case K_STATE:
		filter_item(ps, k);
		break;
	case K_MODE:
		t = peek(ps);
		if (t < T_FTFW)
			syntax(ps);
		eat(ps);
		open_block(ps, C_FTFW + t - T_FTFW);
		c->sync_modes |= 1u << (t - T_FTFW);
		break;
	case K_MCAST:
	case K_UDP:
	case K_TCP:
		channel(ps, k);
		break;
	case K_IPV4_ADDR:
	case K_IPV6_ADDR:
		if (ctx == C_ADDR) {
			filter_addr(ps, k);
			break;
		}
		/* fall through */
	case K_IPV4_DEST:
	case K_IPV6_DEST:
	case K_IPV4_IFACE:
	case K_IPV6_IFACE:
		chan_addr(ps, ctx, k);
		break;
	case K_IFACE:
		if (!text(ps, T_STR, ps->ch.ifname, sizeof(ps->ch.ifname)))
			refuse(ps, "`%.*s' is longer than %d characters", (int)ps->tlen, ps->ttext,
			       CFG_IFNAME_MAX - 1);
		break;
	case K_LOGFILE:
		logfile(ps, ctx == C_STATS);
		break;
	case K_SYSLOG:
		syslog_kw(ps, ctx == C_STATS);
		break;
	case K_LOCKFILE:
		path(ps, c->lockfile, CFG_PATH_MAX, "LockFile path");
		break;
	case K_PATH:
		path(ps, c->unix_path, CFG_UNIX_PATH_MAX - 1, "Path");
		break;
	case K_BACKLOG:
		num_def(ps, 0);
		warn(ps, "deprecated unix backlog configuration, ignoring.");
		break;
	case K_NICE:
		want(ps, T_SNUM);
		v = 0;
		for (size_t i = 1; i < ps->tlen && v < 100; i++)
			v = v * 10 + (uint32_t)(ps->ttext[i] - '0');
		c->nice = *ps->ttext == '-' ? -(int)v : (int)v;
		if (c->nice < -20 || c->nice > 19)
			refuse(ps, "%.*s is out of range [-20, 19]", (int)ps->tlen, ps->ttext);
		c->has_nice = true;
		/* upstream ignores Nice with a warning saying so; ctbox applies it */
		warn(ps, "deprecated nice configuration: ctbox applies it, "
			 "but nice(1) and renice(1) are the usual way to set it.");
		break;
	case K_TYPE:
		helper_type(ps, ctx);
		break;
	case K_PRIO:
		want(ps, T_NUM);
		v = 0;
		for (size_t i = 0; i < ps->tlen && v < 100; i++)
			v = v * 10 + (uint32_t)(ps->ttext[i] - '0');
		/* upstream's message ends in a stray newline */
		if (v > 99)
			fail(ps, "`Priority' must be [0, 99]\n");
		c->sched_prio = (int)v;
		break;
	case K_POLL:
		c->poll_secs = num_def(ps, 0);
		if (!c->poll_secs)
			fail(ps, "`PollSecs' clause must be > 0");
		break;
	case K_OVERRUN:
		t = peek(ps);
		c->overrun_resync = t == T_NUM ? (int)num_def(ps, 30) : onoff(ps) ? 30 : -1;
		break;
	case K_EXPSYNC:
		exp_sync(ps);
		break;
	case K_COD:
		/* ctbox's own: the NFLOG group whose dropped packets are committed first */
		v = num(ps, 0, 65535);
		if (!v)
			refuse(ps, "the NFLOG group must be 1-65535");
		c->cod_group = (uint16_t)v;
		c->cod_line = line;
		break;
	case K_SETUP:
		onoff(ps);
		break;
	default:
		simple_item(ps, k);
	}
}

static void items(struct ps *ps, int ctx)
{
	for (;;) {
		int t = peek(ps);

		if (t == (ctx == C_TOP ? T_EOF : T_RB)) {
			eat(ps);
			return;
		}
		if (!allowed(ctx, t))
			syntax(ps);
		ps->kline = ps->tline;
		ps->ktext = ps->ttext;
		ps->klen = ps->tlen;
		eat(ps);
		item(ps, ctx, t);
	}
}

static void defaults(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->hashsize = 65536;
	c->hashlimit = 262144;
	c->syslog_facility = -1;
	c->stats_syslog_facility = -1;
	strcpy(c->lockfile, "/var/lock/conntrackd.lock");
	c->overrun_resync = 30;
	c->event_iter_limit = 100;
	c->systemd = true;
	c->resend_queue_size = 131072;
	c->ack_window = 300;
	c->refresh_time = 60;
	c->cache_timeout = 180;
	c->purge_timeout = 60;
}

static int run(struct ps *ps)
{
	struct cfg *c = ps->c;

	if (setjmp(ps->jb))
		return ps->ret;
	items(ps, C_TOP);
	/* upstream's main() checks this after parsing, in client mode too */
	if (c->disable_external_cache && c->commit_timeout) {
		warn(ps, "`CommitTimeout' can't be combined with `DisableExternalCache', ignoring "
			 "this option. Fix your configuration file.");
		c->commit_timeout = 0;
	}
	if (c->cod_group && c->disable_external_cache) {
		setkw(ps, c->cod_line, "CommitOnDemand");
		refuse(ps, "needs the external cache (DisableExternalCache is on)");
	}
	if (c->mode == CFG_MODE_SYNC) {
		/* the daemon logs CFG_MSG_NO_SYNC_MODE when it starts the sync mode */
		if (!c->sync_modes) {
			c->sync_modes = CFG_SYNC_FTFW;
			c->sync_mode_defaulted = true;
		}
		if (!c->n_chan) {
			setkw(ps, ps->sync_line, "Sync");
			refuse(ps, "no Multicast or UDP block");
		}
	}
	return 0;
}

int cfg_parse(struct cfg *c, const char *text, size_t len, cfg_msg_fn msg, void *arg, char *err,
	      size_t errlen)
{
	struct ps ps = {
		.c = c,
		.p = text,
		.end = text + len,
		.line = 1,
		.msg = msg,
		.arg = arg,
		.err = err,
		.errlen = errlen,
		.ret = -EINVAL,
	};

	defaults(c);
	if (errlen)
		err[0] = 0;
	return run(&ps);
}

void cfg_free(struct cfg *c)
{
	free(c->filter.nets);
	c->filter.nets = NULL;
	c->filter.n_nets = 0;
	free(c->exp_helpers);
	c->exp_helpers = NULL;
	c->n_exp_helpers = 0;
}

unsigned int cfg_sync_mode(const struct cfg *c)
{
	unsigned int m = c->mode == CFG_MODE_SYNC ? c->sync_modes : 0;

	return m & CFG_SYNC_FTFW    ? CFG_SYNC_FTFW
	       : m & CFG_SYNC_ALARM ? CFG_SYNC_ALARM
				    : m & CFG_SYNC_NOTRACK;
}
