// SPDX-License-Identifier: GPL-2.0-or-later
/* Sync wire codec: spec and captured datagrams decode -> encode byte for byte; every reject rule. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "proto/ct.h"
#include "proto/wire.h"
#include "sender.h"

#include "../codec/check.h"

/* ---- fixtures: NAME OPTS HEX lines (see fixtures/spec.hex) ---- */

#define MAX_FIX 4096

struct fix {
	char file[64], name[64];
	unsigned int opts;
	uint8_t *data; /* the datagram (a frame's UDP payload) */
	size_t len;
};

static struct fix fixes[MAX_FIX];
static size_t nfix;

static int unhex(const char *s, uint8_t *out, size_t *n)
{
	size_t len = strlen(s);

	if (len % 2)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

static unsigned int parse_opts(const char *s)
{
	unsigned int o = 0;

	if (strstr(s, "wscale"))
		o |= WIRE_ENC_WSCALE;
	if (strstr(s, "notimeout"))
		o |= WIRE_ENC_NO_TIMEOUT;
	return o;
}

static void load_file(const char *dir, const char *file)
{
	static char line[1 << 17];
	char path[4096], name[64], opts[64], *hex;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fp = fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "%s: cannot open\n", path);
		exit(1);
	}
	while (fgets(line, sizeof(line), fp)) {
		struct fix *f = &fixes[nfix];
		size_t skip = 0;
		int pos;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = 0;
		if (nfix == MAX_FIX || sscanf(line, "%63s %63s %n", name, opts, &pos) != 2) {
			fprintf(stderr, "%s: bad line '%.40s'\n", path, line);
			exit(1);
		}
		hex = line + pos;
		f->data = malloc(strlen(hex) / 2 + 1);
		if (!f->data || unhex(hex, f->data, &f->len)) {
			fprintf(stderr, "%s: %s: bad hex\n", path, name);
			exit(1);
		}
		snprintf(f->file, sizeof(f->file), "%s", file);
		snprintf(f->name, sizeof(f->name), "%s", name);
		f->opts = parse_opts(opts);
		/* A frame: Ethernet 14 + IPv4 20 + UDP 8; the UDP length must match. */
		if (strstr(name, "-frame")) {
			skip = 42;
			CHECK(f->len > skip &&
				      (size_t)(f->data[38] << 8 | f->data[39]) == f->len - 34,
			      "%s: UDP length", name);
		}
		memmove(f->data, f->data + skip, f->len - skip);
		f->len -= skip;
		nfix++;
	}
	fclose(fp);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_dir(const char *dir)
{
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "%s: cannot open\n", dir);
		exit(1);
	}
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".hex"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		load_file(dir, names[i]);
		free(names[i]);
	}
}

static const struct fix *fix_get(const char *name)
{
	for (size_t i = 0; i < nfix; i++)
		if (!strcmp(fixes[i].file, "spec.hex") && !strcmp(fixes[i].name, name))
			return &fixes[i];
	fprintf(stderr, "no fixture %s\n", name);
	exit(1);
}

static void tohex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

/* An exact-size heap copy: reading past it is an ASan report. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (!c)
		exit(1);
	memcpy(c, p, n);
	return c;
}

/* ---- helpers for building and checking messages ---- */

static bool addr_is(const union ct_addr *a, int af, const char *s)
{
	uint8_t b[16];

	if (inet_pton(af, s, b) != 1)
		return false;
	return !memcmp(a->b, b, af == AF_INET ? 4 : 16);
}

static void set_addr(union ct_addr *a, int af, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(af, s, a->b) != 1)
		abort();
}

/* Label bit as the printers read it: host-order u32 words of the kernel's bitmap. */
static bool label_bit(const struct ct *ct, unsigned int bit)
{
	uint32_t w;

	if (bit / 8 >= ct->labels_len)
		return false;
	memcpy(&w, ct->labels + bit / 32 * 4, 4);
	return w & (UINT32_C(1) << (bit % 32));
}

static void set_label_bit(struct ct *ct, unsigned int bit)
{
	uint32_t w;

	memcpy(&w, ct->labels + bit / 32 * 4, 4);
	w |= UINT32_C(1) << (bit % 32);
	memcpy(ct->labels + bit / 32 * 4, &w, 4);
}

/* A message under construction: header, then attributes appended with padding. */
struct msg {
	uint8_t b[2048];
	size_t len;
};

static void m_start(struct msg *m, uint8_t type)
{
	memset(m, 0, sizeof(*m));
	m->b[0] = (uint8_t)(0x10 | type);
	m->len = 8;
}

/* Attribute with an explicit nta_len (may lie) and payload bytes. */
static void m_raw(struct msg *m, uint16_t nta_len, uint16_t type, const void *pl, size_t n)
{
	uint8_t *a = m->b + m->len;

	a[0] = (uint8_t)(nta_len >> 8);
	a[1] = (uint8_t)nta_len;
	a[2] = (uint8_t)(type >> 8);
	a[3] = (uint8_t)type;
	if (n)
		memcpy(a + 4, pl, n);
	m->len += (4 + n + 3) & ~(size_t)3;
}

static void m_attr(struct msg *m, uint16_t type, const void *pl, size_t n)
{
	m_raw(m, (uint16_t)(4 + n), type, pl, n);
}

