#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -R - from a pipe needs no temporary file: /tmp full, tiny, read-only or TMPDIR gone make
# no difference, the batch stays all-or-nothing, and errors name their real cause.
#
#   cat batch | unshare -m [ /tmp: 64 KiB tmpfs | read-only | full ] ip netns exec NS conntrack -R -
#
#   +---------------------------+      +---------------------------+
#   | netns "ref": $ORACLE      |      | netns "us": $CONNTRACK    |
#   +---------------------------+      +---------------------------+
#
# Each case runs in its own private mount namespace: the host's /tmp is never touched.
# Run: BUILDDIR=<builddir> test/netns/batch-pipe.sh (root; 77 otherwise).
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"

BUILDDIR=${BUILDDIR:-build}
CONNTRACK=${CONNTRACK:-$BUILDDIR/conntrack}
CONNTRACK=$(realpath -s "$CONNTRACK")
ORACLE=${ORACLE:-/usr/sbin/conntrack}
[ -x "$ORACLE" ] || skip "reference conntrack not found at $ORACLE"
command -v unshare >/dev/null || skip "unshare not available"
command -v python3 >/dev/null || skip "python3 not installed"

ns_new NS_REF ref
ns_new NS_US us
ns_tmpdir WORK

# 5,000 lines as -o save writes them: tcp, udp, icmp with both directions, IPv6.
python3 - "$WORK/batch" <<-'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(5000):
        a, b = "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255), "192.0.2.%d" % (1 + i % 200)
        k = i % 4
        if k == 0:
            f.write("-A -t 600 -u SEEN_REPLY,ASSURED -s %s -d %s -r %s -q %s -p tcp --sport %d --dport 443 --reply-port-src 443 --reply-port-dst %d --state ESTABLISHED\n" % (a, b, b, a, 1024 + i, 1024 + i))
        elif k == 1:
            f.write("-A -t 600 -u UNSET -s %s -d %s -r %s -q %s -p udp --sport %d --dport 53 --reply-port-src 53 --reply-port-dst %d\n" % (a, b, b, a, 1024 + i, 1024 + i))
        elif k == 2:
            f.write("-A -t 600 -u SEEN_REPLY -s %s -d %s -r %s -q %s -p icmp --icmp-type 8 --icmp-code 0 --icmp-id %d\n" % (a, b, b, a, i))
        else:
            f.write("-A -t 600 -u UNSET -s 2001:db8::%x -d 2001:db8:1::1 -r 2001:db8:1::1 -q 2001:db8::%x -p udp --sport 7 --dport 7 --reply-port-src 7 --reply-port-dst 7\n" % (i, i))
EOF

# load NS BIN SETUP: flush NS, then `cat batch | BIN -R -` in a private mount namespace where
# SETUP (a shell snippet) has run first; prints "exit N, M entries" and keeps stderr in $WORK/err.
load()
{
	local ns=$1 bin=$2 setup=$3 rc
	ip netns exec "$ns" "$ORACLE" -F >/dev/null 2>&1
	set +e
	# shellcheck disable=SC2016 # expanded by the inner shell
	cat "${BATCH:-$WORK/batch}" | unshare -m --propagation private sh -c \
		"$setup"'
		exec ip netns exec "$0" "$1" -R -' "$ns" "$bin" >/dev/null 2>"$WORK/err"
	rc=$?
	set -e
	echo "exit $rc, $(ip netns exec "$ns" "$ORACLE" -C) entries"
}

# both NAME SETUP: the reference and ours load the batch under SETUP; both must load all of it.
both()
{
	local name=$1 setup=$2
	testing "reference: $name" "load $NS_REF $ORACLE '$setup'" "exit 0, 5000 entries\n"
	testing "ours: $name" "load $NS_US $CONNTRACK '$setup'; cat $WORK/err" \
		"exit 0, 5000 entries\n"
}

TINY='mount -t tmpfs -o size=64k tmpfs /tmp || exit 99; export TMPDIR=/tmp'
both "/tmp a 64 KiB tmpfs" "$TINY"
both "/tmp a full 64 KiB tmpfs" "$TINY"'; dd if=/dev/zero of=/tmp/fill bs=4k count=64 2>/dev/null'
both "/tmp read-only" 'mount -t tmpfs -o ro,size=64k tmpfs /tmp || exit 99'
both "TMPDIR a directory that does not exist" 'export TMPDIR=/nonexistent/ctbox'
both "TMPDIR read-only, /tmp read-only" \
	'mount -t tmpfs -o ro tmpfs /tmp || exit 99; export TMPDIR=/tmp'

# All or nothing from a pipe: a bad last line, and nothing at all is created.
{ cat "$WORK/batch"; echo '-A -t 600 -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 --bogus'; } \
	>"$WORK/bad"
BATCH=$WORK/bad testing "ours: a bad line 5001 from a pipe on a tiny /tmp: nothing runs" \
	"load $NS_US $CONNTRACK '$TINY'; sed 's/(ctbox)/(X)/; s/v[0-9.]* //' $WORK/err" \
	"exit 2, 0 entries\nconntrack (X): unknown option \`--bogus'\nTry \`conntrack -h' or 'conntrack --help' for more information.\nconntrack: /dev/stdin: error on line 5001\n"

# The errors that remain name their cause. Memory: the batch is held in memory, so a limit
# on the address space ends it with ENOMEM before anything runs. (ASan reserves terabytes of
# address space; the check means nothing there.)
if [ -z "$CTBOX_SANITIZED" ]; then
	python3 - "$WORK/huge" <<-'EOF'
	import sys
	with open(sys.argv[1], "w") as f:
	    for i in range(1000000):
	        f.write("-A -t 600 -u UNSET -s 10.%d.%d.%d -d 192.0.2.%d -p udp --sport %d --dport %d\n"
	                % (i >> 16, (i >> 8) & 255, i & 255, i % 250, 1024 + i % 60000, i % 65000))
	EOF
	BATCH=$WORK/huge testing "ours: out of memory holding a pipe: the cause, nothing runs" \
		"load $NS_US $CONNTRACK 'ulimit -v 40000'; sed 's/(ctbox)/(X)/; s/v[0-9.]* //; s/line [0-9]*/line N/' $WORK/err" \
		"exit 1, 0 entries\nconntrack (X): out of memory\nconntrack: /dev/stdin: error on line N\n"
else
	testing_skip "out of memory holding a pipe (sanitizer build)"
fi
# A read error (standard input is a directory): said, exit 1. The reference takes it for an
# empty batch and exits 0 (doc/differences.md).
testing "ours: -R - reading a directory: the read error" \
	"ip netns exec $NS_US $CONNTRACK -R - </ 2>&1 | sed 's/(ctbox)/(X)/; s/v[0-9.]* //'; echo \${PIPESTATUS[0]}" \
	"conntrack (X): /dev/stdin: Is a directory\nconntrack: /dev/stdin: error on line 1\n1\n"
testing "ours: -R DIR: the read error" \
	"ip netns exec $NS_US $CONNTRACK -R / 2>&1 | sed 's/(ctbox)/(X)/; s/v[0-9.]* //'; echo \${PIPESTATUS[0]}" \
	"conntrack (X): /: Is a directory\nconntrack: /: error on line 1\n1\n"

testing_done
