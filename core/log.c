// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's log: upstream's line format to a file, syslog and/or the console. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

static const char *const lvl_name[] = { "ERROR", "warning", "notice", "info" };
static const int lvl_prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO };

void log_init_console(struct log *l)
{
	l->fd = -1;
	l->facility = -1;
	l->console = true;
	l->path = NULL;
	l->ident = NULL;
}

static int open_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	return fd < 0 ? -errno : fd;
}

int log_open(struct log *l, const char *path, int facility, const char *ident, bool console)
{
	int r = 0;

	log_init_console(l);
	l->console = console;
	l->path = path;
	l->ident = ident;
	if (path) {
		r = open_file(path);
		if (r >= 0) {
			l->fd = r;
			r = 0;
		}
	}
	if (facility >= 0) {
		l->facility = facility;
		openlog(ident, LOG_PID, facility);
	}
	return r;
}

int log_reopen(struct log *l)
{
	int fd;

	if (!l->path)
		return 0;
	fd = open_file(l->path);
	if (fd < 0)
		return fd;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	return 0;
}

void log_close(struct log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	if (l->facility >= 0)
		closelog();
	l->facility = -1;
}

static void put_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* ctime(3) without its newline: "Thu Nov 26 15:21:55 2026". */
static size_t stamp(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
}

void log_msg(struct log *l, enum log_level lvl, const char *fmt, ...)
{
	char line[1024];
	size_t n, hdr;
	va_list ap;
	int r;

	line[0] = '[';
	n = 1 + stamp(line + 1, sizeof(line) - 1);
	r = snprintf(line + n, sizeof(line) - n, "] (pid=%d) [%s] ", (int)getpid(), lvl_name[lvl]);
	n += (size_t)r;
	hdr = n;
	va_start(ap, fmt);
	r = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (r < 0)
		r = 0;
	n += (size_t)r < sizeof(line) - n - 1 ? (size_t)r : sizeof(line) - n - 2;
	line[n++] = '\n';
	if (l->fd >= 0)
		put_all(l->fd, line, n);
	if (l->console)
		put_all(lvl <= LOG_LVL_WARN ? 2 : 1, line, n);
	if (l->facility >= 0)
		syslog(lvl_prio[lvl], "%.*s", (int)(n - hdr - 1), line + hdr);
}

void log_line(struct log *l, int syslog_prio, const char *text, unsigned int len)
{
	char head[64];
	size_t n = stamp(head, sizeof(head) - 1);

	head[n++] = '\t';
	if (l->fd >= 0) {
		put_all(l->fd, head, n);
		put_all(l->fd, text, len);
		put_all(l->fd, "\n", 1);
	}
	if (l->facility >= 0)
		syslog(syslog_prio, "%.*s", (int)len, text);
}
