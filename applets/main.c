// SPDX-License-Identifier: GPL-2.0-or-later
/* Multi-call dispatch: basename(argv[0]) or "ctbox APPLET" picks the applet. */
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "applets/applets.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
};

static const struct applet applets[] = {
#if CONFIG_CONNTRACK
	{ "conntrack", conntrack_main },
#endif
#if CONFIG_CONNTRACKD
	{ "conntrackd", conntrackd_main },
#endif
};

static void put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static const struct applet *find(const char *name)
{
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int usage(int fd)
{
	put(fd, "ctbox " CTBOX_VERSION " multi-call binary\n"
		"Usage: ctbox APPLET [ARGS...]  (or run through a link named APPLET)\n"
		"       ctbox --list\n");
	return fd == 1 ? 0 : 127;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? base(argv[0]) : "ctbox";
	const struct applet *a = find(name);

	if (!a) {
		if (strcmp(name, "ctbox") != 0) {
			put(2, "ctbox: applet not found: ");
			put(2, name);
			put(2, "\n");
			return 127;
		}
		if (argc < 2)
			return usage(2);
		if (!strcmp(argv[1], "--list")) {
			for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
				put(1, applets[i].name);
				put(1, "\n");
			}
			return 0;
		}
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
			return usage(1);
		a = find(argv[1]);
		if (!a) {
			put(2, "ctbox: applet not found: ");
			put(2, argv[1]);
			put(2, "\n");
			return 127;
		}
		argc--;
		argv++;
	}
	return a->main(argc, argv);
}
