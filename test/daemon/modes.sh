#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd's configurations against the reference daemon, one fresh namespace each:
# user-space filters (and -F keeping what they reject), NOTRACK with both caches disabled,
# ALARM, and ExpectationSync with a real FTP expectation. Both daemons watch one table.
#
#   +---------- ns per variant: reference table, FTP session, veth ctd0/ctd1 ----------+
#   |  ours: conntrackd -C ours/conf            ref: /usr/sbin/conntrackd -C ref/conf   |
#   +-----------------------------------------------------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"

ns_private_etc "$@"
DMN_OWN='10\.250\.0\.'
MASK_LINK='/(Bytes|Pckts|Error)/s/ *[0-9]+ / N /g'

# An FTP control session (helper ftp) whose expectation lives while the test runs.
cat >"$CT_WORK/ftp.py" <<-'PY'
import socket, sys, time
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 21))
srv.listen(1)
cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cli.bind(("127.0.0.1", 40021))
cli.connect(("127.0.0.1", 21))
conn, _ = srv.accept()
conn.sendall(b"220 hi\r\n"); cli.recv(100)
cli.sendall(b"USER x\r\n"); conn.recv(100)
conn.sendall(b"331 ok\r\n"); cli.recv(100)
cli.sendall(b"PORT 127,0,0,1,200,10\r\n"); conn.recv(100)
conn.sendall(b"200 ok\r\n"); cli.recv(100)
open(sys.argv[1], "w").write("ready\n")
time.sleep(300)
PY

FTP_NFT='table inet ctbox_ftp {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
}'

# variant NAME SECTIONS: a namespace with the reference table and both daemons.
variant()
{
	local name=$1 i
	ns_new CT_NS "$name"
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
	echo "$FTP_NFT" | nsx "$CT_NS" nft -f -
	rm -f "$CT_WORK/ftp.ready"
	ns_bg "$CT_NS" timeout 300 python3 "$CT_WORK/ftp.py" "$CT_WORK/ftp.ready" >/dev/null 2>&1
	for ((i = 0; i < 50; i++)); do
		[ -e "$CT_WORK/ftp.ready" ] && break
		sleep 0.1
	done
	ns_tmpdir W
	mkdir "$W/ours" "$W/ref"
	dmn_conf "$W/ours/conf" "$W/ours" "${2//PORT/3781}"
	dmn_conf "$W/ref/conf" "$W/ref" "${2//PORT/3782}"
	dmn_start OURS "$CT_NS" "$CONNTRACKD" "$W/ours/conf"
	dmn_start REF "$CT_NS" "$ORACLED" "$W/ref/conf"
	live_events
}

# Events on top of the start-up dump.
live_events()
{
	ct_insert -p tcp -s 192.0.2.100 -d 198.51.100.100 --sport 1 --dport 2 \
		--state ESTABLISHED -t 500 -u SEEN_REPLY,ASSURED
	ct_insert -p tcp -s 192.0.2.101 -d 198.51.100.100 --sport 1 --dport 2 \
		--state TIME_WAIT -t 500
	ct_insert -p udp -s 192.0.2.9 -d 198.51.100.101 --sport 3 --dport 4 -t 500 -m 9
	nsx "$CT_NS" "$ORACLE" -D -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 1 --dport 2 \
		>/dev/null 2>&1 || true
	sleep 0.5
}

link()
{
	printf '\tUDP {\n\t\tIPv4_address 10.250.0.1\n\t\tIPv4_Destination_Address 10.250.0.2\n'
	printf '\t\tPort PORT\n\t\tInterface ctd0\n\t}\n'
}

battery()
{
	local v=$1
	DMN_SORT=1 dmn_both "$v: -i" -i
	DMN_SORT=1 dmn_both "$v: -i -x" -i -x
	DMN_SORT=1 dmn_both "$v: -e" -e
	DMN_SORT=1 dmn_both "$v: -i expect" -i expect
	DMN_SORT=1 dmn_both "$v: -i expect -x" -i expect -x
	DMN_SORT=1 dmn_both "$v: -e expect" -e expect
	DMN_MASK=$MASK_LINK dmn_both "$v: -s" -s
	DMN_MASK=$MASK_LINK dmn_both "$v: -s expect" -s expect
	dmn_both "$v: -s cache" -s cache
	DMN_MASK='s/[ \t]*[0-9]+/ N/g' dmn_both "$v: -s queue" -s queue
	# With no peer ever heard, ctbox keeps nothing to resend (doc/differences.md): the
	# header only; test/sync covers the queue with real peers.
	DMN_MASK='s/[ \t]*[0-9]+/ N/g; /^object -> /d' dmn_both "$v: -s rsqueue" -s rsqueue
	dmn_both "$v: -R" -R
	DMN_SORT=1 dmn_both "$v: -i after -R" -i
	dmn_both "$v: -n" -n
	dmn_both "$v: -B" -B
	dmn_both "$v: -c" -c
	dmn_both "$v: -f" -f
	DMN_SORT=1 dmn_both "$v: -i after -f" -i
}

