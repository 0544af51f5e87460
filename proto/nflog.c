// SPDX-License-Identifier: GPL-2.0-or-later
/* nfnetlink_log (NFLOG): the request that binds a log group, and the flow of a logged packet. */
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "proto/ct_tuple.h"
#include "proto/nflog.h"
#include "proto/nla.h"

int nflog_build_bind(void *buf, size_t len, uint16_t group, int bind, uint32_t seq)
{
	struct nlb b;
	uint8_t cmd = bind ? NFULNL_CFG_CMD_BIND : NFULNL_CFG_CMD_UNBIND;
	/* nfulnl_msg_config_mode is packed: be32 range, u8 mode, u8 pad */
	uint8_t mode[6] = { 0, 0, 0, NFLOG_COPY_RANGE, NFULNL_COPY_PACKET, 0 };

	nlb_init(&b, buf, len);
	nlb_msg(&b, NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, 0,
		AF_UNSPEC, group);
	nlb_put(&b, NFULA_CFG_CMD, &cmd, 1);
	if (bind) {
		nlb_put(&b, NFULA_CFG_MODE, mode, sizeof(mode));
		/*
		 * The kernel holds up to 100 packets or 1 s before it sends
		 * them by default: every packet at once is what a commit on
		 * demand needs.
		 */
		nlb_u32be(&b, NFULA_CFG_QTHRESH, 1);
	}
	return nlb_end(&b);
}

static const struct nla_pol pol_ent[NFULA_PAYLOAD + 1] = {
	[NFULA_PAYLOAD] = { NK_BIN, 0, UINT16_MAX },
};
static const struct nla_policy pol_pkt = { NFULA_PAYLOAD, 0, pol_ent };

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The transport part of the tuple from the l4 header at p (n bytes of it copied). */
static int parse_l4(struct ct_tuple *t, const uint8_t *p, size_t n)
{
	t->present = CT_T_SRC | CT_T_DST | CT_T_PROTO;
	switch (t->l4) {
	case 1:	 /* ICMP */
	case 58: /* ICMPv6 */
		if (n < 8)
			return -EPROTONOSUPPORT;
		/* Only queries make flows; an error belongs to the flow it quotes. */
		if (ct_icmp_reply_type(t->l4, p[0]) == 255)
			return -EPROTONOSUPPORT;
		t->icmp_type = p[0];
		t->icmp_code = p[1];
		t->icmp_id = get16(p + 4);
		t->present |= CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID;
		return 0;
	case 6:
	case 17:
	case 33:
	case 132:
	case 136:
		if (n < 4)
			return -EPROTONOSUPPORT;
		t->sport = get16(p);
		t->dport = get16(p + 2);
		t->present |= CT_T_SPORT | CT_T_DPORT;
		return 0;
	default:
		/* The kernel's generic tracker keys on the protocol alone. */
		return 0;
	}
}

static int parse_ip4(struct ct_tuple *t, const uint8_t *p, size_t n)
{
	size_t hl;

	if (n < 20)
		return -EPROTONOSUPPORT;
	hl = (size_t)(p[0] & 15) * 4;
	if (hl < 20 || hl > n)
		return -EPROTONOSUPPORT;
	/* A later fragment carries no transport header. */
	if (get16(p + 6) & 0x1fff)
		return -EPROTONOSUPPORT;
	t->l3 = AF_INET;
	t->l4 = p[9];
	memcpy(&t->src.v4, p + 12, 4);
	memcpy(&t->dst.v4, p + 16, 4);
	return parse_l4(t, p + hl, n - hl);
}

static int parse_ip6(struct ct_tuple *t, const uint8_t *p, size_t n)
{
	size_t off = 40, hl;
	uint8_t nh;

	if (n < 40)
		return -EPROTONOSUPPORT;
	t->l3 = AF_INET6;
	memcpy(t->src.b, p + 8, 16);
	memcpy(t->dst.b, p + 24, 16);
	nh = p[6];
	for (;;) {
		switch (nh) {
		case 0:	 /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
		case 51: /* AH: length in 4-byte units */
			if (off + 2 > n)
				return -EPROTONOSUPPORT;
			hl = nh == 51 ? ((size_t)p[off + 1] + 2) * 4 : ((size_t)p[off + 1] + 1) * 8;
			break;
		case 44: /* fragment */
			if (off + 8 > n || (get16(p + off + 2) & 0xfff8))
				return -EPROTONOSUPPORT;
			hl = 8;
			break;
		default:
			t->l4 = nh;
			return parse_l4(t, p + off, n - off);
		}
		nh = p[off];
		off += hl;
		if (off > n)
			return -EPROTONOSUPPORT;
	}
}

int nflog_parse(const struct nlmsghdr *nlh, struct ct_tuple *t)
{
	const struct nlattr *tb[NFULA_PAYLOAD + 1];
	struct nla_walk w = { .tb = tb };
	size_t hdr = NLMSG_HDRLEN + sizeof(struct nfgenmsg);
	const uint8_t *p;
	size_t n;
	int err;

	memset(t, 0, sizeof(*t));
	if (nlh->nlmsg_type != (NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET))
		return -ENOMSG;
	if (nlh->nlmsg_len < hdr)
		return -EINVAL;
	err = nla_walk((const uint8_t *)nlh + hdr, nlh->nlmsg_len - hdr, &pol_pkt, &w);
	if (err)
		return err;
	if (!tb[NFULA_PAYLOAD])
		return -EPROTONOSUPPORT;
	p = nla_payload(tb[NFULA_PAYLOAD]);
	n = nla_plen(tb[NFULA_PAYLOAD]);
	if (!n)
		return -EPROTONOSUPPORT;
	switch (p[0] >> 4) {
	case 4:
		return parse_ip4(t, p, n);
	case 6:
		return parse_ip6(t, p, n);
	}
	return -EPROTONOSUPPORT;
}
