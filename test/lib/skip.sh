# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# What a test does when this machine cannot run it: fail, unless the run opted in to skips.
#
# A skipped test proves nothing, and a run that skips quietly goes green with a bug in it. So
# "cannot test here" (not root, no reference binary, a tool missing) is a failure by default;
# the opt-in CTBOX_ALLOW_SKIP=1 makes it a skip (exit 77, meson's SKIP) instead, except in CI
# (CI=true), which must run everything.
# test/install-deps.sh installs everything the suites need, so CI never needs the opt-in.
# POSIX sh: sourced by bash tests and by sh scripts alike.
#
#   skip_allowed        true when the run opted in (CTBOX_ALLOW_SKIP=1) and is not CI
#   cannot_test MSG     say why; exit 77 when skips are allowed, else exit 1

skip_allowed()
{
	[ "${CTBOX_ALLOW_SKIP:-0}" = 1 ] && [ "${CI:-}" != true ]
}

cannot_test()
{
	if skip_allowed; then
		echo "SKIP: $*"
		exit 77
	fi
	echo "FAIL: cannot test here: $* (a skip is a failure; CTBOX_ALLOW_SKIP=1 allows it)"
	exit 1
}
