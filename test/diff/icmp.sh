#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential tests of ICMP and ICMPv6 entries given with both directions (-s -d -r -q):
# create (-I, -A), get (-G), delete, update and batch restore (-R), reference vs ours.
#
#   +---------------------------+      +---------------------------+
#   | netns "ref"               |      | netns "us"                |
#   |  $ORACLE ARGS             |      |  $CONNTRACK ARGS          |
#   +---------------------------+      +---------------------------+
#            \__ both tables listed afterwards by the REFERENCE __/
#
# Every combination of --icmp-type/--icmp-code/--icmp-id (and the ICMPv6 spellings) with
# query types, reply types and types without a reply, in the order `-o save` writes them
# (addresses, then -p and its options); plus the option orders upstream handles differently.
#
# Run: CONNTRACK=<builddir>/conntrack test/diff/icmp.sh  (TEST_HOST=1: reference on both
# sides, which checks the test itself). Needs root; skips (77) otherwise.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/diff-cmds.sh"

twin_new

O4="-s 192.0.2.1 -d 198.51.100.1"
R4="-r 198.51.100.1 -q 192.0.2.1"
O6="-s 2001:db8::1 -d 2001:db8::2"
R6="-r 2001:db8::2 -q 2001:db8::1"
# A NAT-looking pair: the reply comes from another address.
R4N="-r 203.0.113.7 -q 192.0.2.1"

FILL=none
twin_fill()
{
	[ "$FILL" = icmp ] || return 0
	ip netns exec "$1" "$ORACLE" -I $O4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226 \
		-t 3000 -u SEEN_REPLY
	ip netns exec "$1" "$ORACLE" -I $O6 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 \
		--icmpv6-id 77 -t 3000
	ip netns exec "$1" "$ORACLE" -I -s 192.0.2.9 -d 198.51.100.1 -p udp --sport 1 --dport 2 \
		-t 3000
}

# opts PREFIX TYPE CODE ID MASK: the ICMP options of MASK (bit 0 type, 1 code, 2 id)
opts()
{
	local p=$1 s=
	[ $(($5 & 1)) = 0 ] || s="$s --$p-type $2"
	[ $(($5 & 2)) = 0 ] || s="$s --$p-code $3"
	[ $(($5 & 4)) = 0 ] || s="$s --$p-id $4"
	echo "$s"
}

echo "== -I/-A with both directions: every combination of type, code and id"
# shellcheck disable=SC2086,SC2046 # word splitting wanted
for cmd in -I -A; do
	for m in 0 1 2 3 4 5 6 7; do
		for t in 8 0 13 3; do
			twin_cmd "" $cmd -t 29 -u SEEN_REPLY $O4 $R4 -p icmp $(opts icmp $t 0 1226 $m)
		done
		for t in 128 129 139 1; do
			twin_cmd "" $cmd -t 29 $O6 $R6 -p icmpv6 $(opts icmpv6 $t 0 77 $m)
		done
	done
	twin_cmd "" $cmd -t 29 $O4 $R4 -p icmp --icmp-type 8 --icmp-code 5 --icmp-id 65535
	twin_cmd "" $cmd -t 29 $O4 $R4N -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 9
	twin_cmd "" $cmd -t 29 $O4 $R4 -p icmp --icmp-type 17 --icmp-code 0 --icmp-id 9 -m 7
	twin_cmd "" $cmd -t 29 $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 9 -w 4
	twin_cmd "" $cmd -t 29 $O6 $R6 -p icmpv6 --icmpv6-type 140 --icmpv6-code 0 --icmpv6-id 9
	twin_cmd "" $cmd -t 29 $O6 $R6 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 \
		--icmpv6-id 9 --orig-zone 3
	twin_cmd "" $cmd -t 29 -p icmp $O4 $R4 --icmp-type 8 --icmp-code 0 --icmp-id 2
	twin_cmd "" $cmd -t 29 $O4 -p icmp --icmp-type 8 $R4 --icmp-code 0 --icmp-id 3
	# ICMP options before -r/-q: upstream sends the reply without a protocol and the
	# kernel refuses it (invalid parameters); so do we.
	twin_cmd "" $cmd -t 29 $O4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 4 $R4
	twin_cmd "" $cmd -t 29 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 $O6 $R6
	# One direction only (the reply derived): the same either way.
	twin_cmd "" $cmd -t 29 $O4 -p icmp --icmp-type 13 --icmp-code 0 --icmp-id 5
	twin_cmd "" $cmd -t 29 $O6 -p icmpv6 --icmpv6-type 129 --icmpv6-code 0 --icmpv6-id 5
done

echo "== -I/-A over an existing ICMP entry"
FILL=icmp
twin_cmd "" -I -t 29 $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226
twin_cmd "" -A -t 29 $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226 -m 3
twin_cmd "" -A -t 29 $O6 $R6 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77

