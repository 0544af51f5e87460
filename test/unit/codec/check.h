/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The codec tests' assertion: count, and on failure say where and why, then go on. */
#ifndef CTBOX_TEST_CODEC_CHECK_H
#define CTBOX_TEST_CODEC_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond, ...) \
	do { \
		checks++; \
		if (!(cond)) { \
			failures++; \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

#endif
