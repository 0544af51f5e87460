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
difftest "" -G -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443
difftest "" -G -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443 -o xml
difftest "" -G -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 3 --dport 4 -o labels,id
difftest "" -G -p icmp -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 \
	--icmp-id 4660 -o extended
# -G takes no zone in 1.4.7 (refused), and a tuple no entry has is not found.
difftest_none "-G -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 3 --dport 4 -o labels,id" "" \
	-G -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 1 --dport 2 -w 42
difftest_none "-G -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443" "" \
	-G -p udp -s 192.0.2.99 -d 192.0.2.10 --sport 1 --dport 2

# errors reported by the kernel, each paired with a command of the same kind that works
difftest "" -L -u ASSURED
difftest_none "-L -u ASSURED" "" -L -u UNSET
difftest_none "-L -u ASSURED" "" -L -u SRC_NAT
I_UDP="-I -p udp -s 192.0.2.77 -d 192.0.2.78 --sport 1 --dport 2 -t 100 -m 9"
difftest_none "$I_UDP" "" -I -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443 \
	--state ESTABLISHED -t 10
difftest_none "$I_UDP" "" -I -p udp -s 192.0.2.77 -d 192.0.2.78 --sport 1 --dport 2 -t 10 \
	-u EXPECTED
difftest_none "$I_UDP" "" -I -p udp -s 192.0.2.77 -d 192.0.2.78 --sport 1 --dport 2 -t 10 \
	-w 1 --orig-zone 2

# commands that change the table: compare output plus the table left behind. A flush leaves
# nothing to list, so each is paired with -D -f ipv6 -p tcp, which leaves the rest.
diffmutate_none "-D -f ipv6 -p tcp" "" -F
# -F -f FAMILY: ctbox fix (doc/differences.md): the table afterwards is the one the
# reference's `-D -f FAMILY` leaves.
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
	if awk -v tol="${CT_TOL:-2}" -f "$CT_LIB/between.awk" "$CT_WORK/f.want" "$CT_WORK/f.got" \
		"$CT_WORK/f.want"; then
		testing_pass "-F -f $fam flushes $fam only (ctbox fix)"
	else
		testing_fail "-F -f $fam flushes $fam only (ctbox fix)" "$CT_WORK/f.want" "$CT_WORK/f.got"
	fi
done
diffmutate_none "-D -f ipv6 -p tcp" "" --flush conntrack
diffmutate "" -D -p udp
diffmutate "" -D -s 192.0.2.9
diffmutate "" -D -f ipv6 -p tcp
diffmutate "" -D -m 42
diffmutate "" -D -p tcp --state SYN_SENT -o save
diffmutate "" -D -w 42 -o xml
# deletes nothing: the table stays as it was (-D -s 192.0.2.9 above deletes)
diffmutate "" -D -s 192.0.2.250
# shellcheck disable=SC2086
diffmutate "" $I_UDP
diffmutate "" -I -p tcp -s 2001:db8::77 -d 2001:db8::78 --sport 10 --dport 20 -t 100 \
	--state ESTABLISHED -u SEEN_REPLY,ASSURED
diffmutate "" -I -p icmp -s 192.0.2.77 -d 192.0.2.78 --icmp-type 8 --icmp-code 0 \
	--icmp-id 5 -t 100 --label-add foo
diffmutate "" -I -p gre -s 192.0.2.77 -d 192.0.2.78 --srckey 1 --dstkey 2 -t 100 \
	--src-nat 192.0.2.99

echo "== the dying list: a listener that wants broadcast errors and never reads"
# A DESTROY event the kernel cannot deliver to such a socket keeps its entry on the dying
# list (for redelivery) while the socket stays full: entries for -L dying to show.
# Kernels since 5.19 keep no unconfirmed list; its dump answers empty.
cat >"$CT_WORK/jam.py" <<-'EOF'
import socket, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
s.setsockopt(270, 4, 1)  # SOL_NETLINK, NETLINK_BROADCAST_ERROR
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)  # the smallest buffer there is
s.bind((0, 4))  # NF_NETLINK_CONNTRACK_DESTROY
open(sys.argv[1], "w").write("ready\n")
time.sleep(300)
EOF
ns_new DY_NS dying
# shellcheck disable=SC2034 # read by ctdiff.sh (ref, difftest)
CT_NS=$DY_NS
ns_bg "$DY_NS" python3 "$CT_WORK/jam.py" "$CT_WORK/jam.ready" >/dev/null 2>&1
JAM=$!
for _ in $(seq 100); do
	[ -s "$CT_WORK/jam.ready" ] && break
	sleep 0.05
done
difftest_none "-L dying" "-L dying (nothing dying yet)" -L dying
for i in 1 2 3 4 5 6; do
	ref -I -p udp -s 192.0.2.$i -d 198.51.100.9 --sport 1 --dport 2 -t 500 -m $i >/dev/null 2>&1
done
ref -D -p udp >/dev/null 2>&1
difftest "" -L dying
difftest "" -L dying -o xml
difftest "" -L dying -o extended,id
difftest_none "-L dying" "" -L unconfirmed
difftest_none "-L dying" "" -L unconfirmed -o extended
kill "$JAM" 2>/dev/null || true

testing_done
