#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Records the reference conntrack -L output in a throwaway netns (golden/list-*, delete-*).
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 77; }
# capture oracle output in throwaway netns (helper H2)
set -e
NS=ctbox-h2-cap-$$
T=$(mktemp -d ${OUT:-/tmp}/run.XXXX)
cleanup() { ip netns del $NS 2>/dev/null || true; }
trap cleanup EXIT
ip netns add $NS
X() { ip netns exec $NS "$@"; }
X ip link set lo up
X sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
X nft add table inet t
X nft add chain inet t c '{ type filter hook prerouting priority 0; }'
X nft add rule inet t c ct label set 127 || echo "nft label rule failed"
C() { X conntrack "$@" 2>>$T/err || echo "FAIL: $*" >&2; }
C -I -p tcp -s 203.0.113.50 -d 198.51.100.7 --sport 55555 --dport 8080 --state ESTABLISHED -t 2999 -u SEEN_REPLY --dst-nat 10.0.0.80:80
C -I -p tcp -s 10.0.0.5 -d 203.0.113.9 --sport 33000 --dport 80 --state ESTABLISHED -t 2999 -u SEEN_REPLY --src-nat 198.51.100.7:61000
C -I -p icmp -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 --icmp-id 4660 -t 2999
C -I -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 1 --dport 2 -t 2999 -w 42
C -I -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443 --state ESTABLISHED -t 3599 -u SEEN_REPLY,ASSURED -m 0x10
C -I -p sctp -s 192.0.2.30 -d 192.0.2.31 --sport 100 --dport 200 --state ESTABLISHED --orig-vtag 305419896 --reply-vtag 2271560481 -t 2999
C -I -p gre -s 192.0.2.20 -d 192.0.2.21 --srckey 0x1234 --dstkey 0xabcd -t 2999
C -I -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 50000 --dport 22 --state SYN_SENT -t 2999
C -I -p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -t 2999
C -I -p udp -s ::ffff:1.2.3.4 -d fe80::1:0:0:5 --sport 7 --dport 8 -t 2999
C -I -p udplite -s 7.7.7.7 -d 8.8.8.8 --sport 1 --dport 2 -t 2999
C -I -p dccp -s 3.3.3.3 -d 4.4.4.4 --sport 5 --dport 6 --state OPEN --role client -t 2999
C -I -p 2 -s 0.0.0.0 -d 224.0.0.22 -t 2999
C -I -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 2000 --dport 80 --state ESTABLISHED --orig-zone 6 -t 2999
C -I -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 2001 --dport 80 --state ESTABLISHED --reply-zone 7 -t 2999
C -I -p tcp -s 20.0.0.1 -d 20.0.0.2 --sport 3 --dport 3 --state LISTEN -m 3 -t 2999 -u SEEN_REPLY
C -I -p udp -s 20.0.0.1 -d 20.0.0.3 --sport 4 --dport 4 -u ASSURED -m 65539 -t 2999
C -I -p tcp -s 20.0.0.1 -d 20.0.0.4 --sport 5 --dport 5 --state TIME_WAIT -t 2999 -u SEEN_REPLY,FIXED_TIMEOUT
C -I -p sctp -s 20.0.0.1 -d 20.0.0.5 --sport 7 --dport 7 --state SHUTDOWN_ACK_SENT --orig-vtag 1 --reply-vtag 2 -t 2999
printf "0 foo\n1 bar\n3 bit3\n5 baz-qux\n" > /etc/xtables/connlabel.conf
C -I -p tcp -s 20.0.0.1 -d 20.0.0.6 --sport 8 --dport 8 --state CLOSE -t 2999 --label-add foo --label-add bar
C -I -p udp -s 20.0.0.9 -d 20.0.0.6 --sport 11 --dport 11 -t 2999 --label-add bit3
C -I -p udp -s 20.0.0.9 -d 20.0.0.7 --sport 12 --dport 12 -t 2999 --label-add baz-qux --label-add foo
C -I -p tcp -s 10.1.0.2 -d 10.1.0.1 --sport 44350 --dport 8080 --state TIME_WAIT -t 2999 -u SEEN_REPLY,ASSURED -r 10.2.0.2 -q 10.2.0.1 --reply-port-src 80 --reply-port-dst 44350
printf "0 foo\n1 bar\n5 baz-qux\n" > /etc/xtables/connlabel.conf
sleep 1.3
for o in "" extended "extended,id" xml save "xml,ktimestamp,id,extended" "ktimestamp" "labels" "labels,id,ktimestamp" "xml,labels" "xml,timestamp" "timestamp"; do
  X conntrack -L ${o:+-o $o} > "$T/L_${o:-default}" 2>>$T/err || true
done
X conntrack -D -p 2 -o save > $T/D_save 2>>$T/err || true
X conntrack -D -p udplite -o xml > $T/D_xml 2>>$T/err || true
X conntrack -L -p tcp --sport 2000 -o xml > $T/G_xml 2>>$T/err || true
echo $T
cat $T/err
