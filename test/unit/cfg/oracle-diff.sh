#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd.conf differential check: every case of test_cfg goes through the reference
# conntrackd as a client command (`conntrackd -C FILE -s`, which parses the file, then
# fails to reach a daemon) and through cfgcheck (what ctbox's applet prints for it).
# Compared: the console lines with their "[<ctime>] (pid=N) " prefix removed, and whether
# parsing succeeded (the reference's trailing "can't connect" error means it did).
#   NAME.want    ctbox's expected lines + rc; cfgcheck must print exactly this
#   NAME.oracle  the reference's lines where ctbox deliberately differs (doc/differences.md);
#                without it the reference must print NAME.want too
# No root needed; no daemon is started (-s is a client request, and no case names a
# socket that exists).
# Usage: oracle-diff.sh TEST_CFG CFGCHECK [REFERENCE]   (exit 77 if the reference is missing)
set -u
test_cfg=${1:?usage: oracle-diff.sh TEST_CFG CFGCHECK [REFERENCE]}
cfgcheck=${2:?usage: oracle-diff.sh TEST_CFG CFGCHECK [REFERENCE]}
oracle=${3:-/usr/sbin/conntrackd}
if [ ! -x "$oracle" ]; then
	echo "SKIP: $oracle is missing"
	exit 77
fi
VERBOSE=${VERBOSE:-}
. "$(dirname "$0")/../../lib/testing.sh"

tmp=$(mktemp -d /tmp/ctbox-cfgdiff.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Cross builds: meson sets MESON_EXE_WRAPPER (qemu-user) to run our binaries.
${MESON_EXE_WRAPPER:-} "$test_cfg" -w "$tmp/cases" || exit 1

# The console prefix both print: "[Thu Dec  3 07:37:44 2026] (pid=26988) ". A line without
# it is kept whole, so a missing or different prefix shows up as a difference; only the
# empty line after upstream's texts with a stray newline has none.
norm()
{
	sed -E 's/^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\] \(pid=[0-9]+\) //'
}

# run_oracle FILE: its lines + "rc=0" when it parsed (and failed to connect), else its rc.
run_oracle()
{
	local rc
	timeout 20 "$oracle" -C "$1" -s >"$tmp/o.out" 2>"$tmp/o.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(tail -n 1 "$tmp/o.err")" != "" ] &&
	   tail -n 1 "$tmp/o.err" | norm | grep -qx "\[ERROR\] can't connect: is conntrackd running? appropriate permissions?"; then
		sed -i '$d' "$tmp/o.err"
		rc=0
	fi
	norm <"$tmp/o.out"
	norm <"$tmp/o.err"
	echo "rc=$rc"
}

run_ours()
{
	${MESON_EXE_WRAPPER:-} "$cfgcheck" "$1" >"$tmp/c.out" 2>"$tmp/c.err"
	local rc=$?
	norm <"$tmp/c.out"
	norm <"$tmp/c.err"
	echo "rc=$rc"
}

same=0 differ=0
for conf in "$tmp"/cases/*.conf; do
	name=$(basename "$conf" .conf)
	want=$tmp/cases/$name.want
	run_ours "$conf" >"$tmp/ours"
	if cmp -s "$want" "$tmp/ours"; then
		testing_pass "$name: ctbox"
	else
		testing_fail "$name: ctbox" "$want" "$tmp/ours"
	fi
	if [ -f "$tmp/cases/$name.oracle" ]; then
		want=$tmp/cases/$name.oracle
		differ=$((differ + 1))
	else
		same=$((same + 1))
	fi
	run_oracle "$conf" >"$tmp/oracle"
	if cmp -s "$want" "$tmp/oracle"; then
		testing_pass "$name: reference"
	else
		testing_fail "$name: reference" "$want" "$tmp/oracle"
	fi
done
echo "$same cases print the same as the reference, $differ deliberately differ"
testing_done
