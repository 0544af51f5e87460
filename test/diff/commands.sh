#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential: -C, -S, -G, -F, -D, -I, dying/unconfirmed lists and kernel-reported errors.
#
#  +------------------------- ctbox-<pid>-<rand>-diff ---------------------------+
#  |  lo 127.0.0.1 / ::1 <- traffic.py: udp 7777, tcp 5555, icmp/icmpv6 echo     |
#  |  nft inet ctbox_test: ct label foo/bar/5, ct mark 42 on icmp (output hook)   |
#  |  conntrack table: ~42 entries, `conntrack -I` by the reference + traffic    |
#  +------------------------------------------------------------------------------+
#    /usr/sbin/conntrack (1.4.7) and $CONNTRACK both work on the same table here;
#    commands that change it run once per binary on a freshly rebuilt table.

. "$(dirname "$0")/../lib/netns.sh"
ns_private_etc "$@"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"

ns_new CT_NS diff
ct_labelmap
ct_reference_table

ct_reset()
{
	ref -F
	ct_reference_table
}

# read-only commands
difftest "" -C
difftest "" --count
difftest "" -C conntrack
# Statistics only move when entries are inserted or packets are seen; the table is quiet now.
difftest "" -S
difftest "" -S expect
# Should a counter move anyway, the layout must still match.
difftest_shape "-S (shape)" -S
difftest_shape "--stats expect (shape)" --stats expect
difftest "" -C expect
difftest "" -L expect
difftest "" -L dying
difftest "" -L unconfirmed
difftest "" -L dying -o xml
difftest "" -L unconfirmed -o extended
difftest "" -G -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443
difftest "" -G -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443 -o xml
difftest "" -G -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 3 --dport 4 -o labels,id
difftest "" -G -p icmp -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 \
	--icmp-id 4660 -o extended
difftest "" -G -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 1 --dport 2 -w 42
difftest "" -G -p udp -s 192.0.2.99 -d 192.0.2.10 --sport 1 --dport 2

# errors reported by the kernel
difftest "" -L -u UNSET
difftest "" -L -u SRC_NAT
difftest "" -I -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443 \
	--state ESTABLISHED -t 10
difftest "" -I -p udp -s 192.0.2.77 -d 192.0.2.78 --sport 1 --dport 2 -t 10 -u EXPECTED
difftest "" -I -p udp -s 192.0.2.77 -d 192.0.2.78 --sport 1 --dport 2 -t 10 -w 1 \
	--orig-zone 2

# commands that change the table: compare output plus the table left behind
diffmutate "" -F
# -F -f FAMILY: upstream (and the kernel, unless the flush carries a filter) empties every
# family. ctbox fix (doc/differences.md): the table afterwards is the one the reference's
# `-D -f FAMILY` leaves.
for fam in ipv6 ipv4; do
	if [ "$CONNTRACK" = "$ORACLE" ]; then
		testing_skip "-F -f $fam flushes $fam only (ctbox fix; the reference flushes all)"
		continue
	fi
	ct_reset >/dev/null 2>&1
	ref -D -f "$fam" >/dev/null 2>&1
	{
		printf -- '--- stderr\nconntrack vVERSION: connection tracking table has been emptied.\n'
		printf -- '--- exit 0\n'
		ct_snapshot
	} >"$CT_WORK/f.want"
	ct_mutate_record "$CT_WORK/f.got" "$CONNTRACK" -F -f "$fam"
	if cmp -s "$CT_WORK/f.want" "$CT_WORK/f.got"; then
		testing_pass "-F -f $fam flushes $fam only (ctbox fix)"
	else
		testing_fail "-F -f $fam flushes $fam only (ctbox fix)" "$CT_WORK/f.want" "$CT_WORK/f.got"
	fi
done
diffmutate "" --flush conntrack
diffmutate "" -D -p udp
diffmutate "" -D -s 192.0.2.9
diffmutate "" -D -f ipv6 -p tcp
diffmutate "" -D -m 42
diffmutate "" -D -p tcp --state SYN_SENT -o save
diffmutate "" -D -w 42 -o xml
diffmutate "" -D -s 192.0.2.250
diffmutate "" -I -p udp -s 192.0.2.77 -d 192.0.2.78 --sport 1 --dport 2 -t 100 -m 9
diffmutate "" -I -p tcp -s 2001:db8::77 -d 2001:db8::78 --sport 10 --dport 20 -t 100 \
	--state ESTABLISHED -u SEEN_REPLY,ASSURED
diffmutate "" -I -p icmp -s 192.0.2.77 -d 192.0.2.78 --icmp-type 8 --icmp-code 0 \
	--icmp-id 5 -t 100 --label-add foo
diffmutate "" -I -p gre -s 192.0.2.77 -d 192.0.2.78 --srckey 1 --dstkey 2 -t 100 \
	--src-nat 192.0.2.99

testing_done
