// SPDX-License-Identifier: GPL-2.0-or-later
/* Root only: send every golden request to the real kernel in a private netns, check its answers. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>

#include "proto/ctnl.h"
#include "build_cases.h"

static int failures;

/* What the creates asked for must be what the kernel reports back. */
static void check_entry(const struct nlmsghdr *h)
{
	struct ct ct;
	int err = ctnl_parse_ct(h, &ct, NULL);

	if (err) {
		printf("FAIL dump: entry does not parse (%d)\n", err);
		failures++;
		return;
	}
	if (ct.orig.l4 == 6) {
		if (ct.mark != 16 || !(ct.status & CT_IPS_ASSURED) || ct.tcp.state != 3 ||
		    ct.timeout > 3600 || ct.timeout < 3500 || ct.reply.sport != 443 ||
		    !(ct.tcp.flags_orig & 0x0a)) {
			printf("FAIL dump: tcp entry not as created\n");
			failures++;
		}
	} else if (ct.orig.l4 == 17) {
		/* SNAT to 198.51.100.7:61000 rewrites the reply destination. */
		if (!ct_has(&ct, CT_ZONE) || ct.zone != 42 || ct.mark != 16 ||
		    ct.reply.dport != 61000 || ct.reply.dst.b[0] != 198 || ct.reply.dst.b[3] != 7 ||
		    !(ct.status & CT_IPS_SRC_NAT)) {
			printf("FAIL dump: udp entry not as created\n");
			failures++;
		}
	} else {
		printf("FAIL dump: unexpected protocol %u\n", ct.orig.l4);
		failures++;
	}
}

/* Send req; count data messages until DONE/ack. Returns 0 or the kernel's -errno. */
static int talk(struct mnl_socket *nl, uint8_t *req, int *msgs, int check)
{
	static uint8_t buf[1 << 16];
	struct nlmsghdr *r = (void *)req;
	int dump = r->nlmsg_flags & NLM_F_DUMP, ack = r->nlmsg_flags & NLM_F_ACK;

	*msgs = 0;
	if (mnl_socket_sendto(nl, req, r->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		int n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (void *)buf; mnl_nlmsg_ok(h, n); h = mnl_nlmsg_next(h, &n)) {
			if (h->nlmsg_seq != r->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error;
			(*msgs)++;
			if (check)
				check_entry(h);
			if (!dump && !ack)
				return 0;
		}
	}
}

int main(void)
{
	static uint8_t req[4096];
	struct mnl_socket *nl;

	if (geteuid() != 0) {
		printf("skip: needs root\n");
		return 77;
	}
	/* A private namespace: its conntrack table dies with this process, on every exit path. */
	if (unshare(CLONE_NEWNET) < 0) {
		perror("unshare");
		return 77;
	}
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 1;
	}
	for (size_t i = 0; i < n_build_cases; i++) {
		const struct build_case *c = &build_cases[i];
		int len = c->build(req, sizeof(req)), err, msgs;

		if (len <= 0) {
			printf("FAIL %s: build %d\n", c->name, len);
			failures++;
			continue;
		}
		err = talk(nl, req, &msgs, !strcmp(c->name, "dump"));
		if (err != c->kernel_err || (c->kernel_msgs >= 0 && msgs != c->kernel_msgs)) {
			printf("FAIL %s: kernel said %d (%s) with %d messages, expected %d with "
			       "%d\n",
			       c->name, err, strerror(-err), msgs, c->kernel_err, c->kernel_msgs);
			failures++;
		} else {
			printf("ok %s: %d, %d messages\n", c->name, err, msgs);
		}
	}
	mnl_socket_close(nl);
	return failures ? 1 : 0;
}
