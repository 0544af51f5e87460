/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz harness interface: libFuzzer's entry point, shared by libFuzzer and the replay driver. */
#ifndef CTBOX_TEST_FUZZ_H
#define CTBOX_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Run one input; always returns 0. A crash, sanitizer report or abort() is the failure. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Tokens the replay driver's mutator may insert (NULL-terminated; may be
 * empty). libFuzzer gets the same words from the generated -dict file.
 */
extern const char *const fuzz_dict[];

/* A broken invariant is a finding: say which and abort (every fuzzer keeps the input). */
static inline __attribute__((noreturn)) void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz invariant broken: %s\n", what);
	abort();
}

#endif
