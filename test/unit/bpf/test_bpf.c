// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/bpf on a cBPF interpreter that checks and runs programs as the
 * kernel does (SKF_AD_NLATTR / SKF_AD_NLATTR_NEST included): over kernel
 * fixtures and built messages, every verdict must equal filter_ct's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/netlink.h>

#include "core/bpf.h"
#include "core/cfg.h"
#include "core/filter.h"
#include "proto/ctnl.h"

#include "../codec/check.h"

#define AD_NLATTR ((uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR))
#define AD_NLATTR_NEST ((uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR_NEST))

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* ---- the kernel's side: bpf_check_classic and the interpreter ---- */

static bool is_cond(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/* NULL if the kernel would take the program, else why not. */
static const char *verify(const struct sock_filter *p, unsigned int n)
{
	uint16_t masks[BPF_MAXINSNS], valid = 0;

	if (!n || n > BPF_MAXINSNS)
		return "length";
	for (unsigned int pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &p[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
		case BPF_LD | BPF_W | BPF_IND:
		case BPF_LD | BPF_H | BPF_IND:
		case BPF_LD | BPF_B | BPF_IND:
		case BPF_LD | BPF_IMM:
		case BPF_LDX | BPF_IMM:
		case BPF_MISC | BPF_TAX:
		case BPF_MISC | BPF_TXA:
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_RET | BPF_K:
		case BPF_RET | BPF_A:
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return "scratch index";
			break;
		case BPF_JMP | BPF_JA:
			if (i->k >= n - pc - 1)
				return "ja out of range";
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			if (pc + i->jt + 1 >= n || pc + i->jf + 1 >= n)
				return "jump out of range";
			break;
		default:
			return "opcode";
		}
		if (BPF_CLASS(i->code) == BPF_LD && BPF_MODE(i->code) == BPF_ABS &&
		    i->k >= (uint32_t)SKF_AD_OFF && i->k != AD_NLATTR && i->k != AD_NLATTR_NEST)
			return "ancillary load";
	}
	if (BPF_CLASS(p[n - 1].code) != BPF_RET)
		return "no final return";
	/* check_load_and_stores: a scratch word is read only after a store on every path */
	memset(masks, 0xff, sizeof(masks));
	for (unsigned int pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &p[pc];

		valid &= masks[pc];
		if (i->code == BPF_ST || i->code == BPF_STX) {
			valid |= (uint16_t)(1u << i->k);
		} else if (i->code == (BPF_LD | BPF_MEM) || i->code == (BPF_LDX | BPF_MEM)) {
			if (!(valid & (1u << i->k)))
				return "scratch read before write";
		} else if (i->code == (BPF_JMP | BPF_JA)) {
			masks[pc + 1 + i->k] &= valid;
			valid = 0xffff;
		} else if (is_cond(i->code)) {
			masks[pc + 1 + i->jt] &= valid;
			masks[pc + 1 + i->jf] &= valid;
			valid = 0xffff;
		}
	}
	return NULL;
}

static bool nla_ok(const uint8_t *nla, long rem)
{
	return rem >= 4 && get16(nla) >= 4 && get16(nla) <= rem;
}

/* nla_find: the first attribute of type x (flags masked off) in [head, head + len). */
static const uint8_t *nla_find(const uint8_t *head, long len, uint32_t x)
{
	for (const uint8_t *a = head; nla_ok(a, len);) {
		long step = (get16(a) + 3) & ~3;

		if ((uint32_t)(get16(a + 2) & NLA_TYPE_MASK) == x)
			return a;
		len -= step;
		a += step;
	}
	return NULL;
}

/* bpf_skb_get_nlattr(_nest) */
static uint32_t nlattr(const uint8_t *d, uint32_t len, uint32_t a, uint32_t x, bool nest)
{
	const uint8_t *r;

	if (len < 4 || a > len - 4)
		return 0;
	if (!nest) {
		r = nla_find(d + a, (long)(len - a), x);
	} else {
		if (!nla_ok(d + a, (long)(len - a)))
			return 0;
		r = nla_find(d + a + 4, (long)get16(d + a) - 4, x);
	}
	return r ? (uint32_t)(r - d) : 0;
}

/* Run p over the message d[len] (a netlink skb's data). Returns the verdict. */
static uint32_t run(const struct sock_filter *p, const uint8_t *d, uint32_t len)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };

	for (unsigned int pc = 0;; pc++) {
		const struct sock_filter *i = &p[pc];
		uint32_t k = i->k, off, size;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
		case BPF_LD | BPF_W | BPF_IND:
		case BPF_LD | BPF_H | BPF_IND:
		case BPF_LD | BPF_B | BPF_IND:
			if (BPF_MODE(i->code) == BPF_ABS &&
			    (k == AD_NLATTR || k == AD_NLATTR_NEST)) {
				A = nlattr(d, len, A, X, k == AD_NLATTR_NEST);
				break;
			}
			off = BPF_MODE(i->code) == BPF_IND ? X + k : k;
			size = BPF_SIZE(i->code) == BPF_W ? 4 : BPF_SIZE(i->code) == BPF_H ? 2 : 1;
			if (off > len || len - off < size)
				return 0; /* the kernel ends the program with 0 */
			A = 0;
			for (uint32_t b = 0; b < size; b++)
				A = A << 8 | d[off + b];
			break;
		case BPF_LD | BPF_IMM:
			A = k;
			break;
		case BPF_LDX | BPF_IMM:
			X = k;
			break;
		case BPF_LD | BPF_MEM:
			A = M[k];
			break;
		case BPF_LDX | BPF_MEM:
			X = M[k];
			break;
		case BPF_ST:
			M[k] = A;
			break;
		case BPF_STX:
			M[k] = X;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_MISC | BPF_TXA:
			A = X;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= k;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += A == k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += A > k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += A >= k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (A & k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return k;
		case BPF_RET | BPF_A:
			return A;
		default:
			abort(); /* verify() refused it */
		}
	}
}

