// SPDX-License-Identifier: GPL-2.0-or-later
/* chantest: drive core/chan.c from a config built in C: send numbered messages, receive, print. */

/*
 * usage: chantest LINK...
 *   LINK = TYPE,if=NAME,port=P[,addr=A][,dest=A][,ifaddr=A][,nocsum][,default]
 *          [,rcvbuf=N][,sndbuf=N]      TYPE = udp | mcast | tcp
 *   (udp: addr = local bind address, dest = peer; mcast: addr = group,
 *    ifaddr = IPv4_interface; the family comes from addr)
 *
 * Commands on stdin, one per line; the output of the Nth command ends with "== N":
 *   send N SIZE      N messages of SIZE bytes (header seq numbered from 1 up), then flush
 *   queue N SIZE     the same without the final flush
 *   flush            send the pending datagram
 *   alive N          N 8-byte ALIVE messages (WIRE_CTL, WIRE_F_ALIVE), one datagram each
 *   bad N            N datagrams holding a version-2 message (not accepted)
 *   waitrx N MS      process input until N messages arrived in total (or MS ms passed)
 *   waitcur N MS     process input until link N is current (or MS ms passed), print it
 *   follow 0|1       make the link of an accepted message current (default 1, as the daemon)
 *   poll MS          process input for MS ms
 *   stats | links    chan_print_current / chan_print_links
 *   counters         one line per link: name, sent bytes/pkts/errs, recv bytes/pkts/errs
 *   rx               received messages: total, per link, sequence gaps, refused
 *   dgrams           lengths of the datagrams received per link since the last dgrams
 *   bufs             SO_RCVBUF of each link's receive socket
 *   cur              the current link
 *   quit
 * Asynchronous events are printed as they happen, prefixed with "# ".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/cfg.h"
#include "core/chan.h"
#include "core/errstr.h"
#include "core/out.h"
#include "proto/wire.h"

static struct cfg cfg;
static struct chan *ch;
static uint32_t tx_seq;
static unsigned long rx_msgs, rx_link[CFG_MAX_CHANNELS], rx_gaps, rx_bad;
static uint32_t rx_last;
static int rx_any;
static int follow = 1;
static unsigned int dg_len[CFG_MAX_CHANNELS][256], dg_n[CFG_MAX_CHANNELS];

static void die(const char *what)
{
	fprintf(stderr, "chantest: %s\n", what);
	exit(2);
}

static int parse_addr(const char *s, union ct_addr *a)
{
	if (inet_pton(AF_INET, s, &a->v4) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, a->b) == 1)
		return AF_INET6;
	die("bad address");
	return 0;
}

static void parse_link(char *spec)
{
	struct cfg_chan *cc;
	char *tok, *save = NULL;

	if (cfg.n_chan == CFG_MAX_CHANNELS)
		die("too many links");
	cc = &cfg.chan[cfg.n_chan];
	memset(cc, 0, sizeof(*cc));
	cc->checksum = true;
	cc->family = AF_INET;
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *v = strchr(tok, '=');

		if (v)
			*v++ = 0;
		if (!strcmp(tok, "udp"))
			cc->type = CFG_CHAN_UDP;
		else if (!strcmp(tok, "mcast"))
			cc->type = CFG_CHAN_MCAST;
		else if (!strcmp(tok, "tcp"))
			cc->type = CFG_CHAN_TCP;
		else if (!strcmp(tok, "nocsum"))
			cc->checksum = false;
		else if (!strcmp(tok, "default"))
			cfg.default_chan = cfg.n_chan;
		else if (!v)
			die("bad link option");
		else if (!strcmp(tok, "if"))
			snprintf(cc->ifname, sizeof(cc->ifname), "%s", v);
		else if (!strcmp(tok, "port"))
			cc->port = (uint16_t)atoi(v);
		else if (!strcmp(tok, "addr"))
			cc->family = (uint8_t)parse_addr(v, &cc->addr);
		else if (!strcmp(tok, "dest"))
			cc->dest_family = (uint8_t)parse_addr(v, &cc->dest);
		else if (!strcmp(tok, "ifaddr"))
			cc->has_ifaddr = parse_addr(v, &cc->ifaddr) != 0;
		else if (!strcmp(tok, "rcvbuf"))
			cc->rcvbuf = (uint32_t)atol(v);
		else if (!strcmp(tok, "sndbuf"))
			cc->sndbuf = (uint32_t)atol(v);
		else
			die("bad link option");
	}
	cfg.n_chan++;
}

static void print_out(void (*fn)(const struct chan *, struct out *))
{
	char buf[4096];
	struct out o;

	fflush(stdout);
	out_init(&o, 1, buf, sizeof(buf));
	fn(ch, &o);
	out_flush(&o);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_datagram(unsigned int i, const uint8_t *buf, size_t len)
{
	struct wire_hdr h, first;
	size_t off = 0;
	unsigned int n = 0;
	enum wire_rx r;

	if (dg_n[i] < 256)
		dg_len[i][dg_n[i]++] = (unsigned int)len;
	while ((r = wire_next(buf, len, &off, &h)) != WIRE_RX_END) {
		if (r != WIRE_RX_OK) {
			rx_bad++;
			if (r == WIRE_RX_BAD_VERSION)
				continue;
			break;
		}
		if (rx_any && h.seq != rx_last + 1)
			rx_gaps++;
		rx_any = 1;
		rx_last = h.seq;
		if (!n++)
			first = h;
		rx_msgs++;
		rx_link[i]++;
	}
	if (!n) {
		printf("# recv link=%u len=%zu refused\n", i, len);
		return;
	}
	printf("# recv link=%u len=%zu type=%u flags=0x%02x seq=%u msgs=%u\n", i, len, first.type,
	       first.flags, first.seq, n);
	/* accepted messages: their link becomes current, as the daemon does */
	if (follow && chan_set_current(ch, i))
		printf("# link %u becomes current (recv)\n", i);
}

