#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The sync channel layer (core/chan.c + channels/) on real sockets: UDP over IPv4, IPv6 global
# and link-local, multicast over IPv4 and IPv6, in both directions; MTU packing; Checksum off;
# counters; the -s blocks; link fail-over; interop with the reference conntrackd's channels.
#
#  +------- ctbox-<pid>-<rand>-cha -------+        +------- ctbox-<pid>-<rand>-chb -------+
#  |  chantest / reference conntrackd     |        |  chantest                            |
#  |  va1 10.201.1.1  fd01::1  fe80::a1   |========|  vb1 10.201.1.2  fd01::2  fe80::b1   |
#  |  va2 10.201.2.1  fd02::1  fe80::a2   |========|  vb2 10.201.2.2  fd02::2  fe80::b2   |
#  +--------------------------------------+        +--------------------------------------+
#
# chantest (test/tools/chantest.c) reads commands from a fifo; `drv NODE CMD` runs one and
# prints its output. Channels left out of the build are skipped; a config naming them must
# fail with EPROTONOSUPPORT.

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"

[ -n "$BUILDDIR" ] || { echo "BUILDDIR is not set" >&2; exit 1; }
CHANTEST=$BUILDDIR/test/tools/chantest
SNIFF=$BUILDDIR/test/tools/udpsniff
ORACLE_D=${ORACLE_D:-/usr/sbin/conntrackd}
built() { grep -q "^#define CONFIG_CHANNEL_$1 1" "$BUILDDIR/config.h"; }
HAVE_UDP=0 HAVE_MCAST=0
built UDP && HAVE_UDP=1
built MCAST && HAVE_MCAST=1

ns_new A cha
ns_new B chb
ns_tmpdir T
for i in 1 2; do
	ip -n "$A" link add "va$i" type veth peer name "vb$i" netns "$B"
	# fixed link-local addresses, and no DAD delay for any address
	ip -n "$A" link set "va$i" addrgenmode none
	ip -n "$B" link set "vb$i" addrgenmode none
	ip -n "$A" link set "va$i" up
	ip -n "$B" link set "vb$i" up
done
# addrs: (re)assign every address; a link taken down loses its IPv6 addresses
addrs()
{
	local i
	for i in 1 2; do
		ip -n "$A" addr replace "10.201.$i.1/24" dev "va$i"
		ip -n "$B" addr replace "10.201.$i.2/24" dev "vb$i"
		ip -n "$A" addr replace "fd0$i::1/64" dev "va$i" nodad
		ip -n "$B" addr replace "fd0$i::2/64" dev "vb$i" nodad
		ip -n "$A" addr replace "fe80::a$i/64" dev "va$i" nodad
		ip -n "$B" addr replace "fe80::b$i/64" dev "vb$i" nodad
	done
}

# start NODE NS LINK...: a chantest on NODE (A or B) reading commands from $T/NODE.in
start()
{
	local node=$1 ns=$2 fd
	shift 2
	rm -f "$T/$node.in"
	: >"$T/$node.log"
	mkfifo "$T/$node.in"
	# read-write: neither this open nor the driver's blocks, and it never sees EOF
	exec {fd}<>"$T/$node.in"
	printf -v "FD_$node" '%s' "$fd"
	# not ns_bg: a background job without its own stdin redirection reads /dev/null
	pretty "${ns##*-}" "chantest $* &"
	ip netns exec "$ns" "$CHANTEST" "$@" <"$T/$node.in" >>"$T/$node.log" 2>&1 &
	CT_PID_LIST+=("$!")
	printf -v "PID_$node" '%s' "$!"
	drv "$node" cur >/dev/null
}

# drv NODE CMD: run one chantest command, print its output without the "# " event lines
drv()
{
	local node=$1 log=$T/$1.log fd=FD_$1 pid=PID_$1 k i=0
	shift
	k=$(grep -c '^== ' "$log" || true)
	k=$((k + 1))
	echo "$*" >&"${!fd}"
	until grep -qx "== $k" "$log"; do
		if [ $((i += 1)) -gt 400 ] || ! kill -0 "${!pid}" 2>/dev/null; then
			echo "drv $node '$*': no answer" >&2
			cat "$log" >&2
			return 1
		fi
		sleep 0.05
	done
	awk -v k="$k" 'BEGIN { p = k == 1 }
		/^== / { n = substr($0, 4) + 0; if (n == k - 1) { p = 1; next } if (n == k) exit }
		p && !/^# /' "$log"
}

