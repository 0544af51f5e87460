/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd's daemon: start-up, the event loop, requests, shutdown. */
#ifndef CTBOX_CORE_DAEMON_H
#define CTBOX_CORE_DAEMON_H

#include <stdbool.h>

struct cfg;

/* The control socket used when conntrackd.conf has no UNIX { Path }. */
#define DAEMON_DEFAULT_SOCKET "/var/run/conntrackd.ctl"

/*
 * Run the daemon with cfg (which must outlive it). background: -d, fork
 * once initialised. Returns the process's exit status: 0 after a clean
 * shutdown (in the -d parent: as soon as the child runs), 1 when the
 * daemon cannot start (the reason is logged).
 */
int daemon_run(const struct cfg *cfg, bool background);

#endif
