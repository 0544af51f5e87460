// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's side of ctnetlink: events, dumps, origin tracking and batched writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/netlink.h>

#include "core/bpf.h"
#include "core/kernel.h"
#include "core/nl.h"
#include "proto/ctnl.h"

/*
 * Receive buffers per job: an event is a few hundred bytes; dumps fill
 * whatever the buffer allows (the kernel caps dump datagrams at 32 KiB).
 */
#define RX_EVENT (64 * 1024) /* 32 event slots per recvmmsg */
#define RX_DUMP (32 * 1024)
#define RX_ACK (16 * 1024)

/* Largest request the daemon builds: a conntrack with every attribute. */
#define REQ_MAX 1024

/*
 * Events in flight: one just parsed, one whose hash bucket is on its way
 * into the CPU cache, one being handled. Handling an event is mostly
 * waiting for the cache's memory; the two behind it hide that wait.
 */
#define PIPE 3

struct walk {
	struct kern *k;
	kern_fn fn;
	kern_hint_fn hint;
	void *arg;
	unsigned long *bad;
	unsigned int head, n; /* oldest slot of m[] not yet handled, how many */
	int err;	      /* what fn stopped the reader with */
	struct kern_msg m[PIPE];
};

static struct nl *open_cmd(void)
{
	struct nl *nl = nl_open_rx(0, RX_ACK);

	if (nl)
		nl_set_opt(nl, NETLINK_CAP_ACK, 1);
	return nl;
}

int kern_open(struct kern *k, uint32_t groups)
{
	memset(k, 0, sizeof(*k));
	k->dump = nl_open_rx(0, RX_DUMP);
	k->async = nl_open_rx(0, RX_DUMP);
	k->commit = open_cmd();
	k->inject = open_cmd();
	k->flush = open_cmd();
	if (!k->dump || !k->async || !k->commit || !k->inject || !k->flush)
		goto fail;
	if (nl_set_nonblock(k->async))
		goto fail;
	if (groups) {
		k->walk = malloc(sizeof(struct walk));
		if (!k->walk)
			goto fail;
		k->groups = groups;
		k->ev = nl_open_rx(groups, RX_EVENT);
		if (!k->ev || nl_set_nonblock(k->ev))
			goto fail;
		k->evbuf = nl_rcvbuf(k->ev);
	}
	return 0;
fail : {
	int err = errno ? -errno : -ENOMEM;

	kern_close(k);
	return err;
}
}

int kern_mute(struct kern *k, bool mute)
{
	int opt = mute ? NETLINK_DROP_MEMBERSHIP : NETLINK_ADD_MEMBERSHIP;

	if (!k->ev)
		return 0;
	for (int g = 1; g <= 32; g++) {
		if (!(k->groups & (1u << (g - 1))))
			continue;
		if (nl_set_sockopt_int(k->ev, SOL_NETLINK, opt, g))
			return -errno;
	}
	return 0;
}

void kern_close(struct kern *k)
{
	free(k->walk);
	nl_close(k->ev);
	nl_close(k->dump);
	nl_close(k->async);
	nl_close(k->commit);
	nl_close(k->inject);
	nl_close(k->flush);
	memset(k, 0, sizeof(*k));
}

enum kern_origin kern_origin(const struct kern *k, uint32_t portid)
{
	if (!portid)
		return KERN_NOT_ME;
	if (k->commit && portid == nl_portid(k->commit))
		return KERN_COMMIT;
	if (k->inject && portid == nl_portid(k->inject))
		return KERN_INJECT;
	if (k->flush && portid == nl_portid(k->flush))
		return KERN_FLUSH;
	return KERN_NOT_ME;
}

