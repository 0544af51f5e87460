// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's caches and the kernel: events, resyncs, purges, flushes, dumps and commits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "core/errstr.h"
#include "core/cfg.h"
#include "core/ctl.h"
#include "core/daemon_priv.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/nl.h"
#include "core/out.h"
#include "core/print.h"
#include "core/sync.h"
#include "proto/ct_tuple.h"
#include "proto/ctnl.h"

#define BATCH_MAX 256
/* Entries committed per loop iteration: peers and events are served in between. */
#define COMMIT_STEP 8192
#define BE_LIBERAL 0x08 /* IP_CT_TCP_FLAG_BE_LIBERAL */
/* Commits this big stop listening to events while they run (see dct_commit). */
#define MUTE_MIN 4096

static uint32_t now_s(const struct daemon *d)
{
	return d->clk_s ? d->clk_s : (uint32_t)time(NULL);
}

static struct flow *flow_of(struct cache *c, uint32_t id)
{
	return (struct flow *)cache_rec(c, id);
}

static struct flow_exp *fexp_of(struct cache *c, uint32_t id)
{
	return (struct flow_exp *)cache_rec(c, id);
}

static bool has_exp(const struct daemon *d)
{
	return d->exp_int != NULL;
}

/*
 * Marks of commits on demand are good until the next commit ends or the
 * kernel table is flushed: a new mark value makes every old one stale.
 * New external records carry 0, never a mark.
 */
static void cod_new_marks(struct daemon *d)
{
	if (!++d->cod_gen)
		d->cod_gen = 1;
}

int dct_init(struct daemon *d)
{
	const struct cfg *c = d->cfg;
	bool sync = c->mode == CFG_MODE_SYNC;

	d->ct_int =
		cache_new(sizeof(struct flow), sizeof(struct flow_key), c->hashsize, c->hashlimit);
	if (!d->ct_int)
		return -ENOMEM;
	if (sync && !c->disable_external_cache) {
		d->ct_ext = cache_new(sizeof(struct flow), sizeof(struct flow_key), c->hashsize,
				      c->hashlimit);
		if (!d->ct_ext)
			return -ENOMEM;
	}
	if (sync && c->exp_sync) {
		d->exp_int = cache_new(sizeof(struct flow_exp), sizeof(struct flow_exp_key),
				       c->hashsize, c->hashlimit);
		if (!d->exp_int)
			return -ENOMEM;
		if (!c->disable_external_cache) {
			d->exp_ext = cache_new(sizeof(struct flow_exp), sizeof(struct flow_exp_key),
					       c->hashsize, c->hashlimit);
			if (!d->exp_ext)
				return -ENOMEM;
		}
	}
	d->cod_gen = 1;
	return kern_batch_init(&d->batch, d->kern.commit, BATCH_MAX);
}

/* Free every record of a cache (its out-of-line parts too). */
static void cache_empty(struct cache *c, bool exp)
{
	uint32_t id = 0;

	while ((id = cache_next(c, id))) {
		if (exp)
			flow_exp_clear(fexp_of(c, id));
		else
			flow_clear(flow_of(c, id));
		cache_put(c, id);
	}
}

void dct_fini(struct daemon *d)
{
	struct cache *cs[] = { d->ct_int, d->ct_ext, d->exp_int, d->exp_ext };

	for (int i = 0; i < 4; i++) {
		if (!cs[i])
			continue;
		cache_empty(cs[i], i >= 2);
		cache_free(cs[i]);
	}
	d->ct_int = d->ct_ext = d->exp_int = d->exp_ext = NULL;
	kern_batch_free(&d->batch);
}

/* ---- the sync engine's references ---- */

static struct cache *int_cache(struct daemon *d, uint32_t id)
{
	return (id & SYNC_ID_EXP) ? d->exp_int : d->ct_int;
}

void dct_send(struct daemon *d, uint32_t id)
{
	struct cache *c = int_cache(d, id);
	struct cache_rec *r = cache_rec(c, id & ~SYNC_ID_EXP);

	if (!d->sync)
		return;
	r->flags |= CACHE_F_QUEUED;
	if (sync_queue(d->sync, id, d->clk_ms ? d->clk_ms : loop_now()))
		r->flags &= (uint8_t)~CACHE_F_QUEUED;
}

/* Drop a record nobody needs any more: dead, or superseded, and not queued. */
static void maybe_free(struct daemon *d, uint32_t id)
{
	struct cache *c = int_cache(d, id);
	uint32_t n = id & ~SYNC_ID_EXP;
	struct cache_rec *r = cache_rec(c, n);

	if (r->flags & CACHE_F_QUEUED)
		return;
	if (r->state != CACHE_DEAD && (r->flags & CACHE_F_HASHED) && !d->bypass)
		return;
	if (id & SYNC_ID_EXP)
		flow_exp_clear(fexp_of(c, n));
	else
		flow_clear(flow_of(c, n));
	cache_put(c, n);
}

void dct_release(struct daemon *d, uint32_t id)
{
	struct cache *c = int_cache(d, id);
	struct cache_rec *r = cache_rec(c, id & ~SYNC_ID_EXP);

	if (!r)
		return;
	r->flags &= (uint8_t)~CACHE_F_QUEUED;
	maybe_free(d, id);
}

/* ---- internal cache: conntracks from the kernel ---- */

/* Take a record out of the way of a new one with its key. */
static void retire(struct daemon *d, struct cache *c, uint32_t id, uint32_t tag)
{
	cache_unhash(c, id);
	if (d->sync)
		sync_forget(d->sync, id | tag);
	cache_rec(c, id)->flags &= (uint8_t)~CACHE_F_QUEUED;
	maybe_free(d, id | tag);
}

static uint32_t ct_add(struct daemon *d, struct cache *c, const struct flow_key *k, uint32_t h,
		       const struct ct *ct)
{
	uint32_t id = cache_add_h(c, k, h, now_s(d));

	if (!id)
		return 0;
	if (flow_set(flow_of(c, id), ct, false)) {
		cache_stats(c)->add_ok--;
		cache_stats(c)->add_fail++;
		cache_stats(c)->add_nomem++;
		cache_put(c, id);
		return 0;
	}
	cache_rec(c, id)->aux = d->gen;
	return id;
}

/* The internal cache's hash of k: hint, when the event reader computed it, saves a second go. */
static uint32_t int_hash(struct daemon *d, const struct flow_key *k, const uint32_t *hint)
{
	return hint ? *hint : cache_hash(d->ct_int, k);
}

