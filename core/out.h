/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Buffered output to a file descriptor without stdio: the listing hot path writes here. */
#ifndef CTBOX_CORE_OUT_H
#define CTBOX_CORE_OUT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct out {
	int fd;
	int err;    /* first write error (-errno), sticky */
	size_t len; /* bytes pending in buf */
	size_t cap;
	char *buf; /* caller-owned storage of cap bytes */
	/* optional: a stop flag a signal handler raises; see out_flush */
	const volatile sig_atomic_t *intr;
};

/* Point o at fd with caller-owned storage buf[cap] (cap >= 4096); no stop flag. */
void out_init(struct out *o, int fd, char *buf, size_t cap);
/*
 * Write everything pending. Returns 0 or the sticky -errno. With o->intr
 * set, a write that finds *o->intr raised (a signal interrupted it, or
 * arrived before it) gives up with a sticky -EINTR: a reader that stopped
 * reading cannot hold up a process that was told to stop.
 */
int out_flush(struct out *o);
/* Append bytes; flushes when full. */
void out_mem(struct out *o, const void *p, size_t n);
void out_str(struct out *o, const char *s);
void out_chr(struct out *o, char c);
void out_u64(struct out *o, uint64_t v);
void out_s64(struct out *o, int64_t v);
/* Reserve n contiguous bytes (n <= 1024) and return a pointer to them; commit with out_commit. */
char *out_reserve(struct out *o, size_t n);
void out_commit(struct out *o, size_t used);

/* Append decimal / lower-case hex / an address (see fmt_ip). */
void out_u32(struct out *o, uint32_t v);
void out_hex(struct out *o, uint64_t v);
void out_ip(struct out *o, int family, const void *addr);

/* "00" "01" ... "99": two decimal digits per lookup, for inline formatters. */
extern const char fmt_digit_pairs[201];

/* Longest fmt_ip result (IPv6 with an IPv4 tail), without a terminator. */
#define FMT_IP_MAX 45

/* Formatting helpers that write into a plain buffer and return the length. */
size_t fmt_u64(char *dst, uint64_t v); /* decimal */
size_t fmt_u32(char *dst, uint32_t v); /* decimal, at most 10 bytes */
size_t fmt_hex(char *dst, uint64_t v); /* lower-case hex, no prefix, no padding */
/*
 * Dotted quad, or IPv6 exactly as glibc inet_ntop prints it; 0 for other
 * families. dst needs FMT_IP_MAX bytes: bytes past the result may be scribbled.
 */
size_t fmt_ip(char *dst, int family, const void *addr);

#endif