echo "== -G with both directions"
# shellcheck disable=SC2086,SC2046 # word splitting wanted
for m in 0 1 2 3 4 5 6 7; do
	twin_cmd "" -G $O4 $R4 -p icmp $(opts icmp 8 0 1226 $m)
	twin_cmd "" -G $O6 $R6 -p icmpv6 $(opts icmpv6 128 0 77 $m)
done
# shellcheck disable=SC2086
{
twin_cmd "-G both directions, other id (not found)" -G $O4 $R4 -p icmp --icmp-type 8 \
	--icmp-code 0 --icmp-id 1
twin_cmd "-G both directions, reply addresses differ" -G $O4 $R4N -p icmp --icmp-type 8 \
	--icmp-code 0 --icmp-id 1226
twin_cmd "" -G $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226 -o extended
twin_cmd "" -G $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226 -o save
twin_cmd "" -G $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226 -o xml
twin_cmd "" -G $O6 $R6 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -o save
twin_cmd "" -G -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226 $O4 $R4
twin_cmd "" -G $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226
twin_cmd "" -G $O4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226
}

echo "== -D and -U with both directions"
# shellcheck disable=SC2086
{
twin_cmd "" -D $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226
twin_cmd "" -D $O4 $R4 -p icmp
twin_cmd "" -D $O6 $R6 -p icmpv6 --icmpv6-type 128
twin_cmd "" -U $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226 -m 5
twin_cmd "" -L $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226
}

echo "== -R: the lines -o save writes"
FILL=none
batch()
{
	local f="$CT_WORK/$1"
	cat >"$f"
	echo "$f"
}
B=$(batch save4 <<-EOF
-A -t 29 -u SEEN_REPLY $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226
-A -t 30 -u UNSET $O4 $R4 -p icmp --icmp-type 13 --icmp-code 0 --icmp-id 1
-A -t 31 -u UNSET -s 192.0.2.3 -d 198.51.100.1 -r 198.51.100.1 -q 192.0.2.3 -p icmp --icmp-type 0 --icmp-code 0 --icmp-id 7
-I -t 32 -u SEEN_REPLY,ASSURED $O6 $R6 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77
-A -t 33 -u UNSET $O6 $R6 -p icmpv6 --icmpv6-type 139 --icmpv6-code 0 --icmpv6-id 5
-A -t 34 -u UNSET -s 192.0.2.9 -d 198.51.100.1 -r 198.51.100.1 -q 192.0.2.9 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1
EOF
)
twin_cmd "-R save lines: icmp and icmpv6 with both directions" -R "$B"
CT_STDIN=$B twin_cmd "-R - save lines from stdin" -R -
B=$(batch bad <<-EOF
-A -t 29 -u SEEN_REPLY $O4 $R4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1226
-A -t 30 -u UNSET $O4 $R4 -p icmp --icmp-type 3 --icmp-code 1
-A -t 31 -u UNSET -s 192.0.2.3 -d 198.51.100.1 -r 198.51.100.1 -q 192.0.2.3 -p icmp --icmp-type 0 --icmp-code 0 --icmp-id 7
EOF
)
twin_cmd "-R: a type without reply stops the batch at line 2" -R "$B"

# 5,000 entries through the reference's save, a flush and a restore: each side restores the
# reference's own save output; the tables afterwards must be the same.
python3 - "$CT_WORK/many" <<-'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(5000):
        a, b = "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255), "192.0.2.%d" % (1 + i % 200)
        if i % 5 == 4:
            f.write("-I -t 600 -u SEEN_REPLY -s 2001:db8::%x -d 2001:db8:1::%x -r 2001:db8:1::%x -q 2001:db8::%x -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id %d\n" % (i, i % 7, i % 7, i, i))
        else:
            f.write("-I -t 600 -u SEEN_REPLY -s %s -d %s -r %s -q %s -p icmp --icmp-type 8 --icmp-code 0 --icmp-id %d\n" % (a, b, b, a, i))
EOF
ip netns exec "$NS_REF" "$ORACLE" -F >/dev/null 2>&1
ip netns exec "$NS_REF" "$ORACLE" -R "$CT_WORK/many"
check "reference creates 5,000 icmp/icmpv6 entries with both directions" 5000 \
	"$(ip netns exec "$NS_REF" "$ORACLE" -C)"
ip netns exec "$NS_REF" "$ORACLE" -L -o save >"$CT_WORK/saved" 2>/dev/null
twin_fill() { :; }
twin_cmd "-R of the reference's save of 5,000 icmp/icmpv6 entries" -R "$CT_WORK/saved"
check "-R restored all 5,000 (ours)" 5000 "$(ip netns exec "$NS_US" "$ORACLE" -C)"

testing_done
