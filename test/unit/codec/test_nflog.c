// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proto/nflog on byte fixtures: the group bind request byte for byte, and the flow read
 * from logged packets (IPv4, IPv6 with extension headers, ICMP queries and errors,
 * fragments, copies cut short, malformed attributes).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "check.h"
#include "proto/nflog.h"

/* An attribute header (host order, as netlink has it). */
static void nla(uint8_t *p, uint16_t len, uint16_t type)
{
	struct nlattr a = { .nla_len = len, .nla_type = type };

	memcpy(p, &a, sizeof(a));
}

/* A logged packet message: nlmsghdr, nfgenmsg, PACKET_HDR, then PAYLOAD with pkt. */
static size_t msg(uint8_t *buf, uint16_t type, const uint8_t *pkt, size_t n)
{
	size_t off = 0, alen;
	struct nlmsghdr nlh = { 0 };

	memset(buf, 0, 512);
	off = NLMSG_HDRLEN;
	buf[off] = AF_INET; /* nfgenmsg: family, version, res_id 7 */
	buf[off + 3] = 7;
	off += 4;
	/* NFULA_PACKET_HDR (1): hw_protocol 0x0800, hook 2 */
	nla(buf + off, 8, 1);
	buf[off + 4] = 0x08, buf[off + 6] = 2;
	off += 8;
	alen = 4 + n;
	nla(buf + off, (uint16_t)alen, 9);
	memcpy(buf + off + 4, pkt, n);
	off += (alen + 3) & ~(size_t)3;
	nlh.nlmsg_len = (uint32_t)off;
	nlh.nlmsg_type = type;
	memcpy(buf, &nlh, sizeof(nlh));
	return off;
}

#define PKT_TYPE (4 << 8 | 0) /* NFNL_SUBSYS_ULOG, NFULNL_MSG_PACKET */

static int parse(const uint8_t *pkt, size_t n, struct ct_tuple *t)
{
	uint8_t buf[512];

	msg(buf, PKT_TYPE, pkt, n);
	return nflog_parse((const struct nlmsghdr *)(void *)buf, t);
}

static const uint8_t tcp4[] = {
	0x45, 0,    0,	  40,	0, 1, 0x40, 0,	64, 6,
	0,    0,    172,  30,	1, 2, 172,  30, 2,  2, /* DF */
	0xc3, 0x50, 0x13, 0xc5, 0, 0, 0,    1,	0,  0,
	0,    2,    0x50, 0x10, 0, 0, 0,    0,	0,  0,
};

static void ip4(void)
{
	struct ct_tuple t;
	uint8_t p[sizeof(tcp4)];

	CHECK(parse(tcp4, sizeof(tcp4), &t) == 0, "tcp4 parses");
	CHECK(t.l3 == AF_INET && t.l4 == 6 && t.sport == 50000 && t.dport == 5061,
	      "tcp4 l3 %u l4 %u ports %u %u", t.l3, t.l4, t.sport, t.dport);
	CHECK(t.src.v4 == htonl(0xac1e0102) && t.dst.v4 == htonl(0xac1e0202), "tcp4 addresses");
	CHECK(t.present == (CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_SPORT | CT_T_DPORT),
	      "tcp4 present %#x", t.present);

	/* options: the ports sit after a 24-byte header */
	{
		uint8_t o[44];

		memcpy(o, tcp4, 20);
		o[0] = 0x46;
		memset(o + 20, 1, 4);
		memcpy(o + 24, tcp4 + 20, 20);
		CHECK(parse(o, sizeof(o), &t) == 0 && t.sport == 50000 && t.dport == 5061,
		      "ihl 6: ports %u %u", t.sport, t.dport);
	}
	/* a later fragment has no ports; the first one does */
	memcpy(p, tcp4, sizeof(p));
	p[6] = 0x00, p[7] = 0xb9;
	CHECK(parse(p, sizeof(p), &t) == -EPROTONOSUPPORT, "later fragment refused");
	p[6] = 0x20, p[7] = 0;
	CHECK(parse(p, sizeof(p), &t) == 0 && t.dport == 5061, "first fragment read");
	/* cut short: header, or ports */
	CHECK(parse(tcp4, 19, &t) == -EPROTONOSUPPORT, "short ip header");
	CHECK(parse(tcp4, 23, &t) == -EPROTONOSUPPORT, "short ports");
	CHECK(parse(tcp4, 24, &t) == 0, "ports only");
	/* ihl below 5, or past the copy */
	memcpy(p, tcp4, sizeof(p));
	p[0] = 0x44;
	CHECK(parse(p, sizeof(p), &t) == -EPROTONOSUPPORT, "ihl 4 refused");
	p[0] = 0x4f;
	CHECK(parse(p, sizeof(p), &t) == -EPROTONOSUPPORT, "ihl past the copy refused");
	/* udp, sctp, dccp, udplite: ports; gre: protocol only */
	memcpy(p, tcp4, sizeof(p));
	for (unsigned int i = 0; i < 4; i++) {
		static const uint8_t l4[] = { 17, 132, 33, 136 };

		p[9] = l4[i];
		CHECK(parse(p, sizeof(p), &t) == 0 && t.l4 == l4[i] && t.sport == 50000,
		      "l4 %u ports", l4[i]);
	}
	p[9] = 47;
	CHECK(parse(p, sizeof(p), &t) == 0 && t.l4 == 47 && !t.sport && !t.dport &&
		      !(t.present & CT_T_SPORT),
	      "gre: protocol only");
}

