#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Filter From Kernelspace: the event socket's BPF program. The internal cache must equal the
# reference's, while fewer events reach the daemon: "events received" counts only what the
# program let through (a user-space twin of ours, same filter, sees every event).
#
#   +------------- ns per variant: one conntrack table, three Stats-mode daemons -------------+
#   |  ours: ctbox, Kernelspace   twin: ctbox, Userspace   ref: 1.4.7, Kernelspace/Userspace  |
#   +------------------------------------------------------------------------------------------+
#
# same: a filter the reference's own kernel program applies alike (IPv4 Ignore, no NAT):
#       ours equals the reference in kernel mode, counters included.
# wide: what only ctbox does in the kernel (IPv6, CIDR, Accept, NAT'd reply sources) against
#       the reference in user-space mode: the semantics of the user-space filter.
# nat, accept: where the reference's kernel program differs from its user-space filter, ours
#       follows the user-space filter (equals the twin).
# long: an Address list too long for a program stays in user space (Protocol/State in the
#       kernel); an Address-only one falls back to user-space filtering altogether.

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"

# Stats mode: the same event path and cache as Sync, without sync flows of its own.
stats()
{
	printf 'Stats {\n\tLogFile %s/stats.log\n}\n' "$1"
}

# variant NAME REF_FROM FILTER_BODY: a namespace with ours, the twin and the reference.
variant()
{
	local name=$1 from=$2 body=$3
	ns_new CT_NS "$name"
	# entries in the table before the daemons start: their dumps use the user-space filter
	ct_insert -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1 --dport 2 --state ESTABLISHED \
		-t 500 -u SEEN_REPLY,ASSURED
	ct_insert -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 3 --dport 4 --state CLOSE -t 500
	ct_insert -p udp -s 192.0.2.9 -d 198.51.100.1 --sport 5 --dport 6 -t 500
	ns_tmpdir W
	mkdir "$W/ours" "$W/twin" "$W/ref"
	DMN_GENERAL="Filter From Kernelspace {
$body
	}" dmn_conf "$W/ours/conf" "$W/ours" "$(stats "$W/ours")"
	DMN_GENERAL="Filter From Userspace {
$body
	}" dmn_conf "$W/twin/conf" "$W/twin" "$(stats "$W/twin")"
	DMN_GENERAL="Filter From $from {
$body
	}" dmn_conf "$W/ref/conf" "$W/ref" "$(stats "$W/ref")"
	dmn_start OURS "$CT_NS" "$CONNTRACKD" "$W/ours/conf"
	dmn_start TWIN "$CT_NS" "$CONNTRACKD" "$W/twin/conf"
	dmn_start REF "$CT_NS" "$ORACLED" "$W/ref/conf"
	for side in ours twin ref; do
		counters "$side" >"$W/$side.before"
	done
}

# counters SIDE: "received filtered" of -s runtime
counters()
{
	local bin=$CONNTRACKD
	[ "$1" = ref ] && bin=$ORACLED
	dmn_cli "$CT_NS" "$bin" "$W/$1/conf" -s runtime |
		sed -nE 's/^\tevents (received|filtered):\t *([0-9]+)$/\2/p' | paste -sd' '
}

# delta SIDE: events received and filtered since the variant started, "R F"
delta()
{
	local r0 f0 r1 f1
	read -r r0 f0 <"$W/$1.before"
	read -r r1 f1 < <(counters "$1")
	echo "$((r1 - r0)) $((f1 - f0))"
}

# cache SIDE: the internal cache, sorted
cache()
{
	local bin=$CONNTRACKD
	[ "$1" = ref ] && bin=$ORACLED
	dmn_cli "$CT_NS" "$bin" "$W/$1/conf" -i | dmn_norm | LC_ALL=C sort
}

# The log's filtering lines: level and message.
filter_log()
{
	sed -nE 's/^\[[^]]*\] \(pid=[0-9]+\) \[([A-Za-z]+)\] /\1 /p' "$W/$1/log" |
		grep -E 'event filtering|BPF' || true
}

finish()
{
	local side
	for side in ours twin ref; do
		eval "dmn_stop \$$(echo "$side" | tr a-z A-Z)"
	done
}

# ---- same: a filter both kernel programs apply alike ----------------------------------------
variant same Kernelspace '		Protocol Accept { TCP UDP ICMP }
		Address Ignore { IPv4_address 192.0.2.9 IPv4_address 10.0.0.0/8 }
		State Accept { ESTABLISHED SYN_SENT TIME_WAIT for TCP }'
ct_insert -p tcp -s 192.0.2.100 -d 198.51.100.100 --sport 1 --dport 2 --state ESTABLISHED \
	-t 500 -u SEEN_REPLY,ASSURED
