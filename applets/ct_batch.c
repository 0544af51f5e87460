// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: -R batch files, every line checked before any runs. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errstr.h"
#include "applets/ct_args.h"
#include "applets/ct_batch.h"
#include "applets/ct_run.h"

#define BATCH_LINE 10240 /* upstream's fgets buffer: longer lines are split */
#define BATCH_ARGS 255	 /* argv slots per line, argv[0] included */
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

/*
 * Next line that is not a comment or blank into b->line: 1, 0 at the end,
 * -errno on a read error. *lineno counts physical lines. As upstream, a
 * line is skipped only when a newline or '#' follows its leading blanks: a
 * last line of blanks without a newline, or one starting with a NUL byte,
 * is an empty command (refused as `unknown').
 */
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
		if (*s == '\n' || *s == '#')
			continue;
		memmove(b->line, s, strlen(s) + 1);
		return 1;
	}
	return ferror(f) ? -(errno ? errno : EIO) : 0;
}

/* ---- a batch from a pipe, held in memory between the passes ---------------------------- */

/*
 * One record per line: the step of the physical line number and argc as
 * varints, then each argument as the number of a slot in a 255-word cache
 * of earlier words (chosen by hash), or BS_LIT and the word with its NUL,
 * which then takes its slot. The replay updates the cache the same way, so
 * a slot always names the word it named when the record was written. A
 * saved table repeats its option words and gives each address and port
 * twice: a line takes about 40% of its text. Records never span chunks:
 * the replay hands out pointers into them.
 */
#define BS_CHUNK (64 * 1024)
#define BS_SLOTS 255
#define BS_LIT 0xff

struct bs_chunk {
	struct bs_chunk *next;
	size_t len, cap;
	unsigned char data[];
};

struct bstore {
	struct bs_chunk *head, *tail, *cur;
	size_t off;		    /* replay position in cur */
	unsigned int lineno;	    /* line of the last record written or replayed */
	const char *slot[BS_SLOTS]; /* words in the chunks */
};

static unsigned char *put_varint(unsigned char *p, unsigned int v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

static const unsigned char *get_varint(const unsigned char *p, unsigned int *v)
{
	unsigned int shift = 0;

	*v = 0;
	do {
		*v |= (unsigned int)(*p & 0x7f) << shift;
		shift += 7;
	} while (*p++ & 0x80);
	return p;
}

static unsigned int bs_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % BS_SLOTS;
}

/* Append a line's arguments (argv[1..argc-1]); returns 0 or -ENOMEM. */
static int bs_add(struct bstore *bs, unsigned int lineno, int argc, char *const *argv)
{
	size_t need = 10;
	unsigned char *p;

	for (int i = 1; i < argc; i++)
		need += strlen(argv[i]) + 2;
	if (!bs->tail || bs->tail->cap - bs->tail->len < need) {
		size_t cap = need > BS_CHUNK ? need : BS_CHUNK;
		struct bs_chunk *c = malloc(sizeof(*c) + cap);

		if (!c)
			return -ENOMEM;
		c->next = NULL;
		c->len = 0;
		c->cap = cap;
		if (bs->tail)
			bs->tail->next = c;
		else
			bs->head = c;
		bs->tail = c;
	}
	p = bs->tail->data + bs->tail->len;
	p = put_varint(p, lineno - bs->lineno);
	p = put_varint(p, (unsigned int)argc - 1);
	for (int i = 1; i < argc; i++) {
		unsigned int k = bs_hash(argv[i]);
		size_t n;

		if (bs->slot[k] && !strcmp(bs->slot[k], argv[i])) {
			*p++ = (unsigned char)k;
			continue;
		}
		*p++ = BS_LIT;
		n = strlen(argv[i]) + 1;
		bs->slot[k] = memcpy(p, argv[i], n);
		p += n;
	}
	bs->lineno = lineno;
	bs->tail->len = (size_t)(p - bs->tail->data);
	return 0;
}

/* Next record into argv (argv[0] = prog, pointers into the store): argc, or 0 at the end. */
static int bs_next(struct bstore *bs, const char *prog, char **argv, unsigned int *lineno)
{
	const unsigned char *p;
	unsigned int step, n;

	while (bs->cur && bs->off >= bs->cur->len) {
		bs->cur = bs->cur->next;
		bs->off = 0;
	}
	if (!bs->cur)
		return 0;
	p = get_varint(bs->cur->data + bs->off, &step);
	p = get_varint(p, &n);
	bs->lineno += step;
	*lineno = bs->lineno;
	argv[0] = (char *)prog;
	for (unsigned int i = 1; i <= n; i++) {
		unsigned int tag = *p++;
		const char *a;

		if (tag == BS_LIT) {
			a = (const char *)p;
			p += strlen(a) + 1;
			bs->slot[bs_hash(a)] = a;
		} else {
			a = bs->slot[tag];
		}
		argv[i] = (char *)a;
	}
	argv[n + 1] = NULL;
	bs->off = (size_t)(p - bs->cur->data);
	return (int)n + 1;
}

static void bs_rewind(struct bstore *bs)
{
	bs->cur = bs->head;
	bs->off = 0;
	bs->lineno = 0;
	memset(bs->slot, 0, sizeof(bs->slot));
}

