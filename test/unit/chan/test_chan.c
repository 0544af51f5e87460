// SPDX-License-Identifier: GPL-2.0-or-later
/* core/chan.c over UDP on 127.0.0.1 (no root): packing rule, counters, errors, -s text. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "core/cfg.h"
#include "core/chan.h"
#include "core/out.h"

static int failures, checks;

#define CHECK(cond, ...) \
	do { \
		checks++; \
		if (!(cond)) { \
			failures++; \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

static uint8_t buf[70000];

/* A UDP port nobody uses on 127.0.0.1 right now. */
static uint16_t free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		perror("free_port");
		exit(1);
	}
	close(fd);
	return ntohs(sa.sin_port);
}

static void lo_link(struct cfg_chan *cc, uint16_t port)
{
	memset(cc, 0, sizeof(*cc));
	cc->type = CFG_CHAN_UDP;
	cc->family = AF_INET;
	cc->dest_family = AF_INET;
	cc->checksum = true;
	cc->addr.v4 = cc->dest.v4 = htonl(INADDR_LOOPBACK);
	cc->port = port;
	strcpy(cc->ifname, "lo");
}

static int lo_mtu(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
		perror("SIOCGIFMTU lo");
		exit(1);
	}
	close(fd);
	return ifr.ifr_mtu;
}

