#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# State sync between two firewalls, every pairing of ctbox and the reference conntrackd:
# flows created on A appear in B's external cache, follow A's updates and deletions, and
# commit into B's kernel; each pairing must give what reference -> reference gives.
#
# usage: interop.sh MODE LINK    MODE: ftfw notrack alarm; LINK: udp4 udp6 mcast4 mcast6
#
#   A: flows by `conntrack -I`, sender daemon  ==link==  B: receiver daemon, -e, -c, -L
#   pairings (sender -> receiver): ref->ref (the baseline), ours->ours, ours->ref, ref->ours

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"
. "$(dirname "$0")/../lib/syncpair.sh"

MODE=${1:-ftfw}
LINK=${2:-udp4}
pair_setup

# Flows of every kind the wire carries.
mk_flows()
{
	local a=(ip netns exec "$NSA" "$ORACLE" -I)
	{
		"${a[@]}" -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1000 --dport 80 --state ESTABLISHED -t 300 -u SEEN_REPLY,ASSURED
		"${a[@]}" -p tcp -s 192.0.2.2 -d 198.51.100.1 --sport 1001 --dport 80 --state SYN_SENT -t 300
		"${a[@]}" -p tcp -s 192.0.2.3 -d 198.51.100.1 --sport 1002 --dport 443 --state TIME_WAIT -t 300 -m 42
		"${a[@]}" -p udp -s 192.0.2.4 -d 198.51.100.2 --sport 53 --dport 53 -t 300
		"${a[@]}" -p udp -s 10.0.0.5 -d 203.0.113.9 --sport 1234 --dport 8080 -t 300 -u SEEN_REPLY --src-nat 192.0.2.100:40000
		"${a[@]}" -p tcp -s 203.0.113.50 -d 198.51.100.7 --sport 5555 --dport 80 --state ESTABLISHED -t 300 -u SEEN_REPLY,ASSURED --dst-nat 10.0.0.80:8080
		"${a[@]}" -p udp -s 10.0.0.6 -d 203.0.113.9 --sport 33001 --dport 53 -t 300 --src-nat 192.0.2.101
		"${a[@]}" -p icmp -s 192.0.2.5 -d 198.51.100.3 --icmp-type 8 --icmp-code 0 --icmp-id 4660 -t 30
		"${a[@]}" -p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -t 30
		"${a[@]}" -p tcp -s 2001:db8::10 -d 2001:db8::20 --sport 40000 --dport 22 --state ESTABLISHED -t 300 -u SEEN_REPLY,ASSURED -m 7
		"${a[@]}" -p udp -s 2001:db8::11 -d 2001:db8::21 --sport 1 --dport 2 -t 300 --src-nat 2001:db8::99
		"${a[@]}" -p udp -s 192.0.2.6 -d 198.51.100.4 --sport 7 --dport 8 -t 300 -w 5
		"${a[@]}" -p sctp -s 192.0.2.7 -d 198.51.100.5 --sport 100 --dport 200 --state ESTABLISHED --orig-vtag 1 --reply-vtag 2 -t 300
		"${a[@]}" -p gre -s 192.0.2.8 -d 198.51.100.6 --srckey 0x1234 --dstkey 0xabcd -t 300
		"${a[@]}" -p udplite -s 192.0.2.9 -d 198.51.100.7 --sport 9 --dport 10 -t 300
		"${a[@]}" -p 99 -s 192.0.2.10 -d 198.51.100.8 -t 300
	} >/dev/null 2>&1
}
NFLOWS=16

mod_flows()
{
	local a=(ip netns exec "$NSA" "$ORACLE")
	{
		"${a[@]}" -U -p tcp -s 192.0.2.1 -m 99
		"${a[@]}" -U -p udp -s 192.0.2.4 -m 5
		"${a[@]}" -D -p tcp -s 192.0.2.2
		"${a[@]}" -D -p udp -s 10.0.0.6
		"${a[@]}" -D -p gre
	} >/dev/null 2>&1 || true
}

# What B shows, without what ticks.
ext_rec()
{
	pair_cli b -e | dmn_norm | LC_ALL=C sort
}
kernel_rec()
{
	ip netns exec "$NSB" "$ORACLE" -L 2>/dev/null |
		sed -E 's/^([a-z0-9]+ +[0-9]+) [0-9]+ /\1 T /; s/ (use|delta-time)=[0-9]+//g' |
		grep -v '10\.25[23]\.0\.\|fd00:25' | LC_ALL=C sort
}

# run TAG SENDER RECEIVER: one pairing, recorded in $PW/TAG.*
run()
{
	local tag=$1 i
	ip netns exec "$NSA" "$ORACLE" -F >/dev/null 2>&1 || true
	ip netns exec "$NSB" "$ORACLE" -F >/dev/null 2>&1 || true
	pair_conf a "$MODE" "$LINK"
	pair_conf b "$MODE" "$LINK"
	pair_start b "$3"
	pair_start a "$2"
	# FT-FW: let the HELLO handshake settle before the first flow.
	sleep 1.2
	mk_flows
	pair_wait_ext "$NFLOWS" || true
	sleep 0.3
	ext_rec >"$PW/$tag.e1"
	mod_flows
	for ((i = 0; i < 50; i++)); do
		[ "$(pair_cli b -e | wc -l)" -le $((NFLOWS - 3)) ] && break
		sleep 0.1
	done
	sleep 0.5
	ext_rec >"$PW/$tag.e2"
	pair_cli b -c
	sleep 0.3
	kernel_rec >"$PW/$tag.k"
	pair_cli a -s >"$PW/$tag.sa"
	pair_cli b -s >"$PW/$tag.sb"
	pair_stop a
	pair_stop b
}

run rr "$ORACLED" "$ORACLED"
testing "$MODE/$LINK: reference pair synced" "wc -l <$PW/rr.e1" "$NFLOWS\n"
for p in "oo $CONNTRACKD $CONNTRACKD" "or $CONNTRACKD $ORACLED" "ro $ORACLED $CONNTRACKD"; do
	set -- $p
	run "$@"
	testing "$MODE/$LINK $1: external cache" "cat $PW/$1.e1" "$(cat "$PW/rr.e1")\n"
	testing "$MODE/$LINK $1: after updates and deletes" "cat $PW/$1.e2" "$(cat "$PW/rr.e2")\n"
	testing "$MODE/$LINK $1: committed table" "cat $PW/$1.k" "$(cat "$PW/rr.k")\n"
done
testing_done
