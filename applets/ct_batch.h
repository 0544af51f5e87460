/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrack applet: -R / --load-file. */
#ifndef CTBOX_APPLETS_CT_BATCH_H
#define CTBOX_APPLETS_CT_BATCH_H

struct nl;

/*
 * Run the batch in file ("-" is standard input) on nl, all-or-nothing as
 * upstream: every line is parsed and checked before the first one runs.
 * A pipe is held in memory between the passes (no temporary file).
 * Messages go to stderr; returns the process exit code.
 */
int ct_batch_run(const char *file, const char *prog, struct nl *nl);

#endif
