// SPDX-License-Identifier: GPL-2.0-or-later
/* Filter From Kernelspace: conntrackd's Filter as a classic BPF program for the event socket. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "core/bpf.h"
#include "core/cfg.h"
#include "proto/ctnl.h"

#define ATTRS 20   /* NLMSG_HDRLEN + struct nfgenmsg: the first attribute */
#define TYPE_OFF 4 /* nlmsg_type */
#define ACCEPT 0xffffffffu
#define M_L4 0 /* scratch words */
#define M_IP 1

/*
 * The program is written backwards, last instruction first. Every cBPF
 * jump goes forward, so a jump's target is already written when the jump
 * is, and a conditional jump farther than its 8-bit offset reaches gets an
 * unconditional trampoline right behind it. A label is the count n at the
 * time its instruction was written: it sits at p[max - label].
 */
struct gen {
	struct sock_filter *p;
	unsigned int max, n;	  /* written so far: p[max - n .. max - 1]; n > max = overflow */
	unsigned int tramp[4][2]; /* recent trampolines: {target, label}, shared while in reach */
};

static void put(struct gen *g, uint16_t code, uint32_t k, unsigned int jt, unsigned int jf)
{
	if (g->n < g->max)
		g->p[g->max - g->n - 1] = (struct sock_filter){ code, (uint8_t)jt, (uint8_t)jf, k };
	g->n++;
}

static void op(struct gen *g, uint16_t code, uint32_t k)
{
	put(g, code, k, 0, 0);
}

/* Make what comes next (forward) continue at l. */
static void go(struct gen *g, unsigned int l)
{
	if (l != g->n)
		op(g, BPF_JMP | BPF_JA, g->n - l);
}

/* l, or a trampoline to it: reachable from the jump written next (a second one may follow). */
static unsigned int near(struct gen *g, unsigned int l)
{
	unsigned int *t = g->tramp[l & 3];

	if (g->n - l <= 254)
		return l;
	if (t[0] != l || g->n - t[1] > 254) {
		op(g, BPF_JMP | BPF_JA, g->n - l);
		t[0] = l;
		t[1] = g->n;
	}
	return t[1];
}

static void jeq(struct gen *g, uint32_t k, unsigned int t, unsigned int f)
{
	t = near(g, t);
	f = near(g, f);
	put(g, BPF_JMP | BPF_JEQ | BPF_K, k, g->n - t, g->n - f);
}

/* Forward: A = offset of path[0] (top level), then of each nested in the previous; absent: miss. */
static void find(struct gen *g, const uint8_t *path, unsigned int n, unsigned int miss)
{
	while (n--) {
		jeq(g, 0, miss, g->n);
		op(g, BPF_LD | BPF_W | BPF_ABS,
		   (uint32_t)(SKF_AD_OFF + (n ? SKF_AD_NLATTR_NEST : SKF_AD_NLATTR)));
		op(g, BPF_LDX | BPF_IMM, path[n]);
	}
	op(g, BPF_LD | BPF_IMM, ATTRS);
}

/* Forward: A = the original l4 protocol; 0 if absent, as the parser leaves ct->orig.l4. */
static void l4(struct gen *g)
{
	static const uint8_t path[] = { CTA_TUPLE_ORIG, CTA_TUPLE_PROTO, CTA_PROTO_NUM };
	unsigned int done = g->n;

	op(g, BPF_LD | BPF_B | BPF_IND, 4);
	op(g, BPF_MISC | BPF_TAX, 0);
	find(g, path, 3, done);
}

/* Forward: A in the bitmap: hit, else miss. */
static void in_set(struct gen *g, const uint8_t *bits, unsigned int nbits, unsigned int hit,
		   unsigned int miss)
{
	unsigned int next = miss;

	for (unsigned int i = nbits; i--;)
		if (bits[i >> 3] & (1u << (i & 7))) {
			jeq(g, i, hit, next);
			next = g->n;
		}
	go(g, next);
}

