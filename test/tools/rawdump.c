// SPDX-License-Identifier: GPL-2.0-or-later
/* rawdump: dump the conntrack table over libmnl and only count entries (benchmark floor). */

/*
 * The cheapest possible `conntrack -L`: one dump request, a large receive buffer, no decode
 * and no printing. bench-list.sh compares ctbox against it ("within 1.2x of a raw dump").
 *
 * usage: rawdump [-f 4|6]    prints the entry count on stdout
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	unsigned long *n = data;

	if ((nlh->nlmsg_type & 0xff) == IPCTNL_MSG_CT_NEW)
		(*n)++;
	return MNL_CB_OK;
}

int main(int argc, char **argv)
{
	static char buf[64 * 1024];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	unsigned long n = 0;
	unsigned int portid;
	uint32_t seq = (uint32_t)time(NULL);
	int family = AF_UNSPEC, c, ret;

	while ((c = getopt(argc, argv, "f:")) != -1) {
		if (c == 'f' && !strcmp(optarg, "4")) {
			family = AF_INET;
		} else if (c == 'f' && !strcmp(optarg, "6")) {
			family = AF_INET6;
		} else {
			fputs("usage: rawdump [-f 4|6]\n", stderr);
			return 2;
		}
	}

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl) {
		perror("rawdump: mnl_socket_open");
		return 1;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("rawdump: mnl_socket_bind");
		goto fail;
	}
	portid = mnl_socket_get_portid(nl);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("rawdump: send");
		goto fail;
	}
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EINTR)
				continue;
			perror("rawdump: recv");
			goto fail;
		}
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, count_cb, &n);
		if (ret == MNL_CB_STOP)
			break;
		if (ret < 0) {
			perror("rawdump: dump");
			goto fail;
		}
	}
	mnl_socket_close(nl);
	printf("%lu\n", n);
	return 0;
fail:
	mnl_socket_close(nl);
	return 1;
}
