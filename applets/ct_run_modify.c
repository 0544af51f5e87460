// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: commands that change the table (-I, -A, -U, -D). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "applets/ct_run.h"
#include "core/nl.h"
#include "proto/ctnl.h"

/* Deletes in flight per sendmsg: one ack round trip per batch instead of per entry. */
#define DEL_BATCH 256
#define DEL_MSG_MAX 512

static int has_opt(const struct ct_cmd *cmd, enum ct_opt o)
{
	return !!(cmd->options & (1ULL << o));
}

static int run_create(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct ct ct = cmd->tmpl;
	uint16_t flags = NLM_F_CREATE | NLM_F_ACK;
	int len, r;

	/* The kernel refuses (EBUSY) a create that is not marked confirmed. */
	ct.status |= CT_IPS_CONFIRMED;
	ct_set(&ct, CT_STATUS);
	if (has_opt(cmd, OPT_ADD_LABEL)) {
		memcpy(ct.labels, cmd->label_add, sizeof(ct.labels));
		ct.labels_len = CT_LABELS_BYTES;
		ct_set(&ct, CT_LABELS);
	}
	if (cmd->command == CMD_CT_CREATE)
		flags |= NLM_F_EXCL;
	len = ctnl_build_ct(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_NEW, flags, cmd->family,
			    nl_seq(c->nl), &ct);
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, NULL, NULL);
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	if (!c->batch)
		ct_summary(1, cmd->command == CMD_CT_CREATE ? "flow entries have been created."
							     : "flow entries have been added.");
	return 0;
}

/* ---- delete: dump on the main socket, batched deletes on the second one ---- */

struct del_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	struct print_opts po;
	unsigned int n;
	uint32_t first_seq;
	size_t off;
	int err;		/* first fatal per-entry error */
	int quiet;		/* entries were listed already: delete without printing */
	unsigned int bad;
	struct ct pending[DEL_BATCH];
	int errs[DEL_BATCH];
	char buf[DEL_BATCH * DEL_MSG_MAX] __attribute__((aligned(8)));
};

static int del_flush(struct del_state *s)
{
	struct ct_ctx *c = s->c;
	int r;

	if (!s->n)
		return 0;
	r = nl_send_batch(c->mod, s->buf, s->off);
	if (!r)
		r = nl_collect_acks(c->mod, s->first_seq, s->n, s->errs);
	for (unsigned int i = 0; i < s->n; i++) {
		int e = r ? r : s->errs[i];

		/* An entry that timed out between dump and delete is not an error. */
		if (e == -ENOENT)
			continue;
		if (e) {
			if (!s->err)
				s->err = e;
			continue;
		}
		if (s->quiet)
			continue;
		print_ct(&c->out, &s->pending[i],
			 (s->po.flags & PRINT_SAVE) ? CT_MSG_DESTROY : CT_MSG_UNKNOWN, &s->po);
		c->count++;
	}
	s->n = 0;
	s->off = 0;
	return s->err;
}

static int del_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct del_state *s = arg;
	struct ct *ct = &s->pending[s->n];
	struct ct key;
	uint32_t seq;
	int len;

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
	if (!s->n)
		s->first_seq = seq;
	len = ctnl_build_ct(s->buf + s->off, DEL_MSG_MAX, CTNL_MSG_CT_DELETE, NLM_F_ACK,
			    ct->orig.l3, seq, &key);
	if (len < 0)
		return len;
	s->off += (size_t)((len + 3) & ~3);
	if (++s->n == DEL_BATCH && del_flush(s))
		return 1;
	return 0;
}