static void m_bytes(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static const uint8_t *m_end(struct msg *m)
{
	m->b[2] = (uint8_t)(m->len >> 8);
	m->b[3] = (uint8_t)m->len;
	return m->b;
}

static int get_ct(struct msg *m, struct ct *ct)
{
	const uint8_t *p = m_end(m);
	uint8_t *c = dup_exact(p, m->len);
	int err = wire_get_ct(c, m->len, ct);

	free(c);
	return err;
}

static int get_exp(struct msg *m, struct ct_exp *e)
{
	const uint8_t *p = m_end(m);
	uint8_t *c = dup_exact(p, m->len);
	int err = wire_get_exp(c, m->len, e);

	free(c);
	return err;
}

/* The 12.3 entry's attributes, the base most crafted messages start from. */
static void m_base_ct(struct msg *m, uint8_t type)
{
	static const uint8_t ip[8] = { 1, 1, 1, 1, 2, 2, 2, 2 }, st[4] = { 0, 0, 0, 0xc },
			     ports[4] = { 0x03, 0xe8, 0, 80 };
	uint8_t l4 = 6;

	m_start(m, type);
	m_attr(m, WIRE_NTA_IPV4, ip, 8);
	m_attr(m, WIRE_NTA_STATUS, st, 4);
	m_attr(m, WIRE_NTA_L4PROTO, &l4, 1);
	m_attr(m, WIRE_NTA_PORT, ports, 4);
}

/* ---- decode -> encode of whole datagrams ---- */

static unsigned int n_ct, n_exp, n_ctl, n_dgram, n_icmp_nat;

/*
 * The one thing we deliberately send differently from the oracle: for ICMP
 * entries with NAT status bits, upstream adds NTA_SPAT_PORT / NTA_DPAT_PORT
 * of 0 (libnetfilter_conntrack 1.0.9 compares type/code/id as ports). The
 * expected bytes are the oracle's without those two attributes.
 */
static size_t oracle_expected(const uint8_t *m, size_t len, uint8_t *out)
{
	size_t o, n = 8;
	bool icmp = false, cut = false;

	if ((m[0] & 0x0f) > WIRE_CT_DEL)
		goto same;
	for (o = 8; o + 5 <= len; o += ((size_t)(m[o] << 8 | m[o + 1]) + 3) & ~(size_t)3)
		if ((m[o + 2] << 8 | m[o + 3]) == WIRE_NTA_L4PROTO &&
		    (m[o + 4] == 1 || m[o + 4] == 58))
			icmp = true;
	if (!icmp)
		goto same;
	memcpy(out, m, 8);
	for (o = 8; o + 4 <= len;) {
		size_t step = ((size_t)(m[o] << 8 | m[o + 1]) + 3) & ~(size_t)3;
		unsigned int t = (unsigned int)(m[o + 2] << 8 | m[o + 3]);

		if (t == WIRE_NTA_SPAT_PORT || t == WIRE_NTA_DPAT_PORT) {
			cut = true;
		} else {
			memcpy(out + n, m + o, step);
			n += step;
		}
		o += step;
	}
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	n_icmp_nat += cut;
	return n;
same:
	memcpy(out, m, len);
	return len;
}

/* Re-encode every message of f's datagram; it must give the captured bytes back. */
static void roundtrip(const struct fix *f)
{
	static char hex_a[8192], hex_b[8192];
	static uint8_t want[4096];
	const uint8_t *d = f->data;
	size_t off = 0, idx = 0;
	struct wire_hdr h;
	enum wire_rx rx;

	n_dgram++;
	while ((rx = wire_next(d, f->len, &off, &h)) == WIRE_RX_OK) {
		const uint8_t *m = d + off - h.len;
		uint8_t out[1024];
		struct ct_exp e;
		struct ct ct;
		int n = -1, err = 0;

		memset(out, 0xa5, sizeof(out));
		if (wire_has_range(h.type, h.flags)) {
			n = (int)wire_ctl_put(out, h.flags, h.seq, h.from, h.to);
			n_ctl++;
		} else if (h.type == WIRE_CTL) {
			wire_hdr_put(out, WIRE_CTL, h.flags, WIRE_HDR_LEN, h.seq);
			n = WIRE_HDR_LEN;
			n_ctl++;
		} else if (h.type <= WIRE_CT_DEL) {
			err = wire_get_ct(m, h.len, &ct);
			wire_test_sender(&ct);
			if (!err)
				n = wire_put_ct(out, sizeof(out), h.type, &ct, f->opts);
			n_ct++;
		} else if (h.type <= WIRE_EXP_DEL) {
			err = wire_get_exp(m, h.len, &e);
			if (!err)
				n = wire_put_exp(out, sizeof(out), h.type, &e, f->opts);
			n_exp++;
		}
		CHECK(!err, "%s:%s msg %zu: decode %d", f->file, f->name, idx, err);
		if (n > 0 && h.type <= WIRE_EXP_DEL)
			wire_hdr_stamp(out, h.seq, h.flags);
		size_t wl = oracle_expected(m, h.len, want);

		if (n != (int)wl || memcmp(out, want, wl)) {
			tohex(want, wl, hex_a);
			tohex(out, n > 0 ? (size_t)n : 0, hex_b);
			CHECK(0,
			      "%s:%s msg %zu (type %u) re-encodes differently:\n  want %s\n  got  "
			      "%s",
			      f->file, f->name, idx, h.type, hex_a, hex_b);
		}
		idx++;
	}
	CHECK(rx == WIRE_RX_END, "%s:%s: walk ends with %d at %zu", f->file, f->name, rx, off);
}

/* ---- the spec's dumps, field by field ---- */

static void spec_ctl(void)
{
	static const struct {
		const char *name;
		uint8_t flags;
		uint16_t len;
		uint32_t seq, from, to;
	} c[] = {
		{ "12.1-frame", 0x30, 8, 0x6b084e94, 0, 0 },
		{ "12.2-frame", 0x68, 16, 0x6b084e94, 0x6b084e94, 0x6b084e94 },
		{ "12.4-nack", WIRE_F_NACK, 16, 0x6b084f1b, 0x6b084f28, 0x6b084f29 },
		{ "12.4-ack", WIRE_F_ACK, 16, 0x6b084f1c, 0x6b084f2a, 0x6b084f2c },
		{ "12.4-resync", WIRE_F_RESYNC, 16, 0x6b084ec6, 0, 0 },
		{ "12.4-resync-hello+", WIRE_F_RESYNC | WIRE_F_HELLO, 16, 0x6b084ec6, 0, 0 },
		{ "12.4-notrack-alive", WIRE_F_ALIVE, 8, 0x6b0851c1, 0, 0 },
		{ "12.9-idle-ack", WIRE_F_ACK, 16, 0x6b084e97, 0x6b084e96, 0x6b084e96 },
		{ "7.6-ack-hello-back", 0x48, 16, 0x6b084e95, 0x6b084e94, 0x6b084e94 },
		{ "7.6-ack-hello", 0x28, 16, 0x6b084f2b, 0x6b084f3d, 0x6b084f3d },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const struct fix *f = fix_get(c[i].name);
		struct wire_hdr h;
		size_t off = 0;

		CHECK(wire_next(f->data, f->len, &off, &h) == WIRE_RX_OK, "%s: header", c[i].name);
		CHECK(h.version == 1 && h.type == WIRE_CTL && h.flags == c[i].flags &&
			      h.len == c[i].len && h.seq == c[i].seq && h.from == c[i].from &&
			      h.to == c[i].to,
		      "%s: v%u t%u f%#x len %u seq %#x from %#x to %#x", c[i].name, h.version,
		      h.type, h.flags, h.len, h.seq, h.from, h.to);
		CHECK(off == f->len, "%s: one message", c[i].name);
	}

	/* 12.10: three ALIVEs back to back in one TCP segment. */
	const struct fix *f = fix_get("12.10-tcp-alives");
	struct wire_hdr h;
	size_t off = 0;

	for (uint32_t seq = 0x6b08520b; seq <= 0x6b08520d; seq++)
		CHECK(wire_next(f->data, f->len, &off, &h) == WIRE_RX_OK && h.seq == seq &&
			      h.flags == WIRE_F_ALIVE,
		      "12.10: ALIVE %#x", seq);
	CHECK(wire_next(f->data, f->len, &off, &h) == WIRE_RX_END, "12.10: end");
}

/* Decode the single message of a spec fixture. */
static struct wire_hdr spec_ct(const char *name, struct ct *ct)
{
	const struct fix *f = fix_get(name);
	struct wire_hdr h;
	size_t off = 0;

	CHECK(wire_next(f->data, f->len, &off, &h) == WIRE_RX_OK, "%s: header", name);
	CHECK(wire_get_ct(f->data, h.len, ct) == 0, "%s: decode", name);
	CHECK(!ct_has(ct, CT_REPLY), "%s: no reply tuple on the wire", name);
	return h;
}

static bool zero_synproxy(const struct ct *ct)
{
	return ct_has(ct, CT_SYNPROXY) && !ct->synproxy.its && !ct->synproxy.isn &&
	       !ct->synproxy.tsoff;
}

static void spec_state(void)
{
	struct wire_hdr h;
	struct ct ct;

	h = spec_ct("12.3-frame", &ct);
	CHECK(h.type == WIRE_CT_NEW && h.flags == 0 && h.seq == 0x6b084e9a, "12.3: header");
	CHECK(ct.family == AF_INET && ct.orig.l3 == AF_INET && ct_has(&ct, CT_ORIG) &&
		      addr_is(&ct.orig.src, AF_INET, "1.1.1.1") &&
		      addr_is(&ct.orig.dst, AF_INET, "2.2.2.2"),
	      "12.3: addresses");
	CHECK(ct.orig.l4 == 6 && ct.orig.sport == 1000 && ct.orig.dport == 80 &&
		      (ct.orig.present & (CT_T_PROTO | CT_T_SPORT | CT_T_DPORT)) ==
			      (CT_T_PROTO | CT_T_SPORT | CT_T_DPORT),
	      "12.3: tcp 1000 -> 80");
	CHECK(ct_has(&ct, CT_TCP_STATE) && ct.tcp.state == 3, "12.3: ESTABLISHED");
	CHECK(ct_has(&ct, CT_STATUS) && ct.status == (CT_IPS_ASSURED | CT_IPS_CONFIRMED),
	      "12.3: status %#x", ct.status);
	CHECK(ct_has(&ct, CT_TIMEOUT) && ct.timeout == 100, "12.3: timeout");
	CHECK(ct_has(&ct, CT_MARK) && ct.mark == 0, "12.3: mark 0 present");
	CHECK(zero_synproxy(&ct), "12.3: synproxy zeros");
	CHECK(!ct_has(&ct, CT_ZONE) && !ct_has(&ct, CT_LABELS) && !ct_has(&ct, CT_HELPER) &&
		      !ct_has(&ct, CT_NAT_SRC) && !ct_has(&ct, CT_NAT_DST) &&
		      !ct_has(&ct, CT_MASTER),
	      "12.3: nothing else");

	h = spec_ct("12.5-snat", &ct);
	CHECK(ct.status == 0x19c, "12.5: status");
	CHECK(ct_has(&ct, CT_NAT_SRC) && !ct_has(&ct, CT_NAT_DST) && ct.snat.l3 == AF_INET &&
		      addr_is(&ct.snat.min_ip, AF_INET, "192.0.2.1") &&
		      addr_is(&ct.snat.max_ip, AF_INET, "192.0.2.1") && ct.snat.has_port &&
		      ct.snat.min_port == 40000 && ct.snat.max_port == 40000,
	      "12.5: SNAT 192.0.2.1:40000 (port read little-endian)");
	CHECK(ct.orig.sport == 1234 && ct.orig.dport == 8080 && ct.timeout == 120,
	      "12.5: ports, timeout");

	h = spec_ct("12.5-dnat+", &ct);
	CHECK(ct_has(&ct, CT_NAT_DST) && !ct_has(&ct, CT_NAT_SRC) && ct.dnat.l3 == AF_INET &&
		      addr_is(&ct.dnat.min_ip, AF_INET, "172.16.0.9") && ct.dnat.has_port &&
		      ct.dnat.min_port == 9999 && ct.dnat.max_port == 9999,
	      "12.5: DNAT 172.16.0.9:9999");

	h = spec_ct("12.6-icmp+", &ct);
	CHECK(ct.orig.l4 == 1 && ct.orig.icmp_type == 8 && ct.orig.icmp_code == 0 &&
		      ct.orig.icmp_id == 4660 &&
		      (ct.orig.present & (CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID)) ==
			      (CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID) &&
		      !(ct.orig.present & (CT_T_SPORT | CT_T_DPORT)),
	      "12.6 icmp: type 8 code 0 id 4660 (little-endian on the wire)");
	CHECK(ct.status == CT_IPS_CONFIRMED && ct.timeout == 30 &&
		      addr_is(&ct.orig.src, AF_INET, "5.5.5.5"),
	      "12.6 icmp: status, timeout, src");

	h = spec_ct("12.6-ipv6-tcp+", &ct);
	CHECK(ct.family == AF_INET6 && ct.orig.l3 == AF_INET6 &&
		      addr_is(&ct.orig.src, AF_INET6, "2001:db8::1") &&
		      addr_is(&ct.orig.dst, AF_INET6, "2001:db8::2") && ct.orig.sport == 1111 &&
		      ct.orig.dport == 22,
	      "12.6 ipv6: 2001:db8::1:1111 -> 2001:db8::2:22");

	h = spec_ct("12.6-zone+", &ct);
	CHECK(ct_has(&ct, CT_ZONE) && ct.zone == 5 && ct.orig.l4 == 17 && ct.orig.sport == 7 &&
		      ct.orig.dport == 8,
	      "12.6 zone: udp zone 5");

	h = spec_ct("12.6-labels", &ct);
	CHECK(h.type == WIRE_CT_UPD, "12.6 labels: CT_UPD");
	CHECK(ct_has(&ct, CT_LABELS) && ct.labels_len == 16, "12.6 labels: 4 words");
	for (unsigned int b = 0; b < 128; b++)
		CHECK(label_bit(&ct, b) == (b == 1), "12.6 labels: bit %u", b);
	CHECK(!ct_has(&ct, CT_MARK) && !ct_has(&ct, CT_SYNPROXY), "12.6 labels: no mark/synproxy");
	CHECK(ct.orig.sport == 35036 && ct.orig.dport == 3780, "12.6 labels: ports");

	h = spec_ct("12.6-wscale+", &ct);
	CHECK(ct_has(&ct, CT_TCP_WSCALE_ORIG) && ct_has(&ct, CT_TCP_WSCALE_REPLY) &&
		      ct.tcp.wscale_orig == 0 && ct.tcp.wscale_reply == 0,
	      "12.6 wscale");

	h = spec_ct("12.6-del", &ct);
	CHECK(h.type == WIRE_CT_DEL && ct.timeout == 95 && ct.mark == 42 && zero_synproxy(&ct),
	      "12.6 del: full last state");

	h = spec_ct("12.6-hello-data+", &ct);
	CHECK(h.type == WIRE_CT_NEW && h.flags == (WIRE_F_HELLO | WIRE_F_HELLO_BACK),
	      "12.6 hello data: flags 0x60");

	const struct fix *f = fix_get("12.8-resend+");
	struct wire_hdr h2;
	size_t off = 0;

	CHECK(wire_next(f->data, f->len, &off, &h) == WIRE_RX_OK && h.seq == 0x6b084f2b &&
		      wire_get_ct(f->data, h.len, &ct) == 0 &&
		      addr_is(&ct.orig.src, AF_INET, "11.0.0.1"),
	      "12.8: first resent message");
	CHECK(wire_next(f->data, f->len, &off, &h2) == WIRE_RX_OK && h2.seq == 0x6b084f2c &&
		      wire_get_ct(f->data + h.len, h2.len, &ct) == 0 &&
		      addr_is(&ct.orig.src, AF_INET, "11.0.0.3"),
	      "12.8: second resent message");
}

static void spec_exp(void)
{
	const struct fix *f = fix_get("12.7-exp");
	struct wire_hdr h;
	struct ct_exp e;
	size_t off = 0;

	CHECK(wire_next(f->data, f->len, &off, &h) == WIRE_RX_OK && h.type == WIRE_EXP_NEW,
	      "12.7: EXP_NEW");
	CHECK(wire_get_exp(f->data, h.len, &e) == 0, "12.7: decode");
	CHECK(e.family == AF_INET && ct_exp_has(&e, CT_EXP_MASTER) &&
		      addr_is(&e.master.src, AF_INET, "50.0.0.1") &&
		      addr_is(&e.master.dst, AF_INET, "50.0.0.2") && e.master.l4 == 6 &&
		      e.master.sport == 1111 && e.master.dport == 21,
	      "12.7: master 50.0.0.1:1111 -> 50.0.0.2:21 tcp");
	CHECK(ct_exp_has(&e, CT_EXP_TUPLE) && addr_is(&e.tuple.src, AF_INET, "50.0.0.2") &&
		      addr_is(&e.tuple.dst, AF_INET, "50.0.0.1") && e.tuple.l4 == 13 &&
		      e.tuple.sport == 0 && e.tuple.dport == 0 &&
		      (e.tuple.present & (CT_T_SPORT | CT_T_DPORT)) == (CT_T_SPORT | CT_T_DPORT),
	      "12.7: expected tuple");
	CHECK(ct_exp_has(&e, CT_EXP_MASK) && addr_is(&e.mask.src, AF_INET, "255.255.255.255") &&
		      addr_is(&e.mask.dst, AF_INET, "255.255.255.255") && e.mask.l4 == 13,
	      "12.7: mask");
	CHECK(ct_exp_has(&e, CT_EXP_TIMEOUT) && e.timeout == 300 && ct_exp_has(&e, CT_EXP_FLAGS) &&
		      e.flags == 0 && ct_exp_has(&e, CT_EXP_CLASS) && e.class == 0,
	      "12.7: timeout, flags, class");
	CHECK(ct_exp_has(&e, CT_EXP_HELPER) && !strcmp(e.helper, "ftp") &&
		      !ct_exp_has(&e, CT_EXP_NAT) && !ct_exp_has(&e, CT_EXP_FN),
	      "12.7: helper ftp");
}

/* ---- headers and the datagram walk ---- */

static enum wire_rx walk1(const uint8_t *p, size_t len, struct wire_hdr *h, size_t *off)
{
	uint8_t *c = dup_exact(p, len);
	enum wire_rx rx;

	*off = 0;
	rx = wire_next(c, len, off, h);
	free(c);
	return rx;
}

static void headers(void)
{
	static const uint8_t alive[] = { 0x1a, 0x30, 0, 8, 0x6b, 0x08, 0x4e, 0x94 };
	static const uint8_t ack[] = { 0x1a, 0x68, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t b[32];
	struct wire_hdr h;
	size_t off;

	memset(b, 0xee, sizeof(b));
	wire_hdr_put(b, WIRE_CTL, 0x30, 8, 0x6b084e94);
	CHECK(!memcmp(b, alive, 8) && b[8] == 0xee, "wire_hdr_put bytes");
	wire_hdr_put(b, 0x1f, 0, 8, 0);
	CHECK(b[0] == 0x1f, "wire_hdr_put keeps the version nibble");
	CHECK(wire_ctl_put(b, 0x68, 0x01020304, 0x05060708, 0x090a0b0c) == 16 &&
		      !memcmp(b, ack, 16),
	      "wire_ctl_put bytes");
	wire_hdr_put(b, WIRE_CT_NEW, 0, 84, 0);
	wire_hdr_stamp(b, 0xdeadbeef, 0x20);
	wire_hdr_stamp(b, 0xdeadbef0, 0x40);
	CHECK(b[0] == 0x10 && b[1] == 0x60 && b[2] == 0 && b[3] == 84 && b[4] == 0xde &&
		      b[5] == 0xad && b[6] == 0xbe && b[7] == 0xf0,
	      "wire_hdr_stamp ORs flags, sets seq");

	/* Spec 2.5's crafted inputs that the header walk decides. */
	uint8_t v2[16] = { 0x2a, 0x10, 0, 8, 0, 0, 0, 1, 0x1a, 0x10, 0, 8, 0, 0, 0, 2 };
	uint8_t *c = dup_exact(v2, 16);

	off = 0;
	CHECK(wire_next(c, 16, &off, &h) == WIRE_RX_BAD_VERSION && off == 8 && h.version == 2,
	      "version 2: skipped");
	CHECK(wire_next(c, 16, &off, &h) == WIRE_RX_OK && h.seq == 2, "version 2: walk goes on");
	CHECK(wire_next(c, 16, &off, &h) == WIRE_RX_END, "walk: end");
	free(c);

	CHECK(walk1(alive, 3, &h, &off) == WIRE_RX_TRUNCATED, "3-byte datagram: truncated");
	CHECK(walk1(alive, 0, &h, &off) == WIRE_RX_END, "empty datagram: end");

	struct msg m;

	m_base_ct(&m, WIRE_CT_NEW);
	m_end(&m);
	m.b[2] = 0;
	m.b[3] = 200;
	CHECK(walk1(m.b, 92, &h, &off) == WIRE_RX_BAD_SIZE, "len 200 in 92 bytes: bad size");
	m.b[3] = 0;
	CHECK(walk1(m.b, 92, &h, &off) == WIRE_RX_BAD_SIZE, "len 0: bad size");
	m.b[3] = 4;
	CHECK(walk1(m.b, 92, &h, &off) == WIRE_RX_BAD_SIZE, "len 4: bad size");
	m.b[3] = 7;
	CHECK(walk1(m.b, 92, &h, &off) == WIRE_RX_BAD_SIZE, "len 7: bad size");
	m.b[3] = 8;
	CHECK(walk1(m.b, 92, &h, &off) == WIRE_RX_OK && off == 8, "len 8 state message: ok");

	/* ACK, NACK, RESYNC need 16 bytes: room first (truncated), then len (bad size). */
	static const uint8_t kinds[] = { WIRE_F_ACK, WIRE_F_NACK, WIRE_F_RESYNC };

	for (size_t i = 0; i < 3; i++) {
		uint8_t a[16] = { 0x1a, kinds[i], 0, 8, 0, 0, 0, 9 };

		CHECK(walk1(a, 8, &h, &off) == WIRE_RX_TRUNCATED, "flag %#x len 8: truncated",
		      kinds[i]);
		CHECK(walk1(a, 16, &h, &off) == WIRE_RX_BAD_SIZE, "flag %#x len 8 in 16: bad size",
		      kinds[i]);
		a[3] = 12;
		CHECK(walk1(a, 12, &h, &off) == WIRE_RX_TRUNCATED,
		      "flag %#x len 12 in 12: truncated", kinds[i]);
		a[3] = 16;
		CHECK(walk1(a, 16, &h, &off) == WIRE_RX_OK && off == 16, "flag %#x len 16: ok",
		      kinds[i]);
	}

	/* Decided by the engine, not the walk: the walk hands them over intact. */
	uint8_t t6[8] = { 0x16, WIRE_F_HELLO, 0, 8, 0, 0, 0, 1 };

	CHECK(walk1(t6, 8, &h, &off) == WIRE_RX_OK && h.type == 6 && h.flags == WIRE_F_HELLO,
	      "type 6 + HELLO: header ok (the mode counts it as malformed header)");
	CHECK(wire_get_data(&h, t6, NULL, NULL) == -EPROTO, "type 6: bad message type");
	uint8_t u1[8] = { 0x1a, WIRE_F_UNUSED, 0, 8, 0, 0, 0, 1 };

	CHECK(walk1(u1, 8, &h, &off) == WIRE_RX_OK && !wire_has_range(h.type, h.flags) &&
		      h.flags == WIRE_F_UNUSED,
	      "CTL 0x01 only: no range (the mode refuses it)");
	uint8_t rev[16] = { 0x1a, WIRE_F_ACK, 0, 16, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 5 };

	CHECK(walk1(rev, 16, &h, &off) == WIRE_RX_OK && h.from == 9 && h.to == 5 &&
		      wire_before(h.to, h.from),
	      "ACK to < from: range handed over (the mode refuses it)");

	CHECK(wire_before(0xffffffff, 0) && wire_after(0, 0xffffffff) && !wire_before(5, 5) &&
		      wire_before(0x7ffffffe, 0x7fffffff) && wire_after(0x7fffffff, 0),
	      "serial-number order");
	/* Half the ring apart both are "before" each other, as in upstream's int32 compare. */
	CHECK(wire_before(0x80000000, 0) && wire_before(0, 0x80000000), "half-ring ambiguity");
	CHECK(wire_has_range(WIRE_CTL, WIRE_F_RESYNC | WIRE_F_HELLO) &&
		      !wire_has_range(WIRE_CTL, WIRE_F_ALIVE) &&
		      !wire_has_range(WIRE_CT_NEW, WIRE_F_ACK),
	      "wire_has_range");
}

/* ---- attribute reject rules (spec 3, 4.2, 2.5) ---- */

/* nta_len per type from the spec's tables; 0 = variable. */
static const uint16_t ct_sizes[WIRE_NTA_MAX] = {
	12, 36, 5, 8, 5, 8, 8, 8, 12, 36, 5, 8, 8,  8,	6,  6, 28,
	5,  8,	8, 5, 5, 5, 5, 6, 5,  5,  0, 0, 20, 20, 16, 6,
};
static const uint16_t exp_sizes[WIRE_NTA_EXP_MAX] = {
	12, 36, 5, 8, 12, 36, 5, 8, 12, 36, 5, 8, 8, 8, 8, 12, 8, 5, 8, 0, 0,
};

static void sizes(void)
{
	static const uint8_t pl[64] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ct_exp e;
	struct ct ct;
	struct msg m;

	for (unsigned int t = 0; t < WIRE_NTA_MAX; t++) {
		unsigned int n = ct_sizes[t];

		if (!n)
			continue;
		m_base_ct(&m, WIRE_CT_NEW);
		m_attr(&m, (uint16_t)t, pl, n - 4);
		CHECK(get_ct(&m, &ct) == 0, "ct attr %u size %u accepted", t, n);
		for (unsigned int bad = 4; bad < n + 8; bad++) {
			if (bad == n)
				continue;
			m_base_ct(&m, WIRE_CT_NEW);
			m_attr(&m, (uint16_t)t, pl, bad - 4);
			/* not last: 4 trailing bytes would be ignored as such */
			m_attr(&m, WIRE_NTA_MARK, pl, 4);
			CHECK(get_ct(&m, &ct) == -EBADMSG, "ct attr %u size %u refused", t, bad);
		}
	}
	for (unsigned int t = 0; t < WIRE_NTA_EXP_MAX; t++) {
		unsigned int n = exp_sizes[t];

		if (!n)
			continue;
		m_start(&m, WIRE_EXP_NEW);
		m_attr(&m, (uint16_t)t, pl, n - 4);
		CHECK(get_exp(&m, &e) == 0, "exp attr %u size %u accepted", t, n);
		for (unsigned int bad = 4; bad < n + 8; bad++) {
			if (bad == n)
				continue;
			m_start(&m, WIRE_EXP_NEW);
			m_attr(&m, (uint16_t)t, pl, bad - 4);
			m_attr(&m, WIRE_NTA_EXP_FLAGS, pl, 4);
			CHECK(get_exp(&m, &e) == -EBADMSG, "exp attr %u size %u refused", t, bad);
		}
	}

	/* type >= MAX: 33 for conntrack (spec 2.5's crafted "attribute type 33"), 21 for expectations */
	uint32_t v = 0;

	for (unsigned int t = WIRE_NTA_MAX; t < 0x10000; t += t < 64 ? 1 : 997) {
		m_base_ct(&m, WIRE_CT_NEW);
		m_attr(&m, (uint16_t)t, &v, 4);
		CHECK(get_ct(&m, &ct) == -EBADMSG, "ct attr type %u refused", t);
	}
	for (unsigned int t = WIRE_NTA_EXP_MAX; t < 64; t++) {
		m_start(&m, WIRE_EXP_NEW);
		m_attr(&m, (uint16_t)t, &v, 4);
		CHECK(get_exp(&m, &e) == -EBADMSG, "exp attr type %u refused", t);
	}

	/* An empty attribute at the very end is just 4 trailing bytes to upstream. */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_STATUS, pl, 0);
	CHECK(get_ct(&m, &ct) == 0 && ct.status == 0xc, "empty last attribute ignored");

	/* Spec 2.5: NTA_TIMEOUT with a 5-byte payload. */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_TIMEOUT, pl, 5);
	CHECK(get_ct(&m, &ct) == -EBADMSG, "NTA_TIMEOUT of 5 bytes refused");

	/* nta_len below the header, or past the message. */
	for (uint16_t l = 0; l < 4; l++) {
		m_base_ct(&m, WIRE_CT_NEW);
		m_raw(&m, l, WIRE_NTA_MARK, &v, 4);
		CHECK(get_ct(&m, &ct) == -EBADMSG, "nta_len %u refused", l);
		m_start(&m, WIRE_EXP_NEW);
		m_raw(&m, l, WIRE_NTA_EXP_FLAGS, &v, 4);
		CHECK(get_exp(&m, &e) == -EBADMSG, "exp nta_len %u refused", l);
	}
	m_base_ct(&m, WIRE_CT_NEW);
	m_raw(&m, 8, WIRE_NTA_MARK, &v, 4);
	m_end(&m);
	{
		uint8_t *c = dup_exact(m.b, m.len - 1);

		/* header len says one byte less than the attribute needs */
		c[3] = (uint8_t)(m.len - 1);
		CHECK(wire_get_ct(c, m.len - 1, &ct) == -EBADMSG,
		      "nta_len past the message refused");
		free(c);
	}

	/* At most 4 trailing bytes are ignored, whatever they hold. */
	static const uint8_t junk[5] = { 0xff, 0xff, 0xff, 0xff, 0xff }, zeros[5];

	for (size_t k = 1; k <= 5; k++) {
		m_base_ct(&m, WIRE_CT_NEW);
		m_bytes(&m, junk, k);
		CHECK(get_ct(&m, &ct) == (k <= 4 ? 0 : -EBADMSG), "%zu trailing 0xff bytes", k);
		m_base_ct(&m, WIRE_CT_NEW);
		m_bytes(&m, zeros, k);
		CHECK(get_ct(&m, &ct) == (k <= 4 ? 0 : -EBADMSG), "%zu trailing zero bytes", k);
		m_start(&m, WIRE_EXP_NEW);
		m_bytes(&m, junk, k);
		CHECK(get_exp(&m, &e) == (k <= 4 ? 0 : -EBADMSG), "exp: %zu trailing bytes", k);
	}

	/* The last attribute may come without its padding. */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_TCP_STATE, pl, 1);
	m.len -= 3;
	CHECK(get_ct(&m, &ct) == 0 && ct.tcp.state == 1, "unpadded last attribute accepted");

	/* A message shorter than its header. */
	CHECK(wire_get_ct(pl, 7, &ct) == -EBADMSG && wire_get_exp(pl, 0, &e) == -EBADMSG,
	      "message shorter than a header refused");
	m_start(&m, WIRE_CT_NEW);
	CHECK(get_ct(&m, &ct) == 0 && !ct.present, "header alone: an empty entry");
}

