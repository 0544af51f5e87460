// SPDX-License-Identifier: GPL-2.0-or-later
/* The channel layer: links, the current one, datagram packing, counters, fail-over, -s blocks. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "config.h"
#include "channels/chan_ops.h"
#include "core/cfg.h"
#include "core/chan.h"
#include "core/out.h"

struct link {
	struct chan_sock sk;
	struct chan_stats st;
	unsigned int ifindex;
	size_t size, len; /* send buffer: capacity (MTU - overhead) and bytes pending */
	uint8_t *buf;
	char ifname[CFG_IFNAME_MAX];
};

struct chan {
	const struct chan_ops *ops;
	struct mnl_socket *mon; /* RTMGRP_LINK; its fd also serves the interface ioctls */
	unsigned int n, cur;
	struct link link[CFG_MAX_CHANNELS];
};

/* A backend left out of the build must leave no reference behind, hence #if. */
static const struct chan_ops *ops_for(unsigned int type)
{
#if CONFIG_CHANNEL_UDP
	if (type == CFG_CHAN_UDP)
		return &udp_ops;
#endif
#if CONFIG_CHANNEL_MCAST
	if (type == CFG_CHAN_MCAST)
		return &mcast_ops;
#endif
	(void)type;
	return NULL;
}

/* Any socket reaches the device ioctls; the monitor's saves opening one. */
static int ifioctl(const struct chan *c, unsigned long req, struct ifreq *ifr)
{
	return ioctl(mnl_socket_get_fd(c->mon), req, ifr) < 0 ? -errno : 0;
}

/* Open one link: interface (MTU, index), send buffer, then the backend's sockets. */
static int link_open(struct chan *c, struct link *l, const struct cfg_chan *cc, bool *bad_iface)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, cc->ifname, sizeof(ifr.ifr_name) - 1);
	memcpy(l->ifname, ifr.ifr_name, sizeof(l->ifname));
	err = ifioctl(c, SIOCGIFINDEX, &ifr);
	if (err) {
		*bad_iface = err == -ENODEV;
		return err;
	}
	l->ifindex = (unsigned int)ifr.ifr_ifindex;
	if ((err = ifioctl(c, SIOCGIFMTU, &ifr)))
		return err;
	if (ifr.ifr_mtu <= (int)c->ops->overhead)
		return -EINVAL;
	l->size = (size_t)ifr.ifr_mtu - c->ops->overhead;
	l->buf = malloc(l->size);
	if (!l->buf)
		return -ENOMEM;
	err = c->ops->open(&l->sk, cc, l->ifindex);
	if (err) {
		free(l->buf);
		l->buf = NULL;
	}
	return err;
}

struct chan *chan_open(const struct cfg *cfg, int *err, unsigned int *errlink)
{
	bool bad_iface = false;
	struct chan *c;
	unsigned int i = 0;

	*err = -EINVAL;
	if (!cfg->n_chan || cfg->n_chan > CFG_MAX_CHANNELS)
		goto out;
	*err = -ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto out;
	*err = -EPROTONOSUPPORT;
	c->ops = ops_for(cfg->chan[0].type);
	if (!c->ops)
		goto fail;
	c->mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!c->mon || mnl_socket_bind(c->mon, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		*err = -errno;
		goto fail;
	}
	for (; i < cfg->n_chan; i++) {
		/* the parser refuses mixed types; a hand-built cfg gets the same answer */
		*err = cfg->chan[i].type == cfg->chan[0].type ? 0 : -EINVAL;
		if (!*err)
			*err = link_open(c, &c->link[i], &cfg->chan[i], &bad_iface);
		if (*err)
			goto fail;
		c->n = i + 1;
	}
	c->cur = cfg->default_chan < c->n ? cfg->default_chan : 0;
	*err = 0;
	*errlink = 0;
	return c;
fail:
	chan_close(c);
out:
	*errlink = i | (bad_iface ? CHAN_ERR_IFACE : 0);
	return NULL;
}

void chan_close(struct chan *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		c->ops->close(&c->link[i].sk);
		free(c->link[i].buf);
	}
	if (c->mon)
		mnl_socket_close(c->mon);
	free(c);
}

unsigned int chan_count(const struct chan *c)
{
	return c->n;
}

int chan_fd(const struct chan *c, unsigned int i)
{
	return c->ops->fd(&c->link[i].sk);
}

int chan_link_fd(const struct chan *c)
{
	return mnl_socket_get_fd(c->mon);
}

const char *chan_ifname(const struct chan *c, unsigned int i)
{
	return c->link[i].ifname;
}

const struct chan_stats *chan_stats(const struct chan *c, unsigned int i)
{
	return &c->link[i].st;
}

unsigned int chan_current(const struct chan *c)
{
	return c->cur;
}

static int xmit(struct chan *c, struct link *l, const void *buf, size_t len)
{
	ssize_t n = c->ops->send(&l->sk, buf, len);

	if (n < 0) {
		l->st.err_send++;
		return (int)n;
	}
	l->st.bytes_sent += (uint64_t)n;
	l->st.pkts_sent++;
	return 0;
}

