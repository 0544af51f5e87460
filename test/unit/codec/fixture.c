// SPDX-License-Identifier: GPL-2.0-or-later
/* Codec tests: fixture files (raw reply streams from nlcapture, golden text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "fixture.h"
#include "nlswap.h"

static uint8_t *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	uint8_t *buf;
	long n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (!fp || fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
		fprintf(stderr, "fixture %s: cannot read\n", path);
		exit(1);
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "fixture %s: short read\n", path);
		exit(1);
	}
	fclose(fp);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

void fix_load(struct fixture *f, const char *dir, const char *name)
{
	size_t off = 0;

	memset(f, 0, sizeof(*f));
	f->data = slurp(dir, name, &f->len);
	if (nlswap_foreign(f->data, f->len) && nlswap_stream(f->data, f->len)) {
		fprintf(stderr, "fixture %s: bad stream in the other byte order\n", name);
		exit(1);
	}
	while (off < f->len) {
		struct nlmsghdr h;

		if (f->len - off < sizeof(h) || f->n == FIX_MAX_MSGS) {
			fprintf(stderr, "fixture %s: bad stream at %zu\n", name, off);
			exit(1);
		}
		memcpy(&h, f->data + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > f->len - off) {
			fprintf(stderr, "fixture %s: bad nlmsg_len at %zu\n", name, off);
			exit(1);
		}
		f->off[f->n++] = off;
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
}

void fix_free(struct fixture *f)
{
	free(f->data);
	f->data = NULL;
}

char *fix_text(const char *dir, const char *name, size_t *len)
{
	size_t n;
	char *s = (char *)slurp(dir, name, &n);

	if (len)
		*len = n;
	return s;
}
