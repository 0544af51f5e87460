// SPDX-License-Identifier: GPL-2.0-or-later
/* Buffered fd writer and number/address formatting without stdio. */
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

static unsigned int digits10(uint64_t v)
{
	unsigned int n = 1;

	for (; v >= 10000; v /= 10000)
		n += 4;
	if (v >= 1000)
		return n + 3;
	if (v >= 100)
		return n + 2;
	return n + (v >= 10);
}

/* Writes backwards from the known length: no scratch copy, 32-bit division when it fits. */
size_t fmt_u64(char *dst, uint64_t v)
{
	unsigned int n = digits10(v);
	char *p = dst + n;
	uint32_t w;

	while (v > UINT32_MAX) {
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		p -= 2;
		p[0] = digit_pairs[2 * r];
		p[1] = digit_pairs[2 * r + 1];
	}
	for (w = (uint32_t)v; w >= 100; w /= 100) {
		unsigned int r = w % 100;

		p -= 2;
		p[0] = digit_pairs[2 * r];
		p[1] = digit_pairs[2 * r + 1];
	}
	if (w >= 10) {
		p[-2] = digit_pairs[2 * w];
		p[-1] = digit_pairs[2 * w + 1];
	} else {
		p[-1] = (char)('0' + w);
	}
	return n;
}

size_t fmt_hex(char *dst, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 1, i;

	for (uint64_t t = v >> 4; t; t >>= 4)
		n++;
	for (i = n; i-- > 0; v >>= 4)
		dst[i] = hex[v & 15];
	return n;
}

static size_t fmt_ip4(char *dst, const uint8_t *a)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i)
			dst[n++] = '.';
		n += fmt_u64(dst + n, a[i]);
	}
	return n;
}

/*
 * Same choices as glibc's inet_ntop: the longest run (first on ties) of two
 * or more zero words becomes "::", and ::a.b.c.d / ::ffff:a.b.c.d keep the
 * dotted tail.
 */
static size_t fmt_ip6(char *dst, const uint8_t *a)
{
	unsigned int w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
		if (!w[i]) {
			if (cur < 0) {
				cur = i;
				cur_len = 0;
			}
			if (++cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;

	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				dst[n++] = ':';
			continue;
		}
		if (i)
			dst[n++] = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return n + fmt_ip4(dst + n, a + 12);
		n += fmt_hex(dst + n, w[i]);
	}
	if (best >= 0 && best + best_len == 8)
		dst[n++] = ':';
	return n;
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
	out_commit(o, fmt_u64(out_reserve(o, 10), v));
}

void out_hex(struct out *o, uint64_t v)
{
	out_commit(o, fmt_hex(out_reserve(o, 16), v));
}

void out_ip(struct out *o, int family, const void *addr)
{
	out_commit(o, fmt_ip(out_reserve(o, FMT_IP_MAX), family, addr));
}
