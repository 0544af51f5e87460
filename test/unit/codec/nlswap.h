/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helper: netlink streams captured on a host of the other byte order, to this host's. */
#ifndef CTBOX_TEST_CODEC_NLSWAP_H
#define CTBOX_TEST_CODEC_NLSWAP_H

#include <stddef.h>
#include <stdint.h>

/* 1 if the stream's first length field fits it only byte-swapped (a foreign capture), else 0. */
int nlswap_foreign(const uint8_t *data, size_t len);
/*
 * Byte-swap in place what the capturing kernel wrote in its own order: message and
 * attribute headers, error/done codes, label bitmaps; other payloads stay. Returns 0, or
 * -1 where the stream stops parsing (what came before is swapped).
 */
int nlswap_stream(uint8_t *data, size_t len);

#endif
