// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz harness: connlabel.conf parser (core/labelmap) on a memfd; lookups must agree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "core/labelmap.h"
#include "fuzz.h"

const char *const fuzz_dict[] = { "\n",	  "#",	 " ",  "\t",	  "0x",	     "0", "1023",
				  "1024", "127", "-1", "eth-wan", "foo bar", NULL };

static int fd = -1;
static char path[64], named[64];

static void remove_named(void)
{
	unlink(named);
}

/*
 * One file for every run, opened by path through /proc/self/fd: a memfd
 * is fast to rewrite and nothing is left behind on a crash.
 */
static void init(void)
{
	char tmpl[] = "/tmp/ctbox-fuzz-labels.XXXXXX";

	fd = memfd_create("ctbox-fuzz-labels", MFD_CLOEXEC);
	if (fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (!access(path, R_OK))
			return;
		close(fd);
	}
	fd = mkstemp(tmpl);
	if (fd < 0)
		fuzz_fail("mkstemp");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (access(path, R_OK)) {
		/* no /proc: keep the name, remove it at exit */
		snprintf(path, sizeof(path), "%s", tmpl);
		snprintf(named, sizeof(named), "%s", tmpl);
		atexit(remove_named);
		return;
	}
	unlink(tmpl);
}

static void check(const struct labelmap *m)
{
	unsigned int max = labelmap_max(m);

	if (max == 0 || max > 1024 || !labelmap_name(m, max - 1))
		fuzz_fail("labelmap_max does not name the highest label");
	if (labelmap_name(m, max) || labelmap_name(m, ~0u))
		fuzz_fail("labelmap_name past max");
	for (unsigned int i = 0; i < max; i++) {
		const char *name = labelmap_name(m, i);
		int bit;

		if (!name)
			continue;
		if (!*name || strchr(name, '\n'))
			fuzz_fail("empty or multi-line label name");
		/* the first bit carrying a name wins, as upstream's lookup */
		bit = labelmap_bit(m, name);
		if (bit < 0 || (unsigned int)bit > i ||
		    strcmp(labelmap_name(m, (unsigned int)bit), name))
			fuzz_fail("labelmap_bit disagrees with labelmap_name");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct labelmap *m;

	if (!ready) {
		init();
		ready = 1;
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		fuzz_fail("write label file");
	errno = 0;
	m = labelmap_load(path);
	if (!m) {
		if (errno != 0 && errno != EIO && errno != ENOMEM)
			fuzz_fail("labelmap_load errno");
		return 0;
	}
	check(m);
	if (labelmap_bit(m, "") != -1)
		fuzz_fail("labelmap_bit of the empty name");
	labelmap_free(m);
	return 0;
}
