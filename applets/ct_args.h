/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrack applet: argv -> struct ct_cmd (upstream-compatible parsing and checks). */
#ifndef CTBOX_APPLETS_CT_ARGS_H
#define CTBOX_APPLETS_CT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proto/ct.h"

struct labelmap;

/* Commands, numbered as upstream numbers its command bits (the matrices are indexed by them). */
enum ct_command {
	CMD_CT_LIST = 0,
	CMD_CT_CREATE = 1,
	CMD_CT_UPDATE = 2,
	CMD_CT_DELETE = 3,
	CMD_CT_GET = 4,
	CMD_CT_FLUSH = 5,
	CMD_CT_EVENT = 6,
	CMD_VERSION = 7,
	CMD_HELP = 8,
	CMD_EXP_LIST = 9,
	CMD_EXP_CREATE = 10,
	CMD_EXP_DELETE = 11,
	CMD_EXP_GET = 12,
	CMD_EXP_FLUSH = 13,
	CMD_EXP_EVENT = 14,
	CMD_CT_COUNT = 15,
	CMD_EXP_COUNT = 16,
	CMD_CT_STATS = 17,
	CMD_EXP_STATS = 18,
	CMD_CT_ADD = 19,
	CMD_NONE = 31,
};

enum ct_table { TABLE_CONNTRACK, TABLE_EXPECT, TABLE_DYING, TABLE_UNCONFIRMED };

/* Option bits, in upstream's scan order (the order the legality check reports in). */
enum ct_opt {
	OPT_SRC, OPT_DST, OPT_REPL_SRC, OPT_REPL_DST, OPT_PROTO, OPT_TIMEOUT, OPT_STATUS,
	OPT_ZERO, OPT_EVENT_MASK, OPT_TUPLE_SRC, OPT_TUPLE_DST, OPT_MASK_SRC, OPT_MASK_DST,
	OPT_NATRANGE, OPT_MARK, OPT_ID, OPT_FAMILY, OPT_SRC_NAT, OPT_DST_NAT, OPT_OUTPUT,
	OPT_SECMARK, OPT_BUFFERSIZE, OPT_ANY_NAT, OPT_ZONE, OPT_LABEL, OPT_ADD_LABEL,
	OPT_DEL_LABEL, OPT_ORIG_ZONE, OPT_REPL_ZONE, OPT_LABELMAP,
	OPT_MAX
};

/* A NAT filter/request from -n/-g/-j: address and/or port. */
struct ct_natarg {
	bool set;		/* option given */
	bool has_addr, has_port;
	uint8_t family;
	union ct_addr addr;
	uint16_t port;		/* host order */
};

struct ct_cmd {
	enum ct_command command;
	enum ct_table table;
	uint64_t options;		/* 1 << enum ct_opt */
	uint32_t proto_options;		/* bits of the protocol handler's own options, in its order */
	uint8_t family;			/* AF_UNSPEC, AF_INET, AF_INET6 after defaults */
	int proto;			/* -p number, -1 if not given */

	/*
	 * Values from the command line. For filters: what to compare. For
	 * -I/-A/-U: what to set. tmpl.orig/reply hold -s/-d/-r/-q and ports,
	 * tmpl.status/timeout/mark/zone/protoinfo/labels the meta values.
	 */
	struct ct tmpl;
	/* --mask-src/--mask-dst (or CIDR): network masks for orig src/dst. */
	union ct_addr mask_src, mask_dst;
	/* Expectation commands: --tuple-* (expected tuple), --mask-* (mask tuple), -s/-d as master. */
	struct ct_exp exp;

	uint32_t mark, mark_mask;	/* -m VALUE[/MASK]; mask 0xffffffff if omitted */
	uint32_t status, status_mask;	/* -u as value/mask for the kernel filter */
	uint32_t id;
	uint32_t secmark;
	uint32_t output;		/* PRINT_* flags of core/print.h */
	uint32_t event_mask;		/* legacy group bitmask for -E */
	size_t bufsize;			/* -b */
	struct ct_natarg snat, dnat;	/* -n, -g; -j sets both and OPT_ANY_NAT */

	/* Labels: -l (all must be set), --label-add, --label-del (del with no names: all). */
	uint8_t label_match[CT_LABELS_BYTES];
	uint8_t label_add[CT_LABELS_BYTES];
	uint8_t label_del[CT_LABELS_BYTES];
	bool label_del_all;
	const char *labelmap_path;	/* --labelmap, else NULL for the default */
	struct labelmap *map;		/* loaded when labels are used or -o labels */

	const char *argv0;		/* for the usage text */
};

/* Error kinds, as upstream's exit codes. */
enum ct_errkind { CT_OTHER_PROBLEM = 1, CT_PARAMETER_PROBLEM = 2 };

/*
 * Parse argv into *cmd (zeroed first) and run every check upstream runs
 * before a command executes (matrices, pair rules, label resolution).
 * Returns 0, or an enum ct_errkind after printing the message (with the
 * prefix and, for parameter problems, the try-help line) to stderr.
 * Warnings (SRC_NAT, -a) are printed as they are met.
 */
int ct_args_parse(int argc, char **argv, struct ct_cmd *cmd);

/* The usage text for -h (and no command), with the -p protocol's help if any. */
void ct_args_usage(const struct ct_cmd *cmd);

/* Print "conntrack v1.4.9 (conntrack-tools): " + message (+ try line for parameter problems). */
void ct_err(enum ct_errkind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The prefix alone (for summary lines). */
extern const char ct_prefix[];

/*
 * Userspace filter of upstream's -L/-D/-E/-G (NAT, mark, labels, network,
 * template comparison, in that order). Returns true if ct passes.
 */
bool ct_filter_match(const struct ct_cmd *cmd, const struct ct *ct);

#endif
