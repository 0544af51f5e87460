/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A getopt_long work-alike with glibc's observable behaviour (permutation, prefixes, optional args). */
#ifndef CTBOX_APPLETS_CT_GETOPT_H
#define CTBOX_APPLETS_CT_GETOPT_H

#include <stdbool.h>

enum { GO_NO_ARG, GO_REQ_ARG, GO_OPT_ARG };

struct go_long {
	const char *name;
	int has_arg; /* GO_* */
	int val;
};

/*
 * Scanner state. Zero it (go_init) before a parse. argv is permuted the way
 * glibc permutes it: options move in front of the words they skipped, so
 * argv[optind] after an option is always the next unread element.
 */
struct go_state {
	int optind;
	const char *optarg;
	int optopt;
	int optelem; /* argv index of the element the last option came from */
	/* private */
	const char *next; /* rest of a bundle of short options, or NULL */
	int first_nonopt, last_nonopt;
	bool posix; /* stop at the first non-option (POSIXLY_CORRECT) */
};

void go_init(struct go_state *st);

/*
 * Next option, as glibc's getopt_long with opterr = 0 and a short string
 * that begins with ':'. Returns the option's value, '?' for an unknown or
 * ambiguous option (or an argument given to a long option taking none),
 * ':' for a missing required argument, or -1 at the end. longs ends with a
 * NULL name; it may change between calls (protocol options are appended).
 */
int go_next(struct go_state *st, int argc, char **argv, const char *shorts,
	    const struct go_long *longs);

#endif
