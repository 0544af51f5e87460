#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark filtered list, filtered delete, events and batch load: ctbox vs the reference.
#
#  +------------- ctbox-<pid>-<rand>-ops ------------------+
#  |  lo only; tables put in by test/tools/ctfill, -I lines |
#  |  for -R generated here; two -E listeners side by side  |
#  +--------------------------------------------------------+
#
# usage: bench-ops.sh [--quick] [BUILDDIR]     (BUILDDIR also from $BUILDDIR, default build-test)
#   1. -L -s ADDR on a big table              bar: ctbox >= 5x faster at 1M entries
#   2. -D -w ZONE, ZONE holding 10%           bar: ctbox >= 5x faster at 1M entries
#   3. -D -p udp on a half tcp, half udp mix  bar: ctbox >= 2x faster (largest size run)
#   4. -E -e NEW during a 200k ctfill burst   bar: ctbox prints every event
#   5. -R with 100k -I lines                  bar: faster than the reference, max RSS < 5 MB
#   Deletes are also timed with ctbox pinned to one CPU (taskset -c 0; no bar).
#   Times are medians of several runs (ours and the reference alternate); each delete and
#   load starts from a freshly refilled table and only the command itself is timed. Without
#   --quick, callgrind also counts userspace instructions for cases 1, 2, 3 and 5 on smaller
#   tables, and cases 1-3 run at 200k and at 1M entries: the global nf_conntrack_max (which
#   caps every namespace) is raised for that part only and put back on every exit path.
#   --quick: ~5k entries, one run each, no 1M, no callgrind (a CI smoke run, under a minute).
#   The bars are reported (met / not met; test/run-tests.sh names each missed one) and never
#   fail the run: times on shared machines vary. Exit 1 when a run failed or a result was
#   wrong (lines printed, entries left), 0 otherwise.
# Env: BENCH_RUNS (default 5), BENCH_RUNS_BIG (3, for tables above 250k), BENCH_SIZES
#   ("200000 1000000"), BENCH_EVENTS (200000), BENCH_LOAD (100000 lines), BENCH_CG_ENTRIES
#   (20000), CONNTRACK, ORACLE.

. "$(dirname "$0")/common.sh"
bench_args "$@"

if [ -n "$QUICK" ]; then
	SIZES=${BENCH_SIZES:-5000}
	RUNS=${BENCH_RUNS:-1}
	NEV=${BENCH_EVENTS:-5000}
	NLOAD=${BENCH_LOAD:-5000}
	NCG=0
else
	SIZES=${BENCH_SIZES:-200000 1000000}
	RUNS=${BENCH_RUNS:-5}
	# A 1M-entry delete takes ~30 s per tool on a busy 2-core machine.
	RUNS_BIG=${BENCH_RUNS_BIG:-3}
	NEV=${BENCH_EVENTS:-200000}
	NLOAD=${BENCH_LOAD:-100000}
	NCG=${BENCH_CG_ENTRIES:-20000}
fi
ZONE=7
# The listed address matches exactly one entry of a `ctfill -p tcp,udp -f 4` table.
ADDR=10.0.0.7
MAXPATH=/proc/sys/net/netfilter/nf_conntrack_max

CT_QUIET=${CT_QUIET:-1}
. "$ROOT/test/lib/netns.sh"

for f in "$OURS" "$ORACLE" "$CTFILL" "$RAWDUMP" /usr/bin/time; do
	[ -x "$f" ] || { echo "bench: missing $f (build first; test/install-deps.sh)" >&2; exit 1; }
done

ns_tmpdir W
ns_new NS ops

# --- the global conntrack limit ------------------------------------------------------------
# Raised only for the 1M part. Put back only if it still holds our value, so a change made
# meanwhile by someone else is not clobbered; at_cleanup covers every other exit path.
MAX_ORIG=$(cat "$MAXPATH")
MAX_OURS=

max_restore()
{
	[ -n "$MAX_OURS" ] || return 0
	[ "$(cat "$MAXPATH")" = "$MAX_OURS" ] && echo "$MAX_ORIG" >"$MAXPATH"
	MAX_OURS=
	return 0
}
at_cleanup max_restore

# max_fit N: make room for N entries in one namespace; fails if the limit cannot be raised.
max_fit()
{
	local want=$(($1 + $1 / 10 + 1000))
	[ "$(cat "$MAXPATH")" -ge "$want" ] && return 0
	echo "$want" >"$MAXPATH" 2>/dev/null || return 1
	MAX_OURS=$want
}

