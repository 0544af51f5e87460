#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential tests of -E: ours and the reference listen side by side to the same events.
#
#   +----------------------------------------------------------+
#   | netns "ev"                                               |
#   |   $CONNTRACK -E ARGS > us.out     $ORACLE -E ARGS > ref.out |
#   |            ^                          ^                  |
#   |            +------ ctnetlink events --+                  |
#   |   events from: $ORACLE -I/-U/-D, traffic.py over lo      |
#   |   (udp, tcp, icmp, v4+v6), ctfill bursts                 |
#   +----------------------------------------------------------+
#
# Run: CONNTRACK=<builddir>/conntrack [CTFILL=<builddir>/test/tools/ctfill] test/diff/events.sh
# (TEST_HOST=1: reference on both sides). Root only (77 otherwise).
. "$(dirname "$0")/../lib/netns.sh"
ns_private_etc "$@"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/diff-cmds.sh"

CTFILL=${CTFILL:-}
ct_labelmap
ns_new NS ev
# shellcheck disable=SC2034 # read by ctdiff.sh (ref, difftest)
CT_NS=$NS
# The label rule gives every entry the label extension; traffic to udp/7777 gets "foo".
ip netns exec "$NS" nft -f - <<-'EOF'
table inet ctbox_h6 {
	chain out {
		type filter hook output priority 0; policy accept;
		udp dport 7777 ct label set foo
	}
}
EOF

# What the event tests make happen, in a fixed order.
scenario()
{
	ref -I -p tcp -s 9.9.9.1 -d 9.9.9.2 --sport 1 --dport 2 --state ESTABLISHED -t 50
	ref -I -p udp -s 9.9.9.1 -d 9.9.9.3 --sport 5 --dport 6 -t 60 -m 7
	ref -I -p icmp -s 9.9.9.4 -d 9.9.9.5 --icmp-type 8 --icmp-code 0 --icmp-id 3 -t 70
	ref -I -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 7 --dport 8 -t 80 --orig-zone 4
	ref -U -s 9.9.9.1 -p tcp -m 5
	ref -U -s 9.9.9.1 -d 9.9.9.3 -m 8
	ref -D -s 9.9.9.4
	ref -D -p tcp
	ip netns exec "$NS" python3 "$CT_LIB/traffic.py"
	ref -D -s 2001:db8::1
	ref -F
}

# Event lines that depend on the run: the [USERSPACE] port id is random per socket and the
# progname is found only while the requesting process is still alive (a race upstream has
# too), so both are reduced to "[USERSPACE] portid=P".
ev_norm()
{
	ct_norm | sed -E 's/ \[USERSPACE\] portid=P( progname=[^ ]*)?$/ [USERSPACE] portid=P/'
}

# ev_pair NAME ARG...: start both listeners, run the scenario, stop both, compare.
# The listeners run under timeout(1) so a hang cannot outlive the test.
ev_pair()
{
	local name=${1:-${*:2}} p_ref p_us rc_ref rc_us
	shift
	ns_bg "$NS" timeout -s INT -k 30 120 "$ORACLE" -E "$@" >"$CT_WORK/ref.out" 2>"$CT_WORK/ref.err"
	p_ref=$!
	ns_bg "$NS" timeout -s INT -k 30 120 "$CONNTRACK" -E "$@" >"$CT_WORK/us.out" 2>"$CT_WORK/us.err"
	p_us=$!
	wait_listeners "$NS" 2
	scenario >/dev/null 2>&1
	sleep 0.5
	stop_pid "$p_ref"
	rc_ref=$CT_LAST_RC
	stop_pid "$p_us"
	rc_us=$CT_LAST_RC
	{
		ev_norm <"$CT_WORK/ref.out" | ev_ref_fix
		echo "--- stderr"
		ct_normalise <"$CT_WORK/ref.err"
		echo "--- exit $rc_ref"
	} >"$CT_WORK/t.ref"
	{
		ct_save_extras <"$CT_WORK/us.out" | ev_norm
		echo "--- stderr"
		ct_normalise <"$CT_WORK/us.err"
		echo "--- exit $rc_us"
	} >"$CT_WORK/t.us"
	if ! grep -q . "$CT_WORK/ref.out" && [ "$EV_EMPTY_OK" != 1 ]; then
		testing_fail "$name (the reference saw no events: the test is broken)"
		return 0
	fi
	twin_compare "$name"
}

# 1.4.9 prints no [USERSPACE] tail after an XML </flow> (1.4.7 does): our target is 1.4.9.
ev_ref_fix()
{
	if ours_only; then
		sed -E 's#(</flow>) \[USERSPACE\] portid=P$#\1#'
	else
		cat
	fi
}

echo "== formats"
ev_pair "-E"
ev_pair "" -o extended,id
ev_pair "" -o xml
ev_pair "" -o timestamp
ev_pair "" -o save
ev_pair "" -o ktimestamp
ev_pair "" -o extended,labels
ev_pair "" -o xml,timestamp

