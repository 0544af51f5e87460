#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Records reference -E output of eight listeners at once (golden/event-*).
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 77; }
set -e
NS=ctbox-h2-ev-$$
T=$(mktemp -d ${OUT:-/tmp}/ev.XXXX)
PIDS=""
cleanup() { for p in $PIDS; do kill -INT $p 2>/dev/null || true; done; sleep 0.3; ip netns del $NS 2>/dev/null || true; }
trap cleanup EXIT
ip netns add $NS
X() { ip netns exec $NS "$@"; }
X ip link set lo up
X sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
i=0
for o in "" "xml,ktimestamp,id" "ktimestamp" "timestamp" "xml,timestamp" "save" "extended,id" "xml"; do
  i=$((i+1)); X conntrack -E ${o:+-o $o} > "$T/E_${o:-default}" 2>"$T/E_${o:-default}.err" & PIDS="$PIDS $!"
done
sleep 0.5
for n in 1 2 3 4 5 6; do
  X conntrack -I -p udp -s 9.9.9.$n -d 9.9.9.100 --sport $n --dport 2 -t 50 -m $n 2>/dev/null
done
X conntrack -I -p tcp -s 9.9.8.1 -d 9.9.8.2 --sport 1 --dport 2 --state ESTABLISHED -t 50 -u SEEN_REPLY 2>/dev/null
X conntrack -U -p tcp -s 9.9.8.1 -m 5 2>/dev/null
for n in 1 2 3 4 5 6; do
  python3 -c 'import time,random; time.sleep(random.random()*0.9)'
  X conntrack -D -p udp -s 9.9.9.$n 2>/dev/null >/dev/null
done
X conntrack -D -p tcp -s 9.9.8.1 >/dev/null 2>&1
sleep 0.5
for p in $PIDS; do kill -INT $p; done; PIDS=""
sleep 0.5
echo $T
