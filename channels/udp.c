// SPDX-License-Identifier: GPL-2.0-or-later
/* UDP channel backend: receive on [address]:Port from anyone, send to [destination]:Port. */
#include <errno.h>

#include "channels/chan_ops.h"
#include "channels/dgram.h"
#include "core/cfg.h"

static int udp_open(struct chan_sock *s, const struct cfg_chan *cc, unsigned int ifindex)
{
	/* no *_Destination_Address: upstream sends to the zero address of the family */
	if (cc->dest_family && cc->dest_family != cc->family)
		return -EAFNOSUPPORT;
	int err;

	/* the scope id makes link-local bind and destination addresses usable */
	err = dgram_open(s, cc, &cc->addr, &cc->dest, ifindex);
	/*
	 * Upstream takes state from anyone who can reach the port; ctbox only
	 * from the configured peer (doc/differences.md).
	 */
	s->peer_only = !err && cc->dest_family;
	return err;
}

const struct chan_ops udp_ops = {
	.name = "UDP",
	.overhead = 28,
	.open = udp_open,
	.close = dgram_close,
	.send = dgram_send,
	.recv = dgram_recv,
	.fd = dgram_fd,
};