/* ---- messages ---- */

#define MAX_MSGS 2048

struct msg {
	uint8_t *d;
	uint32_t len;
	char what[48];
};

static struct msg msgs[MAX_MSGS];
static unsigned int n_msgs;

static void add_msg(const void *d, uint32_t len, const char *what, unsigned int i)
{
	struct msg *m = &msgs[n_msgs++];

	/* an exact-size copy: ASan sees any read past the message */
	m->d = malloc(len);
	memcpy(m->d, d, len);
	m->len = len;
	snprintf(m->what, sizeof(m->what), "%s %u", what, i);
}

/*
 * The fixtures were captured on a little-endian host: headers are in its
 * order. On a big-endian one, turn every nlmsghdr and nlattr header around
 * (the kernel flags nests, so the walk knows where to descend).
 */
static void swap_attrs(uint8_t *a, long len)
{
	while (len >= 4) {
		uint16_t l, t;

		memcpy(&l, a, 2);
		memcpy(&t, a + 2, 2);
		l = (uint16_t)(l >> 8 | l << 8);
		t = (uint16_t)(t >> 8 | t << 8);
		memcpy(a, &l, 2);
		memcpy(a + 2, &t, 2);
		if (l < 4 || l > len)
			return;
		if (t & NLA_F_NESTED)
			swap_attrs(a + 4, l - 4);
		len -= (l + 3) & ~3;
		a += (l + 3) & ~3;
	}
}

static void fix_order(uint8_t *m)
{
	const uint16_t one = 1;
	struct nlmsghdr h;

	if (*(const uint8_t *)&one)
		return;
	memcpy(&h, m, sizeof(h));
	h.nlmsg_len = __builtin_bswap32(h.nlmsg_len);
	h.nlmsg_type = __builtin_bswap16(h.nlmsg_type);
	h.nlmsg_flags = __builtin_bswap16(h.nlmsg_flags);
	memcpy(m, &h, sizeof(h));
	swap_attrs(m + 20, (long)h.nlmsg_len - 20);
}

