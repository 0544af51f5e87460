// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: -D on the conntrack table. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "applets/ct_run.h"
#include "core/nl.h"
#include "proto/ctnl.h"

/*
 * Three ways to delete, all printing the same lines in the same order:
 *
 *  - pipelined (two or more usable CPUs): the main thread dumps, filters and
 *    encodes deletes by tuple, zone and id; a worker sends them in batches,
 *    collects the acks and prints what was deleted. The kernel works on the
 *    dump and on the deletes at the same time, on two CPUs, and only the
 *    entries that were listed are deleted.
 *  - filtered flush (one CPU, a filter the kernel applies exactly): list the
 *    matches, then one flush per family deletes them: two table walks, no
 *    message per entry.
 *  - batched (one CPU otherwise): as pipelined, without the worker.
 */

/*
 * Deletes per sendmsg: one ack round trip per batch instead of per entry.
 * The first batch is small and each next one doubles, so a reader that
 * stops early (-D | head -1) costs few deletes it never saw.
 */
#define DEL_BATCH 256
#define DEL_FIRST 16
/* Room one delete request may take while it is encoded (a v6 one needs ~120 B). */
#define DEL_MSG_MAX 512
#define DEL_BUF (DEL_BATCH * 128 + DEL_MSG_MAX)
/* Batches in the pipeline: one being filled, one in flight, one spare. */
#define DEL_SLOTS 3

struct del_batch {
	unsigned int n;
	uint32_t first_seq;
	size_t off;
	int errs[DEL_BATCH];
	struct ct pending[DEL_BATCH];
	char buf[DEL_BUF] __attribute__((aligned(8)));
};

struct del_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	struct print_opts po;
	int quiet;	  /* entries were listed already: delete without printing */
	unsigned int bad; /* malformed dump messages (main thread) */
	unsigned int nslots;
	unsigned int
		limit; /* entries in the batch being filled: DEL_FIRST doubling up to DEL_BATCH */
	int threaded;
	int stopped; /* a fatal error reached the main thread: stop filling */
	/* Shared with the worker, under lock; slots[head % nslots] is the main thread's. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int head; /* batches handed over */
	unsigned int tail; /* batches done */
	int closing;
	int err; /* first fatal per-entry error; stops everything */
	pthread_t worker;
	struct del_batch slots[];
};

/* Send one batch, wait for its acks, print what was deleted. Returns 0 or the first fatal error. */
static int del_process(struct del_state *s, struct del_batch *b)
{
	struct ct_ctx *c = s->c;
	int r, err = 0;

	r = nl_send_batch(c->mod, b->buf, b->off);
	if (!r)
		r = nl_collect_acks(c->mod, b->first_seq, b->n, b->errs);
	for (unsigned int i = 0; i < b->n; i++) {
		int e = r ? r : b->errs[i];

		/* An entry that timed out between dump and delete is not an error. */
		if (e == -ENOENT)
			continue;
		if (e) {
			if (!err)
				err = e;
			continue;
		}
		if (s->quiet)
			continue;
		print_ct(&c->out, &b->pending[i],
			 (s->po.flags & PRINT_SAVE) ? CT_MSG_DESTROY : CT_MSG_UNKNOWN, &s->po);
		c->count++;
	}
	/*
	 * The batch's lines go out before the next batch is sent: when the
	 * reader has gone (SIGPIPE, or EPIPE if ignored) no further deletes
	 * are issued, so at most one batch is deleted beyond what was written.
	 */
	if (!s->quiet && out_flush(&c->out) < 0 && !err)
		err = c->out.err;
	b->n = 0;
	b->off = 0;
	return err;
}

static void *del_worker(void *arg)
{
	struct del_state *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct del_batch *b;
		int r = 0;

		while (s->tail == s->head && !s->closing)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->tail == s->head)
			break;
		b = &s->slots[s->tail % s->nslots];
		pthread_mutex_unlock(&s->lock);
		/* After a fatal error the rest is dropped, as upstream stops at the first one. */
		if (!s->err) {
			r = del_process(s, b);
		} else {
			b->n = 0;
			b->off = 0;
		}
		pthread_mutex_lock(&s->lock);
		if (r && !s->err)
			s->err = r;
		s->tail++;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static struct del_batch *del_cur(struct del_state *s)
{
	return &s->slots[s->head % s->nslots];
}

/*
 * Hand the filled batch over (or run it here); returns the first fatal error
 * so far. After one, the main thread never touches a slot again: the one at
 * head may still be the worker's.
 */
static int del_submit(struct del_state *s)
{
	struct del_batch *b = del_cur(s);
	int err;

	if (s->stopped || !b->n)
		return s->stopped;
	if (s->limit < DEL_BATCH)
		s->limit *= 2;
	if (!s->threaded) {
		err = del_process(s, b);
		if (err && !s->err)
			s->err = err;
		s->stopped = !!s->err;
		return s->stopped;
	}
	pthread_mutex_lock(&s->lock);
	s->head++;
	pthread_cond_broadcast(&s->cond);
	while (s->head - s->tail == s->nslots && !s->err)
		pthread_cond_wait(&s->cond, &s->lock);
	err = s->err;
	pthread_mutex_unlock(&s->lock);
	s->stopped = !!err;
	return s->stopped;
}