static void names(void)
{
	static const char *const ok[] = { "a",		 "ftp",		 "netbios-ns",
					  "abcdefghijk", "abcdefghijkl", "abcdefghijklmno" };
	struct ct_exp e;
	struct ct ct;
	struct msg m;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t n = strlen(ok[i]);

		m_base_ct(&m, WIRE_CT_NEW);
		m_attr(&m, WIRE_NTA_HELPER_NAME, ok[i], n + 1);
		CHECK(get_ct(&m, &ct) == 0 && ct_has(&ct, CT_HELPER) && !strcmp(ct.helper, ok[i]),
		      "helper '%s' (nta_len %zu) accepted", ok[i], n + 5);
		m_start(&m, WIRE_EXP_NEW);
		m_attr(&m, WIRE_NTA_EXP_HELPER_NAME, ok[i], n + 1);
		CHECK(get_exp(&m, &e) == 0 && ct_exp_has(&e, CT_EXP_HELPER) &&
			      !strcmp(e.helper, ok[i]),
		      "exp helper '%s' accepted", ok[i]);
	}
	/* 16 characters + NUL: longer than the kernel's helper names. */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "abcdefghijklmnop", 17);
	CHECK(get_ct(&m, &ct) == -EBADMSG, "helper nta_len 21 refused");
	m_start(&m, WIRE_EXP_NEW);
	m_attr(&m, WIRE_NTA_EXP_HELPER_NAME, "abcdefghijklmnop", 17);
	CHECK(get_exp(&m, &e) == -EBADMSG, "exp helper nta_len 21 refused");
	/* No NUL inside the attribute: upstream would read past it. */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "ftp!", 4);
	CHECK(get_ct(&m, &ct) == -EBADMSG, "helper without NUL refused");
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "", 0);
	m_attr(&m, WIRE_NTA_MARK, "abcd", 4);
	CHECK(get_ct(&m, &ct) == -EBADMSG, "empty helper attribute refused");
	/* Bytes after the NUL are padding-like; an empty name is no helper. */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "sip\0xyz", 8);
	CHECK(get_ct(&m, &ct) == 0 && !strcmp(ct.helper, "sip"), "helper up to its NUL");
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "ftp", 4);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "", 1);
	CHECK(get_ct(&m, &ct) == 0 && !ct_has(&ct, CT_HELPER) && !ct.helper[0],
	      "empty helper name: no helper (and it overwrites)");
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "netbios-ns", 11);
	m_attr(&m, WIRE_NTA_HELPER_NAME, "ftp", 4);
	CHECK(get_ct(&m, &ct) == 0 && !strcmp(ct.helper, "ftp"), "later helper wins, cleanly");

	/* Expectation function names: up to 31 characters. */
	static const char fn31[] = "abcdefghijklmnopqrstuvwxyz01234",
			  fn32[] = "abcdefghijklmnopqrstuvwxyz012345";

	m_start(&m, WIRE_EXP_NEW);
	m_attr(&m, WIRE_NTA_EXP_FN, fn31, sizeof(fn31));
	CHECK(get_exp(&m, &e) == 0 && !strcmp(e.fn, fn31), "fn of 31 characters accepted");
	m_start(&m, WIRE_EXP_NEW);
	m_attr(&m, WIRE_NTA_EXP_FN, fn32, sizeof(fn32));
	CHECK(get_exp(&m, &e) == -EBADMSG, "fn of 32 characters refused");
	m_start(&m, WIRE_EXP_NEW);
	m_attr(&m, WIRE_NTA_EXP_FN, "nat-follow-master", 17);
	CHECK(get_exp(&m, &e) == -EBADMSG, "fn without NUL refused");
}

