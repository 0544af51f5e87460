#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# FT-FW under loss and duplication: 20% of the sync datagrams dropped at random on the
# receiver and every datagram sent twice by the sender; a burst of creates, then deletions,
# must end with B's external cache equal to A's table: nothing lost, nothing left over.
# Pairings ours->ours, ours->ref and ref->ours.
#
#   A: ctfill burst, conntrackd  --(nft postrouting: dup to B)--> link --(ingress: 20% drop)--> B

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"
. "$(dirname "$0")/../lib/syncpair.sh"

N=${LOSS_N:-3000}
[ -n "$CTBOX_SANITIZED" ] && N=1000
pair_setup

# The original tuples of a listing: what both sides must agree on.
tuples()
{
	awk '{ k = $1; seen = 0
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^src=/ && seen++) break
			if ($i ~ /^(src|dst|sport|dport|type|code|id)=/) k = k " " $i
		}
		if (k !~ /10\.25[23]\.0\.|fd00:25/) print k }' | LC_ALL=C sort
}

converge()
{
	local i
	for ((i = 0; i < 60; i++)); do
		ip netns exec "$NSA" "$ORACLE" -L 2>/dev/null | tuples >"$PW/a.t"
		pair_cli b -e | tuples >"$PW/b.t"
		if cmp -s "$PW/a.t" "$PW/b.t"; then
			echo "$1: $(wc -l <"$PW/b.t") entries equal after ${i}s" >&3
			return 0
		fi
		sleep 1
	done
	echo "$1: A has $(wc -l <"$PW/a.t"), B $(wc -l <"$PW/b.t")" >&3
	diff "$PW/a.t" "$PW/b.t" | head -5 >&3
	return 1
}

nsx "$NSB" nft -f - <<-'NFT'
table netdev ctbox_loss {
	chain in {
		type filter hook ingress device sb0 priority 0;
		udp dport 3780 numgen random mod 100 < 20 counter drop
	}
}
NFT
nsx "$NSA" nft -f - <<-'NFT'
table ip ctbox_dup {
	chain post {
		type filter hook postrouting priority 0;
		udp dport 3780 counter dup to 10.252.0.2
	}
}
NFT

for p in "oo $CONNTRACKD $CONNTRACKD" "or $CONNTRACKD $ORACLED" "ro $ORACLED $CONNTRACKD"; do
	set -- $p
	ip netns exec "$NSA" "$ORACLE" -F >/dev/null 2>&1 || true
	pair_conf a ftfw udp4
	pair_conf b ftfw udp4
	pair_start b "$3"
	pair_start a "$2"
	sleep 1.2
	nsx "$NSA" "$CTFILL" -n "$N" -p tcp,udp,icmp -f 46 -q
	testing "$1: burst of $N under 20% loss" "converge $1-creates && echo ok" "ok\n"
	ip netns exec "$NSA" "$ORACLE" -D -p icmp >/dev/null 2>&1 || true
	ip netns exec "$NSA" "$ORACLE" -D -p udp -f ipv6 >/dev/null 2>&1 || true
	testing "$1: deletions under 20% loss" "converge $1-deletes && echo ok" "ok\n"
	if [ "$3" = "$CONNTRACKD" ]; then
		testing "$1: the receiver saw losses" \
			"pair_cli b -s network | sed -n 's/.*Packets lost:[^0-9]*\([0-9]*\)/\1/p' | grep -qv '^0\$' && echo yes" \
			"yes\n"
		testing "$1: and duplicates" \
			"pair_cli b -s network | sed -n 's/.*Packets before:[^0-9]*\([0-9]*\)/\1/p' | grep -qv '^0\$' && echo yes" \
			"yes\n"
	fi
	pair_stop a
	pair_stop b
done
testing_done
