// SPDX-License-Identifier: GPL-2.0-or-later
/* Buffered fd writer and number/address formatting without stdio. */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/out.h"

void out_init(struct out *o, int fd, char *buf, size_t cap)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->cap = cap;
	o->buf = buf;
}

int out_flush(struct out *o)
{
	size_t off = 0;

	while (off < o->len && !o->err) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->err = -errno;
			break;
		}
		off += (size_t)n;
	}
	/* After an error the data is dropped: the caller reports once and stops. */
	o->len = 0;
	return o->err;
}

void out_mem(struct out *o, const void *p, size_t n)
{
	const char *s = p;

	/* the printers append many short pieces: copy them inline */
	if (n <= 16 && o->cap - o->len >= n) {
		char *d = o->buf + o->len;

		/* two overlapping fixed-size copies compile to plain loads and stores */
		if (n >= 8) {
			memcpy(d, s, 8);
			memcpy(d + n - 8, s + n - 8, 8);
		} else if (n >= 4) {
			memcpy(d, s, 4);
			memcpy(d + n - 4, s + n - 4, 4);
		} else {
			for (size_t i = 0; i < n; i++)
				d[i] = s[i];
		}
		o->len += n;
		return;
	}

	while (n) {
		size_t room = o->cap - o->len;

		if (!room) {
			out_flush(o);
			continue;
		}
		if (room > n)
			room = n;
		memcpy(o->buf + o->len, s, room);
		o->len += room;
		s += room;
		n -= room;
	}
}

void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

void out_chr(struct out *o, char c)
{
	if (o->len == o->cap)
		out_flush(o);
	o->buf[o->len++] = c;
}

char *out_reserve(struct out *o, size_t n)
{
	if (o->cap - o->len < n)
		out_flush(o);
	return o->buf + o->len;
}

void out_commit(struct out *o, size_t used)
{
	o->len += used;
}

void out_u64(struct out *o, uint64_t v)
{
	out_commit(o, fmt_u64(out_reserve(o, 20), v));
}

