#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark conntrackd's internal cache: ctbox vs the reference, same config, same table.
#
#  +--------------- ctbox-<pid>-<rand>-bench ---------------+
#  |  one veth pair (the sync link, nobody listens);         |
#  |  N entries (tcp/udp/icmp, v4+v6) from test/tools/ctfill |
#  +---------------------------------------------------------+
#
# usage: bench-daemon.sh [--quick] [BUILDDIR]
#   - idle RSS of each daemon on an empty table;
#   - RSS with N flows cached (start-up dump), and bytes per flow above idle;
#   - CPU time (user+sys of the daemon) to absorb an N-flow burst of events, and the flows
#     missing at the end (the cache must equal the table: 0);
#   - the stripped size of ctbox.
#   Targets (issue 7): RSS with 200k flows <= 1/3 of the reference's; burst CPU <= 1/2 of the
#   reference's with 0 missing; idle RSS <= 1 MB for the static build.
#   Prints numbers and ratios; it asserts only that nothing is missing.

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
. "$ROOT/test/lib/daemon.sh"

for f in "$OURSD" "$ORACLED" "$CTFILL"; do
	[ -x "$f" ] || { echo "bench: missing $f (build first)" >&2; exit 1; }
done

ns_new NS bench
nsx "$NS" ip link add cbv0 type veth peer name cbv1
nsx "$NS" ip addr add 10.249.0.1/24 dev cbv0
nsx "$NS" ip link set cbv0 up
nsx "$NS" ip link set cbv1 up
ns_tmpdir W

conf()
{
	mkdir -p "$W/$1"
	# BENCH_BUFS=big (default): both get a buffer that holds the whole burst, the bench
	# measures work, not loss; stock: Debian's example values (2 MiB growing to 8 MiB).
	DMN_GENERAL="$BUFS
	HashLimit 1000000" dmn_conf "$W/$1/conf" "$W/$1" "Sync {
	Mode FTFW { }
	UDP {
		IPv4_address 10.249.0.1
		IPv4_Destination_Address 10.249.0.2
		Port 3799
		Interface cbv0
	}
}"
}

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# CPU ticks (user + system) of a process.
ticks()
{
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

cached()
{
	dmn_cli "$NS" "$1" "$2" -s | awk -F'\t' '/current active connections/ { gsub(/ /, "", $2); print $2; exit }'
}

wait_cached()
{
	local bin=$1 conf=$2 want=$3 i n
	for ((i = 0; i < 1200; i++)); do
		n=$(cached "$bin" "$conf")
		[ "${n:-0}" -ge "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

HZ=$(getconf CLK_TCK)
for side in ours ref; do
	bin=$OURSD
	[ $side = ref ] && bin=$ORACLED
	conf "$side"
	nsx "$NS" "$ORACLE" -F >/dev/null 2>&1 || true
	dmn_start PID "$NS" "$bin" "$W/$side/conf"
	sleep 0.5
	idle=$(rss_kb "$PID")
	t0=$(ticks "$PID")
	s0=$(date +%s.%N)
	nsx "$NS" "$CTFILL" -n "$N" -p tcp,udp,icmp -f 46 -q
	wait_cached "$bin" "$W/$side/conf" "$N" || true
	s1=$(date +%s.%N)
	# The CPU count waits for the work that follows the caching too (ctbox holds the
	# sync messages until the peer's HELLO is due, 1.2 s): both are idle by then.
	sleep 2
	t1=$(ticks "$PID")
	got=$(cached "$bin" "$W/$side/conf")
	burst_rss=$(rss_kb "$PID")
	dmn_stop "$PID"
	# The same table, now read by the start-up dump.
	dmn_start PID "$NS" "$bin" "$W/$side/conf"
	wait_cached "$bin" "$W/$side/conf" "$N" || true
	sleep 0.5
	full=$(rss_kb "$PID")
	dmn_stop "$PID"
	eval "${side}_idle=$idle ${side}_full=$full ${side}_burst=$burst_rss ${side}_got=$got"
	eval "${side}_cpu=$(echo "($t1 - $t0) / $HZ" | bc -l)"
	eval "${side}_wall=$(echo "$s1 - $s0" | bc -l)"
done

per()
{
	echo "($2 - $1) * 1024 / $N" | bc
}
printf 'entries: %d\n' "$N"
printf '%-34s %14s %14s %8s\n' "" ctbox reference ratio
printf '%-34s %11s kB %11s kB %8.3f\n' "idle RSS (empty table)" "$ours_idle" "$ref_idle" \
	"$(echo "$ours_idle / $ref_idle" | bc -l)"
printf '%-34s %11s kB %11s kB %8.3f\n' "RSS with the table cached" "$ours_full" "$ref_full" \
	"$(echo "$ours_full / $ref_full" | bc -l)"
printf '%-34s %12s B %12s B %8.3f\n' "  per flow above idle" "$(per "$ours_idle" "$ours_full")" \
	"$(per "$ref_idle" "$ref_full")" \
	"$(echo "($ours_full - $ours_idle) / ($ref_full - $ref_idle)" | bc -l)"
printf '%-34s %12.2f s %12.2f s %8.3f\n' "CPU to absorb the burst" "$ours_cpu" "$ref_cpu" \
	"$(echo "$ours_cpu / ($ref_cpu + 0.001)" | bc -l)"
printf '%-34s %12.2f s %12.2f s\n' "  wall until all cached" "$ours_wall" "$ref_wall"
printf '%-34s %14s %14s\n' "flows missing after the burst" "$((N - ours_got))" "$((N - ref_got))"
printf '%-34s %12s B\n' "ctbox stripped size" \
	"$(strip -o "$W/ctbox.s" "$(dirname "$OURSD")/ctbox" && stat -c %s "$W/ctbox.s")"
[ "$ours_got" -eq "$N" ]