static void bs_free(struct bstore *bs)
{
	while (bs->head) {
		struct bs_chunk *c = bs->head;

		bs->head = c->next;
		free(c);
	}
}

/* ---- the two passes ----------------------------------------------------------------------- */

/* The name upstream gives a command -R refuses, or NULL if -R takes it. */
static const char *batch_refused(const struct ct_cmd *cmd)
{
	switch (cmd->command) {
	case CMD_CT_CREATE:
	case CMD_CT_ADD:
	case CMD_CT_UPDATE:
	case CMD_CT_DELETE:
	case CMD_CT_FLUSH:
		return NULL;
	case CMD_CT_LIST:
		return "-L";
	case CMD_CT_GET:
		return "-G";
	case CMD_CT_EVENT:
		return "-E";
	case CMD_VERSION:
		return "-V";
	case CMD_HELP:
		return "-h";
	case CMD_EXP_LIST:
		return "-L expect";
	case CMD_EXP_CREATE:
		return "-C expect"; /* sic: upstream's table says so */
	case CMD_EXP_DELETE:
		return "-D expect";
	case CMD_EXP_GET:
		return "-G expect";
	case CMD_EXP_FLUSH:
		return "-F expect";
	case CMD_EXP_EVENT:
		return "-E expect";
	case CMD_CT_COUNT:
		return "-C";
	case CMD_EXP_COUNT:
		return "-C expect";
	case CMD_CT_STATS:
		return "-S";
	case CMD_EXP_STATS:
		return "-S expect";
	default:
		return "unknown";
	}
}

struct source {
	FILE *f;
	struct bstore *bs; /* a pipe: pass 1 fills it, pass 2 replays it */
	const char *path;
	const char *prog;
	unsigned int lineno;
};

/* Next line as argv in b->argv: argc, 0 at the end, -(enum ct_errkind) after a message. */
static int src_next(struct source *s, struct batch *b, bool replay)
{
	int r, argc;

	if (replay && s->bs)
		return bs_next(s->bs, s->prog, b->argv, &s->lineno);
	r = next_line(s->f, b, &s->lineno);
	if (r < 0) {
		s->lineno++; /* the line that could not be read */
		return -ct_oerr("%s: %s", s->path, errstr(-r));
	}
	if (!r)
		return 0;
	argc = split_line(b, s->prog);
	/* upstream's words for it (the parser may be the one to run out first) */
	if (argc > 0 && s->bs && !replay && bs_add(s->bs, s->lineno, argc, b->argv) < 0)
		return -ct_oerr("out of memory");
	return argc;
}

/*
 * Upstream parses every line before it runs any. So do we (a bad line
 * anywhere runs nothing) without holding a file: pass 1 parses and checks,
 * pass 2 reads it again, parses and runs, line by line. A pipe cannot be
 * read twice: pass 1 keeps its lines in memory, compactly (struct bstore);
 * no temporary file, so a full or read-only /tmp does not matter.
 */
int ct_batch_run(const char *file, const char *prog, struct nl *nl)
{
	struct source src = { .path = strcmp(file, "-") ? file : "/dev/stdin", .prog = prog };
	struct ct_parse_ctx pass1, pass2;
	const char *refused = NULL;
	unsigned int refused_line = 0;
	struct bstore bs = { 0 };
	struct batch *b = NULL;
	struct ct_cmd *cmd = NULL;
	int ret = 0, argc;

	src.f = fopen(src.path, "re");
	if (!src.f)
		return ct_perr("Failed to open file %s for reading", src.path);
	if (fseek(src.f, 0, SEEK_CUR) < 0)
		src.bs = &bs;
	b = malloc(sizeof(*b));
	cmd = malloc(sizeof(*cmd));
	if (!b || !cmd) {
		ret = ct_oerr("out of memory");
		goto out;
	}
	ct_ctx_init(&pass1);
	ct_ctx_init(&pass2);
	pass2.quiet = true;

	while ((argc = src_next(&src, b, false)) > 0) {
		ret = ct_args_parse_ctx(&pass1, argc, b->argv, cmd);
		if (ret)
			goto out_line;
		if (!refused) {
			refused = batch_refused(cmd);
			refused_line = src.lineno;
		}
	}
	if (argc < 0) {
		ret = -argc;
		goto out_line;
	}
	if (refused) {
		ret = ct_perr("Cannot use command `%s' with --load-file", refused);
		src.lineno = refused_line;
		goto out_line;
	}

	if (src.bs)
		bs_rewind(src.bs);
	else
		rewind(src.f);
	src.lineno = 0;
	ct_run_batch_mode(1);
	while ((argc = src_next(&src, b, true)) > 0) {
		ret = ct_args_parse_ctx(&pass2, argc, b->argv, cmd);
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
	if (argc < 0)
		ret = -argc;
	ct_run_batch_mode(0);
out_line:
	/* Upstream's message says what failed; ours also says where (constant memory, no replay). */
	if (ret)
		fprintf(stderr, "conntrack: %s: error on line %u\n", src.path, src.lineno);
	ct_ctx_free(&pass1);
	ct_ctx_free(&pass2);
out:
	bs_free(&bs);
	free(cmd);
	free(b);
	fclose(src.f);
	return ret;
}
