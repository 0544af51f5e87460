#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd's statistics mode against the reference: the live-flow cache, the log of
# destroyed flows, the -s figures and the requests stats mode answers (and ignores).
#
#   +------------- ns (one conntrack table) -------------+
#   |  ours: conntrackd (Stats)   ref: conntrackd (Stats)  |
#   +-----------------------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"

ns_new CT_NS s
ns_tmpdir W
mkdir "$W/ours" "$W/ref"
ct_insert -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1 --dport 2 --state ESTABLISHED -t 500 \
	-u SEEN_REPLY,ASSURED
ct_insert -p udp -s 192.0.2.2 -d 198.51.100.2 --sport 3 --dport 4 -t 500 -m 7
for side in ours ref; do
	dmn_conf "$W/$side/conf" "$W/$side" "Stats {
	LogFile $W/$side/stats.log
}"
done
dmn_start OURS "$CT_NS" "$CONNTRACKD" "$W/ours/conf"
dmn_start REF "$CT_NS" "$ORACLED" "$W/ref/conf"

ct_insert -p udp -s 192.0.2.3 -d 198.51.100.3 --sport 5 --dport 6 -t 500 --src-nat 203.0.113.1
ct_insert -p icmp -s 192.0.2.4 -d 198.51.100.4 --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 500
ct_insert -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 7 --dport 8 --state SYN_SENT -t 500
nsx "$CT_NS" "$ORACLE" -U -p udp -s 192.0.2.2 -m 8 >/dev/null 2>&1 || true
sleep 0.3
# Destroyed flows go to the stats log: one that was there at start-up, two seen live.
nsx "$CT_NS" "$ORACLE" -D -p tcp -s 192.0.2.1 >/dev/null 2>&1 || true
nsx "$CT_NS" "$ORACLE" -D -p udp -s 192.0.2.3 >/dev/null 2>&1 || true
nsx "$CT_NS" "$ORACLE" -D -p icmp >/dev/null 2>&1 || true
# Real traffic with accounting: its bytes reach "traffic processed" when it is destroyed.
nsx "$CT_NS" python3 "$CT_LIB/traffic.py"
nsx "$CT_NS" "$ORACLE" -D -p udp -s 127.0.0.1 >/dev/null 2>&1 || true
sleep 0.5

both()
{
	local name=$1 side conf bin
	shift
	for side in ours ref; do
		conf=$W/$side/conf
		bin=$CONNTRACKD
		[ $side = ref ] && bin=$ORACLED
		set +e
		dmn_cli "$CT_NS" "$bin" "$conf" "$@" >"$W/$side.out" 2>"$W/$side.err"
		echo "--- exit $?" >>"$W/$side.err"
		set -e
		{
			if [ -n "$DMN_SORT" ]; then LC_ALL=C sort "$W/$side.out"; else cat "$W/$side.out"; fi
			echo "--- stderr"
			cat "$W/$side.err"
		} | dmn_norm >"$W/$side.rec"
	done
	if cmp -s "$W/ref.rec" "$W/ours.rec"; then
		testing_pass "$name"
	else
		testing_fail "$name" "$W/ref.rec" "$W/ours.rec"
	fi
}

DMN_SORT=1 both "-i" -i
DMN_SORT=1 both "-i -x" -i -x
both "-s" -s
both "-s cache" -s cache
both "-s network (not in stats mode)" -s network
both "-s queue (not in stats mode)" -s queue
both "-e (not in stats mode)" -e
both "-c (not in stats mode)" -c
both "-f (not handled in stats mode)" -f
DMN_SORT=1 both "-i after -f" -i
both "-f internal" -f internal
both "-i after -f internal" -i
both "-R" -R
DMN_SORT=1 both "-i after -R" -i
both "-k" -k
sleep 0.5
for side in ours ref; do
	sed -E 's/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}\t/TIME\t/' \
		"$W/$side/stats.log" | LC_ALL=C sort >"$W/$side.slog"
done
testing "stats log" "cat $W/ours.slog" "$(cat "$W/ref.slog")\n"
testing "stats log not empty" "test -s $W/ours.slog && echo yes" "yes\n"
testing_done
