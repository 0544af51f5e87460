/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrack applet: layer-4 protocol handlers (-p): options, checks, help. */
#ifndef CTBOX_APPLETS_CT_PROTO_H
#define CTBOX_APPLETS_CT_PROTO_H

#include <stdint.h>

struct ct_cmd;
struct go_long;

#define CT_PROTO_MAXOPT 12
#define CT_NCOMMANDS 20

struct ct_proto {
	const char *name; /* NULL for the generic handler */
	uint8_t num;
	uint8_t nopts;				  /* option bits, in the handler's check order */
	const char *const *optname;		  /* names used by the check messages */
	const struct go_long *longs;		  /* val = option bit; ends with a NULL name */
	const uint8_t (*matrix)[CT_PROTO_MAXOPT]; /* [command][bit] */
	uint32_t pair_orig, pair_reply;		  /* "3" columns: original and reply pairs */
	const char *pair_orig_msg, *pair_reply_msg;
	const char *const *help; /* lines after the "Proto `x' help:" header */
	/* Store one option's value in cmd. Returns 0 or an enum ct_errkind (message printed). */
	int (*parse)(struct ct_cmd *cmd, int bit, const char *arg);
};

/*
 * Handler for -p ARG: built-in name (any case), /etc/protocols name, or a
 * number 0..255. Returns NULL if none; *num gets the protocol number.
 */
const struct ct_proto *ct_proto_find(const char *arg, uint8_t *num);

/* Handler index (stable, < 16) for encoding option keys, and back. */
int ct_proto_index(const struct ct_proto *p);
const struct ct_proto *ct_proto_at(int index);

/*
 * The handler's checks for the parsed command (matrix, pair rule) and its
 * template side effects (TCP window flags). Returns 0 or an enum ct_errkind.
 */
int ct_proto_final(const struct ct_proto *p, struct ct_cmd *cmd);

/* Print "Proto `name' help:" and the handler's option lines to stdout. */
void ct_proto_help(const struct ct_proto *p, uint8_t num);

/* Shared with the generic option check of ct_args.c: 0 ok, else ct_errkind (message printed). */
int ct_opt_check(uint64_t have, int n, const uint8_t *row, const char *const *names, uint64_t pair0,
		 uint64_t pair1, int *partial);

#endif