/* Add or update; with send, the peer hears of it. Returns the id or 0. */
static uint32_t ct_update(struct daemon *d, const struct ct *ct, const uint32_t *hint, bool replace,
			  bool send)
{
	struct cache *c = d->ct_int;
	struct flow_key k;
	uint32_t id, h;

	if (!flow_key_of(&k, ct))
		return 0;
	h = int_hash(d, &k, hint);
	id = cache_find_h(c, &k, h);
	if (id && (replace || cache_rec(c, id)->state == CACHE_DEAD)) {
		retire(d, c, id, 0);
		id = 0;
	}
	if (!id) {
		id = ct_add(d, c, &k, h, ct);
	} else if (flow_set(flow_of(c, id), ct, true)) {
		cache_stats(c)->upd_fail++;
		return 0;
	} else {
		cache_touched(c, id, now_s(d));
		cache_rec(c, id)->aux = d->gen;
	}
	if (id && send)
		dct_send(d, id);
	return id;
}

static void count_traffic(struct daemon *d, const struct ct *ct)
{
	if (ct_has(ct, CT_COUNTERS_ORIG)) {
		d->st.bytes += ct->cnt_orig.bytes;
		d->st.packets += ct->cnt_orig.packets;
	}
	if (ct_has(ct, CT_COUNTERS_REPLY)) {
		d->st.bytes += ct->cnt_reply.bytes;
		d->st.packets += ct->cnt_reply.packets;
	}
}

/* Stats mode: the destroyed flow goes to the stats log and syslog, timeout left out. */
static void stats_log_flow(struct daemon *d, const struct ct *ct)
{
	char buf[2048];
	struct print_opts po = { .now = time(NULL) };
	struct out o;
	struct ct tmp = *ct;

	if (d->cfg->stats_logfile[0] == 0 && d->cfg->stats_syslog_facility < 0)
		return;
	ct_unset(&tmp, CT_TIMEOUT);
	ct_unset(&tmp, CT_USE);
	out_init(&o, -1, buf, sizeof(buf));
	print_ct(&o, &tmp, CT_MSG_UNKNOWN, &po);
	if (o.len && buf[o.len - 1] == '\n')
		o.len--;
	log_line(&d->stats_log, LOG_INFO, buf, (unsigned int)o.len);
}

/*
 * DisableInternalCache: each event becomes a record only until the engine
 * has sent it (a later event for the same flow before that just refreshes
 * the record: what goes out is the latest state).
 */
static void bypass_event(struct daemon *d, enum ct_msg kind, const struct ct *ct,
			 const uint32_t *hint)
{
	struct cache *c = d->ct_int;
	struct flow_key k;
	uint32_t id, h;

	if (!d->sync || !flow_key_of(&k, ct))
		return;
	h = int_hash(d, &k, hint);
	id = cache_find_h(c, &k, h);
	if (!id) {
		id = ct_add(d, c, &k, h, ct);
		if (!id)
			return;
	} else if (flow_set(flow_of(c, id), ct, true)) {
		return;
	}
	if (kind == CT_MSG_UPDATE)
		cache_touched(c, id, now_s(d));
	if (kind == CT_MSG_DESTROY)
		cache_kill(c, id);
	d->st.byp_new += kind == CT_MSG_NEW;
	d->st.byp_upd += kind == CT_MSG_UPDATE;
	d->st.byp_del += kind == CT_MSG_DESTROY;
	dct_send(d, id);
	maybe_free(d, id);
}

static void ct_destroy(struct daemon *d, const struct ct *ct, const uint32_t *hint, bool send)
{
	struct cache *c = d->ct_int;
	struct flow_key k;
	uint32_t id;

	count_traffic(d, ct);
	if (d->cfg->mode == CFG_MODE_STATS)
		stats_log_flow(d, ct);
	if (!flow_key_of(&k, ct))
		return;
	id = cache_find_h(c, &k, int_hash(d, &k, hint));
	if (!id || cache_rec(c, id)->state == CACHE_DEAD)
		return;
	cache_kill(c, id);
	if (send && d->sync) {
		/* Stays hashed and dead until the peer acknowledges its DEL. */
		dct_send(d, id);
		return;
	}
	retire(d, c, id, 0);
}

/* ---- expectations ---- */

static uint32_t exp_update(struct daemon *d, struct cache *c, const struct ct_exp *e, bool replace,
			   bool send)
{
	struct flow_exp_key k;
	uint32_t id;

	if (!flow_exp_key_of(&k, e))
		return 0;
	id = cache_find(c, &k);
	if (id && (replace || cache_rec(c, id)->state == CACHE_DEAD)) {
		retire(d, c, id, c == d->exp_int ? SYNC_ID_EXP : 0);
		id = 0;
	}
	if (!id) {
		id = cache_add(c, &k, now_s(d));
		if (!id)
			return 0;
	} else {
		cache_touched(c, id, now_s(d));
	}
	if (flow_exp_set(fexp_of(c, id), e)) {
		cache_stats(c)->add_nomem++;
		retire(d, c, id, c == d->exp_int ? SYNC_ID_EXP : 0);
		return 0;
	}
	if (send)
		dct_send(d, id | SYNC_ID_EXP);
	return id;
}

static void exp_destroy(struct daemon *d, struct cache *c, const struct ct_exp *e, bool send)
{
	struct flow_exp_key k;
	uint32_t id, tag = c == d->exp_int ? SYNC_ID_EXP : 0;

	if (!flow_exp_key_of(&k, e))
		return;
	id = cache_find(c, &k);
	if (!id || cache_rec(c, id)->state == CACHE_DEAD)
		return;
	cache_kill(c, id);
	if (send && d->sync && tag) {
		dct_send(d, id | tag);
		return;
	}
	retire(d, c, id, tag);
}

/* Expectations are replicated only for listed helpers whose master we track. */
static bool exp_wanted(struct daemon *d, const struct ct_exp *e)
{
	struct flow_key k;
	struct ct m;

	if (!filter_exp_helper(d->cfg->exp_helpers, d->cfg->n_exp_helpers, e))
		return false;
	memset(&m, 0, sizeof(m));
	m.family = e->family;
	m.orig = e->master;
	ct_set(&m, CT_ORIG);
	if (ct_exp_has(e, CT_EXP_ZONE)) {
		m.zone = e->zone;
		ct_set(&m, CT_ZONE);
	}
	return flow_key_of(&k, &m) && cache_find(d->ct_int, &k);
}