# stop NODE: quit the driver and wait for it; a bad exit (or a sanitizer report) is noted
DIRTY=
stop()
{
	local pid=PID_$1 fd=FD_$1 rc=0
	drv "$1" quit >/dev/null 2>&1 || true
	eval "exec ${!fd}>&-"
	wait "${!pid}" 2>/dev/null || rc=$?
	if [ $rc != 0 ] || grep -qE 'Sanitizer|runtime error' "$T/$1.log"; then
		DIRTY="$DIRTY $1:$rc"
		cat "$T/$1.log" >&2
	fi
}

# events NODE: the "# " event lines so far, minus datagram traces
events() { grep '^# ' "$T/$1.log" | grep -v -e '^# recv' -e '^# open'; }

# retry CMD...: up to 3 s until CMD succeeds (carrier changes reach the peer asynchronously)
retry()
{
	local i
	for i in $(seq 60); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}
# has NODE IF STATUS: does -s link show that status for the interface?
has() { drv "$1" links | grep -q "device=$2 status=$3 "; }
# links_up: wait until all four veths are UP with carrier (operstate follows asynchronously)
links_up()
{
	local i
	for i in 1 2; do
		retry ip netns exec "$A" grep -qx up "/sys/class/net/va$i/operstate" || return 1
		retry ip netns exec "$B" grep -qx up "/sys/class/net/vb$i/operstate" || return 1
	done
	addrs
}

# sniff NS IF PORT COUNT: start udpsniff in the background; sniffed prints "v4|v6 len=N csum"
sniff()
{
	rm -f "$T/sniff"
	ns_bg "$1" "$SNIFF" "$2" "$3" "$4" 5000 >"$T/sniff"
	SNIFF_PID=$!
	local i=0
	until grep -q ready "$T/sniff"; do
		[ $((i += 1)) -lt 100 ] || return 1
		sleep 0.05
	done
}
sniffed()
{
	# (runs in testing's subshell: not our child to wait for)
	while kill -0 "$SNIFF_PID" 2>/dev/null; do sleep 0.05; done
	grep -v ready "$T/sniff" | sed -E 's/csum=0x0000/csum=zero/; s/csum=0x[0-9a-f]{4}/csum=set/'
}

# Two UDP links on each side; extra words are appended to every link spec of both.
udp4()
{
	local x=${1:+,$1} y=${2:+,$2}
	start A "$A" "udp,if=va1,addr=10.201.1.1,dest=10.201.1.2,port=3780$x" \
		"udp,if=va2,addr=10.201.2.1,dest=10.201.2.2,port=3780$y"
	start B "$B" "udp,if=vb1,addr=10.201.1.2,dest=10.201.1.1,port=3780" \
		"udp,if=vb2,addr=10.201.2.2,dest=10.201.2.1,port=3780"
}

links_up
if [ $HAVE_UDP = 1 ]; then
	udp4
	sniff "$B" vb1 3780 2
	testing "udp4: 20 x 76 bytes A -> B arrive in order" \
		"drv A send 20 76; drv B waitrx 20 3000; drv B rx" \
		"received 20\nmsgs 20 gaps 0 refused 0 link0 20 link1 0\n"
	# 19 x 76 = 1444 < 1472 = MTU 1500 - 28; a 20th would reach 1520
	testing "udp4: packed into MTU - 28 byte datagrams (sniffed)" "sniffed" \
		"v4 len=1444 csum=set ttl=64\nv4 len=76 csum=set ttl=64\n"
	testing "udp4: 5 x 8 bytes B -> A" "drv B send 5 8; drv A waitrx 5 3000" "received 5\n"
	testing "udp4: counters are payload bytes and datagrams" "drv A counters; drv B counters" \
		"va1 sent 1520/2/0 recv 40/1/0\nva2 sent 0/0/0 recv 0/0/0\nvb1 sent 40/1/0 recv 1520/2/0\nvb2 sent 0/0/0 recv 0/0/0\n"
	testing "udp4: -s block of the current link" "drv A stats" \
		"UDP traffic (active device=va1):
                1520 Bytes sent                   40 Bytes recv
                   2 Pckts sent                    1 Pckts recv
                   0 Error send                    0 Error recv

