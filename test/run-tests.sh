#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build and run every test suite (plain and ASan/UBSan builds, the router builds: static
# musl binary with its size budget, MIPS and ARM under qemu; musl check, format check,
# quick bench).
#
# Ends with one line "N passed, N failed[, N skipped]"; exits non-zero if anything failed.
# Counts come from meson's testlog.json, one per test, plus one per extra step (builds,
# musl check). A skip (exit 77) means something went untested: by default it counts as a
# failure; CTBOX_ALLOW_SKIP=1 is the explicit opt-in that lets skips be skips, except in CI
# (CI=true), where it is ignored (test/lib/skip.sh; test/install-deps.sh installs everything
# the suites need).
# Benchmarks are not tests: they get their own line ("bench: ...") just above the last one,
# which names every bar a benchmark missed; one that cannot run or measures a wrong result
# is a failure. Env: BUILD (default build-test), BUILD_ASAN (default build-asan),
# BUILD_TSAN (default build-tsan), FULL=1 (every suite on every build, TSan, long tests),
# SUITES (default: see below), SKIP_ASAN=1, SKIP_TSAN=1 (the default without FULL),
# SKIP_BENCH=1, SKIP_VARIANTS=1 (the single-channel builds of test/channels-check.sh),
# CTBOX_ALLOW_SKIP=1; the router builds' in test/lib/router.sh (SKIP_STATIC=1, SKIP_CROSS=1,
# ...); FORMAT_CHECK (test/format-check.sh).

cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build-test}
BUILD_ASAN=${BUILD_ASAN:-build-asan}
BUILD_TSAN=${BUILD_TSAN:-build-tsan}
# CI runs everything (install-deps.sh provides it all): the opt-in does not apply there.
if [ "${CI:-}" = true ] && [ "${CTBOX_ALLOW_SKIP:-0}" = 1 ]; then
	echo "run-tests: CI=true: CTBOX_ALLOW_SKIP=1 ignored, a skip fails the run"
	CTBOX_ALLOW_SKIP=0
fi
TALLY=$(mktemp /tmp/ctbox-tally.XXXXXX)
BENCH_BARS=$(mktemp /tmp/ctbox-bars.XXXXXX)
export BENCH_BARS CTBOX_ALLOW_SKIP
trap 'rm -f "$TALLY" "$BENCH_BARS"' EXIT

# record pass|fail|skip NAME
record()
{
	echo "$1 $2" >>"$TALLY"
	echo "== $1: $2"
}

# record_rc NAME RC: an extra step's exit code (0 pass, 77 skip, else fail)
record_rc()
{
	case $2 in
	0) record pass "$1" ;;
	77) record skip "$1" ;;
	*) record fail "$1 (exit $2)" ;;
	esac
}

setup()
{
	dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@"
	else
		meson setup "$dir" "$@"
	fi
}

count_log()
{
	python3 - "$1" "$2" >>"$TALLY" <<'PY'
import json, sys
path, tag = sys.argv[1], sys.argv[2]
with open(path) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        t = json.loads(line)
        r = t.get("result", "ERROR")
        kind = {"OK": "pass", "EXPECTEDFAIL": "pass", "SKIP": "skip"}.get(r, "fail")
        why = ""
        if kind == "skip":
            said = [l for l in (t.get("stdout") or "").splitlines() if "SKIP" in l]
            why = " (%s)" % said[-1].strip() if said else ""
        print(kind, "%s:%s:%s%s" % (tag, "+".join(t.get("suite", [])), t.get("name", "?"), why))
PY
}

# run_suites DIR TAG: meson test over the suites; counts from its testlog.json.
run_suites()
{
	dir=$1
	tag=$2
	log=$dir/meson-logs/testlog.json
	rm -f "$log"
	# shellcheck disable=SC2086
	meson test -C "$dir" --print-errorlogs $SUITE_ARGS
	if [ -f "$log" ]; then
		count_log "$log" "$tag"
	else
		record fail "$tag: meson test produced no testlog.json"
	fi
}

build()
{
	dir=$1
	tag=$2
	shift 2
	if setup "$dir" "$@" && ninja -C "$dir"; then
		record pass "$tag: build"
		return 0
	fi
	record fail "$tag: build"
	return 1
}

SUITE_ARGS=
for s in ${SUITES:-}; do
	SUITE_ARGS="$SUITE_ARGS --suite $s"
done
# Most namespace tests wait on daemons and timers: three at a time on two CPUs (the ones that
# measure or race are is_parallel: false and still run alone).
MESON_TESTTHREADS=${MESON_TESTTHREADS:-3}
export MESON_TESTTHREADS

# Which build runs which suites. The kernel suites cost real time (every conntrack dump or
# flush walks the kernel's shared 262144-bucket hash: ~100 ms of system time, even for an
# empty namespace), so the default run (CI) gives each suite the builds where it tells most
# and stays within 20 minutes on two CPUs:
#   plain glibc        unit cli fuzz netns (delete-paths' LD_PRELOAD shim needs a dynamic binary)
#   ASan+UBSan glibc   unit fuzz netns daemon sync, without the corpus runs and sync-long
#   static musl        netns diff daemon failover, without failover-long (test/lib/router.sh)
#   MIPS and ARM       unit cli fuzz under qemu-user, without netns
# FULL=1 runs every suite on the plain, ASan and static builds, plus TSan and the long tests.
# SUITES=... picks the suites for all of them.
if [ -n "${FULL:-}" ]; then
	PLAIN_ARGS=
	ASAN_ARGS=