/* Submit the last batch, wait until everything was sent, acked and printed; retire the worker. */
static void del_finish(struct del_state *s)
{
	del_submit(s);
	if (!s->threaded)
		return;
	pthread_mutex_lock(&s->lock);
	s->closing = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->worker, NULL);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	s->threaded = 0;
}

static int del_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct del_state *s = arg;
	struct del_batch *b;
	struct ct *ct, key;
	uint32_t seq;
	int len;

	if (s->stopped)
		return 1;
	b = del_cur(s);
	ct = &b->pending[b->n];
	if (ctnl_parse_ct(nlh, ct, NULL) < 0) {
		s->bad++;
		return 0;
	}
	if (!ct_filter_match(s->cmd, ct))
		return 0;
	/* Tuple, zone and id name exactly this entry, not a later one with the same tuple. */
	memset(&key, 0, sizeof(key));
	key.orig = ct->orig;
	ct_set(&key, CT_ORIG);
	if (ct_has(ct, CT_ZONE)) {
		key.zone = ct->zone;
		ct_set(&key, CT_ZONE);
	}
	if (ct_has(ct, CT_ID)) {
		key.id = ct->id;
		ct_set(&key, CT_ID);
	}
	seq = nl_seq(s->c->mod);
	if (!b->n)
		b->first_seq = seq;
	len = ctnl_build_ct(b->buf + b->off, DEL_MSG_MAX, CTNL_MSG_CT_DELETE, NLM_F_ACK,
			    ct->orig.l3, seq, &key);
	if (len < 0)
		return len;
	b->off += (size_t)((len + 3) & ~3);
	b->n++;
	if (b->n == s->limit || b->off + DEL_MSG_MAX > DEL_BUF)
		return del_submit(s);
	return 0;
}

/* Dump family with the kernel filter, deleting every entry that passes ours. */
static int del_dump(struct del_state *s, uint8_t family)
{
	struct ct_ctx *c = s->c;
	struct ctnl_filter f;
	int len;

	/* Upstream never sends the status filter for -D; the userspace filter decides. */
	ct_kernel_filter(s->cmd, family, &f, 0);
	len = ctnl_build_dump(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_GET, family, nl_seq(c->nl), &f);
	if (len < 0)
		return len;
	return nl_talk(c->nl, c->nlbuf, del_cb, s);
}

/* ---- delete by filtered flush: print what matches, then one request deletes it ---- */

#define OPTB(o) (1ULL << (o))

/*
 * True when the kernel's flush filter selects exactly the entries upstream's
 * -D filter would: IPv4 addresses (the kernel's IPv6 match is inverted),
 * protocol, TCP/UDP ports and mark, nothing else.
 */
static int del_flush_exact(const struct ct_cmd *cmd)
{
	/*
	 * -w is admitted too: the kernel's zone match is wider (it also takes
	 * directional zones), so run_delete_flush checks that the listing found
	 * no such entry before it trusts a flush with it.
	 */
	const uint64_t ok = OPTB(OPT_SRC) | OPTB(OPT_DST) | OPTB(OPT_REPL_SRC) |
			    OPTB(OPT_REPL_DST) | OPTB(OPT_PROTO) | OPTB(OPT_MARK) |
			    OPTB(OPT_FAMILY) | OPTB(OPT_OUTPUT) | OPTB(OPT_ZONE);
	const uint64_t addrs =
		OPTB(OPT_SRC) | OPTB(OPT_DST) | OPTB(OPT_REPL_SRC) | OPTB(OPT_REPL_DST);
	const uint64_t meta = (UINT64_C(1) << CT_TCP_STATE) | (UINT64_C(1) << CT_SCTP_STATE) |
			      (UINT64_C(1) << CT_SCTP_VTAG_ORIG) |
			      (UINT64_C(1) << CT_SCTP_VTAG_REPLY) | (UINT64_C(1) << CT_DCCP_STATE) |
			      (UINT64_C(1) << CT_DCCP_ROLE);
	const struct ct_tuple *t[2] = { &cmd->tmpl.orig, &cmd->tmpl.reply };

	if (ct_kfilter_off() || (cmd->options & ~ok) || (cmd->tmpl.present & meta))
		return 0;
	if ((cmd->options & addrs) && cmd->family != AF_INET)
		return 0;
	for (int i = 0; i < 2; i++) {
		uint16_t extra = t[i]->present & (uint16_t) ~(CT_T_SRC | CT_T_DST | CT_T_PROTO);

		if (extra & (uint16_t) ~(CT_T_SPORT | CT_T_DPORT))
			return 0;
		if (extra && t[i]->l4 != 6 && t[i]->l4 != 17)
			return 0;
	}
	return 1;
}

struct show_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	struct print_opts *po;
	unsigned int bad;
	unsigned int wider; /* entries the kernel's filter passed and ours did not */
};