static void labels(void)
{
	uint8_t w[1032];
	struct ct ct;
	struct msg m;

	memset(w, 0, sizeof(w));
	/* Payload 0 or not a multiple of 4: ignored, message kept (spec 4.2). */
	for (size_t n = 0; n < 12; n++) {
		if (n && n % 4 == 0)
			continue;
		m_base_ct(&m, WIRE_CT_NEW);
		m_attr(&m, WIRE_NTA_LABELS, w, n);
		CHECK(get_ct(&m, &ct) == 0 && !ct_has(&ct, CT_LABELS), "labels payload %zu ignored",
		      n);
	}
	/* One word: bit 0 and bit 31. */
	w[0] = 0x80;
	w[3] = 0x01;
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_LABELS, w, 4);
	CHECK(get_ct(&m, &ct) == 0 && ct.labels_len == 4 && label_bit(&ct, 0) &&
		      label_bit(&ct, 31) && !label_bit(&ct, 1) && !label_bit(&ct, 32),
	      "labels: one word, bits 0 and 31");
	/* 256 words (nta_len 1028) accepted; bits above 127 are dropped. */
	memset(w, 0, sizeof(w));
	w[12] = 0x80;	/* bit 127 */
	w[19] = 0x01;	/* bit 128 */
	w[1023] = 0x01; /* bit 8160 */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_LABELS, w, 1024);
	CHECK(get_ct(&m, &ct) == 0 && ct.labels_len == 16 && label_bit(&ct, 127) &&
		      !label_bit(&ct, 126),
	      "labels: 256 words accepted, first 128 bits kept");
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_LABELS, w, 1028);
	CHECK(get_ct(&m, &ct) == -EBADMSG, "labels nta_len 1032 refused");
	/* The later attribute replaces the earlier bitmap. */
	memset(w, 0, 16);
	w[3] = 0x02;
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_LABELS, w, 16);
	w[3] = 0x04;
	m_attr(&m, WIRE_NTA_LABELS, w, 4);
	CHECK(get_ct(&m, &ct) == 0 && ct.labels_len == 4 && label_bit(&ct, 2) && !label_bit(&ct, 1),
	      "labels: later bitmap replaces");
	/* All-zero bitmap: present (it clears labels on commit), nothing set. */
	memset(w, 0, 16);
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_LABELS, w, 16);
	CHECK(get_ct(&m, &ct) == 0 && ct_has(&ct, CT_LABELS) && !label_bit(&ct, 0),
	      "labels: zero bitmap kept");
}

