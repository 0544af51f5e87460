// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's sync mode: the engine, the channels and the wire codec joined to the caches. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/errstr.h"
#include "core/cfg.h"
#include "core/chan.h"
#include "core/daemon_priv.h"
#include "core/flow.h"
#include "core/sync.h"
#include "proto/wire.h"

/* Biggest datagram a link can carry (jumbo frames included). */
#define RX_MAX 65536

static int wire_type(const struct cache_rec *r, bool exp)
{
	int t = r->state == CACHE_DEAD	  ? WIRE_CT_DEL
		: r->state == CACHE_ALIVE ? WIRE_CT_UPD
					  : WIRE_CT_NEW;

	return exp ? t + WIRE_EXP_NEW : t;
}

static int enc(void *arg, uint32_t id, uint8_t *buf, size_t room)
{
	struct daemon *d = arg;
	bool exp = id & SYNC_ID_EXP;
	struct cache *c = exp ? d->exp_int : d->ct_int;
	struct cache_rec *r = c ? cache_rec(c, id & ~SYNC_ID_EXP) : NULL;
	unsigned int opts = 0;
	int n;

	if (!r || r->state == CACHE_FREE)
		return 0;
	if (d->cfg->commit_timeout)
		opts |= WIRE_ENC_NO_TIMEOUT;
	if (d->cfg->tcp_window_tracking)
		opts |= WIRE_ENC_WSCALE;
	if (exp) {
		n = wire_put_exp(buf, room, (uint8_t)wire_type(r, true),
				 ((struct flow_exp *)r)->exp, opts);
	} else {
		struct ct ct;

		flow_get((struct flow *)r, &ct);
		n = wire_put_ct(buf, room, (uint8_t)wire_type(r, false), &ct, opts);
	}
	if (n == -EINVAL) {
		/* An entry the codec cannot describe is dropped, not retried forever. */
		d->net.send_malformed++;
		return 0;
	}
	return n;
}

static int snd(void *arg, const uint8_t *msg, size_t len)
{
	struct daemon *d = arg;

	return chan_send(d->chan, msg, len) == 1;
}

static void flush(void *arg)
{
	struct daemon *d = arg;

	chan_flush(d->chan);
}

static void release(void *arg, uint32_t id)
{
	dct_release(arg, id);
}

static void resync(void *arg)
{
	struct daemon *d = arg;

	log_msg(&d->log, LOG_LVL_NOTICE, "resync requested by other node");
	log_msg(&d->log, LOG_LVL_NOTICE, "sending bulk update");
	dct_bulk(d);
}

static const struct sync_ops ops = {
	.encode = enc,
	.send = snd,
	.flush = flush,
	.release = release,
	.resync = resync,
};

/* Run what the engine has due and re-arm its timer for the next deadline. */
void dsync_kick(struct daemon *d)
{
	uint64_t next;

	if (!d->sync)
		return;
	next = sync_tick(d->sync, loop_now());
	loop_timer_arm(&d->t_sync, next);
}

static void sync_timer(void *arg)
{
	dsync_kick(arg);
}

/* One datagram from link i: every message in it (spec 2.5). */
static void datagram(struct daemon *d, unsigned int i, const uint8_t *buf, size_t len)
{
	struct net_stats *n = &d->net;
	uint64_t now = loop_now();
	struct wire_hdr h;
	size_t off = 0;

	for (;;) {
		enum wire_rx rx = wire_next(buf, len, &off, &h);
		const uint8_t *msg;

		if (rx == WIRE_RX_END)
			return;
		if (rx != WIRE_RX_OK)
			n->malformed++;
		if (rx == WIRE_RX_TRUNCATED) {
			n->truncated++;
			return;
		}
		if (rx == WIRE_RX_BAD_SIZE) {
			n->bad_size++;
			return;
		}
		if (rx == WIRE_RX_BAD_VERSION) {
			n->bad_version++;
			continue;
		}
		msg = buf + off - h.len;
		switch (sync_input(d->sync, 0, &h, now)) {
		case SYNC_RX_BAD:
			n->malformed++;
			continue;
		case SYNC_RX_BAD_TYPE:
			chan_set_current(d->chan, i);
			n->malformed++;
			n->bad_type++;
			continue;
		case SYNC_RX_DROP:
			continue;
		case SYNC_RX_CTL:
			chan_set_current(d->chan, i);
			continue;
		case SYNC_RX_DATA:
			chan_set_current(d->chan, i);
			break;
		}
		if (h.type <= WIRE_CT_DEL) {
			struct ct ct;

			if (wire_get_ct(msg, h.len, &ct)) {
				n->malformed++;
				n->bad_payload++;
				continue;
			}
			dct_ext_ct(d, h.type, &ct);
		} else {
			struct ct_exp e;

			if (wire_get_exp(msg, h.len, &e)) {
				n->malformed++;
				n->bad_payload++;
				continue;
			}
			dct_ext_exp(d, h.type, &e);
		}
	}
}