void out_s64(struct out *o, int64_t v)
{
	char *p = out_reserve(o, 21);

	if (v < 0) {
		*p = '-';
		out_commit(o, 1 + fmt_u64(p + 1, (uint64_t)0 - (uint64_t)v));
		return;
	}
	out_commit(o, fmt_u64(p, (uint64_t)v));
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static unsigned int digits10_32(uint32_t v)
{
	/* a compare tree: most values printed are small, so test those first */
	if (v < 100)
		return v < 10 ? 1 : 2;
	if (v < 10000)
		return v < 1000 ? 3 : 4;
	if (v < 1000000)
		return v < 100000 ? 5 : 6;
	if (v < 100000000)
		return v < 10000000 ? 7 : 8;
	return v < 1000000000 ? 9 : 10;
}

/* Write the n decimal digits of w ending at p, two at a time. */
static void put_digits32(char *p, uint32_t w)
{
	while (w >= 100) {
		unsigned int r = w % 100;

		w /= 100;
		p -= 2;
		memcpy(p, digit_pairs + 2 * r, 2);
	}
	if (w >= 10)
		memcpy(p - 2, digit_pairs + 2 * w, 2);
	else
		p[-1] = (char)('0' + w);
}

size_t fmt_u32(char *dst, uint32_t v)
{
	unsigned int n;

	if (v < 10) {
		*dst = (char)('0' + v);
		return 1;
	}
	n = digits10_32(v);
	put_digits32(dst + n, v);
	return n;
}

/* Writes backwards from the known length: no scratch copy, 32-bit division when it fits. */
size_t fmt_u64(char *dst, uint64_t v)
{
	unsigned int n, hi;
	uint64_t t;
	char *p;

	if (v <= UINT32_MAX)
		return fmt_u32(dst, (uint32_t)v);
	/* at least 10 digits: peel the low eight-digit groups with 64-bit division */
	n = 0;
	for (t = v; t > UINT32_MAX; t /= 100000000)
		n += 8;
	hi = digits10_32((uint32_t)t);
	n += hi;
	p = dst + n;
	while (v > UINT32_MAX) {
		uint32_t lo = (uint32_t)(v % 100000000);

		v /= 100000000;
		p -= 8;
		/* eight digits with leading zeros */
		for (int i = 6; i >= 0; i -= 2) {
			memcpy(p + i, digit_pairs + 2 * (lo % 100), 2);
			lo /= 100;
		}
	}
	put_digits32(p, (uint32_t)v);
	return n;
}

static const char hex_digits[] = "0123456789abcdef";

size_t fmt_hex(char *dst, uint64_t v)
{
	size_t n = 1, i;

	if (v < 16) {
		*dst = hex_digits[v];
		return 1;
	}
	n = (size_t)(64 - __builtin_clzll(v) + 3) / 4;
	for (i = n; i-- > 0; v >>= 4)
		dst[i] = hex_digits[v & 15];
	return n;
}

/* One byte in decimal; returns the end. */
static inline char *put_dec8(char *p, unsigned int b)
{
	if (b >= 100) {
		unsigned int h = b >= 200 ? 2 : 1;

		*p++ = (char)('0' + h);
		b -= h * 100;
		memcpy(p, digit_pairs + 2 * b, 2);
		return p + 2;
	}
	if (b >= 10) {
		memcpy(p, digit_pairs + 2 * b, 2);
		return p + 2;
	}
	*p = (char)('0' + b);
	return p + 1;
}

static size_t fmt_ip4(char *dst, const uint8_t *a)
{
	char *p = put_dec8(dst, a[0]);

	*p++ = '.';
	p = put_dec8(p, a[1]);
	*p++ = '.';
	p = put_dec8(p, a[2]);
	*p++ = '.';
	p = put_dec8(p, a[3]);
	return (size_t)(p - dst);
}

/* One 16-bit group in hex without leading zeros; returns the end. */
static inline char *put_hex16(char *p, unsigned int w)
{
	if (w >= 0x1000)
		*p++ = hex_digits[w >> 12];
	if (w >= 0x100)
		*p++ = hex_digits[(w >> 8) & 15];
	if (w >= 0x10)
		*p++ = hex_digits[(w >> 4) & 15];
	*p++ = hex_digits[w & 15];
	return p;
}

/* Bit i set when 16-bit group i of the 8 bytes at a is zero (SWAR, any byte order). */
static inline unsigned int zero_groups4(const uint8_t *a)
{
	const uint64_t lo8 = 0x00ff00ff00ff00ffULL;
	uint64_t x, nz;

	memcpy(&x, a, 8);
	x = le64toh(x);
	/* low byte of each lane: OR of its two bytes; +0xff carries into bit 8 iff nonzero */
	nz = (((x | x >> 8) & lo8) + lo8) >> 8 & 0x0001000100010001ULL;
	/* gather the lane bits 0, 16, 32, 48 into bits 60..63 */
	return (unsigned int)~(nz * 0x1000200040008000ULL >> 60) & 15;
}

/*
 * Same choices as glibc's inet_ntop: the longest run (first on ties) of two
 * or more zero words becomes "::", and ::a.b.c.d / ::ffff:a.b.c.d keep the
 * dotted tail.
 */
static size_t fmt_ip6(char *dst, const uint8_t *a)
{
	unsigned int zero = zero_groups4(a) | zero_groups4(a + 8) << 4;
	int best = -1, best_len = 0;
	char *p = dst;

	/* runs of zero words are runs of set bits in zero; strict > keeps the first */
	for (unsigned int m = zero; m;) {
		int s = __builtin_ctz(m);
		int l = __builtin_ctz(~(m >> s));

		if (l > best_len) {
			best = s;
			best_len = l;
		}
		m &= ~(((1u << l) - 1) << s);
	}
	if (best_len < 2)
		best = -1;
	else if (best == 0 && (best_len == 6 || (best_len == 5 && a[10] == 0xff && a[11] == 0xff))) {
		if (best_len == 6)
			memcpy(p, "::", 2), p += 2;
		else
			memcpy(p, "::ffff:", 7), p += 7;
		return (size_t)(p - dst) + fmt_ip4(p, a + 12);
	}

	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i)
			*p++ = ':';
		p = put_hex16(p, (unsigned int)a[2 * i] << 8 | a[2 * i + 1]);
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	return (size_t)(p - dst);
}

size_t fmt_ip(char *dst, int family, const void *addr)
{
	if (family == AF_INET)
		return fmt_ip4(dst, addr);
	if (family == AF_INET6)
		return fmt_ip6(dst, addr);
	return 0;
}

void out_u32(struct out *o, uint32_t v)
{
	out_commit(o, fmt_u32(out_reserve(o, 10), v));
}

void out_hex(struct out *o, uint64_t v)
{
	out_commit(o, fmt_hex(out_reserve(o, 16), v));
}

void out_ip(struct out *o, int family, const void *addr)
{
	out_commit(o, fmt_ip(out_reserve(o, FMT_IP_MAX), family, addr));
}
