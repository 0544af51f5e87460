/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Request-builder cases shared by the golden-byte test and the real-kernel test. */
#ifndef CTBOX_TEST_CODEC_BUILD_CASES_H
#define CTBOX_TEST_CODEC_BUILD_CASES_H

#include <stddef.h>
#include <stdint.h>

struct build_case {
	const char *name;
	const char *hex; /* golden bytes, lower-case hex */
	int (*build)(void *buf, size_t len);
	int kernel_err;	 /* what the kernel answers in the netns test (0 or -errno) */
	int kernel_msgs; /* data messages in the answer, -1: any */
};

extern const struct build_case build_cases[];
extern const size_t n_build_cases;

#endif
