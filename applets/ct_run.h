/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrack applet internals shared by the command runners (ct_run*.c). */
#ifndef CTBOX_APPLETS_CT_RUN_H
#define CTBOX_APPLETS_CT_RUN_H

#include <stdint.h>
#include "applets/ct_args.h"
#include "core/out.h"
#include "core/print.h"
#include "proto/ctnl.h"

struct nl;

/* Per-run state: the sockets and the stdout buffer. */
struct ct_ctx {
	struct nl *nl;	/* main socket, opened before parsing (upstream order) */
	struct nl *mod; /* second socket for per-entry changes during a dump, lazy */
	struct out out;
	unsigned int count; /* entries processed, for the summary line */
	int xml_open;	    /* xml header printed */
	int batch;	    /* -R: no summaries, zero matches are fine */
	struct print_opts po;
	char *nlbuf; /* request buffer, NLBUF_SIZE bytes */
};

#define NLBUF_SIZE 8192
#define CT_OUTBUF_SIZE (64 * 1024)

/* Kernel error -> upstream's message for that command (err is positive errno). */
const char *ct_err2str(int err, enum ct_command cmd);
/* "Operation failed: <err2str>" as an other-problem error; returns 1. */
int ct_fail(struct ct_ctx *c, int err, enum ct_command cmd);
/* Summary line "<prefix><n> <what>" on stderr. */
void ct_summary(unsigned int n, const char *what);

int ct_open_mod(struct ct_ctx *c);
/* CPUs this process may run on (taskset and cpusets included): picks the threaded paths. */
int ct_cpus(void);
/* CTBOX_KFILTER=0 in the environment: every filter stays in userspace (tests compare both). */
int ct_kfilter_off(void);
/* Malformed messages are skipped and counted; say how many, once, at the end. */
void ct_report_bad(unsigned int bad);
/* Print a counter (-C): the number, or {"entries":N[,"max-entries":M]} with -o json. */
void ct_count_out(struct ct_ctx *c, unsigned long entries, unsigned long max);

/* Entry point: run cmd on the main socket nl; returns the process exit code. */
int ct_run(struct ct_cmd *cmd, struct nl *nl);
/* -R: no summary lines, and zero matches are not an error. */
void ct_run_batch_mode(int on);
/* Upstream's -U selection (NAT, labels, network, id, then loose tuple compare). */
bool ct_filter_match_update(const struct ct_cmd *cmd, const struct ct *ct);

int ct_run_modify(struct ct_cmd *cmd, struct ct_ctx *c); /* -I -A -U */
int ct_run_delete(struct ct_cmd *cmd, struct ct_ctx *c); /* -D */
int ct_run_event(struct ct_cmd *cmd, struct ct_ctx *c);	 /* -E */
int ct_run_expect(struct ct_cmd *cmd, struct ct_ctx *c); /* every expect-table command */
/*
 * Fill a kernel dump filter for -L/-D from the command for a dump of family
 * (tuple filters need one): a superset of the userspace filter.
 */
void ct_kernel_filter(const struct ct_cmd *cmd, uint8_t family, struct ctnl_filter *f,
		      int with_status);

#endif
