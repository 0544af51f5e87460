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
	OPT_SRC,
	OPT_DST,
	OPT_REPL_SRC,
	OPT_REPL_DST,
	OPT_PROTO,
	OPT_TIMEOUT,
	OPT_STATUS,
	OPT_ZERO,
	OPT_EVENT_MASK,
	OPT_TUPLE_SRC,
	OPT_TUPLE_DST,
	OPT_MASK_SRC,
	OPT_MASK_DST,
	OPT_NATRANGE,
	OPT_MARK,
	OPT_ID,
	OPT_FAMILY,
	OPT_SRC_NAT,
	OPT_DST_NAT,
	OPT_OUTPUT,
	OPT_SECMARK,
	OPT_BUFFERSIZE,
	OPT_ANY_NAT,
	OPT_ZONE,
	OPT_LABEL,
	OPT_ADD_LABEL,
	OPT_DEL_LABEL,
	OPT_ORIG_ZONE,
	OPT_REPL_ZONE,
	OPT_LABELMAP,
	OPT_MAX
};

/* A NAT filter/request from -n/-g/-j: address and/or port. */
struct ct_natarg {
	bool set; /* option given */
	bool has_addr, has_port;
	uint8_t family;
	union ct_addr addr;
	uint16_t port; /* host order */
};

#define CT_LABEL_ARGS 32 /* -l / --label-add / --label-del options kept per command */

struct ct_proto;

struct ct_cmd {
	enum ct_command command; /* CMD_NONE when no command was given */
	enum ct_table table;
	uint64_t options;	/* 1 << enum ct_opt */
	uint32_t proto_options; /* bits of the protocol handler's own options, in its order */
	uint8_t family;		/* AF_UNSPEC, AF_INET, AF_INET6 after defaults */
	int proto;		/* -p number, -1 if not given */
	/*
	 * The -p handler. In -R batches it persists from an earlier line when
	 * a line has no -p (upstream keeps it global), so h may be set while
	 * proto is -1. Used for -h's protocol help.
	 */
	const struct ct_proto *h;

	/*
	 * Values from the command line. For filters: what to compare. For
	 * -I/-A/-U: what to set.
	 * - tmpl.orig / tmpl.reply: -s/-d/-r/-q, ports/keys/icmp fields,
	 *   --orig-zone/--reply-zone (CT_T_ZONE). l3 = command family on both
	 *   tuples; orig.l4 = reply.l4 = -p number. CT_T_PROTO is set on orig by
	 *   -p, on reply only when a reply port/key, or an ICMP option after
	 *   -r/-q, was given (upstream's rule: the filter compares the reply
	 *   protocol only then, and -I sends it only then). For -I/-A the missing
	 *   direction is derived (swap; ICMP reply type via the echo map), so
	 *   both tuples are complete: CT_ORIG and CT_REPLY both set.
	 * - tmpl.status (+CT_STATUS): -u positive bits (OR of items).
	 * - tmpl.timeout (+CT_TIMEOUT): -t.
	 * - tmpl.mark/mark_mask (+CT_MARK, CT_MARK_MASK): -m VALUE[/MASK].
	 * - tmpl.zone (+CT_ZONE): -w. tmpl.id (+CT_ID): -i. tmpl.secmark: -c.
	 * - tmpl.tcp.state / sctp / dccp fields with their CT_* bits; TCP
	 *   window flags (+CT_TCP_FLAGS_*) whenever the handler is tcp.
	 * - tmpl.snat/dnat (+CT_NAT_SRC/CT_NAT_DST): -n/-g addresses for -I/-A.
	 * - tmpl.labels (+CT_LABELS): --label-add bits (for -I/-A).
	 */
	struct ct tmpl;
	/* --mask-src/--mask-dst (or CIDR on -s/-d): network masks for orig src/dst. */
	union ct_addr mask_src, mask_dst;
	/*
	 * Expectation commands: exp.master = -s/-d/-p/ports (for -I expect the
	 * master conntrack; for -G/-D expect the tuple upstream sends),
	 * exp.tuple = --tuple-src/dst + tuple ports/keys, exp.mask =
	 * --mask-src/dst + mask ports/keys, exp.timeout = -t. family = cmd family.
	 */
	struct ct_exp exp;

	uint32_t mark, mark_mask;     /* -m VALUE[/MASK]; mask 0xffffffff if omitted */
	uint32_t status, status_mask; /* -u as value/mask for the kernel filter (mask 0 -> value) */
	uint32_t id;
	uint32_t secmark;
	uint32_t timeout;	     /* -t (also in tmpl.timeout) */
	uint16_t zone;		     /* -w (also in tmpl.zone) */
	uint32_t output;	     /* PRINT_* flags of core/print.h */
	uint32_t event_mask;	     /* legacy group bitmask for -E */
	size_t bufsize;		     /* -b */
	struct ct_natarg snat, dnat; /* -n, -g; -j sets both and OPT_ANY_NAT */