"
	testing "udp4: -s link blocks" "drv B links" \
		"UDP traffic device=vb1 status=RUNNING role=ACTIVE:
                  40 Bytes sent                 1520 Bytes recv
                   1 Pckts sent                    2 Pckts recv
                   0 Error send                    0 Error recv

UDP traffic device=vb2 status=RUNNING role=BACKUP:
                   0 Bytes sent                    0 Bytes recv
                   0 Pckts sent                    0 Pckts recv
                   0 Error send                    0 Error recv

"
	# strictly less: 3 x 368 = 1104, a 4th would make exactly 1472, which must not fit
	testing "udp4: a datagram never reaches MTU - 28 bytes" \
		"drv B dgrams >/dev/null; drv A send 4 368; drv B waitrx 24 3000; drv B dgrams" \
		"received 24\nlink0 1104 368\nlink1\n"
	testing "udp4: queued messages wait for the flush" \
		"drv A queue 2 8; drv B waitrx 26 300; drv A flush; drv B waitrx 26 3000; drv B dgrams" \
		"received 24\nreceived 26\nlink0 16\nlink1\n"
	# upstream's send loop spins on a message bigger than the buffer; it goes out alone here
	testing "udp4: an oversized message goes out alone" \
		"drv A queue 1 8; drv A send 1 1600; drv B waitrx 28 3000; drv B dgrams; drv A counters" \
		"received 28\nlink0 8 1600\nlink1\nva1 sent 4616/7/0 recv 40/1/0\nva2 sent 0/0/0 recv 0/0/0\n"
	testing "udp4: a message of another version is not accepted" \
		"drv A bad 1; drv B poll 200; drv B rx" "msgs 28 gaps 0 refused 1 link0 28 link1 0\n"
	stop A
	stop B

	# the send buffer follows each link's MTU, read at open
	# (an MTU under 1280 would strip the IPv6 addresses)
	ip -n "$A" link set va2 mtu 1300
	ip -n "$B" link set vb2 mtu 1300
	udp4 "" default
	# 16 x 76 = 1216 < 1272; a 17th would reach 1292
	testing "udp4: link 2 (Default) packs to its MTU 1300 - 28" \
		"drv A cur; drv A send 17 76; drv B waitrx 17 3000; drv B dgrams" \
		"current 1 va2\nreceived 17\nlink0\nlink1 1216 76\n"
	testing "udp4: receiving on link 2 makes it current" "drv B cur" "current 1 vb2\n"
	stop A
	stop B
	ip -n "$A" link set va2 mtu 1500
	ip -n "$B" link set vb2 mtu 1500
	links_up

	udp4 "nocsum,rcvbuf=1000000,sndbuf=600000" "rcvbuf=1000000"
	sniff "$B" vb1 3780 1
	testing "udp4: Checksum off sends a zero UDP checksum" "drv A send 1 8; sniffed" \
		"v4 len=8 csum=zero ttl=64\n"
	testing "udp4: RcvSocketBuffer (kernel doubles it)" "drv A bufs" \
		"link0 rcvbuf 2000000\nlink1 rcvbuf 2000000\n"
	testing "udp4: SndSocketBuffer on the send socket" \
		"ip netns exec $A ss -uanm 'sport != :3780' | grep -o 'tb[0-9]*' | sort -u" \
		"tb1200000\n"
	stop A
	stop B

	# a send socket never blocks the daemon: a full SndSocketBuffer (tbf holds the skbs) drops
	udp4 "sndbuf=4096"
	if ip netns exec "$A" tc qdisc add dev va1 root tbf rate 1mbit burst 16kbit latency 2s \
		2>/dev/null; then
		testing "udp4: a full send buffer counts Error send instead of blocking" \
			"drv A send 300 1444 | sort -u; drv A counters | awk '\$1 == \"va1\" { split(\$3, s, \"/\"); print s[2] + s[3], (s[3] > 0) }'" \
			"flush: Resource temporarily unavailable\nsend: Resource temporarily unavailable\n300 1\n"
		ip netns exec "$A" tc qdisc del dev va1 root
	else
		testing_skip "udp4: a full send buffer counts Error send (no tc tbf)"
	fi
	stop A
	stop B

	# IPv6: global addresses, then link-local ones (the Interface gives the scope id)
	start A "$A" "udp,if=va1,addr=fd01::1,dest=fd01::2,port=3780" \
		"udp,if=va2,addr=fe80::a2,dest=fe80::b2,port=3781,default"
	start B "$B" "udp,if=vb1,addr=fd01::2,dest=fd01::1,port=3780" \
		"udp,if=vb2,addr=fe80::b2,dest=fe80::a2,port=3781,default"
	sniff "$B" vb2 3781 1
	testing "udp6 link-local: A -> B" "drv A send 3 100; drv B waitrx 3 3000; drv B dgrams" \
		"received 3\nlink0\nlink1 300\n"
	testing "udp6 link-local: sniffed" "sniffed" "v6 len=300 csum=set ttl=64\n"
	testing "udp6 link-local: B -> A" "drv B send 2 8; drv A waitrx 2 3000" "received 2\n"
	stop A
	stop B
	start A "$A" "udp,if=va1,addr=fd01::1,dest=fd01::2,port=3780"
	start B "$B" "udp,if=vb1,addr=fd01::2,dest=fd01::1,port=3780"
	testing "udp6 global: A -> B and B -> A" \
		"drv A send 40 76; drv B waitrx 40 3000; drv B send 1 8; drv A waitrx 1 3000; drv B dgrams" \
		"received 40\nreceived 1\nlink0 1444 1444 152\n"
	stop A
	stop B

	# fail-over: upstream's rule, evaluated on every link event
	udp4
	ip -n "$A" link set va1 down
	testing "failover: current link down -> the next link that is UP" \
		"drv A waitcur 1 3000; events A" \
		"current 1 va2\n# device \`va2' becomes dedicated link\n"
	testing "failover: -s link shows DOWN/BACKUP and RUNNING/ACTIVE" "drv A links | grep traffic" \
		"UDP traffic device=va1 status=DOWN role=BACKUP:\nUDP traffic device=va2 status=RUNNING role=ACTIVE:\n"
	testing "failover: the peer's link 1 loses carrier and it fails over by itself" \
		"drv B waitcur 1 3000; retry has B vb1 NO-CARRIER; drv B links | grep traffic" \
		"current 1 vb2\nUDP traffic device=vb1 status=NO-CARRIER role=BACKUP:\nUDP traffic device=vb2 status=RUNNING role=ACTIVE:\n"
	testing "failover: traffic flows on link 2" \
		"drv A send 3 8; drv B waitrx 3 3000; drv B rx" \
		"received 3\nmsgs 3 gaps 0 refused 0 link0 0 link1 3\n"
	ip -n "$A" link set va1 up
	testing "failover: no switch back when link 1 recovers" \
		"retry has A va1 RUNNING; retry has B vb1 RUNNING; drv A poll 200; drv A cur; drv B cur" \
		"current 1 va2\ncurrent 1 vb2\n"
	# an interface that is UP without carrier is still a candidate (UP or RUNNING)
	ip -n "$B" link set vb1 down
	retry has A va1 NO-CARRIER
	ip -n "$A" link set va2 down
	testing "failover: UP without carrier is a candidate" \
		"drv A waitcur 0 3000; events A | tail -n 1; drv A links | grep traffic" \
		"current 0 va1\n# device \`va1' becomes dedicated link
