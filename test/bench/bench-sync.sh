#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark state sync: a ctbox pair against a reference pair, same configs (FT-FW over UDP).
#
#   A (ctfill burst, conntrackd) ==veth== B (conntrackd: external cache, commit)
#
# usage: bench-sync.sh [--quick] [BUILDDIR]
#   - time until an N-flow burst on A is in B's external cache, and flows missing (must be 0);
#   - the same with 20% of the sync datagrams dropped at random on B;
#   - commit of the N flows on B into an empty kernel table, and again over existing entries
#     (flows/s both ways; -c returns when the commit is done);
#   - datagrams and bytes per replicated flow (A's -s link), RSS per flow on A and on B.
#   BENCH_BUFS=stock: Debian's example event buffers instead of ones that hold the burst.
#   Targets (issue 8): replication <= 0.5x the reference pair's time, with and without loss,
#   0 lost; commit >= 300k flows/s both ways.

. "$(dirname "$0")/common.sh"
bench_args "$@"
OURSD=${CONNTRACKD:-$BUILDDIR/conntrackd}
ORACLED=${ORACLED:-/usr/sbin/conntrackd}
if [ -n "$QUICK" ]; then
	N=${BENCH_ENTRIES:-2000}
else
	N=${BENCH_ENTRIES:-200000}
fi

if [ "${BENCH_BUFS:-big}" = stock ]; then
	BUFS="NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608"
else
	BUFS="NetlinkBufferSize 268435456
	NetlinkBufferSizeMaxGrowth 268435456"
fi

CT_QUIET=${CT_QUIET:-1}
. "$ROOT/test/lib/netns.sh"
. "$ROOT/test/lib/testing.sh"
CONNTRACKD=$OURSD
CONNTRACK=${CONNTRACK:-$BUILDDIR/conntrack}
. "$ROOT/test/lib/ctdiff.sh"
. "$ROOT/test/lib/daemon.sh"
. "$ROOT/test/lib/syncpair.sh"

for f in "$OURSD" "$ORACLED" "$CTFILL"; do
	[ -x "$f" ] || { echo "bench: missing $f (build first)" >&2; exit 1; }
done
pair_setup

ext_count()
{
	pair_cli b -s | awk -F'\t' '/current active connections/ { n++; if (n == 2) { gsub(/ /, "", $2); print $2; exit } }'
}

