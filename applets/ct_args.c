// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: argv -> struct ct_cmd with upstream 1.4.9's parsing, checks and messages. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "config.h"
#include "applets/ct_args.h"
#include "applets/ct_getopt.h"
#include "applets/ct_proto.h"
#include "core/errstr.h"
#include "core/labelmap.h"
#include "core/print.h"
#include "proto/ct_tuple.h"

const char ct_prefix[] = "conntrack v" CTBOX_VERSION " (ctbox): ";

static void verr(enum ct_errkind kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(ct_prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (kind == CT_PARAMETER_PROBLEM)
		fputs("Try `conntrack -h' or 'conntrack --help' for more information.\n", stderr);
}

int ct_err(enum ct_errkind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(kind, fmt, ap);
	va_end(ap);
	return kind;
}

#define TRY(x) \
	do { \
		int ret_ = (x); \
		if (ret_) \
			return ret_; \
	} while (0)

/* 1.4.9's short option string; '[' ']' '{' '}' '<' '>' '(' ')' 'M' are long-only keys. */
static const char shorts[] =
	":LIUDGEFAhVs:d:r:q:p:t:u:e:a:z[:]:{:}:m:i:f:o:n::g::c:b:C::Sj::w:l:<:>::(:):M:";

static const struct go_long generic_longs[] = {
	{ "dump", GO_OPT_ARG, 'L' },	   { "create", GO_OPT_ARG, 'I' },
	{ "add", GO_OPT_ARG, 'A' },	   { "delete", GO_OPT_ARG, 'D' },
	{ "update", GO_OPT_ARG, 'U' },	   { "get", GO_OPT_ARG, 'G' },
	{ "flush", GO_OPT_ARG, 'F' },	   { "event", GO_OPT_ARG, 'E' },
	{ "counter", GO_OPT_ARG, 'C' },	   { "stats", GO_NO_ARG, 'S' },
	{ "version", GO_NO_ARG, 'V' },	   { "help", GO_NO_ARG, 'h' },
	{ "orig-src", GO_REQ_ARG, 's' },   { "src", GO_REQ_ARG, 's' },
	{ "orig-dst", GO_REQ_ARG, 'd' },   { "dst", GO_REQ_ARG, 'd' },
	{ "reply-src", GO_REQ_ARG, 'r' },  { "reply-dst", GO_REQ_ARG, 'q' },
	{ "protonum", GO_REQ_ARG, 'p' },   { "timeout", GO_REQ_ARG, 't' },
	{ "status", GO_REQ_ARG, 'u' },	   { "zero", GO_NO_ARG, 'z' },
	{ "event-mask", GO_REQ_ARG, 'e' }, { "tuple-src", GO_REQ_ARG, '[' },
	{ "tuple-dst", GO_REQ_ARG, ']' },  { "mask-src", GO_REQ_ARG, '{' },
	{ "mask-dst", GO_REQ_ARG, '}' },   { "nat-range", GO_REQ_ARG, 'a' },
	{ "mark", GO_REQ_ARG, 'm' },	   { "secmark", GO_REQ_ARG, 'c' },
	{ "id", GO_REQ_ARG, 'i' },	   { "family", GO_REQ_ARG, 'f' },
	{ "src-nat", GO_OPT_ARG, 'n' },	   { "dst-nat", GO_OPT_ARG, 'g' },
	{ "output", GO_REQ_ARG, 'o' },	   { "buffer-size", GO_REQ_ARG, 'b' },
	{ "any-nat", GO_OPT_ARG, 'j' },	   { "zone", GO_REQ_ARG, 'w' },
	{ "label", GO_REQ_ARG, 'l' },	   { "label-add", GO_REQ_ARG, '<' },
	{ "label-del", GO_OPT_ARG, '>' },  { "orig-zone", GO_REQ_ARG, '(' },
	{ "reply-zone", GO_REQ_ARG, ')' }, { "labelmap", GO_REQ_ARG, 'M' },
};
#define NGENERIC (sizeof(generic_longs) / sizeof(generic_longs[0]))

/* Protocol option keys: above every char, with the handler's index and the option bit. */
#define PKEY_BASE 256
#define PKEY(idx, bit) (PKEY_BASE + (idx)*32 + (bit))
#define MAX_LONGS (NGENERIC + 9 * 16 + 1)

/* Option flag names, as the checks print them, in bit order. */
static const char *const optflags[OPT_MAX] = {
	"src",	    "dst",	 "reply-src",  "reply-dst",   "protonum",   "timeout",
	"status",   "zero",	 "event-mask", "tuple-src",   "tuple-dst",  "mask-src",
	"mask-dst", "nat-range", "mark",       "id",	      "family",	    "src-nat",
	"dst-nat",  "output",	 "secmark",    "buffer-size", "any-nat",    "zone",
	"label",    "label-add", "label-del",  "orig-zone",   "reply-zone", "labelmap",
};

#define O(x) (UINT64_C(1) << (x))

/* commands x options: 0 illegal, 1 compulsory, 2 optional, 3 pair rule (spec 6.1) */
static const uint8_t cmd_matrix[CT_NCOMMANDS][OPT_MAX] = {
	/*                  s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( ) M */
	[CMD_CT_LIST] = { 2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 2, 2, 0, 2,
			  0, 2, 2, 2, 2, 2, 0, 2, 2, 2, 0, 0, 2, 2, 2 },
	[CMD_CT_CREATE] = { 3, 3, 3, 3, 1, 1, 2, 0, 0, 0, 0, 0, 0, 2, 2,
			    0, 0, 2, 2, 0, 0, 0, 0, 2, 0, 2, 0, 2, 2, 0 },
	[CMD_CT_UPDATE] = { 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 0, 2,
			    2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 0, 0, 2 },
	/* spec 6.1 says -j is optional for -D; the reference refuses it (oracle wins) */
	[CMD_CT_DELETE] = { 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 0, 2,
			    2, 2, 2, 2, 2, 0, 0, 0, 2, 2, 0, 0, 2, 2, 2 },
	[CMD_CT_GET] = { 3, 3, 3, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			 2, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0 },
	[CMD_CT_FLUSH] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			   0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	[CMD_CT_EVENT] = { 2, 2, 2, 2, 2, 0, 0, 0, 2, 0, 0, 2, 2, 0, 2,
			   0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2, 2 },
	[CMD_VERSION] = { 0 },
	[CMD_HELP] = { 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	[CMD_EXP_LIST] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			   0, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	[CMD_EXP_CREATE] = { 1, 1, 2, 2, 1, 1, 2, 0, 0, 1, 1, 1, 1, 0, 0,
			     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	[CMD_EXP_DELETE] = { 1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	[CMD_EXP_GET] = { 1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	[CMD_EXP_FLUSH] = { 0 },
	[CMD_EXP_EVENT] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			    0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	[CMD_CT_COUNT] = { 0 },
	[CMD_EXP_COUNT] = { 0 },
	[CMD_CT_STATS] = { 0 },
	[CMD_EXP_STATS] = { 0 },
	[CMD_CT_ADD] = { 3, 3, 3, 3, 1, 1, 2, 0, 0, 0, 0, 0, 0, 2, 2,
			 0, 0, 2, 2, 0, 0, 0, 0, 2, 0, 2, 0, 2, 2, 0 },
};

/* Options whose presence turns on the template comparison (upstream's CT_COMPARISON). */
#define CT_COMPARISON \
	(O(OPT_SRC) | O(OPT_DST) | O(OPT_REPL_SRC) | O(OPT_REPL_DST) | O(OPT_PROTO) | \
	 O(OPT_MARK) | O(OPT_SECMARK) | O(OPT_STATUS) | O(OPT_ID) | O(OPT_ZONE) | O(OPT_LABEL) | \
	 O(OPT_ORIG_ZONE) | O(OPT_REPL_ZONE))

struct parser {
	struct ct_parse_ctx *ctx;
	struct ct_cmd *cmd;
	struct go_state go;
	int argc;
	char **argv;
	struct go_long longs[MAX_LONGS];
	size_t nlongs;
	uint16_t merged; /* handler indices whose options are in longs */
};

/* ---- value parsers ---------------------------------------------------- */

/* glibc's inet_aton grammar (1 to 4 parts, octal/hex, trailing whitespace ends it), for any libc. */
static bool aton(const char *s, uint32_t *out)
{
	uint64_t parts[4];
	int n = 0;

	for (;;) {
		uint64_t v = 0;
		unsigned int base = 10;
		bool digit = false;

		if (*s < '0' || *s > '9')
			return false;
		if (*s == '0') {
			s++;
			if (*s == 'x' || *s == 'X') {
				base = 16;
				s++;
			} else {
				base = 8;
				digit = true;
			}
		}
		for (;; s++) {
			unsigned int d;

			if (*s >= '0' && *s <= '9')
				d = (unsigned int)(*s - '0');
			else if (base == 16 && *s >= 'a' && *s <= 'f')
				d = (unsigned int)(*s - 'a' + 10);
			else if (base == 16 && *s >= 'A' && *s <= 'F')
				d = (unsigned int)(*s - 'A' + 10);
			else
				break;
			if (d >= base)
				return false;
			v = v * base + d;
			if (v > 0xffffffffu)
				return false;
			digit = true;
		}
		if (!digit)
			return false;
		parts[n++] = v;
		if (*s != '.')
			break;
		if (n == 4 || v > 0xff)
			return false;
		s++;
	}
	if (*s && *s != ' ' && (*s < '\t' || *s > '\r'))
		return false;
	switch (n) {
	case 1:
		*out = (uint32_t)parts[0];
		break;
	case 2:
		if (parts[1] > 0xffffff)
			return false;
		*out = (uint32_t)(parts[0] << 24 | parts[1]);
		break;
	case 3:
		if (parts[1] > 0xff || parts[2] > 0xffff)
			return false;
		*out = (uint32_t)(parts[0] << 24 | parts[1] << 16 | parts[2]);
		break;
	default:
		if (parts[1] > 0xff || parts[2] > 0xff || parts[3] > 0xff)
			return false;
		*out = (uint32_t)(parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]);
		break;
	}
	*out = htonl(*out);
	return true;
}

/* Address text (and /prefix when mask != NULL): family, or 0. *mask: -1 none, -2 invalid. */
static int parse_addr(const char *arg, union ct_addr *a, int *mask)
{
	char buf[46];
	char *slash, *end;
	int family = 0;
	long m;

	/* upstream copies into an INET6_ADDRSTRLEN buffer: longer text is cut */
	snprintf(buf, sizeof(buf), "%s", arg);
	if (mask) {
		*mask = -1;
		slash = strchr(buf, '/');
		if (slash) {
			errno = 0;
			m = strtol(slash + 1, &end, 10);
			*mask = (m < 0 || m > INT_MAX || *end) ? -2 : (int)m;
			*slash = '\0';
		}
	}
	memset(a, 0, sizeof(*a));
	if (aton(buf, &a->v4))
		family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a->b) == 1)
		family = AF_INET6;
	if (mask && *mask > (family == AF_INET ? 32 : 128))
		*mask = -2;
	return family;
}

static void prefix_mask(union ct_addr *m, int family, int bits)
{
	int words = family == AF_INET ? 1 : 4;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < words; i++) {
		if (bits >= 32) {
			m->v6[i] = 0xffffffffu;
			bits -= 32;
		} else if (bits > 0) {
			m->v6[i] = htonl(~0u << (32 - bits));
			bits = 0;
		}
	}
}

static int set_family(struct ct_cmd *cmd, int family)
{
	if (cmd->family == AF_UNSPEC)
		cmd->family = (uint8_t)family;
	else if (cmd->family != family)
		return ct_perr("mismatched address family");
	return 0;
}

/* The first long name of a key, as upstream's CIDR message names it. */
static const char *long_name(int key)
{
	for (size_t i = 0; i < NGENERIC; i++)
		if (generic_longs[i].val == key)
			return generic_longs[i].name;
	return "";
}

static void tuple_addr(struct ct_tuple *t, bool dst, int family, const union ct_addr *a)
{
	t->l3 = (uint8_t)family;
	if (dst) {
		t->dst = *a;
		t->present |= CT_T_DST;
	} else {
		t->src = *a;
		t->present |= CT_T_SRC;
	}
}

/* -s -d -r -q --tuple-* --mask-*: one address, maybe with a prefix. */
static int opt_addr(struct parser *p, int key, const char *arg)
{
	struct ct_cmd *cmd = p->cmd;
	bool has_mask = key == 's' || key == 'd' || key == '[' || key == ']';
	bool dst = key == 'd' || key == 'q' || key == ']' || key == '}';
	union ct_addr a, m;
	int mask, family;

	family = parse_addr(arg, &a, &mask);
	if (!family)
		return ct_perr("Invalid IP address `%s'", arg);
	TRY(set_family(cmd, family));
	if (mask != -1 && !has_mask)
		return ct_perr("CIDR notation unavailable for `--%s'", long_name(key));
	if (mask == -2)
		return ct_perr("Invalid netmask");

	switch (key) {
	case 's':
	case 'd':
		cmd->options |= O(dst ? OPT_DST : OPT_SRC);
		tuple_addr(&cmd->tmpl.orig, dst, family, &a);
		tuple_addr(&cmd->exp.master, dst, family, &a);
		ct_set(&cmd->tmpl, CT_ORIG);
		break;
	case 'r':
	case 'q':
		cmd->options |= O(dst ? OPT_REPL_DST : OPT_REPL_SRC);
		tuple_addr(&cmd->tmpl.reply, dst, family, &a);
		ct_set(&cmd->tmpl, CT_REPLY);
		break;
	case '[':
	case ']':
		cmd->options |= O(dst ? OPT_TUPLE_DST : OPT_TUPLE_SRC);
		tuple_addr(&cmd->exp.tuple, dst, family, &a);
		break;
	default:
		cmd->options |= O(dst ? OPT_MASK_DST : OPT_MASK_SRC);
		tuple_addr(&cmd->exp.mask, dst, family, &a);
		if (dst)
			cmd->mask_dst = a;
		else
			cmd->mask_src = a;
		return 0;
	}
	if (mask < 0 || mask == (family == AF_INET ? 32 : 128))
		return 0;
	/* a real prefix stands for --mask-src/--mask-dst (and shows up in the matrix as such) */
	prefix_mask(&m, family, mask);
	cmd->options |= O(dst ? OPT_MASK_DST : OPT_MASK_SRC);
	tuple_addr(&cmd->exp.mask, dst, family, &m);
	if (dst)
		cmd->mask_dst = m;
	else
		cmd->mask_src = m;
	return 0;
}

static bool valid_port(const char *s)
{
	unsigned long v;

	if (!*s)
		return false;
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	errno = 0;
	v = strtoul(s, NULL, 10);
	return !errno && v <= 65535;
}

/* -n -g -j value: ADDR, ADDR:PORT, [V6ADDR]:PORT. */
static int opt_nat(struct parser *p, int key, const char *arg)
{
	struct ct_cmd *cmd = p->cmd;
	char addr[1024];
	const char *port = NULL;
	struct ct_natarg na = { .set = true };
	const char *open = strchr(arg, '[');
	int mask;

	if (open) {
		const char *start = open + 1;
		const char *close = strchr(start, ']');

		if (close == start)
			return ct_perr("No IPv6 address specified");
		if (!close)
			return ct_perr("No closing ']' around IPv6 address");
		port = strchr(close, ':');
		if (port)
			snprintf(addr, sizeof(addr), "%.*s", (int)(close - start), start);
	} else {
		port = strchr(arg, ':');
		if (port && strchr(port + 1, ':'))
			port = NULL; /* an IPv6 address without a port */
		else if (port)
			snprintf(addr, sizeof(addr), "%.*s", (int)(port - arg), arg);
	}
	if (port) {
		port++;
		if (!*port)
			return ct_perr("No port specified after `:'");
		if (!valid_port(port))
			return ct_perr("Invalid port `%s'", port);
		na.has_port = true;
		na.port = (uint16_t)atoi(port);
	} else {
		snprintf(addr, sizeof(addr), "%s", arg);
	}

	na.family = (uint8_t)parse_addr(addr, &na.addr, &mask);
	if (!na.family)
		return ct_perr("Invalid IP address `%s'", addr);
	TRY(set_family(cmd, na.family));
	if (mask != -1)
		return ct_perr("CIDR notation unavailable for `--%s'", long_name(key));
	na.has_addr = true;

	if (key == 'n' || key == 'j')
		cmd->snat = na;
	if (key == 'g' || key == 'j')
		cmd->dnat = na;
	return 0;
}

/* upstream's strict number parser of 1.4.9 (-w -( -) -i -c) */
static int parse_value(const char *s, uint32_t *out, uint32_t max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (end == s || *end || (v == ULONG_MAX && errno == ERANGE) || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_mark(const char *s, uint32_t *val, uint32_t *mask)
{
	unsigned long v, m;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (end == s || (*end && *end != '/') || (v == ULONG_MAX && errno == ERANGE) ||
	    v > UINT32_MAX)
		return -1;
	*val = (uint32_t)v;
	*mask = UINT32_MAX;
	if (*end == '/') {
		/* upstream accepts "1/" (mask 0) and truncates an oversized mask */
		m = strtoul(end + 1, &end, 0);
		if (*end)
			return -1;
		*mask = (uint32_t)m;
	}
	return 0;
}

struct keyword {
	const char *name;
	uint32_t value;
};

static const struct keyword status_kw[] = {
	{ "ASSURED", CT_IPS_ASSURED },
	{ "SEEN_REPLY", CT_IPS_SEEN_REPLY },
	{ "UNSET", 0 },
	{ "FIXED_TIMEOUT", CT_IPS_FIXED_TIMEOUT },
	{ "EXPECTED", CT_IPS_EXPECTED },
	{ "OFFLOAD", CT_IPS_OFFLOAD },
	{ "HW_OFFLOAD", CT_IPS_HW_OFFLOAD },
	{ NULL, 0 },
};
static const struct keyword event_kw[] = {
	{ "ALL", 1 | 2 | 4 }, { "NEW", 1 }, { "UPDATES", 2 }, { "DESTROY", 4 }, { NULL, 0 },
};
static const struct keyword output_kw[] = {
	{ "xml", PRINT_XML },
	{ "extended", PRINT_EXTENDED },
	{ "timestamp", PRINT_TIMESTAMP },
	{ "id", PRINT_ID },
	{ "ktimestamp", PRINT_KTIMESTAMP },
	{ "labels", PRINT_LABELS },
	{ "userspace", 0 },
	{ "save", PRINT_SAVE },
	/* ctbox extension; last, so no upstream prefix changes meaning */
	{ "json", PRINT_JSON },
	{ NULL, 0 },
};

/* One list item (a prefix of a keyword, any case). false if nothing matches. */
static bool keyword(const char *s, size_t len, const struct keyword *kw, uint32_t *out, bool quiet)
{
	/* SRC_NAT/DST_NAT are tested first, so "s" or "d" land here */
	if (!strncasecmp(s, "SRC_NAT", len)) {
		if (!quiet)
			fprintf(stderr, "WARNING: ignoring SRC_NAT, use --src-nat instead\n");
		return true;
	}
	if (!strncasecmp(s, "DST_NAT", len)) {
		if (!quiet)
			fprintf(stderr, "WARNING: ignoring DST_NAT, use --dst-nat instead\n");
		return true;
	}
	for (; kw->name; kw++) {
		if (!strncasecmp(s, kw->name, len)) {
			*out |= kw->value;
			return true;
		}
	}
	return false;
}

/* Comma list of -e/-o (mask == NULL) or -u (with '!' negation and UNREPLIED). */
static int parse_list(const char *arg, const struct keyword *kw, uint32_t *value, uint32_t *mask,
		      bool quiet)
{
	for (;;) {
		const char *comma;
		size_t len;
		bool neg = false;

		if (mask && *arg == '!') {
			neg = true;
			arg++;
		}
		comma = strchr(arg, ',');
		len = comma ? (size_t)(comma - arg) : strlen(arg);
		if (!len)
			return ct_perr("Bad parameter `%s'", arg);
		if (mask && !neg && !strncmp(arg, "UNREPLIED", 9))
			*mask |= CT_IPS_SEEN_REPLY;
		else if (!keyword(arg, len, kw, neg ? mask : value, quiet))
			return ct_perr("Bad parameter `%s'", arg);
		if (!comma)
			return 0;
		arg = comma + 1;
	}
}

/* ---- option table ------------------------------------------------------- */

static void longs_init(struct parser *p)
{
	memcpy(p->longs, generic_longs, sizeof(generic_longs));
	p->nlongs = NGENERIC;
	p->longs[p->nlongs].name = NULL;
	p->merged = 0;
}

/* -p appends the handler's long options once; later -p of another handler appends theirs too. */
static void longs_merge(struct parser *p, const struct ct_proto *h)
{
	int idx = ct_proto_index(h);

	if (p->merged & (1u << idx))
		return;
	p->merged |= (uint16_t)(1u << idx);
	for (const struct go_long *l = h->longs; l->name && p->nlongs < MAX_LONGS - 1; l++) {
		p->longs[p->nlongs] = *l;
		p->longs[p->nlongs].val = PKEY(idx, l->val);
		p->nlongs++;
	}
	p->longs[p->nlongs].name = NULL;
}

/* ---- commands ----------------------------------------------------------- */

/* The table word after a command letter (upstream ignores an attached value). */
static int take_table(struct parser *p, enum ct_table *table)
{
	const char *t = NULL;
	size_t n;

	*table = TABLE_CONNTRACK;
	if (p->go.optarg)
		return 0;
	if (p->go.optind < p->argc && p->argv[p->go.optind][0] != '-' &&
	    p->argv[p->go.optind][0] != '!')
		t = p->argv[p->go.optind++];
	if (!t)
		return 0;
	n = strlen(t);
	if (!strncmp("expect", t, n))
		*table = TABLE_EXPECT;
	else if (!strncmp("conntrack", t, n))
		*table = TABLE_CONNTRACK;
	else if (!strncmp("dying", t, n))
		*table = TABLE_DYING;
	else if (!strncmp("unconfirmed", t, n))
		*table = TABLE_UNCONFIRMED;
	else
		return ct_perr("unknown type `%s'", t);
	return 0;
}

static int opt_command(struct parser *p, int c)
{
	static const struct {
		char letter;
		const char *name;
		enum ct_command ct, exp;
	} cmds[] = {
		{ 'L', "dump", CMD_CT_LIST, CMD_EXP_LIST },
		{ 'I', "create", CMD_CT_CREATE, CMD_EXP_CREATE },
		{ 'U', "update", CMD_CT_UPDATE, CMD_NONE },
		{ 'D', "delete", CMD_CT_DELETE, CMD_EXP_DELETE },
		{ 'G', "get", CMD_CT_GET, CMD_EXP_GET },
		{ 'F', "flush", CMD_CT_FLUSH, CMD_EXP_FLUSH },
		{ 'E', "event", CMD_CT_EVENT, CMD_EXP_EVENT },
		{ 'V', "version", CMD_VERSION, CMD_VERSION },
		{ 'h', "help", CMD_HELP, CMD_HELP },
		{ 'C', "counter", CMD_CT_COUNT, CMD_EXP_COUNT },
		{ 'S', "stats", CMD_CT_STATS, CMD_EXP_STATS },
		{ 'A', "add", CMD_CT_ADD, CMD_NONE },
	};
	struct ct_cmd *cmd = p->cmd;
	enum ct_table table;
	enum ct_command which;
	size_t i;

	for (i = 0; cmds[i].letter != c; i++)
		;
	TRY(take_table(p, &table));
	if (table == TABLE_DYING || table == TABLE_UNCONFIRMED) {
		if (c != 'L')
			return ct_perr(
				"Can't do that command with tables `dying' and `unconfirmed'");
		which = CMD_CT_LIST;
	} else {
		which = table == TABLE_EXPECT ? cmds[i].exp : cmds[i].ct;
		if (which == CMD_NONE)
			return ct_perr("Can't do --%s on %s", cmds[i].name, "expectations");
	}
	if (cmd->command != CMD_NONE)
		return ct_perr("Invalid commands combination");
	cmd->command = which;
	cmd->table = table;
	return 0;
}

/* The argument of an optional-argument option: attached, or the next word unless it looks like an option. */
static const char *optional_arg(struct parser *p)
{
	/*
	 * Upstream drops an attached value (--src-nat=IP, -nIP) and only looks
	 * at the next word; we take the attached value (doc/differences.md).
	 */
	if (p->go.optarg)
		return *p->go.optarg ? p->go.optarg : NULL;
	if (p->go.optind < p->argc && p->argv[p->go.optind][0] != '-' &&
	    p->argv[p->go.optind][0] != '!')
		return p->argv[p->go.optind++];
	return NULL;
}

static int add_label_arg(struct ct_cmd *cmd, int kind, const char *arg)
{
	if (cmd->nlabel_args[kind] >= CT_LABEL_ARGS)
		return ct_perr("too many label options");
	cmd->label_args[kind][cmd->nlabel_args[kind]++] = arg;
	return 0;
}

static int opt_proto(struct parser *p, const char *arg)
{
	struct ct_cmd *cmd = p->cmd;
	const struct ct_proto *h;
	uint8_t num;

	h = ct_proto_find(arg, &num);
	if (!h)
		return ct_perr("`%s' unsupported protocol", arg);
	cmd->options |= O(OPT_PROTO);
	cmd->proto = num;
	p->ctx->h = h;
	longs_merge(p, h);
	cmd->tmpl.orig.l4 = num;
	cmd->tmpl.orig.present |= CT_T_PROTO;
	cmd->tmpl.reply.l4 = num;
	cmd->exp.master.l4 = num;
	cmd->exp.master.present |= CT_T_PROTO;
	ct_set(&cmd->tmpl, CT_ORIG);
	return 0;
}

/* A protocol option (key >= PKEY_BASE). */
static int opt_l4(struct parser *p, int key)
{
	struct ct_cmd *cmd = p->cmd;
	const struct ct_proto *h = p->ctx->h;
	int idx = (key - PKEY_BASE) / 32, bit = (key - PKEY_BASE) % 32;
	const struct ct_proto *owner = ct_proto_at(idx);

	if (owner != h) {
		/*
		 * The option came from an earlier -p. Upstream hands it to the
		 * current handler with the wrong offset and silently drops it;
		 * use the current handler's option of that name, or refuse it.
		 */
		const char *name = NULL;

		for (const struct go_long *l = owner->longs; l->name; l++)
			if (l->val == bit)
				name = l->name;
		bit = -1;
		for (const struct go_long *l = h->longs; name && l->name; l++)
			if (!strcmp(l->name, name))
				bit = l->val;
		if (bit < 0)
			return ct_perr("unknown option `%s'", p->argv[p->go.optelem]);
	}
	cmd->proto_options |= 1u << bit;
	if (h->parse)
		return h->parse(cmd, bit, p->go.optarg) > 0 ? CT_PARAMETER_PROBLEM : 0;
	return 0;
}

static int opt_one(struct parser *p, int c)
{
	struct ct_cmd *cmd = p->cmd;
	const char *arg = p->go.optarg;
	uint32_t v, m;

	switch (c) {
	case 'L':
	case 'I':
	case 'U':
	case 'D':
	case 'G':
	case 'F':
	case 'E':
	case 'V':
	case 'h':
	case 'C':
	case 'S':
	case 'A':
		return opt_command(p, c);
	case 's':
	case 'd':
	case 'r':
	case 'q':
	case '[':
	case ']':
	case '{':
	case '}':
		return opt_addr(p, c, arg);
	case 'p':
		return opt_proto(p, arg);
	case 't':
		cmd->options |= O(OPT_TIMEOUT);
		cmd->timeout = (uint32_t)atol(arg);
		cmd->tmpl.timeout = cmd->timeout;
		ct_set(&cmd->tmpl, CT_TIMEOUT);
		cmd->exp.timeout = cmd->timeout;
		ct_exp_set(&cmd->exp, CT_EXP_TIMEOUT);
		return 0;
	case 'u':
		cmd->options |= O(OPT_STATUS);
		v = cmd->tmpl.status;
		m = 0;
		TRY(parse_list(arg, status_kw, &v, &m, p->ctx->quiet));
		cmd->tmpl.status = v;
		ct_set(&cmd->tmpl, CT_STATUS);
		cmd->status = v;
		cmd->status_mask = m ? m : v;
		return 0;
	case 'e':
		cmd->options |= O(OPT_EVENT_MASK);
		return parse_list(arg, event_kw, &cmd->event_mask, NULL, p->ctx->quiet);
	case 'o':
		cmd->options |= O(OPT_OUTPUT);
		TRY(parse_list(arg, output_kw, &p->ctx->output, NULL, p->ctx->quiet));
		if ((p->ctx->output & PRINT_SAVE) &&
		    (p->ctx->output & (PRINT_EXTENDED | PRINT_TIMESTAMP | PRINT_ID |
				       PRINT_KTIMESTAMP | PRINT_LABELS | PRINT_XML)))
			return ct_oerr("cannot combine save output with any other output type, use "
				       "-o save only");
		if ((p->ctx->output & PRINT_JSON) && (p->ctx->output & (PRINT_XML | PRINT_SAVE)))
			return ct_oerr("cannot combine json output with xml or save output");
		return 0;
	case 'z':
		cmd->options |= O(OPT_ZERO);
		return 0;
	case 'n':
	case 'g':
	case 'j':
		cmd->options |= O(c == 'n' ? OPT_SRC_NAT : c == 'g' ? OPT_DST_NAT : OPT_ANY_NAT);
		arg = optional_arg(p);
		return arg ? opt_nat(p, c, arg) : 0;
	case 'w':
	case '(':
	case ')':
		if (parse_value(arg, &v, UINT16_MAX) < 0)
			return ct_oerr("unexpected value '%s' with -%c option", arg, c);
		if (c == 'w') {
			cmd->options |= O(OPT_ZONE);
			cmd->zone = (uint16_t)v;
			cmd->tmpl.zone = (uint16_t)v;
			ct_set(&cmd->tmpl, CT_ZONE);
		} else {
			struct ct_tuple *t = c == '(' ? &cmd->tmpl.orig : &cmd->tmpl.reply;

			cmd->options |= O(c == '(' ? OPT_ORIG_ZONE : OPT_REPL_ZONE);
			t->zone = (uint16_t)v;
			t->present |= CT_T_ZONE;
			ct_set(&cmd->tmpl, c == '(' ? CT_ORIG : CT_REPLY);
		}
		return 0;
	case 'i':
	case 'c':
		if (parse_value(arg, &v, UINT32_MAX) < 0)
			return ct_oerr("unexpected value '%s' with -%c option", arg, c);
		if (c == 'i') {
			cmd->options |= O(OPT_ID);
			cmd->id = v;
			cmd->tmpl.id = v;
			ct_set(&cmd->tmpl, CT_ID);
		} else {
			cmd->options |= O(OPT_SECMARK);
			cmd->secmark = v;
			cmd->tmpl.secmark = v;
			ct_set(&cmd->tmpl, CT_SECMARK);
		}
		return 0;
	case 'm':
		cmd->options |= O(OPT_MARK);
		if (parse_mark(arg, &v, &m) < 0)
			return ct_oerr("unexpected value '%s' with -%c option", arg, c);
		cmd->mark = v;
		cmd->mark_mask = m;
		cmd->tmpl.mark = v;
		cmd->tmpl.mark_mask = m;
		ct_set(&cmd->tmpl, CT_MARK);
		ct_set(&cmd->tmpl, CT_MARK_MASK);
		return 0;
	case 'l':
	case '<':
	case '>':
		cmd->options |= O(c == 'l' ? OPT_LABEL : c == '<' ? OPT_ADD_LABEL : OPT_DEL_LABEL);
		if ((cmd->options & (O(OPT_ADD_LABEL) | O(OPT_DEL_LABEL))) ==
		    (O(OPT_ADD_LABEL) | O(OPT_DEL_LABEL)))
			return ct_oerr("cannot use --label-add and --label-del at the same time");
		if (c == '>') {
			arg = optional_arg(p);
			if (!arg) {
				cmd->label_del_all = true;
				return 0;
			}
		}
		return add_label_arg(cmd, c == 'l' ? 0 : c == '<' ? 1 : 2, arg);
	case 'M':
		if (p->ctx->labelmap_given)
			return ct_perr("option `--labelmap' can only be specified once");
		p->ctx->labelmap_given = true;
		cmd->options |= O(OPT_LABELMAP);
		snprintf(p->ctx->labelmap_path, sizeof(p->ctx->labelmap_path), "%s", arg);
		return 0;
	case 'a':
		if (!p->ctx->quiet)
			fprintf(stderr, "WARNING: ignoring -%c, deprecated option.\n", c);
		return 0;
	case 'f':
		cmd->options |= O(OPT_FAMILY);
		if (!strncmp(arg, "ipv4", 4))
			return set_family(cmd, AF_INET);
		if (!strncmp(arg, "ipv6", 4))
			return set_family(cmd, AF_INET6);
		return ct_perr("`%s' unsupported protocol", arg);
	case 'b':
		cmd->options |= O(OPT_BUFFERSIZE);
		cmd->bufsize = (size_t)atol(arg);
		return 0;
	case ':':
		return ct_perr("option `%s' requires an argument", p->argv[p->go.optind - 1]);
	case '?':
		return ct_perr("unknown option `%s'", p->argv[p->go.optind - 1]);
	default:
		if (c >= PKEY_BASE && p->ctx->h)
			return opt_l4(p, c);
		return ct_perr("unknown option `%s'", p->argv[p->go.optind - 1]);
	}
}

/* ---- after the options -------------------------------------------------- */

static int resolve_labels(struct parser *p)
{
	struct ct_cmd *cmd = p->cmd;
	struct ct_parse_ctx *ctx = p->ctx;
	uint8_t *dst[3] = { cmd->label_match, cmd->label_add, cmd->label_del };
	char name[1024];

	bool named = cmd->options & (O(OPT_LABEL) | O(OPT_ADD_LABEL) | O(OPT_DEL_LABEL)) ||
		     (ctx->output & PRINT_LABELS);

	/* -o save names labels too (--label-add), quietly: upstream loads no map for it */
	if (!named && !(ctx->output & PRINT_SAVE))
		return 0;
	if (!ctx->map) {
		const char *path = ctx->labelmap_given ? ctx->labelmap_path : LABELMAP_DEFAULT;

		ctx->map = labelmap_load(path);
		if (!ctx->map && !ctx->quiet && named)
			fprintf(stderr, "nfct_labelmap_new: %s\n", errstr(errno));
	}
	cmd->map = ctx->map;
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < cmd->nlabel_args[k]; i++) {
			const char *s = cmd->label_args[k][i];

			for (;;) {
				size_t len = strcspn(s, ",");
				int bit;

				snprintf(name, sizeof(name), "%.*s", (int)len, s);
				bit = ctx->map ? labelmap_bit(ctx->map, name) : -1;
				if (bit < 0)
					return ct_perr("unknown label '%s'", name);
				/*
				 * The kernel cannot store such a bit: a filter on it
				 * matches nothing, a change of it is refused.
				 */
				if (bit < CT_LABELS_BYTES * 8)
					ct_label_set(dst[k], (unsigned int)bit);
				else if (k == 0)
					cmd->label_match_impossible = true;
				else
					cmd->label_change_impossible = true;
				if (!s[len])
					break;
				s += len + 1;
			}
		}
	}
	if (cmd->options & O(OPT_ADD_LABEL)) {
		memcpy(cmd->tmpl.labels, cmd->label_add, CT_LABELS_BYTES);
		cmd->tmpl.labels_len = CT_LABELS_BYTES;
		ct_set(&cmd->tmpl, CT_LABELS);
	}
	return 0;
}

/* Protocols whose tuples carry two ports (or GRE keys) that upstream always sends. */
static bool has_ports(int proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33 ||
	       proto == 47;
}

static bool is_icmp(int proto)
{
	return proto == 1 || proto == 58;
}

/*
 * A tuple as libnetfilter_conntrack sends it: the protocol's fields are
 * always there (ports, or ICMP type/code/id), zero when not given.
 */
static void complete_tuple(struct ct_tuple *t, const struct ct_cmd *cmd)
{
	/* an address family on a tuple means both addresses go out (0.0.0.0 if not given) */
	if (t->present & (CT_T_SRC | CT_T_DST))
		t->present |= CT_T_SRC | CT_T_DST;
	t->l3 = cmd->family;
	t->l4 = (uint8_t)cmd->proto;
	t->present |= CT_T_PROTO;
	if (has_ports(cmd->proto))
		t->present |= CT_T_SPORT | CT_T_DPORT;
	if (is_icmp(cmd->proto))
		t->present |= CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID;
}

/* The other direction of a tuple (the library's "setup reply/original"). */
static void swap_tuple(struct ct_tuple *to, const struct ct_tuple *from)
{
	uint16_t zone = to->zone, keep = to->present & CT_T_ZONE;
	struct ct_tuple icmp = *to; /* ICMP fields are always parsed into orig: keep them */

	memset(to, 0, sizeof(*to));
	to->icmp_type = icmp.icmp_type;
	to->icmp_code = icmp.icmp_code;
	to->icmp_id = icmp.icmp_id;
	to->l3 = from->l3;
	to->l4 = from->l4;
	to->present = keep | (from->present & ~(CT_T_ZONE | CT_T_SRC | CT_T_DST));
	to->zone = zone;
	to->src = from->dst;
	to->dst = from->src;
	to->sport = from->dport;
	to->dport = from->sport;
	if (from->present & CT_T_SRC)
		to->present |= CT_T_DST;
	if (from->present & CT_T_DST)
		to->present |= CT_T_SRC;
}

/* Protocols with their own handler; the rest take the generic one, which copies the number. */
static bool builtin_l4(int proto)
{
	switch (proto) {
	case 1:
	case 6:
	case 17:
	case 33:
	case 47:
	case 58:
	case 132:
	case 136:
		return true;
	}
	return false;
}

/* -I/-A: both tuples complete, as the library builds them before sending. */
static void create_tuples(struct ct_cmd *cmd)
{
	struct ct *t = &cmd->tmpl;
	bool orig = cmd->options & (O(OPT_SRC) | O(OPT_DST));
	bool repl = cmd->options & (O(OPT_REPL_SRC) | O(OPT_REPL_DST));

	/* only reply ports/keys, or an ICMP option after -r/-q, set it */
	bool rproto = t->reply.present & CT_T_PROTO;
	/*
	 * Upstream drops --reply-port-* when NAT is given without a port, so its own
	 * -o save of a port-mapping NAT entry restores with the ports unmapped (ctbox
	 * fix): those ports become the NAT ports, as -g ADDR:PORT would.
	 */
	bool rsport = (t->reply.present & CT_T_SPORT) && has_ports(cmd->proto);
	bool rdport = (t->reply.present & CT_T_DPORT) && has_ports(cmd->proto);
	uint16_t rs = t->reply.sport, rd = t->reply.dport;

	complete_tuple(&t->orig, cmd);
	complete_tuple(&t->reply, cmd);
	/* upstream: orig only -> reply from orig (given reply ports are overwritten); and back */
	if (orig && !repl) {
		swap_tuple(&t->reply, &t->orig);
	} else if (!orig && repl) {
		swap_tuple(&t->orig, &t->reply);
	} else if (!rproto && builtin_l4(cmd->proto)) {
		/*
		 * Both directions given and no reply port (or ICMP options given
		 * before -r/-q): the library sends the reply with protocol 0 and
		 * no layer-4 fields, which the kernel refuses.
		 */
		t->reply.l4 = 0;
		t->reply.present &=
			~(CT_T_SPORT | CT_T_DPORT | CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID);
	}
	if (is_icmp(cmd->proto) && t->reply.l4) {
		/* the library derives the reply's type from the original's (echo 8 -> reply 0) */
		t->reply.icmp_type = ct_icmp_reply_type(t->orig.l4, t->orig.icmp_type);
		t->reply.icmp_code = t->orig.icmp_code;
		t->reply.icmp_id = t->orig.icmp_id;
	}
	ct_set(t, CT_ORIG);
	ct_set(t, CT_REPLY);
	if (cmd->options & O(OPT_MARK))
		ct_unset(t, CT_MARK_MASK); /* -I sets the value; the mask means nothing here */
	if (cmd->snat.has_addr || cmd->snat.has_port) {
		t->snat.l3 = cmd->snat.family ? cmd->snat.family : cmd->family;
		t->snat.min_ip = t->snat.max_ip = cmd->snat.addr;
		t->snat.has_port = cmd->snat.has_port;
		t->snat.min_port = t->snat.max_port = cmd->snat.port;
		if (!cmd->snat.has_port && rdport && rd != t->orig.sport) {
			t->snat.has_port = true;
			t->snat.min_port = t->snat.max_port = rd;
		}
		ct_set(t, CT_NAT_SRC);
	}
	if (cmd->dnat.has_addr || cmd->dnat.has_port) {
		t->dnat.l3 = cmd->dnat.family ? cmd->dnat.family : cmd->family;
		t->dnat.min_ip = t->dnat.max_ip = cmd->dnat.addr;
		t->dnat.has_port = cmd->dnat.has_port;
		t->dnat.min_port = t->dnat.max_port = cmd->dnat.port;
		if (!cmd->dnat.has_port && rsport && rs != t->orig.dport) {
			t->dnat.has_port = true;
			t->dnat.min_port = t->dnat.max_port = rs;
		}
		ct_set(t, CT_NAT_DST);
	}
}

/* -G: the tuples it sends, complete like -I's but nothing derived. */
static void get_tuples(struct ct_cmd *cmd)
{
	struct ct *t = &cmd->tmpl;

	if (cmd->options & (O(OPT_SRC) | O(OPT_DST)))
		complete_tuple(&t->orig, cmd);
	if (cmd->options & (O(OPT_REPL_SRC) | O(OPT_REPL_DST))) {
		complete_tuple(&t->reply, cmd);
		ct_set(t, CT_REPLY);
	}
}

static void fill_exp(struct ct_cmd *cmd)
{
	struct ct_exp *e = &cmd->exp;

	e->family = cmd->family;
	e->master = cmd->tmpl.orig;
	if (cmd->proto >= 0) {
		complete_tuple(&e->master, cmd);
		complete_tuple(&e->tuple, cmd);
		complete_tuple(&e->mask, cmd);
		cmd->tmpl.orig = e->master; /* same tuple, for executors that send tmpl */
	}
	ct_exp_set(e, CT_EXP_MASTER);
	if (cmd->command == CMD_EXP_CREATE) {
		ct_exp_set(e, CT_EXP_TUPLE);
		ct_exp_set(e, CT_EXP_MASK);
	}
}

static int post_checks(struct parser *p)
{
	struct ct_cmd *cmd = p->cmd;
	int partial = -1, ret;
	bool json_only = false;

	/* 1.4.9: only the listing/modifying conntrack commands default to "all families" */
	if (cmd->family == AF_UNSPEC) {
		switch (cmd->command) {
		case CMD_CT_LIST:
		case CMD_CT_UPDATE:
		case CMD_CT_DELETE:
		case CMD_CT_GET:
		case CMD_CT_FLUSH:
		case CMD_CT_EVENT:
			break;
		default:
			cmd->family = AF_INET;
		}
	}
	TRY(resolve_labels(p));
	if ((cmd->options & O(OPT_ANY_NAT)) && (cmd->options & (O(OPT_SRC_NAT) | O(OPT_DST_NAT))))
		return ct_perr("cannot specify `--src-nat' or `--dst-nat' with `--any-nat'");

	if (cmd->command == CMD_NONE) {
		/* upstream reads past its matrix here; what it shows is "first option is illegal" */
		for (int i = 0; i < OPT_MAX; i++)
			if (cmd->options & O(i))
				return ct_perr("Illegal option `--%s' with this command",
					       optflags[i]);
		return 0;
	}
	/* ctbox extension: the counters and statistics commands take -o json (and nothing else). */
	switch (cmd->command) {
	case CMD_CT_COUNT:
	case CMD_EXP_COUNT:
	case CMD_CT_STATS:
	case CMD_EXP_STATS:
		if ((cmd->options & O(OPT_OUTPUT)) && cmd->output == PRINT_JSON)
			json_only = true;
		break;
	default:
		break;
	}
	ret = ct_opt_check(cmd->options & ~(json_only ? O(OPT_OUTPUT) : 0), OPT_MAX,
			   cmd_matrix[cmd->command], optflags, O(OPT_SRC) | O(OPT_DST),
			   O(OPT_REPL_SRC) | O(OPT_REPL_DST), &partial);
	if (ret > 0)
		return ret;
	if (ret < 0)
		return ct_perr(partial == 1 ? "you have to specify `--reply-src' and `--reply-dst'"
					    : "you have to specify `--src' and `--dst'");
	if (cmd->command != CMD_HELP && p->ctx->h)
		TRY(ct_proto_final(p->ctx->h, cmd));
	return 0;
}

void ct_ctx_init(struct ct_parse_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void ct_ctx_free(struct ct_parse_ctx *ctx)
{
	if (ctx->map)
		labelmap_free(ctx->map);
	ctx->map = NULL;
}

int ct_args_parse_ctx(struct ct_parse_ctx *ctx, int argc, char **argv, struct ct_cmd *cmd)
{
	struct parser *p;
	int c, ret = 0;

	memset(cmd, 0, sizeof(*cmd));
	cmd->command = CMD_NONE;
	cmd->proto = -1;
	cmd->mark_mask = UINT32_MAX;
	cmd->argv0 = argc > 0 ? argv[0] : "conntrack";

	/* the option table is big for a stack frame in a small-stack libc */
	/* Every field is set below; clearing the whole option table per parse is what -R pays for. */
	p = malloc(sizeof(*p));
	if (!p)
		return ct_oerr("out of memory");
	p->ctx = ctx;
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	go_init(&p->go);
	longs_init(p);

	while ((c = go_next(&p->go, argc, argv, shorts, p->longs)) != -1) {
		ret = opt_one(p, c);
		if (ret)
			goto out;
	}
	cmd->output = ctx->output;
	ret = post_checks(p);
	if (ret)
		goto out;
	cmd->h = ctx->h;
	if (ctx->labelmap_given)
		cmd->labelmap_path = ctx->labelmap_path;
	if (cmd->command == CMD_CT_CREATE || cmd->command == CMD_CT_ADD)
		create_tuples(cmd);
	else if (cmd->command == CMD_CT_GET)
		get_tuples(cmd);
	else if (cmd->options & (O(OPT_SRC) | O(OPT_DST)))
		cmd->tmpl.orig.l3 = cmd->family;
	if (cmd->command >= CMD_EXP_LIST && cmd->command <= CMD_EXP_EVENT)
		fill_exp(cmd);
	cmd->tmpl.family = cmd->family;
out:
	free(p);
	return ret;
}

int ct_args_parse(int argc, char **argv, struct ct_cmd *cmd)
{
	static struct ct_parse_ctx ctx;

	return ct_args_parse_ctx(&ctx, argc, argv, cmd);
}

int ct_args_check(struct ct_cmd *cmd)
{
	bool net = false;

	switch (cmd->command) {
	case CMD_CT_LIST:
		if (cmd->table != TABLE_CONNTRACK)
			return 0;
		if ((cmd->options & CT_COMPARISON) && (cmd->options & O(OPT_ZERO)))
			return ct_perr("Can't use -z with filtering parameters");
		net = true;
		break;
	case CMD_CT_UPDATE:
	case CMD_CT_DELETE:
	case CMD_CT_EVENT:
		net = true;
		break;
	default:
		break;
	}
	if (!net)
		return 0;
	if ((cmd->options & O(OPT_MASK_SRC)) && !(cmd->options & O(OPT_SRC)))
		return ct_perr("Can't use --mask-src without --src");
	if ((cmd->options & O(OPT_MASK_DST)) && !(cmd->options & O(OPT_DST)))
		return ct_perr("Can't use --mask-dst without --dst");
	cmd->net_filter = true;
	return 0;
}