static int del_dump(struct ct_cmd *cmd, struct ct_ctx *c, struct del_state *s, uint8_t family)
{
	struct ctnl_filter f;
	int len;

	ct_kernel_filter(cmd, family, &f, 0);
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
	const uint64_t addrs = OPTB(OPT_SRC) | OPTB(OPT_DST) | OPTB(OPT_REPL_SRC) |
			       OPTB(OPT_REPL_DST);
	const uint64_t meta = (UINT64_C(1) << CT_TCP_STATE) | (UINT64_C(1) << CT_SCTP_STATE) |
			      (UINT64_C(1) << CT_SCTP_VTAG_ORIG) |
			      (UINT64_C(1) << CT_SCTP_VTAG_REPLY) |
			      (UINT64_C(1) << CT_DCCP_STATE) | (UINT64_C(1) << CT_DCCP_ROLE);
	const struct ct_tuple *t[2] = { &cmd->tmpl.orig, &cmd->tmpl.reply };

	if (ct_kfilter_off() || (cmd->options & ~ok) || (cmd->tmpl.present & meta))
		return 0;
	if ((cmd->options & addrs) && cmd->family != AF_INET)
		return 0;
	for (int i = 0; i < 2; i++) {
		uint16_t extra = t[i]->present & (uint16_t)~(CT_T_SRC | CT_T_DST | CT_T_PROTO);

		if (extra & (uint16_t)~(CT_T_SPORT | CT_T_DPORT))
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
	unsigned int wider;	/* entries the kernel's filter passed and ours did not */
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

/*
 * Upstream dumps and deletes entry by entry. When the kernel can apply the
 * filter itself, list the matches (same order, same lines), then delete them
 * with filtered flushes: no request and ack per entry.
 */
static int run_delete_flush(struct ct_cmd *cmd, struct ct_ctx *c, struct del_state *ds)
{
	struct show_state s = { .cmd = cmd, .c = c, .po = &ds->po };
	struct ctnl_filter f;
	int len, r;

	ct_kernel_filter(cmd, cmd->family, &f, 0);
	len = ctnl_build_dump(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_GET, cmd->family, nl_seq(c->nl), &f);
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, show_cb, &s);
	out_flush(&c->out);
	ct_report_bad(s.bad);
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	if (c->count && s.wider && (cmd->options & OPTB(OPT_ZONE))) {
		/*
		 * The zone filter let through entries ours rejects: a flush would
		 * take them too. Delete the listed set entry by entry, quietly.
		 */
		unsigned int shown = c->count;

		if (ct_open_mod(c) < 0)
			return ct_fail(c, -errno, cmd->command);
		ds->quiet = 1;
		r = del_dump(cmd, c, ds, cmd->family);
		if (!ds->err)
			del_flush(ds);
		c->count = shown;
		if (ds->err)
			return ct_fail(c, ds->err, cmd->command);
		if (r < 0)
			return ct_fail(c, r, cmd->command);
	} else if (c->count) {
		ct_kernel_filter(cmd, AF_INET, &f, 0);
		/* Tuple filters need a family: without -f, one flush per family. */
		if (!cmd->family && (f.flags & CTNL_F_TUPLE)) {
			r = del_flush_family(cmd, c, AF_INET);
			if (!r)
				r = del_flush_family(cmd, c, AF_INET6);
		} else {
			r = del_flush_family(cmd, c, cmd->family);
		}
		if (r < 0)
			return ct_fail(c, r, cmd->command);
	}
	if (c->batch)
		return 0;
	ct_summary(c->count, "flow entries have been deleted.");
	return c->count ? 0 : 1;
}

static int run_delete(struct ct_cmd *cmd, struct ct_ctx *c)
{
	/* Only -D pays for its batch (about 280 KiB): on the heap, not in every applet's bss. */
	struct del_state *s = malloc(sizeof(*s));
	int r, ret;

	if (!s)
		return ct_fail(c, -ENOMEM, cmd->command);
	memset(s, 0, offsetof(struct del_state, pending));
	s->cmd = cmd;
	s->c = c;
	s->po = c->po;
	/* Upstream's -D shows neither labels nor kernel timestamps. */
	s->po.flags &= ~(uint32_t)(PRINT_KTIMESTAMP | PRINT_LABELS);
	s->po.map = NULL;
	if (del_flush_exact(cmd)) {
		ret = run_delete_flush(cmd, c, s);
		goto out;
	}
	if (ct_open_mod(c) < 0) {
		ret = ct_fail(c, -errno, cmd->command);
		goto out;
	}
	/* Upstream never sends the status filter for -D; the userspace filter decides. */
	r = del_dump(cmd, c, s, cmd->family);
	if (!s->err)
		del_flush(s);
	out_flush(&c->out);
	ct_report_bad(s->bad);
	if (s->err)
		ret = ct_fail(c, s->err, cmd->command);
	else if (r < 0)
		ret = ct_fail(c, r, cmd->command);
	else if (c->batch)
		ret = 0;
	else {
		ct_summary(c->count, "flow entries have been deleted.");
		ret = c->count ? 0 : 1;
	}
out:
	free(s);
	return ret;
}

/* ---- update: dump, then per changed entry NEW + GET on the second socket ---- */

struct upd_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	struct print_opts po;
	int err;
	unsigned int bad;
};