static void on_chan(void *arg, int fd, short ev)
{
	struct daemon *d = arg;
	unsigned int i, limit = d->cfg->event_iter_limit;
	uint8_t *buf = d->rxbuf;

	(void)ev;
	for (i = 0; i < chan_count(d->chan) && chan_fd(d->chan, i) != fd; i++)
		;
	if (i == chan_count(d->chan))
		return;
	while (limit--) {
		ssize_t n = chan_recv(d->chan, i, buf, RX_MAX);

		if (n == -EACCES)
			continue;
		if (n < 0)
			break;
		datagram(d, i, buf, (size_t)n);
	}
	dsync_kick(d);
}

static void on_link(void *arg, int fd, short ev)
{
	struct daemon *d = arg;
	int sw = -1, none = 0;

	(void)fd;
	(void)ev;
	chan_link_event(d->chan, &sw, &none);
	if (sw >= 0)
		log_msg(&d->log, LOG_LVL_NOTICE, "device `%s' becomes dedicated link",
			chan_ifname(d->chan, (unsigned int)sw));
	if (none)
		log_msg(&d->log, LOG_LVL_ERROR, "no dedicated links available!");
}

int dsync_init(struct daemon *d)
{
	const struct cfg *c = d->cfg;
	unsigned int m = cfg_sync_mode(c);
	struct sync_cfg sc = {
		.mode = m & CFG_SYNC_FTFW    ? SYNC_FTFW
			: m & CFG_SYNC_ALARM ? SYNC_ALARM
					     : SYNC_NOTRACK,
		.ack_window = c->ack_window,
		.resend_queue_size = c->resend_queue_size,
		.refresh_time = c->refresh_time,
	};
	unsigned int link = 0;
	int err = 0;

	if (c->mode != CFG_MODE_SYNC)
		return 0;
	d->rxbuf = malloc(RX_MAX);
	if (!d->rxbuf)
		return -ENOMEM;
	d->chan = chan_open(c, &err, &link);
	if (!d->chan) {
		/* The applet already warned of interfaces it could not find, as upstream's parser. */
		log_msg(&d->log, LOG_LVL_ERROR, "can't open channel socket: %s", errstr(-err));
		return err ? err : -EINVAL;
	}
	for (unsigned int i = 0; i < chan_count(d->chan); i++)
		if (loop_add(d->loop, chan_fd(d->chan, i), on_chan, d))
			return -ENOSPC;
	if (chan_link_fd(d->chan) >= 0 && loop_add(d->loop, chan_link_fd(d->chan), on_link, d))
		return -ENOSPC;
	d->sync = sync_new(&sc, &ops, d, (uint32_t)time(NULL),
			   (uint32_t)time(NULL) ^ (uint32_t)getpid());
	if (!d->sync) {
		log_msg(&d->log, LOG_LVL_ERROR, "can't allocate memory for the sync");
		return -ENOMEM;
	}
	loop_timer_add(d->loop, &d->t_sync, sync_timer, d);
	return 0;
}

void dsync_start(struct daemon *d)
{
	if (!d->sync)
		return;
	if (d->cfg->startup_resync && !(d->sync_mode & CFG_SYNC_ALARM)) {
		sync_request_resync(d->sync, loop_now());
		log_msg(&d->log, LOG_LVL_NOTICE, "resync requested");
	}
	dsync_kick(d);
}

void dsync_fini(struct daemon *d)
{
	sync_free(d->sync);
	d->sync = NULL;
	chan_close(d->chan);
	d->chan = NULL;
	free(d->rxbuf);
	d->rxbuf = NULL;
}
