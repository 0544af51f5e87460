/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connlabel.conf: label bit <-> name. */
#ifndef CTBOX_CORE_LABELMAP_H
#define CTBOX_CORE_LABELMAP_H

#define LABELMAP_DEFAULT "/etc/xtables/connlabel.conf"

struct labelmap;

/*
 * Load a map; returns NULL with errno set (0 -> "Success": file had no valid
 * line). Owner: caller, labelmap_free. As libnetfilter_conntrack, the first
 * line for a bit or a name wins; a later line repeating either is ignored.
 */
struct labelmap *labelmap_load(const char *path);
void labelmap_free(struct labelmap *m);
/* Name of bit, or NULL. */
const char *labelmap_name(const struct labelmap *m, unsigned int bit);
/* Bit of name, or -1. */
int labelmap_bit(const struct labelmap *m, const char *name);
/* Highest bit + 1 that the map defines (0 if empty). */
unsigned int labelmap_max(const struct labelmap *m);

#endif
