# SPDX-License-Identifier: GPL-2.0-or-later
# toybox-shaped assertions: `testing NAME COMMAND EXPECTED`, PASS/FAIL lines, a final tally.
#
#   testing NAME COMMAND EXPECTED   eval COMMAND (stdout only; redirect 2>&1 or append
#                                   `; echo $?` inside COMMAND to check those) and compare
#                                   its output with EXPECTED (printf %b escapes allowed)
#   testing_skip NAME               a case that does not apply to this run (TEST_HOST mode:
#                                   a ctbox fix the reference cannot meet); counted apart
#   testing_cannot NAME WHY         a case this machine cannot run (a tool missing): a
#                                   failure unless CTBOX_ALLOW_SKIP=1 (lib/skip.sh), then a skip
#   testing_done                    print the tally; exit 1 if anything failed
#
# Env: VERBOSE=1 prints the diff of every failure (on by default), VERBOSE=fail stops at the
# first failure.

CT_PASS=0
CT_FAIL=0
CT_SKIP=0
CT_FAILED_NAMES=()

testing_skip()
{
	CT_SKIP=$((CT_SKIP + 1))
	echo "SKIP: $1"
}

testing_cannot()
{
	if [ "${CTBOX_ALLOW_SKIP:-0}" = 1 ] && [ "${CI:-}" != true ]; then
		testing_skip "$1 (cannot test here: $2)"
	else
		testing_fail "$1 (cannot test here: $2; CTBOX_ALLOW_SKIP=1 makes this a skip)"
	fi
}

testing_pass()
{
	CT_PASS=$((CT_PASS + 1))
	echo "PASS: $1"
}

# testing_fail NAME EXPECTED_FILE ACTUAL_FILE
testing_fail()
{
	CT_FAIL=$((CT_FAIL + 1))
	CT_FAILED_NAMES+=("$1")
	echo "FAIL: $1"
	if [ -n "$2" ]; then
		diff -u --label expected --label actual "$2" "$3" | head -n "${CT_DIFF_LINES:-60}"
	fi
	if [ "$VERBOSE" = fail ]; then
		testing_done
	fi
	return 0
}

testing()
{
	local name=$1 cmd=$2 want=$3 d
	d=$(mktemp -d /tmp/ctbox-testing.XXXXXX)
	printf '%b' "$want" >"$d/expected"
	set +e
	(eval "$cmd") >"$d/actual" </dev/null
	set -e
	if cmp -s "$d/expected" "$d/actual"; then
		testing_pass "$name"
	else
		testing_fail "$name" "$d/expected" "$d/actual"
	fi
	rm -rf -- "$d"
}

testing_done()
{
	# ctdiff.sh: each case declared to list nothing must have a partner that listed something.
	if declare -F ct_pairs_check >/dev/null; then
		ct_pairs_check
	fi
	echo "$CT_PASS passed, $CT_FAIL failed$([ "$CT_SKIP" -gt 0 ] && echo ", $CT_SKIP skipped")"
	if [ "$CT_FAIL" -gt 0 ]; then
		printf 'failed: %s\n' "${CT_FAILED_NAMES[@]}"
		exit 1
	fi
	# Nothing ran, everything skipped: tell meson so (77) instead of claiming a pass.
	if [ "$CT_PASS" -eq 0 ] && [ "$CT_SKIP" -gt 0 ]; then
		exit 77
	fi
	exit 0
}
