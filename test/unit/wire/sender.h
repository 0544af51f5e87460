/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Wire tests: rebuild the conntrack a sender had from what the receiver decoded. */
#ifndef CTBOX_TEST_WIRE_SENDER_H
#define CTBOX_TEST_WIRE_SENDER_H

struct ct;

/*
 * The wire carries NAT as ranges (CT_NAT_SRC/CT_NAT_DST) and never a reply
 * tuple; wire_put_ct decides NAT from the reply tuple, like upstream. Give
 * ct the reply tuple the sender's kernel had: the original inverted, with
 * the SNAT address/port as its destination and the DNAT ones as its source.
 * Entries without NAT are left alone.
 */
void wire_test_sender(struct ct *ct);

#endif
