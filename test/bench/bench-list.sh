#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark `conntrack -L` on a big table: ctbox vs the reference vs a raw libmnl dump.
#
#  +------------- ctbox-<pid>-<rand>-bench --------------+
#  |  lo only; 200k entries (tcp/udp/icmp, v4+v6) put in  |
#  |  by test/tools/ctfill; nothing else touches it       |
#  +-------------------------------------------------------+
#
# usage: bench-list.sh [--quick] [BUILDDIR]     (BUILDDIR also from $BUILDDIR, default build-test)
#   wall/user/sys time of `-L > /dev/null`, median of several runs, for ctbox (also pinned to
#   one CPU with taskset, where it reads dumps without its reader thread), the reference
#   and rawdump (the floor: dump + count, no decoding); callgrind instructions per entry on a
#   smaller table (marginal cost: (I(N) - I(empty)) / N); stripped size of the binary.
#   On shared machines times vary, so the numbers are reported against their targets (README)
#   and never fail the run: ours within 1.2x of rawdump wall time (judged from 200k entries
#   up; --quick's table is all fixed cost), ours <= 10% of the reference's userspace
#   instructions per entry. A listing that printed the wrong number of lines does fail (exit 1).

. "$(dirname "$0")/common.sh"
bench_args "$@"

if [ -n "$QUICK" ]; then
	N=${BENCH_ENTRIES:-2000}
	RUNS=1
	NCG=${BENCH_CG_ENTRIES:-2000}
else
	N=${BENCH_ENTRIES:-200000}
	RUNS=${BENCH_RUNS:-5}
	NCG=${BENCH_CG_ENTRIES:-20000}
fi

CT_QUIET=${CT_QUIET:-1}
. "$ROOT/test/lib/netns.sh"

for f in "$OURS" "$ORACLE" "$CTFILL" "$RAWDUMP"; do
	[ -x "$f" ] || { echo "bench: missing $f (build first)" >&2; exit 1; }
done
# The global conntrack limit caps every namespace; keep within it (TESTING.md).
max=$(cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null || echo 262144)
if [ "$N" -gt 250000 ] || [ "$N" -ge "$max" ]; then
	echo "bench: $N entries exceeds the per-namespace budget (nf_conntrack_max=$max)" >&2
	exit 1
fi

ns_tmpdir W
ns_new NS bench

# fill NS with exactly $1 entries (flush first); all long-lived so nothing expires mid-run.
fill()
{
	ip netns exec "$NS" "$ORACLE" -F >/dev/null 2>&1
	[ "$1" -gt 0 ] || return 0
	ip netns exec "$NS" "$CTFILL" -q -n "$1" -p tcp,udp,icmp -f 46 -t 7200
}

median()
{
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "nan" }'
}

