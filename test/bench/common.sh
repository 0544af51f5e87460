# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the bench scripts: argument handling, the binaries they compare, bar verdicts.
#
#   bench_args "$@"   sets QUICK (--quick), BUILDDIR (the one other argument, or $BUILDDIR,
#                     default build-test), OURS, ORACLE, CTFILL and RAWDUMP; -h prints the
#                     calling script's header comment.
#   bench_bar met|missed|n/a CASE
#                     one bar's verdict; appended to $BENCH_BARS when set (test/run-tests.sh
#                     tallies benchmarks apart from tests and names every missed bar)

bench_args()
{
	QUICK=
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) QUICK=1 ;;
		-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
		*) BUILDDIR=$1 ;;
		esac
		shift
	done
	ROOT=$(cd "$(dirname "$0")/../.." && pwd)
	BUILDDIR=${BUILDDIR:-$ROOT/build-test}
	case $BUILDDIR in /*) ;; *) BUILDDIR=$ROOT/$BUILDDIR ;; esac
	OURS=${CONNTRACK:-$BUILDDIR/conntrack}
	ORACLE=${ORACLE:-/usr/sbin/conntrack}
	CTFILL=$BUILDDIR/test/tools/ctfill
	RAWDUMP=$BUILDDIR/test/tools/rawdump
}

bench_bar()
{
	[ -n "${BENCH_BARS:-}" ] || return 0
	printf '%s\t%s\t%s\n' "$1" "$(basename "$0" .sh)" "$2" >>"$BENCH_BARS"
}