static int labels_used(const struct ct_cmd *cmd)
{
	return has_opt(cmd, OPT_ADD_LABEL) || has_opt(cmd, OPT_DEL_LABEL);
}

/* Build the change for entry e; returns 0 if nothing would change. */
static int upd_build(const struct ct_cmd *cmd, const struct ct *e, struct ct *u)
{
	const struct ct *t = &cmd->tmpl;
	int changed = 0;

	memset(u, 0, sizeof(*u));
	u->orig = e->orig;
	ct_set(u, CT_ORIG);
	/* Upstream drops the zone here and so updates the zone-0 twin; keep the entry's own. */
	if (ct_has(e, CT_ZONE)) {
		u->zone = e->zone;
		ct_set(u, CT_ZONE);
	}
	if (ct_has(t, CT_TIMEOUT)) {
		u->timeout = t->timeout;
		ct_set(u, CT_TIMEOUT);
		changed |= !ct_has(e, CT_TIMEOUT) || e->timeout != t->timeout;
	}
	if (ct_has(t, CT_STATUS)) {
		u->status = e->status | t->status;
		ct_set(u, CT_STATUS);
		changed |= u->status != e->status;
	}
	if (has_opt(cmd, OPT_MARK)) {
		u->mark = (e->mark & ~cmd->mark_mask) ^ cmd->mark;
		ct_set(u, CT_MARK);
		changed |= !ct_has(e, CT_MARK) || u->mark != e->mark;
	}
	if (ct_has(t, CT_TCP_STATE) && e->orig.l4 == 6) {
		u->tcp.state = t->tcp.state;
		ct_set(u, CT_TCP_STATE);
		changed |= !ct_has(e, CT_TCP_STATE) || e->tcp.state != t->tcp.state;
	}
	if (ct_has(t, CT_SCTP_STATE) && e->orig.l4 == 132) {
		u->sctp.state = t->sctp.state;
		ct_set(u, CT_SCTP_STATE);
		changed |= !ct_has(e, CT_SCTP_STATE) || e->sctp.state != t->sctp.state;
	}
	if (ct_has(t, CT_SCTP_VTAG_ORIG) && e->orig.l4 == 132) {
		u->sctp.vtag_orig = t->sctp.vtag_orig;
		ct_set(u, CT_SCTP_VTAG_ORIG);
		changed |= !ct_has(e, CT_SCTP_VTAG_ORIG) || e->sctp.vtag_orig != t->sctp.vtag_orig;
	}
	if (ct_has(t, CT_SCTP_VTAG_REPLY) && e->orig.l4 == 132) {
		u->sctp.vtag_reply = t->sctp.vtag_reply;
		ct_set(u, CT_SCTP_VTAG_REPLY);
		changed |= !ct_has(e, CT_SCTP_VTAG_REPLY) || e->sctp.vtag_reply != t->sctp.vtag_reply;
	}
	/*
	 * The kernel computes new = (old & ~mask) ^ labels, so labels carry the
	 * wanted value of the masked bits only. What counts as a change is
	 * upstream's comparison: the bitmap sent differs from the entry's.
	 */
	if (has_opt(cmd, OPT_ADD_LABEL)) {
		int n = ct_has(e, CT_LABELS) ? e->labels_len : CT_LABELS_BYTES;
		int any = 0;

		u->labels_len = (uint8_t)n;
		for (int i = 0; i < n; i++) {
			u->labels[i] = cmd->label_add[i];
			any |= u->labels[i] != (ct_has(e, CT_LABELS) ? e->labels[i] : 0);
		}
		if (ct_has(e, CT_LABELS)) {
			memcpy(u->labels_mask, u->labels, (size_t)n);
			ct_set(u, CT_LABELS_MASK);
		}
		ct_set(u, CT_LABELS);
		changed |= any;
	} else if (has_opt(cmd, OPT_DEL_LABEL) && ct_has(e, CT_LABELS)) {
		int any = 0;

		u->labels_len = e->labels_len;
		for (int i = 0; i < e->labels_len; i++) {
			uint8_t del = cmd->label_del_all ? 0xff : cmd->label_del[i];

			u->labels[i] = 0;
			u->labels_mask[i] = del;
			any |= e->labels[i] & del;
		}
		ct_set(u, CT_LABELS);
		ct_set(u, CT_LABELS_MASK);
		changed |= any;
	}
	/* The window flags of -p tcp ride along only with a real change, as upstream. */
	if (changed && e->orig.l4 == 6) {
		if (ct_has(t, CT_TCP_FLAGS_ORIG)) {
			u->tcp.flags_orig = t->tcp.flags_orig;
			u->tcp.mask_orig = t->tcp.mask_orig;
			ct_set(u, CT_TCP_FLAGS_ORIG);
		}
		if (ct_has(t, CT_TCP_FLAGS_REPLY)) {
			u->tcp.flags_reply = t->tcp.flags_reply;
			u->tcp.mask_reply = t->tcp.mask_reply;
			ct_set(u, CT_TCP_FLAGS_REPLY);
		}
	}
	return changed;
}