/* Length of the next datagram on link i (waits up to 1 s; 50 ms for "none"), -1 if none. */
static ssize_t dgram_wait(struct chan *c, unsigned int i, int ms)
{
	struct pollfd p = { .fd = chan_fd(c, i), .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return chan_recv(c, i, buf, sizeof(buf));
}
#define next_dgram(c, i) dgram_wait(c, i, 1000)
#define no_dgram(c, i) (dgram_wait(c, i, 50) == -1)

static void print_to(struct chan *c, void (*fn)(const struct chan *, struct out *), char *dst,
		     size_t room)
{
	char tmp[4096];
	struct out o;
	FILE *f = tmpfile();
	size_t n;

	out_init(&o, fileno(f), tmp, sizeof(tmp));
	fn(c, &o);
	out_flush(&o);
	rewind(f);
	n = fread(dst, 1, room - 1, f);
	dst[n] = 0;
	fclose(f);
}

static void test_packing(void)
{
	struct cfg cfg;
	unsigned int el;
	struct chan *c;
	size_t size = (size_t)lo_mtu() - 28, m;
	const struct chan_stats *st;
	char text[2048], want[2048];
	int err, sw, none;

	memset(&cfg, 0, sizeof(cfg));
	lo_link(&cfg.chan[0], free_port());
	cfg.n_chan = 1;
	c = chan_open(&cfg, &err, &el);
	CHECK(c, "open lo: %s", strerror(-err));
	if (!c)
		return;
	CHECK(chan_count(c) == 1 && chan_current(c) == 0, "one link, current 0");
	CHECK(!strcmp(chan_ifname(c, 0), "lo"), "ifname");
	CHECK(chan_recv(c, 0, buf, sizeof(buf)) == -EAGAIN, "nothing waiting: -EAGAIN");

	/* size/4 exactly: three fit, the fourth would make buffered + len == size */
	m = size / 4;
	memset(buf, 0x5a, m);
	for (int k = 0; k < 4; k++)
		CHECK(chan_send(c, buf, m) == (k == 3), "send %d (1: a datagram went out first)",
		      k);
	CHECK(chan_flush(c) == 0, "flush");
	CHECK(chan_flush(c) == 0, "flush of nothing");
	CHECK(next_dgram(c, 0) == (ssize_t)(3 * m), "first datagram: 3 messages");
	CHECK(next_dgram(c, 0) == (ssize_t)m, "second datagram: the 4th message");
	CHECK(no_dgram(c, 0), "no third datagram");

	/* one byte less per message: all four fit strictly below size */
	for (int k = 0; k < 4; k++)
		chan_send(c, buf, m - 1);
	chan_flush(c);
	CHECK(next_dgram(c, 0) == (ssize_t)(4 * (m - 1)), "4 x (size/4 - 1) in one datagram");

	st = chan_stats(c, 0);
	CHECK(st->pkts_sent == 3 && st->bytes_sent == 8 * m - 4, "sent %llu/%llu",
	      (unsigned long long)st->pkts_sent, (unsigned long long)st->bytes_sent);
	CHECK(st->pkts_recv == 3 && st->bytes_recv == 8 * m - 4 && !st->err_recv, "recv");

	/* bigger than the whole buffer: alone, and over UDP's 65507 the kernel says EMSGSIZE */
	err = chan_send(c, buf, 65508);
	CHECK(err == -EMSGSIZE, "oversized: %d", err);
	CHECK(st->err_send == 1 && st->pkts_sent == 3, "oversized counted as Error send");

	snprintf(want, sizeof(want),
		 "UDP traffic (active device=lo):\n"
		 "%20llu Bytes sent %20llu Bytes recv\n"
		 "%20llu Pckts sent %20llu Pckts recv\n"
		 "%20llu Error send %20llu Error recv\n\n",
		 (unsigned long long)(8 * m - 4), (unsigned long long)(8 * m - 4), 3ULL, 3ULL, 1ULL,
		 0ULL);
	print_to(c, chan_print_current, text, sizeof(text));
	CHECK(!strcmp(text, want), "-s block:\n%s\nwant:\n%s", text, want);
	print_to(c, chan_print_links, text, sizeof(text));
	{
		static const char head[] = "UDP traffic device=lo status=RUNNING role=ACTIVE:\n";

		CHECK(!strncmp(text, head, sizeof(head) - 1) &&
			      !strcmp(text + sizeof(head) - 1, strchr(want, '\n') + 1),
		      "-s link:\n%s", text);
	}

	sw = none = 7;
	CHECK(chan_link_event(c, &sw, &none) == 0 && sw == -1 && none == 0,
	      "link event with lo up: nothing to do");
	CHECK(!chan_set_current(c, 0) && !chan_set_current(c, 5),
	      "set_current: same / out of range");
	chan_close(c);
}

static void test_two_links(void)
{
	struct cfg cfg;
	unsigned int el;
	int err;
	struct chan *c;

	memset(&cfg, 0, sizeof(cfg));
	lo_link(&cfg.chan[0], free_port());
	lo_link(&cfg.chan[1], free_port());
	cfg.n_chan = 2;
	cfg.default_chan = 1;
	c = chan_open(&cfg, &err, &el);
	CHECK(c, "open two links: %s", strerror(-err));
	if (!c)
		return;
	CHECK(chan_current(c) == 1, "Default link is current");
	CHECK(chan_set_current(c, 0) && chan_current(c) == 0, "switch to 0");
	memset(buf, 1, 64);
	chan_send(c, buf, 24);
	/* the pending 24 bytes go out on link 1 at the switch, then 8 more after a flush */
	CHECK(chan_set_current(c, 1), "switch to 1");
	CHECK(next_dgram(c, 1) == 24, "pending datagram moved to link 1");
	chan_send(c, buf, 8);
	chan_flush(c);
	CHECK(next_dgram(c, 1) == 8, "link 1 sends");
	CHECK(no_dgram(c, 0), "nothing on link 0");
	CHECK(chan_stats(c, 0)->pkts_sent == 0 && chan_stats(c, 1)->pkts_sent == 2,
	      "counted on the link that sent");
	CHECK(chan_fd(c, 0) != chan_fd(c, 1) && chan_link_fd(c) >= 0, "fds");
	chan_close(c);
}

static void test_errors(void)
{
	struct cfg cfg;
	unsigned int el;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	CHECK(!chan_open(&cfg, &err, &el) && err == -EINVAL && el == 0, "no links: -EINVAL");

	lo_link(&cfg.chan[0], free_port());
	lo_link(&cfg.chan[1], free_port());
	strcpy(cfg.chan[1].ifname, "ctboxnosuch0");
	cfg.n_chan = 2;
	CHECK(!chan_open(&cfg, &err, &el) && err == -ENODEV && el == (1 | CHAN_ERR_IFACE),
	      "unknown interface: %d %#x", err, el);

	strcpy(cfg.chan[1].ifname, "lo");
	cfg.chan[1].addr.v4 = htonl(0xc0000201); /* 192.0.2.1: not ours */
	CHECK(!chan_open(&cfg, &err, &el) && err == -EADDRNOTAVAIL && el == 1,
	      "bind to a foreign address: %d %#x", err, el);

	cfg.chan[1].addr.v4 = htonl(INADDR_LOOPBACK);
	cfg.chan[1].type = CFG_CHAN_MCAST;
	CHECK(!chan_open(&cfg, &err, &el) && err == -EINVAL && el == 1, "mixed types: %d", err);

	cfg.n_chan = 1;
	cfg.chan[0].type = CFG_CHAN_TCP;
	CHECK(!chan_open(&cfg, &err, &el) && err == -EPROTONOSUPPORT && el == 0, "TCP: %d", err);

	cfg.chan[0].type = CFG_CHAN_UDP;
	cfg.chan[0].dest_family = AF_INET6;
	CHECK(!chan_open(&cfg, &err, &el) && err == -EAFNOSUPPORT, "mixed families: %d", err);
	chan_close(NULL);
}

int main(void)
{
	if (!CONFIG_CHANNEL_UDP) {
		printf("SKIP: UDP channel not built\n");
		return 77;
	}
	test_packing();
	test_two_links();
	test_errors();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