/* ---- events ---- */

static bool sane(struct daemon *d, const struct ct *ct)
{
	uint8_t l3 = ct->orig.l3 ? ct->orig.l3 : ct->family;

	if (!l3) {
		log_msg(&d->log, LOG_LVL_ERROR, "missing layer 3 protocol");
		return false;
	}
	if ((ct->orig.present & (CT_T_SRC | CT_T_DST)) != (CT_T_SRC | CT_T_DST)) {
		log_msg(&d->log, LOG_LVL_ERROR,
			l3 == 2 ? "missing IPv4 address. You forgot to load nf_conntrack_ipv4?"
				: "missing IPv6 address. You forgot to load nf_conntrack_ipv6?");
		return false;
	}
	return true;
}

static int on_event(void *arg, const struct kern_msg *m)
{
	struct daemon *d = arg;
	bool send = m->origin == KERN_NOT_ME && d->sync;
	const struct ct *ct = &m->ct;
	const uint32_t *hint = m->hinted ? &m->hint : NULL;

	d->st.ev_received++;
	if (m->kind < CT_MSG_NEW || m->kind > CT_MSG_DESTROY) {
		d->st.ev_unknown++;
		return 0;
	}
	if (m->origin == KERN_INJECT)
		return 0;
	if (m->is_exp) {
		if (!has_exp(d))
			return 0;
		if (m->kind == CT_MSG_DESTROY) {
			exp_destroy(d, d->exp_int, &m->exp, send);
			return 0;
		}
		if (!exp_wanted(d, &m->exp)) {
			d->st.ev_filtered++;
			return 0;
		}
		exp_update(d, d->exp_int, &m->exp, m->kind == CT_MSG_NEW, send);
		return 0;
	}
	if (!sane(d, ct))
		return 0;
	/*
	 * What a complete kernel filter lets through passed it, but destroys
	 * are not judged by State there: see below. Upstream counts nothing as
	 * filtered with a kernel filter, and neither does ctbox then.
	 */
	if ((!d->kfilter || m->kind == CT_MSG_DESTROY) && !filter_ct(&d->cfg->filter, ct)) {
		d->st.ev_filtered += !d->kfilter;
		/*
		 * Unlike upstream, a flow we track that leaves through a filtered
		 * event (a State filter) still goes: it must not linger forever.
		 */
		if (m->kind == CT_MSG_DESTROY && !d->bypass)
			ct_destroy(d, ct, hint, send);
		return 0;
	}
	if (d->bypass) {
		if (send)
			bypass_event(d, m->kind, ct, hint);
		return 0;
	}
	/*
	 * A NEW starts the flow over, but not our own commit's: a flow
	 * committed on demand is in the cache already, its message queued.
	 */
	if (m->kind == CT_MSG_DESTROY)
		ct_destroy(d, ct, hint, send);
	else
		ct_update(d, ct, hint, m->kind == CT_MSG_NEW && m->origin != KERN_COMMIT, send);
	return 0;
}

/* Events queue up behind this: the cache's bucket and chain head of each are fetched meanwhile. */
static void hint_event(void *arg, struct kern_msg *m, int stage)
{
	struct daemon *d = arg;
	struct flow_key k;

	if (m->is_exp)
		return;
	if (!stage) {
		if (!flow_key_of(&k, &m->ct))
			return;
		m->hint = cache_hash(d->ct_int, &k);
		m->hinted = true;
	}
	if (m->hinted)
		cache_prefetch(d->ct_int, m->hint, stage);
}

int dct_events(struct daemon *d)
{
	unsigned long bad = 0;
	int r;

	/* A batch takes well under a millisecond: one clock for all its events. */
	d->clk_ms = loop_now();
	d->clk_s = (uint32_t)time(NULL);
	r = kern_read_events(&d->kern, d->cfg->event_iter_limit, on_event, hint_event, d, &bad);
	d->clk_ms = 0;
	d->clk_s = 0;

	d->st.ev_failed += bad;
	if (r != -ENOBUFS) {
		if (r < 0)
			d->st.ev_failed++;
		return r;
	}
	d->st.overrun++;
	if (d->evbuf_max && d->kern.evbuf < d->evbuf_max) {
		size_t want = d->kern.evbuf * 2 > d->evbuf_max ? d->evbuf_max : d->kern.evbuf * 2;

		if (!kern_set_evbuf(&d->kern, want))
			log_msg(&d->log, LOG_LVL_NOTICE,
				"netlink event socket buffer size has been doubled to %zu bytes",
				d->kern.evbuf);
	} else if (!d->evbuf_warned) {
		d->evbuf_warned = true;
		log_msg(&d->log, LOG_LVL_WARN,
			"netlink event socket buffer size cannot be doubled further since it will "
			"exceed NetlinkBufferSizeMaxGrowth. We are likely to be losing events, "
			"this "
			"may lead to unsynchronized replicas. Please, consider increasing netlink "
			"socket buffer size via NetlinkBufferSize and NetlinkBufferSizeMaxGrowth "
			"clauses in conntrackd.conf");
	}
	if (d->cfg->overrun_resync >= 0)
		dct_schedule_resync(d, (unsigned int)d->cfg->overrun_resync);
	return r;
}

/* ---- resync with the kernel ---- */

static int on_dump(void *arg, const struct kern_msg *m)
{
	struct daemon *d = arg;

	if (m->is_exp) {
		if (has_exp(d) && exp_wanted(d, &m->exp))
			exp_update(d, d->exp_int, &m->exp, false, false);
		return 0;
	}
	if (!sane(d, &m->ct) || !filter_ct(&d->cfg->filter, &m->ct))
		return 0;
	ct_update(d, &m->ct, NULL, false, false);
	return 0;
}

int dct_resync_sync(struct daemon *d, bool ct, bool exp)
{
	unsigned long bad = 0;
	int r = 0;

	if (ct)
		r = kern_dump(&d->kern, false, on_dump, d, &bad);
	if (!r && exp && has_exp(d))
		r = kern_dump(&d->kern, true, on_dump, d, &bad);
	d->st.dump_unknown += bad;
	return r;
}

/* Resync entries are sent: NEW if new to the cache, UPD otherwise (the status decides). */
static int on_async(void *arg, const struct kern_msg *m)
{
	struct daemon *d = arg;

	if (m->is_exp || !sane(d, &m->ct) || !filter_ct(&d->cfg->filter, &m->ct))
		return 0;
	ct_update(d, &m->ct, NULL, false, d->sync != NULL && !d->resync_quiet);
	return 0;
}

