// SPDX-License-Identifier: GPL-2.0-or-later
/* Option scanner with glibc getopt_long's observable behaviour, independent of the libc. */
#include <stdlib.h>
#include <string.h>

#include "applets/ct_getopt.h"

void go_init(struct go_state *st)
{
	/* -R parses every line: look the environment up once per process. */
	static int posix = -1;

	if (posix < 0)
		posix = getenv("POSIXLY_CORRECT") != NULL;
	memset(st, 0, sizeof(*st));
	st->optind = 1;
	st->first_nonopt = 1;
	st->last_nonopt = 1;
	st->posix = posix;
}

static bool nonopt(const char *s)
{
	return s[0] != '-' || s[1] == '\0';
}

static void reverse(char **argv, int a, int b)
{
	for (b--; a < b; a++, b--) {
		char *t = argv[a];

		argv[a] = argv[b];
		argv[b] = t;
	}
}

/* Move the skipped words [first_nonopt, last_nonopt) behind the options read since. */
static void exchange(struct go_state *st, char **argv)
{
	int bottom = st->first_nonopt, middle = st->last_nonopt, top = st->optind;

	reverse(argv, bottom, middle);
	reverse(argv, middle, top);
	reverse(argv, bottom, top);
	st->first_nonopt += top - middle;
	st->last_nonopt = top;
}

static int long_opt(struct go_state *st, int argc, char **argv, const struct go_long *longs)
{
	const char *name = argv[st->optind] + 2;
	size_t len = strcspn(name, "=");
	const struct go_long *found = NULL;
	bool ambig = false;

	st->optelem = st->optind;
	for (const struct go_long *p = longs; p->name; p++) {
		if (p->name[0] != name[0] || strncmp(p->name, name, len))
			continue;
		if (strlen(p->name) == len) {
			found = p;
			ambig = false;
			break;
		}
		if (!found)
			found = p;
		else if (found->has_arg != p->has_arg || found->val != p->val)
			ambig = true;
	}
	st->optind++;
	st->optopt = 0;
	if (!found || ambig)
		return '?';
	st->optopt = found->val;
	if (name[len] == '=') {
		if (found->has_arg == GO_NO_ARG)
			return '?';
		st->optarg = name + len + 1;
	} else if (found->has_arg == GO_REQ_ARG) {
		if (st->optind >= argc)
			return ':';
		st->optarg = argv[st->optind++];
	}
	return found->val;
}

int go_next(struct go_state *st, int argc, char **argv, const char *shorts,
	    const struct go_long *longs)
{
	const char *t;
	char c;

	st->optarg = NULL;
	if (!st->next || !*st->next) {
		st->next = NULL;
		/* the caller may have moved optind (it consumes table names) */
		if (st->last_nonopt > st->optind)
			st->last_nonopt = st->optind;
		if (st->first_nonopt > st->optind)
			st->first_nonopt = st->optind;
		if (!st->posix) {
			if (st->first_nonopt != st->last_nonopt && st->last_nonopt != st->optind)
				exchange(st, argv);
			else if (st->last_nonopt != st->optind)
				st->first_nonopt = st->optind;
			while (st->optind < argc && nonopt(argv[st->optind]))
				st->optind++;
			st->last_nonopt = st->optind;
		}
		if (st->optind != argc && !strcmp(argv[st->optind], "--")) {
			st->optind++;
			if (st->first_nonopt != st->last_nonopt && st->last_nonopt != st->optind)
				exchange(st, argv);
			else if (st->first_nonopt == st->last_nonopt)
				st->first_nonopt = st->optind;
			st->last_nonopt = argc;
			st->optind = argc;
		}
		if (st->optind >= argc) {
			if (st->first_nonopt != st->last_nonopt)
				st->optind = st->first_nonopt;
			return -1;
		}
		if (nonopt(argv[st->optind]))
			return -1; /* only reached in POSIX mode */
		if (argv[st->optind][1] == '-')
			return long_opt(st, argc, argv, longs);
		st->next = argv[st->optind] + 1;
	}

	st->optelem = st->optind;
	c = *st->next++;
	t = c ? strchr(shorts, c) : NULL;
	if (!*st->next)
		st->optind++;
	if (!t || c == ':' || c == ';') {
		st->optopt = (unsigned char)c;
		return '?';
	}
	if (t[1] == ':') {
		if (t[2] == ':') {
			if (*st->next) {
				st->optarg = st->next;
				st->optind++;
			}
		} else if (*st->next) {
			st->optarg = st->next;
			st->optind++;
		} else if (st->optind >= argc) {
			st->optopt = (unsigned char)c;
			st->next = NULL;
			return ':';
		} else {
			st->optarg = argv[st->optind++];
		}
		st->next = NULL;
	}
	return (unsigned char)c;
}
