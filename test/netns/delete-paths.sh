#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -D's three delete paths must list and delete exactly the same entries:
#   one CPU (taskset -c 0): filtered flush when the kernel's filter is exact, else batched
#   deletes inline; two or more CPUs: batched deletes pipelined on a worker thread.
# Each block runs under both CPU sets. The flush path must fall back to entry-by-entry
# deletes when the kernel's zone filter is wider than conntrack's (directional zones).
#
#  +---------------- ctbox-<pid>-<rand>-delpath -----------------+
#  |  lo only; small tables from the reference `conntrack -I`    |
#  |  (zone=7, zone-orig=7 directional, zone 0, IPv6), bulk      |
#  |  tables from ctfill (more entries than the pipeline holds)  |
#  +--------------------------------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"

[ -n "$BUILDDIR" ] || { echo "BUILDDIR is not set" >&2; exit 1; }
ORACLE=${ORACLE:-/usr/sbin/conntrack}
[ -x "$ORACLE" ] || skip "no reference conntrack to fill the table"
command -v taskset >/dev/null || skip "no taskset"
CT=$BUILDDIR/conntrack
CTFILL=$BUILDDIR/test/tools/ctfill
FAILSEND=$BUILDDIR/test/tools/libfailsend.so
ns_new NS delpath
ns_tmpdir T
n() { ip netns exec "$NS" "$@"; }
add() { n "$ORACLE" -I -p udp --sport 1 --dport 2 -t 100 "$@" 2>/dev/null; }
left() { n "$ORACLE" -L -o save 2>/dev/null | sed -E 's/-t [0-9]+ //' | LC_ALL=C sort; }
count() { n "$ORACLE" -C; }
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
# bulk: 3000 entries (tcp4, tcp6, udp4, udp6 in turn) plus 600 more in zone 7
bulk()
{
	n "$ORACLE" -F 2>/dev/null
	n "$CTFILL" -q -n 3000 -p tcp,udp -f 46
	n "$CTFILL" -q -n 600 -s 3000 -z 7 -p tcp,udp -f 46
}
summary() { sed 's/ v[^ ]* (ctbox)//'; }

# race MODE CT...: two `CT -D` at once; prints distinct lines, all lines (MODE all) or whether
# there are at least as many (MODE one: both listings may show an entry before either
# flushes), then the table's count, and a complaint for any exit code or summary that does
# not fit the lines printed.
race()
{
	local mode=$1 ra rb f r l
	shift
	n "$@" -D >"$T/a" 2>"$T/ea" &
	n "$@" -D >"$T/b" 2>"$T/eb"
	rb=$?
	wait $!
	ra=$?
	# Two listings a second apart show one entry with two timeouts: compare without them.
	cat "$T/a" "$T/b" | sed -E 's/^([a-z0-9]+ +[0-9]+ )[0-9]+ /\1T /' | sort -u | wc -l
	l=$(cat "$T/a" "$T/b" | wc -l)
	if [ "$mode" = all ]; then echo "$l"; else [ "$l" -ge 3600 ] && echo ">= 3600"; fi
	grep -h 'Operation failed' "$T/ea" "$T/eb"
	for f in a b; do
		[ $f = a ] && r=$ra || r=$rb
		l=$(wc -l <"$T/$f")
		[ "$r" = "$([ "$l" -gt 0 ] && echo 0 || echo 1)" ] || echo "$f: exit $r with $l lines"
		summary <"$T/e$f" | grep -qx "conntrack: $l flow entries have been deleted." ||
			echo "$f: bad summary"
	done
	count
}

# closed_reader dfl|ign CMD...: run CMD with stdout a pipe nobody reads any more (read end
# closed), SIGPIPE at its default or ignored; prints the exit status (128 + signal if killed).
closed_reader()
{
	python3 - "$@" <<-'EOF'
	import os, signal, subprocess, sys
	r, w = os.pipe()
	os.close(r)
	ign = sys.argv[1] == "ign"
	pre = (lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)) if ign else None
	p = subprocess.run(sys.argv[2:], stdout=w, preexec_fn=pre, restore_signals=not ign)
	print(128 - p.returncode if p.returncode < 0 else p.returncode)
	EOF
}

NCPU=$(nproc)
[ "$NCPU" -ge 2 ] || echo "NOTE: $NCPU CPU: the pipelined path cannot run here; both passes take the one-CPU paths"

