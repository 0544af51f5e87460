// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz harness: sync datagrams -> wire_next -> wire_get_ct/exp -> wire_put_* -> decode again, stable. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ct.h"
#include "proto/wire.h"
#include "../unit/wire/sender.h"
#include "fuzz.h"

/* Attribute headers hold NUL bytes, which the replay driver's string tokens cannot. */
const char *const fuzz_dict[] = { NULL };

/* An exact-size heap copy: the decoders must not read a byte past len. */
static uint8_t *copy(const uint8_t *p, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);

	if (!c)
		fuzz_fail("malloc");
	memcpy(c, p, len);
	return c;
}

static void check_names(const char *s, size_t cap, const char *what)
{
	if (!memchr(s, 0, cap))
		fuzz_fail(what);
}

/* Every shorter buffer is refused, and nothing lands past it. */
static void check_room(int (*put)(uint8_t *, size_t, const void *), const void *obj, int n)
{
	static uint8_t b[1024];
	size_t room = (size_t)n - 1 - (size_t)(n * 7 % 5);

	memset(b, 0xa5, sizeof(b));
	if (put(b, room, obj) != -ENOSPC)
		fuzz_fail("short buffer accepted");
	if (b[room] != 0xa5)
		fuzz_fail("write past the room");
}

static unsigned int opts;

static int put_ct(uint8_t *b, size_t room, const void *ct)
{
	return wire_put_ct(b, room, WIRE_CT_UPD, ct, opts);
}

static int put_exp(uint8_t *b, size_t room, const void *e)
{
	return wire_put_exp(b, room, WIRE_EXP_UPD, e, opts);
}

/*
 * Decoded -> encoded must decode again, and encoding that must give the
 * same bytes: what the daemon receives and sends on is a fixed point after
 * one pass (the first pass may drop what we never send: long helper
 * names, labels above bit 127, NAT the status does not back, ...).
 */
static void one_ct(const uint8_t *msg, size_t len)
{
	static uint8_t a[1024], b[1024];
	struct ct ct, again;
	uint8_t *c = copy(msg, len);
	int err = wire_get_ct(c, len, &ct), la, lb;

	free(c);
	if (err) {
		if (err != -EBADMSG)
			fuzz_fail("wire_get_ct error code");
		return;
	}
	check_names(ct.helper, sizeof(ct.helper), "helper not terminated");
	if (ct.labels_len > CT_LABELS_BYTES || ct.labels_len % 4)
		fuzz_fail("labels_len");
	wire_test_sender(&ct);
	la = wire_put_ct(a, sizeof(a), WIRE_CT_UPD, &ct, opts);
	if (la == -EINVAL)
		return;
	if (la < WIRE_HDR_LEN || la > WIRE_WORST_CT || la % 4)
		fuzz_fail("wire_put_ct length");
	check_room(put_ct, &ct, la);
	c = copy(a, (size_t)la);
	err = wire_get_ct(c, (size_t)la, &again);
	free(c);
	if (err)
		fuzz_fail("wire_get_ct of wire_put_ct output");
	wire_test_sender(&again);
	lb = wire_put_ct(b, sizeof(b), WIRE_CT_UPD, &again, opts);
	if (lb != la || memcmp(a, b, (size_t)la))
		fuzz_fail("ct encode -> decode -> encode differs");
}

static void one_exp(const uint8_t *msg, size_t len)
{
	static uint8_t a[1024], b[1024];
	struct ct_exp e, again;
	uint8_t *c = copy(msg, len);
	int err = wire_get_exp(c, len, &e), la, lb;

	free(c);
	if (err) {
		if (err != -EBADMSG)
			fuzz_fail("wire_get_exp error code");
		return;
	}
	check_names(e.helper, sizeof(e.helper), "exp helper not terminated");
	check_names(e.fn, sizeof(e.fn), "exp fn not terminated");
	la = wire_put_exp(a, sizeof(a), WIRE_EXP_UPD, &e, opts);
	if (la == -EINVAL)
		return;
	if (la < WIRE_HDR_LEN || la > WIRE_WORST_EXP || la % 4)
		fuzz_fail("wire_put_exp length");
	check_room(put_exp, &e, la);
	c = copy(a, (size_t)la);
	err = wire_get_exp(c, (size_t)la, &again);
	free(c);
	if (err)
		fuzz_fail("wire_get_exp of wire_put_exp output");
	lb = wire_put_exp(b, sizeof(b), WIRE_EXP_UPD, &again, opts);
	if (lb != la || memcmp(a, b, (size_t)la))
		fuzz_fail("exp encode -> decode -> encode differs");
}

/* Headers: the writers give the same bytes back (len aside: an ACK may be longer than 16). */
static void one_hdr(const struct wire_hdr *h, const uint8_t *msg)
{
	uint8_t b[WIRE_CTL_LEN];

	if (wire_has_range(h->type, h->flags)) {
		wire_ctl_put(b, h->flags, h->seq, h->from, h->to);
		if (memcmp(b, msg, 2) || memcmp(b + 4, msg + 4, WIRE_CTL_LEN - 4))
			fuzz_fail("wire_ctl_put differs");
	} else {
		wire_hdr_put(b, h->type, h->flags, h->len, h->seq);
		if (memcmp(b, msg, WIRE_HDR_LEN))
			fuzz_fail("wire_hdr_put differs");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_hdr h;
	size_t off = 0, last = 0;
	enum wire_rx rx;

	while ((rx = wire_next(data, size, &off, &h)) == WIRE_RX_OK || rx == WIRE_RX_BAD_VERSION) {
		const uint8_t *msg = data + off - h.len;

		if (off > size || off <= last || h.len < WIRE_HDR_LEN || off - last != h.len)
			fuzz_fail("wire_next cursor");
		last = off;
		if (rx == WIRE_RX_BAD_VERSION)
			continue;
		one_hdr(&h, msg);
		/* Decode every message as both kinds: the type only picks one in the daemon. */
		opts = h.seq & 3;
		one_ct(msg, h.len);
		one_exp(msg, h.len);
		struct ct ct;
		struct ct_exp e;
		int r = wire_get_data(&h, msg, &ct, &e);

		if (!(r == h.type || r == -EBADMSG || (r == -EPROTO && h.type > WIRE_EXP_DEL)))
			fuzz_fail("wire_get_data");
	}
	if (off > size)
		fuzz_fail("wire_next past the end");
	return 0;
}