static void overwrite(void)
{
	static const uint8_t v6[32] = {
		0x20,	     0x01,	  0x0d,	       0xb8,	    [15] = 1,
		[16] = 0x20, [17] = 0x01, [18] = 0x0d, [19] = 0xb8, [31] = 2
	};
	static const uint8_t v4[8] = { 9, 9, 9, 9, 8, 8, 8, 8 };
	uint8_t st[4] = { 0, 0, 0, 0x4 }, nat4[4] = { 10, 0, 0, 1 }, p[2] = { 0x10, 0x27 };
	struct ct ct, ref;
	struct msg m;

	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_STATUS, st, 4);
	m_attr(&m, WIRE_NTA_IPV6, v6, 32);
	CHECK(get_ct(&m, &ct) == 0 && ct.status == 4 && ct.family == AF_INET6 &&
		      ct.orig.l3 == AF_INET6 && addr_is(&ct.orig.src, AF_INET6, "2001:db8::1"),
	      "later status and address win");
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_IPV6, v6, 32);
	m_attr(&m, WIRE_NTA_IPV4, v4, 8);
	CHECK(get_ct(&m, &ct) == 0 && ct.family == AF_INET && ct.orig.l3 == AF_INET &&
		      addr_is(&ct.orig.src, AF_INET, "9.9.9.9") && !ct.orig.src.b[4] &&
		      !ct.orig.dst.b[15],
	      "IPv4 after IPv6 leaves no IPv6 bytes behind");

	/* Any order: the 12.3 attributes reversed decode to the same entry. */
	const struct fix *f = fix_get("12.3-frame");
	size_t offs[16], n = 0;

	CHECK(wire_get_ct(f->data, f->len, &ref) == 0, "12.3 decode");
	for (size_t o = 8; o < f->len && n < 16;
	     o += (size_t)((f->data[o] << 8 | f->data[o + 1]) + 3) & ~3u)
		offs[n++] = o;
	m_start(&m, WIRE_CT_NEW);
	for (size_t i = n; i-- > 0;) {
		size_t end = i + 1 < n ? offs[i + 1] : f->len;

		m_bytes(&m, f->data + offs[i], end - offs[i]);
	}
	CHECK(get_ct(&m, &ct) == 0 && !memcmp(&ct, &ref, sizeof(ct)), "12.3 reversed: same entry");

	/* SNAT address then an IPv6 one; ports only. */
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_SNAT_IPV4, nat4, 4);
	m_attr(&m, WIRE_NTA_SNAT_IPV6, v6, 16);
	CHECK(get_ct(&m, &ct) == 0 && ct.snat.l3 == AF_INET6 &&
		      addr_is(&ct.snat.max_ip, AF_INET6, "2001:db8::1") && !ct.snat.has_port,
	      "later SNAT address wins");
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_DPAT_PORT, p, 2);
	CHECK(get_ct(&m, &ct) == 0 && ct_has(&ct, CT_NAT_DST) && !ct.dnat.l3 && ct.dnat.has_port &&
		      ct.dnat.min_port == 10000 && ct.dnat.max_port == 10000,
	      "DNAT port alone: a port-only range");

	/* ICMP: the oracle's zero NAT "ports" are no port mapping; nor are GRE's or UDP-Lite's. */
	static const uint8_t icmp_ip[8] = { 5, 5, 5, 7, 6, 6, 6, 7 }, zero2[2];
	static const uint8_t portless[] = { 1, 58, 47, 136, 0 };
	uint8_t one = 1;

	for (size_t k = 0; k < sizeof(portless); k++) {
		m_start(&m, WIRE_CT_NEW);
		m_attr(&m, WIRE_NTA_IPV4, icmp_ip, 8);
		m_attr(&m, WIRE_NTA_SPAT_PORT, p, 2);
		m_attr(&m, WIRE_NTA_L4PROTO, &portless[k], 1);
		CHECK(get_ct(&m, &ct) == 0 && !ct_has(&ct, CT_NAT_SRC) && !ct.snat.has_port,
		      "l4 %u: NAT port dropped", portless[k]);
	}
	for (int v = 0; v < 2; v++) {
		m_start(&m, WIRE_CT_NEW);
		m_attr(&m, WIRE_NTA_IPV4, icmp_ip, 8);
		m_attr(&m, WIRE_NTA_SPAT_PORT, zero2, 2);
		if (v)
			m_attr(&m, WIRE_NTA_SNAT_IPV4, nat4, 4);
		m_attr(&m, WIRE_NTA_DPAT_PORT, zero2, 2);
		m_attr(&m, WIRE_NTA_L4PROTO, &one, 1);
		CHECK(get_ct(&m, &ct) == 0 && !ct_has(&ct, CT_NAT_DST) &&
			      ct_has(&ct, CT_NAT_SRC) == v && !ct.snat.has_port &&
			      !ct.snat.min_port && !ct.dnat.has_port,
		      "icmp NAT ports dropped (SNAT address %s)", v ? "kept" : "absent");
	}

	/* seqadj, synproxy, master group */
	uint8_t sa[24], sp[12];

	for (int i = 0; i < 24; i++)
		sa[i] = (uint8_t)(i % 4 == 3 ? i / 4 + 1 : 0);
	for (int i = 0; i < 12; i++)
		sp[i] = (uint8_t)(i % 4 == 3 ? i / 4 + 7 : 0);
	m_base_ct(&m, WIRE_CT_NEW);
	m_attr(&m, WIRE_NTA_NAT_SEQ_ADJ, sa, 24);
	m_attr(&m, WIRE_NTA_SYNPROXY, sp, 12);
	CHECK(get_ct(&m, &ct) == 0 && ct_has(&ct, CT_SEQADJ_ORIG) && ct_has(&ct, CT_SEQADJ_REPLY) &&
		      ct.seqadj_orig.correction_pos == 1 && ct.seqadj_orig.offset_before == 2 &&
		      ct.seqadj_orig.offset_after == 3 && ct.seqadj_reply.correction_pos == 4 &&
		      ct.seqadj_reply.offset_before == 5 && ct.seqadj_reply.offset_after == 6,
	      "seqadj: orig then reply");
	CHECK(ct_has(&ct, CT_SYNPROXY) && ct.synproxy.its == 7 && ct.synproxy.isn == 8 &&
		      ct.synproxy.tsoff == 9,
	      "synproxy: its, isn, tsoff");
}