/*
 * Every message of a fixture (little-endian headers, whatever the host);
 * as_delete: ct messages turned into DELETE events.
 */
static void add_fixture(const char *dir, const char *name, bool as_delete)
{
	char path[4096];
	uint8_t *buf;
	size_t n, off;
	unsigned int i = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	buf = malloc(1 << 16);
	if (!fp || !buf) {
		fprintf(stderr, "fixture %s: cannot read\n", path);
		exit(1);
	}
	n = fread(buf, 1, 1 << 16, fp);
	fclose(fp);
	for (off = 0; off + 16 <= n;) {
		uint8_t *m = buf + off;
		uint32_t len = m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24;
		struct nlmsghdr h;

		if (len < 20 || len > n - off) {
			fprintf(stderr, "fixture %s: bad message at %zu\n", path, off);
			exit(1);
		}
		fix_order(m);
		memcpy(&h, m, sizeof(h));
		if (as_delete) {
			h.nlmsg_type = (uint16_t)((h.nlmsg_type & 0xff00) | CTNL_MSG_CT_DELETE);
			memcpy(m, &h, sizeof(h));
		}
		add_msg(m, len, as_delete ? "ct.bin as DELETE" : name, i++);
		off += (len + 3) & ~3u;
	}
	free(buf);
}

static uint32_t rnd_state = 0x2545f491;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return n ? rnd_state % n : rnd_state;
}

/* Addresses on and around the edges of the nets the filters list. */
static const char *const pool4[] = {
	"10.0.0.0",	  "10.0.0.1",	  "10.255.255.255", "11.0.0.0",	       "9.255.255.255",
	"127.0.0.1",	  "192.0.2.9",	  "192.0.2.10",	    "192.0.2.255",     "192.0.3.0",
	"198.51.100.7",	  "203.0.113.50", "0.0.0.0",	    "255.255.255.255", "172.16.0.1",
	"172.31.255.255", "172.32.0.0",	  "1.2.3.4",
};
static const char *const pool6[] = {
	"2001:db8::5",
	"2001:db8::6",
	"2001:db8:0:1::1",
	"2001:db9::",
	"2001:db7:ffff::",
	"::1",
	"::",
	"fe80::1",
	"fe80::ffff:1",
	"ff02::1",
	"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	"2001:db8::8000:0:0:1",
	"::ffff:10.0.0.1",
};

static void pick(union ct_addr *a, bool v6)
{
	memset(a, 0, sizeof(*a));
	if (rnd(8) == 0) {
		for (int i = 0; i < (v6 ? 16 : 4); i++)
			a->b[i] = (uint8_t)rnd(256);
		return;
	}
	if (v6)
		inet_pton(AF_INET6, pool6[rnd(sizeof(pool6) / sizeof(pool6[0]))], a->b);
	else
		inet_pton(AF_INET, pool4[rnd(sizeof(pool4) / sizeof(pool4[0]))], a->b);
}

static const uint8_t l4s[] = { 6, 6, 6, 17, 17, 1, 58, 132, 33, 47, 136, 0, 255, 103 };