echo "== filters"
ev_pair "" -e NEW
ev_pair "" -e UPDATES,DESTROY
ev_pair "" -e DESTROY -o extended
ev_pair "" -p tcp
ev_pair "" -p udp -o extended
ev_pair "" -s 9.9.9.1
ev_pair "" -d 127.0.0.1
ev_pair "" -s 9.9.9.0/24
ev_pair "" -f ipv6
ev_pair "" -m 7
ev_pair "" -m 8/0xff
ev_pair "" --orig-zone 4
ev_pair "" -l foo
ev_pair "" -p icmp
ev_pair "" -c 0
EV_EMPTY_OK=1 ev_pair "no match: -s 1.2.3.4" -s 1.2.3.4

echo "== a reader that stops reading, then SIGTERM: the summary at once, exit 0"
# The reader holds the pipe open and never reads; 3,000 events fill it, so the listener
# blocks writing. SIGTERM must end it at once with the summary (the reference prints it from
# its signal handler), not leave it blocked until the reader exits (and SIGPIPE kills it).
python3 - "$CT_WORK/stall" <<-'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write("-I -p udp -s 10.9.%d.%d -d 10.8.0.1 --sport 1 --dport 2 -t 100\n" % (i >> 8, i & 255))
EOF
# ev_stalled BIN: "summary: LINE" read 3 s after SIGTERM, then "exit: RC" (or "exit: none"
# when it is still running then).
ev_stalled()
{
	local bin=$1 p r rc=none
	ref -F >/dev/null 2>&1
	rm -f "$CT_WORK/fifo"
	mkfifo "$CT_WORK/fifo"
	# shellcheck disable=SC2217 # the reader holds the pipe open and never reads it
	sleep 60 <"$CT_WORK/fifo" &
	r=$!
	CT_PID_LIST+=("$r")
	ns_bg "$NS" timeout -s INT -k 10 60 "$bin" -E >"$CT_WORK/fifo" 2>"$CT_WORK/st.err"
	p=$!
	wait_listeners "$NS" 1
	ref -R "$CT_WORK/stall" >/dev/null 2>&1
	sleep 1
	kill -TERM "$p"
	for _ in $(seq 30); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	echo "summary: $(ct_normalise <"$CT_WORK/st.err" |
		sed -nE 's/[0-9]+ (flow events have been shown)/N \1/p')"
	if ! kill -0 "$p" 2>/dev/null; then
		set +e
		wait "$p"
		rc=$?
		set -e
	fi
	echo "exit: $rc"
	kill "$r" 2>/dev/null || true
	wait "$r" 2>/dev/null || true
	stop_pid "$p"
	ref -F >/dev/null 2>&1
}
ev_stalled "$ORACLE" >"$CT_WORK/st.ref"
ev_stalled "$CONNTRACK" >"$CT_WORK/st.us"
check "-E, stalled reader, SIGTERM: the summary at once (as the reference)" \
	"$(sed -n 1p "$CT_WORK/st.ref")" "$(sed -n 1p "$CT_WORK/st.us")"
# The reference exits from its handler, and its exit-time stdio flush may block on the full
# pipe until the reader goes away (then SIGPIPE); ctbox drops what the reader did not take.
echo "info: stalled reader: reference $(sed -n 2p "$CT_WORK/st.ref")"
if ours_only; then
	check "-E, stalled reader, SIGTERM: ours exits 0 at once" "exit: 0" \
		"$(sed -n 2p "$CT_WORK/st.us")"
fi

echo "== -b: the NOTICE, and the buffer lands on the event socket (ctbox fix)"
ev_bufsize()
{
	local p rb
	ns_bg "$NS" timeout -s INT -k 30 60 "$1" -E -b 1000000 >/dev/null 2>"$CT_WORK/b.err"
	p=$!
	wait_listeners "$NS" 1
	# Only one socket in this namespace has groups: the listener's (ss may print it twice).
	rb=$(ip netns exec "$NS" ss -f netlink -a -e -m |
		awk '/groups=0x0000000[1-7]/ { if (match($0, /rb[0-9]+/)) print substr($0, RSTART + 2, RLENGTH - 2) }' |
		sort -u | head -n 1)
	stop_pid "$p"
	echo "$rb"
}
command -v ss >/dev/null || skip "ss (iproute2) not installed"
rb_ref=$(ev_bufsize "$ORACLE")
cp "$CT_WORK/b.err" "$CT_WORK/b.err.ref"
rb_us=$(ev_bufsize "$CONNTRACK")
check "-b 1000000: stderr as the reference" "$(ct_normalise <"$CT_WORK/b.err.ref")" \
	"$(ct_normalise <"$CT_WORK/b.err")"
echo "info: event socket receive buffer with -b 1000000: reference ${rb_ref}, ours ${rb_us}"
if ours_only; then
	check "-b 1000000 sets the EVENT socket's buffer" "2000000" "$rb_us"
else
	echo "SKIP: -b on the event socket (upstream sets the wrong socket: $rb_ref)"
fi