static void handle_event(void)
{
	int sw, none, err = chan_link_event(ch, &sw, &none);

	if (err)
		printf("# link monitor: %s\n", errstr(-err));
	if (sw >= 0)
		printf("# device `%s' becomes dedicated link\n", chan_ifname(ch, (unsigned int)sw));
	if (none)
		printf("# no dedicated links available!\n");
}

/* One poll round over the links and the monitor (and stdin if want_stdin). Returns 1 if stdin is readable. */
static int pump(int timeout, int want_stdin)
{
	static uint8_t buf[65536];
	struct pollfd p[CFG_MAX_CHANNELS + 2];
	unsigned int i, n = chan_count(ch);
	int ret = 0;

	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = chan_fd(ch, i), .events = POLLIN };
	p[n] = (struct pollfd){ .fd = chan_link_fd(ch), .events = POLLIN };
	p[n + 1] = (struct pollfd){ .fd = want_stdin ? 0 : -1, .events = POLLIN };
	if (poll(p, n + 2, timeout) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		ssize_t len;

		if (!(p[i].revents & POLLIN))
			continue;
		while ((len = chan_recv(ch, i, buf, sizeof(buf))) >= 0)
			on_datagram(i, buf, (size_t)len);
		if (len != -EAGAIN)
			printf("# recv link=%u: %s\n", i, errstr((int)-len));
	}
	if (p[n].revents & POLLIN)
		handle_event();
	if (p[n + 1].revents & (POLLIN | POLLHUP))
		ret = 1;
	fflush(stdout);
	return ret;
}

static void run_for(long ms, int (*done)(unsigned long), unsigned long arg)
{
	long end = now_ms() + ms;

	while (!(done && done(arg))) {
		long left = end - now_ms();

		if (left <= 0)
			break;
		pump((int)left, 0);
	}
}

static int rx_reached(unsigned long n)
{
	return rx_msgs >= n;
}

static int cur_reached(unsigned long n)
{
	return chan_current(ch) == n;
}

static void report(int err, const char *what)
{
	if (err < 0)
		printf("%s: %s\n", what, errstr(-err));
}

static void send_msgs(unsigned long n, unsigned int size, int flush)
{
	uint8_t msg[65536];
	unsigned long k;

	if (size < WIRE_HDR_LEN || size > sizeof(msg) || size % 4)
		die("bad message size");
	memset(msg, 0xa5, size);
	for (k = 0; k < n; k++) {
		wire_hdr_put(msg, WIRE_CTL, WIRE_F_ALIVE, (uint16_t)size, ++tx_seq);
		report(chan_send(ch, msg, size), "send");
	}
	if (flush)
		report(chan_flush(ch), "flush");
}