UDP traffic device=va1 status=NO-CARRIER role=ACTIVE:\nUDP traffic device=va2 status=DOWN role=BACKUP:\n"
	ip -n "$A" link set va1 down
	testing "failover: nothing available -> message, current stays" \
		"drv A poll 100; drv A cur; events A | tail -n 1" \
		"current 0 va1\n# no dedicated links available!\n"
	testing "failover: a failed send is counted as Error send" \
		"drv A send 1 8; drv A counters" \
		"flush: Network is unreachable\nva1 sent 0/0/1 recv 0/0/0\nva2 sent 24/1/0 recv 0/0/0\n"
	stop A
	stop B
	for i in 1 2; do
		ip -n "$A" link set "va$i" up
		ip -n "$B" link set "vb$i" up
	done
	links_up
	# A pending datagram follows the switch instead of staying behind on the old link.
	udp4 "" default
	testing "chan_set_current: a partial datagram moves to the new link" \
		"drv B queue 2 8; drv A send 1 8; drv B waitrx 1 3000; drv B cur; drv A waitrx 2 3000; drv A rx" \
		"received 1\ncurrent 1 vb2\nreceived 2\nmsgs 2 gaps 0 refused 0 link0 0 link1 2\n"
	stop A
	stop B

	testing "open: unknown Interface" \
		"ip netns exec $A $CHANTEST udp,if=nosuch0,addr=10.201.1.1,dest=10.201.1.2,port=1; echo \$?" \
		"nosuch0 is an invalid interface\ncan't open channel socket: No such device\n1\n"
	testing "open: address not on this host" \
		"ip netns exec $A $CHANTEST udp,if=va1,addr=10.201.1.9,dest=10.201.1.2,port=1; echo \$?" \
		"can't open channel socket: Cannot assign requested address\n1\n"
	testing "open: TCP has no backend" \
		"ip netns exec $A $CHANTEST tcp,if=va1,addr=10.201.1.1,dest=10.201.1.2,port=1; echo \$?" \
		"can't open channel socket: Protocol not supported\n1\n"