ct_insert -p tcp -s 192.0.2.101 -d 198.51.100.100 --sport 1 --dport 2 --state TIME_WAIT -t 500
ct_insert -p tcp -s 192.0.2.102 -d 198.51.100.100 --sport 1 --dport 2 --state CLOSE -t 500
ct_insert -p udp -s 192.0.2.9 -d 198.51.100.101 --sport 3 --dport 4 -t 500
ct_insert -p udp -s 198.51.100.103 -d 10.1.2.3 --sport 3 --dport 4 -t 500
ct_insert -p sctp -s 192.0.2.30 -d 192.0.2.31 --sport 100 --dport 200 --state ESTABLISHED \
	--orig-vtag 1 --reply-vtag 2 -t 500
ct_insert -p icmp -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 --icmp-id 7 -t 500
ct_insert -p udp -s 192.0.2.50 -d 198.51.100.50 --sport 5 --dport 6 -t 500
ct_insert -p tcp -s 192.0.2.103 -d 198.51.100.100 --sport 1 --dport 2 --state SYN_SENT -t 500
ct_insert -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 7 --dport 8 --state ESTABLISHED -t 500
ct_insert -p udp -s 192.0.2.9 -d 198.51.100.102 --sport 3 --dport 4 -t 500
nsx "$CT_NS" "$ORACLE" -U -p udp -s 192.0.2.50 -m 5 >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -U -p udp -s 192.0.2.9 -m 6 >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -U -p tcp -s 192.0.2.103 -m 7 >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -D -p udp -s 192.0.2.50 >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -D -p udp -s 192.0.2.9 -d 198.51.100.102 >/dev/null 2>&1
sleep 0.5
cache ours >"$W/ours.i"
cache twin >"$W/twin.i"
cache ref >"$W/ref.i"
testing "same: -i equals the reference's (kernel filters)" "cat $W/ours.i" "$(cat "$W/ref.i")\n"
testing "same: -i equals the user-space twin's" "cat $W/ours.i" "$(cat "$W/twin.i")\n"
testing "same: the cache holds what passed" "wc -l <$W/ours.i" "6\n"
read -r OR OF < <(delta ours)
read -r TR TF < <(delta twin)
read -r RR RF < <(delta ref)
echo "# events received/filtered: ours $OR/$OF, twin $TR/$TF, reference $RR/$RF" >&3
testing "same: events received and filtered equal the reference's" "echo $OR $OF" "$RR $RF\n"
testing "same: nothing counted as filtered" "echo $OF" "0\n"
testing "same: the kernel dropped what the twin filtered" \
	"echo \$(($OR + $TF)) \$(($OR < $TR))" "$TR 1\n"
testing "same: log lines" "filter_log ours" "$(filter_log ref)\n"
testing "same: the twin logs user-space filtering" "filter_log twin" \
	"notice using user-space event filtering\n"
# A tracked flow whose destroy the State kind rejects: the kernel program lets destroys through
# without State, so it leaves the cache as with ctbox's user-space filter; upstream's program
# drops that destroy and the entry stays in the reference's cache (doc/differences.md).
ct_insert -p tcp -s 192.0.2.104 -d 198.51.100.100 --sport 1 --dport 2 --state ESTABLISHED -t 500
nsx "$CT_NS" "$ORACLE" -U -p tcp -s 192.0.2.104 --state CLOSE >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -D -p tcp -s 192.0.2.104 >/dev/null 2>&1
sleep 0.5
testing "same: a state-rejected destroy ends a tracked flow" \
	"cache ours | grep -c 192.0.2.104; cache twin | grep -c 192.0.2.104" "0\n0\n"
testing "same: the reference keeps it" "cache ref | grep -c 192.0.2.104" "1\n"
read -r OR2 OF < <(delta ours)
read -r RR2 RF < <(delta ref)
testing "same: ours received the destroy, the reference did not" \
	"echo \$(($OR2 - $OR)) \$(($RR2 - $RR)) $OF" "2 1 0\n"
finish same

# ---- wide: IPv6, CIDR, Accept, NAT (user-space semantics, checked against the reference's) ---
variant wide Userspace '		Protocol Ignore { SCTP GRE }
		Address Accept { IPv4_address 192.0.2.0/25 IPv4_address 10.0.0.80
			IPv6_address 2001:db8::/48 IPv6_address 2001:db9::7 }
		State Ignore { CLOSE SYN_RECV for TCP }'
ct_insert -p tcp -s 192.0.2.100 -d 198.51.100.100 --sport 1 --dport 2 --state ESTABLISHED \
	-t 500 -u SEEN_REPLY,ASSURED