static void icmp(void)
{
	uint8_t p[28];
	struct ct_tuple t;

	memcpy(p, tcp4, 20);
	p[9] = 1;
	memset(p + 20, 0, 8);
	p[20] = 0; /* echo reply, id 0x1234 */
	p[24] = 0x12, p[25] = 0x34;
	CHECK(parse(p, sizeof(p), &t) == 0 && t.l4 == 1 && t.icmp_type == 0 && !t.icmp_code &&
		      t.icmp_id == 0x1234,
	      "echo reply: type %u id %#x", t.icmp_type, t.icmp_id);
	CHECK(t.present & CT_T_ICMP_ID && !(t.present & CT_T_SPORT), "echo: icmp fields");
	p[20] = 3; /* destination unreachable: an error, no flow of its own */
	CHECK(parse(p, sizeof(p), &t) == -EPROTONOSUPPORT, "icmp error refused");
	p[20] = 8;
	CHECK(parse(p, 27, &t) == -EPROTONOSUPPORT, "short icmp refused");
}

static void ip6(void)
{
	/* hop-by-hop (8 bytes), fragment (first), then UDP */
	uint8_t p[40 + 8 + 8 + 8] = { 0x60, 0, 0, 0, 0, 24, 0, 64 };
	struct ct_tuple t;

	p[8] = 0xfd, p[23] = 1;	 /* fd00::1 */
	p[24] = 0xfd, p[39] = 2; /* fd00::2 */
	p[40] = 44;		 /* hop-by-hop: next fragment, length 0 (8 bytes) */
	p[48] = 17;		 /* fragment: next UDP, offset 0 */
	p[56] = 0x04, p[57] = 0xd2, p[58] = 0x16, p[59] = 0x2e;
	CHECK(parse(p, sizeof(p), &t) == 0 && t.l3 == AF_INET6 && t.l4 == 17 && t.sport == 1234 &&
		      t.dport == 5678,
	      "ip6 ext headers: l4 %u ports %u %u", t.l4, t.sport, t.dport);
	CHECK(t.src.b[0] == 0xfd && t.src.b[15] == 1 && t.dst.b[15] == 2, "ip6 addresses");
	p[50] = 0x01; /* a later fragment */
	CHECK(parse(p, sizeof(p), &t) == -EPROTONOSUPPORT, "ip6 later fragment refused");
	p[50] = 0;
	CHECK(parse(p, 59, &t) == -EPROTONOSUPPORT, "ip6 short ports");
	CHECK(parse(p, 41, &t) == -EPROTONOSUPPORT, "ip6 ext header cut");
	p[41] = 200; /* hop-by-hop longer than the copy */
	CHECK(parse(p, sizeof(p), &t) == -EPROTONOSUPPORT, "ip6 ext header past the copy");
	p[41] = 0;
	/* ICMPv6 echo request straight after the header */
	p[6] = 58;
	p[40] = 128, p[41] = 0, p[44] = 0, p[45] = 9;
	CHECK(parse(p, 48, &t) == 0 && t.l4 == 58 && t.icmp_type == 128 && t.icmp_id == 9,
	      "icmpv6 echo: type %u id %u", t.icmp_type, t.icmp_id);
	p[40] = 1; /* an error */
	CHECK(parse(p, 48, &t) == -EPROTONOSUPPORT, "icmpv6 error refused");
	/* ESP: the protocol is all there is */
	p[6] = 50;
	CHECK(parse(p, 48, &t) == 0 && t.l4 == 50, "esp: protocol only");
	CHECK(parse(p, 39, &t) == -EPROTONOSUPPORT, "short ip6 header");
}

