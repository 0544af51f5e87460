#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential: every `conntrack -L` filter (kernel side and userspace), ours against the reference.
#
#  +------------------------- ctbox-<pid>-<rand>-diff ---------------------------+
#  |  lo 127.0.0.1 / ::1 <- traffic.py: udp 7777, tcp 5555, icmp/icmpv6 echo     |
#  |  nft inet ctbox_test: ct label foo/bar/5, ct mark 42 on icmp (output hook)   |
#  |  conntrack table: ~42 entries, `conntrack -I` by the reference + traffic    |
#  +------------------------------------------------------------------------------+
#    /usr/sbin/conntrack (1.4.7) and $CONNTRACK both read the same table here.

. "$(dirname "$0")/../lib/netns.sh"
ns_private_etc "$@"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"

ns_new CT_NS diff
ct_labelmap
ct_reference_table

# family
difftest "" -L -f ipv4
difftest "" -L -f ipv6
difftest "" -L -f ipv6 -o save

# protocol, with and without protocol options
for p in tcp udp udplite icmp icmpv6 sctp gre dccp igmp 2 99 6 17 255; do
	difftest "" -L -p "$p"
done
difftest "" -L -p tcp --sport 5554
difftest "" -L -p tcp --dport 80
difftest "" -L -p tcp --orig-port-dst 80 --orig-port-src 41003
difftest "" -L -p tcp --reply-port-src 80
difftest "" -L -p tcp --reply-port-dst 61000
for st in NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE \
	LISTEN SYN_SENT2; do
	difftest "" -L -p tcp --state "$st"
done
difftest "" -L -p tcp --state ESTABLISHED -f ipv6
difftest "" -L -p tcp --state BOGUS
difftest "" -L -p udp --sport 7776 --dport 7777
difftest "" -L -p udp --dport 53
difftest "" -L -p udplite --sport 1
difftest "" -L -p sctp --state ESTABLISHED
difftest "" -L -p sctp --state COOKIE_WAIT
difftest "" -L -p sctp --orig-vtag 1
difftest "" -L -p icmp --icmp-type 8
difftest "" -L -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 4660
difftest "" -L -p icmp --icmp-id 16962
difftest "" -L -p icmpv6 --icmpv6-type 128
difftest "" -L -p icmpv6 --icmpv6-id 77
# GRE keys are not compared by the reference: --srckey does not filter.
difftest "" -L -p gre --srckey 0x1234
difftest "" -L -p gre --srckey 0x9999

# mark: value, value/mask (kernel filter + userspace check)
for m in 0 5 16 42 0x10000003 268435459 3/0xff 0x10000000/0xf0000000 0/0xffff0000 16/16; do
	difftest "" -L -m "$m"
done

# addresses: exact, CIDR, masks, reply direction
difftest "" -L -s 192.0.2.9
difftest "" -L -d 192.0.2.10
difftest "" -L -s 192.0.2.9 -d 192.0.2.11
difftest "" -L -s 192.0.2.0/24
difftest "" -L -s 192.0.2.0/25
difftest "" -L -d 198.51.100.0/24
difftest "" -L -s 0.0.0.0/0
difftest "" -L -s 192.0.2.0 --mask-src 255.255.255.0
difftest "" -L -d 198.51.100.0 --mask-dst 255.255.255.0
difftest "" -L -s ::1
difftest "" -L -s 2001:db8::1 -d 2001:db8::2
difftest "" -L -s 2001:db8::/32
difftest "" -L -d 2001:db8:1::/48
difftest "" -L -s 127.0.0.1 -p tcp
difftest "" -L -r 10.0.0.80
difftest "" -L -q 198.51.100.7
difftest "" -L -r 2001:db8::8
difftest "" -L --reply-src 203.0.113.9 --reply-dst 198.51.100.7
difftest "" -L -s 192.0.2.1 -f ipv4

# status (kernel status filter)
for u in ASSURED UNREPLIED '!ASSURED' SEEN_REPLY '!SEEN_REPLY' ASSURED,UNREPLIED \
	SEEN_REPLY,ASSURED; do
	difftest "" -L -u "$u"
done
difftest "" -L -u ASSURED -p tcp
difftest "" -L -u UNREPLIED -f ipv6 -o extended

# zones
difftest "" -L -w 42
difftest "" -L -w 43
difftest "" -L -w 0
difftest "" -L --orig-zone 6
difftest "" -L --reply-zone 7
difftest "" -L --orig-zone 0

# NAT filters
difftest "" -L -n
difftest "" -L -g
difftest "" -L -j
difftest "" -L -n -g
difftest "" -L --src-nat 198.51.100.7
difftest "" -L --src-nat 198.51.100.7:61000
difftest "" -L --src-nat 198.51.100.8
difftest "" -L --dst-nat 10.0.0.80
difftest "" -L --dst-nat 10.0.0.80:80
difftest "" -L --dst-nat 10.0.0.81
difftest "" -L --any-nat 10.0.0.80
difftest "" -L --any-nat 198.51.100.7
difftest "" -L -n -o save

# labels (the map names foo bar ssh-ok baz-qux last; bit 3 is set on one entry, unnamed)
difftest "" -L -l foo
difftest "" -L -l foo,bar
difftest "" -L -l bar -l baz-qux
difftest "" -L -l last
difftest "" -L -l ssh-ok
difftest "" -L -l foo -o labels,extended
difftest "" -L -l unnamed3

# combinations
difftest "" -L -p tcp -s 192.0.2.2 --state CLOSE -o extended
difftest "" -L -f ipv6 -p udp -o save
difftest "" -L -u ASSURED -p tcp -o xml
difftest "" -L -p udp -m 42 -o id
difftest "" -L -p tcp -d 127.0.0.1 -u ASSURED -l bar -o labels
difftest "" -L -z -f ipv6 -p udp

testing_done