/* Address word w (0..3) as a cBPF word load reads it: network order. */
static uint32_t word(const union ct_addr *a, unsigned int w)
{
	const uint8_t *b = a->b + 4 * w;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t mask(int bits)
{
	return bits >= 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
}

/* Forward, X = a CTA_IP_V4_SRC: in an IPv4 net, hit, else miss. Nets grouped by prefix. */
static void nets4(struct gen *g, const struct cfg_filter *f, unsigned int hit, unsigned int miss)
{
	unsigned int next = miss;

	for (int p = 0; p <= 32; p++) {
		unsigned int from = next;

		for (unsigned int i = f->n_nets; i--;) {
			const struct cfg_net *n = &f->nets[i];

			if (n->family == AF_INET && n->prefix == p) {
				jeq(g, word(&n->addr, 0) & mask(p), hit, next);
				next = g->n;
			}
		}
		if (next == from)
			continue;
		if (p < 32)
			op(g, BPF_ALU | BPF_AND | BPF_K, mask(p));
		op(g, BPF_LD | BPF_W | BPF_IND, 4);
		next = g->n;
	}
	go(g, next);
}

/* Forward, X = a CTA_IP_V6_SRC: in an IPv6 net, hit, else miss. Word by word per net. */
static void nets6(struct gen *g, const struct cfg_filter *f, unsigned int hit, unsigned int miss)
{
	unsigned int next = miss;

	for (unsigned int i = f->n_nets; i--;) {
		const struct cfg_net *n = &f->nets[i];
		unsigned int to = hit;

		if (n->family != AF_INET6)
			continue;
		for (int w = 3; w >= 0; w--) {
			int bits = n->prefix - 32 * w;

			if (bits <= 0)
				continue;
			jeq(g, word(&n->addr, (unsigned int)w) & mask(bits), to, next);
			if (bits < 32)
				op(g, BPF_ALU | BPF_AND | BPF_K, mask(bits));
			op(g, BPF_LD | BPF_W | BPF_IND, 4 + 4 * (uint32_t)w);
			to = g->n;
		}
		if (to == hit) /* ::/0 */
			go(g, hit);
		next = g->n;
	}
	go(g, next);
}

/*
 * Forward: the original source, then the reply source, of the family the
 * original carries, in a listed net: hit, else miss. No original address:
 * nodecide (the daemon's sanity check drops the entry).
 */
static void addrs(struct gen *g, const struct cfg_filter *f, unsigned int hit, unsigned int miss,
		  unsigned int nodecide)
{
	static const uint8_t orig[] = { CTA_TUPLE_ORIG, CTA_TUPLE_IP };
	uint8_t reply[] = { CTA_TUPLE_REPLY, CTA_TUPLE_IP, 0 };
	unsigned int entry[2], next = nodecide;

	for (int v6 = 1; v6 >= 0; v6--) {
		uint8_t src = v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
		void (*nets)(struct gen *, const struct cfg_filter *, unsigned int, unsigned int) =
			v6 ? nets6 : nets4;
		bool any = false;

		for (unsigned int i = 0; i < f->n_nets; i++)
			any |= f->nets[i].family == (v6 ? AF_INET6 : AF_INET);
		entry[v6] = miss;
		if (any) {
			nets(g, f, hit, miss);
			op(g, BPF_MISC | BPF_TAX, 0);
			reply[2] = src;
			find(g, reply, 3, miss);
			nets(g, f, hit, g->n);
			op(g, BPF_MISC | BPF_TAX, 0);
			entry[v6] = g->n;
		}
		jeq(g, 0, next, entry[v6]);
		op(g, BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR_NEST));
		op(g, BPF_LDX | BPF_IMM, src);
		op(g, v6 ? BPF_LD | BPF_MEM : BPF_ST, M_IP);
		next = g->n;
	}
	find(g, orig, 2, nodecide);
}

/* nlmsg_type (host order in the message) as a cBPF halfword load reads it. */
static uint32_t msg_type(uint8_t msg)
{
	uint16_t t = (uint16_t)(CTNL_SUBSYS_CT << 8 | msg);
	uint8_t b[2];

	memcpy(b, &t, 2);
	return (uint32_t)b[0] << 8 | b[1];
}

static int gen(const struct cfg_filter *f, struct sock_filter *prog, unsigned int max, bool addr)
{
	struct gen g = { .p = prog, .max = max };
	unsigned int drop, acc, next;
	bool keep_l4 = f->has_proto && f->has_state;

	op(&g, BPF_RET | BPF_K, 0);
	drop = g.n;
	op(&g, BPF_RET | BPF_K, ACCEPT);
	acc = next = g.n;
	if (f->has_state) {
		static const uint8_t path[] = { CTA_PROTOINFO, CTA_PROTOINFO_TCP,
						CTA_PROTOINFO_TCP_STATE };
		uint8_t st[2] = { (uint8_t)f->tcp_states, (uint8_t)(f->tcp_states >> 8) };
		unsigned int skip = next;

		in_set(&g, st, 16, f->state_ignore ? drop : next, f->state_ignore ? next : drop);
		op(&g, BPF_LD | BPF_B | BPF_IND, 4);
		op(&g, BPF_MISC | BPF_TAX, 0);
		find(&g, path, 3, skip);
		jeq(&g, IPPROTO_TCP, g.n, skip);
		if (keep_l4)
			op(&g, BPF_LD | BPF_MEM, M_L4);
		else
			l4(&g);
		/* the State kind is not applied to destroy events */
		jeq(&g, msg_type(CTNL_MSG_CT_DELETE), skip, g.n);
		op(&g, BPF_LD | BPF_H | BPF_ABS, TYPE_OFF);
		next = g.n;
	}
	if (addr && f->has_addr) {
		addrs(&g, f, f->addr_ignore ? drop : next, f->addr_ignore ? next : drop, next);
		next = g.n;
	}
	if (f->has_proto) {
		in_set(&g, f->protos, 256, f->proto_ignore ? drop : next,
		       f->proto_ignore ? next : drop);
		if (keep_l4)
			op(&g, BPF_ST, M_L4);
		l4(&g);
		next = g.n;
	}
	/* only conntrack NEW (also updates) and DELETE messages are judged */
	jeq(&g, msg_type(CTNL_MSG_CT_DELETE), next, acc);
	jeq(&g, msg_type(CTNL_MSG_CT_NEW), next, g.n);
	op(&g, BPF_LD | BPF_H | BPF_ABS, TYPE_OFF);
	if (g.n > max)
		return -ENOSPC;
	memmove(prog, prog + (max - g.n), g.n * sizeof(*prog));
	return (int)g.n;
}

int bpf_build(const struct cfg_filter *f, struct sock_filter *prog, unsigned int max,
	      bool *complete)
{
	int r;

	if (!f->has_proto && !f->has_addr && !f->has_state)
		return -EINVAL;
	r = gen(f, prog, max, true);
	*complete = r > 0;
	/* without Address, a program would be worth running only for the other kinds */
	if (r < 0 && f->has_addr && (f->has_proto || f->has_state))
		r = gen(f, prog, max, false);
	return r;
}
