#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Demo: build ctbox, add a few conntrack entries with it in a throwaway namespace, list them.
#
#  +------------- ctbox-<pid>-<rand>-demo -------------+
#  |  lo only; entries come from `conntrack -I` (ctbox) |
#  +-----------------------------------------------------+
#    The host's conntrack table is never read or written.

cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build-test}

if [ -f "$BUILD/build.ninja" ]; then
	meson setup --reconfigure "$BUILD" >/dev/null
else
	meson setup "$BUILD" >/dev/null
fi
ninja -C "$BUILD" >/dev/null
case $BUILD in /*) CT=$BUILD/conntrack ;; *) CT=$PWD/$BUILD/conntrack ;; esac

. test/lib/netns.sh
ns_new NS demo

nsx "$NS" "$CT" -I -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443 \
	--state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED -m 16
nsx "$NS" "$CT" -I -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 5353 --dport 53 -t 120 -w 42
nsx "$NS" "$CT" -I -p icmp -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 \
	--icmp-id 4660 -t 30
nsx "$NS" "$CT" -I -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 50000 --dport 22 \
	--state SYN_SENT -t 120
nsx "$NS" "$CT" -I -p tcp -s 10.0.0.5 -d 203.0.113.9 --sport 33000 --dport 80 \
	--state ESTABLISHED -t 300 --src-nat 198.51.100.7:61000

nsx "$NS" "$CT" -L
nsx "$NS" "$CT" -L -o extended
nsx "$NS" "$CT" -C