# replicate: seconds until B's external cache has N entries (or "timeout").
replicate()
{
	local t0 t1 i
	t0=$(date +%s.%N)
	nsx "$NSA" "$CTFILL" -n "$N" -p tcp,udp,icmp -f 46 -q
	# The reference under loss may never converge: a quick run waits 5 s, a full one 60 s.
	local wait=${BENCH_WAIT:-1200}
	[ -z "$QUICK" ] || wait=${BENCH_WAIT:-100}
	for ((i = 0; i < wait; i++)); do
		[ "$(ext_count)" -ge "$N" ] 2>/dev/null && break
		sleep 0.05
	done
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

link_sent()
{
	pair_cli a -s link | awk '/Pckts sent/ { p = $1 } /Bytes sent/ { b = $1 } END { print p, b }'
}

# commit_rate: flows/s of one `-c` on B.
commit_rate()
{
	local t0 t1
	t0=$(date +%s.%N)
	pair_cli b -c
	t1=$(date +%s.%N)
	echo "$N / ($t1 - $t0)" | bc -l
}

run()
{
	local side=$1 bin=$2 loss=$3
	ip netns exec "$NSA" "$ORACLE" -F >/dev/null 2>&1 || true
	ip netns exec "$NSB" "$ORACLE" -F >/dev/null 2>&1 || true
	ip netns exec "$NSB" nft delete table netdev ctbox_loss >/dev/null 2>&1 || true
	if [ "$loss" = 1 ]; then
		ip netns exec "$NSB" nft -f - <<-'NFT'
		table netdev ctbox_loss {
			chain in {
				type filter hook ingress device sb0 priority 0;
				udp dport 3780 numgen random mod 100 < 20 drop
			}
		}
		NFT
	fi
	DMN_GENERAL="$BUFS
	HashLimit 1000000" pair_conf a ftfw udp4
	DMN_GENERAL="$BUFS
	HashLimit 1000000" pair_conf b ftfw udp4
	pair_start b "$bin"
	pair_start a "$bin"
	sleep 1.5
	local ia ib
	if [ "$loss" = 0 ]; then
		# The live path: 40 small bursts of 100 flows, 50 ms apart (~2000 flows/s).
		local p0 b0 i
		read -r p0 b0 <<<"$(link_sent)"
		for ((i = 0; i < 40; i++)); do
			ip netns exec "$NSA" "$CTFILL" -n 100 -s $((1000000 + i * 100)) -p tcp,udp -q
			sleep 0.05
		done
		sleep 1.5
		read -r pk by <<<"$(link_sent)"
		# Minus the ALIVE/ACK datagrams of ~3 s of idle time on each side's timer.
		eval "${side}_ldgram=$(echo "($pk - $p0) / 4000" | bc -l)"
		eval "${side}_lbytes=$(echo "($by - $b0) / 4000" | bc -l)"
		ip netns exec "$NSA" "$ORACLE" -F >/dev/null 2>&1 || true
		sleep 1
	fi
	ia=$(rss_kb "$PID_a")
	ib=$(rss_kb "$PID_b")
	read -r p1 b1 <<<"$(link_sent)"
	eval "${side}_t$loss=$(replicate)"
	eval "${side}_got$loss=$(ext_count)"
	if [ "$loss" = 0 ]; then
		read -r pk by <<<"$(link_sent)"
		eval "${side}_dgram=$(echo "($pk - $p1) / $N" | bc -l)"
		eval "${side}_bytes=$(echo "($by - $b1) / $N" | bc -l)"
		eval "${side}_rssa=$(echo "($(rss_kb "$PID_a") - $ia) * 1024 / $N" | bc)"
		eval "${side}_rssb=$(echo "($(rss_kb "$PID_b") - $ib) * 1024 / $N" | bc)"
		ip netns exec "$NSB" "$ORACLE" -F >/dev/null 2>&1 || true
		eval "${side}_c0=$(commit_rate)"
		eval "${side}_c1=$(commit_rate)"
		eval "${side}_k=$(ip netns exec "$NSB" "$ORACLE" -C 2>/dev/null)"
	fi
	pair_stop a
	pair_stop b
}

for loss in 0 1; do
	run ours "$OURSD" $loss
	run ref "$ORACLED" $loss
done

r() { echo "$1 / $2" | bc -l; }
printf 'flows: %d\n' "$N"
printf '%-44s %12s %12s %7s\n' "" ctbox reference ratio
printf '%-44s %10.2f s %10.2f s %7.3f\n' "burst replicated into B's external cache" "$ours_t0" "$ref_t0" "$(r "$ours_t0" "$ref_t0")"
printf '%-44s %10.2f s %10.2f s %7.3f\n' "  the same with 20%% loss" "$ours_t1" "$ref_t1" "$(r "$ours_t1" "$ref_t1")"
printf '%-44s %12d %12d\n' "  flows missing (no loss / loss)" "$((N - ours_got0 + N - ours_got1))" "$((N - ref_got0 + N - ref_got1))"
printf '%-44s %10.0f/s %10.0f/s %7.3f\n' "commit into an empty table" "$ours_c0" "$ref_c0" "$(r "$ours_c0" "$ref_c0")"
printf '%-44s %10.0f/s %10.0f/s %7.3f\n' "commit over existing entries" "$ours_c1" "$ref_c1" "$(r "$ours_c1" "$ref_c1")"
printf '%-44s %12s %12s\n' "  entries in B's kernel afterwards" "$ours_k" "$ref_k"
printf '%-44s %12.3f %12.3f %7.3f\n' "datagrams per flow, live (2000 flows/s)" "$ours_ldgram" "$ref_ldgram" "$(r "$ours_ldgram" "$ref_ldgram")"
printf '%-44s %12.1f %12.1f %7.3f\n' "  bytes per flow" "$ours_lbytes" "$ref_lbytes" "$(r "$ours_lbytes" "$ref_lbytes")"
printf '%-44s %12.3f %12.3f %7.3f\n' "datagrams per flow, burst" "$ours_dgram" "$ref_dgram" "$(r "$ours_dgram" "$ref_dgram")"
printf '%-44s %12.1f %12.1f %7.3f\n' "  bytes per flow" "$ours_bytes" "$ref_bytes" "$(r "$ours_bytes" "$ref_bytes")"
printf '%-44s %10s B %10s B\n' "RSS per flow, sender A" "$ours_rssa" "$ref_rssa"
printf '%-44s %10s B %10s B\n' "RSS per flow, receiver B" "$ours_rssb" "$ref_rssb"
[ "$ours_got0" -eq "$N" ] && [ "$ours_got1" -eq "$N" ]
