/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Netlink attributes, proto-internal: one policy-driven walker and a bounds-checked writer. */
#ifndef CTBOX_PROTO_NLA_H
#define CTBOX_PROTO_NLA_H

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

/* What a policy entry accepts. NK_NONE entries are skipped like unknown types. */
enum nla_kind {
	NK_NONE = 0,
	NK_U8,	 /* exactly 1 byte */
	NK_U16,	 /* exactly 2 bytes */
	NK_U32,	 /* exactly 4 bytes */
	NK_U64,	 /* exactly 8 bytes */
	NK_BIN,	 /* min..max bytes */
	NK_STR,	 /* any length; copied with truncation */
	NK_NEST, /* attribute stream, validated by its own policy when decoded */
};

/*
 * Payload bytes accepted: min <= n < min + lim, one unsigned compare in the
 * walker. A zeroed (unlisted) entry has lim 0 and accepts nothing, so the
 * walker only looks at the kind on its slow path.
 */
struct nla_pol {
	uint8_t kind;
	uint8_t min;
	uint16_t lim;
};

/* Policy entries: always build them with these so the bounds match the kind. */
#define NLA_U8 \
	{ \
		NK_U8, 1, 1 \
	}
#define NLA_U16 \
	{ \
		NK_U16, 2, 1 \
	}
#define NLA_U32 \
	{ \
		NK_U32, 4, 1 \
	}
#define NLA_U64 \
	{ \
		NK_U64, 8, 1 \
	}
#define NLA_BIN(lo, hi) \
	{ \
		NK_BIN, (lo), (hi) - (lo) + 1 \
	}
/* Payloads are below UINT16_MAX - NLA_HDRLEN, so these accept every length. */
#define NLA_STR \
	{ \
		NK_STR, 0, UINT16_MAX \
	}
#define NLA_NEST \
	{ \
		NK_NEST, 0, UINT16_MAX \
	}

/* One attribute nest: entries indexed by type, 1..maxtype. */
struct nla_policy {
	uint16_t maxtype;
	/*
	 * Zero-length attributes of this type are 64-bit alignment padding (0:
	 * none). Its policy entry, if any, must refuse a zero-length payload.
	 */
	uint16_t padtype;
	const struct nla_pol *ent;
};

/* Walker output: tb[type] for every accepted type, arrival order of accepted types. */
struct nla_walk {
	const struct nlattr **tb; /* caller array of maxtype + 1, cleared by the walker */
	uint8_t *order;		  /* may be NULL */
	uint8_t cap, n;
	const void *base; /* message start, to locate padding (may be NULL) */
	int pad_off;	  /* offset from base of the last pad seen, -1 if none */
};

/*
 * Walk len bytes of attributes at data against pol. Unknown types and types
 * above maxtype are skipped; a header or payload that does not fit, or a
 * payload length the policy refuses, gives -EINVAL (-ERANGE for a binary
 * longer than max). Later duplicates win, as in the kernel.
 */
int nla_walk(const void *data, size_t len, const struct nla_policy *pol, struct nla_walk *w);

/* The error a payload length of n bytes refused by p gives (the walker's cold path). */
int nla_refuse(const struct nla_pol *p, size_t n);

/*
 * nla_walk's body, for the parser's hot path: inlined where the policy is a
 * constant, the compiler folds maxtype, padding and the clearing of tb, and
 * the per-attribute work is a few loads and compares. Same contract.
 */
