// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: main, -h/-V; -R is ct_batch.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "applets/applets.h"
#include "applets/ct_args.h"
#include "applets/ct_batch.h"
#include "applets/ct_run.h"
#include "core/errstr.h"
#include "core/nl.h"

int conntrack_main(int argc, char **argv)
{
	struct ct_parse_ctx ctx;
	struct ct_cmd *cmd;
	struct nl *nl;
	int ret;

	/* upstream opens its socket before looking at argv, so even -h needs nfnetlink */
	nl = nl_open(0);
	if (!nl) {
		fprintf(stderr, "mnl_socket_open: %s\n", errstr(errno));
		ct_err(CT_OTHER_PROBLEM, "Can't open handler");
		return CT_OTHER_PROBLEM;
	}
	if (argc > 2 && (!strcmp(argv[1], "-R") || !strcmp(argv[1], "--load-file"))) {
		ret = ct_batch_run(argv[2], argv[0], nl);
		nl_close(nl);
		return ret;
	}

	cmd = malloc(sizeof(*cmd));
	if (!cmd) {
		nl_close(nl);
		return ct_oerr("out of memory");
	}
	ct_ctx_init(&ctx);
	ret = ct_args_parse_ctx(&ctx, argc, argv, cmd);
	if (ret)
		goto out;
	switch (cmd->command) {
	case CMD_NONE:
	case CMD_HELP:
		ct_args_usage(cmd);
		break;
	case CMD_VERSION:
		printf("conntrack v%s (ctbox)\n", CTBOX_VERSION);
		break;
	default:
		ret = ct_args_check(cmd);
		if (!ret)
			ret = ct_run(cmd, nl);
		break;
	}
out:
	fflush(stdout);
	ct_ctx_free(&ctx);
	free(cmd);
	nl_close(nl);
	return ret;
}