static int parse(const struct kern *k, const struct nlmsghdr *nlh, struct kern_msg *m)
{
	m->origin = kern_origin(k, nlh->nlmsg_pid);
	m->hinted = false;
	m->is_exp = nlh->nlmsg_type >> 8 == CTNL_SUBSYS_EXP;
	if (m->is_exp)
		return ctnl_parse_exp(nlh, &m->exp, &m->kind);
	return ctnl_parse_ct(nlh, &m->ct, &m->kind);
}

static int on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct walk *w = arg;

	if (parse(w->k, nlh, &w->m[0])) {
		(*w->bad)++;
		return 0;
	}
	return w->fn(w->arg, &w->m[0]);
}

/* The event reader: parse into the pipeline, hand the oldest on once it is full. */
static int on_event(const struct nlmsghdr *nlh, void *arg)
{
	struct walk *w = arg;
	struct kern_msg *m = &w->m[(w->head + w->n) % PIPE];
	int r;

	if (parse(w->k, nlh, m)) {
		(*w->bad)++;
		return 0;
	}
	if (w->hint) {
		w->hint(w->arg, m, 0);
		if (w->n)
			w->hint(w->arg, &w->m[(w->head + w->n - 1) % PIPE], 1);
	}
	if (++w->n < PIPE)
		return 0;
	r = w->fn(w->arg, &w->m[w->head]);
	w->head = (w->head + 1) % PIPE;
	w->n--;
	if (r < 0)
		w->err = r;
	return r;
}

/* The slots hold copies: what the last batch parsed is handled after it. */
static void drain(struct walk *w)
{
	while (w->n && !w->err) {
		int r = w->fn(w->arg, &w->m[w->head]);

		w->head = (w->head + 1) % PIPE;
		w->n--;
		if (r < 0)
			w->err = r;
	}
}

int kern_read_events(struct kern *k, unsigned int limit, kern_fn fn, kern_hint_fn hint, void *arg,
		     unsigned long *bad)
{
	struct walk *w = k->walk;
	unsigned int n = 0, cut = 0;
	int r = 0;

	w->k = k;
	w->fn = fn;
	w->hint = hint;
	w->arg = arg;
	w->bad = bad;
	w->head = w->n = 0;
	w->err = 0;
	/* Many events per system call: the per-call cost, not the copy, dominated. */
	while (n < limit) {
		r = nl_recv_event_batch(k->ev, limit - n, on_event, w, &cut);
		if (r <= 0)
			break;
		n += (unsigned int)r;
	}
	drain(w);
	if (w->err < 0)
		r = w->err;
	*bad += cut;
	if (r == -EAGAIN || r == -EWOULDBLOCK || r == -EINTR)
		r = 0;
	return r < 0 ? r : (int)n;
}

static int build_dump(char *buf, struct nl *nl, bool exp)
{
	if (exp)
		return ctnl_build_simple(buf, REQ_MAX, CTNL_SUBSYS_EXP, CTNL_MSG_EXP_GET,
					 NLM_F_DUMP, 0, nl_seq(nl));
	return ctnl_build_dump(buf, REQ_MAX, CTNL_MSG_CT_GET, 0, nl_seq(nl), NULL);
}

int kern_dump(struct kern *k, bool exp, kern_fn fn, void *arg, unsigned long *bad)
{
	char req[REQ_MAX];
	struct walk *w;
	int r = build_dump(req, k->dump, exp);

	if (r < 0)
		return r;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct walk){ .k = k, .fn = fn, .arg = arg, .bad = bad };
	r = nl_talk(k->dump, req, on_msg, w);
	free(w);
	return r;
}

int kern_async_start(struct kern *k)
{
	char req[REQ_MAX];
	int r = build_dump(req, k->async, false);

	return r < 0 ? r : nl_dump_start(k->async, req);
}

