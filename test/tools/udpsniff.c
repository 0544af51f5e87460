// SPDX-License-Identifier: GPL-2.0-or-later
/* udpsniff: print the UDP length and checksum of datagrams arriving on an interface for a port. */

/*
 * usage: udpsniff IFNAME PORT COUNT TIMEOUT_MS
 * Prints "ready" once the packet socket is bound, then one line per incoming
 * IPv4/IPv6 UDP datagram to PORT: "v4|v6 len=PAYLOAD csum=0xXXXX ttl=N", and exits
 * after COUNT of them or TIMEOUT_MS. Outgoing packets are ignored (both
 * peers of a conntrackd UDP channel use the same port).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static unsigned char pkt[70000];
	struct sockaddr_ll sll;
	unsigned int port, count, seen = 0;
	long end;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: udpsniff IFNAME PORT COUNT TIMEOUT_MS\n");
		return 2;
	}
	port = (unsigned int)atoi(argv[2]);
	count = (unsigned int)atoi(argv[3]);
	end = now_ms() + atol(argv[4]);
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (seen < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		socklen_t sl = sizeof(sll);
		const unsigned char *u;
		long left = end - now_ms();
		ssize_t n;
		int v6;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&sll, &sl);
		if (n < 0 || sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		v6 = (pkt[0] >> 4) == 6;
		if (v6 && n >= 48 && pkt[6] == IPPROTO_UDP)
			u = pkt + 40;
		else if (!v6 && n >= 28 && pkt[9] == IPPROTO_UDP)
			u = pkt + (pkt[0] & 15) * 4;
		else
			continue;
		if ((unsigned int)(u[2] << 8 | u[3]) != port)
			continue;
		printf("%s len=%u csum=0x%02x%02x ttl=%u\n", v6 ? "v6" : "v4",
		       (u[4] << 8 | u[5]) - 8, u[6], u[7], v6 ? pkt[7] : pkt[8]);
		fflush(stdout);
		seen++;
	}
	return 0;
}