for cpus in one all; do
	if [ $cpus = one ]; then
		CTX="taskset -c 0 $CT"
	else
		CTX=$CT
	fi

	# -w 7: the kernel's zone filter also passes the zone-orig=7 entry; it must survive.
	fill
	testing "$cpus CPU: -D -w 7 with a directional zone-7 twin: lists and deletes only zone=7" \
		"n $CTX -D -w 7 2>&1 | sed -E 's/ [0-9]+ src/ T src/; s/delta-time=[0-9]+/delta-time=0/; s/ v[^ ]* \(ctbox\)//'; echo \$?" \
		"udp      17 T src=1.1.1.2 dst=2.2.2.2 sport=1 dport=2 packets=0 bytes=0 [UNREPLIED] src=2.2.2.2 dst=1.1.1.2 sport=2 dport=1 packets=0 bytes=0 mark=0 zone=7 delta-time=0 use=1\nconntrack: 1 flow entries have been deleted.\n0\n"
	testing "$cpus CPU: -D -w 7: the zone-orig=7 entry and the rest are left" "left" \
		"-A -u UNSET --orig-zone 7 -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1\n-A -u UNSET -s 1.1.1.3 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.3 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1\n-A -u UNSET -s 1.1.1.4 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.4 -p tcp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1 --state ESTABLISHED\n-A -u UNSET -s 2001:db8::3 -d 2001:db8::2 -r 2001:db8::2 -q 2001:db8::3 -p udp --sport 1 --dport 2 --reply-port-src 2 --reply-port-dst 1\n"

	# -p udp without -f: one flush per family, both families go, tcp stays.
	fill
	testing "$cpus CPU: -D -p udp: 4 listed" \
		"n $CTX -D -p udp 2>&1 >/dev/null | summary; echo \$?" \
		"conntrack: 4 flow entries have been deleted.\n0\n"
	testing "$cpus CPU: -D -p udp: only the tcp entry is left" \
		"left | grep -o -- '-s [^ ]* .*-p [a-z]*'" \
		"-s 1.1.1.4 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.4 -p tcp\n"

	# -f ipv6 alone must not flush IPv4 (a flush without a filter ignores the family).
	fill
	testing "$cpus CPU: -D -f ipv6: one entry" \
		"n $CTX -D -f ipv6 2>&1 >/dev/null | summary" \
		"conntrack: 1 flow entries have been deleted.\n"
	testing "$cpus CPU: -D -f ipv6: every IPv4 entry is left" "left | wc -l" "4\n"

	# Same through the userspace filter (CTBOX_KFILTER=0: never a flush).
	fill
	testing "$cpus CPU: -D -s 1.1.1.3 with CTBOX_KFILTER=0" \
		"CTBOX_KFILTER=0 n $CTX -D -s 1.1.1.3 2>&1 >/dev/null | summary; left | wc -l" \
		"conntrack: 1 flow entries have been deleted.\n4\n"

	# No match: exit 1 and a zero summary on every path.
	fill
	testing "$cpus CPU: -D -s 9.9.9.9: nothing deleted, exit 1" \
		"n $CTX -D -s 9.9.9.9 2>'$T/err'; echo \$?; summary <'$T/err'; left | wc -l" \
		"1\nconntrack: 0 flow entries have been deleted.\n5\n"

	# More entries than the pipeline's batches hold: every line printed once, the count
	# right, exactly the listed entries gone.
	bulk
	testing "$cpus CPU: bulk -D -w 7: 600 lines, 600 deleted, 3000 left" \
		"n $CTX -D -w 7 2>&1 >'$T/out' | summary; grep -c 'zone=7 ' '$T/out'; sort -u '$T/out' | wc -l; count" \
		"conntrack: 600 flow entries have been deleted.\n600\n600\n3000\n"
	bulk
	testing "$cpus CPU: bulk -D -p udp: 1800 lines, only tcp left" \
		"n $CTX -D -p udp 2>&1 >'$T/out' | summary; grep -c '^udp ' '$T/out'; sort -u '$T/out' | wc -l; n '$ORACLE' -L 2>/dev/null | grep -vc '^tcp '" \
		"conntrack: 1800 flow entries have been deleted.\n1800\n1800\n0\n"
	# IPv6 addresses: the kernel's filter cannot take them, so never a flush.
	bulk
	testing "$cpus CPU: bulk -D -f ipv6 -s fd00:c7b0::/96: 1800 lines, IPv4 left" \
		"n $CTX -D -f ipv6 -s fd00:c7b0:: --mask-src ffff:ffff:ffff:ffff:ffff:ffff:: 2>&1 >'$T/out' | summary; grep -c 'src=fd00:c7b0::' '$T/out'; sort -u '$T/out' | wc -l; count" \
		"conntrack: 1800 flow entries have been deleted.\n1800\n1800\n1800\n"
	# The listing must be what upstream prints: same lines as the reference's -L.
	bulk
	testing "$cpus CPU: bulk -D -p tcp -o id prints what -L -p tcp -o id lists" \
		"n '$ORACLE' -L -p tcp -o id 2>/dev/null | sed -E 's/^([a-z0-9]+ +[0-9]+ )[0-9]+ /\\1T /; s/delta-time=[0-9]+/delta-time=0/' | LC_ALL=C sort >'$T/want'; n $CTX -D -p tcp -o id 2>/dev/null | sed -E 's/^([a-z0-9]+ +[0-9]+ )[0-9]+ /\\1T /; s/delta-time=[0-9]+/delta-time=0/' | LC_ALL=C sort | cmp - '$T/want' && echo same" \
		"same\n"
	# Two -D racing over one table: an entry the other process took first is skipped, not an
	# error (upstream stopped). Batched deletes print each entry exactly once between the
	# two; the flush path (one CPU) lists before it deletes, so both may list an entry.
	bulk
	# With one CPU in all, "all" takes the flush path too.
	if [ $cpus = all ] && [ "$NCPU" -ge 2 ]; then rmode=all want="3600\n3600\n0\n"; else rmode=one want="3600\n>= 3600\n0\n"; fi
	testing "$cpus CPU: two concurrent -D: every entry listed, no error, table empty" \
		"race $rmode $CTX" "$want"
	# A batch that cannot be sent (the shim fails the third sendto: dump request, first
	# batch, second batch): the error is reported once, exit 1, and only the first batch's
	# 16 entries are listed and gone. IPv6 filter: never a flush.
	# LD_PRELOAD cannot reach into a static binary: the dynamic builds check this path.
	if [ -n "${CTBOX_STATIC:-}" ]; then
		testing_skip "$cpus CPU: a failed batch stops -D (the shim cannot preload into a static binary)"
	else
		bulk
		testing "$cpus CPU: a failed batch stops -D: 16 listed and deleted, error, exit 1" \
			"ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0 FAILSEND_AFTER=2 LD_PRELOAD='$FAILSEND' n $CTX -D -f ipv6 -s fd00:c7b0:: --mask-src ffff:ffff:ffff:ffff:ffff:ffff:: >'$T/out' 2>'$T/err'; echo \$?; wc -l <'$T/out'; summary <'$T/err'; count" \
			"1\n16\nconntrack: Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this\n3584\n"
	fi
	# The reader of the output is gone before the first line (the pipe's read end is closed):
	# each batch's lines are written before the next batch is sent, so only the first batch
	# (16 entries) is deleted; SIGPIPE ends -D as it ends upstream (141). With SIGPIPE
	# ignored, EPIPE stops it the same way, with the error and exit 1.
	bulk
	testing "$cpus CPU: -D, reader gone: the first batch (16) deleted, then SIGPIPE" \
		"closed_reader dfl ip netns exec $NS $CTX -D -f ipv6 -s fd00:c7b0:: --mask-src ffff:ffff:ffff:ffff:ffff:ffff:: 2>/dev/null; count" \
		"141\n3584\n"
	bulk
	testing "$cpus CPU: -D, reader gone, SIGPIPE ignored: 16 deleted, Broken pipe, exit 1" \
		"closed_reader ign ip netns exec $NS $CTX -D -f ipv6 -s fd00:c7b0:: --mask-src ffff:ffff:ffff:ffff:ffff:ffff:: 2>'$T/err'; summary <'$T/err'; count" \
		"1\nconntrack: Operation failed: Broken pipe\n3584\n"
	# -p udp on one CPU lists everything, then flushes: with the listing unwritten, nothing.
	bulk
	testing "$cpus CPU: -D -p udp, reader gone, SIGPIPE ignored: nothing deleted" \
		"closed_reader ign ip netns exec $NS $CTX -D -p udp 2>'$T/err'; summary <'$T/err' | grep -c 'Broken pipe'; count" \
		"1\n1\n$([ $cpus = one ] || [ "$NCPU" -lt 2 ] && echo 3600 || echo 3584)\n"
	# Same on one CPU through the batched path (IPv6 filter: never a flush).
	if [ $cpus = one ]; then
		bulk
		n "$ORACLE" -D -f ipv4 >/dev/null 2>&1
		testing "one CPU, batched: two concurrent -D -f ipv6 -s fd00:c7b0::/96: each entry once" \
			"race all $CTX -f ipv6 -s fd00:c7b0:: --mask-src ffff:ffff:ffff:ffff:ffff:ffff:: | sed 1,2s/1800/N/" \
			"N\nN\n0\n"
	fi
done

testing_done
