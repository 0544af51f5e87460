/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd's Filter { Protocol, Address, State }: which conntracks the daemon handles. */
#ifndef CTBOX_CORE_FILTER_H
#define CTBOX_CORE_FILTER_H

#include <stdbool.h>

struct cfg_filter;
struct ct;
struct ct_exp;

/*
 * True if ct passes every configured kind: Protocol (original l4),
 * Address (original source or reply source, by prefix), State (TCP
 * entries that carry a state). A kind not configured passes.
 */
bool filter_ct(const struct cfg_filter *f, const struct ct *ct);

/*
 * Expectations: the helper must be in the list (case-insensitive prefix,
 * as upstream); an empty list accepts every helper.
 */
bool filter_exp_helper(const char (*list)[16], unsigned int n, const struct ct_exp *e);

#endif