# --- helpers ---------------------------------------------------------------------------------
count()
{
	ip netns exec "$NS" "$RAWDUMP"
}

flush()
{
	ip netns exec "$NS" "$ORACLE" -F >/dev/null 2>&1
	local n
	n=$(count)
	[ "$n" = 0 ] || { echo "bench: flush left $n entries" >&2; exit 1; }
}

# ctf ARGS...: add entries; long timeouts so nothing expires mid-run.
ctf()
{
	ip netns exec "$NS" "$CTFILL" -q -t 7200 "$@" || { echo "bench: ctfill $* failed" >&2; exit 1; }
}

median()
{
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "nan" }'
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.3f", a / b; else print "n/a" }'
}

# le A B: A <= B (numbers; false when either is missing)
le()
{
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a != "n/a" && a + 0 <= b + 0) }'
}

# timed NAME CMD...: one run of CMD inside NS; appends "wall user sys" to $W/NAME.t and keeps
# stdout in $W/NAME.out. bash's time keyword times only the binary (ms resolution).
timed()
{
	local name=$1
	shift
	if ! OUT=$W/$name.out ERR=$W/$name.err TF=$W/t ip netns exec "$NS" bash -c \
		'TIMEFORMAT="%3R %3U %3S"; { time "$@" >"$OUT" 2>"$ERR"; } 2>"$TF"' _ "$@"; then
		echo "bench: $name failed: $(head -c 300 "$W/$name.err")" >&2
		echo "$name" >>"$W/failed"
	fi
	cat "$W/t" >>"$W/$name.t"
}

# med NAME [COLUMN]: median of one column (1 wall, 2 user, 3 sys; cpu = user + sys) of $W/NAME.t
med()
{
	awk -v c="${2:-1}" '{ print c == "cpu" ? $2 + $3 : $c }' "$W/$1.t" 2>/dev/null | median
}

# callgrind_ir CMD...: total userspace instructions of one run inside NS
callgrind_ir()
{
	rm -f "$W/cg.out"
	ip netns exec "$NS" valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" \
		"$@" >/dev/null 2>"$W/cg.err" || true
	awk '/^summary:/ { print $2; f = 1 } /^totals:/ && !f { print $2; f = 1 }' \
		"$W/cg.out" 2>/dev/null | head -1
}

# check WHAT GOT WANT: a wrong result makes the timing meaningless; say so loudly.
check()
{
	[ "$2" = "$3" ] && return 0
	echo "bench: $1: got $2, want $3" >&2
	echo "$1: got $2, want $3" >>"$W/wrong"
}

# Table rows: case|ours|oracle|ratio|bar|verdict
row()
{
	printf '%s|%s|%s|%s|%s|%s\n' "$@" >>"$W/table"
}

verdict()
{
	if "$@"; then echo met; else echo "not met"; fi
}

fmt_n()
{
	awk -v n="$1" 'BEGIN { if (n >= 1000000 && n % 1000000 == 0) printf "%dM", n / 1000000;
		else if (n >= 1000 && n % 1000 == 0) printf "%dk", n / 1000; else print n }'
}

# --- cases 1-3: filtered list and delete ----------------------------------------------------
# case1 N: the table is N tcp/udp IPv4 entries; one of them matches ADDR.
case1()
{
	local n=$1 tag=$2 r
	flush
	ctf -n "$n" -p tcp,udp -f 4
	check "fill $n" "$(count)" "$n"
	for ((r = 0; r < RUNS; r++)); do
		timed "l_ours_$tag" "$OURS" -L -s "$ADDR"
		timed "l_ref_$tag" "$ORACLE" -L -s "$ADDR"
	done
	check "-L -s, ctbox lines" "$(wc -l <"$W/l_ours_$tag.out")" 1
	check "-L -s, reference lines" "$(wc -l <"$W/l_ref_$tag.out")" 1
}