struct upd_print {
	struct upd_state *s;
};

static int upd_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct upd_state *s = arg;
	struct ct ct;

	if (ctnl_parse_ct(nlh, &ct, NULL) < 0) {
		s->bad++;
		return 0;
	}
	print_ct(&s->c->out, &ct, CT_MSG_UNKNOWN, &s->po);
	s->c->count++;
	return 0;
}

static int upd_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct upd_state *s = arg;
	struct ct_ctx *c = s->c;
	struct ct e, u, key;
	char buf[1024] __attribute__((aligned(8)));
	int len, r;

	if (ctnl_parse_ct(nlh, &e, NULL) < 0) {
		s->bad++;
		return 0;
	}
	if (!ct_filter_match_update(s->cmd, &e))
		return 0;
	if (!upd_build(s->cmd, &e, &u))
		return 0;
	len = ctnl_build_ct(buf, sizeof(buf), CTNL_MSG_CT_NEW, NLM_F_ACK, e.orig.l3,
			    nl_seq(c->mod), &u);
	r = len < 0 ? len : nl_talk(c->mod, buf, NULL, NULL);
	if (r == -ENOENT)
		return 0;
	/* Entries without a label area cannot take labels (kernel needs a label rule). */
	if (r == -ENOSPC && labels_used(s->cmd) && !ct_has(&e, CT_LABELS))
		return 0;
	if (r < 0) {
		s->err = r;
		return 1;
	}
	memset(&key, 0, sizeof(key));
	key.orig = e.orig;
	ct_set(&key, CT_ORIG);
	if (ct_has(&e, CT_ZONE)) {
		key.zone = e.zone;
		ct_set(&key, CT_ZONE);
	}
	len = ctnl_build_ct(buf, sizeof(buf), CTNL_MSG_CT_GET, 0, e.orig.l3, nl_seq(c->mod), &key);
	r = len < 0 ? len : nl_talk(c->mod, buf, upd_get_cb, s);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		s->err = r;
		return 1;
	}
	return 0;
}

static int run_update(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct upd_state s = { .cmd = cmd, .c = c };
	struct ctnl_filter f;
	int len, r;

	s.po = c->po;
	s.po.flags &= ~(uint32_t)PRINT_KTIMESTAMP;
	if (ct_open_mod(c) < 0)
		return ct_fail(c, -errno, cmd->command);
	memset(&f, 0, sizeof(f));
	len = ctnl_build_dump(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_GET, cmd->family, nl_seq(c->nl), &f);
	if (len < 0)
		return ct_fail(c, len, cmd->command);
	r = nl_talk(c->nl, c->nlbuf, upd_cb, &s);
	out_flush(&c->out);
	ct_report_bad(s.bad);
	if (s.err)
		return ct_fail(c, s.err, cmd->command);
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	if (c->batch)
		return 0;
	ct_summary(c->count, "flow entries have been updated.");
	return c->count ? 0 : 1;
}

int ct_run_modify(struct ct_cmd *cmd, struct ct_ctx *c)
{
	switch (cmd->command) {
	case CMD_CT_CREATE:
	case CMD_CT_ADD:
		return run_create(cmd, c);
	case CMD_CT_DELETE:
		return run_delete(cmd, c);
	case CMD_CT_UPDATE:
		return run_update(cmd, c);
	default:
		return 0;
	}
}