finish()
{
	local v=$1 side
	dmn_both "$v: -k" -k
	sleep 0.5
	for side in ours ref; do
		dmn_norm <"$W/$side/log" | grep -v 'netlink event socket buffer\|NetlinkBufferSize' |
			sed -E 's/taken [0-9.]+ seconds/taken N seconds/' >"$W/$side.log"
	done
	testing "$v: log lines" "cat $W/ours.log" "$(cat "$W/ref.log")\n"
}

FILTER='	Filter From Userspace {
		Protocol Accept { TCP UDP ICMP IPv6-ICMP }
		Address Ignore { IPv4_address 192.0.2.9 IPv4_address 10.0.0.0/8 IPv6_address 2001:db8::5 }
		State Accept { ESTABLISHED SYN_SENT TIME_WAIT for TCP }
	}'
DMN_GENERAL=$FILTER variant filter "Sync {
	Mode FTFW { }
$(link)
}"
ct_insert -p tcp -s 192.0.2.102 -d 198.51.100.100 --sport 1 --dport 2 --state CLOSE -t 500
ct_insert -p udp -s 192.0.2.9 -d 198.51.100.102 --sport 3 --dport 4 -t 500
sleep 0.5
battery filter
DMN_MASK='s/^(\t(events received|current buffer size [(]in bytes[)])):\t *[0-9]+/\1:\tN/' dmn_both "filter: -s runtime" -s runtime
# -F leaves what the filter rejects: compare what is left after each daemon flushed.
left()
{
	ip netns exec "$CT_NS" "$ORACLE" -L 2>/dev/null |
		sed -E 's/^([a-z0-9]+ +[0-9]+) [0-9]+ /\1 /; s/ (use|delta-time)=[0-9]+//g' |
		grep -v "$DMN_OWN" | LC_ALL=C sort
}
dmn_cli "$CT_NS" "$CONNTRACKD" "$W/ours/conf" -F
sleep 1
left >"$W/left.ours"
nsx "$CT_NS" "$ORACLE" -F >/dev/null 2>&1 || true
ct_reference_table >/dev/null 2>&1
live_events
ct_insert -p tcp -s 192.0.2.102 -d 198.51.100.100 --sport 1 --dport 2 --state CLOSE -t 500
ct_insert -p udp -s 192.0.2.9 -d 198.51.100.102 --sport 3 --dport 4 -t 500
sleep 0.5
dmn_cli "$CT_NS" "$ORACLED" "$W/ref/conf" -F
sleep 1
left >"$W/left.ref"
testing "filter: -F leaves the filtered entries" "cat $W/left.ours" "$(cat "$W/left.ref")\n"
testing "filter: -F left some" "test -s $W/left.ours && echo yes" "yes\n"
finish filter

variant notrack "Sync {
	Mode NOTRACK {
		DisableInternalCache on
		DisableExternalCache on
	}
$(link)
}"
# Bypass: -i is the kernel table in conntrack -L format, with timeouts that tick.
DMN_SORT=1 DMN_MASK='s/^([a-z0-9]+ +[0-9]+) [0-9]+ /\1 T /; s/ delta-time=[0-9]+//' \
	dmn_both "notrack: -i (kernel)" -i
dmn_both "notrack: -e" -e
# Bypass counts every event, the daemons' own sync flows too: they race, mask the counts.
DMN_MASK="$MASK_LINK;"'s/^(connections [a-z]+:\t+) +[0-9]+$/\1N/' dmn_both "notrack: -s" -s
DMN_MASK='s/^(connections [a-z]+:\t+) +[0-9]+$/\1N/' dmn_both "notrack: -s cache" -s cache
dmn_both "notrack: -R" -R
dmn_both "notrack: -c" -c
DMN_MASK='s/[ \t]*[0-9]+/ N/g' dmn_both "notrack: -s queue" -s queue
finish notrack

variant alarm "Sync {
	Mode ALARM {
		RefreshTime 5
		CacheTimeout 10
	}
$(link)
}"
battery alarm
finish alarm

variant expect "Sync {
	Mode FTFW { }
	Options { ExpectationSync { ftp sip } }
$(link)
}"
battery expect
dmn_both "expect: -R expect" -R expect
DMN_SORT=1 dmn_both "expect: -i expect after -R expect" -i expect
dmn_both "expect: -F expect" -F expect
sleep 0.5
DMN_SORT=1 dmn_both "expect: -i expect after -F expect" -i expect
finish expect
testing_done
