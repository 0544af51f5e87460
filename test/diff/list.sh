#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential: `conntrack -L` in every output format, ours against the reference.
#
#  +------------------------- ctbox-<pid>-<rand>-diff ---------------------------+
#  |  lo 127.0.0.1 / ::1 <- traffic.py: udp 7777, tcp 5555, icmp/icmpv6 echo     |
#  |  nft inet ctbox_test: ct label foo/bar/5, ct mark 42 on icmp (output hook)   |
#  |  conntrack table: ~42 entries, `conntrack -I` by the reference + traffic    |
#  +------------------------------------------------------------------------------+
#    /usr/sbin/conntrack (1.4.7) and $CONNTRACK both read the same table here.
#    /etc is a private overlay: /etc/xtables/connlabel.conf is the test label map.

. "$(dirname "$0")/../lib/netns.sh"
ns_private_etc "$@"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"

ns_new CT_NS diff
ct_labelmap
ct_reference_table

difftest "" -L
difftest "" --dump
difftest "" -L conntrack
for fmt in extended xml id extended,id ktimestamp labels save extended,labels,id \
	xml,labels xml,ktimestamp xml,extended,id xml,labels,ktimestamp,id,extended,timestamp \
	timestamp userspace extended,ktimestamp,labels id,labels; do
	difftest "" -L -o "$fmt"
	difftest "" -L -f ipv6 -o "$fmt"
done
difftest "" -L --output extended
# Repeated -o accumulates.
difftest "" -L -o extended -o id
difftest "" -L -o labels -o xml
# save cannot be combined with another output type: errors, each paired with the format that
# lists the table.
difftest_none "-L -o save" "" -L -o save,id
difftest_none "-L -o xml" "" -L -o xml,save
difftest_none "-L -o extended" "" -L -o bogus
# An empty result prints no XML document at all; the same filter with a state that matches
# prints one.
difftest_none "-L -o xml -p sctp --state ESTABLISHED" "" -L -o xml -p sctp --state CLOSED
difftest "" -L -o xml -p sctp --state ESTABLISHED

testing_done