	/* Labels: -l (all must be set), --label-add, --label-del (del with no names: all). */
	uint8_t label_match[CT_LABELS_BYTES];
	uint8_t label_add[CT_LABELS_BYTES];
	uint8_t label_del[CT_LABELS_BYTES];
	bool label_del_all;
	bool label_match_impossible;  /* -l named a bit above the kernel's 128: nothing matches */
	bool label_change_impossible; /* --label-add/--label-del named such a bit */
	const char *labelmap_path;    /* --labelmap, else NULL for the default */
	struct labelmap
		*map; /* loaded when labels are used or -o labels; owner: the parse context */

	const char *argv0; /* for the usage text */
	bool batch;	   /* a -R line: no summaries, zero matches are fine */
	bool net_filter;   /* set by ct_args_check: --mask-* / CIDR match networks */

	/* private to the parser: label option arguments, resolved after all options */
	const char *label_args[3][CT_LABEL_ARGS];
	uint8_t nlabel_args[3];
};

/* Error kinds, as upstream's exit codes. */
enum ct_errkind { CT_OTHER_PROBLEM = 1, CT_PARAMETER_PROBLEM = 2 };

/*
 * What survives from one -R line to the next, as upstream keeps it in
 * globals: accumulated -o flags, the last -p handler, the label map and
 * whether --labelmap was given. Zero it (or ct_ctx_init) before use.
 */
struct ct_parse_ctx {
	uint32_t output;
	const struct ct_proto *h;
	struct labelmap *map; /* owner: ctx, freed by ct_ctx_free */
	bool labelmap_given;
	bool quiet; /* no warnings: -R's second pass re-parses lines */
	char labelmap_path[4096];
};

void ct_ctx_init(struct ct_parse_ctx *ctx);
void ct_ctx_free(struct ct_parse_ctx *ctx);

/*
 * Parse argv into *cmd (zeroed first) and run every check upstream runs
 * before a command executes (matrices, pair rules, label resolution).
 * Returns 0, or an enum ct_errkind after printing the message (with the
 * prefix and, for parameter problems, the try-help line) to stderr.
 * Warnings (SRC_NAT, -a) are printed as they are met. argv is permuted
 * (as glibc's getopt does); cmd keeps pointers into it.
 * ct_args_parse uses a process-wide context; ct_args_parse_ctx the given one.
 */
int ct_args_parse(int argc, char **argv, struct ct_cmd *cmd);
int ct_args_parse_ctx(struct ct_parse_ctx *ctx, int argc, char **argv, struct ct_cmd *cmd);

/*
 * The checks upstream makes only when the command runs: -z with filters
 * (-L), --mask-src/--mask-dst without --src/--dst (-L -D -U -E); not for
 * the dying/unconfirmed tables. Also turns CIDR/--mask-* into the
 * network filter. Returns 0 or an enum ct_errkind (message printed).
 */
int ct_args_check(struct ct_cmd *cmd);

/* The usage text for -h (and no command), with the -p protocol's help if any. */
void ct_args_usage(const struct ct_cmd *cmd);

/*
 * Print "conntrack vX (ctbox): " + message (+ try line for parameter
 * problems); returns kind, so `return ct_perr(...)` is the exit code.
 */
int ct_err(enum ct_errkind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define ct_perr(...) ct_err(CT_PARAMETER_PROBLEM, __VA_ARGS__)
#define ct_oerr(...) ct_err(CT_OTHER_PROBLEM, __VA_ARGS__)
/* The prefix alone (for summary lines). */
extern const char ct_prefix[];

/*
 * Userspace filter of upstream's -L/-D/-E/-G (NAT, mark, labels, network,
 * template comparison, in that order). Returns true if ct passes.
 * Differs from upstream where upstream silently ignored a filter: -t for
 * -D alone, -u UNREPLIED/!X for -D, GRE keys, -c, IPv6 NAT addresses
 * (doc/differences.md).
 */
bool ct_filter_match(const struct ct_cmd *cmd, const struct ct *ct);

/*
 * -U's selection (spec 7.3): NAT, labels, network and id as above; then
 * the original tuple (if -s/-d/-p) and reply tuple (if -r/-q/-p) compared
 * on the attributes both sides have. Returns true if ct is to be updated.
 */
bool ct_filter_match_update(const struct ct_cmd *cmd, const struct ct *ct);

/*
 * The command executor (applets/ct_run.c). Runs one parsed command on nl
 * (the main socket, opened before parsing), prints entries, summaries and
 * errors itself. With cmd->batch (a -R line): no summary lines, zero
 * results are not errors. Returns the process exit code (0 = go on).
 */
struct nl;
int ct_run(struct ct_cmd *cmd, struct nl *nl);

#endif