ct_insert -p tcp -s 192.0.2.200 -d 198.51.100.100 --sport 1 --dport 2 --state ESTABLISHED -t 500
ct_insert -p tcp -s 192.0.2.101 -d 198.51.100.100 --sport 1 --dport 2 --state CLOSE -t 500
ct_insert -p tcp -s 192.0.2.102 -d 198.51.100.100 --sport 1 --dport 2 --state SYN_RECV -t 500
ct_insert -p tcp -s 192.0.2.103 -d 198.51.100.100 --sport 1 --dport 2 --state FIN_WAIT -t 500
ct_insert -p udp -s 198.51.100.5 -d 192.0.2.127 --sport 3 --dport 4 -t 500
ct_insert -p udp -s 198.51.100.5 -d 192.0.2.128 --sport 3 --dport 4 -t 500
ct_insert -p tcp -s 203.0.113.50 -d 198.51.100.7 --sport 5 --dport 8080 --state ESTABLISHED \
	-t 500 -u SEEN_REPLY --dst-nat 10.0.0.80:80
ct_insert -p tcp -s 203.0.113.51 -d 198.51.100.7 --sport 5 --dport 8080 --state ESTABLISHED \
	-t 500 -u SEEN_REPLY --dst-nat 10.0.0.81:80
ct_insert -p sctp -s 192.0.2.30 -d 192.0.2.31 --sport 100 --dport 200 --state ESTABLISHED \
	--orig-vtag 1 --reply-vtag 2 -t 500
ct_insert -p gre -s 192.0.2.20 -d 192.0.2.21 --srckey 1 --dstkey 2 -t 500
ct_insert -p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 \
	--icmpv6-id 7 -t 500
ct_insert -p tcp -s 2001:db8:0:ffff::1 -d 2001:db7::2 --sport 7 --dport 8 --state ESTABLISHED \
	-t 500
ct_insert -p udp -s 2001:db8:1::1 -d 2001:db7::2 --sport 7 --dport 8 -t 500
ct_insert -p udp -s 2001:db7::1 -d 2001:db9::7 --sport 7 --dport 8 -t 500
ct_insert -p udp -s 2001:db7::1 -d 2001:db9::8 --sport 7 --dport 8 -t 500
nsx "$CT_NS" "$ORACLE" -U -p udp -s 198.51.100.5 -m 5 >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -D -p udp -s 198.51.100.5 -d 192.0.2.127 >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -D -f ipv6 -p udp -s 2001:db8:1::1 >/dev/null 2>&1
sleep 0.5
cache ours >"$W/ours.i"
cache twin >"$W/twin.i"
cache ref >"$W/ref.i"
testing "wide: -i equals the reference's (user-space filter)" "cat $W/ours.i" "$(cat "$W/ref.i")\n"
testing "wide: -i equals the user-space twin's" "cat $W/ours.i" "$(cat "$W/twin.i")\n"
testing "wide: the NAT'd reply source and IPv6 nets are kept" \
	"grep -c -e 10.0.0.80 -e 2001:db8: -e 2001:db9::7 $W/ours.i" "4\n"
read -r OR OF < <(delta ours)
read -r TR TF < <(delta twin)
read -r RR RF < <(delta ref)
echo "# events received/filtered: ours $OR/$OF, twin $TR/$TF, reference $RR/$RF" >&3
testing "wide: the twin counts as the reference" "echo $TR $TF" "$RR $RF\n"
testing "wide: the kernel dropped what user space filtered" \
	"echo $OF \$(($OR + $TF)) \$(($OR < $TR))" "0 $TR 1\n"
testing "wide: log lines" "filter_log ours" "notice using kernel-space event filtering\n"
finish wide

# ---- where the reference's kernel program differs (doc/differences.md) ------------------------
# It tests the original destination, not the reply source: NAT'd connections differ.
variant nat Kernelspace '		Address Ignore { IPv4_address 10.0.0.80 }'
ct_insert -p tcp -s 203.0.113.50 -d 198.51.100.7 --sport 5 --dport 8080 --state ESTABLISHED \
	-t 500 -u SEEN_REPLY --dst-nat 10.0.0.80:80
ct_insert -p tcp -s 198.51.100.9 -d 10.0.0.80 --sport 5 --dport 8080 --state ESTABLISHED \
	-t 500 -u SEEN_REPLY --dst-nat 192.0.2.77:80
sleep 0.5
testing "nat: -i equals the user-space twin's" "cache ours" "$(cache twin)\n"
testing "nat: ctbox drops the reply source 10.0.0.80, keeps the original destination" \
	"cache ours | grep -c -e 203.0.113.50 -e 198.51.100.9" "1\n"
