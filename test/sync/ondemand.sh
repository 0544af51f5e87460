#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Commit on demand (Options { CommitOnDemand N }, ctbox's own): live TCP streams move from
# firewall A to firewall B, which has their state only in its external cache and is never
# told to commit. B's ruleset logs what it drops for want of state to NFLOG group 7; its
# conntrackd commits those flows at once and the streams go on. Then the control: B without
# the option stalls the same streams until a commit (-c), which must then skip nothing.
#
#   C (br0 10.61.1.2) ==lan== A 10.61.1.11 / B 10.61.1.12  (routes switched by hand)
#   S (br0 10.61.2.2) ==wan== A 10.61.2.11 / B 10.61.2.12
#   A sa0 10.252.0.1 ----- sync ----- B sb0 10.252.0.2

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"
. "$(dirname "$0")/../lib/syncpair.sh"

command -v nft >/dev/null || skip "nft not installed"
command -v python3 >/dev/null || skip "python3 not installed"
STREAMS_PY=$(cd "$(dirname "$0")/../failover" && pwd)/streams.py
N=4
PORT=5061

pair_setup
ns_new NSC c
ns_new NSS s
for ns in "$NSC" "$NSS"; do
	ip -n "$ns" link add br0 type bridge stp_state 0
	ip -n "$ns" link set br0 up
done
f=1
for ns in "$NSA" "$NSB"; do
	ip link add c$f netns "$NSC" type veth peer name lan netns "$ns"
	ip link add s$f netns "$NSS" type veth peer name wan netns "$ns"
	ip -n "$NSC" link set c$f master br0 up
	ip -n "$NSS" link set s$f master br0 up
	ip -n "$ns" addr add 10.61.1.1$f/24 dev lan
	ip -n "$ns" addr add 10.61.2.1$f/24 dev wan
	ip -n "$ns" link set lan up
	ip -n "$ns" link set wan up
	ns_sysctl "$ns" net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_tcp_loose=0
	ip netns exec "$ns" nft -f - <<-'EOF'
	table inet fw {
		chain forward {
			type filter hook forward priority 0; policy drop;
			ct state established,related accept
			iifname "lan" oifname "wan" ct state new accept
			ct state invalid log group 7
		}
	}
	EOF
	f=$((f + 1))
done
ip -n "$NSC" addr add 10.61.1.2/24 dev br0
ip -n "$NSS" addr add 10.61.2.2/24 dev br0
via()
{
	ip -n "$NSC" route replace 10.61.2.0/24 via 10.61.1.1"$1"
	ip -n "$NSS" route replace 10.61.1.0/24 via 10.61.2.1"$1"
}
via 1

COD='Options { CommitOnDemand 7 }'
pair_conf a ftfw udp4 "$COD"
pair_conf b ftfw udp4 "$COD"
pair_start b "$CONNTRACKD"
pair_start a "$CONNTRACKD"

ns_bg "$NSS" python3 "$STREAMS_PY" serve 10.61.2.2 $PORT
sleep 0.3
ns_bg "$NSC" python3 "$STREAMS_PY" client 10.61.2.2 $PORT $N "$PW/streams.json" --stall 2

# live: "t alive stalled_now broken bytes"
live() { cat "$PW/streams.json.live" 2>/dev/null; }
bytes() { live | awk '{ print $5 + 0 }'; }
# moving SECS: every stream alive, none stalled, bytes grew over SECS seconds.
moving()
{
	local b0 b1
	b0=$(bytes)
	sleep "$1"
	b1=$(bytes)
	live | awk -v n=$N -v b0="$b0" -v b1="$b1" \
		'{ print ($2 == n && $3 == 0 && $4 == 0 && b1 > b0) ? "moving" : "not moving: " $0 }'
}
# B's external cache holds the streams (their server port).
in_ext()
{
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(pair_cli b -e | grep -c "dport=$PORT ")" -ge $N ] && return 0
		sleep 0.1
	done
	return 1
}
kernel_b() { ip netns exec "$NSB" "$ORACLE" -L -p tcp --dport $PORT 2>/dev/null | wc -l; }
cod() { pair_cli b -s | sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p"; }

testing "the streams run through A" "sleep 1.5; moving 1" "moving\n"
testing "B holds them in its external cache, not in its kernel" \
	"in_ext && kernel_b" "0\n"
testing "-s shows the commit-on-demand block" \
	"pair_cli b -s | grep -A1 '^commit on demand:' | cut -c1-22" \
	"commit on demand:\nconnections committed:\n"

ext_a() { pair_cli a -e | grep -c "dport=$PORT "; }
testing "A's external cache has none of them" "ext_a" "0\n"
# Take-over without a commit: only the dropped packets can bring the state in.
via 2
testing "B takes over: no stream stalls" "sleep 1; moving 2" "moving\n"
testing "B committed each stream on demand" "cod 'connections committed'" "$N\n"
testing "B's kernel has them" "kernel_b" "$N\n"
# B forwards them now: they are its state, and A hears of them without waiting for a bulk.
testing "A learnt them from B at once" "ext_a" "$N\n"
pair_cli b -s >&3
testing "B's log names the group" "grep -c 'committing on demand the flows of NFLOG group 7' $PW/b/log" "1\n"
# A later bulk commit leaves the ones committed on demand alone.
pair_cli b -c >/dev/null
testing "the bulk commit skips them" \
	"grep -o '[0-9]* entries were committed on demand before' $PW/b/log" \
	"$N entries were committed on demand before\n"
testing "the streams still run" "moving 1" "moving\n"

# Control: back to A, then B without the option and with an empty kernel table.
via 1
sleep 1
pair_stop b
ip netns exec "$NSB" "$ORACLE" -F >/dev/null 2>&1 || true
pair_conf b ftfw udp4
pair_start b "$CONNTRACKD"
pair_cli b -n >/dev/null
testing "control: B relearns the streams" "in_ext && kernel_b" "0\n"
via 2
testing "control: without commit on demand they stall" \
	"sleep 3.5; live | awk '{ print (\$3 > 0) ? \"stalled\" : \"running: \" \$0 }'" "stalled\n"
testing "control: -s has no commit-on-demand block" "pair_cli b -s | grep -c 'commit on demand'" "0\n"
pair_cli b -c >/dev/null
testing "control: the commit brings them back" "sleep 7; moving 1" "moving\n"

pair_stop a
pair_stop b
testing_done
