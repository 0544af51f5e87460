// SPDX-License-Identifier: GPL-2.0-or-later
/* Test helper: send one ctnetlink dump/get request, write the raw reply messages to a file. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netfilter/nfnetlink_compat.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

struct kind {
	const char *name;
	uint8_t subsys, msg;
	uint16_t flags;
	uint8_t family;
};

static const struct kind kinds[] = {
	{ "ct", NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC },
	{ "ct-dying", NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_DYING, NLM_F_DUMP, AF_UNSPEC },
	{ "stats-cpu", NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, AF_UNSPEC },
	{ "stats", NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS, 0, AF_UNSPEC },
	{ "exp", NFNL_SUBSYS_CTNETLINK_EXP, IPCTNL_MSG_EXP_GET, NLM_F_DUMP, AF_UNSPEC },
	{ "exp-stats-cpu", NFNL_SUBSYS_CTNETLINK_EXP, IPCTNL_MSG_EXP_GET_STATS_CPU, NLM_F_DUMP,
	  AF_UNSPEC },
};

static int usage(void)
{
	fprintf(stderr,
		"usage: nlcapture KIND OUTFILE  (KIND: ct ct-dying stats-cpu stats exp "
		"exp-stats-cpu)\n"
		"       nlcapture events OUTFILE COUNT  (prints 'ready' once subscribed;\n"
		"                                        COUNT 0: until SIGINT or SIGTERM)\n");
	return 2;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * Conntrack and expectation events: the first COUNT messages, or fewer after 10 s of silence;
 * COUNT 0 reads until SIGINT/SIGTERM, and what was read by then is in the file.
 */
static int events(const char *path, unsigned long count)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: recv sees EINTR */
	static char buf[1 << 16];
	struct timeval tv = { .tv_sec = 10 };
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	unsigned long n = 0;
	FILE *out;

	if (!nl ||
	    mnl_socket_bind(nl,
			    NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_UPDATE |
				    NF_NETLINK_CONNTRACK_DESTROY | NF_NETLINK_CONNTRACK_EXP_NEW |
				    NF_NETLINK_CONNTRACK_EXP_DESTROY,
			    MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		perror("nlcapture: netlink");
		return 1;
	}
	out = fopen(path, "wb");
	if (!out) {
		perror(path);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!count || n < count) {
		int ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		struct nlmsghdr *nlh;

		if (ret < 0 && stop)
			break;
		if (ret < 0 && !count && errno == EAGAIN)
			continue;
		if (ret < 0) {
			perror("nlcapture: recv");
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, ret) && (!count || n < count);
		     nlh = mnl_nlmsg_next(nlh, &ret), n++)
			fwrite(nlh, 1, nlh->nlmsg_len, out);
	}
	if (fclose(out)) {
		perror(path);
		return 1;
	}
	mnl_socket_close(nl);
	return !count || n == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	const struct kind *k = NULL;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	unsigned int seq = (unsigned int)time(NULL), n = 0;
	FILE *out;
	int ret, done = 0;

	if (argc == 4 && !strcmp(argv[1], "events"))
		return events(argv[2], strtoul(argv[3], NULL, 10));
	if (argc != 3)
		return usage();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(argv[1], kinds[i].name))
			k = &kinds[i];
	if (!k)
		return usage();
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlcapture: netlink");
		return 1;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)(k->subsys << 8 | k->msg);
	nlh->nlmsg_flags = NLM_F_REQUEST | k->flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = k->family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("nlcapture: send");
		return 1;
	}
	out = fopen(argv[2], "wb");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	while (!done) {
		ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			perror("nlcapture: recv");
			return 1;
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, ret);
		     nlh = mnl_nlmsg_next(nlh, &ret)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error) {
					fprintf(stderr, "nlcapture: kernel: %s\n",
						strerror(-e->error));
					return 1;
				}
				done = 1;
				break;
			}
			fwrite(nlh, 1, nlh->nlmsg_len, out);
			n++;
			/* GET_STATS answers with NLM_F_MULTI but no NLMSG_DONE: one message ends a
			 * non-dump. */
			if (!(k->flags & NLM_F_DUMP))
				done = 1;
		}
	}
	if (fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	mnl_socket_close(nl);
	printf("%u\n", n);
	return 0;
}
