#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Records destroy events whose text and xml delta-time differ (golden/dt-*).
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 77; }
set -e
NS=ctbox-h2-dt-$$
T=$(mktemp -d ${OUT:-/tmp}/dt.XXXX)
P1=; P2=
cleanup() { [ -n "$P1" ] && kill -INT $P1 2>/dev/null; [ -n "$P2" ] && kill -INT $P2 2>/dev/null; sleep 0.2; ip netns del $NS 2>/dev/null || true; }
trap cleanup EXIT
ip netns add $NS
X() { ip netns exec $NS "$@"; }
X sysctl -qw net.netfilter.nf_conntrack_timestamp=1
X conntrack -E -e DESTROY -o xml,ktimestamp > $T/xml 2>/dev/null & P1=$!
X conntrack -E -e DESTROY > $T/txt 2>/dev/null & P2=$!
sleep 0.3
for n in 1 2 3 4 5 6 7 8; do
  X conntrack -I -p udp -s 9.9.9.$n -d 9.9.9.100 --sport $n --dport 2 -t 50 2>/dev/null
  sleep 1.55
  X conntrack -D -p udp -s 9.9.9.$n >/dev/null 2>&1
done
sleep 0.3
echo $T
