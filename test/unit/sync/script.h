/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sync engine tests: timed action plans and random event loads for the simulator. */
#ifndef CTBOX_TEST_SYNC_SCRIPT_H
#define CTBOX_TEST_SYNC_SCRIPT_H

#include "sim.h"

enum act_op { A_START, A_STOP, A_CREATE, A_UPDATE, A_DELETE, A_RESYNC, A_NET };

/* One timed action: START (arg = seq0, node's cfg from the plan), event on key arg, ... */
struct act {
	uint64_t t;
	enum act_op op;
	int node;
	uint32_t arg;
};

/* A random event stream on one node: bursts of 1..5 events (one netlink read each). */
struct load {
	int node;
	uint32_t lo, hi; /* keys */
	uint32_t rate;	 /* events per second */
	uint64_t from, until;
	uint32_t acc; /* events owed, in thousandths */
};

struct plan {
	const struct act *a;
	size_t n, i;
	struct sync_cfg cfg[SIM_NODES];
	struct load load[SIM_NODES];
	int nload;
	uint32_t dup, jitter, late, late_ms; /* A_NET sets the network to these, loss = its arg */
};

/* Install plan p as sim's script. */
void plan_attach(struct sim *sim, struct plan *p);

/* The log from the first line at or after time t. */
const char *log_from(struct sim *sim, uint64_t t);

/* Compare a log with the expected lines; the times are dropped first if notime. */
int log_eq(const char *got, const char *const *want, size_t n, bool notime, const char *what);

#endif
