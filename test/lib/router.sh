# SPDX-License-Identifier: GPL-2.0-or-later
# The router builds, sourced by run-tests.sh (uses its record, build, run_suites, count_log):
#   static musl minsize binary (what users flash): the suites with a kernel run against it,
#     then its size report holds the budget, with the -Dapplets/-Dchannels variants;
#   32-bit big-endian MIPS and 32-bit ARM: the suites without a kernel under qemu-user.
# Env: BUILD_STATIC (build-static), BUILD_MIPS (build-mips), BUILD_ARM (build-arm),
# STATIC_SUITES (netns diff daemon sync-core failover; FULL=1 adds unit sync and failover-long; SUITES, when set, wins), SKIP_STATIC=1, SKIP_CROSS=1,
# LIBMNL_TARBALL (default: ../shared/vendor/libmnl-1.0.4.tar.gz if present, else the
# libmnl wrap downloads upstream's release; empty: always download).

BUILD_STATIC=${BUILD_STATIC:-build-static}
BUILD_MIPS=${BUILD_MIPS:-build-mips}
BUILD_ARM=${BUILD_ARM:-build-arm}

# -Dlibmnl_tarball is relative to the source tree; a worktree one level deeper finds the
# vendored copy one more level up.
if [ -z "${LIBMNL_TARBALL+set}" ]; then
	LIBMNL_TARBALL=
	for t in ../shared/vendor/libmnl-1.0.4.tar.gz ../../shared/vendor/libmnl-1.0.4.tar.gz; do
		if [ -f "$t" ]; then
			LIBMNL_TARBALL=$t
			break
		fi
	done
fi
router_mnl=${LIBMNL_TARBALL:+-Dlibmnl_tarball=$LIBMNL_TARBALL}

# router_suites DIR TAG MESON_TEST_ARGS...: like run_suites with its own selection.
router_suites()
{
	_dir=$1
	_tag=$2
	shift 2
	rm -f "$_dir/meson-logs/testlog.json"
	meson test -C "$_dir" --print-errorlogs "$@"
	if [ -f "$_dir/meson-logs/testlog.json" ]; then
		count_log "$_dir/meson-logs/testlog.json" "$_tag"
	else
		record fail "$_tag: meson test produced no testlog.json"
	fi
}

# router_step NAME CMD...: one tally line from an exit code (0 pass, 77 skip, else fail).
router_step()
{
	_name=$1
	shift
	"$@"
	case $? in
	0) record pass "$_name" ;;
	77) record skip "$_name" ;;
	*) record fail "$_name" ;;
	esac
}

if [ -z "${SKIP_STATIC:-}" ]; then
	static_setup="--cross-file cross/musl-x86_64.txt -Dstatic=true -Dbuildtype=minsize $router_mnl"
	if ! command -v musl-gcc >/dev/null 2>&1; then
		record skip "static: musl-gcc not installed"
	# shellcheck disable=SC2086 # word lists on purpose
	elif build "$BUILD_STATIC" static $static_setup; then
		static_args=
		for s in ${SUITES:-${STATIC_SUITES:-netns diff daemon sync-core failover}}; do
			static_args="$static_args --suite $s"
		done
		[ -n "${FULL:-}" ] || static_args="$static_args --no-suite failover-long"
		[ -z "${FULL:-}" ] || [ -n "${SUITES:-}${STATIC_SUITES:-}" ] || static_args="$static_args --suite unit --suite sync"

		# Not args-corpus and batch (suite cli, and netns for their kernel): the argv
		# parser is the same code on every libc and the glibc build runs them; the diff
		# suites check the static binary's messages. Saves 100 s of the 20-minute run.
		# shellcheck disable=SC2086
		router_suites "$BUILD_STATIC" static $static_args --no-suite cli
		# shellcheck disable=SC2086
		router_step "static: size report and budget" python3 test/size-report.py --budget \
			--variants "$BUILD_STATIC-size" "$BUILD_STATIC" -- $static_setup
		# The variants the size report built: their tests without a kernel.
		for v in conntrack conntrackd udp; do
			[ -f "$BUILD_STATIC-size-$v/build.ninja" ] || continue
			router_suites "$BUILD_STATIC-size-$v" "static-$v" --suite unit --suite cli \
				--no-suite netns
		done
	fi
fi

if [ -z "${SKIP_CROSS:-}" ]; then
	for t in mips:mips-linux-gnu:qemu-mips:"$BUILD_MIPS" arm:arm-linux-gnueabihf:qemu-arm:"$BUILD_ARM"; do
		arch=${t%%:*}
		t=${t#*:}
		triplet=${t%%:*}
		t=${t#*:}
		qemu=${t%%:*}
		dir=${t#*:}
		if ! command -v "$triplet-gcc" >/dev/null 2>&1 || ! command -v "$qemu" >/dev/null 2>&1; then
			record skip "$arch: $triplet-gcc or $qemu not installed"
			continue
		fi
		# shellcheck disable=SC2086
		build "$dir" "$arch" --cross-file "cross/$triplet.txt" -Dstatic=true \
			-Dbuildtype=minsize $router_mnl || continue
		# qemu-user carries no netfilter netlink: every test that needs no kernel.
		router_suites "$dir" "$arch" --suite unit --suite cli --suite fuzz --no-suite netns
		router_step "$arch: size report" python3 test/size-report.py "$dir"
	done
fi
