#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# FT-FW faults between two ctbox daemons (and with the reference where it matters): a
# receiver restarted mid-stream re-bases through HELLO and gets everything back with -n;
# StartupResync does the same by itself; link fail-over over two dedicated links (the
# sender's active link goes down, sync goes on over the other, both sides follow, -s link
# shows it, no switch back); datagrams from a non-peer address and random datagrams are
# dropped and counted; a commit on B is not echoed back to A.
#
#   A: conntrackd ==link 1 (Default)== B: conntrackd
#                 ==link 2===========
#   stranger: a third namespace on link 1's subnet sending junk to B's port

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"
. "$(dirname "$0")/../lib/syncpair.sh"

pair_setup

tuples()
{
	awk '{ k = $1; seen = 0
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^src=/ && seen++) break
			if ($i ~ /^(src|dst|sport|dport|type|code|id)=/) k = k " " $i
		}
		if (k !~ /10\.25[23]\.0\.|fd00:25/) print k }' | LC_ALL=C sort
}

# converge LABEL [SECS]: B's external cache equals A's table.
converge()
{
	local i
	for ((i = 0; i < ${2:-20} * 5; i++)); do
		ip netns exec "$NSA" "$ORACLE" -L 2>/dev/null | tuples >"$PW/a.t"
		pair_cli b -e | tuples >"$PW/b.t"
		cmp -s "$PW/a.t" "$PW/b.t" && return 0
		sleep 0.2
	done
	echo "$1: A has $(wc -l <"$PW/a.t"), B $(wc -l <"$PW/b.t")" >&3
	{
		pair_cli a -s network | grep -A3 sequence
		pair_cli a -s queue | grep -A1 'queue [a-z]*:'
		pair_cli b -s network | grep -A3 sequence
		pair_cli b -s | tail -8
		tail -5 "$PW/a/log" "$PW/b/log"
	} >&3 2>&1
	return 1
}

fill()
{
	nsx "$NSA" "$CTFILL" -n "$1" -s "$2" -p tcp,udp -q
}

# Each part starts from empty tables: what A has is what B must get.
fresh()
{
	ip netns exec "$NSA" "$ORACLE" -F >/dev/null 2>&1 || true
	ip netns exec "$NSB" "$ORACLE" -F >/dev/null 2>&1 || true
}

# --- receiver restart: HELLO re-bases, -n recovers what was sent while B was down ---
pair_conf a ftfw udp4
pair_conf b ftfw udp4
pair_start b "$CONNTRACKD"
pair_start a "$CONNTRACKD"
sleep 1.2
fill 500 0
testing "restart: synced before" "converge before && echo ok" "ok\n"
pair_stop b
fill 300 1000
ip netns exec "$NSA" "$ORACLE" -D -p udp >/dev/null 2>&1 || true
pair_start b "$CONNTRACKD"
sleep 1.5
testing "restart: B starts empty" "pair_cli b -e | wc -l" "0\n"
testing "restart: A saw the HELLO (its queue was flushed)" \
	"pair_cli a -s rsqueue | head -1 | sed -E 's/[0-9]+/N/'" "resent queue (len=N)\n"
pair_cli b -n
testing "restart: -n recovers everything" "converge resync && echo ok" "ok\n"
fill 100 2000
testing "restart: live sync goes on" "converge live && echo ok" "ok\n"

# --- commit on B is not echoed back to A ---
pair_cli b -c
sleep 1
testing "commit: B's kernel has the entries" \
	"ip netns exec $NSB $ORACLE -L 2>/dev/null | tuples | wc -l | tr -d ' '" "$(wc -l <"$PW/a.t")\n"
testing "commit: nothing echoed to A" "pair_cli a -e | wc -l" "0\n"
pair_stop a
pair_stop b
ip netns exec "$NSA" "$ORACLE" -F >/dev/null 2>&1 || true
ip netns exec "$NSB" "$ORACLE" -F >/dev/null 2>&1 || true