static int show_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct show_state *s = arg;
	struct ct ct;

	if (ctnl_parse_ct(nlh, &ct, NULL) < 0) {
		s->bad++;
		return 0;
	}
	if (!ct_filter_match(s->cmd, &ct)) {
		s->wider++;
		return 0;
	}
	print_ct(&s->c->out, &ct, (s->po->flags & PRINT_SAVE) ? CT_MSG_DESTROY : CT_MSG_UNKNOWN,
		 s->po);
	s->c->count++;
	return 0;
}

/* One flush for family; a known family travels only inside CTA_FILTER, even an empty one. */
static int del_flush_family(struct ct_cmd *cmd, struct ct_ctx *c, uint8_t family)
{
	struct ctnl_filter f;
	int len;

	ct_kernel_filter(cmd, family, &f, 0);
	if (family)
		f.flags |= CTNL_F_TUPLE;
	len = ctnl_build_flush(c->nlbuf, NLBUF_SIZE, family, nl_seq(c->nl), &f);
	if (len < 0)
		return len;
	return nl_talk(c->nl, c->nlbuf, NULL, NULL);
}

/* List the matches, then flush them; returns 0 or -errno. */
static int del_by_flush(struct del_state *ds)
{
	struct ct_cmd *cmd = ds->cmd;
	struct ct_ctx *c = ds->c;
	struct show_state s = { .cmd = cmd, .c = c, .po = &ds->po };
	struct ctnl_filter f;
	int len, r;

	ct_kernel_filter(cmd, cmd->family, &f, 0);
	len = ctnl_build_dump(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_GET, cmd->family, nl_seq(c->nl),
			      &f);
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, show_cb, &s);
	ds->bad = s.bad;
	/* Nothing is deleted unless every line could be written. */
	if (out_flush(&c->out) < 0 && r >= 0)
		r = c->out.err;
	if (r < 0 || !c->count)
		return r;
	if (s.wider && (cmd->options & OPTB(OPT_ZONE))) {
		/*
		 * The zone filter let through entries ours rejects: a flush would
		 * take them too. Delete the listed set entry by entry, quietly.
		 */
		unsigned int shown = c->count;

		if (ct_open_mod(c) < 0)
			return -errno;
		ds->quiet = 1;
		r = del_dump(ds, cmd->family);
		del_finish(ds);
		c->count = shown;
		return ds->err ? ds->err : r;
	}
	ct_kernel_filter(cmd, AF_INET, &f, 0);
	/* Tuple filters need a family: without -f, one flush per family. */
	if (!cmd->family && (f.flags & CTNL_F_TUPLE)) {
		r = del_flush_family(cmd, c, AF_INET);
		if (!r)
			r = del_flush_family(cmd, c, AF_INET6);
		return r;
	}
	return del_flush_family(cmd, c, cmd->family);
}

/* Returns 1 when the worker runs (lock and cond then live until del_finish). */
static int del_start_worker(struct del_state *s)
{
	if (pthread_mutex_init(&s->lock, NULL))
		return 0;
	if (!pthread_cond_init(&s->cond, NULL)) {
		s->threaded = !pthread_create(&s->worker, NULL, del_worker, s);
		if (s->threaded)
			return 1;
		pthread_cond_destroy(&s->cond);
	}
	pthread_mutex_destroy(&s->lock);
	return 0;
}

int ct_run_delete(struct ct_cmd *cmd, struct ct_ctx *c)
{
	int multi = ct_cpus() > 1;
	unsigned int nslots = multi ? DEL_SLOTS : 1;
	/* Only -D pays for its batches (~180 KiB each): on the heap, not in every applet's bss. */
	struct del_state *s = malloc(sizeof(*s) + nslots * sizeof(struct del_batch));
	int r, ret;

	if (!s)
		return ct_fail(c, -ENOMEM, cmd->command);
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < nslots; i++)
		s->slots[i].n = s->slots[i].off = 0;
	s->cmd = cmd;
	s->c = c;
	s->nslots = nslots;
	s->limit = DEL_FIRST;
	s->po = c->po;
	/* Upstream's -D shows neither labels nor kernel timestamps. */
	s->po.flags &= ~(uint32_t)(PRINT_KTIMESTAMP | PRINT_LABELS);
	s->po.map = NULL;
	if (!multi && del_flush_exact(cmd)) {
		r = del_by_flush(s);
	} else if (ct_open_mod(c) < 0) {
		r = -errno;
	} else {
		/* With no worker, the batches run inline: same lines, one CPU. */
		if (!multi || !del_start_worker(s))
			s->nslots = 1;
		r = del_dump(s, cmd->family);
		del_finish(s);
		if (s->err)
			r = s->err;
	}
	out_flush(&c->out);
	ct_report_bad(s->bad);
	if (r < 0)
		ret = ct_fail(c, r, cmd->command);
	else if (c->batch)
		ret = 0;
	else {
		ct_summary(c->count, "flow entries have been deleted.");
		ret = c->count ? 0 : 1;
	}
	free(s);
	return ret;
}