static inline __attribute__((always_inline)) int
nla_walk_inline(const void *data, size_t len, const struct nla_policy *pol, struct nla_walk *w)
{
	const uint8_t *p = data, *end = p + len;
	const struct nla_pol *ent = pol->ent;
	const struct nlattr **tb = w->tb;
	unsigned int maxtype = pol->maxtype, n = 0;

	/*
	 * Optimised for size, a memset of these few words is a call or a rep
	 * stos whose start-up costs more than plain stores (the empty asm keeps
	 * the compiler from turning the loop back into one). For speed, the
	 * compiler's own inline stores are best.
	 */
#ifdef __OPTIMIZE_SIZE__
	for (unsigned int i = 0; i <= maxtype; i++) {
		tb[i] = NULL;
		__asm__("" : "+r"(i));
	}
#else
	memset(tb, 0, (maxtype + 1u) * sizeof(*tb));
#endif
	w->pad_off = -1;
	if (!len)
		goto out;
	for (;;) {
		size_t rem = (size_t)(end - p), plen, step;
		unsigned int type;
		uint16_t alen, t16;

		if (rem < NLA_HDRLEN)
			return -EINVAL;
		/* The header may sit at any 4-byte offset of a caller buffer: copy it out. */
		memcpy(&alen, p, sizeof(alen));
		memcpy(&t16, p + 2, sizeof(t16));
		plen = (size_t)alen - NLA_HDRLEN;
		/* alen in [NLA_HDRLEN, rem], as one unsigned compare */
		if (plen > rem - NLA_HDRLEN)
			return -EINVAL;
		type = t16 & NLA_TYPE_MASK;
		/* type 0 is never valid: one unsigned compare covers both ends */
		if (type - 1u < maxtype) {
			const struct nla_pol *e = &ent[type];

			/* One branch for the common case; unknown types and padding go aside. */
			if (plen - e->min < e->lim) {
				tb[type] = (const struct nlattr *)(const void *)p;
				if (w->order && n < w->cap)
					w->order[n++] = (uint8_t)type;
				goto next;
			}
		}
		/* Only a zero-length attribute can be padding; it wins over the policy. */
		if (!plen && type == pol->padtype && type) {
			if (w->base)
				w->pad_off = (int)(p - (const uint8_t *)w->base);
		} else if (type - 1u < maxtype && ent[type].kind != NK_NONE) {
			return nla_refuse(&ent[type], plen);
		}
next:
		/* The last attribute may omit its tail padding. */
		step = NLA_ALIGN((size_t)alen);
		if (step >= rem)
			break;
		p += step;
	}
out:
	w->n = (uint8_t)n;
	return 0;
}

static inline __attribute__((always_inline)) const void *nla_payload(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}

static inline __attribute__((always_inline)) size_t nla_plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* Fixed-width payloads (the policy checked the length); inline even at -Os: dozens per entry. */
static inline __attribute__((always_inline)) uint8_t nla_get8(const struct nlattr *a)
{
	return *(const uint8_t *)nla_payload(a);
}

static inline __attribute__((always_inline)) uint16_t nla_get16be(const struct nlattr *a)
{
	const uint8_t *p = nla_payload(a);

	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Big-endian bytes as shifts: one load and a byte swap on any host, at any alignment. */
static inline __attribute__((always_inline)) uint32_t nla_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline __attribute__((always_inline)) uint32_t nla_get32be(const struct nlattr *a)
{
	return nla_be32(nla_payload(a));
}

static inline __attribute__((always_inline)) uint64_t nla_get64be(const struct nlattr *a)
{
	const uint8_t *p = nla_payload(a);

	return (uint64_t)nla_be32(p) << 32 | nla_be32(p + 4);
}

/* Copy a string attribute into dst[cap] up to its first NUL, truncating, always terminated. */
void nla_getstr(const struct nlattr *a, char *dst, size_t cap);

/* Writer: errors are sticky so callers check once at the end. */
struct nlb {
	uint8_t *buf;
	size_t len, cap;
	int err; /* 0 or -ENOSPC */
};

void nlb_init(struct nlb *b, void *buf, size_t cap);
/* Start a message: nlmsghdr + nfgenmsg. */
void nlb_msg(struct nlb *b, uint16_t type, uint16_t flags, uint32_t seq, uint32_t portid,
	     uint8_t family, uint16_t res_id);
/* Finish the message: set nlmsg_len. Returns the length or the sticky -errno. */
int nlb_end(struct nlb *b);
void nlb_put(struct nlb *b, uint16_t type, const void *data, size_t n);
void nlb_u8(struct nlb *b, uint16_t type, uint8_t v);
void nlb_u16be(struct nlb *b, uint16_t type, uint16_t v);
void nlb_u32be(struct nlb *b, uint16_t type, uint32_t v);
void nlb_u64be(struct nlb *b, uint16_t type, uint64_t v);
void nlb_str(struct nlb *b, uint16_t type, const char *s);
/* Open a nest; returns its offset for nlb_nest_end. */
size_t nlb_nest(struct nlb *b, uint16_t type);
void nlb_nest_end(struct nlb *b, size_t off);

#endif