# timeit NAME CMD...: RUNS timed runs inside NS; medians of wall/user/sys into $W/NAME.*
timeit()
{
	local name=$1 i
	shift
	: >"$W/$name.e"
	: >"$W/$name.u"
	: >"$W/$name.s"
	for ((i = 0; i < RUNS; i++)); do
		# bash's time keyword: millisecond resolution, and it times only the binary.
		if ! OUT=$W/$name.out ERR=$W/$name.err TF=$W/t ip netns exec "$NS" bash -c \
			'TIMEFORMAT="%3R %3U %3S"; { time "$@" >"$OUT" 2>"$ERR"; } 2>"$TF"' _ "$@"; then
			echo "bench: $name failed: $(head -c 300 "$W/$name.err")" >&2
			echo fail >"$W/$name.status"
		fi
		read -r e u s <"$W/t"
		echo "$e" >>"$W/$name.e"
		echo "$u" >>"$W/$name.u"
		echo "$s" >>"$W/$name.s"
	done
	median <"$W/$name.e" >"$W/$name.me"
	median <"$W/$name.u" >"$W/$name.mu"
	median <"$W/$name.s" >"$W/$name.ms"
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# callgrind_ir BIN ARGS...: total userspace instructions of one run
callgrind_ir()
{
	rm -f "$W/cg.out"
	ip netns exec "$NS" valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" \
		"$@" >/dev/null 2>"$W/cg.err" || true
	awk '/^summary:/ { print $2; found = 1 } /^totals:/ && !found { print $2; found = 1 }' \
		"$W/cg.out" 2>/dev/null | head -1
}

echo "bench: filling $N entries"
t0=$(date +%s.%N)
fill "$N"
t1=$(date +%s.%N)
count=$(ip netns exec "$NS" "$RAWDUMP")
fillsec=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')

timeit rawdump "$RAWDUMP"
timeit ours "$OURS" -L
# One CPU: no reader thread, the dump and the printing take turns (a single-core router).
timeit ours1 taskset -c 0 "$OURS" -L
timeit oracle "$ORACLE" -L
ours_lines=$(wc -l <"$W/ours.out")
oracle_lines=$(wc -l <"$W/oracle.out")

cg_ours=- cg_oracle=- cg_ours_pe=- cg_oracle_pe=- cg_ratio=-
if command -v valgrind >/dev/null; then
	fill 0
	e_ours=$(callgrind_ir "$OURS" -L)
	e_oracle=$(callgrind_ir "$ORACLE" -L)
	fill "$NCG"
	cg_ours=$(callgrind_ir "$OURS" -L)
	cg_oracle=$(callgrind_ir "$ORACLE" -L)
	if [ -n "$cg_ours" ] && [ -n "$cg_oracle" ] && [ -n "$e_ours" ] && [ -n "$e_oracle" ]; then
		cg_ours_pe=$(awk -v a="$cg_ours" -v b="$e_ours" -v n="$NCG" 'BEGIN { printf "%.0f", (a - b) / n }')
		cg_oracle_pe=$(awk -v a="$cg_oracle" -v b="$e_oracle" -v n="$NCG" 'BEGIN { printf "%.0f", (a - b) / n }')
		cg_ratio=$(awk -v a="$cg_ours_pe" -v b="$cg_oracle_pe" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "n/a" }')
	fi
fi

size_of()
{
	strip -o "$W/stripped" "$1" 2>/dev/null && stat -c %s "$W/stripped"
}
ctbox_bin=$(readlink -f "$OURS")
sz_ours=$(size_of "$ctbox_bin")
sz_oracle=$(size_of "$ORACLE")

echo
echo "conntrack -L, $count entries (filled in ${fillsec}s), median of $RUNS run(s), seconds:"
printf '  %-10s %8s %8s %8s %9s\n' "" wall user sys lines
printf '  %-10s %8s %8s %8s %9s\n' rawdump "$(cat "$W/rawdump.me")" "$(cat "$W/rawdump.mu")" \
	"$(cat "$W/rawdump.ms")" "$count"
printf '  %-10s %8s %8s %8s %9s\n' ctbox "$(cat "$W/ours.me")" "$(cat "$W/ours.mu")" \
	"$(cat "$W/ours.ms")" "$ours_lines"
printf '  %-10s %8s %8s %8s %9s\n' "ctbox 1cpu" "$(cat "$W/ours1.me")" "$(cat "$W/ours1.mu")" \
	"$(cat "$W/ours1.ms")" "$(wc -l <"$W/ours1.out")"
printf '  %-10s %8s %8s %8s %9s\n' reference "$(cat "$W/oracle.me")" "$(cat "$W/oracle.mu")" \
	"$(cat "$W/oracle.ms")" "$oracle_lines"
echo "  ctbox/reference wall $(ratio "$(cat "$W/ours.me")" "$(cat "$W/oracle.me")")," \
	"user $(ratio "$(cat "$W/ours.mu")" "$(cat "$W/oracle.mu")");" \
	"ctbox/rawdump wall $(ratio "$(cat "$W/ours.me")" "$(cat "$W/rawdump.me")") (target <= 1.20)," \
	"on 1 CPU $(ratio "$(cat "$W/ours1.me")" "$(cat "$W/rawdump.me")")"
echo
echo "callgrind, $NCG entries, userspace instructions:"
printf '  %-10s %14s %12s\n' "" total per-entry
printf '  %-10s %14s %12s\n' ctbox "$cg_ours" "$cg_ours_pe"
printf '  %-10s %14s %12s\n' reference "$cg_oracle" "$cg_oracle_pe"
echo "  ctbox/reference per entry: $cg_ratio (target <= 10%)"
echo
echo "stripped size: ctbox ${sz_ours:-?} bytes ($(basename "$ctbox_bin"))," \
	"reference conntrack ${sz_oracle:-?} bytes (plus its shared libraries)"
rw=$(ratio "$(cat "$W/ours.me")" "$(cat "$W/rawdump.me")")
if [ "$N" -lt 200000 ]; then
	bench_bar n/a "-L wall <= 1.20 x rawdump (judged at 200k entries; $N here)"
elif awk -v a="$rw" 'BEGIN { exit !(a != "n/a" && a <= 1.2) }'; then
	bench_bar met "-L wall <= 1.20 x rawdump ($rw at $count entries)"
else
	bench_bar missed "-L wall <= 1.20 x rawdump: $rw at $count entries"
fi
if [ "$cg_ratio" = - ]; then
	bench_bar n/a "callgrind per entry <= 10% of the reference (no valgrind)"
elif awk -v a="${cg_ratio%\%}" 'BEGIN { exit !(a + 0 <= 10) }'; then
	bench_bar met "callgrind per entry <= 10% of the reference ($cg_ratio)"
else
	bench_bar missed "callgrind per entry <= 10% of the reference: $cg_ratio"
fi
if [ -f "$W/ours.status" ] || [ "$ours_lines" != "$count" ] ||
	[ "$(wc -l <"$W/ours1.out")" != "$count" ]; then
	echo "bench: ctbox -L printed $ours_lines lines for $count entries or failed: a wrong result" >&2
	exit 1
fi
exit 0