testing "nat: the reference's kernel program does the opposite" \
	"cache ref | grep -e 203.0.113.50 -e 198.51.100.9 | grep -o 'src=[0-9.]*' | head -1" \
	"src=203.0.113.50\n"
testing "nat: ctbox keeps the other" \
	"cache ours | grep -e 203.0.113.50 -e 198.51.100.9 | grep -o 'src=[0-9.]*' | head -1" \
	"src=198.51.100.9\n"
finish nat

# Under Accept it keeps only IPv4 connections whose two ends are listed, and no IPv6 one.
variant accept Kernelspace '		Address Accept { IPv4_address 192.0.2.0/24 IPv6_address 2001:db8::/32 }'
ct_insert -p udp -s 192.0.2.5 -d 192.0.2.6 --sport 7 --dport 8 -t 500
ct_insert -p udp -s 192.0.2.5 -d 198.51.100.6 --sport 7 --dport 8 -t 500
ct_insert -p udp -s 2001:db8::5 -d 2001:db8::6 --sport 7 --dport 8 -t 500
ct_insert -p udp -s 2001:db8::5 -d 2001:db7::6 --sport 7 --dport 8 -t 500
sleep 0.5
testing "accept: -i equals the user-space twin's" "cache ours" "$(cache twin)\n"
testing "accept: ctbox keeps either end listed, IPv6 too" \
	"cache ours | grep -c -e 'sport=7 dport=8'" "4\n"
testing "accept: the reference's kernel program keeps one" \
	"cache ref | grep -c -e 'sport=7 dport=8'" "1\n"
finish accept

# ---- long: too many addresses for a program ---------------------------------------------------
many=$(for ((i = 0; i < 2600; i++)); do
	printf '\t\tIPv4_address 172.%d.%d.%d\n' $((16 + i / 65536)) $((i / 256 % 256)) $((i % 256))
done)
variant long Userspace "		Protocol Accept { TCP UDP }
		Address Ignore {
$many
			IPv4_address 192.0.2.9 }
		State Accept { ESTABLISHED for TCP }"
ct_insert -p tcp -s 192.0.2.100 -d 198.51.100.100 --sport 1 --dport 2 --state ESTABLISHED -t 500
ct_insert -p tcp -s 192.0.2.101 -d 198.51.100.100 --sport 1 --dport 2 --state CLOSE -t 500
ct_insert -p udp -s 192.0.2.9 -d 198.51.100.101 --sport 3 --dport 4 -t 500
ct_insert -p udp -s 172.16.10.9 -d 198.51.100.101 --sport 3 --dport 4 -t 500
ct_insert -p udp -s 198.51.100.101 -d 172.16.10.10 --sport 3 --dport 4 -t 500
ct_insert -p udp -s 198.51.100.101 -d 172.16.11.10 --sport 3 --dport 4 -t 500
ct_insert -p icmp -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 --icmp-id 7 -t 500
sleep 0.5
cache ours >"$W/ours.i"
cache ref >"$W/ref.i"
testing "long: -i equals the reference's (user-space filter)" "cat $W/ours.i" "$(cat "$W/ref.i")\n"
read -r OR OF < <(delta ours)
read -r TR TF < <(delta twin)
echo "# events received/filtered: ours $OR/$OF, twin $TR/$TF" >&3
# the kernel drops CLOSE and ICMP; user space filters the three listed addresses
testing "long: Address in user space, the rest in the kernel" \
	"echo \$(($OR + 2)) $OF" "$TR 3\n"
testing "long: log lines" "filter_log ours" "notice using kernel-space event filtering
notice too many addresses for a BPF program: the Address filter stays in user space\n"
finish long

variant longonly Userspace "		Address Ignore {
$many
			IPv4_address 192.0.2.9 }"
ct_insert -p udp -s 192.0.2.9 -d 198.51.100.101 --sport 3 --dport 4 -t 500
ct_insert -p udp -s 172.16.10.9 -d 198.51.100.101 --sport 3 --dport 4 -t 500
ct_insert -p udp -s 192.0.2.10 -d 198.51.100.101 --sport 3 --dport 4 -t 500
sleep 0.5
cache ours >"$W/ours.i"
cache ref >"$W/ref.i"
testing "longonly: -i equals the reference's" "cat $W/ours.i" "$(cat "$W/ref.i")\n"
read -r OR OF < <(delta ours)
read -r TR TF < <(delta twin)
testing "longonly: user-space filtering" "echo $OR $OF" "$TR $TF\n"
testing "longonly: log lines" "filter_log ours" \
	"ERROR cannot set event filtering: too many addresses for a BPF program
notice using user-space event filtering\n"
finish longonly

testing_done