else
	testing "udp not built: a UDP link is refused" \
		"ip netns exec $A $CHANTEST udp,if=va1,addr=10.201.1.1,dest=10.201.1.2,port=1; echo \$?" \
		"can't open channel socket: Protocol not supported\n1\n"
fi

if [ $HAVE_MCAST = 1 ]; then
	start A "$A" "mcast,if=va1,addr=225.0.0.50,ifaddr=10.201.1.1,port=3780" \
		"mcast,if=va2,addr=225.0.0.51,port=3790"
	start B "$B" "mcast,if=vb1,addr=225.0.0.50,ifaddr=10.201.1.2,port=3780" \
		"mcast,if=vb2,addr=225.0.0.51,port=3790"
	sniff "$B" vb1 3780 2
	testing "mcast4: A -> B" "drv A send 20 76; drv B waitrx 20 3000; drv B dgrams" \
		"received 20\nlink0 1444 76\nlink1\n"
	testing "mcast4: sniffed: TTL 1" "sniffed" \
		"v4 len=1444 csum=set ttl=1\nv4 len=76 csum=set ttl=1\n"
	testing "mcast4: B -> A" "drv B send 2 8; drv A waitrx 2 3000; drv B counters" \
		"received 2\nvb1 sent 16/1/0 recv 1520/2/0\nvb2 sent 0/0/0 recv 0/0/0\n"
	testing "mcast4: -s block" "drv B stats" \
		"multicast traffic (active device=vb1):
                  16 Bytes sent                 1520 Bytes recv
                   1 Pckts sent                    2 Pckts recv
                   0 Error send                    0 Error recv

"
	# A's own receive socket is in the group: it would see its 20 messages with loop on
	testing "mcast4: no loopback to the sender" "drv A rx" \
		"msgs 2 gaps 0 refused 0 link0 2 link1 0\n"
	# 1.4.9: bound to the group, so unicast to the port is not taken (1.4.7 took it)
	sniff "$B" vb1 3780 1
	testing "mcast4: unicast to the group port is not received" \
		"ip netns exec $A bash -c 'printf \"\\x1a\\x10\\x00\\x08\\x00\\x00\\x00\\x63\" >/dev/udp/10.201.1.2/3780'; sniffed; drv B poll 300; drv B rx" \
		"v4 len=8 csum=set ttl=64\nmsgs 20 gaps 0 refused 0 link0 20 link1 0\n"
	stop A
	stop B
	# without IPv4_interface upstream joins where the routing table says (no route: ENODEV)
	start A "$A" "mcast,if=va1,addr=225.0.0.50,port=3780" \
		"mcast,if=va2,addr=225.0.0.51,port=3790,default"
	start B "$B" "mcast,if=vb1,addr=225.0.0.50,port=3780" \
		"mcast,if=vb2,addr=225.0.0.51,port=3790"
	testing "mcast4 without IPv4_interface: link 2 both ways, the receiver follows" \
		"drv A send 2 8; drv B waitrx 2 3000; drv B cur; drv B send 1 8; drv A waitrx 1 3000" \
		"received 2\ncurrent 1 vb2\nreceived 1\n"
	stop A
	stop B

	# IPv6: a link-scope group (needs the Interface's scope id to bind) and a site-scope one
	start A "$A" "mcast,if=va1,addr=ff02::4:50,port=3780" "mcast,if=va2,addr=ff15::50,port=3780"
	start B "$B" "mcast,if=vb1,addr=ff02::4:50,port=3780" "mcast,if=vb2,addr=ff15::50,port=3780"
	sniff "$B" vb1 3780 1
	testing "mcast6 ff02::4:50: A -> B" "drv A send 3 100; drv B waitrx 3 3000; sniffed" \
		"received 3\nv6 len=300 csum=set ttl=1\n"
	testing "mcast6 ff02::4:50: B -> A" "drv B send 2 8; drv A waitrx 2 3000" "received 2\n"
	ip -n "$A" link set va1 down
	testing "mcast6 ff15::50: after fail-over A -> B on link 2" \
		"drv A waitcur 1 3000; drv A send 4 8; drv B waitrx 7 3000; drv B rx; retry has B vb1 NO-CARRIER; drv B links | grep traffic" \
		"current 1 va2\nreceived 7\nmsgs 7 gaps 0 refused 0 link0 3 link1 4
