#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The purge a backup schedules (-t: flush the kernel table after PurgeTimeout) and what
# cancels it, against the reference: -c cancels it even with DisableExternalCache (a warm
# backup that became master must keep its table), and without -c it flushes.
#
#   +------------- ns per daemon -------------+
#   |  conntrackd (ours or ref)  veth pc0/pc1  |  FT-FW, DisableExternalCache, PurgeTimeout 2
#   +------------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/daemon.sh"

ORACLE=${ORACLE:-/usr/sbin/conntrack}
[ -x "$CTFILL" ] || { echo "CTFILL is not set" >&2; exit 1; }
ns_tmpdir W

# run IMPL: the kernel's synthetic entries left after "-t; -c; wait" and after "-t; wait".
run()
{
	local side=$1 bin=$CONNTRACKD ns pid
	[ "$side" = ref ] && bin=$ORACLED
	ns_new ns "p$side"
	ip -n "$ns" link add pc0 type veth peer name pc1
	ip -n "$ns" addr add 10.249.0.1/24 dev pc0
	ip -n "$ns" link set pc0 up
	ip -n "$ns" link set pc1 up
	mkdir -p "$W/$side"
	dmn_conf "$W/$side/conf" "$W/$side" "Sync {
	Mode FTFW {
		DisableExternalCache on
		PurgeTimeout 2
	}
	UDP {
		IPv4_address 10.249.0.1
		IPv4_Destination_Address 10.249.0.2
		Port 3780
		Interface pc0
	}
}"
	dmn_start pid "$ns" "$bin" "$W/$side/conf"
	nsx "$ns" "$CTFILL" -n 100 -q
	dmn_cli "$ns" "$bin" "$W/$side/conf" -t >/dev/null
	dmn_cli "$ns" "$bin" "$W/$side/conf" -c >/dev/null
	sleep 3
	echo "after -t, -c: $(ip netns exec "$ns" "$ORACLE" -L 2>/dev/null | grep -c 192.0.2.1)"
	dmn_cli "$ns" "$bin" "$W/$side/conf" -t >/dev/null
	sleep 3
	echo "after -t: $(ip netns exec "$ns" "$ORACLE" -L 2>/dev/null | grep -c 192.0.2.1)"
	dmn_stop "$pid"
}

run ref >"$W/ref.out"
run ours >"$W/ours.out"
testing "reference: -c cancels the purge, -t alone flushes" "cat $W/ref.out" \
	"after -t, -c: 100\nafter -t: 0\n"
testing "DisableExternalCache: -c cancels a scheduled purge as upstream" "cat $W/ours.out" \
	"$(cat "$W/ref.out")\n"
testing_done