int kern_async_step(struct kern *k, kern_fn fn, void *arg, unsigned long *bad)
{
	struct walk *w = malloc(sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	*w = (struct walk){ .k = k, .fn = fn, .arg = arg, .bad = bad };
	r = nl_dump_step(k->async, on_msg, w);
	free(w);
	return r;
}

int kern_filter(struct kern *k, const struct cfg_filter *f, bool *complete)
{
	struct sock_filter *prog = malloc(BPF_MAXINSNS * sizeof(*prog));
	struct sock_fprog fp = { .filter = prog };
	bool all = false;
	int n = -ENOMEM;

	if (prog)
		n = bpf_build(f, prog, BPF_MAXINSNS, &all);
	if (n > 0) {
		fp.len = (unsigned short)n;
		n = setsockopt(nl_fd(k->ev), SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) ? -errno
											    : 0;
	}
	free(prog);
	*complete = !n && all;
	return n;
}

int kern_set_evbuf(struct kern *k, size_t bytes)
{
	/* The kernel doubles what it is given; upstream asks for half to end at the figure set. */
	return nl_set_rcvbuf(k->ev, bytes / 2, &k->evbuf);
}

int kern_batch_init(struct kern_batch *b, struct nl *nl, unsigned int max)
{
	memset(b, 0, sizeof(*b));
	b->nl = nl;
	b->max = max;
	b->cap = (size_t)max * REQ_MAX;
	b->buf = malloc(b->cap);
	b->token = malloc(max * sizeof(*b->token));
	b->err = malloc(max * sizeof(*b->err));
	if (!b->buf || !b->token || !b->err) {
		kern_batch_free(b);
		return -ENOMEM;
	}
	return 0;
}

void kern_batch_free(struct kern_batch *b)
{
	free(b->buf);
	free(b->token);
	free(b->err);
	memset(b, 0, sizeof(*b));
}

static int batch_room(struct kern_batch *b)
{
	if (b->n == b->max || b->cap - b->len < REQ_MAX)
		return -ENOSPC;
	return 0;
}

static void batch_took(struct kern_batch *b, int len, uint32_t seq, uint32_t token)
{
	if (!b->n)
		b->first_seq = seq;
	b->token[b->n++] = token;
	b->last = b->len;
	b->len += (size_t)len;
}

int kern_batch_ct(struct kern_batch *b, uint16_t msg, uint16_t flags, const struct ct *ct,
		  uint32_t token)
{
	uint32_t seq;
	int len;

	if (batch_room(b))
		return -ENOSPC;
	seq = nl_seq(b->nl);
	len = ctnl_build_ct(b->buf + b->len, REQ_MAX, msg, flags,
			    ct->orig.l3 ? ct->orig.l3 : ct->family, seq, ct);
	if (len < 0)
		return len;
	batch_took(b, len, seq, token);
	return 0;
}

int kern_batch_exp(struct kern_batch *b, uint16_t msg, uint16_t flags, const struct ct_exp *e,
		   uint32_t token)
{
	uint32_t seq;
	int len;

	if (batch_room(b))
		return -ENOSPC;
	seq = nl_seq(b->nl);
	len = ctnl_build_exp(b->buf + b->len, REQ_MAX, msg, flags, e->family, seq, e);
	if (len < 0)
		return len;
	batch_took(b, len, seq, token);
	return 0;
}

int kern_batch_flush(struct kern_batch *b, void (*done)(void *arg, uint32_t token, int err),
		     void *arg)
{
	int r = 0;

	if (!b->n)
		return 0;
	/*
	 * Only the last request asks for an ack: the kernel answers the
	 * others only if they fail. Half the messages, no ack to read per entry.
	 */
	((struct nlmsghdr *)(void *)(b->buf + b->last))->nlmsg_flags |= NLM_F_ACK;
	r = nl_send_batch(b->nl, b->buf, b->len);
	if (!r)
		r = nl_collect_errors(b->nl, b->first_seq, b->n, b->err);
	for (unsigned int i = 0; i < b->n; i++)
		done(arg, b->token[i], r ? r : b->err[i]);
	b->n = 0;
	b->len = 0;
	return r;
}