# case2 N: 90% of the entries in zone 0, 10% in ZONE; refill ZONE's share after every delete.
case2()
{
	local n=$1 tag=$2 z=$(($1 / 10)) r t
	local rest=$((n - z))
	flush
	ctf -n "$rest" -p tcp,udp -f 4
	for ((r = 0; r < RUNS; r++)); do
		for t in ours one ref; do
			ctf -n "$z" -s "$rest" -z "$ZONE" -p tcp,udp -f 4
			check "fill zone" "$(count)" "$n"
			case $t in
			ours) timed "z_${t}_$tag" "$OURS" -D -w "$ZONE" ;;
			one) timed "z_${t}_$tag" taskset -c 0 "$OURS" -D -w "$ZONE" ;;
			ref) timed "z_${t}_$tag" "$ORACLE" -D -w "$ZONE" ;;
			esac
			check "-D -w, $t lines" "$(wc -l <"$W/z_${t}_$tag.out")" "$z"
			check "-D -w, $t left" "$(count)" "$rest"
		done
	done
}

# case3 N: N/2 tcp and N/2 udp; the udp half is refilled after every delete.
case3()
{
	local n=$1 tag=$2 h=$(($1 / 2)) r t
	flush
	ctf -n "$h" -p tcp -f 4
	for ((r = 0; r < RUNS; r++)); do
		for t in ours one ref; do
			ctf -n "$h" -p udp -f 4
			check "fill udp" "$(count)" "$((2 * h))"
			case $t in
			ours) timed "p_${t}_$tag" "$OURS" -D -p udp ;;
			one) timed "p_${t}_$tag" taskset -c 0 "$OURS" -D -p udp ;;
			ref) timed "p_${t}_$tag" "$ORACLE" -D -p udp ;;
			esac
			check "-D -p udp, $t lines" "$(wc -l <"$W/p_${t}_$tag.out")" "$h"
			check "-D -p udp, $t left" "$(count)" "$h"
		done
	done
}

# --- case 4: events during a burst -----------------------------------------------------------
# Event sockets are the NETLINK_NETFILTER (12) sockets with groups; only ours live in NS.
ev_sockets()
{
	ip netns exec "$NS" awk '$2 == 12 && $4 != "00000000"' /proc/net/netlink | wc -l
}

