// SPDX-License-Identifier: GPL-2.0-or-later
/* ctfill: create N conntrack entries in the current netns, many creates per sendmsg. */

/*
 * Test-tree only. It builds its own ctnetlink messages (not through proto/) so a codec bug
 * in ctbox cannot hide itself by also shaping the table the tests read back.
 *
 * usage: ctfill [-n COUNT] [-p tcp,udp,icmp] [-f 4|6|46] [-z ZONE] [-m MARK] [-t TIMEOUT]
 *               [-s START] [-b BATCH] [-a] [-q]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#define BATCH_BYTES (256 * 1024)
#define RCVBUF_BYTES (8 * 1024 * 1024)

enum kind_proto { K_TCP, K_UDP, K_ICMP };

struct kind {
	enum kind_proto proto;
	int family;
};

struct opts {
	unsigned long count;
	unsigned long start;
	unsigned int batch;
	uint32_t timeout;
	uint32_t mark;
	int zone; /* -1: none */
	bool have_mark;
	bool assured;
	bool quiet;
	struct kind kinds[6];
	unsigned int nkinds;
};

static void usage(FILE *f)
{
	fputs("usage: ctfill [-n COUNT] [-p tcp,udp,icmp] [-f 4|6|46] [-z ZONE] [-m MARK]\n"
	      "              [-t TIMEOUT] [-s START] [-b BATCH] [-a] [-q]\n"
	      "  -n  entries to create (default 1000)\n"
	      "  -p  protocols, rotated (default tcp)\n"
	      "  -f  address families: 4, 6 or 46 (default 4)\n"
	      "  -z  CTA_ZONE for every entry\n"
	      "  -m  CTA_MARK for every entry\n"
	      "  -t  timeout in seconds (default 3600)\n"
	      "  -s  first index, to add more entries without clashing (default 0)\n"
	      "  -b  creates per sendmsg (default 512)\n"
	      "  -a  status SEEN_REPLY|ASSURED (default: unreplied)\n"
	      "  -q  no summary line\n",
	      f);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_kinds(struct opts *o, const char *protos, const char *fams)
{
	char buf[64], *save = NULL, *tok;
	int famv[2], nfam = 0;

	if (!strcmp(fams, "4") || !strcmp(fams, "46"))
		famv[nfam++] = AF_INET;
	if (!strcmp(fams, "6") || !strcmp(fams, "46"))
		famv[nfam++] = AF_INET6;
	if (!nfam) {
		fprintf(stderr, "ctfill: bad family '%s' (4, 6 or 46)\n", fams);
		return -1;
	}
	if (strlen(protos) >= sizeof(buf)) {
		fprintf(stderr, "ctfill: protocol list too long\n");
		return -1;
	}
	strcpy(buf, protos);
	o->nkinds = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		enum kind_proto p;

		if (!strcmp(tok, "tcp"))
			p = K_TCP;
		else if (!strcmp(tok, "udp"))
			p = K_UDP;
		else if (!strcmp(tok, "icmp"))
			p = K_ICMP;
		else {
			fprintf(stderr, "ctfill: unknown protocol '%s' (tcp, udp, icmp)\n", tok);
			return -1;
		}
		for (int f = 0; f < nfam; f++) {
			if (o->nkinds == sizeof(o->kinds) / sizeof(o->kinds[0])) {
				fprintf(stderr, "ctfill: too many protocol/family kinds\n");
				return -1;
			}
			o->kinds[o->nkinds].proto = p;
			o->kinds[o->nkinds].family = famv[f];
			o->nkinds++;
		}
	}
	if (!o->nkinds) {
		fprintf(stderr, "ctfill: empty protocol list\n");
		return -1;
	}
	return 0;
}

/*
 * Entry i gets a source address derived from i (10.0.0.0/8 or fd00:c7b0::/96 + i) and a
 * source port/ICMP id from i as well, so every index is a distinct tuple.
 */
static void put_tuple(struct nlmsghdr *nlh, int type, const struct kind *k, unsigned long i,
		      bool reply)
{
	struct nlattr *tuple, *ip, *proto;
	uint16_t port = (uint16_t)(1024 + i % 60000);
	uint16_t svc = k->proto == K_TCP ? 80 : 53;
	uint8_t l4 = k->proto == K_TCP	    ? IPPROTO_TCP
		     : k->proto == K_UDP    ? IPPROTO_UDP
		     : k->family == AF_INET ? IPPROTO_ICMP
					    : IPPROTO_ICMPV6;

	tuple = mnl_attr_nest_start(nlh, type);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	if (k->family == AF_INET) {
		uint32_t a = htonl(0x0a000000u | (uint32_t)(i & 0xffffff));
		uint32_t b = htonl(0xc0000201u); /* 192.0.2.1 */

		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, reply ? b : a);
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, reply ? a : b);
	} else {
		struct in6_addr a = { .s6_addr = { 0xfd, 0x00, 0xc7, 0xb0 } };
		struct in6_addr b = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };

		a.s6_addr[12] = (uint8_t)(i >> 24);
		a.s6_addr[13] = (uint8_t)(i >> 16);
		a.s6_addr[14] = (uint8_t)(i >> 8);
		a.s6_addr[15] = (uint8_t)i;
		mnl_attr_put(nlh, CTA_IP_V6_SRC, sizeof(a), reply ? &b : &a);
		mnl_attr_put(nlh, CTA_IP_V6_DST, sizeof(a), reply ? &a : &b);
	}
	mnl_attr_nest_end(nlh, ip);

	proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, l4);
	if (k->proto == K_ICMP) {
		bool v4 = k->family == AF_INET;
		uint8_t t = v4 ? (reply ? 0 : 8) : (reply ? 129 : 128);

		mnl_attr_put_u16(nlh, v4 ? CTA_PROTO_ICMP_ID : CTA_PROTO_ICMPV6_ID, htons(port));
		mnl_attr_put_u8(nlh, v4 ? CTA_PROTO_ICMP_TYPE : CTA_PROTO_ICMPV6_TYPE, t);
		mnl_attr_put_u8(nlh, v4 ? CTA_PROTO_ICMP_CODE : CTA_PROTO_ICMPV6_CODE, 0);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(reply ? svc : port));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(reply ? port : svc));
	}
	mnl_attr_nest_end(nlh, proto);
	mnl_attr_nest_end(nlh, tuple);
}

