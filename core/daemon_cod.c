// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commit on demand. A backup that takes over must create every flow of its
 * external cache before the connections through it pass again; with a big
 * table that takes longer than TCP waits. The firewall's ruleset logs the
 * packets it drops for want of state to an NFLOG group, and each one has
 * its flow committed at once, ahead of the bulk commit: the connections in
 * use come back first, in one retransmission.
 */
#include <errno.h>
#include <string.h>

#include "core/cfg.h"
#include "core/daemon_priv.h"
#include "core/errstr.h"
#include "core/nl.h"
#include "proto/nflog.h"

/* A logged packet is a few hundred bytes: 8 slots of nl.c's batch reader. */
#define COD_RX (16 * 1024)

static int on_packet(const struct nlmsghdr *nlh, void *arg)
{
	struct daemon *d = arg;
	struct ct_tuple t;
	int err = nflog_parse(nlh, &t);

	if (!err)
		dct_commit_flow(d, &t);
	else if (err != -ENOMSG)
		d->cod.unparsable++;
	return 0;
}

static void on_readable(void *arg, int fd, short revents)
{
	struct daemon *d = arg;
	unsigned int cut = 0;
	int r;

	(void)fd;
	(void)revents;
	/* A few batches per turn: the bulk commit and the peer are served in between. */
	for (int i = 0; i < 4; i++) {
		r = nl_recv_event_batch(d->cod_nl, 64, on_packet, d, &cut);
		if (r == -ENOBUFS) {
			/* The kernel dropped log messages; their packets come again. */
			d->cod.lost++;
			continue;
		}
		if (r <= 0)
			break;
	}
	d->cod.unparsable += cut;
}

int dcod_init(struct daemon *d)
{
	uint16_t group = d->cfg->cod_group;
	char req[128];
	int r;

	if (!group || !d->ct_ext)
		return 0;
	d->cod_nl = nl_open_rx(0, COD_RX);
	if (!d->cod_nl) {
		r = -errno;
		goto fail;
	}
	r = nflog_build_bind(req, sizeof(req), group, 1, nl_seq(d->cod_nl));
	if (r >= 0)
		r = nl_talk(d->cod_nl, req, NULL, NULL);
	if (r >= 0)
		r = loop_add(d->loop, nl_fd(d->cod_nl), on_readable, d);
	if (r < 0)
		goto fail;
	log_msg(&d->log, LOG_LVL_NOTICE, "committing on demand the flows of NFLOG group %u", group);
	return 0;
fail:
	/* EBUSY: another process (ulogd?) holds the group. */
	log_msg(&d->log, LOG_LVL_ERROR, "can't bind NFLOG group %u: %s", group, errstr(-r));
	dcod_fini(d);
	return r;
}

void dcod_fini(struct daemon *d)
{
	if (!d->cod_nl)
		return;
	/* Closing the socket unbinds the group (not in a child: the parent still holds it). */
	loop_del(d->loop, nl_fd(d->cod_nl));
	nl_close(d->cod_nl);
	d->cod_nl = NULL;
}