/* Records the finished resync did not see are gone from the kernel: delete them. */
static void sweep(struct daemon *d)
{
	struct cache *c = d->ct_int;
	uint32_t id = 0;

	while ((id = cache_next(c, id))) {
		struct cache_rec *r = cache_rec(c, id);

		if (r->state == CACHE_DEAD || !(r->flags & CACHE_F_HASHED) || r->aux == d->gen)
			continue;
		if (d->cfg->mode == CFG_MODE_STATS) {
			struct ct ct;

			flow_get(flow_of(c, id), &ct);
			stats_log_flow(d, &ct);
		}
		cache_kill(c, id);
		if (d->sync) {
			dct_send(d, id);
			continue;
		}
		retire(d, c, id, 0);
	}
}

void dct_resync_timer(void *arg)
{
	struct daemon *d = arg;

	if (d->cfg->poll_secs)
		loop_timer_arm(&d->t_resync, loop_now() + d->cfg->poll_secs * 1000ull);
	if (d->resyncing)
		return;
	/* A new generation: every record the dump shows (or an event touches) is stamped. */
	d->gen++;
	if (kern_async_start(&d->kern)) {
		d->st.dump_unknown++;
		return;
	}
	d->resyncing = true;
	if (!d->resync_quiet)
		d->st.resync_kernel++;
}

void dct_schedule_resync(struct daemon *d, unsigned int secs)
{
	/* Events lost while a dump runs may concern entries it already passed: dump again. */
	if (d->resyncing)
		d->resync_again = true;
	if (d->t_resync.when != LOOP_NEVER || d->resyncing)
		return;
	loop_timer_arm(&d->t_resync, loop_now() + secs * 1000ull);
}