multicast traffic device=vb1 status=NO-CARRIER role=BACKUP:\nmulticast traffic device=vb2 status=RUNNING role=ACTIVE:\n"
	stop A
	stop B
	ip -n "$A" link set va1 up
	links_up
else
	testing "mcast not built: a Multicast link is refused" \
		"ip netns exec $A $CHANTEST mcast,if=va1,addr=225.0.0.50,port=1; echo \$?" \
		"can't open channel socket: Protocol not supported\n1\n"
fi

# ---- interop with the reference conntrackd (its own config, socket, lock and log) ----
# oracle_conf: the reference's config with the Sync transport blocks read from stdin
oracle_conf()
{
	rm -f "$T/o.lock" "$T/o.sock" "$T/o.log"
	{
		echo "General {"
		echo "	LockFile $T/o.lock"
		echo "	LogFile $T/o.log"
		echo "	Syslog off"
		echo "	Systemd off"
		# priority 0 is refused for RR: it warns and keeps SCHED_OTHER
		echo "	Scheduler { Type RR Priority 0 }"
		echo "	UNIX { Path $T/o.sock }"
		echo "}"
		echo "Sync {"
		echo "	Mode FTFW { }"
		cat
		echo "}"
	} >"$T/o.conf"
}
oracle_start()
{
	local i
	oracle_conf
	ns_bg "$A" "$ORACLE_D" -C "$T/o.conf" >"$T/o.out" 2>&1
	ORACLE_PID=$!
	for i in $(seq 100); do
		[ -S "$T/o.sock" ] && return 0
		sleep 0.05
	done
	cat "$T/o.out" "$T/o.log" >&2
	return 1
}
oracle_stop()
{
	ip netns exec "$A" "$ORACLE_D" -C "$T/o.conf" -k >/dev/null 2>&1 || kill "$ORACLE_PID"
	wait "$ORACLE_PID" 2>/dev/null || true
}
ostat() { ip netns exec "$A" "$ORACLE_D" -C "$T/o.conf" -s "$@"; }
# the traffic block of -s (from "... traffic" to the blank line after it)
tblock() { awk '/traffic \(active/ { p = 1 } p { print } p && /^$/ { exit }'; }
# line length + the line with digits and device names normalised: widths are compared too
shape() { awk '{ l = length($0); gsub(/v[ab]/, "vX"); gsub(/[0-9]+/, "N"); print l ": " $0 }'; }
pckts_recv() { ostat | tblock | awk '/Pckts recv/ { print $4 }'; }

if [ ! -x "$ORACLE_D" ]; then
	testing_skip "interop: no reference conntrackd at $ORACLE_D"
else
	if [ $HAVE_UDP = 1 ]; then
		oracle_start <<-EOF
			UDP Default {
				IPv4_address 10.201.1.1
				IPv4_Destination_Address 10.201.1.2
				Port 3780
				Interface va1
			}
			UDP {
				IPv4_address 10.201.2.1
				IPv4_Destination_Address 10.201.2.2
				Port 3780
				Interface va2
			}
		EOF
		start B "$B" "udp,if=vb1,addr=10.201.1.2,dest=10.201.1.1,port=3780" \
			"udp,if=vb2,addr=10.201.2.2,dest=10.201.2.1,port=3780"
		# FT-FW sends an ALIVE (+HELLO at first) every second when idle
		testing "interop udp: the reference's ALIVE arrives at chantest" \
			"drv B waitrx 2 4000; grep -c '^# recv link=0 len=8 type=10 flags=0x[1357][0-9a-f]' $T/B.log | sed 's/^[2-9]$/>=2/'" \
			"received 2\n>=2\n"
		before=$(pckts_recv)
		testing "interop udp: the reference counts chantest's ALIVE messages" \
			"drv B alive 3; sleep 0.3; echo \$((\$(pckts_recv) - $before >= 3))" "1\n"
		testing "interop udp: -s traffic block has the reference's shape" \
			"diff <(ostat | tblock | shape) <(drv B stats | shape) && echo same" "same\n"
		testing "interop udp: -s link blocks have the reference's shape" \
			"diff <(ostat link | shape) <(drv B links | shape) && echo same" "same\n"
		ip -n "$A" link set va1 down
		testing "interop udp: both fail over to link 2 (reference's log, chantest's monitor)" \
			"drv B waitcur 1 3000; retry has B vb1 NO-CARRIER; grep -c \"va2' becomes dedicated link\" $T/o.log; ostat link | grep traffic; drv B links | grep traffic" \
			"current 1 vb2\n1