/* Every prefix of every fixture message decodes or is refused, never read past. */
static void truncations(void)
{
	unsigned long runs = 0;

	for (size_t i = 0; i < nfix; i++) {
		const struct fix *f = &fixes[i];
		struct ct_exp e;
		struct ct ct;

		for (size_t l = 0; l <= f->len; l++) {
			uint8_t *c = dup_exact(f->data, l);
			size_t off = 0;
			struct wire_hdr h;
			enum wire_rx rx;

			while ((rx = wire_next(c, l, &off, &h)) == WIRE_RX_OK ||
			       rx == WIRE_RX_BAD_VERSION)
				;
			CHECK(off <= l, "%s: walk past the end", f->name);
			/* The decoders trust only the length given, not the header's. */
			int a = wire_get_ct(c, l, &ct), b = wire_get_exp(c, l, &e);

			CHECK((a == 0 || a == -EBADMSG) && (b == 0 || b == -EBADMSG),
			      "%s: %zu bytes", f->name, l);
			free(c);
			runs++;
		}
	}
	printf("truncations: %lu prefixes\n", runs);
}

/* ---- encoders ---- */

static struct ct big_ct(void)
{
	struct ct ct;

	memset(&ct, 0, sizeof(ct));
	ct.present = UINT64_C(1) << CT_ORIG | UINT64_C(1) << CT_REPLY | UINT64_C(1) << CT_MASTER |
		     UINT64_C(1) << CT_STATUS | UINT64_C(1) << CT_TIMEOUT | UINT64_C(1) << CT_MARK |
		     UINT64_C(1) << CT_TCP_STATE | UINT64_C(1) << CT_TCP_WSCALE_ORIG |
		     UINT64_C(1) << CT_TCP_WSCALE_REPLY | UINT64_C(1) << CT_HELPER |
		     UINT64_C(1) << CT_LABELS | UINT64_C(1) << CT_SEQADJ_ORIG |
		     UINT64_C(1) << CT_SEQADJ_REPLY | UINT64_C(1) << CT_SYNPROXY |
		     UINT64_C(1) << CT_ZONE;
	ct.family = AF_INET6;
	ct.orig.l3 = ct.reply.l3 = ct.master.l3 = AF_INET6;
	ct.orig.l4 = ct.reply.l4 = ct.master.l4 = 6;
	ct.orig.present = ct.reply.present = ct.master.present =
		CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_SPORT | CT_T_DPORT;
	set_addr(&ct.orig.src, AF_INET6, "2001:db8::1");
	set_addr(&ct.orig.dst, AF_INET6, "2001:db8::2");
	ct.orig.sport = 40000;
	ct.orig.dport = 443;
	set_addr(&ct.reply.src, AF_INET6, "2001:db8::99"); /* DNAT */
	set_addr(&ct.reply.dst, AF_INET6, "2001:db8::77"); /* SNAT */
	ct.reply.sport = 8443;
	ct.reply.dport = 50000;
	set_addr(&ct.master.src, AF_INET6, "2001:db8::5");
	set_addr(&ct.master.dst, AF_INET6, "2001:db8::6");
	ct.master.sport = 1111;
	ct.master.dport = 21;
	ct.status = CT_IPS_SRC_NAT_DONE | CT_IPS_DST_NAT_DONE | CT_IPS_CONFIRMED |
		    CT_IPS_SEQ_ADJUST | CT_IPS_SRC_NAT | CT_IPS_DST_NAT;
	ct.timeout = 3600;
	ct.mark = 0xdeadbeef;
	ct.tcp.state = 3;
	ct.tcp.wscale_orig = 7;
	ct.tcp.wscale_reply = 9;
	strcpy(ct.helper, "abcdefghijk");
	ct.labels_len = 16;
	set_label_bit(&ct, 0);
	set_label_bit(&ct, 33);
	set_label_bit(&ct, 127);
	ct.seqadj_orig = (struct ct_seqadj){ 1, 2, 3 };
	ct.seqadj_reply = (struct ct_seqadj){ 4, 5, 6 };
	ct.synproxy.its = 7;
	ct.synproxy.isn = 8;
	ct.synproxy.tsoff = 9;
	ct.zone = 0x1234;
	return ct;
}

static struct ct_exp big_exp(void)
{
	struct ct_exp e;

