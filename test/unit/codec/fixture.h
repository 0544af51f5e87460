/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Codec tests: load a captured reply stream and split it into netlink messages. */
#ifndef CTBOX_TEST_CODEC_FIXTURE_H
#define CTBOX_TEST_CODEC_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#define FIX_MAX_MSGS 256

struct fixture {
	uint8_t *data; /* whole file, malloc'd */
	size_t len;
	size_t n;
	size_t off[FIX_MAX_MSGS]; /* message starts */
};

/* Load dir/name; exits the test (code 1) with a message if the file is missing or malformed. */
void fix_load(struct fixture *f, const char *dir, const char *name);
void fix_free(struct fixture *f);
/* Read a whole text file into a malloc'd NUL-terminated string (caller frees). */
char *fix_text(const char *dir, const char *name, size_t *len);

#endif