static void add_built(unsigned int n)
{
	static uint8_t buf[4096];

	for (unsigned int i = 0; i < n; i++) {
		bool v6 = rnd(2);
		struct ct ct = { 0 };
		int len;

		ct.orig.l3 = ct.reply.l3 = v6 ? AF_INET6 : AF_INET;
		ct.orig.l4 = ct.reply.l4 = l4s[rnd(sizeof(l4s))];
		pick(&ct.orig.src, v6);
		pick(&ct.orig.dst, v6);
		ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO;
		if (rnd(20) == 0) /* no protocol number: it reads 0 */
			ct.orig.present &= (uint16_t)~CT_T_PROTO;
		if (ct.orig.l4 == 6 || ct.orig.l4 == 17) {
			ct.orig.present |= CT_T_SPORT | CT_T_DPORT;
			ct.orig.sport = (uint16_t)rnd(65536);
			ct.orig.dport = (uint16_t)rnd(65536);
		}
		ct_set(&ct, CT_ORIG);
		if (rnd(16)) {
			ct.reply = ct.orig;
			ct.reply.src = ct.orig.dst;
			ct.reply.dst = ct.orig.src;
			if (rnd(3) == 0) /* NAT: the reply comes from elsewhere */
				pick(&ct.reply.src, v6);
			if (rnd(3) == 0)
				pick(&ct.reply.dst, v6);
			ct_set(&ct, CT_REPLY);
		}
		if (rnd(4)) {
			ct.tcp.state = (uint8_t)rnd(rnd(4) ? 10 : 256);
			ct_set(&ct, CT_TCP_STATE);
		} else if (rnd(2)) { /* protoinfo without a state */
			ct.tcp.wscale_orig = 7;
			ct_set(&ct, CT_TCP_WSCALE_ORIG);
		}
		if (rnd(2)) {
			ct.status = CT_IPS_CONFIRMED;
			ct_set(&ct, CT_STATUS);
		}
		if (rnd(2)) {
			ct.mark = rnd(0);
			ct_set(&ct, CT_MARK);
		}
		if (rnd(4) == 0) {
			ct.zone = 7;
			ct_set(&ct, CT_ZONE);
		}
		if (i % 100 == 99) /* now and then no original address, or only one */
			ct.orig.present &= (uint16_t) ~(rnd(2) ? CT_T_SRC | CT_T_DST : CT_T_DST);
		len = ctnl_build_ct(buf, sizeof(buf), rnd(2) ? CTNL_MSG_CT_DELETE : CTNL_MSG_CT_NEW,
				    rnd(2) ? NLM_F_CREATE : 0, ct.orig.l3, i, &ct);
		CHECK(len > 0, "build %u: %d", i, len);
		if (len > 0)
			add_msg(buf, (uint32_t)len, "built", i);
	}
	/* messages of other kinds on the same socket pass untouched */
	{
		int len = ctnl_build_simple(buf, sizeof(buf), CTNL_SUBSYS_CT, CTNL_MSG_CT_GET_STATS,
					    0, AF_INET, 1);
		struct nlmsghdr h = { .nlmsg_len = 36, .nlmsg_type = NLMSG_ERROR };

		add_msg(buf, (uint32_t)len, "get-stats", 0);
		memset(buf, 0, 36);
		memcpy(buf, &h, sizeof(h));
		add_msg(buf, 36, "nlmsgerr", 0);
	}
}

/* ---- the comparison ---- */

static unsigned long verdicts, no_claim;

static bool sane(const struct ct *ct)
{
	uint8_t l3 = ct->orig.l3 ? ct->orig.l3 : ct->family;

	return l3 && (ct->orig.present & (CT_T_SRC | CT_T_DST)) == (CT_T_SRC | CT_T_DST);
}

/* Build f's program, check it, run it over every message. Returns the length. */
static int compare(const struct cfg_filter *f, const char *name, unsigned int max)
{
	static struct sock_filter prog[BPF_MAXINSNS];
	bool complete = false;
	int n = bpf_build(f, prog, max, &complete);
	const char *bad;

	CHECK(n > 0, "%s: bpf_build %d", name, n);
	if (n <= 0)
		return n;
	CHECK((unsigned int)n <= max, "%s: %d instructions for %u", name, n, max);
	bad = verify(prog, (unsigned int)n);
	CHECK(!bad, "%s: the kernel would refuse the program: %s", name, bad);
	if (bad)
		return n;
	for (unsigned int i = 0; i < n_msgs; i++) {
		const struct msg *m = &msgs[i];
		uint16_t type = get16(m->d + 4);
		uint32_t v = run(prog, m->d, m->len);
		bool expect = true;

		CHECK(v == 0 || v == 0xffffffff, "%s: %s: verdict %#x", name, m->what, v);
		if (type >> 8 == CTNL_SUBSYS_CT &&
		    ((type & 0xff) == CTNL_MSG_CT_NEW || (type & 0xff) == CTNL_MSG_CT_DELETE)) {
			struct cfg_filter g = *f;
			struct ct ct;

			if (ctnl_parse_ct((const void *)m->d, &ct, NULL) || !sane(&ct)) {
				no_claim++; /* the daemon drops these before its filter */
				continue;
			}
			if ((type & 0xff) == CTNL_MSG_CT_DELETE)
				g.has_state = false;
			if (!complete)
				g.has_addr = false;
			expect = filter_ct(&g, &ct);
			/* and never drop what the whole filter keeps */
			CHECK(!filter_ct(f, &ct) || v, "%s: %s: drops what filter_ct keeps", name,
			      m->what);
		}
		verdicts++;
		CHECK(!!v == expect, "%s: %s: kernel %s, filter_ct %s", name, m->what,
		      v ? "passes" : "drops", expect ? "passes" : "drops");
	}
	return complete ? n : -n;
}