# --- StartupResync: a restarted B asks by itself ---
fresh
pair_conf a ftfw udp4
pair_conf b ftfw udp4
sed -i 's/Mode FTFW { }/Mode FTFW {\n\t\tStartupResync on\n\t}/' "$PW/b/conf"
pair_start a "$CONNTRACKD"
fill 400 3000
pair_start b "$CONNTRACKD"
testing "StartupResync fills B" "converge startup && echo ok" "ok\n"
testing "StartupResync logged" "grep -c 'resync requested' $PW/b/log" "1\n"
pair_stop a
pair_stop b

# --- link fail-over ---
fresh
pair_conf a ftfw udp4x2
pair_conf b ftfw udp4x2
pair_start b "$CONNTRACKD"
pair_start a "$CONNTRACKD"
sleep 1.2
fill 200 4000
testing "fail-over: synced on link 1" "converge link1 && echo ok" "ok\n"
ip -n "$NSA" link set sa0 down
sleep 0.5
fill 200 5000
testing "fail-over: synced on link 2" "converge link2 && echo ok" "ok\n"
testing "fail-over: A logged the switch" "grep -c \"device \\\`sa1' becomes dedicated link\" $PW/a/log" "1\n"
# B learns of its link's lost carrier from rtnetlink, which may come after A's data: wait.
for _ in $(seq 30); do
	grep -q "device \`sb1' becomes dedicated link" "$PW/b/log" && break
	sleep 0.1
done
testing "fail-over: B followed" "grep -c \"device \\\`sb1' becomes dedicated link\" $PW/b/log" "1\n"
testing "fail-over: -s link on A" \
	"pair_cli a -s link | grep traffic" \
	"UDP traffic device=sa0 status=DOWN role=BACKUP:\nUDP traffic device=sa1 status=RUNNING role=ACTIVE:\n"
ip -n "$NSA" link set sa0 up
sleep 1
fill 100 6000
testing "fail-over: no switch back" "pair_cli a -s | grep 'active device'" \
	"UDP traffic (active device=sa1):\n"
testing "fail-over: still in sync" "converge link2b && echo ok" "ok\n"
pair_stop a
pair_stop b

# --- bad input: a stranger and random bytes ---
ns_new NSX x
ip link add sx0 netns "$NSX" type veth peer name sb2 netns "$NSB"
ip -n "$NSX" addr add 10.254.0.9/24 dev sx0
ip -n "$NSB" addr add 10.254.0.2/24 dev sb2
ip -n "$NSX" link set sx0 up
ip -n "$NSB" link set sb2 up
fresh
pair_conf a ftfw udp4
pair_conf b ftfw udp4
# B listens on every address of its port so the stranger's datagrams reach the daemon.
sed -i 's/IPv4_address 10.252.0.2/IPv4_address 0.0.0.0/' "$PW/b/conf"
pair_start b "$CONNTRACKD"
pair_start a "$CONNTRACKD"
sleep 1.2
cat >"$PW/junk.py" <<-'PY'
import os, random, socket, struct, sys
random.seed(7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dst = (sys.argv[1], 3780)
# A well-formed CT_NEW from a stranger, then garbage of every size.
msg = bytes([0x10, 0, 0, 0x14]) + struct.pack(">I", 1) + \
      bytes([0, 12, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
s.sendto(msg, dst)
for i in range(3000):
    n = random.randrange(0, 1500)
    s.sendto(bytes(random.getrandbits(8) for _ in range(n)), dst)
PY
nsx "$NSX" python3 "$PW/junk.py" 10.254.0.2
sleep 1
testing "bad input: B still answers" "pair_cli b -s runtime >/dev/null && echo ok" "ok\n"
testing "bad input: the stranger's datagrams are counted" \
	"pair_cli b -s -o json | grep -o '\"rejected_peer\":[0-9]*' | grep -qv ':0\$' && echo yes" "yes\n"
testing "bad input: nothing from the stranger in the cache" \
	"pair_cli b -e | grep -c 'src=1.2.3.4'" "0\n"
fill 100 7000
testing "bad input: sync unharmed" "converge junk && echo ok" "ok\n"
pair_stop a
pair_stop b
testing_done