# ev_drops PID: the kernel's drop counter of PID's subscribed netlink socket
ev_drops()
{
	local ino
	ino=$(for f in /proc/"$1"/fd/*; do readlink "$f"; done 2>/dev/null |
		sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	ip netns exec "$NS" awk -v inos=" $ino" '$2 == 12 && $4 != "00000000" &&
		index(inos, " " $10 " ") { d += $9 } END { print d + 0 }' /proc/net/netlink
}

size_of_file()
{
	stat -c %s "$1" 2>/dev/null || echo 0
}

# stop PID: SIGINT (what a user at a terminal sends), then TERM and KILL if it hangs.
stop()
{
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { echo "bench: $pid ignored SIGINT" >&2; kill -TERM "$pid"; sleep 1; }
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	return 0
}

case4()
{
	local i s1 s2 p1 p2 stable=0 last=
	flush
	# ns_bg remembers the pids, so cleanup reaps them if we die half-way.
	ns_bg "$NS" "$OURS" -E -e NEW >"$W/ev_ours.out" 2>"$W/ev_ours.err"
	p1=${CT_PID_LIST[-1]}
	ns_bg "$NS" "$ORACLE" -E -e NEW >"$W/ev_ref.out" 2>"$W/ev_ref.err"
	p2=${CT_PID_LIST[-1]}
	for ((i = 0; i < 100; i++)); do
		[ "$(ev_sockets)" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(ev_sockets)" -ge 2 ] || { echo "bench: listeners did not subscribe" >&2; exit 1; }
	ctf -n "$NEV" -p tcp,udp,icmp -f 46
	# Wait until neither output grows for 2 s (bounded: 3 minutes).
	for ((i = 0; i < 360 && stable < 4; i++)); do
		s1="$(size_of_file "$W/ev_ours.out") $(size_of_file "$W/ev_ref.out")"
		if [ "$s1" = "$last" ]; then stable=$((stable + 1)); else stable=0; fi
		last=$s1
		sleep 0.5
	done
	EV_DROPS_OURS=$(ev_drops "$p1")
	EV_DROPS_REF=$(ev_drops "$p2")
	stop "$p1"
	stop "$p2"
	EV_OURS=$(wc -l <"$W/ev_ours.out")
	EV_REF=$(wc -l <"$W/ev_ref.out")
	s2=$(grep -c . "$W/ev_ref.err" || true)
	EV_REF_WARN=$s2
}

# --- case 5: batch load ----------------------------------------------------------------------
# gen_load N: N -I lines with distinct tuples, alternating udp and tcp.
gen_load()
{
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			a = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
			if (i % 2)
				printf "-I -p tcp -s %s -d 192.0.2.1 --sport %d --dport 80 -t 3600 --state ESTABLISHED\n", a, 1024 + i % 60000
			else
				printf "-I -p udp -s %s -d 192.0.2.1 --sport %d --dport 53 -t 3600\n", a, 1024 + i % 60000
		}
	}'
}

# load_run NAME BIN: flush, then BIN -R file under /usr/bin/time (for max RSS) under bash's
# time keyword (ms wall resolution; /usr/bin/time's is 10 ms); appends "wall rss_kb user sys".
load_run()
{
	local name=$1 bin=$2
	flush
	if ! OUT=$W/$name.out ERR=$W/$name.err TF=$W/t TV=$W/tv ip netns exec "$NS" bash -c \
		'TIMEFORMAT="%3R %3U %3S"; { time /usr/bin/time -o "$TV" -f %M "$@" >"$OUT" 2>"$ERR"; } 2>"$TF"' \
		_ "$bin" -R "$W/load.txt"; then
		echo "bench: $name failed: $(head -c 300 "$W/$name.err")" >&2
		echo "$name" >>"$W/failed"
	fi
	# time -o starts with "Command exited with non-zero status" on failure; RSS is the last line.
	read -r e u s <"$W/t"
	echo "$e $(tail -1 "$W/tv") $u $s" >>"$W/$name.t"
	check "-R, $name entries" "$(count)" "$NLOAD"
}

case5()
{
	local r
	gen_load "$NLOAD" >"$W/load.txt"
	for ((r = 0; r < RUNS; r++)); do
		load_run r_ours "$OURS"
		load_run r_ref "$ORACLE"
	done
}

# --- callgrind ---------------------------------------------------------------------------------
cg_all()
{
	local n=$NCG z=$((NCG / 10)) h=$((NCG / 2)) t bin
	flush
	ctf -n "$n" -p tcp,udp -f 4
	CG_L_OURS=$(callgrind_ir "$OURS" -L -s "$ADDR")
	CG_L_REF=$(callgrind_ir "$ORACLE" -L -s "$ADDR")

	flush
	ctf -n "$((n - z))" -p tcp,udp -f 4
	for t in OURS REF; do
		[ $t = OURS ] && bin=$OURS || bin=$ORACLE
		ctf -n "$z" -s "$((n - z))" -z "$ZONE" -p tcp,udp -f 4
		printf -v "CG_Z_$t" '%s' "$(callgrind_ir "$bin" -D -w "$ZONE")"
		check "callgrind -D -w, $t left" "$(count)" "$((n - z))"
	done

	flush
	ctf -n "$h" -p tcp -f 4
	for t in OURS REF; do
		[ $t = OURS ] && bin=$OURS || bin=$ORACLE
		ctf -n "$h" -p udp -f 4
		printf -v "CG_P_$t" '%s' "$(callgrind_ir "$bin" -D -p udp)"
		check "callgrind -D -p, $t left" "$(count)" "$h"
	done

	gen_load "$n" >"$W/cgload.txt"
	for t in OURS REF; do
		[ $t = OURS ] && bin=$OURS || bin=$ORACLE
		flush
		printf -v "CG_R_$t" '%s' "$(callgrind_ir "$bin" -R "$W/cgload.txt")"
		check "callgrind -R, $t entries" "$(count)" "$n"
	done
	flush
}

# --- run -------------------------------------------------------------------------------------
T0=$(date +%s)
RUNS_SMALL=$RUNS
RUNS_BIG=${RUNS_BIG:-$RUNS}
: >"$W/table"
BIG=
for n in $SIZES; do
	tag=$(fmt_n "$n")
	RUNS=$RUNS_SMALL
	if [ "$n" -gt 250000 ]; then
		RUNS=$RUNS_BIG
		if ! max_fit "$n"; then
			echo "bench: cannot raise nf_conntrack_max for $tag entries; skipping that size" >&2
			continue
		fi
	fi
	echo "bench: $tag entries: -L -s" >&2
	case1 "$n" "$tag"
	echo "bench: $tag entries: -D -w" >&2
	case2 "$n" "$tag"
	echo "bench: $tag entries: -D -p udp" >&2
	case3 "$n" "$tag"
	flush
	max_restore
	BIG=$tag
	DONE_SIZES="$DONE_SIZES $tag"
done

RUNS=$RUNS_SMALL
echo "bench: $(fmt_n "$NEV")-entry burst under two -E listeners" >&2
case4
echo "bench: -R with $(fmt_n "$NLOAD") lines" >&2
case5
if [ "$NCG" -gt 0 ] && command -v valgrind >/dev/null; then
	echo "bench: callgrind, $(fmt_n "$NCG") entries" >&2
	cg_all
fi

# --- report ------------------------------------------------------------------------------------
# speedup bars: ours/oracle <= 1/X, judged at the largest size (1M when it ran)
bar_for()
{
	case $1 in
	l | z) echo 0.20 ;;
	p) echo 0.50 ;;
	esac
}

echo
echo "median of $RUNS_SMALL run(s) ($RUNS_BIG above 250k), seconds wall (user/sys);" \
	"ratio = ctbox/reference, of wall and of cpu (user + sys):"
printf '  %-22s %20s %20s %8s %8s\n' case ctbox reference wall cpu
for tag in $DONE_SIZES; do
	for c in l z p; do
		case $c in
		l) what="-L -s $ADDR" ;;
		z) what="-D -w $ZONE (10%)" ;;
		p) what="-D -p udp (50%)" ;;
		esac
		o=$(med "${c}_ours_$tag") f=$(med "${c}_ref_$tag")
		printf '  %-22s %20s %20s %8s %8s\n' "$what @$tag" \
			"$o ($(med "${c}_ours_$tag" 2)/$(med "${c}_ours_$tag" 3))" \
			"$f ($(med "${c}_ref_$tag" 2)/$(med "${c}_ref_$tag" 3))" "$(ratio "$o" "$f")" \
			"$(ratio "$(med "${c}_ours_$tag" cpu)" "$(med "${c}_ref_$tag" cpu)")"
		rr=$(ratio "$o" "$f")
		b=$(bar_for $c)
		if [ "$tag" = "$BIG" ] && { [ $c = p ] || [ "$BIG" = 1M ]; }; then
			row "$what @$tag" "${o}s" "${f}s" "$rr" "<= $b" "$(verdict le "$rr" "$b")"
		elif [ "$tag" = "$BIG" ]; then
			# The bar is stated for 1M entries; smaller tables are dominated by fixed costs.
			row "$what @$tag" "${o}s" "${f}s" "$rr" "<= $b @1M" "n/a (no 1M run)"
		else
			row "$what @$tag" "${o}s" "${f}s" "$rr" "-" "-"
		fi
		# -D on one CPU (taskset): the flush path a single-core router takes; no bar.
		[ $c = l ] && continue
		o=$(med "${c}_one_$tag")
		printf '  %-22s %20s %20s %8s %8s\n' "  same, ctbox 1 CPU" \
			"$o ($(med "${c}_one_$tag" 2)/$(med "${c}_one_$tag" 3))" "" "$(ratio "$o" "$f")" \
			"$(ratio "$(med "${c}_one_$tag" cpu)" "$(med "${c}_ref_$tag" cpu)")"
		row "  same, ctbox on 1 CPU" "${o}s" "${f}s" "$(ratio "$o" "$f")" "-" "-"
	done
done

echo
echo "-E -e NEW, $NEV entries created by ctfill with both listeners subscribed:"
echo "  ctbox     $EV_OURS lines, socket drops $EV_DROPS_OURS"
echo "  reference $EV_REF lines, socket drops $EV_DROPS_REF, $EV_REF_WARN stderr line(s)"
[ "$EV_REF_WARN" -gt 0 ] && sed 's/^/    | /' "$W/ev_ref.err" | head -4
row "-E -e NEW @$(fmt_n "$NEV") (lines)" "$EV_OURS" "$EV_REF" "$(ratio "$EV_OURS" "$EV_REF")" \
	"ours = $NEV" "$(verdict [ "$EV_OURS" = "$NEV" ])"

lo=$(med r_ours) lf=$(med r_ref)
mo=$(awk '{ print $2 }' "$W/r_ours.t" | sort -n | tail -1)
mf=$(awk '{ print $2 }' "$W/r_ref.t" | sort -n | tail -1)
echo
echo "-R, $NLOAD -I lines, median wall (user/sys) and max RSS over $RUNS run(s):"
echo "  ctbox     ${lo}s ($(med r_ours 3)/$(med r_ours 4)), max RSS ${mo} kB"
echo "  reference ${lf}s ($(med r_ref 3)/$(med r_ref 4)), max RSS ${mf} kB"
rr=$(ratio "$lo" "$lf")
row "-R $(fmt_n "$NLOAD") lines (wall)" "${lo}s" "${lf}s" "$rr" "< 1.00" \
	"$(verdict awk -v a="$rr" 'BEGIN { exit !(a != "n/a" && a < 1) }')"
row "-R $(fmt_n "$NLOAD") lines (max RSS)" "${mo} kB" "${mf} kB" "$(ratio "$mo" "$mf")" \
	"ours < 5120 kB" "$(verdict awk -v a="$mo" 'BEGIN { exit !(a != "" && a < 5120) }')"

if [ -n "$CG_L_OURS" ]; then
	echo
	echo "callgrind, $NCG-entry tables, userspace instructions (repeatable):"
	printf '  %-22s %14s %14s %8s\n' case ctbox reference ratio
	printf '  %-22s %14s %14s %8s\n' "-L -s $ADDR" "$CG_L_OURS" "$CG_L_REF" "$(ratio "$CG_L_OURS" "$CG_L_REF")"
	printf '  %-22s %14s %14s %8s\n' "-D -w $ZONE (10%)" "$CG_Z_OURS" "$CG_Z_REF" "$(ratio "$CG_Z_OURS" "$CG_Z_REF")"
	printf '  %-22s %14s %14s %8s\n' "-D -p udp (50%)" "$CG_P_OURS" "$CG_P_REF" "$(ratio "$CG_P_OURS" "$CG_P_REF")"
	printf '  %-22s %14s %14s %8s\n' "-R ($NCG lines)" "$CG_R_OURS" "$CG_R_REF" "$(ratio "$CG_R_OURS" "$CG_R_REF")"
fi

# Sizes for context: our dynamic binary (plus libmnl, its one library) against the reference
# and the netfilter libraries it loads.
stripped()
{
	strip -o "$W/stripped" "$1" 2>/dev/null && stat -c %s "$W/stripped"
}
ctbox_bin=$(readlink -f "$OURS")
sz_ours=$(stripped "$ctbox_bin")
sz_ref=$(stripped "$ORACLE")
sz_libs=0
libs=
for l in $(ldd "$ORACLE" | awk '/libnetfilter|libnfnetlink|libmnl/ { print $3 }'); do
	s=$(stripped "$(readlink -f "$l")") || continue
	sz_libs=$((sz_libs + s))
	libs="$libs $(basename "$l")=$s"
done
sz_mnl=$(stripped "$(readlink -f "$(ldd "$ctbox_bin" | awk '/libmnl/ { print $3 }')")" || echo 0)
echo
echo "stripped sizes (bytes): ctbox $sz_ours (+ libmnl $sz_mnl = $((sz_ours + sz_mnl)));" \
	"reference conntrack $sz_ref (+$libs = $((sz_ref + sz_libs)))"

echo
echo "summary (ratio = ctbox/reference; time bars are ratio ceilings, judged at the largest size):"
printf '  %-28s %12s %12s %7s %15s %s\n' case ctbox reference ratio bar verdict
while IFS='|' read -r a b c d e f; do
	printf '  %-28s %12s %12s %7s %15s %s\n' "$a" "$b" "$c" "$d" "$e" "$f"
done <"$W/table"
echo "  (sizes run:${DONE_SIZES:- none}; $(($(date +%s) - T0)) s)"

while IFS='|' read -r a b c d e f; do
	case $f in
	met) bench_bar met "$a: $e ($d)" ;;
	"not met") bench_bar missed "$a: ctbox $b, reference $c, ratio $d, bar $e" ;;
	n/a*) bench_bar n/a "$a: $e ${f#n/a }" ;;
	esac
done <"$W/table"

if [ -s "$W/wrong" ] || [ -s "$W/failed" ]; then
	echo "bench: some runs failed or gave wrong results; the numbers above are not comparable:"
	cat "$W/wrong" "$W/failed" 2>/dev/null | sort | uniq -c | sed 's/^/  /'
	exit 1
fi
exit 0
