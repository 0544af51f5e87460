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
	o->intr = NULL;
}

int out_flush(struct out *o)
{
	size_t off = 0;

	while (off < o->len && !o->err) {
		ssize_t n;

		if (o->intr && *o->intr) {
			o->err = -EINTR;
			break;
		}
		n = write(o->fd, o->buf + off, o->len - off);
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

const char fmt_digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static inline unsigned int digits10_32(uint32_t v)
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
static inline void put_digits32(char *p, uint32_t w)
{
	while (w >= 100) {
		unsigned int r = w % 100;

		w /= 100;
		p -= 2;
		memcpy(p, fmt_digit_pairs + 2 * r, 2);
	}
	if (w >= 10)
		memcpy(p - 2, fmt_digit_pairs + 2 * w, 2);
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
			memcpy(p + i, fmt_digit_pairs + 2 * (lo % 100), 2);
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

/* Entry 4 * b: the decimal digits of b, zero filled to three bytes, then their count. */
static const char ip4_oct[4 * 256 + 1] = "0\0\0\1"
					 "1\0\0\1"
					 "2\0\0\1"
					 "3\0\0\1"
					 "4\0\0\1"
					 "5\0\0\1"
					 "6\0\0\1"
					 "7\0\0\1"
					 "8\0\0\1"
					 "9\0\0\1"
					 "10\0\2"
					 "11\0\2"
					 "12\0\2"
					 "13\0\2"
					 "14\0\2"
					 "15\0\2"
					 "16\0\2"
					 "17\0\2"
					 "18\0\2"
					 "19\0\2"
					 "20\0\2"
					 "21\0\2"
					 "22\0\2"
					 "23\0\2"
					 "24\0\2"
					 "25\0\2"
					 "26\0\2"
					 "27\0\2"
					 "28\0\2"
					 "29\0\2"
					 "30\0\2"
					 "31\0\2"
					 "32\0\2"
					 "33\0\2"
					 "34\0\2"
					 "35\0\2"
					 "36\0\2"
					 "37\0\2"
					 "38\0\2"
					 "39\0\2"
					 "40\0\2"
					 "41\0\2"
					 "42\0\2"
					 "43\0\2"
					 "44\0\2"
					 "45\0\2"
					 "46\0\2"
					 "47\0\2"
					 "48\0\2"
					 "49\0\2"
					 "50\0\2"
					 "51\0\2"
					 "52\0\2"
					 "53\0\2"
					 "54\0\2"
					 "55\0\2"
					 "56\0\2"
					 "57\0\2"
					 "58\0\2"
					 "59\0\2"
					 "60\0\2"
					 "61\0\2"
					 "62\0\2"
					 "63\0\2"
					 "64\0\2"
					 "65\0\2"
					 "66\0\2"
					 "67\0\2"
					 "68\0\2"
					 "69\0\2"
					 "70\0\2"
					 "71\0\2"
					 "72\0\2"
					 "73\0\2"
					 "74\0\2"
					 "75\0\2"
					 "76\0\2"
					 "77\0\2"
					 "78\0\2"
					 "79\0\2"
					 "80\0\2"
					 "81\0\2"
					 "82\0\2"
					 "83\0\2"
					 "84\0\2"
					 "85\0\2"
					 "86\0\2"
					 "87\0\2"
					 "88\0\2"
					 "89\0\2"
					 "90\0\2"
					 "91\0\2"
					 "92\0\2"
					 "93\0\2"
					 "94\0\2"
					 "95\0\2"
					 "96\0\2"
					 "97\0\2"
					 "98\0\2"
					 "99\0\2"
					 "100\3"
					 "101\3"
					 "102\3"
					 "103\3"
					 "104\3"
					 "105\3"
					 "106\3"
					 "107\3"
					 "108\3"
					 "109\3"
					 "110\3"
					 "111\3"
					 "112\3"
					 "113\3"
					 "114\3"
					 "115\3"
					 "116\3"
					 "117\3"
					 "118\3"
					 "119\3"
					 "120\3"
					 "121\3"
					 "122\3"
					 "123\3"
					 "124\3"
					 "125\3"
					 "126\3"
					 "127\3"
					 "128\3"
					 "129\3"
					 "130\3"
					 "131\3"
					 "132\3"
					 "133\3"
					 "134\3"
					 "135\3"
					 "136\3"
					 "137\3"
					 "138\3"
					 "139\3"
					 "140\3"
					 "141\3"
					 "142\3"
					 "143\3"
					 "144\3"
					 "145\3"
					 "146\3"
					 "147\3"
					 "148\3"
					 "149\3"
					 "150\3"
					 "151\3"
					 "152\3"
					 "153\3"
					 "154\3"
					 "155\3"
					 "156\3"
					 "157\3"
					 "158\3"
					 "159\3"
					 "160\3"
					 "161\3"
					 "162\3"
					 "163\3"
					 "164\3"
					 "165\3"
					 "166\3"
					 "167\3"
					 "168\3"
					 "169\3"
					 "170\3"
					 "171\3"
					 "172\3"
					 "173\3"
					 "174\3"
					 "175\3"
					 "176\3"
					 "177\3"
					 "178\3"
					 "179\3"
					 "180\3"
					 "181\3"
					 "182\3"
					 "183\3"
					 "184\3"
					 "185\3"
					 "186\3"
					 "187\3"
					 "188\3"
					 "189\3"
					 "190\3"
					 "191\3"
					 "192\3"
					 "193\3"
					 "194\3"
					 "195\3"
					 "196\3"
					 "197\3"
					 "198\3"
					 "199\3"
					 "200\3"
					 "201\3"
					 "202\3"
					 "203\3"
					 "204\3"
					 "205\3"
					 "206\3"
					 "207\3"
					 "208\3"
					 "209\3"
					 "210\3"
					 "211\3"
					 "212\3"
					 "213\3"
					 "214\3"
					 "215\3"
					 "216\3"
					 "217\3"
					 "218\3"
					 "219\3"
					 "220\3"
					 "221\3"
					 "222\3"
					 "223\3"
					 "224\3"
					 "225\3"
					 "226\3"
					 "227\3"
					 "228\3"
					 "229\3"
					 "230\3"
					 "231\3"
					 "232\3"
					 "233\3"
					 "234\3"
					 "235\3"
					 "236\3"
					 "237\3"
					 "238\3"
					 "239\3"
					 "240\3"
					 "241\3"
					 "242\3"
					 "243\3"
					 "244\3"
					 "245\3"
					 "246\3"
					 "247\3"
					 "248\3"
					 "249\3"
					 "250\3"
					 "251\3"
					 "252\3"
					 "253\3"
					 "254\3"
					 "255\3";

/* One octet and a dot: a fixed-size copy that may write one byte past the digits. */
static inline char *put_oct(char *p, unsigned int b)
{
	const char *o = ip4_oct + 4 * b;

	memcpy(p, o, 4);
	p += o[3];
	*p = '.';
	return p + 1;
}

/* Four octets without branches; the caller's FMT_IP_MAX room absorbs the scribble. */
static size_t fmt_ip4(char *dst, const uint8_t *a)
{
	char *p = put_oct(dst, a[0]);

	p = put_oct(p, a[1]);
	p = put_oct(p, a[2]);
	p = put_oct(p, a[3]);
	return (size_t)(p - dst) - 1;
}

/* "00" "01" ... "ff": two hex digits per lookup. */
static const char hex_pairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* One byte in hex, no leading zero; returns the end. */
static inline char *put_hex8(char *p, unsigned int b)
{
	if (b >= 16) {
		memcpy(p, hex_pairs + 2 * b, 2);
		return p + 2;
	}
	*p = hex_pairs[2 * b + 1];
	return p + 1;
}

/* One 16-bit group (two bytes, big endian) in hex without leading zeros; returns the end. */
static inline char *put_hex16(char *p, const uint8_t *g)
{
	if (!g[0])
		return put_hex8(p, g[1]);
	p = put_hex8(p, g[0]);
	memcpy(p, hex_pairs + 2 * g[1], 2);
	return p + 2;
}

/* Groups i0..i1-1 of a, colon separated. */
static inline char *put_groups(char *p, const uint8_t *a, int i0, int i1)
{
	for (int i = i0; i < i1; i++) {
		if (i != i0)
			*p++ = ':';
		p = put_hex16(p, a + 2 * i);
	}
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
	if (best_len < 2) {
		best = -1;
	} else if (best == 0 &&
		   (best_len == 6 || (best_len == 5 && a[10] == 0xff && a[11] == 0xff))) {
		if (best_len == 6) {
			memcpy(p, "::", 2);
			p += 2;
		} else {
			memcpy(p, "::ffff:", 7);
			p += 7;
		}
		return (size_t)(p - dst) + fmt_ip4(p, a + 12);
	}

	if (best < 0)
		return (size_t)(put_groups(p, a, 0, 8) - dst);
	p = put_groups(p, a, 0, best);
	*p++ = ':';
	*p++ = ':';
	return (size_t)(put_groups(p, a, best + best_len, 8) - dst);
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
