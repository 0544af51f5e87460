// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: commands that add or change entries (-I, -A, -U); -D is ct_run_delete.c. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "applets/ct_run.h"
#include "core/nl.h"
#include "proto/ctnl.h"

static int has_opt(const struct ct_cmd *cmd, enum ct_opt o)
{
	return !!(cmd->options & (1ULL << o));
}

static int run_create(struct ct_cmd *cmd, struct ct_ctx *c)
{
	struct ct ct = cmd->tmpl;
	/* -A too: it is a create that tolerates an existing entry, never an update. */
	uint16_t flags = NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	int len, r;

	/*
	 * Upstream sends a label bitmap that long and the kernel's attribute
	 * policy (16 bytes at most) refuses it with ERANGE; say the same.
	 */
	if (cmd->label_change_impossible)
		return ct_fail(c, -ERANGE, cmd->command);
	/* The kernel refuses (EBUSY) a create that is not marked confirmed. */
	ct.status |= CT_IPS_CONFIRMED;
	ct_set(&ct, CT_STATUS);
	if (has_opt(cmd, OPT_ADD_LABEL)) {
		memcpy(ct.labels, cmd->label_add, sizeof(ct.labels));
		ct.labels_len = CT_LABELS_BYTES;
		ct_set(&ct, CT_LABELS);
	}
	len = ctnl_build_ct(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_NEW, flags, cmd->family,
			    nl_seq(c->nl), &ct);
	r = len < 0 ? len : nl_talk(c->nl, c->nlbuf, NULL, NULL);
	if (r == -EEXIST && cmd->command == CMD_CT_ADD) {
		/* Left as it is; not an error, so a batch goes on. */
		if (!c->batch)
			ct_summary(0, "flow entries have been added.");
		return 0;
	}
	if (r < 0)
		return ct_fail(c, r, cmd->command);
	if (!c->batch)
		ct_summary(1, cmd->command == CMD_CT_CREATE ? "flow entries have been created."
							    : "flow entries have been added.");
	return 0;
}

/* ---- update: dump, then per changed entry NEW + GET on the second socket ---- */

struct upd_state {
	struct ct_cmd *cmd;
	struct ct_ctx *c;
	struct print_opts po;
	int err;
	unsigned int bad;
};

/*
 * SCTP state and tags: the kernel takes them only together (EINVAL for a
 * protoinfo without all three), so what -U does not change comes from the
 * entry. Returns 1 if something changes.
 */
static int upd_sctp(const struct ct *t, const struct ct *e, struct ct *u)
{
	static const uint64_t all = (UINT64_C(1) << CT_SCTP_STATE) |
				    (UINT64_C(1) << CT_SCTP_VTAG_ORIG) |
				    (UINT64_C(1) << CT_SCTP_VTAG_REPLY);

	if (!(t->present & all))
		return 0;
	u->sctp = e->sctp;
	if (ct_has(t, CT_SCTP_STATE))
		u->sctp.state = t->sctp.state;
	if (ct_has(t, CT_SCTP_VTAG_ORIG))
		u->sctp.vtag_orig = t->sctp.vtag_orig;
	if (ct_has(t, CT_SCTP_VTAG_REPLY))
		u->sctp.vtag_reply = t->sctp.vtag_reply;
	u->present |= all;
	return (e->present & all) != all || u->sctp.state != e->sctp.state ||
	       u->sctp.vtag_orig != e->sctp.vtag_orig || u->sctp.vtag_reply != e->sctp.vtag_reply;
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
	if (e->orig.l4 == 132)
		changed |= upd_sctp(t, e, u);
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
	/* As for -I: the request for a label bit past 128 is one the kernel refuses. */
	if (s->cmd->label_change_impossible &&
	    (has_opt(s->cmd, OPT_ADD_LABEL) || ct_has(&e, CT_LABELS))) {
		s->err = -ERANGE;
		return 1;
	}
	if (!upd_build(s->cmd, &e, &u))
		return 0;
	len = ctnl_build_ct(buf, sizeof(buf), CTNL_MSG_CT_NEW, NLM_F_ACK, e.orig.l3, nl_seq(c->mod),
			    &u);
	r = len < 0 ? len : nl_talk(c->mod, buf, NULL, NULL);
	/*
	 * ENOENT: gone since the dump. ENOSPC (an entry without a label area:
	 * the kernel adds one only while a label rule exists) is reported.
	 */
	if (r == -ENOENT)
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
	len = ctnl_build_dump(c->nlbuf, NLBUF_SIZE, CTNL_MSG_CT_GET, cmd->family, nl_seq(c->nl),
			      &f);
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
		return ct_run_delete(cmd, c);
	case CMD_CT_UPDATE:
		return run_update(cmd, c);
	default:
		return 0;
	}
}
