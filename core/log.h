/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd's log: upstream's line format to a file, syslog and/or the console. */
#ifndef CTBOX_CORE_LOG_H
#define CTBOX_CORE_LOG_H

#include <stdbool.h>

/* Levels, with upstream's names: "ERROR", "warning", "notice", "info". */
enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_NOTICE,
	LOG_LVL_INFO,
};

struct log {
	int fd;		   /* log file, -1 if none */
	int facility;	   /* syslog facility, -1 if none */
	bool console;	   /* notice/info to stdout, warning/error to stderr */
	const char *path;  /* not owned; kept for log_reopen */
	const char *ident; /* syslog ident */
};

/* A log that writes only to the console (client mode, start-up). */
void log_init_console(struct log *l);

/*
 * Open the log file path (NULL: none; appended, mode 0600) and syslog with
 * facility (-1: none). Returns 0 or -errno from opening the file (the
 * console and syslog are set up regardless).
 */
int log_open(struct log *l, const char *path, int facility, const char *ident, bool console);

/* Re-open the file (SIGHUP after log rotation). 0 or -errno. */
int log_reopen(struct log *l);
void log_close(struct log *l);

/* One message: "[<ctime>] (pid=<pid>) [<level>] <text>\n" to every destination. */
void log_msg(struct log *l, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A raw line "<ctime>\t<text>" (flow dumps: stats mode, failed commits); syslog at prio. */
void log_line(struct log *l, int syslog_prio, const char *text, unsigned int len);

#endif
