/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error texts as glibc spells them, whatever libc the binary links. */
#ifndef CTBOX_CORE_ERRSTR_H
#define CTBOX_CORE_ERRSTR_H

/* strerror(err) in glibc's words (err >= 0): a static string, never NULL. */
const char *errstr(int err);

#endif