static void command(char *line)
{
	unsigned long a = 0, b = 0;
	char cmd[16];
	unsigned int i;
	int k = sscanf(line, "%15s %lu %lu", cmd, &a, &b);

	if (k < 1)
		return;
	if (!strcmp(cmd, "send") || !strcmp(cmd, "queue")) {
		send_msgs(a, (unsigned int)b, cmd[0] == 's');
	} else if (!strcmp(cmd, "flush")) {
		report(chan_flush(ch), "flush");
	} else if (!strcmp(cmd, "alive")) {
		for (; a; a--)
			send_msgs(1, WIRE_HDR_LEN, 1);
	} else if (!strcmp(cmd, "bad")) {
		uint8_t m[WIRE_HDR_LEN];

		for (; a; a--) {
			wire_hdr_put(m, WIRE_CTL, WIRE_F_ALIVE, sizeof(m), ++tx_seq);
			m[0] = (uint8_t)(2 << 4 | WIRE_CTL);
			report(chan_send(ch, m, sizeof(m)), "send");
			report(chan_flush(ch), "flush");
		}
	} else if (!strcmp(cmd, "waitrx")) {
		run_for((long)b, rx_reached, a);
		printf("received %lu\n", rx_msgs);
	} else if (!strcmp(cmd, "waitcur")) {
		run_for((long)b, cur_reached, a);
		printf("current %u %s\n", chan_current(ch), chan_ifname(ch, chan_current(ch)));
	} else if (!strcmp(cmd, "follow")) {
		follow = (int)a;
	} else if (!strcmp(cmd, "poll")) {
		run_for((long)a, NULL, 0);
	} else if (!strcmp(cmd, "stats")) {
		print_out(chan_print_current);
	} else if (!strcmp(cmd, "links")) {
		print_out(chan_print_links);
	} else if (!strcmp(cmd, "counters")) {
		for (i = 0; i < chan_count(ch); i++) {
			const struct chan_stats *s = chan_stats(ch, i);

			printf("%s sent %llu/%llu/%llu recv %llu/%llu/%llu\n", chan_ifname(ch, i),
			       (unsigned long long)s->bytes_sent, (unsigned long long)s->pkts_sent,
			       (unsigned long long)s->err_send, (unsigned long long)s->bytes_recv,
			       (unsigned long long)s->pkts_recv, (unsigned long long)s->err_recv);
		}
	} else if (!strcmp(cmd, "rx")) {
		printf("msgs %lu gaps %lu refused %lu", rx_msgs, rx_gaps, rx_bad);
		for (i = 0; i < chan_count(ch); i++)
			printf(" link%u %lu", i, rx_link[i]);
		printf("\n");
	} else if (!strcmp(cmd, "dgrams")) {
		for (i = 0; i < chan_count(ch); i++) {
			printf("link%u", i);
			for (k = 0; k < (int)dg_n[i]; k++)
				printf(" %u", dg_len[i][k]);
			printf("\n");
			dg_n[i] = 0;
		}
	} else if (!strcmp(cmd, "bufs")) {
		for (i = 0; i < chan_count(ch); i++) {
			socklen_t sl = sizeof(k);

			if (getsockopt(chan_fd(ch, i), SOL_SOCKET, SO_RCVBUF, &k, &sl) < 0)
				k = -1;
			printf("link%u rcvbuf %d\n", i, k);
		}
	} else if (!strcmp(cmd, "cur")) {
		printf("current %u %s\n", chan_current(ch), chan_ifname(ch, chan_current(ch)));
	} else if (!strcmp(cmd, "quit")) {
		chan_close(ch);
		ch = NULL; /* so LeakSanitizer sees anything chan_close left behind */
		exit(0);
	} else {
		printf("unknown command %s\n", cmd);
	}
}

int main(int argc, char **argv)
{
	static char line[4096];
	unsigned int errlink;
	size_t used = 0;
	int err;
	unsigned long ncmd = 0;
	int i;

	if (argc < 2)
		die("usage: chantest LINK... (see the source)");
	for (i = 1; i < argc; i++)
		parse_link(argv[i]);
	ch = chan_open(&cfg, &err, &errlink);
	if (!ch) {
		/* the daemon's two messages */
		if (errlink & CHAN_ERR_IFACE)
			printf("%s is an invalid interface\n",
			       cfg.chan[errlink & ~CHAN_ERR_IFACE].ifname);
		printf("can't open channel socket: %s\n", errstr(-err));
		return 1;
	}
	printf("# open %u links, current %u\n", chan_count(ch), chan_current(ch));
	fflush(stdout);
	for (;;) {
		char *nl;
		ssize_t n;

		if (!pump(-1, 1))
			continue;
		n = read(0, line + used, sizeof(line) - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
		line[used] = 0;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			command(line);
			printf("== %lu\n", ++ncmd);
			fflush(stdout);
			used -= (size_t)(nl + 1 - line);
			memmove(line, nl + 1, used + 1);
		}
		if (used == sizeof(line) - 1)
			die("command line too long");
	}
	chan_close(ch);
	return 0;
}
