#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Event overruns and polling: a 200k-entry burst through a small event buffer must end with
# the internal cache equal to the kernel table (growth, then resync and purge after the
# overrun); the same for a burst of deletions; PollSecs keeps the cache equal without events.
#
#   +---------------- ns ----------------+
#   |  conntrackd (ours), FT-FW over veth |   ctfill: 200k creates in one burst
#   +-------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/daemon.sh"

N=${OVERRUN_N:-200000}
[ -n "$CTBOX_SANITIZED" ] && N=50000
ns_new NS o
nsx "$NS" ip link add ctv0 type veth peer name ctv1
nsx "$NS" ip addr add 10.251.0.1/24 dev ctv0
nsx "$NS" ip link set ctv0 up
nsx "$NS" ip link set ctv1 up
ns_tmpdir W
sync_block()
{
	cat <<-EOF
	Sync {
		Mode FTFW { }
		UDP {
			IPv4_address 10.251.0.1
			IPv4_Destination_Address 10.251.0.2
			Port 3790
			Interface ctv0
		}
	}
	EOF
}

# The set of original tuples: what the cache and the kernel must agree on.
tuples()
{
	awk '{ k = $1; seen = 0
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^src=/ && seen++) break
			if ($i ~ /^(src|dst|sport|dport|type|code|id)=/) k = k " " $i
		}
		if (k !~ /10\.251\.0\./) print k }' | LC_ALL=C sort
}

# converge LABEL: wait until the cache holds exactly the kernel's entries.
converge()
{
	local i
	for ((i = 0; i < ${2:-90}; i++)); do
		ip netns exec "$NS" /usr/sbin/conntrack -L 2>/dev/null | tuples >"$W/kernel"
		dmn_cli "$NS" "$CONNTRACKD" "$W/conf" -i | tuples >"$W/cache"
		if cmp -s "$W/kernel" "$W/cache"; then
			echo "$1: $(wc -l <"$W/cache") entries after ${i}s" >&3
			return 0
		fi
		sleep 1
	done
	echo "$1: kernel $(wc -l <"$W/kernel"), cache $(wc -l <"$W/cache")" >&3
	diff "$W/kernel" "$W/cache" | head -5 >&3
	return 1
}

DMN_GENERAL="NetlinkBufferSize 131072
	NetlinkBufferSizeMaxGrowth 262144
	NetlinkOverrunResync 1
	HashLimit 600000" dmn_conf "$W/conf" "$W" "$(sync_block)"
dmn_start PID "$NS" "$CONNTRACKD" "$W/conf"
nsx "$NS" "$CTFILL" -n "$N" -p tcp,udp,icmp -f 46 -q
testing "burst overran the event socket" \
	"dmn_cli $NS $CONNTRACKD $W/conf -s runtime | sed -n 's/.*netlink overrun:[^0-9]*\([0-9]*\)/\1/p' | grep -qv '^0\$' && echo yes" \
	"yes\n"
testing "buffer grew to NetlinkBufferSizeMaxGrowth" \
	"grep -c 'doubled to 262144 bytes' $W/log" "1\n"
testing "cache equals the table after a burst of creates" "converge creates && echo ok" "ok\n"
# Deletions overrun too; the purge after the resync finds what is gone.
nsx "$NS" /usr/sbin/conntrack -D -p udp >/dev/null 2>&1 || true
testing "cache equals the table after a burst of deletes" "converge deletes && echo ok" "ok\n"
testing "resyncs logged in -s runtime" \
	"dmn_cli $NS $CONNTRACKD $W/conf -s runtime | sed -n 's/.*resync with kernel table:[^0-9]*\([0-9]*\)/\1/p' | grep -qv '^0\$' && echo yes" \
	"yes\n"
dmn_stop "$PID"
nsx "$NS" /usr/sbin/conntrack -F >/dev/null 2>&1 || true

# Polling: no event socket; every PollSecs the table is dumped and what is gone is purged.
DMN_GENERAL="PollSecs 1" dmn_conf "$W/conf" "$W" "$(sync_block)"
dmn_start PID "$NS" "$CONNTRACKD" "$W/conf"
testing "polling mode logged" "grep -c 'running in polling mode' $W/log" "1\n"
nsx "$NS" "$CTFILL" -n 5000 -p tcp,udp -q
testing "polling picks up new entries" "converge poll-creates 10 && echo ok" "ok\n"
nsx "$NS" /usr/sbin/conntrack -D -p tcp >/dev/null 2>&1 || true
testing "polling purges deleted entries" "converge poll-deletes 10 && echo ok" "ok\n"
testing "no events in polling mode" \
	"dmn_cli $NS $CONNTRACKD $W/conf -s runtime | sed -n 's/.*events received:[^0-9]*\([0-9]*\)/\1/p'" \
	"0\n"
dmn_stop "$PID"
testing_done
