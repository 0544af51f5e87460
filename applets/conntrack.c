// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: main, -h/-V, and -R batch files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "applets/applets.h"
#include "applets/ct_args.h"
#include "applets/ct_run.h"
#include "core/errstr.h"
#include "core/nl.h"

#define BATCH_LINE 10240	/* upstream's fgets buffer: longer lines are split */
#define BATCH_ARGS 255		/* argv slots per line, argv[0] included */
#define BATCH_ARGLEN 1024

struct batch {
	char line[BATCH_LINE];
	char *argv[BATCH_ARGS + 1];
	char arg[BATCH_ARGS][BATCH_ARGLEN];
};

/*
 * Split one line like upstream's tiny shell: blanks separate; a double
 * quote opens a quoted part in which \x escapes x, and the closing quote
 * ends the argument ("u"dp is two arguments); a backslash outside quotes
 * is literal. Returns argc (argv[0] = prog) or -(enum ct_errkind).
 */
static int split_line(struct batch *b, const char *prog)
{
	const char *s = b->line;
	int argc = 0;

	b->argv[argc++] = (char *)prog;
	for (;;) {
		bool quoted = false;
		size_t n = 0;
		char *a;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		if (argc >= BATCH_ARGS)
			return -ct_perr("too many arguments");
		a = b->arg[argc];
		for (; *s; s++) {
			char ch = *s;

			if (!quoted && (ch == ' ' || ch == '\t' || ch == '\n'))
				break;
			if (ch == '"') {
				if (quoted) {
					s++;
					break;
				}
				quoted = true;
				continue;
			}
			if (quoted && ch == '\\' && s[1])
				ch = *++s;
			if (n + 1 >= BATCH_ARGLEN)
				return -ct_perr("Parameter too long!");
			a[n++] = ch;
		}
		a[n] = '\0';
		b->argv[argc++] = a;
	}
	b->argv[argc] = NULL;
	return argc;
}

/* Next meaningful line into b->line: 1, 0 at the end. *lineno counts physical lines. */
static int next_line(FILE *f, struct batch *b, unsigned int *lineno)
{
	bool at_start = true;

	while (fgets(b->line, sizeof(b->line), f)) {
		char *s = b->line;
		size_t n = strlen(s);

		/* A line longer than the buffer comes in pieces; count it once. */
		if (at_start)
			(*lineno)++;
		at_start = n && s[n - 1] == '\n';

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || *s == '#' || !*s)
			continue;
		memmove(b->line, s, strlen(s) + 1);
		return 1;
	}
	return 0;
}

/* The name upstream gives a command -R refuses, or NULL if -R takes it. */
static const char *batch_refused(const struct ct_cmd *cmd)
{
	switch (cmd->command) {
	case CMD_CT_CREATE: case CMD_CT_ADD: case CMD_CT_UPDATE:
	case CMD_CT_DELETE: case CMD_CT_FLUSH:
		return NULL;
	case CMD_CT_LIST: return "-L";
	case CMD_CT_GET: return "-G";
	case CMD_CT_EVENT: return "-E";
	case CMD_VERSION: return "-V";
	case CMD_HELP: return "-h";
	case CMD_EXP_LIST: return "-L expect";
	case CMD_EXP_CREATE: return "-C expect";	/* sic: upstream's table says so */
	case CMD_EXP_DELETE: return "-D expect";
	case CMD_EXP_GET: return "-G expect";
	case CMD_EXP_FLUSH: return "-F expect";
	case CMD_EXP_EVENT: return "-E expect";
	case CMD_CT_COUNT: return "-C";
	case CMD_EXP_COUNT: return "-C expect";
	case CMD_CT_STATS: return "-S";
	case CMD_EXP_STATS: return "-S expect";
	default: return "unknown";
	}
}

/* Parse one split line; returns 0 or the error kind (already printed). */
static int batch_parse(struct ct_parse_ctx *ctx, struct batch *b, const char *prog,
		       struct ct_cmd *cmd)
{
	int argc = split_line(b, prog);

	if (argc < 0)
		return -argc;
	return ct_args_parse_ctx(ctx, argc, b->argv, cmd);
}

/* stdin cannot be read twice unless it is a file: copy a pipe to a temp file. */
static FILE *rewindable(FILE *f)
{
	char buf[8192];
	FILE *t;
	size_t n;

	if (fseek(f, 0, SEEK_CUR) == 0)
		return f;
	t = tmpfile();
	if (!t)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (fwrite(buf, 1, n, t) != n) {
			fclose(t);
			return NULL;
		}
	}
	fclose(f);
	rewind(t);
	return t;
}

/*
 * -R FILE: upstream parses every line before running any. We keep that
 * (a bad line anywhere runs nothing) without holding the file: pass 1
 * parses and checks, pass 2 parses again and runs, line by line.
 */
static int batch_run(const char *file, const char *prog, struct nl *nl)
{
	const char *path = strcmp(file, "-") ? file : "/dev/stdin";
	struct ct_parse_ctx pass1, pass2;
	const char *refused = NULL;
	unsigned int lineno = 0, refused_line = 0;
	struct batch *b = NULL;
	struct ct_cmd *cmd = NULL;
	FILE *f, *r;
	int ret = 0;

	f = fopen(path, "re");
	if (!f)
		return ct_perr("Failed to open file %s for reading", path);
	r = rewindable(f);
	if (!r) {
		fclose(f);
		return ct_oerr("%s: %s", path, errstr(errno));
	}
	f = r;
	b = malloc(sizeof(*b));
	cmd = malloc(sizeof(*cmd));
	if (!b || !cmd) {
		ret = ct_oerr("out of memory");
		goto out;
	}
	ct_ctx_init(&pass1);
	ct_ctx_init(&pass2);
	pass2.quiet = true;

	while (next_line(f, b, &lineno)) {
		ret = batch_parse(&pass1, b, prog, cmd);
		if (ret)
			goto out_line;
		if (!refused) {
			refused = batch_refused(cmd);
			refused_line = lineno;
		}
	}
	if (refused) {
		ret = ct_perr("Cannot use command `%s' with --load-file", refused);
		lineno = refused_line;
		goto out_line;
	}

	rewind(f);
	lineno = 0;
	ct_run_batch_mode(1);
	while (next_line(f, b, &lineno)) {
		ret = batch_parse(&pass2, b, prog, cmd);
		if (!ret)
			ret = ct_args_check(cmd);
		if (ret)
			break;
		/* output flags and the label map are upstream globals: the last line's state rules */
		cmd->output = pass1.output;
		if (pass1.map)
			cmd->map = pass1.map;
		cmd->batch = true;
		ret = ct_run(cmd, nl);
		if (ret)
			break;
	}
	ct_run_batch_mode(0);
out_line:
	/* Upstream's message says what failed; ours also says where (constant memory, no replay). */
	if (ret)
		fprintf(stderr, "conntrack: %s: error on line %u\n", path, lineno);
	ct_ctx_free(&pass1);
	ct_ctx_free(&pass2);
out:
	free(cmd);
	free(b);
	fclose(f);
	return ret;
}

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
		ret = batch_run(argv[2], argv[0], nl);
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