	memset(&e, 0, sizeof(e));
	e.present = 1u << CT_EXP_MASTER | 1u << CT_EXP_TUPLE | 1u << CT_EXP_MASK |
		    1u << CT_EXP_TIMEOUT | 1u << CT_EXP_FLAGS | 1u << CT_EXP_CLASS |
		    1u << CT_EXP_NAT | 1u << CT_EXP_HELPER | 1u << CT_EXP_FN;
	e.family = AF_INET6;
	e.master.l3 = e.tuple.l3 = e.mask.l3 = AF_INET6;
	e.master.present = e.tuple.present = e.mask.present = e.nat.tuple.present =
		CT_T_SRC | CT_T_DST | CT_T_PROTO | CT_T_SPORT | CT_T_DPORT;
	e.master.l4 = e.tuple.l4 = e.mask.l4 = e.nat.tuple.l4 = 17;
	set_addr(&e.master.src, AF_INET6, "2001:db8::1");
	set_addr(&e.master.dst, AF_INET6, "2001:db8::2");
	set_addr(&e.tuple.src, AF_INET6, "2001:db8::2");
	set_addr(&e.tuple.dst, AF_INET6, "2001:db8::1");
	set_addr(&e.mask.src, AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	set_addr(&e.mask.dst, AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	e.master.sport = 5060;
	e.master.dport = 5060;
	e.tuple.dport = 10000;
	e.mask.dport = 0xffff;
	e.nat.tuple.l3 = AF_INET;
	set_addr(&e.nat.tuple.src, AF_INET, "192.0.2.7");
	e.nat.tuple.sport = 20000;
	e.nat.dir = 1;
	e.timeout = 180;
	e.flags = CT_EXPF_PERMANENT | CT_EXPF_USERSPACE;
	e.class = 2;
	strcpy(e.helper, "abcdefghijk");
	strcpy(e.fn, "abcdefghijklmnopqrstuvwxyz0");
	return e;
}

static void enc_limits(void)
{
	static uint8_t buf[2048];
	struct ct ct = big_ct(), back;
	struct ct_exp e = big_exp(), eback;
	int n = wire_put_ct(buf, sizeof(buf), WIRE_CT_UPD, &ct, WIRE_ENC_WSCALE);

	CHECK(n == WIRE_WORST_CT, "largest conntrack: %d bytes (WIRE_WORST_CT %d)", n,
	      WIRE_WORST_CT);
	for (int l = 0; l < n; l++) {
		memset(buf, 0xa5, sizeof(buf));
		CHECK(wire_put_ct(buf, (size_t)l, WIRE_CT_UPD, &ct, WIRE_ENC_WSCALE) == -ENOSPC,
		      "ct: room %d accepted", l);
		CHECK(buf[l] == 0xa5, "ct: wrote past room %d", l);
	}
	n = wire_put_ct(buf, sizeof(buf), WIRE_CT_UPD, &ct, WIRE_ENC_WSCALE);
	CHECK(wire_get_ct(buf, (size_t)n, &back) == 0, "largest conntrack decodes");
	CHECK(back.family == AF_INET6 && !memcmp(&back.orig, &ct.orig, sizeof(ct.orig)) &&
		      !memcmp(&back.master, &ct.master, sizeof(ct.master)),
	      "largest conntrack: tuples");
	CHECK(back.status == ct.status && back.timeout == 3600 && back.mark == 0xdeadbeef &&
		      back.tcp.state == 3 && back.tcp.wscale_orig == 7 &&
		      back.tcp.wscale_reply == 9 && !strcmp(back.helper, "abcdefghijk") &&
		      back.zone == 0x1234,
	      "largest conntrack: scalars");
	CHECK(!memcmp(back.labels, ct.labels, 16) && back.labels_len == 16 &&
		      !memcmp(&back.seqadj_orig, &ct.seqadj_orig, sizeof(ct.seqadj_orig)) &&
		      !memcmp(&back.seqadj_reply, &ct.seqadj_reply, sizeof(ct.seqadj_reply)) &&
		      !memcmp(&back.synproxy, &ct.synproxy, sizeof(ct.synproxy)),
	      "largest conntrack: labels, seqadj, synproxy");
	CHECK(back.snat.l3 == AF_INET6 && addr_is(&back.snat.min_ip, AF_INET6, "2001:db8::77") &&
		      back.snat.min_port == 50000 && back.dnat.l3 == AF_INET6 &&
		      addr_is(&back.dnat.min_ip, AF_INET6, "2001:db8::99") &&
		      back.dnat.min_port == 8443,
	      "largest conntrack: NAT from the reply tuple");

	n = wire_put_exp(buf, sizeof(buf), WIRE_EXP_UPD, &e, 0);
	CHECK(n == WIRE_WORST_EXP, "largest expectation: %d bytes (WIRE_WORST_EXP %d)", n,
	      WIRE_WORST_EXP);
	for (int l = 0; l < n; l++) {
		memset(buf, 0xa5, sizeof(buf));
		CHECK(wire_put_exp(buf, (size_t)l, WIRE_EXP_UPD, &e, 0) == -ENOSPC,
		      "exp: room %d accepted", l);
		CHECK(buf[l] == 0xa5, "exp: wrote past room %d", l);
	}
	n = wire_put_exp(buf, sizeof(buf), WIRE_EXP_UPD, &e, 0);
	CHECK(wire_get_exp(buf, (size_t)n, &eback) == 0 && eback.family == AF_INET6 &&
		      !memcmp(&eback.master, &e.master, sizeof(e.master)) &&
		      !memcmp(&eback.tuple, &e.tuple, sizeof(e.tuple)) &&
		      !memcmp(&eback.mask, &e.mask, sizeof(e.mask)) &&
		      !memcmp(&eback.nat.tuple, &e.nat.tuple, sizeof(e.nat.tuple)) &&
		      eback.nat.dir == 1 && eback.timeout == 180 && eback.flags == e.flags &&
		      eback.class == 2 && !strcmp(eback.helper, e.helper) &&
		      !strcmp(eback.fn, e.fn) && eback.present == e.present,
	      "largest expectation decodes to itself");

	/* Refusals. */
	CHECK(wire_put_ct(buf, sizeof(buf), WIRE_EXP_NEW, &ct, 0) == -EINVAL &&
		      wire_put_ct(buf, sizeof(buf), WIRE_CTL, &ct, 0) == -EINVAL,
	      "ct: expectation/control type refused");
	CHECK(wire_put_exp(buf, sizeof(buf), WIRE_CT_NEW, &e, 0) == -EINVAL,
	      "exp: conntrack type refused");
	ct.orig.present &= (uint16_t)~CT_T_DST;
	CHECK(wire_put_ct(buf, sizeof(buf), WIRE_CT_NEW, &ct, 0) == -EINVAL, "ct: no dst refused");
	ct = big_ct();
	ct_unset(&ct, CT_ORIG);
	CHECK(wire_put_ct(buf, sizeof(buf), WIRE_CT_NEW, &ct, 0) == -EINVAL, "ct: no orig refused");
	ct = big_ct();
	ct.orig.l3 = 0;
	CHECK(wire_put_ct(buf, sizeof(buf), WIRE_CT_NEW, &ct, 0) == -EINVAL,
	      "ct: unknown family refused");
	e.present &= ~(1u << CT_EXP_MASTER);
	CHECK(wire_put_exp(buf, sizeof(buf), WIRE_EXP_NEW, &e, 0) == -EINVAL,
	      "exp: no master refused");
	CHECK(wire_put_ct(buf, 7, WIRE_CT_NEW, &back, 0) == -ENOSPC, "ct: room below a header");
}

/* Find attribute type in an encoded message: its payload and length, or NULL. */
static const uint8_t *find_attr(const uint8_t *m, int len, unsigned int type, size_t *plen)
{
	for (int o = 8; o + 4 <= len;) {
		unsigned int l = (unsigned int)(m[o] << 8 | m[o + 1]),
			     t = (unsigned int)(m[o + 2] << 8 | m[o + 3]);

		if (t == type) {
			*plen = l - 4;
			return m + o + 4;
		}
		o += (int)((l + 3) & ~3u);
	}
	return NULL;
}

/* The types of an encoded message, in order, as a string of two-digit numbers. */
static const char *types_of(const uint8_t *m, int len)
{
	static char s[256];
	size_t k = 0;

	s[0] = 0;
	for (int o = 8; o + 4 <= len && k + 4 < sizeof(s);) {
		unsigned int l = (unsigned int)(m[o] << 8 | m[o + 1]);

		k += (size_t)snprintf(s + k, sizeof(s) - k, "%s%u", k ? " " : "",
				      m[o + 2] << 8 | m[o + 3]);
		o += (int)((l + 3) & ~3u);
	}
	return s;
}

static struct ct plain_ct(uint8_t l4)
{
	struct ct ct;

	memset(&ct, 0, sizeof(ct));
	ct_set(&ct, CT_ORIG);
	ct.family = ct.orig.l3 = AF_INET;
	ct.orig.l4 = l4;
	ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_PROTO;
	set_addr(&ct.orig.src, AF_INET, "10.0.0.1");
	set_addr(&ct.orig.dst, AF_INET, "10.0.0.2");
	return ct;
}

static void enc_rules(void)
{
	static uint8_t b[1024];
	const uint8_t *a;
	size_t pl;
	struct ct ct;
	int n;

	/* Order and conditions (spec 4.1). */
	ct = big_ct();
	n = wire_put_ct(b, sizeof(b), 0, &ct, WIRE_ENC_WSCALE);
	CHECK(!strcmp(types_of(b, n), "1 5 2 3 4 25 26 6 7 9 10 11 29 30 14 15 16 27 28 31 32"),
	      "full order: %s", types_of(b, n));
	n = wire_put_ct(b, sizeof(b), 0, &ct, WIRE_ENC_NO_TIMEOUT);
	CHECK(!strcmp(types_of(b, n), "1 5 2 3 4 7 9 10 11 29 30 14 15 16 27 28 31 32"),
	      "no timeout, no window scales: %s", types_of(b, n));
	ct.tcp.state = 0;
	ct_unset(&ct, CT_TCP_STATE);
	ct.master.present &= (uint16_t)~CT_T_SPORT;
	ct_unset(&ct, CT_SEQADJ_REPLY);
	n = wire_put_ct(b, sizeof(b), 0, &ct, WIRE_ENC_WSCALE);
	CHECK(!strcmp(types_of(b, n), "1 5 2 3 6 7 9 10 29 30 14 15 27 28 31 32"),
	      "tcp without state: port only; master without ports; half seqadj: %s",
	      types_of(b, n));

	ct = plain_ct(17);
	n = wire_put_ct(b, sizeof(b), 0, &ct, WIRE_ENC_WSCALE);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3"), "udp, no status: status 0 sent: %s",
	      types_of(b, n));
	a = find_attr(b, n, WIRE_NTA_STATUS, &pl);
	CHECK(a && pl == 4 && !a[0] && !a[1] && !a[2] && !a[3], "status absent: sent as 0");
	static const uint8_t others[] = { 47, 136, 2, 103, 0, 255 };

	for (size_t i = 0; i < sizeof(others); i++) {
		ct = plain_ct(others[i]);
		ct.orig.present |= CT_T_SPORT | CT_T_DPORT;
		ct.orig.sport = 0x1234;
		n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
		CHECK(!strcmp(types_of(b, n), "0 5 2"), "l4 %u: no L4 attributes: %s", others[i],
		      types_of(b, n));
	}
	ct = plain_ct(132);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3"), "sctp without state: %s", types_of(b, n));
	ct_set(&ct, CT_SCTP_STATE);
	ct.sctp.vtag_orig = 0x01020304;
	ct.sctp.vtag_reply = 0x05060708; /* no present bit: garbage, sent as 0 */
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3 17 18 19"), "sctp with state: %s", types_of(b, n));
	a = find_attr(b, n, WIRE_NTA_SCTP_VTAG_ORIG, &pl);
	CHECK(a && !a[0] && !a[3], "vtag without its present bit: 0");
	a = find_attr(b, n, WIRE_NTA_SCTP_VTAG_REPL, &pl);
	CHECK(a && !a[0] && !a[3], "reply vtag without its present bit: 0");
	ct_set(&ct, CT_SCTP_VTAG_ORIG);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	a = find_attr(b, n, WIRE_NTA_SCTP_VTAG_ORIG, &pl);
	CHECK(a && a[0] == 1 && a[3] == 4, "vtag big-endian");
	ct = plain_ct(33);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3"), "dccp without state: %s", types_of(b, n));
	a = find_attr(b, n, WIRE_NTA_PORT, &pl);
	CHECK(a && pl == 4 && !a[0] && !a[1] && !a[2] && !a[3], "dccp without state: ports 0");
	ct_set(&ct, CT_DCCP_STATE);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3 20 21"), "dccp with state: %s", types_of(b, n));

	/* ICMP: only with a type; the id little-endian on every host. */
	for (int v6 = 0; v6 < 2; v6++) {
		ct = plain_ct(v6 ? 58 : 1);
		n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
		CHECK(!strcmp(types_of(b, n), "0 5 2"), "icmp without type: %s", types_of(b, n));
		ct.orig.present |= CT_T_ICMP_TYPE | CT_T_ICMP_ID;
		ct.orig.icmp_type = 8;
		ct.orig.icmp_id = 0x1234;
		n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
		CHECK(!strcmp(types_of(b, n), "0 5 2 22 23 24"), "icmp: %s", types_of(b, n));
		a = find_attr(b, n, WIRE_NTA_ICMP_ID, &pl);
		CHECK(a && pl == 2 && a[0] == 0x34 && a[1] == 0x12, "icmp id 0x1234 as 34 12");
	}

	/* NAT: from status bits and the reply tuple, ports little-endian. */
	ct = plain_ct(6);
	ct.orig.present |= CT_T_SPORT | CT_T_DPORT;
	ct.orig.sport = 1234;
	ct.orig.dport = 8080;
	ct_set(&ct, CT_STATUS);
	ct.status = CT_IPS_SRC_NAT_DONE | CT_IPS_DST_NAT_DONE | CT_IPS_SRC_NAT;
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!find_attr(b, n, WIRE_NTA_SNAT_IPV4, &pl), "no reply tuple: no NAT attributes");
	ct_set(&ct, CT_REPLY);
	ct.reply = ct.orig;
	ct.reply.src = ct.orig.dst;
	ct.reply.dst = ct.orig.src;
	ct.reply.sport = 8080;
	ct.reply.dport = 1234;
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3"), "null binding: no NAT: %s", types_of(b, n));
	set_addr(&ct.reply.dst, AF_INET, "192.0.2.1");
	ct.reply.dport = 40000;
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3 12 14"), "SNAT: %s", types_of(b, n));
	a = find_attr(b, n, WIRE_NTA_SPAT_PORT, &pl);
	CHECK(a && pl == 2 && a[0] == 0x40 && a[1] == 0x9c, "SNAT port 40000 as 40 9c");
	a = find_attr(b, n, WIRE_NTA_SNAT_IPV4, &pl);
	CHECK(a && pl == 4 && a[0] == 192 && a[3] == 1, "SNAT address raw");
	ct_unset(&ct, CT_STATUS);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3"), "SNAT without a status (sent as 0): none: %s",
	      types_of(b, n));
	ct_set(&ct, CT_STATUS);
	ct.status &= ~(uint32_t)CT_IPS_SRC_NAT_DONE;
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3"), "SNAT without SRC_NAT_DONE: none: %s",
	      types_of(b, n));
	ct.status = CT_IPS_DST_NAT_DONE;
	ct.reply.dst = ct.orig.src;
	ct.reply.dport = 1234;
	set_addr(&ct.reply.src, AF_INET, "172.16.0.9");
	ct.reply.sport = 9999;
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!strcmp(types_of(b, n), "0 5 2 3 13 15"), "DNAT: %s", types_of(b, n));
	a = find_attr(b, n, WIRE_NTA_DPAT_PORT, &pl);
	CHECK(a && a[0] == 0x0f && a[1] == 0x27, "DNAT port 9999 as 0f 27");

	/* NAT ports only where the wire carries ports. */
	static const uint8_t no_ports[] = { 1, 58, 47, 136, 2 };

	for (size_t i = 0; i < sizeof(no_ports); i++) {
		ct = plain_ct(no_ports[i]);
		ct_set(&ct, CT_STATUS);
		ct_set(&ct, CT_REPLY);
		ct.status = CT_IPS_SRC_NAT_DONE | CT_IPS_DST_NAT_DONE;
		ct.orig.present |= CT_T_SPORT | CT_T_DPORT;
		ct.orig.sport = 0x1234;
		ct.reply = ct.orig;
		ct.reply.src = ct.orig.dst;
		set_addr(&ct.reply.dst, AF_INET, "7.7.7.7");
		n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
		CHECK(!strcmp(types_of(b, n), "0 5 2 12"),
		      "l4 %u with NAT status: address only: %s", no_ports[i], types_of(b, n));
	}

	/* Zone when reported (even 0), labels only with a bit set. */
	ct = plain_ct(17);
	ct_set(&ct, CT_ZONE);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	a = find_attr(b, n, WIRE_NTA_ZONE, &pl);
	CHECK(a && pl == 2 && !a[0] && !a[1] && n == 8 + 12 + 8 + 8 + 8 + 8,
	      "zone 0 reported: sent");
	ct = plain_ct(17);
	ct_set(&ct, CT_LABELS);
	ct.labels_len = 16;
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!find_attr(b, n, WIRE_NTA_LABELS, &pl), "labels without a bit: none");
	set_label_bit(&ct, 1);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	a = find_attr(b, n, WIRE_NTA_LABELS, &pl);
	CHECK(a && pl == 16 && a[3] == 2 && !a[0] && !a[2] && !a[7], "label 1: word 0 = 00000002");
	memset(ct.labels, 0, 16);
	set_label_bit(&ct, 127);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	a = find_attr(b, n, WIRE_NTA_LABELS, &pl);
	CHECK(a && pl == 16 && a[12] == 0x80 && !a[3], "label 127: word 3 = 80000000");
	ct.labels_len = 4;
	memset(ct.labels, 0, 16);
	set_label_bit(&ct, 5);
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	a = find_attr(b, n, WIRE_NTA_LABELS, &pl);
	CHECK(a && pl == 4 && a[3] == 0x20, "4-byte bitmap: one word");

	/* Helper names: 11 characters go, longer or empty ones stay home. */
	ct = plain_ct(17);
	ct_set(&ct, CT_HELPER);
	strcpy(ct.helper, "abcdefghijk");
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	a = find_attr(b, n, WIRE_NTA_HELPER_NAME, &pl);
	CHECK(a && pl == 12 && !memcmp(a, "abcdefghijk", 12), "11-character helper: nta_len 16");
	strcpy(ct.helper, "abcdefghijkl");
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!find_attr(b, n, WIRE_NTA_HELPER_NAME, &pl), "12-character helper left out");
	memset(ct.helper, 'x', sizeof(ct.helper)); /* not terminated in its buffer */
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(n > 0 && !find_attr(b, n, WIRE_NTA_HELPER_NAME, &pl), "unterminated helper left out");
	ct.helper[0] = 0;
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	CHECK(!find_attr(b, n, WIRE_NTA_HELPER_NAME, &pl), "empty helper left out");
	strcpy(ct.helper, "ftp");
	n = wire_put_ct(b, sizeof(b), 0, &ct, 0);
	a = find_attr(b, n, WIRE_NTA_HELPER_NAME, &pl);
	CHECK(a && pl == 4 && !memcmp(a, "ftp", 4), "ftp: nta_len 8 with its NUL");

	/* Expectations: ports by the master's protocol, optional class/NAT/names. */
	struct ct_exp e = big_exp();

	n = wire_put_exp(b, sizeof(b), WIRE_EXP_NEW, &e, 0);
	CHECK(!strcmp(types_of(b, n), "1 2 3 5 6 7 9 10 11 12 13 14 15 17 16 18 19 20"),
	      "exp order: %s", types_of(b, n));
	e.master.l4 = 1;
	e.present &= ~(1u << CT_EXP_CLASS | 1u << CT_EXP_FLAGS | 1u << CT_EXP_FN);
	strcpy(e.helper, "abcdefghijkl");
	e.nat.tuple.l3 = AF_INET6;
	n = wire_put_exp(b, sizeof(b), WIRE_EXP_NEW, &e, WIRE_ENC_NO_TIMEOUT);
	CHECK(!strcmp(types_of(b, n), "1 2 5 6 9 10 13 17 18"),
	      "exp: icmp master, no timeout/class, v6 NAT tuple, long helper: %s", types_of(b, n));
	a = find_attr(b, n, WIRE_NTA_EXP_FLAGS, &pl);
	CHECK(a && pl == 4 && !a[3], "exp flags always sent");
	e = big_exp();
	strcpy(e.fn, "abcdefghijklmnopqrstuvwxyz01");
	n = wire_put_exp(b, sizeof(b), WIRE_EXP_NEW, &e, 0);
	CHECK(!find_attr(b, n, WIRE_NTA_EXP_FN, &pl), "28-character fn left out");
	e.present &= ~(1u << CT_EXP_NAT);
	n = wire_put_exp(b, sizeof(b), WIRE_EXP_NEW, &e, 0);
	CHECK(!strcmp(types_of(b, n), "1 2 3 5 6 7 9 10 11 12 13 14 19"), "exp without NAT: %s",
	      types_of(b, n));
}