static void put_create(char *buf, const struct opts *o, unsigned long i, uint32_t seq)
{
	const struct kind *k = &o->kinds[i % o->nkinds];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	/* Without CONFIRMED the kernel refuses the create with EBUSY. */
	uint32_t status = IPS_CONFIRMED;

	if (o->assured)
		status |= IPS_SEEN_REPLY | IPS_ASSURED;
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)k->family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;

	put_tuple(nlh, CTA_TUPLE_ORIG, k, o->start + i, false);
	put_tuple(nlh, CTA_TUPLE_REPLY, k, o->start + i, true);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(o->timeout));
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(status));
	if (o->have_mark)
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(o->mark));
	if (o->zone >= 0)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons((uint16_t)o->zone));
	if (k->proto == K_TCP) {
		struct nlattr *pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		struct nlattr *tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);

		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, pi);
	}
}

struct acks {
	unsigned long ok;
	unsigned long failed;
	int first_err;
	uint32_t first_seq;
};

/* Reads acks until `want` of them arrived; every create carries NLM_F_ACK, so each gets one. */
static int drain_acks(struct mnl_socket *nl, unsigned int want, struct acks *a)
{
	static char rbuf[256 * 1024];

	while (want) {
		ssize_t n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "ctfill: recv: %s\n", strerror(errno));
			return -1;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
				fprintf(stderr, "ctfill: truncated ack\n");
				return -1;
			}
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error == 0) {
				a->ok++;
			} else {
				if (!a->failed) {
					a->first_err = -e->error;
					a->first_seq = nlh->nlmsg_seq;
				}
				a->failed++;
			}
			if (want)
				want--;
		}
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct opts o = { .count = 1000, .batch = 512, .timeout = 3600, .zone = -1 };
	const char *protos = "tcp", *fams = "4";
	static char buf[BATCH_BYTES];
	struct mnl_socket *nl;
	struct acks a = { 0 };
	unsigned long v, i = 0;
	uint32_t seq0;
	double t0;
	int c, one = 1, rcv = RCVBUF_BYTES, snd = 2 * BATCH_BYTES;

	while ((c = getopt(argc, argv, "n:p:f:z:m:t:s:b:aqh")) != -1) {
		switch (c) {
		case 'n':
			if (!parse_ulong(optarg, 100000000, &o.count))
				goto bad;
			break;
		case 'p':
			protos = optarg;
			break;
		case 'f':
			fams = optarg;
			break;
		case 'z':
			if (!parse_ulong(optarg, 65535, &v))
				goto bad;
			o.zone = (int)v;
			break;
		case 'm':
			if (!parse_ulong(optarg, UINT32_MAX, &v))
				goto bad;
			o.mark = (uint32_t)v;
			o.have_mark = true;
			break;
		case 't':
			if (!parse_ulong(optarg, UINT32_MAX, &v))
				goto bad;
			o.timeout = (uint32_t)v;
			break;
		case 's':
			if (!parse_ulong(optarg, 0xffffff, &o.start))
				goto bad;
			break;
		case 'b':
			if (!parse_ulong(optarg, 1024, &v) || !v)
				goto bad;
			o.batch = (unsigned int)v;
			break;
		case 'a':
			o.assured = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (parse_kinds(&o, protos, fams) < 0)
		return 2;
	if (o.start + o.count > 0x1000000) {
		fprintf(stderr, "ctfill: -s + -n must stay below 16777216 (unique tuples)\n");
		return 2;
	}

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl) {
		perror("ctfill: mnl_socket_open");
		return 1;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ctfill: mnl_socket_bind");
		mnl_socket_close(nl);
		return 1;
	}
	/* Hundreds of acks arrive per sendmsg: keep them short and give them room. */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));

	seq0 = (uint32_t)time(NULL);
	t0 = now_s();
	while (i < o.count) {
		size_t off = 0;
		unsigned int inflight = 0;

		/* A create is well under 256 bytes; stop early rather than overrun the buffer. */
		while (i < o.count && inflight < o.batch && off + 512 <= sizeof(buf)) {
			put_create(buf + off, &o, i, seq0 + (uint32_t)i);
			off += ((struct nlmsghdr *)(buf + off))->nlmsg_len;
			i++;
			inflight++;
		}
		if (mnl_socket_sendto(nl, buf, off) < 0) {
			fprintf(stderr, "ctfill: send: %s\n", strerror(errno));
			mnl_socket_close(nl);
			return 1;
		}
		if (drain_acks(nl, inflight, &a) < 0) {
			mnl_socket_close(nl);
			return 1;
		}
	}
	mnl_socket_close(nl);

	if (!o.quiet)
		fprintf(stderr, "ctfill: %lu created, %lu failed in %.3f s\n", a.ok, a.failed,
			now_s() - t0);
	if (a.failed) {
		fprintf(stderr, "ctfill: first failure at entry %lu: %s\n",
			(unsigned long)(a.first_seq - seq0) + o.start, strerror(a.first_err));
		return 1;
	}
	return 0;

bad:
	fprintf(stderr, "ctfill: bad value '%s' for -%c\n", optarg, c);
	return 2;
}