static void malformed(void)
{
	uint8_t buf[512];
	struct ct_tuple t;
	size_t n = msg(buf, PKT_TYPE, tcp4, sizeof(tcp4));
	struct nlmsghdr *nlh = (struct nlmsghdr *)(void *)buf;

	/* not a packet: a config message, a conntrack event */
	nlh->nlmsg_type = 4 << 8 | 1;
	CHECK(nflog_parse(nlh, &t) == -ENOMSG, "config message skipped");
	nlh->nlmsg_type = 1 << 8;
	CHECK(nflog_parse(nlh, &t) == -ENOMSG, "conntrack message skipped");
	nlh->nlmsg_type = PKT_TYPE;
	/* an attribute longer than the message */
	nlh->nlmsg_len = (uint32_t)n - 8;
	CHECK(nflog_parse(nlh, &t) == -EINVAL, "payload past the message");
	/* shorter than the headers */
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK(nflog_parse(nlh, &t) == -EINVAL, "no nfgenmsg");
	/* no payload: only the packet header */
	nlh->nlmsg_len = NLMSG_HDRLEN + 4 + 8;
	CHECK(nflog_parse(nlh, &t) == -EPROTONOSUPPORT, "no payload");
	/* an empty payload, and one that is not IP */
	msg(buf, PKT_TYPE, tcp4, 0);
	CHECK(nflog_parse(nlh, &t) == -EPROTONOSUPPORT, "empty payload");
	{
		uint8_t arp[28] = { 0, 1, 8, 0 };

		msg(buf, PKT_TYPE, arp, sizeof(arp));
		CHECK(nflog_parse(nlh, &t) == -EPROTONOSUPPORT, "not ip");
	}
}

static void bind_request(void)
{
	/* nlmsghdr (len 48, type 0x401, REQUEST|ACK, seq 5), nfgenmsg res_id 7, CMD BIND,
	 * MODE (range 128, packet), QTHRESH 1 */
	static const uint8_t want[] = {
		48, 0, 0, 0, 0x01, 0x04, 0x05, 0x00, 5, 0, 0, 0,
		0,  0, 0, 0, 0,	   0,	 0,    7,		 /* AF_UNSPEC, v0, group 7 */
		5,  0, 1, 0, 1,	   0,	 0,    0,		 /* NFULA_CFG_CMD: BIND */
		10, 0, 2, 0, 0,	   0,	 0,    128,  2, 0, 0, 0, /* NFULA_CFG_MODE */
		8,  0, 5, 0, 0,	   0,	 0,    1,		 /* NFULA_CFG_QTHRESH */
	};
	static const uint8_t unbind[] = {
		28, 0, 0, 0, 0x01, 0x04, 0x05, 0x00, 9, 0, 0, 0, 0, 0,
		0,  0, 0, 0, 0x01, 0x02, 5,    0,    1, 0, 2, 0, 0, 0,
	};
	uint8_t buf[128];
	int n = nflog_build_bind(buf, sizeof(buf), 7, 1, 5);

	/* The golden bytes are little-endian (netlink headers are host order). */
	bool le = htons(1) != 1;

	CHECK(n == (int)sizeof(want), "bind length %d", n);
	if (le && n == (int)sizeof(want))
		CHECK(!memcmp(buf, want, sizeof(want)), "bind bytes");
	/* the payloads are network order everywhere */
	CHECK(n >= 48 && buf[19] == 7 && buf[24] == 1 && buf[35] == 128 && buf[36] == 2 &&
		      buf[47] == 1,
	      "bind payloads");
	n = nflog_build_bind(buf, sizeof(buf), 0x0102, 0, 9);
	CHECK(n == (int)sizeof(unbind), "unbind length %d", n);
	if (le && n == (int)sizeof(unbind))
		CHECK(!memcmp(buf, unbind, sizeof(unbind)), "unbind bytes");
	CHECK(nflog_build_bind(buf, 40, 7, 1, 5) == -ENOSPC, "bind in 40 bytes: ENOSPC");
}

int main(void)
{
	ip4();
	icmp();
	ip6();
	malformed();
	bind_request();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
