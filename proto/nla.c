// SPDX-License-Identifier: GPL-2.0-or-later
/* Netlink attribute walker (policy tables) and writer shared by the ctnetlink codec. */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <linux/netfilter/nfnetlink.h>

#include "proto/nla.h"

int nla_refuse(const struct nla_pol *p, size_t n)
{
	if (p->kind == NK_BIN && n >= (size_t)p->min + p->lim)
		return -ERANGE;
	return -EINVAL;
}

int nla_walk(const void *data, size_t len, const struct nla_policy *pol, struct nla_walk *w)
{
	return nla_walk_inline(data, len, pol, w);
}

void nla_getstr(const struct nlattr *a, char *dst, size_t cap)
{
	const char *s = nla_payload(a);
	size_t n = nla_plen(a), i;

	for (i = 0; i < n && i + 1 < cap && s[i]; i++)
		dst[i] = s[i];
	dst[i] = '\0';
}

void nlb_init(struct nlb *b, void *buf, size_t cap)
{
	b->buf = buf;
	b->len = 0;
	b->cap = cap;
	b->err = 0;
}

/* Reserve n bytes plus alignment, zeroed; NULL (and sticky -ENOSPC) if they do not fit. */
static void *nlb_reserve(struct nlb *b, size_t n)
{
	size_t need = NLA_ALIGN(n);
	void *p;

	if (b->err || need > b->cap - b->len) {
		b->err = -ENOSPC;
		return NULL;
	}
	p = b->buf + b->len;
	memset(p, 0, need);
	b->len += need;
	return p;
}

void nlb_msg(struct nlb *b, uint16_t type, uint16_t flags, uint32_t seq, uint32_t portid,
	     uint8_t family, uint16_t res_id)
{
	struct nlmsghdr *nlh = nlb_reserve(b, NLMSG_HDRLEN);
	struct nfgenmsg *nfg;

	if (!nlh)
		return;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	nfg = nlb_reserve(b, sizeof(*nfg));
	if (!nfg)
		return;
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htobe16(res_id);
}

int nlb_end(struct nlb *b)
{
	struct nlmsghdr *nlh = (void *)b->buf;

	if (b->err)
		return b->err;
	if (b->len > UINT32_MAX)
		return -ENOSPC;
	nlh->nlmsg_len = (uint32_t)b->len;
	return (int)b->len;
}

void nlb_put(struct nlb *b, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a;

	if (n > UINT16_MAX - NLA_HDRLEN) {
		b->err = -ENOSPC;
		return;
	}
	a = nlb_reserve(b, NLA_HDRLEN + n);
	if (!a)
		return;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	a->nla_type = type;
	if (n)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, n);
}

void nlb_u8(struct nlb *b, uint16_t type, uint8_t v)
{
	nlb_put(b, type, &v, sizeof(v));
}

void nlb_u16be(struct nlb *b, uint16_t type, uint16_t v)
{
	v = htobe16(v);
	nlb_put(b, type, &v, sizeof(v));
}

void nlb_u32be(struct nlb *b, uint16_t type, uint32_t v)
{
	v = htobe32(v);
	nlb_put(b, type, &v, sizeof(v));
}

void nlb_u64be(struct nlb *b, uint16_t type, uint64_t v)
{
	v = htobe64(v);
	nlb_put(b, type, &v, sizeof(v));
}

void nlb_str(struct nlb *b, uint16_t type, const char *s)
{
	nlb_put(b, type, s, strlen(s) + 1);
}

size_t nlb_nest(struct nlb *b, uint16_t type)
{
	size_t off = b->len;

	/* The kernel's nla_nest_start marks nests; do the same so re-encoding matches. */
	nlb_put(b, type | NLA_F_NESTED, NULL, 0);
	return off;
}

void nlb_nest_end(struct nlb *b, size_t off)
{
	struct nlattr *a;
	size_t n;

	if (b->err)
		return;
	n = b->len - off;
	if (n > UINT16_MAX) {
		b->err = -ENOSPC;
		return;
	}
	a = (void *)(b->buf + off);
	a->nla_len = (uint16_t)n;
}
