/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the printer files share: name tables, tuple and time helpers, the scalar field table. */
#ifndef CTBOX_CORE_PRINT_PRIV_H
#define CTBOX_CORE_PRINT_PRIV_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ct.h"

struct out;
struct print_opts;

/* "ipv4", "ipv6", else "unknown" (library l3proto table). */
const char *pr_l3_name(unsigned int family);
/* "tcp", "udp", ... for the eight known protocols, else NULL. */
const char *pr_l4_name(unsigned int proto);
/* Library state tables (default and xml output); out of range gives "NONE". */
const char *pr_tcp_state(unsigned int s);
const char *pr_sctp_state(unsigned int s);
const char *pr_dccp_state(unsigned int s);

/* Family of a tuple: its own, else the message family. */
static inline int pr_tuple_l3(const struct ct *ct, const struct ct_tuple *t)
{
	return t->l3 ? t->l3 : ct->family;
}

/* Layer-4 protocol of a tuple, 0 when the tuple carried none. */
static inline unsigned int pr_tuple_l4(const struct ct_tuple *t)
{
	return (t->present & CT_T_PROTO) ? t->l4 : 0;
}

/* Field value or 0 when absent (what the library prints for a missing part). */
static inline uint16_t pr_tfield16(const struct ct_tuple *t, unsigned int bit, uint16_t v)
{
	return (t->present & bit) ? v : 0;
}

/* Protocols whose tuples carry ports (GRE keys travel as ports but print differently). */
static inline bool pr_has_ports(unsigned int p)
{
	return p == 6 || p == 17 || p == 136 || p == 132 || p == 33;
}

static inline bool pr_is_icmp(unsigned int p)
{
	return p == 1 || p == 58;
}

/*
 * An SCTP verification tag as conntrack's --orig-vtag/--reply-vtag take it.
 * Upstream converts the number to network order on the CLI side and the
 * library converts it once more, so the tag travels in host byte order:
 * the CLI's number is the kernel's tag read in host order (byte-swapped on
 * little-endian hosts). Save and json print that number, so it round-trips.
 */
static inline uint32_t pr_cli_vtag(uint32_t tag)
{
	return be32toh(tag);
}

/* Tuple address, zero when the attribute was missing. */
const union ct_addr *pr_src(const struct ct_tuple *t);
const union ct_addr *pr_dst(const struct ct_tuple *t);

/* Is label bit N set (the model's bitmap: bit N in byte N / 8)? */
bool pr_label_bit(const struct ct *ct, unsigned int bit);
static inline unsigned int pr_label_bits(const struct ct *ct)
{
	unsigned int n = ct->labels_len;

	return (n > CT_LABELS_BYTES ? CT_LABELS_BYTES : n) * 8;
}

/*
 * delta-time in seconds. The text printer truncates both stamps to seconds
 * before subtracting; the xml printer subtracts nanoseconds first (verified on
 * the reference: they differ by one for the same event).
 */
uint64_t pr_delta_text(const struct ct *ct, const struct print_opts *po);
uint64_t pr_delta_xml(const struct ct *ct, const struct print_opts *po);

/*
 * The plain u32 attributes of the independent part, in the one order the
 * formats share where upstream does not impose another.
 */
struct pr_u32_field {
	uint8_t attr; /* enum ct_attr */
	uint8_t text_len;
	uint8_t off;	  /* offset in struct ct */
	const char *text; /* "mark=" */
	const char *xml;  /* "mark" */
	const char *json; /* "mark" (YNL attribute name) */
};
enum { PR_F_MARK, PR_F_SECMARK, PR_F_ZONE, PR_F_USE, PR_F_ID, PR_F_TIMEOUT, PR_F_MAX };
extern const struct pr_u32_field pr_u32_fields[PR_F_MAX];
uint32_t pr_u32_value(const struct ct *ct, const struct pr_u32_field *f);

/* "ctime() without the newline" of a second count in local time; returns length (0 on failure). */
size_t pr_ctime(char *dst, int64_t sec);

/* Event names for xml type= and json "event". */
const char *pr_event_name(enum ct_msg kind);

/* Printers per format (print.c dispatches). */
void pr_ct_text(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po);
void pr_ct_xml(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po);
void pr_ct_json(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po);
int pr_ct_save(struct out *o, const struct ct *ct, enum ct_msg kind, const struct print_opts *po);

/* Shared pieces of the text formats. */
void pr_event_ts(struct out *o, const struct print_opts *po);
void pr_userspace(struct out *o, const struct print_opts *po);
void pr_xml_when(struct out *o, int64_t sec);

/* JSON string literal with escaping. */
void pr_json_str(struct out *o, const char *s);

#endif