else
	PLAIN_ARGS="--suite unit --suite cli --suite fuzz --suite netns"
	ASAN_ARGS="--suite unit --suite fuzz --suite netns --suite daemon --suite sync --no-suite cli --no-suite sync-long"
	SKIP_TSAN=${SKIP_TSAN-1}
fi
[ -z "${SUITES:-}" ] || PLAIN_ARGS= ASAN_ARGS=

if build "$BUILD" plain; then
	saved=$SUITE_ARGS
	SUITE_ARGS="$SUITE_ARGS $PLAIN_ARGS"
	run_suites "$BUILD" plain
	SUITE_ARGS=$saved
fi

if [ -z "${SKIP_ASAN:-}" ]; then
	if build "$BUILD_ASAN" asan -Db_sanitize=address,undefined -Db_lundef=false; then
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
		ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
		export UBSAN_OPTIONS ASAN_OPTIONS
		saved=$SUITE_ARGS
		SUITE_ARGS="$SUITE_ARGS $ASAN_ARGS"
		run_suites "$BUILD_ASAN" asan
		SUITE_ARGS=$saved
	fi
fi

# ThreadSanitizer over the threaded paths: the dump reader (every -L) and -D's delete pipeline.
if [ -z "${SKIP_TSAN:-}" ]; then
	if build "$BUILD_TSAN" tsan -Db_sanitize=thread -Db_lundef=false; then
		TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
		export TSAN_OPTIONS
		log=$BUILD_TSAN/meson-logs/testlog.json
		rm -f "$log"
		CT_DELETE_ONLY=1 meson test -C "$BUILD_TSAN" --print-errorlogs delete-paths list modify
		if [ -f "$log" ]; then
			count_log "$log" tsan
		else
			record fail "tsan: meson test produced no testlog.json"
		fi
	fi
fi

# Each channel backend built alone: the other leaves no symbols, and its netns test passes.
# (FULL=1 only: the default run builds -Dchannels=udp in the size report.)
if [ -n "${FULL:-}" ] && [ -z "${SKIP_VARIANTS:-}" ] && [ -f test/channels-check.sh ]; then
	if sh test/channels-check.sh; then
		record pass "channels-check"
	else
		record fail "channels-check"
	fi
fi

# The router builds: static musl binary (suites with a kernel, size budget), MIPS and ARM.
. test/lib/router.sh

if [ -f test/format-check.sh ]; then
	sh test/format-check.sh >/tmp/ctbox-format-check.$$ 2>&1
	rc=$?
	tail -2 /tmp/ctbox-format-check.$$
	rm -f /tmp/ctbox-format-check.$$
	record_rc format-check $rc
fi

if [ -f test/musl-check.sh ]; then
	sh test/musl-check.sh
	record_rc musl-check $?
fi

# Benchmarks: a run that worked is no passed test; its bars go to $BENCH_BARS (bench/README).
benches=0
if [ -z "${SKIP_BENCH:-}" ]; then
	for b in bench-list bench-ops bench-daemon bench-sync; do
		[ -f test/bench/$b.sh ] || continue
		benches=$((benches + 1))
		BUILDDIR=$BUILD bash test/bench/$b.sh --quick
		rc=$?
		[ $rc = 0 ] || record_rc "bench $b --quick" $rc
	done
fi

pass=$(grep -c '^pass ' "$TALLY")
fail=$(grep -c '^fail ' "$TALLY")
skip=$(grep -c '^skip ' "$TALLY")
if [ "$skip" -gt 0 ] && [ "${CTBOX_ALLOW_SKIP:-0}" != 1 ]; then
	# Nobody opted in: what went untested fails the run.
	sed -i 's/^skip \(.*\)/fail \1 [skipped; CTBOX_ALLOW_SKIP=1 allows skips]/' "$TALLY"
	fail=$((fail + skip))
	skip=0
fi
if [ "$fail" -gt 0 ]; then
	echo "failed:"
	sed -n 's/^fail /  /p' "$TALLY"
fi
if [ "$skip" -gt 0 ]; then
	echo "skipped (CTBOX_ALLOW_SKIP=1):"
	sed -n 's/^skip /  /p' "$TALLY"
fi
if [ "$benches" -gt 0 ]; then
	missed=$(grep -c '^missed	' "$BENCH_BARS")
	printf 'bench: %d run, bars: %d met, %d missed, %d not judged (n/a)%s\n' "$benches" \
		"$(grep -c '^met	' "$BENCH_BARS")" "$missed" "$(grep -c '^n/a	' "$BENCH_BARS")" \
		"$([ "$missed" -gt 0 ] && echo ':')"
	awk -F '\t' '$1 == "missed" { printf "  missed: %s: %s\n", $2, $3 }' "$BENCH_BARS"
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
