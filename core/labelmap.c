// SPDX-License-Identifier: GPL-2.0-or-later
/* connlabel.conf: label bit <-> name, with libnetfilter_conntrack's parsing rules. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/labelmap.h"

#define LABELMAP_BITS 1024

struct labelmap {
	unsigned int max;	   /* highest defined bit + 1 */
	char *name[LABELMAP_BITS]; /* owner: the map */
};

/* Name part of a line: spaces trimmed both sides; NULL if empty or not [A-Za-z0-9 -]. */
static char *label_name(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!*s)
		return NULL;
	for (char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != ' ')
			return NULL;
	return s;
}

struct labelmap *labelmap_load(const char *path)
{
	struct labelmap *m;
	char line[1024];
	unsigned int added = 0;
	FILE *f;
	int err;

	f = fopen(path ? path : LABELMAP_DEFAULT, "re");
	if (!f)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long bit;
		char *end, *name;

		if (line[0] == '#')
			continue;
		errno = 0;
		bit = strtoul(line, &end, 0);
		if (end == line || errno || bit >= LABELMAP_BITS || m->name[bit])
			continue;
		name = label_name(end);
		/* a name already taken by a lower line is ignored: no second bit under it */
		if (!name || labelmap_bit(m, name) >= 0)
			continue;
		m->name[bit] = strdup(name);
		if (!m->name[bit]) {
			err = ENOMEM;
			goto fail;
		}
		if (bit + 1 > m->max)
			m->max = (unsigned int)bit + 1;
		added++;
	}
	err = ferror(f) ? EIO : 0;
	if (!added && !err)
		goto fail; /* errno 0: upstream reports "Success" for a map without labels */
	if (err)
		goto fail;
	fclose(f);
	return m;
fail:
	fclose(f);
	labelmap_free(m);
	errno = err;
	return NULL;
}

void labelmap_free(struct labelmap *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; i < m->max; i++)
		free(m->name[i]);
	free(m);
}

const char *labelmap_name(const struct labelmap *m, unsigned int bit)
{
	return m && bit < m->max ? m->name[bit] : NULL;
}

int labelmap_bit(const struct labelmap *m, const char *name)
{
	if (!m)
		return -1;
	for (unsigned int i = 0; i < m->max; i++)
		if (m->name[i] && !strcmp(m->name[i], name))
			return (int)i;
	return -1;
}

unsigned int labelmap_max(const struct labelmap *m)
{
	return m ? m->max : 0;
}
