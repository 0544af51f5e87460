#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -D through the kernel's filtered flush: it must delete exactly what it lists, and fall back
# to entry-by-entry deletes when the kernel's filter is wider than conntrack's (zones).
#
#  +---------------- ctbox-<pid>-<rand>-delflush -----------------+
#  |  lo only; entries from the reference `conntrack -I`          |
#  |  zone=7 (CTA_ZONE), zone-orig=7 (directional), zone 0        |
#  +---------------------------------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"

[ -n "$BUILDDIR" ] || { echo "BUILDDIR is not set" >&2; exit 1; }
ORACLE=${ORACLE:-/usr/sbin/conntrack}
[ -x "$ORACLE" ] || skip "no reference conntrack to fill the table"
CT=$BUILDDIR/conntrack
ns_new NS delflush
n() { ip netns exec "$NS" "$@"; }
add() { n "$ORACLE" -I -p udp --sport 1 --dport 2 -t 100 "$@" 2>/dev/null; }
left() { n "$ORACLE" -L -o save 2>/dev/null | sed -E 's/-t [0-9]+ //' | LC_ALL=C sort; }
fill()
{
	n "$ORACLE" -F 2>/dev/null
	add -s 1.1.1.1 -d 2.2.2.2 --orig-zone 7
	add -s 1.1.1.2 -d 2.2.2.2 -w 7
	add -s 1.1.1.3 -d 2.2.2.2
	add -s 2001:db8::3 -d 2001:db8::2
	n "$ORACLE" -I -p tcp -s 1.1.1.4 -d 2.2.2.2 --sport 1 --dport 2 --state ESTABLISHED \
		-t 100 2>/dev/null
}

# -w 7: the kernel's zone filter also passes the zone-orig=7 entry; it must survive.
fill
testing "-D -w 7 with a directional zone-7 twin: lists and deletes only zone=7" \
	"n '$CT' -D -w 7 2>&1 | sed -E 's/ [0-9]+ src/ T src/; s/delta-time=[0-9]+/delta-time=0/; s/ v[^ ]* \(ctbox\)//'; echo \$?" \
	"udp      17 T src=1.1.1.2 dst=2.2.2.2 sport=1 dport=2 packets=0 bytes=0 [UNREPLIED] src=2.2.2.2 dst=1.1.1.2 sport=2 dport=1 packets=0 bytes=0 mark=0 zone=7 delta-time=0 use=1\nconntrack: 1 flow entries have been deleted.\n0\n"
testing "-D -w 7: the zone-orig=7 entry and the rest are left" "left" \
	"-A -u UNSET --orig-zone 7 -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1\n-A -u UNSET -s 1.1.1.3 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.3 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1\n-A -u UNSET -s 1.1.1.4 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.4 -p tcp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1 --state ESTABLISHED\n-A -u UNSET -s 2001:db8::3 -d 2001:db8::2 -r 2001:db8::2 -q 2001:db8::3 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1\n"

# -p udp without -f: one flush per family, both families go, tcp stays.
fill
testing "-D -p udp (flush per family): 4 listed" \
	"n '$CT' -D -p udp 2>&1 >/dev/null | sed 's/ v[^ ]* (ctbox)//'; echo \$?" \
	"conntrack: 4 flow entries have been deleted.\n0\n"
testing "-D -p udp: only the tcp entry is left" "left | grep -o -- '-s [^ ]* .*-p [a-z]*'" \
	"-s 1.1.1.4 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.4 -p tcp\n"

# -f ipv6 alone must not flush IPv4 (a flush without a filter ignores the family).
fill
testing "-D -f ipv6: one entry" \
	"n '$CT' -D -f ipv6 2>&1 >/dev/null | sed 's/ v[^ ]* (ctbox)//'" \
	"conntrack: 1 flow entries have been deleted.\n"
testing "-D -f ipv6: every IPv4 entry is left" "left | wc -l" "4\n"

# Same through the userspace path (CTBOX_KFILTER=0) for comparison.
fill
testing "-D -s 1.1.1.3 with CTBOX_KFILTER=0" \
	"CTBOX_KFILTER=0 n '$CT' -D -s 1.1.1.3 2>&1 >/dev/null | sed 's/ v[^ ]* (ctbox)//'; left | wc -l" \
	"conntrack: 1 flow entries have been deleted.\n4\n"

testing_done