int chan_flush(struct chan *c)
{
	struct link *l = &c->link[c->cur];
	size_t n = l->len;

	if (!n)
		return 0;
	l->len = 0;
	return xmit(c, l, l->buf, n);
}

int chan_send(struct chan *c, const uint8_t *msg, size_t len)
{
	struct link *l = &c->link[c->cur];
	int err = 0, err2, started = 0;

	/* strictly less, as upstream: a datagram never reaches MTU - 28 bytes */
	if (l->len + len >= l->size) {
		started = l->len != 0;
		err = chan_flush(c);
		/* upstream would spin here; one oversized datagram beats a hang */
		if (len >= l->size) {
			err2 = xmit(c, l, msg, len);
			return err2 ? err2 : err ? err : started;
		}
	}
	memcpy(l->buf + l->len, msg, len);
	l->len += len;
	return err ? err : started;
}

ssize_t chan_recv(struct chan *c, unsigned int i, uint8_t *buf, size_t len)
{
	struct link *l = &c->link[i];
	ssize_t n = c->ops->recv(&l->sk, buf, len);

	if (n >= 0) {
		l->st.bytes_recv += (uint64_t)n;
		l->st.pkts_recv++;
	} else if (n == -EACCES) {
		l->st.rejected++;
	} else if (n != -EAGAIN) {
		l->st.err_recv++;
	}
	return n;
}

bool chan_set_current(struct chan *c, unsigned int i)
{
	struct link *old = &c->link[c->cur];

	if (i == c->cur || i >= c->n)
		return false;
	c->cur = i;
	/* what the old link had packed goes out on the new one, in order, before anything newer */
	if (old->len) {
		xmit(c, &c->link[i], old->buf, old->len);
		old->len = 0;
	}
	return true;
}

/* IFF_* of link i's interface now; 0 (DOWN) if it is gone. */
static unsigned int link_flags(const struct chan *c, unsigned int i)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = (int)c->link[i].ifindex;
	if (ifioctl(c, SIOCGIFNAME, &ifr) || ifioctl(c, SIOCGIFFLAGS, &ifr))
		return 0;
	return (unsigned short)ifr.ifr_flags;
}

int chan_link_event(struct chan *c, int *switched, int *none)
{
	unsigned int i, cur_if = c->link[c->cur].ifindex;
	char buf[64];
	int err = 0;

	*switched = -1;
	*none = 0;
	/*
	 * Only "something changed" matters: the flags are read from the
	 * kernel below, so truncated reads and ENOBUFS lose nothing.
	 */
	for (;;) {
		if (recv(chan_link_fd(c), buf, sizeof(buf), 0) >= 0 || errno == ENOBUFS ||
		    errno == EINTR)
			continue;
		if (errno != EAGAIN)
			err = -errno;
		break;
	}
	if ((link_flags(c, c->cur) & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING))
		return err;
	for (i = 0; i < c->n; i++) {
		/* upstream compares interfaces, so a second link on the same one is no candidate */
		if (c->link[i].ifindex == cur_if)
			continue;
		if (link_flags(c, i) & (IFF_UP | IFF_RUNNING)) {
			chan_set_current(c, i);
			*switched = (int)i;
			return err;
		}
	}
	*none = 1;
	return err;
}

/* The six counters, each right-aligned in 20 columns, two per line, then a blank line. */
static void print_block(struct out *o, const struct chan_stats *s)
{
	static const char lab[6][14] = {
		" Bytes sent ",	 " Bytes recv\n", " Pckts sent ",
		" Pckts recv\n", " Error send ",  " Error recv\n\n",
	};
	const uint64_t v[6] = {
		s->bytes_sent, s->bytes_recv, s->pkts_sent, s->pkts_recv, s->err_send, s->err_recv,
	};
	char d[20];
	unsigned int i;

	for (i = 0; i < 6; i++) {
		size_t n = fmt_u64(d, v[i]);

		out_mem(o, "                    ", 20 - n);
		out_mem(o, d, n);
		out_str(o, lab[i]);
	}
}

void chan_print_current(const struct chan *c, struct out *o)
{
	out_str(o, c->ops->name);
	out_str(o, " traffic (active device=");
	out_str(o, c->link[c->cur].ifname);
	out_str(o, "):\n");
	print_block(o, &c->link[c->cur].st);
}

void chan_print_links(const struct chan *c, struct out *o)
{
	unsigned int i, f;

	for (i = 0; i < c->n; i++) {
		f = link_flags(c, i);
		out_str(o, c->ops->name);
		out_str(o, " traffic device=");
		out_str(o, c->link[i].ifname);
		out_str(o, !(f & IFF_UP)     ? " status=DOWN"
			   : f & IFF_RUNNING ? " status=RUNNING"
					     : " status=NO-CARRIER");
		out_str(o, i == c->cur ? " role=ACTIVE:\n" : " role=BACKUP:\n");
		print_block(o, &c->link[i].st);
	}
}