echo "== burst: 50000 NEW events at default settings"
if [ -n "$CTFILL" ] && [ -x "$CTFILL" ]; then
	ref -F >/dev/null 2>&1
	burst_count()
	{
		local p
		ns_bg "$NS" timeout -s INT -k 30 120 "$1" -E -e NEW >"$CT_WORK/burst.out" \
			2>"$CT_WORK/burst.err"
		p=$!
		wait_listeners "$NS" 1
		ip netns exec "$NS" "$CTFILL" -q -n 50000 -p tcp,udp
		# Bounded wait for the listener to drain its queue.
		local last=-1 now
		for _ in $(seq 60); do
			now=$(wc -l <"$CT_WORK/burst.out")
			[ "$now" = "$last" ] && break
			last=$now
			sleep 0.5
		done
		stop_pid "$p"
		ref -F >/dev/null 2>&1
		grep -c 'NEW' "$CT_WORK/burst.out" || true
	}
	n_ref=$(burst_count "$ORACLE")
	lost_ref=$(grep -c 'ENOBUFS' "$CT_WORK/burst.err" || true)
	n_us=$(burst_count "$CONNTRACK")
	echo "info: 50000-entry burst, -E -e NEW: reference got $n_ref events ($lost_ref ENOBUFS" \
		"warnings), ours got $n_us"
	sed -n '/ENOBUFS\|lost\|raised/p' "$CT_WORK/burst.err" | sort | uniq -c | sed 's/^/info: ours: /'
	if ours_only; then
		check "50000-entry burst: ours shows every NEW event" "50000" "$n_us"
		check "50000-entry burst: summary line" \
			"conntrack vVERSION: 50000 flow events have been shown." \
			"$(ct_normalise <"$CT_WORK/burst.err" | tail -n 1)"
	fi
else
	testing_cannot "burst" "CTFILL is not set to test/tools/ctfill"
fi

echo "== overrun: a small -b and a stopped reader; every overrun must double the buffer"
# The 8 MiB default holds the burst above, so that never takes the overrun path. Here the
# listener starts with -b 8192 (the kernel doubles it: 16384) and is stopped (SIGSTOP) while
# ctfill adds entries, so the kernel must drop events. On each overrun ctbox prints the
# reference's warning, says how many events were lost, and doubles the buffer (ctbox fix:
# 1.4.7 keeps losing). Shown plus lost must be every event made.
ev_rb()
{
	ip netns exec "$NS" ss -f netlink -a -e -m |
		awk '/groups=0x0000000[1-7]/ { if (match($0, /rb[0-9]+/)) print substr($0, RSTART + 2, RLENGTH - 2) }' |
		sort -u | head -n 1
}
# Wait (bounded, 15 s) until FILE stops growing for a second.
ev_settle()
{
	local last=-1 now
	for _ in $(seq 30); do
		now=$(wc -c <"$1")
		[ "$now" = "$last" ] && return 0
		last=$now
		sleep 0.5
	done
}
if ! ours_only; then
	echo "SKIP: overrun growth (1.4.7 never grows its buffer)"
elif [ -z "$CTFILL" ] || [ ! -x "$CTFILL" ]; then
	testing_cannot "overrun growth" "CTFILL is not set to test/tools/ctfill"
else
	ref -F >/dev/null 2>&1
	# No timeout(1) in between: SIGSTOP must reach conntrack itself.
	ns_bg "$NS" "$CONNTRACK" -E -e NEW -b 8192 >"$CT_WORK/ov.out" 2>"$CT_WORK/ov.err"
	p_ov=$!
	wait_listeners "$NS" 1
	rbs=$(ev_rb)
	for round in 0 1; do
		kill -STOP "$p_ov"
		ip netns exec "$NS" "$CTFILL" -q -n 3000 -s $((round * 3000)) -p tcp,udp
		kill -CONT "$p_ov"
		ev_settle "$CT_WORK/ov.out"
		rbs="$rbs $(ev_rb)"
	done
	stop_pid "$p_ov"
	ref -F >/dev/null 2>&1
	check "-E -b 8192, two overruns: the buffer doubles each time (rb)" "16384 32768 65536" "$rbs"
	check "-E -b 8192, two overruns: the reference's warning each time" "2" \
		"$(grep -c '^WARNING: We have hit ENOBUFS! We are losing events.$' "$CT_WORK/ov.err")"
	shown=$(grep -c NEW "$CT_WORK/ov.out" || true)
	lost=$(sed -n 's/^conntrack: \([0-9]*\) events lost$/\1/p' "$CT_WORK/ov.err" |
		awk '{ n += $1 } END { print n + 0 }')
	check "-E -b 8192, two overruns: events shown + events lost = 6000" \
		"6000 (lost > 0, summary says $shown)" \
		"$((shown + lost)) ($([ "$lost" -gt 0 ] && echo "lost > 0" || echo "lost 0"), summary says $(ct_normalise <"$CT_WORK/ov.err" | sed -n 's/^conntrack vVERSION: \([0-9]*\) flow events have been shown.$/\1/p'))"
fi

testing_done
