// SPDX-License-Identifier: GPL-2.0-or-later
/* Multicast channel backend: join Group on Interface, receive on group:port, send to it. */
#include <errno.h>
#include <string.h>

#include "channels/chan_ops.h"
#include "channels/dgram.h"
#include "core/cfg.h"

static int mcast_open(struct chan_sock *s, const struct cfg_chan *cc, unsigned int ifindex)
{
	int err;

	/*
	 * The receive socket is bound to the group itself (1.4.9; 1.4.7 bound
	 * the wildcard address), so unicast sent to the port is not taken.
	 */
	err = dgram_open(s, cc, &cc->addr, &cc->addr, ifindex);
	if (err)
		return err;
	if (cc->family == AF_INET) {
		struct ip_mreqn mr;

		/*
		 * Upstream names the interface by IPv4_interface's address; without
		 * one it let the routing table pick, which fails on hosts with no
		 * route for the group. Interface is mandatory, so fall back to it.
		 */
		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr.s_addr = cc->addr.v4;
		mr.imr_address.s_addr = cc->ifaddr.v4;
		mr.imr_ifindex = cc->has_ifaddr ? 0 : (int)ifindex;
		if (setsockopt(s->rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
		    setsockopt(s->tx, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0) {
			err = -errno;
			goto fail;
		}
		err = dgram_setint(s->tx, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
	} else {
		struct ipv6_mreq mr;

		memcpy(&mr.ipv6mr_multiaddr, cc->addr.b, 16);
		mr.ipv6mr_interface = ifindex;
		if (setsockopt(s->rx, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0) {
			err = -errno;
			goto fail;
		}
		if (!(err = dgram_setint(s->tx, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)ifindex)))
			err = dgram_setint(s->tx, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	}
	/* the TTL / hop limit stays at the default 1, as upstream */
	if (!err)
		return 0;
fail:
	dgram_close(s);
	return err;
}

const struct chan_ops mcast_ops = {
	.name = "multicast",
	.overhead = 28,
	.open = mcast_open,
	.close = dgram_close,
	.send = dgram_send,
	.recv = dgram_recv,
	.fd = dgram_fd,
};
