#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd's internal cache and client commands against the reference daemon: both daemons
# watch the same conntrack table and must show the same entries, counters and messages.
#
#   +---------------- ns (reference table + live events) ----------------+
#   |  ours: conntrackd -C ours/conf    ref: /usr/sbin/conntrackd -C ref/conf   |
#   |  UDP links on veth ctd0 (10.250.0.1 -> .2, nobody answers)               |
#   +--------------------------------------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"

ns_private_etc "$@"
ns_new CT_NS d
nsx "$CT_NS" ip link add ctd0 type veth peer name ctd1
nsx "$CT_NS" ip addr add 10.250.0.1/24 dev ctd0
nsx "$CT_NS" ip link set ctd0 up
	nsx "$CT_NS" ip link set ctd1 up
# The silent peer has a fixed neighbour entry: no ARP failures, no ICMP errors whose
# mark rule would update the daemons' own sync flows at random moments.
nsx "$CT_NS" ip neigh add 10.250.0.2 dev ctd0 nud permanent \
	lladdr "$(ip -n "$CT_NS" -br link show ctd1 | awk '{print $3}')"
ct_labelmap
ct_reference_table

ns_tmpdir W
mkdir "$W/ours" "$W/ref"
sync_block()
{
	cat <<-EOF
	Sync {
		Mode FTFW { }
		UDP {
			IPv4_address 10.250.0.1
			IPv4_Destination_Address 10.250.0.2
			Port $1
			Interface ctd0
		}
	}
	EOF
}
dmn_conf "$W/ours/conf" "$W/ours" "$(sync_block 3781)"
dmn_conf "$W/ref/conf" "$W/ref" "$(sync_block 3782)"
dmn_start OURS "$CT_NS" "$CONNTRACKD" "$W/ours/conf"
dmn_start REF "$CT_NS" "$ORACLED" "$W/ref/conf"

# Live events on top of the start-up dump: creations, an update, a deletion.
ct_insert -p tcp -s 192.0.2.100 -d 198.51.100.100 --sport 1 --dport 2 --state ESTABLISHED \
	-t 500 -u SEEN_REPLY,ASSURED
ct_insert -p udp -s 192.0.2.101 -d 198.51.100.101 --sport 3 --dport 4 -t 500 -m 9
ct_insert -p udp -s 2001:db8::101 -d 2001:db8::102 --sport 3 --dport 4 -t 500 \
	--src-nat 2001:db8::99
nsx "$CT_NS" "$ORACLE" -U -p udp -s 192.0.2.101 -m 10 >/dev/null 2>&1
nsx "$CT_NS" "$ORACLE" -D -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 1 --dport 2 >/dev/null 2>&1
sleep 0.5
# ctbox holds state messages up to 1.2 s while its HELLO is unanswered (doc/differences.md,
# FT-FW handshake); the queues compare once they went out, as the reference's did at once.
for _ in $(seq 30); do
	dmn_cli "$CT_NS" "$CONNTRACKD" "$W/ours/conf" -s queue |
		awk '/^queue txqueue:/ { q = 1 } q && /current elements/ { exit $3 != 0 }' && break
	sleep 0.1
done

DMN_OWN='10\.250\.0\.'
both() { dmn_both "$@"; }

# The table is as big as expected on both sides before anything is compared.
testing "cache not empty" "dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -i | wc -l | tr -d ' '" \
	"$(dmn_cli "$CT_NS" "$ORACLED" "$W/ref/conf" -i | wc -l | tr -d ' ')\n"

DMN_SORT=1 both "-i" -i
DMN_SORT=1 both "-i ct" -i ct
DMN_SORT=1 both "-i -x" -i -x
DMN_SORT=1 both "-e" -e
DMN_SORT=1 both "-e -x" -e -x
both "-i expect (no ExpectationSync)" -i expect
# Link counters move with the peer's timing: mask the traffic figures, keep the layout.
DMN_MASK='/(Bytes|Pckts|Error)/s/ *[0-9]+ / N /g' both "-s" -s
DMN_MASK='/(Bytes|Pckts|Error)/s/ *[0-9]+ / N /g' both "-s ct" -s ct
both "-s cache" -s cache
DMN_MASK='s/(events received|events filtered|current buffer size [(]in bytes[)]):\t *[0-9]+$/\1:\tN/' \
	both "-s runtime" -s runtime
DMN_MASK='/(Bytes|Pckts|Error|Packets)/s/[ \t]*[0-9]+/ N/g' both "-s network" -s network
DMN_MASK='/(Bytes|Pckts|Error)/s/ *[0-9]+ / N /g' both "-s link" -s link
DMN_MASK='s/[ \t]*[0-9]+/ N/g' both "-s queue" -s queue
DMN_MASK='s/[ \t]*[0-9]+/ N/g' both "-s rsqueue" -s rsqueue
both "-s process" -s process
both "-s expect" -s expect

# ctbox's own: every figure as one JSON document (doc/json.md); the reference has none.
testing "-s -o json parses, with the caches and links" \
	"dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -s -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"mode\"], d[\"internal\"][\"active\"] > 0, d[\"links\"][0][\"device\"], \"network\" in d)'" \
	"ftfw True ctd0 True\n"
testing "-o json needs -s" "dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -i -o json >/dev/null 2>&1; echo \$?" "1\n"

# Flushes and resyncs change both caches the same way.
both "-f internal" -f internal
DMN_SORT=1 both "-i after -f internal" -i
both "-R" -R
DMN_SORT=1 both "-i after -R" -i
both "-f external" -f external
both "-f" -f
DMN_SORT=1 both "-i after -f" -i
both "-R ct" -R ct
DMN_SORT=1 both "-i after -R ct" -i
both "-n" -n
both "-B" -B
both "-c" -c
both "-t" -t

# Client-side errors need no daemon behind them.
both "-x alone" -x
both "-i -x -d" -i -x -d
both "-d -i" -d -i
DMN_REF_FIX='s/^--- exit 0$/--- exit 1/' both "unknown option" -z
both "-f bogus" -f bogus
both "-s bogus" -s bogus
DMN_MASK='/(Bytes|Pckts|Error)/s/ *[0-9]+ / N /g' both "-s m" -s m
DMN_MASK='/(Bytes|Pckts|Error)/s/ *[0-9]+ / N /g' both "-s multicast" -s multicast
DMN_REF_FIX='s/^--- exit 0$/--- exit 1/' both "-i with a stray word" -i word

# Log lines, minus time and pid, in the same order.
both "-k" -k
sleep 0.5
for side in ours ref; do
	dmn_norm <"$W/$side/log" | grep -v 'netlink event socket buffer\|NetlinkBufferSize' |
		sed -E 's/taken [0-9.]+ seconds/taken N seconds/' >"$W/$side.log"
done
testing "log lines" "cat $W/ours.log" "$(cat "$W/ref.log")\n"
testing "socket removed" "test -e $W/ours/sock || echo gone" "gone\n"
testing "lock removed" "test -e $W/ours/lock || echo gone" "gone\n"
testing "client without daemon" \
	"dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -s >$W/nd.out 2>&1; echo \$? >>$W/nd.out; dmn_norm <$W/nd.out" \
	"[TIME] (pid=PID) [ERROR] can't connect: is conntrackd running? appropriate permissions?\n1\n"
testing_done