void dct_async_readable(struct daemon *d)
{
	unsigned long bad = 0;
	int r;

	if (!d->resyncing) {
		/* Stale replies of a dump we gave up on: drain them. */
		char buf[256];

		while (recv(nl_fd(d->kern.async), buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		return;
	}
	r = kern_async_step(&d->kern, on_async, d, &bad);
	d->st.dump_unknown += bad;
	if (r == 0)
		return;
	d->resyncing = false;
	d->resync_quiet = false;
	/* Only a complete, uninterrupted dump proves an entry gone. */
	if (r == 1)
		sweep(d);
	if (r != 1 || d->resync_again) {
		d->resync_again = false;
		dct_schedule_resync(d, r == 1 && d->cfg->overrun_resync > 0
					       ? (unsigned int)d->cfg->overrun_resync
					       : 1);
	}
}

/* ---- kernel flush (-F, -t) ---- */

struct flush_ctx {
	struct daemon *d;
	struct kern_batch b;
	unsigned int n;
};

static void flush_done(void *arg, uint32_t token, int err)
{
	(void)arg;
	(void)token;
	(void)err;
}

static int on_flush_dump(void *arg, const struct kern_msg *m)
{
	struct flush_ctx *f = arg;
	struct ct key;

	if (m->is_exp || !filter_ct(&f->d->cfg->filter, &m->ct))
		return 0;
	/* Delete by original tuple and zone: what identifies the entry. */
	memset(&key, 0, sizeof(key));
	key.family = m->ct.family;
	key.orig = m->ct.orig;
	ct_set(&key, CT_ORIG);
	if (ct_has(&m->ct, CT_ZONE)) {
		key.zone = m->ct.zone;
		ct_set(&key, CT_ZONE);
	}
	if (kern_batch_ct(&f->b, CTNL_MSG_CT_DELETE, 0, &key, 0) == -ENOSPC) {
		kern_batch_flush(&f->b, flush_done, f);
		kern_batch_ct(&f->b, CTNL_MSG_CT_DELETE, 0, &key, 0);
	}
	f->n++;
	return 0;
}

static bool filter_set(const struct cfg_filter *f)
{
	return f->has_proto || f->has_addr || f->has_state;
}

/* In the child: delete what the filter lets through, on the flush handle (origin FLUSH). */
static void flush_ct_child(struct daemon *d, int fd, int arg)
{
	struct flush_ctx f = { .d = d };
	unsigned long bad = 0;
	char req[256];
	int len;

	(void)fd;
	(void)arg;
	if (!filter_set(&d->cfg->filter)) {
		len = ctnl_build_simple(req, sizeof(req), CTNL_SUBSYS_CT, CTNL_MSG_CT_DELETE,
					NLM_F_ACK, 0, nl_seq(d->kern.flush));
		if (len > 0)
			nl_talk(d->kern.flush, req, NULL, NULL);
		return;
	}
	if (kern_batch_init(&f.b, d->kern.flush, 256))
		return;
	kern_dump(&d->kern, false, on_flush_dump, &f, &bad);
	kern_batch_flush(&f.b, flush_done, &f);
	kern_batch_free(&f.b);
}

static void flush_exp_child(struct daemon *d, int fd, int arg)
{
	char req[256];
	int len = ctnl_build_simple(req, sizeof(req), CTNL_SUBSYS_EXP, CTNL_MSG_EXP_DELETE,
				    NLM_F_ACK, 0, nl_seq(d->kern.flush));

	(void)fd;
	(void)arg;
	if (len > 0)
		nl_talk(d->kern.flush, req, NULL, NULL);
}

static void flush_both_child(struct daemon *d, int fd, int arg)
{
	flush_ct_child(d, fd, arg);
	flush_exp_child(d, fd, arg);
}

void dct_flush_kernel(struct daemon *d, bool ct, bool exp, bool scheduled)
{
	for (unsigned int i = 0; i < d->nchild; i++) {
		/* One flush at a time, as upstream. */
		if (d->child[i].type == CHILD_FLUSH)
			return;
	}
	if (ct)
		log_msg(&d->log, LOG_LVL_NOTICE,
			scheduled ? "flushing kernel conntrack table (scheduled)"
				  : "flushing kernel conntrack table");
	if (exp)
		log_msg(&d->log, LOG_LVL_NOTICE, "flushing kernel expect table");
	d->st.flush_kernel++;
	cod_new_marks(d);
	daemon_fork(d, CHILD_FLUSH,
		    ct && exp ? flush_both_child
		    : ct      ? flush_ct_child
			      : flush_exp_child,
		    -1, 0);
}

/* ---- cache flushes ---- */

static void flush_cache(struct daemon *d, struct cache *c, uint32_t tag, bool exp)
{
	uint32_t id = 0;

	if (!c)
		return;
	while ((id = cache_next(c, id))) {
		if (d->sync && tag != UINT32_MAX)
			sync_forget(d->sync, id | tag);
		if (exp)
			flow_exp_clear(fexp_of(c, id));
		else
			flow_clear(flow_of(c, id));
		cache_put(c, id);
	}
}

void dct_flush_int(struct daemon *d)
{
	flush_cache(d, d->ct_int, 0, false);
}

void dct_flush_ext(struct daemon *d)
{
	flush_cache(d, d->ct_ext, UINT32_MAX, false);
}

void dct_flush_exp(struct daemon *d)
{
	flush_cache(d, d->exp_int, SYNC_ID_EXP, true);
	flush_cache(d, d->exp_ext, UINT32_MAX, true);
}

/* ---- dumps (-i, -e) in a child ---- */

void dct_print_flow(struct daemon *d, struct out *o, struct cache *c, uint32_t id, bool xml,
		    bool external)
{
	struct print_opts po = { .flags = xml ? PRINT_XML : 0, .now = time(NULL) };
	const struct cache_rec *r = cache_rec(c, id);
	char suffix[64];
	struct ct ct;
	int n = 0;

	flow_get(flow_of(c, id), &ct);
	ct_unset(&ct, CT_TIMEOUT);
	if (!xml) {
		if (external && (d->sync_mode & CFG_SYNC_ALARM)) {
			long left = (long)d->cfg->cache_timeout - (long)(now_s(d) - r->lastupdate);

			n = snprintf(suffix, sizeof(suffix), "[expires in %lds] ",
				     left < 0 ? 0 : left);
		}
		snprintf(suffix + n, sizeof(suffix) - (size_t)n, "[active since %lus]",
			 (unsigned long)(now_s(d) - r->lifetime));
		po.suffix = suffix;
	}
	print_ct(o, &ct, CT_MSG_UNKNOWN, &po);
}

static void print_exp_rec(struct out *o, struct cache *c, uint32_t id, bool xml)
{
	struct print_opts po = { .flags = xml ? PRINT_XML : 0, .now = time(NULL) };
	const struct cache_rec *r = cache_rec(c, id);
	struct ct_exp e = *fexp_of(c, id)->exp;
	char suffix[48];

	e.present &= ~(UINT32_C(1) << CT_EXP_TIMEOUT);
	if (!xml) {
		snprintf(suffix, sizeof(suffix), "[active since %lus]",
			 (unsigned long)((uint32_t)po.now - r->lifetime));
		po.suffix = suffix;
	}
	print_exp(o, &e, CT_MSG_UNKNOWN, &po);
}

static void dump_child(struct daemon *d, int fd, int dump_req)
{
	bool xml = dump_req == CTL_CT_DUMP_INT_XML || dump_req == CTL_CT_DUMP_EXT_XML ||
		   dump_req == CTL_EXP_DUMP_INT_XML || dump_req == CTL_EXP_DUMP_EXT_XML;
	bool ext = dump_req == CTL_CT_DUMP_EXTERNAL || dump_req == CTL_CT_DUMP_EXT_XML ||
		   dump_req == CTL_EXP_DUMP_EXTERNAL || dump_req == CTL_EXP_DUMP_EXT_XML;
	bool exp = dump_req >= CTL_EXP_DUMP_INTERNAL && dump_req != CTL_EXP_COMMIT &&
		   dump_req != CTL_ALL_FLUSH_MASTER && dump_req != CTL_ALL_RESYNC_MASTER &&
		   dump_req != CTL_ALL_FLUSH_CACHE && dump_req != CTL_ALL_COMMIT;
	struct cache *c = exp ? (ext ? d->exp_ext : d->exp_int) : (ext ? d->ct_ext : d->ct_int);
	char *buf = malloc(64 * 1024);
	struct out o;
	uint32_t id = 0;

	if (!buf || !c)
		goto out;
	out_init(&o, fd, buf, 64 * 1024);
	while ((id = cache_next(c, id)) && !o.err) {
		if (cache_rec(c, id)->state == CACHE_DEAD)
			continue;
		if (exp)
			print_exp_rec(&o, c, id, xml);
		else
			dct_print_flow(d, &o, c, id, xml, ext);
	}
	out_flush(&o);
out:
	free(buf);
}

/* Bypass (DisableInternalCache): -i shows the kernel table as conntrack -L does. */
static int on_bypass_dump(void *arg, const struct kern_msg *m)
{
	struct out *o = arg;
	struct print_opts po = { .now = time(NULL) };

	if (!m->is_exp)
		print_ct(o, &m->ct, CT_MSG_UNKNOWN, &po);
	return o->err;
}

static void bypass_child(struct daemon *d, int fd, int xml)
{
	char *buf = malloc(64 * 1024);
	unsigned long bad = 0;
	struct out o;

	(void)xml;
	if (!buf)
		return;
	out_init(&o, fd, buf, 64 * 1024);
	kern_dump(&d->kern, false, on_bypass_dump, &o, &bad);
	out_flush(&o);
	free(buf);
}

void dct_dump(struct daemon *d, int fd, int req)
{
	if (d->bypass && (req == CTL_CT_DUMP_INTERNAL || req == CTL_CT_DUMP_INT_XML)) {
		daemon_fork(d, CHILD_ANY, bypass_child, fd, req == CTL_CT_DUMP_INT_XML);
		return;
	}
	daemon_fork(d, CHILD_ANY, dump_child, fd, req);
}

/* ---- commit: external cache -> kernel ---- */

/* What upstream does to a received entry before it creates it. */
static void commit_prepare(struct daemon *d, struct ct *ct, const struct cache_rec *r)
{
	const struct cfg *c = d->cfg;
	long t;

	ct->present &=
		~((UINT64_C(1) << CT_ID) | (UINT64_C(1) << CT_USE) | (UINT64_C(1) << CT_TS_START));
	if (c->commit_timeout) {
		ct->timeout = c->commit_timeout;
	} else {
		t = ct_has(ct, CT_TIMEOUT) ? (long)ct->timeout - (long)(now_s(d) - r->lastupdate)
					   : -1;
		ct->timeout = t < 0 ? 60 : (uint32_t)t;
	}
	ct_set(ct, CT_TIMEOUT);
	ct->status = (ct->status & ~(uint32_t)CT_IPS_EXPECTED) | CT_IPS_CONFIRMED;
	ct_set(ct, CT_STATUS);
	/*
	 * The wire carries no ports for UDP-Lite or GRE; like upstream, create
	 * them with zero ports (the kernel refuses those protocols without).
	 */
	switch (ct->orig.l4) {
	case 6:
	case 17:
	case 33:
	case 47:
	case 132:
	case 136:
		ct->orig.present |= CT_T_SPORT | CT_T_DPORT;
	}
	ct_tuple_invert(&ct->reply, &ct->orig);
	ct_set(ct, CT_REPLY);
	if (ct->orig.l4 == 6 && !c->tcp_window_tracking) {
		ct->tcp.flags_orig = ct->tcp.mask_orig = BE_LIBERAL;
		ct->tcp.flags_reply = ct->tcp.mask_reply = BE_LIBERAL;
		ct_set(ct, CT_TCP_FLAGS_ORIG);
		ct_set(ct, CT_TCP_FLAGS_REPLY);
	}
}

static void log_entry(struct daemon *d, const struct ct *ct)
{
	char buf[2048];
	struct print_opts po = { .now = time(NULL) };
	struct out o;

	out_init(&o, -1, buf, sizeof(buf));
	print_ct(&o, ct, CT_MSG_UNKNOWN, &po);
	if (o.len && buf[o.len - 1] == '\n')
		o.len--;
	log_line(&d->log, LOG_ERR, buf, (unsigned int)o.len);
}

#define TOK_DEL 0x80000000u

struct commit_round {
	struct daemon *d;
	uint32_t retry[BATCH_MAX];
	unsigned int nretry;
	bool second; /* the delete-and-create round */
};

static bool commit_get(struct daemon *d, uint32_t id, struct ct *ct, struct ct_exp *e)
{
	struct cache *c = d->commit.exp ? d->exp_ext : d->ct_ext;
	struct cache_rec *r = cache_rec(c, id);

	if (!r || r->state == CACHE_FREE)
		return false;
	if (d->commit.exp) {
		*e = *fexp_of(c, id)->exp;
		e->present &= ~(UINT32_C(1) << CT_EXP_ID);
		if (d->cfg->commit_timeout) {
			e->timeout = d->cfg->commit_timeout;
			ct_exp_set(e, CT_EXP_TIMEOUT);
		}
		return true;
	}
	flow_get(flow_of(c, id), ct);
	commit_prepare(d, ct, r);
	return true;
}

static int commit_queue(struct daemon *d, uint16_t msg, uint16_t flags, uint32_t id, uint32_t token)
{
	struct ct ct;
	struct ct_exp e;

	if (!commit_get(d, id, &ct, &e))
		return 0;
	/* CT and EXP share the numbers of NEW (0) and DELETE (2). */
	if (d->commit.exp)
		return kern_batch_exp(&d->batch, msg, flags, &e, token);
	return kern_batch_ct(&d->batch, msg, flags, &ct, token);
}

static void commit_done(void *arg, uint32_t token, int err)
{
	struct commit_round *cr = arg;
	struct daemon *d = cr->d;
	uint32_t id = token & ~TOK_DEL;
	struct ct ct;
	struct ct_exp e;

	if (token & TOK_DEL) {
		if (err && err != -ENOENT) {
			log_msg(&d->log, LOG_LVL_ERROR, "commit-destroy: %s", errstr(-err));
			if (!d->commit.exp && commit_get(d, id, &ct, &e))
				log_entry(d, &ct);
		}
		return;
	}
	if (err == -EEXIST && !cr->second) {
		cr->retry[cr->nretry++] = id;
		return;
	}
	if (!err) {
		d->commit.ok++;
		return;
	}
	d->commit.fail++;
	log_msg(&d->log, LOG_LVL_ERROR, "commit-create: %s", errstr(-err));
	if (!d->commit.exp && commit_get(d, id, &ct, &e))
		log_entry(d, &ct);
}

/* Send the batch; entries that already exist are deleted and created once more. */
static void commit_flush(struct daemon *d)
{
	struct commit_round cr = { .d = d };

	kern_batch_flush(&d->batch, commit_done, &cr);
	if (!cr.nretry)
		return;
	cr.second = true;
	for (unsigned int i = 0; i < cr.nretry; i++) {
		/* Two requests per entry: flush half-full batches before they overflow. */
		if (d->batch.n + 2 > d->batch.max)
			kern_batch_flush(&d->batch, commit_done, &cr);
		commit_queue(d, CTNL_MSG_CT_DELETE, 0, cr.retry[i], cr.retry[i] | TOK_DEL);
		commit_queue(d, CTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL, cr.retry[i],
			     cr.retry[i]);
	}
	kern_batch_flush(&d->batch, commit_done, &cr);
}

static void commit_finish_cache(struct daemon *d)
{
	struct timespec t;
	long sec, usec;

	clock_gettime(CLOCK_MONOTONIC, &t);
	sec = t.tv_sec - d->commit.start.tv_sec;
	usec = (t.tv_nsec - d->commit.start.tv_nsec) / 1000;
	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	log_msg(&d->log, LOG_LVL_NOTICE,
		d->commit.exp ? "Committed %u new expectations" : "Committed %u new entries",
		d->commit.ok);
	if (d->commit.fail)
		log_msg(&d->log, LOG_LVL_NOTICE,
			d->commit.exp ? "%u expectations can't be committed"
				      : "%u entries can't be committed",
			d->commit.fail);
	if (!d->commit.exp && d->commit.ondemand)
		log_msg(&d->log, LOG_LVL_NOTICE, "%u entries were committed on demand before",
			d->commit.ondemand);
	log_msg(&d->log, LOG_LVL_NOTICE, "commit has taken %ld.%06ld seconds", sec, usec);
}

static void commit_end(struct daemon *d)
{
	cod_new_marks(d);
	if (d->commit.client >= 0)
		close(d->commit.client);
	d->commit.client = -1;
	d->commit.active = false;
	if (d->commit.muted) {
		/*
		 * Back to the events, and a dump now for what the muted time
		 * hid: the committed entries join the internal cache unsent (as
		 * COMMIT-origin events would have), anything gone meanwhile is
		 * swept and its DEL sent.
		 */
		d->commit.muted = false;
		kern_mute(&d->kern, false);
		d->resync_quiet = true;
		dct_schedule_resync(d, 0);
	}
}

static void commit_step(void *arg)
{
	struct daemon *d = arg;
	struct commit *cm = &d->commit;
	struct cache *c = cm->exp ? d->exp_ext : d->ct_ext;
	unsigned int n = 0;

	while (c && n < COMMIT_STEP) {
		uint32_t id = cache_next(c, cm->cursor);
		struct cache_rec *r;
		bool related;

		if (!id)
			break;
		cm->cursor = id;
		r = cache_rec(c, id);
		if (r->state == CACHE_DEAD)
			continue;
		/* Masters first, then the entries that need them (pass 2). */
		related = !cm->exp && (flow_of(c, id)->present & (UINT64_C(1) << CT_MASTER));
		if (!cm->exp && related != (cm->pass == 2))
			continue;
		/* In the kernel already: a dropped packet had it committed on demand. */
		if (!cm->exp && r->aux == cm->gen) {
			cm->ondemand++;
			continue;
		}
		if (d->batch.n == d->batch.max)
			commit_flush(d);
		commit_queue(d, cm->exp ? CTNL_MSG_EXP_NEW : CTNL_MSG_CT_NEW,
			     NLM_F_CREATE | NLM_F_EXCL, id, id);
		n++;
	}
	commit_flush(d);
	if (c && n == COMMIT_STEP) {
		loop_timer_arm(&d->t_commit, loop_now());
		return;
	}
	if (!cm->exp && cm->pass == 1) {
		cm->pass = 2;
		cm->cursor = 0;
		loop_timer_arm(&d->t_commit, loop_now());
		return;
	}
	commit_finish_cache(d);
	if (!cm->exp && cm->exp_next && d->exp_ext) {
		cm->exp = true;
		cm->cursor = 0;
		cm->ok = cm->fail = 0;
		clock_gettime(CLOCK_MONOTONIC, &cm->start);
		loop_timer_arm(&d->t_commit, loop_now());
		return;
	}
	commit_end(d);
}

void dct_commit(struct daemon *d, int client, bool ct, bool exp)
{
	struct commit *cm = &d->commit;

	/*
	 * A commit cancels a scheduled flush (-t): the fail-over is happening
	 * now. Always, as upstream: a warm backup (DisableExternalCache) has
	 * nothing to commit, and its table is the state it must keep.
	 */
	loop_timer_stop(&d->t_flush);
	if (cm->active) {
		log_msg(&d->log, LOG_LVL_NOTICE, "commit already in progress, skipping");
		if (client >= 0)
			close(client);
		return;
	}
	log_msg(&d->log, LOG_LVL_NOTICE,
		ct && exp ? "committing all external caches"
		: ct	  ? "committing conntrack cache"
			  : "committing expectation cache");
	/* With DisableExternalCache there is nothing held back to commit. */
	if (!d->ct_ext || (!ct && !d->exp_ext)) {
		if (client >= 0)
			close(client);
		return;
	}
	memset(cm, 0, sizeof(*cm));
	cm->gen = d->cod_gen;
	cm->active = true;
	cm->client = client;
	cm->pass = 1;
	cm->exp = !ct;
	cm->exp_next = ct && exp && d->exp_ext;
	clock_gettime(CLOCK_MONOTONIC, &cm->start);
	/*
	 * Committing N entries would make the kernel build N events for our
	 * own socket (2N over existing entries) and us read them, all on the
	 * fail-over's critical path: stop listening for the commit's length.
	 */
	if (!d->bypass && cache_cstats(d->ct_ext)->hashed >= MUTE_MIN && !kern_mute(&d->kern, true))
		cm->muted = d->kern.ev != NULL;
	loop_timer_arm(&d->t_commit, loop_now());
}

void dct_commit_timer_init(struct daemon *d)
{
	loop_timer_add(d->loop, &d->t_commit, commit_step, d);
}

/* ---- commit on demand ---- */

static void cod_done(void *arg, uint32_t token, int err)
{
	(void)token;
	*(int *)arg = err;
}

void dct_commit_flow(struct daemon *d, const struct ct_tuple *t)
{
	struct cache *c = d->ct_ext;
	struct ct_tuple back = { 0 };
	struct flow_key k;
	struct cache_rec *r;
	struct ct ct;
	uint32_t id;
	int err;

	/* The packet may be either way; NAT'ed replies do not match (the other way will). */
	flow_key_tuple(&k, t, t->l3, 0);
	id = cache_find(c, &k);
	if (!id) {
		ct_tuple_invert(&back, t);
		flow_key_tuple(&k, &back, t->l3, 0);
		id = cache_find(c, &k);
	}
	r = id ? cache_rec(c, id) : NULL;
	if (!r || r->state == CACHE_DEAD) {
		d->cod.unknown++;
		return;
	}
	flow_get(flow_of(c, id), &ct);
	commit_prepare(d, &ct, r);
	/* Between two steps of a running commit its batch is empty. */
	err = kern_batch_ct(&d->batch, CTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL, &ct, id);
	if (!err) {
		err = -EIO; /* stays if no ack comes (the socket failed) */
		kern_batch_flush(&d->batch, cod_done, &err);
	}
	if (!err) {
		d->cod.committed++;
		r->aux = d->cod_gen;
		/*
		 * This node forwards the flow now: it is its own state, and the
		 * peer hears of it at once. A peer that takes over again before
		 * the bulk after this commit reaches it still has the flows in use.
		 */
		if (d->sync && !d->bypass && filter_ct(&d->cfg->filter, &ct)) {
			ct_update(d, &ct, NULL, false, true);
			dsync_kick(d);
		}
		return;
	}
	/*
	 * Already there: the bulk commit got to it first, or the entry is
	 * stale; fixing that is the bulk commit's job, not a packet's.
	 */
	if (err == -EEXIST) {
		d->cod.present++;
		return;
	}
	d->cod.failed++;
	log_msg(&d->log, LOG_LVL_ERROR, "commit-on-demand: %s", errstr(-err));
	log_entry(d, &ct);
}

/* ---- states from the peer ---- */

static const char *const inj_what[] = { "ct", "exp" };

/* DisableExternalCache: straight into the kernel, with upstream's fallbacks. */
static int inject_one(struct daemon *d, uint16_t msg, uint16_t flags, const struct ct *ct,
		      const struct ct_exp *e)
{
	char req[1024];
	uint8_t fam = ct ? (ct->orig.l3 ? ct->orig.l3 : ct->family) : e->family;
	int len;

	if (ct)
		len = ctnl_build_ct(req, sizeof(req), msg, flags | NLM_F_ACK, fam,
				    nl_seq(d->kern.inject), ct);
	else
		len = ctnl_build_exp(req, sizeof(req), msg, flags | NLM_F_ACK, fam,
				     nl_seq(d->kern.inject), e);
	if (len < 0)
		return len;
	return nl_talk(d->kern.inject, req, NULL, NULL);
}

static void inject(struct daemon *d, int type, const struct ct *in, const struct ct_exp *ein)
{
	bool isexp = ein != NULL;
	uint16_t mnew = isexp ? CTNL_MSG_EXP_NEW : CTNL_MSG_CT_NEW;
	uint16_t mdel = isexp ? CTNL_MSG_EXP_DELETE : CTNL_MSG_CT_DELETE;
	const char *w = inj_what[isexp];
	struct cache_rec r = { .lastupdate = now_s(d) };
	struct ct ct;
	int err;

	if (!isexp) {
		ct = *in;
		commit_prepare(d, &ct, &r);
		in = &ct;
	}
	switch (type % 3) {
	case 0: /* NEW */
		err = inject_one(d, mnew, NLM_F_CREATE | NLM_F_EXCL, in, ein);
		if (err == -EEXIST) {
			inject_one(d, mdel, 0, in, ein);
			err = inject_one(d, mnew, NLM_F_CREATE | NLM_F_EXCL, in, ein);
			if (err)
				log_msg(&d->log, LOG_LVL_WARN,
					"could not add new %s entry, even when deleting it first: "
					"%s",
					w, errstr(-err));
		} else if (err) {
			log_msg(&d->log, LOG_LVL_WARN, "could not add new %s entry: %s", w,
				errstr(-err));
		}
		d->st.inj_add += !err;
		d->st.inj_add_fail += !!err;
		return;
	case 1: /* UPD */
		err = inject_one(d, mnew, 0, in, ein);
		if (err == -ENOENT) {
			err = inject_one(d, mnew, NLM_F_CREATE | NLM_F_EXCL, in, ein);
			if (err)
				log_msg(&d->log, LOG_LVL_WARN,
					"could not update %s entry, even if creating it instead: "
					"%s",
					w, errstr(-err));
		} else if (err) {
			inject_one(d, mdel, 0, in, ein);
			err = inject_one(d, mnew, NLM_F_CREATE | NLM_F_EXCL, in, ein);
			if (err)
				log_msg(&d->log, LOG_LVL_WARN,
					"could not update %s entry, even when deleting it first: "
					"%s",
					w, errstr(-err));
		}
		d->st.inj_upd += !err;
		d->st.inj_upd_fail += !!err;
		return;
	default: /* DEL */
		err = inject_one(d, mdel, 0, in, ein);
		if (err && err != -ENOENT)
			log_msg(&d->log, LOG_LVL_WARN, "could not destroy %s entry: %s", w,
				errstr(-err));
		d->st.inj_del += !err || err == -ENOENT;
		d->st.inj_del_fail += err && err != -ENOENT;
	}
}

void dct_ext_ct(struct daemon *d, int type, const struct ct *ct)
{
	struct cache *c = d->ct_ext;
	struct flow_key k;
	uint32_t id;

	if (!c) {
		inject(d, type, ct, NULL);
		return;
	}
	if (!flow_key_of(&k, ct)) {
		log_msg(&d->log, LOG_LVL_ERROR, "unknown layer 3 proto in hash");
		return;
	}
	id = cache_find(c, &k);
	if (type == 2) { /* DEL */
		if (!id) {
			cache_stats(c)->del_fail++;
			cache_stats(c)->del_notfound++;
			return;
		}
		flow_clear(flow_of(c, id));
		cache_put(c, id);
		return;
	}
	if (id && type == 0) { /* NEW replaces */
		flow_clear(flow_of(c, id));
		cache_put(c, id);
		id = 0;
	}
	if (!id) {
		id = ct_add(d, c, &k, cache_hash(c, &k), ct);
		if (id)
			cache_rec(c, id)->aux = 0; /* not committed on demand */
		return;
	}
	if (flow_set(flow_of(c, id), ct, true))
		cache_stats(c)->upd_fail++;
	else
		cache_touched(c, id, now_s(d));
}

void dct_ext_exp(struct daemon *d, int type, const struct ct_exp *e)
{
	struct cache *c = d->exp_ext;
	struct flow_exp_key k;
	uint32_t id;

	if (!c) {
		if (d->ct_ext)
			return;
		inject(d, type, NULL, e);
		return;
	}
	if (!flow_exp_key_of(&k, e))
		return;
	id = cache_find(c, &k);
	if (type == 5) {
		if (id) {
			flow_exp_clear(fexp_of(c, id));
			cache_put(c, id);
		}
		return;
	}
	exp_update(d, c, e, type == 3, false);
}

static int on_bypass_bulk(void *arg, const struct kern_msg *m)
{
	struct daemon *d = arg;

	if (!m->is_exp && sane(d, &m->ct) && filter_ct(&d->cfg->filter, &m->ct))
		bypass_event(d, CT_MSG_NEW, &m->ct, NULL);
	return 0;
}

/* -B and a peer's RESYNC: every live internal object goes out again. */
void dct_bulk(struct daemon *d)
{
	unsigned long bad = 0;
	uint32_t id = 0;

	if (!d->sync)
		return;
	if (d->bypass) {
		/* No cache: the kernel table is the bulk, each entry as a NEW. */
		kern_dump(&d->kern, false, on_bypass_bulk, d, &bad);
		return;
	}
	while ((id = cache_next(d->ct_int, id)))
		if (cache_rec(d->ct_int, id)->state != CACHE_DEAD)
			dct_send(d, id);
	if (!d->exp_int)
		return;
	id = 0;
	while ((id = cache_next(d->exp_int, id)))
		if (cache_rec(d->exp_int, id)->state != CACHE_DEAD)
			dct_send(d, id | SYNC_ID_EXP);
}

/* ALARM: external entries not refreshed for CacheTimeout seconds go away. */
void dct_expire(struct daemon *d)
{
	struct cache *c = d->ct_ext;
	uint32_t id = 0, now = now_s(d);

	if (!c)
		return;
	while ((id = cache_next(c, id))) {
		if (now - cache_rec(c, id)->lastupdate < d->cfg->cache_timeout)
			continue;
		flow_clear(flow_of(c, id));
		cache_put(c, id);
	}
}