static void data_helper(void)
{
	const struct fix *f = fix_get("12.7-exp");
	struct wire_hdr h;
	struct ct_exp e;
	struct ct ct;
	size_t off = 0;

	wire_next(f->data, f->len, &off, &h);
	CHECK(wire_get_data(&h, f->data, &ct, &e) == WIRE_EXP_NEW && e.master.l4 == 6,
	      "wire_get_data: expectation");
	f = fix_get("12.6-del");
	off = 0;
	wire_next(f->data, f->len, &off, &h);
	CHECK(wire_get_data(&h, f->data, &ct, &e) == WIRE_CT_DEL && ct.mark == 42,
	      "wire_get_data: conntrack");
	struct msg m;

	m_base_ct(&m, WIRE_CT_UPD);
	m_raw(&m, 8, 40, "abcd", 4);
	m_end(&m);
	off = 0;
	wire_next(m.b, m.len, &off, &h);
	CHECK(wire_get_data(&h, m.b, &ct, &e) == -EBADMSG, "wire_get_data: malformed payload");
	for (uint8_t t = 6; t < 16; t++) {
		h.type = t;
		CHECK(wire_get_data(&h, m.b, &ct, &e) == -EPROTO, "wire_get_data: type %u", t);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	load_dir(argv[1]);
	spec_ctl();
	spec_state();
	spec_exp();
	headers();
	sizes();
	names();
	labels();
	overwrite();
	enc_limits();
	enc_rules();
	data_helper();
	for (size_t i = 0; i < nfix; i++)
		roundtrip(&fixes[i]);
	printf("round trip: %zu fixtures, %u datagrams: %u conntrack, %u expectation, %u control "
	       "messages (%u ICMP without the oracle's NAT port quirk)\n",
	       nfix, n_dgram, n_ct, n_exp, n_ctl, n_icmp_nat);
	truncations();
	for (size_t i = 0; i < nfix; i++)
		free(fixes[i].data);
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
