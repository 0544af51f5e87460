// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel fixtures decoded by the codec and printed by core/print must equal the oracle's text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/labelmap.h"
#include "core/out.h"
#include "core/print.h"
#include "proto/ctnl.h"
#include "fixture.h"

static int failures;

/* Compare what was written to fp with golden file name; report the first differing line. */
static void compare(FILE *fp, const char *dir, const char *name)
{
	size_t glen, n;
	char *gold = fix_text(dir, name, &glen), *got;
	long len;

	fflush(fp);
	len = ftell(fp);
	got = calloc(1, (size_t)len + 1);
	rewind(fp);
	n = fread(got, 1, (size_t)len, fp);
	if (n != glen || memcmp(got, gold, glen)) {
		const char *a = got, *b = gold;
		int line = 1;

		while (*a && *a == *b) {
			if (*a == '\n')
				line++;
			a++;
			b++;
		}
		fprintf(stderr, "FAIL %s: differs at line %d\n  got:  %.160s\n  want: %.160s\n",
			name, line, a, b);
		failures++;
	} else {
		printf("ok %s\n", name);
	}
	free(got);
	free(gold);
}

static FILE *begin(struct out *o, char *buf, size_t cap)
{
	FILE *fp = tmpfile();

	if (!fp) {
		perror("tmpfile");
		exit(1);
	}
	out_init(o, fileno(fp), buf, cap);
	return fp;
}

static void finish(struct out *o, FILE *fp, const char *dir, const char *name)
{
	if (out_flush(o))
		failures++;
	compare(fp, dir, name);
	fclose(fp);
}

static void ct_listing(const struct fixture *f, const char *dir, const char *name, uint32_t flags,
		       const struct labelmap *map, time_t now)
{
	static char buf[1 << 16];
	struct print_opts po = { .flags = flags, .map = map, .now = now };
	struct out o;
	FILE *fp = begin(&o, buf, sizeof(buf));

	if (flags & PRINT_XML)
		print_xml_header(&o, "conntrack");
	for (size_t i = 0; i < f->n; i++) {
		struct ct ct;

		if (ctnl_parse_ct((const void *)(f->data + f->off[i]), &ct, NULL)) {
			fprintf(stderr, "FAIL %s: msg %zu does not parse\n", name, i);
			failures++;
			continue;
		}
		print_ct(&o, &ct, CT_MSG_UNKNOWN, &po);
	}
	if (flags & PRINT_XML)
		print_xml_footer(&o, "conntrack");
	finish(&o, fp, dir, name);
}

static void exp_listing(const struct fixture *f, const char *dir, const char *name, uint32_t flags,
			time_t now)
{
	static char buf[1 << 16];
	struct print_opts po = { .flags = flags, .now = now };
	struct out o;
	FILE *fp = begin(&o, buf, sizeof(buf));

	if (flags & PRINT_XML)
		print_xml_header(&o, "expect");
	for (size_t i = 0; i < f->n; i++) {
		struct ct_exp e;

		if (ctnl_parse_exp((const void *)(f->data + f->off[i]), &e, NULL)) {
			failures++;
			continue;
		}
		print_exp(&o, &e, CT_MSG_UNKNOWN, &po);
	}
	if (flags & PRINT_XML)
		print_xml_footer(&o, "expect");
	finish(&o, fp, dir, name);
}

static void stats_listing(const char *dir, const char *bin, const char *name, int expect)
{
	static char buf[1 << 16];
	struct fixture f;
	struct out o;
	FILE *fp = begin(&o, buf, sizeof(buf));

	fix_load(&f, dir, bin);
	for (size_t i = 0; i < f.n; i++) {
		struct ct_stats st;

		if (ctnl_parse_stats_cpu((const void *)(f.data + f.off[i]), &st)) {
			failures++;
			continue;
		}
		print_stats_cpu(&o, &st, expect);
	}
	fix_free(&f);
	finish(&o, fp, dir, name);
}

int main(int argc, char **argv)
{
	struct fixture ctf, expf;
	struct labelmap *map;
	char path[4096], *now_txt;
	time_t now;

	if (argc != 2) {
		fprintf(stderr, "usage: test_codec_print FIXTURE_DIR\n");
		return 2;
	}
	/* The oracle printed ctime() in the capture machine's zone, which was UTC. */
	setenv("TZ", "UTC", 1);
	now_txt = fix_text(argv[1], "now.txt", NULL);
	now = (time_t)strtoll(now_txt, NULL, 10);
	free(now_txt);
	snprintf(path, sizeof(path), "%s/connlabel.conf", argv[1]);
	map = labelmap_load(path);
	if (!map) {
		perror(path);
		return 1;
	}
	fix_load(&ctf, argv[1], "ct.bin");
	fix_load(&expf, argv[1], "exp.bin");
	ct_listing(&ctf, argv[1], "L.txt", 0, NULL, now);
	ct_listing(&ctf, argv[1], "L-extended.txt", PRINT_EXTENDED, NULL, now);
	ct_listing(&ctf, argv[1], "L-extended-id.txt", PRINT_EXTENDED | PRINT_ID, NULL, now);
	ct_listing(&ctf, argv[1], "L-xml.txt", PRINT_XML, NULL, now);
	ct_listing(&ctf, argv[1], "L-labels.txt", PRINT_LABELS, map, now);
	ct_listing(&ctf, argv[1], "L-ktimestamp.txt", PRINT_KTIMESTAMP, NULL, now);
	exp_listing(&expf, argv[1], "L-expect.txt", 0, now);
	exp_listing(&expf, argv[1], "L-expect-xml.txt", PRINT_XML, now);
	stats_listing(argv[1], "stats-cpu.bin", "S.txt", 0);
	stats_listing(argv[1], "exp-stats-cpu.bin", "S-expect.txt", 1);
	fix_free(&ctf);
	fix_free(&expf);
	labelmap_free(map);
	return failures ? 1 : 0;
}
