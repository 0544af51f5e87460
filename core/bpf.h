/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Filter From Kernelspace: conntrackd's Filter as a classic BPF program for the event socket. */
#ifndef CTBOX_CORE_BPF_H
#define CTBOX_CORE_BPF_H

#include <stdbool.h>

struct cfg_filter;
struct sock_filter;

/*
 * Write into prog[max] a socket filter for a ctnetlink event socket that
 * drops the conntrack events filter_ct(f) rejects, so they never reach
 * userspace. It decides as filter_ct does on the attributes it finds (a
 * missing protocol number reads 0, a missing reply tuple or TCP state does
 * not match), except that an entry without an original source address is
 * not judged by Address (the daemon's sanity check drops it) and destroy
 * events are not judged by State (the daemon lets a tracked flow leave
 * through a state-rejected destroy). Messages other than conntrack NEW and
 * DELETE (expectations, errors) pass. *complete is false when the Address
 * kind did not fit in max instructions and was left out: the caller must
 * then still run filter_ct on what arrives. Returns the program length,
 * -EINVAL when f configures no kind, or -ENOSPC when nothing worth running
 * fits (Address alone too long, or max too small for the other kinds).
 */
int bpf_build(const struct cfg_filter *f, struct sock_filter *prog, unsigned int max,
	      bool *complete);

#endif