UDP traffic device=va1 status=DOWN role=BACKUP:\nUDP traffic device=va2 status=RUNNING role=ACTIVE:
UDP traffic device=vb1 status=NO-CARRIER role=BACKUP:\nUDP traffic device=vb2 status=RUNNING role=ACTIVE:\n"
		testing "interop udp: the reference's ALIVE now arrives on link 2" \
			"drv B rx >/dev/null; n=\$(grep -c '^# recv link=1' $T/B.log); drv B poll 2500; echo \$((\$(grep -c '^# recv link=1' $T/B.log) > n))" \
			"1\n"
		stop B
		oracle_stop
		ip -n "$A" link set va1 up
		links_up

		# the reference follows chantest's link: it makes link 2 current on receipt
		oracle_start <<-EOF
			UDP {
				IPv4_address 10.201.1.1
				IPv4_Destination_Address 10.201.1.2
				Port 3780
				Interface va1
			}
			UDP {
				IPv4_address 10.201.2.1
				IPv4_Destination_Address 10.201.2.2
				Port 3780
				Interface va2
			}
		EOF
		start B "$B" "udp,if=vb1,addr=10.201.1.2,dest=10.201.1.1,port=3780" \
			"udp,if=vb2,addr=10.201.2.2,dest=10.201.2.1,port=3780,default"
		testing "interop udp: the reference makes the link chantest uses current" \
			"drv B follow 0; ostat | tblock | head -n 1; drv B alive 2; sleep 0.3; ostat | tblock | head -n 1" \
			"UDP traffic (active device=va1):\nUDP traffic (active device=va2):\n"
		stop B
		oracle_stop
	fi
	if [ $HAVE_MCAST = 1 ]; then
		# 1.4.7 binds its receive socket to 0.0.0.0:Group; the wire is the same
		oracle_start <<-EOF
			Multicast {
				IPv4_address 225.0.0.60
				IPv4_interface 10.201.1.1
				Group 3800
				Interface va1
			}
		EOF
		start B "$B" "mcast,if=vb1,addr=225.0.0.60,ifaddr=10.201.1.2,port=3800"
		testing "interop mcast: the reference's ALIVE arrives at chantest" \
			"drv B waitrx 2 4000" "received 2\n"
		before=$(pckts_recv)
		testing "interop mcast: the reference counts chantest's ALIVE messages" \
			"drv B alive 3; sleep 0.3; echo \$((\$(pckts_recv) - $before >= 3))" "1\n"
		testing "interop mcast: -s traffic block has the reference's shape" \
			"diff <(ostat | tblock | shape) <(drv B stats | shape) && echo same" "same\n"
		stop B
		oracle_stop
		# without IPv4_interface the reference joins where the routing table says: no route
		# for the group here, so it cannot start (ctbox joins on Interface, see mcast4 above)
		oracle_conf <<-EOF
			Multicast {
				IPv4_address 225.0.0.60
				Group 3800
				Interface va1
			}
		EOF
		testing "interop mcast: the reference needs a route without IPv4_interface" \
			"timeout 10 ip netns exec $A $ORACLE_D -C $T/o.conf >/dev/null 2>&1; echo \$?; grep -o \"can't open channel socket: .*\" $T/o.log" \
			"1\ncan't open channel socket: No such device\n"
	fi
fi

testing "every chantest run quit cleanly (exit 0, no sanitizer report)" "echo \"$DIRTY\"" "\n"
testing_done
