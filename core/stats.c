// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd -s: the statistics texts, byte for byte as upstream prints them, and a JSON document. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "core/cfg.h"
#include "core/chan.h"
#include "core/ctl.h"
#include "core/daemon_priv.h"
#include "core/out.h"
#include "core/sync.h"

static void outf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void outf(struct out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_mem(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void cache_short(struct out *o, const char *name, const struct cache_stats *s)
{
	outf(o,
	     "cache %s:\n"
	     "current active connections:\t%12u\n"
	     "connections created:\t\t%12u\tfailed:\t%12u\n"
	     "connections updated:\t\t%12u\tfailed:\t%12u\n"
	     "connections destroyed:\t\t%12u\tfailed:\t%12u\n\n",
	     name, s->active, s->add_ok, s->add_fail, s->upd_ok, s->upd_fail, s->del_ok,
	     s->del_fail);
}

static void cache_long(struct out *o, const char *name, const struct cache_stats *s)
{
	outf(o,
	     "cache:%s\tactive objects:\t\t%12u\n"
	     "\tactive/total entries:\t\t%12u/%12u\n"
	     "\tcreation OK/failed:\t\t%12u/%12u\n"
	     "\t\tno memory available:\t%12u\n"
	     "\t\tno space left in cache:\t%12u\n"
	     "\tupdate OK/failed:\t\t%12u/%12u\n"
	     "\t\tentry not found:\t%12u\n"
	     "\tdeletion created/failed:\t%12u/%12u\n"
	     "\t\tentry not found:\t%12u\n\n",
	     name, s->objects, s->active, s->hashed, s->add_ok, s->add_fail, s->add_nomem,
	     s->add_nospace, s->upd_ok, s->upd_fail, s->upd_notfound, s->del_ok, s->del_fail,
	     s->del_notfound);
}

static void traffic(struct out *o, const struct daemon *d)
{
	outf(o, "traffic processed:\n%20llu Bytes      %20llu Pckts\n\n",
	     (unsigned long long)d->st.bytes, (unsigned long long)d->st.packets);
}

static void bypass(struct out *o, const struct daemon *d)
{
	outf(o,
	     "internal bypass:\n"
	     "connections new:\t\t%12u\n"
	     "connections updated:\t\t%12u\n"
	     "connections destroyed:\t\t%12u\n\n",
	     (unsigned int)d->st.byp_new, (unsigned int)d->st.byp_upd, (unsigned int)d->st.byp_del);
}

static void injected(struct out *o, const struct daemon *d)
{
	outf(o,
	     "external inject:\n"
	     "connections created:\t\t%12u\tfailed:\t%12u\n"
	     "connections updated:\t\t%12u\tfailed:\t%12u\n"
	     "connections destroyed:\t\t%12u\tfailed:\t%12u\n\n",
	     (unsigned int)d->st.inj_add, (unsigned int)d->st.inj_add_fail,
	     (unsigned int)d->st.inj_upd, (unsigned int)d->st.inj_upd_fail,
	     (unsigned int)d->st.inj_del, (unsigned int)d->st.inj_del_fail);
}

static void ondemand(struct out *o, const struct daemon *d)
{
	const struct cod_stats *s = &d->cod;

	outf(o,
	     "commit on demand:\n"
	     "connections committed:\t\t%12llu\tfailed:\t%12llu\n"
	     "already in the kernel:\t\t%12llu\n"
	     "not in the external cache:\t%12llu\n"
	     "unreadable packets:\t\t%12llu\tlost:\t%12llu\n\n",
	     (unsigned long long)s->committed, (unsigned long long)s->failed,
	     (unsigned long long)s->present, (unsigned long long)s->unknown,
	     (unsigned long long)s->unparsable, (unsigned long long)s->lost);
}

static void link_current(struct out *o, const struct daemon *d)
{
	if (d->chan)
		chan_print_current(d->chan, o);
}

static void msg_tracking(struct out *o, const struct daemon *d)
{
	struct sync_stats ss = { 0 };

	if (d->sync)
		sync_get_stats(d->sync, &ss);
	outf(o, "message tracking:\n%20llu Malformed msgs %20llu Lost msgs\n\n",
	     (unsigned long long)(d->net.malformed), (unsigned long long)ss.lost);
}

static void stats_sync(struct out *o, const struct daemon *d, bool exp)
{
	struct cache *in = exp ? d->exp_int : d->ct_int, *ex = exp ? d->exp_ext : d->ct_ext;

	if (d->bypass)
		bypass(o, d);
	else if (in)
		cache_short(o, "internal", cache_cstats(in));
	if (ex)
		cache_short(o, "external", cache_cstats(ex));
	else
		injected(o, d);
	if (!exp && d->cod_nl)
		ondemand(o, d);
	traffic(o, d);
	link_current(o, d);
	msg_tracking(o, d);
}

static void uptime(struct out *o, const struct daemon *d)
{
	long secs = (long)(time(NULL) - d->start), days = secs / 86400;
	long h = secs % 86400 / 3600, m = secs % 3600 / 60;

	out_str(o, "daemon uptime: ");
	if (days)
		outf(o, "%ld day%s ", days, days == 1 ? "" : "s");
	if (h)
		outf(o, "%ld h %ld min\n\n", h, m);
	else
		outf(o, "%ld min\n\n", m);
}

static void runtime(struct out *o, const struct daemon *d)
{
	const struct daemon_stats *s = &d->st;

	uptime(o, d);
	outf(o,
	     "netlink stats:\n"
	     "\tevents received:\t%20llu\n"
	     "\tevents filtered:\t%20llu\n"
	     "\tevents unknown type:\t\t%12u\n"
	     "\tcatch event failed:\t\t%12u\n"
	     "\tdump unknown type:\t\t%12u\n"
	     "\tnetlink overrun:\t\t%12u\n"
	     "\tflush kernel table:\t\t%12u\n"
	     "\tresync with kernel table:\t%12u\n"
	     "\tcurrent buffer size (in bytes):\t%12u\n\n",
	     (unsigned long long)s->ev_received, (unsigned long long)s->ev_filtered,
	     (unsigned int)s->ev_unknown, (unsigned int)s->ev_failed, (unsigned int)s->dump_unknown,
	     (unsigned int)s->overrun, (unsigned int)s->flush_kernel,
	     (unsigned int)s->resync_kernel, (unsigned int)d->kern.evbuf);
	outf(o,
	     "runtime stats:\n"
	     "\tchild process failed:\t\t%12u\n"
	     "\t\tchild process segfault:\t%12u\n"
	     "\t\tchild process termsig:\t%12u\n"
	     "\tselect failed:\t\t\t%12u\n"
	     "\twait failed:\t\t\t%12u\n"
	     "\tlocal read failed:\t\t%12u\n"
	     "\tlocal unknown request:\t\t%12u\n\n",
	     (unsigned int)s->child_failed, (unsigned int)s->child_segv,
	     (unsigned int)s->child_termsig, (unsigned int)s->select_failed,
	     (unsigned int)s->wait_failed, (unsigned int)s->local_read_failed,
	     (unsigned int)s->local_unknown);
}

static void network(struct out *o, const struct daemon *d)
{
	const struct net_stats *n = &d->net;
	struct sync_stats ss = { 0 };

	if (d->sync)
		sync_get_stats(d->sync, &ss);
	outf(o,
	     "network statistics:\n"
	     "\trecv:\n"
	     "\t\tMalformed messages:\t%20llu\n"
	     "\t\tWrong protocol version:\t%20llu\n"
	     "\t\tMalformed header:\t%20llu\n"
	     "\t\tMalformed payload:\t%20llu\n"
	     "\t\tBad message type:\t%20llu\n"
	     "\t\tTruncated message:\t%20llu\n"
	     "\t\tBad message size:\t%20llu\n"
	     "\tsend:\n"
	     "\t\tMalformed messages:\t%20llu\n\n",
	     (unsigned long long)n->malformed, (unsigned long long)n->bad_version,
	     (unsigned long long)(n->bad_header + ss.bad), (unsigned long long)n->bad_payload,
	     (unsigned long long)n->bad_type, (unsigned long long)n->truncated,
	     (unsigned long long)n->bad_size, (unsigned long long)n->send_malformed);
	outf(o,
	     "sequence tracking statistics:\n"
	     "\trecv:\n"
	     "\t\tPackets lost:\t\t%20llu\n"
	     "\t\tPackets before:\t\t%20llu\n\n",
	     (unsigned long long)ss.lost, (unsigned long long)ss.before);
	link_current(o, d);
}

static void queue_block(struct out *o, const char *name, unsigned int cur, unsigned int max,
			unsigned long long nospace)
{
	outf(o,
	     "queue %s:\n"
	     "current elements:\t\t%12u\n"
	     "maximum elements:\t\t%12u\n"
	     "not enough space errors:\t%12u\n\n",
	     name, cur, max, (unsigned int)nospace);
}

static void queues(struct out *o, const struct daemon *d)
{
	struct sync_stats ss = { 0 };

	if (d->sync)
		sync_get_stats(d->sync, &ss);
	outf(o, "allocated queue nodes:\t\t%12u\n\n", ss.qnodes);
	queue_block(o, "txqueue", ss.txq_len, 2147483647u, ss.txq_nomem);
	/* The TCP error queue exists upstream even without TCP links: same figures. */
	queue_block(o, "errorq", 0, 128, 0);
	if (d->sync_mode & CFG_SYNC_FTFW)
		queue_block(o, "rsqueue", ss.rsq_len, ss.rsq_max, ss.rsq_overflow);
}

static void rsq_line(void *arg, int ctl, uint32_t seq, uint8_t flags)
{
	struct out *o = arg;

	if (ctl)
		outf(o, "control -> seq:%u flags:%u\n", seq, flags);
	else
		outf(o, "object -> seq:%u\n", seq);
}

static void rsqueue(struct out *o, const struct daemon *d)
{
	struct sync_stats ss = { 0 };

	if (!d->sync || !(d->sync_mode & CFG_SYNC_FTFW))
		return;
	sync_get_stats(d->sync, &ss);
	outf(o, "resent queue (len=%u)\n", ss.rsq_len);
	sync_rsqueue_walk(d->sync, rsq_line, o);
}

static void process(struct out *o, const struct daemon *d)
{
	static const char *const type[] = { "any", "flush", "commit" };

	for (unsigned int i = 0; i < d->nchild; i++)
		outf(o, "PID=%u type=%s\n", (unsigned int)d->child[i].pid, type[d->child[i].type]);
}

/* Beyond upstream: every figure in one JSON object (doc/json.md). */
static void json_cache(struct out *o, const char *name, const struct cache *c)
{
	const struct cache_stats *s;

	if (!c)
		return;
	s = cache_cstats(c);
	outf(o,
	     ",\"%s\":{\"objects\":%u,\"active\":%u,\"entries\":%u,\"created\":%u,"
	     "\"create_failed\":%u,\"create_nomem\":%u,\"create_nospace\":%u,\"updated\":%u,"
	     "\"update_failed\":%u,\"update_notfound\":%u,\"deleted\":%u,\"delete_failed\":%u,"
	     "\"delete_notfound\":%u}",
	     name, s->objects, s->active, s->hashed, s->add_ok, s->add_fail, s->add_nomem,
	     s->add_nospace, s->upd_ok, s->upd_fail, s->upd_notfound, s->del_ok, s->del_fail,
	     s->del_notfound);
}

static uint64_t rejected(const struct daemon *d)
{
	uint64_t n = 0;

	for (unsigned int i = 0; d->chan && i < chan_count(d->chan); i++)
		n += chan_stats(d->chan, i)->rejected;
	return n;
}

static void json(struct out *o, const struct daemon *d)
{
	const struct daemon_stats *s = &d->st;
	const struct net_stats *n = &d->net;
	struct sync_stats ss = { 0 };

	if (d->sync)
		sync_get_stats(d->sync, &ss);
	outf(o, "{\"uptime\":%ld,\"mode\":\"%s\"", (long)(time(NULL) - d->start),
	     d->cfg->mode == CFG_MODE_STATS    ? "stats"
	     : d->sync_mode & CFG_SYNC_FTFW    ? "ftfw"
	     : d->sync_mode & CFG_SYNC_ALARM   ? "alarm"
	     : d->sync_mode & CFG_SYNC_NOTRACK ? "notrack"
					       : "none");
	json_cache(o, "internal", d->ct_int);
	json_cache(o, "external", d->ct_ext);
	json_cache(o, "internal_exp", d->exp_int);
	json_cache(o, "external_exp", d->exp_ext);
	outf(o, ",\"traffic\":{\"bytes\":%llu,\"packets\":%llu}", (unsigned long long)s->bytes,
	     (unsigned long long)s->packets);
	if (d->cod_nl)
		outf(o,
		     ",\"commit_on_demand\":{\"committed\":%llu,\"present\":%llu,"
		     "\"unknown\":%llu,\"failed\":%llu,\"unparsable\":%llu,\"lost\":%llu}",
		     (unsigned long long)d->cod.committed, (unsigned long long)d->cod.present,
		     (unsigned long long)d->cod.unknown, (unsigned long long)d->cod.failed,
		     (unsigned long long)d->cod.unparsable, (unsigned long long)d->cod.lost);
	outf(o,
	     ",\"netlink\":{\"events_received\":%llu,\"events_filtered\":%llu,"
	     "\"events_unknown\":%llu,\"events_failed\":%llu,\"dump_unknown\":%llu,"
	     "\"overrun\":%llu,\"flush_kernel\":%llu,\"resync_kernel\":%llu,\"buffer_size\":%zu}",
	     (unsigned long long)s->ev_received, (unsigned long long)s->ev_filtered,
	     (unsigned long long)s->ev_unknown, (unsigned long long)s->ev_failed,
	     (unsigned long long)s->dump_unknown, (unsigned long long)s->overrun,
	     (unsigned long long)s->flush_kernel, (unsigned long long)s->resync_kernel,
	     d->kern.evbuf);
	outf(o,
	     ",\"runtime\":{\"child_failed\":%llu,\"child_segfault\":%llu,\"child_termsig\":%llu,"
	     "\"local_read_failed\":%llu,\"local_unknown\":%llu}",
	     (unsigned long long)s->child_failed, (unsigned long long)s->child_segv,
	     (unsigned long long)s->child_termsig, (unsigned long long)s->local_read_failed,
	     (unsigned long long)s->local_unknown);
	if (d->cfg->mode == CFG_MODE_SYNC)
		outf(o,
		     ",\"network\":{\"malformed\":%llu,\"bad_version\":%llu,\"bad_header\":%llu,"
		     "\"bad_payload\":%llu,\"bad_type\":%llu,\"truncated\":%llu,\"bad_size\":%llu,"
		     "\"send_malformed\":%llu,\"lost\":%llu,\"before\":%llu,\"rejected_peer\":%llu,"
		     "\"peer_starts\":%llu},"
		     "\"queue\":{\"tx\":%u,\"rs\":%u,\"rs_max\":%u,\"rs_overflow\":%llu}",
		     (unsigned long long)n->malformed, (unsigned long long)n->bad_version,
		     (unsigned long long)(n->bad_header + ss.bad),
		     (unsigned long long)n->bad_payload, (unsigned long long)n->bad_type,
		     (unsigned long long)n->truncated, (unsigned long long)n->bad_size,
		     (unsigned long long)n->send_malformed, (unsigned long long)ss.lost,
		     (unsigned long long)ss.before, (unsigned long long)rejected(d),
		     (unsigned long long)ss.peer_starts, ss.txq_len, ss.rsq_len, ss.rsq_max,
		     (unsigned long long)ss.rsq_overflow);
	for (unsigned int i = 0; d->chan && i < chan_count(d->chan); i++) {
		const struct chan_stats *cs = chan_stats(d->chan, i);

		outf(o,
		     "%s{\"device\":\"%s\",\"active\":%s,\"bytes_sent\":%llu,\"bytes_recv\":%llu,"
		     "\"pkts_sent\":%llu,\"pkts_recv\":%llu,\"err_send\":%llu,\"err_recv\":%llu}",
		     i ? "," : ",\"links\":[", chan_ifname(d->chan, i),
		     chan_current(d->chan) == i ? "true" : "false",
		     (unsigned long long)cs->bytes_sent, (unsigned long long)cs->bytes_recv,
		     (unsigned long long)cs->pkts_sent, (unsigned long long)cs->pkts_recv,
		     (unsigned long long)cs->err_send, (unsigned long long)cs->err_recv);
		if (i + 1 == chan_count(d->chan))
			out_chr(o, ']');
	}
	out_str(o, "}\n");
}

void stats_print(struct daemon *d, struct out *o, int req)
{
	bool stats_mode = d->cfg->mode == CFG_MODE_STATS;

	switch (req) {
	case CTL_STATS_RUNTIME:
		runtime(o, d);
		return;
	case CTL_STATS_PROCESS:
		process(o, d);
		return;
	case CTL_STATS_JSON:
		json(o, d);
		return;
	}
	if (stats_mode) {
		if (req == CTL_STATS) {
			cache_short(o, "stats", cache_cstats(d->ct_int));
			traffic(o, d);
		} else if (req == CTL_STATS_CACHE) {
			cache_long(o, "stats", cache_cstats(d->ct_int));
		}
		return;
	}
	if (d->cfg->mode != CFG_MODE_SYNC)
		return;
	switch (req) {
	case CTL_STATS:
		stats_sync(o, d, false);
		break;
	case CTL_EXP_STATS:
		if (d->exp_int || d->st.inj_add)
			stats_sync(o, d, true);
		break;
	case CTL_STATS_NETWORK:
		network(o, d);
		break;
	case CTL_STATS_CACHE:
		if (d->bypass)
			bypass(o, d);
		else
			cache_long(o, "internal", cache_cstats(d->ct_int));
		if (d->ct_ext)
			cache_long(o, "external", cache_cstats(d->ct_ext));
		else
			injected(o, d);
		break;
	case CTL_STATS_LINK:
		if (d->chan)
			chan_print_links(d->chan, o);
		break;
	case CTL_STATS_RSQUEUE:
		rsqueue(o, d);
		break;
	case CTL_STATS_QUEUE:
		queues(o, d);
		break;
	}
}
