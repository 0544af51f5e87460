/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printers for conntrack entries, expectations and statistics: text, xml, json. */
#ifndef CTBOX_CORE_PRINT_H
#define CTBOX_CORE_PRINT_H

#include <stdint.h>
#include <time.h>
#include "proto/ct.h"

struct out;
struct labelmap;

/* Output flags (what -o selects). */
enum {
	PRINT_XML = 1 << 0,
	PRINT_EXTENDED = 1 << 1,
	PRINT_TIMESTAMP = 1 << 2, /* event/expect prefix or <when> */
	PRINT_ID = 1 << 3,
	PRINT_KTIMESTAMP = 1 << 4,
	PRINT_LABELS = 1 << 5,
	PRINT_USERSPACE = 1 << 6,
	PRINT_SAVE = 1 << 7,
	PRINT_JSON = 1 << 8,
};

struct print_opts {
	uint32_t flags;
	const struct labelmap *map; /* NULL: labels are not printed */
	time_t now;		    /* for delta-time; caller sets once per run or per event */
	/* For events with PRINT_TIMESTAMP: the moment to print (from the kernel or gettimeofday). */
	int64_t ts_sec;
	int32_t ts_usec;
	/* For events: nlmsg_pid of the message (0 = kernel caused it) and the program name if known. */
	uint32_t portid;
	const char *progname;
	/* Text lines: appended after a space before the newline (conntrackd's "[active since Ns]"). */
	const char *suffix;
};

/*
 * Print one conntrack entry as one line (text: the upstream default format;
 * xml: one <flow> element; json: one object, see doc/json.md) followed by '\n'.
 * kind != CT_MSG_UNKNOWN adds the event prefix/type. save: the "-o save"
 * command line, with prefix "-A", "-U" or "-D" chosen by the caller via kind
 * (NEW/UNKNOWN -> -A, UPDATE -> -U, DESTROY -> -D). So `-D -o save` passes
 * CT_MSG_DESTROY while plain `-D` text passes CT_MSG_UNKNOWN (no "[DESTROY]").
 * PRINT_TIMESTAMP is honoured only for events (kind != UNKNOWN): text/save get
 * the "[sec.usec]\t" prefix from po->ts_sec/ts_usec, xml a <when> element of
 * po->ts_sec in local time. " [USERSPACE] portid=N[ progname=S]" is appended
 * (not in xml, as 1.4.9) when po->portid != 0.
 * Returns 0, or -EAFNOSUPPORT for save output of an entry whose family is
 * neither IPv4 nor IPv6: nothing is written and the caller reports
 * "WARNING: unsupported l3proto %d, skipping." with print_ct_l3proto(ct).
 * Output errors are sticky in o->err.
 */
int print_ct(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po);

/* The layer-3 family save output uses: original tuple's, else the reply's, else ct->family. */
int print_ct_l3proto(const struct ct *ct);

/* XML document framing for -L/-E: header and footer lines. */
void print_xml_header(struct out *o, const char *root); /* "conntrack" or "expect" */
void print_xml_footer(struct out *o, const char *root);

/*
 * One expectation line (text, xml or json), with event prefix if kind is set.
 * Text with PRINT_TIMESTAMP gets upstream's "[%-8ld.%-6ld]\t" prefix (space
 * padded, unlike conntrack events) for listings and events alike.
 */
void print_exp(struct out *o, const struct ct_exp *e, enum ct_msg kind,
	       const struct print_opts *po);

/* One -S line: "cpu=%-4u\t" + name=value pairs (conntrack or expect subsystem). */
void print_stats_cpu(struct out *o, const struct ct_stats *st, int expect);
/* The same counters as one JSON object per line: {"cpu":N,"found":N,...}. */
/* One cpu as a JSON object, no newline: the caller frames the document. */
void print_stats_json(struct out *o, const struct ct_stats *st, int expect);
/* Name of statistics attribute type (CTA_STATS_* / CTA_STATS_EXP_*), "unknownN" past the known ones, NULL for 0/out of range. */
const char *print_stats_name(unsigned int type, int expect);

#endif