/* Parse "General { Filter From Kernelspace { body } }" and compare. */
static void compare_conf(const char *body, int *len)
{
	char text[2048], err[256];
	struct cfg c;
	int n;

	snprintf(text, sizeof(text), "General {\n\tFilter From Kernelspace {\n%s\n\t}\n}\n", body);
	n = cfg_parse(&c, text, strlen(text), NULL, NULL, err, sizeof(err));
	CHECK(n == 0, "parse %s: %s", body, err);
	if (!n) {
		CHECK(c.filter.kernelspace, "%s: not kernelspace", body);
		n = compare(&c.filter, body, BPF_MAXINSNS);
		if (len)
			*len = n;
		printf("%5d instructions%s: %s\n", n < 0 ? -n : n, n < 0 ? " (incomplete)" : "",
		       body);
	}
	cfg_free(&c);
}

static void random_net(struct cfg_net *n, bool v6)
{
	unsigned int bits;

	n->family = v6 ? AF_INET6 : AF_INET;
	pick(&n->addr, v6);
	bits = rnd(4) ? (v6 ? 128 : 32) - rnd(v6 ? 24 : 12) : rnd(v6 ? 129 : 33);
	if (rnd(3) == 0)
		bits = v6 ? 128 : 32;
	n->prefix = (uint8_t)bits;
	for (unsigned int i = bits; i < (v6 ? 128u : 32u); i++)
		n->addr.b[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static void random_filters(unsigned int count)
{
	static struct cfg_net nets[64];

	for (unsigned int t = 0; t < count; t++) {
		struct cfg_filter f = { .kernelspace = true };
		char name[32];

		do {
			f.has_proto = rnd(2);
			f.has_addr = rnd(2);
			f.has_state = rnd(2);
		} while (!f.has_proto && !f.has_addr && !f.has_state);
		f.proto_ignore = rnd(2);
		f.addr_ignore = rnd(2);
		f.state_ignore = rnd(2);
		for (unsigned int i = rnd(5); i--;) {
			uint8_t p = rnd(3) ? l4s[rnd(sizeof(l4s))] : (uint8_t)rnd(256);

			f.protos[p >> 3] |= (uint8_t)(1u << (p & 7));
		}
		f.tcp_states = (uint16_t)rnd(1u << 12);
		f.n_nets = rnd(rnd(8) ? 6 : 64);
		for (unsigned int i = 0; i < f.n_nets; i++)
			random_net(&nets[i], rnd(2));
		f.nets = nets;
		snprintf(name, sizeof(name), "random filter %u", t);
		compare(&f, name, BPF_MAXINSNS);
	}
}

/* Many nets: long jumps through trampolines, then more than the program can hold. */
static void big_filters(void)
{
	static struct cfg_net nets[6000];
	struct cfg_filter f = { .kernelspace = true, .has_addr = true, .nets = nets };
	static struct sock_filter prog[BPF_MAXINSNS];
	bool complete;
	int n;

	for (unsigned int i = 0; i < 6000; i++)
		random_net(&nets[i], i % 7 == 0);
	/* a pool address at the end of the list, after hundreds of others */
	nets[599].family = AF_INET;
	nets[599].prefix = 32;
	inet_pton(AF_INET, "192.0.2.9", nets[599].addr.b);
	f.n_nets = 600;
	n = compare(&f, "600 nets", BPF_MAXINSNS);
	CHECK(n > 600, "600 nets: %d instructions, complete expected", n);
	printf("%5d instructions: 600 nets (1 in 7 IPv6, random prefixes)\n", n);
	f.addr_ignore = true;
	compare(&f, "600 nets, ignore", BPF_MAXINSNS);
	f.has_proto = true;
	f.protos[0] = 0xff;
	f.protos[2] = 0x02; /* 17 */
	f.n_nets = 6000;
	n = compare(&f, "6000 nets", BPF_MAXINSNS);
	CHECK(n < 0, "6000 nets: complete with %d instructions", n);
	printf("%5d instructions (incomplete: Address left to userspace): 6000 nets\n", -n);
	/* Address alone and too long: no program is worth attaching */
	f.has_proto = false;
	CHECK(bpf_build(&f, prog, BPF_MAXINSNS, &complete) == -ENOSPC, "6000 nets alone");
	f.has_proto = true;
	/* a tiny limit: not even the protocol part fits */
	n = bpf_build(&f, prog, 8, &complete);
	CHECK(n == -ENOSPC, "8 instructions: %d", n);
	f.has_proto = f.has_addr = false;
	CHECK(bpf_build(&f, prog, BPF_MAXINSNS, &complete) == -EINVAL, "no kind configured");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "test/fixtures/kernel";
	static const char *const confs[] = {
		"Protocol Accept { TCP UDP }",
		"Protocol Ignore { ICMP IPv6-ICMP }",
		"Protocol Accept { }",
		"Protocol Ignore { }",
		"Address Ignore { IPv4_address 127.0.0.1 IPv6_address ::1 }",
		"Address Accept { IPv4_address 192.0.2.0/24 IPv4_address 10.0.0.0/8 "
		"IPv4_address 1.1.1.1 IPv6_address 2001:db8::/32 IPv6_address 2001:db8::5 }",
		"Address Ignore { IPv4_address 0.0.0.0/0 }",
		"Address Accept { IPv6_address ::/0 }",
		"Address Accept { IPv4_address 203.0.113.0/25 IPv6_address 2001:db8::/65 }",
		"Address Ignore { IPv4_address 10.0.0.80 }",
		"State Accept { ESTABLISHED for TCP }",
		"State Ignore { SYN_SENT SYN_RECV FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE "
		"LISTEN for TCP }",
		"Protocol Accept { TCP UDP ICMP IPv6-ICMP }\n"
		"Address Ignore { IPv4_address 192.0.2.9 IPv4_address 10.0.0.0/8 "
		"IPv6_address 2001:db8::5 }\n"
		"State Accept { ESTABLISHED SYN_SENT TIME_WAIT for TCP }",
		"Protocol Ignore { UDP }\nState Ignore { TIME_WAIT for TCP }",
		"Address Accept { IPv4_address 127.0.0.0/8 }\nState Accept { ESTABLISHED for TCP }",
	};

	add_fixture(dir, "ct.bin", false);
	add_fixture(dir, "ct.bin", true);
	add_fixture(dir, "events.bin", false);
	add_fixture(dir, "exp.bin", false);
	add_fixture(dir, "stats.bin", false);
	add_fixture(dir, "stats-cpu.bin", false);
	add_built(600);
	for (size_t i = 0; i < sizeof(confs) / sizeof(confs[0]); i++)
		compare_conf(confs[i], NULL);
	random_filters(1500);
	big_filters();
	for (unsigned int i = 0; i < n_msgs; i++)
		free(msgs[i].d);
	printf("%lu verdicts over %u messages (%lu not judged: malformed or no address), "
	       "%d checks, %d failures\n",
	       verdicts, n_msgs, no_claim, checks, failures);
	return failures ? 1 : 0;
}
