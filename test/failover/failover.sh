#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# keepalived fail-over with conntrackd: long-lived TCP streams cross a two-firewall cluster
# whose master loses its links every 8-12 s; no stream may stall (3 s without progress) or
# break (reset, close) while the state moves with it.
#
# usage: failover.sh [KEY=VALUE...]
#   impl1=ours|ref|none  impl2=...  conntrackd on each firewall (none: no state sync at all)
#   failovers=6          link-down events (mastership moves each time)
#   streams=20           long-lived TCP connections
#   busy=0               synthetic flows created on the master and replicated before traffic
#   empty=0              1: flush the backup's kernel table before each take-over
#   ondemand=1           ctbox's CommitOnDemand on NFLOG group 7 (the ruleset always logs
#                        there what it drops for want of state; the reference ignores it)
#   warm=0               1: DisableExternalCache (the backup's kernel is kept warm by
#                        injection; nothing to commit on take-over, no -t purge)
#   faults=              comma list: kill (kill -9 the master's conntrackd; the HA script
#                        restarts it), killb (kill -9 the backup's, restarted directly:
#                        stale lock), restart (backup restarted with an empty table),
#                        lossdup (20% loss and 20% duplication on the sync link, both ways),
#                        stranger (sync datagrams from a non-peer address)
#   expect=pass|stalls|none   pass: 0 broken, 0 stalled; stalls: the control must stall
#   min=8 max=12         fail-over interval bounds (s)
#   label=NAME           label of the report line
# Env: CONNTRACKD (ours), ORACLED (reference), CTFILL, FO_KEEP=1 keeps the work dir,
# FO_STRACE=1 traces both daemons' system calls into it.
#
# Topology and helpers: cluster.sh. Figures: report.py (one key=value line on stderr and in
# $FO_OUT if set).

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"

impl1=ours impl2=ours failovers=6 streams=20 busy=0 empty=0 warm=0 ondemand=1 faults='' expect=pass min=8 max=12
label=
for a in "$@"; do
	case $a in
	impl1=* | impl2=* | failovers=* | streams=* | busy=* | empty=* | warm=* | ondemand=* | faults=* | \
		expect=* | \
		min=* | max=* | label=*)
		printf -v "${a%%=*}" '%s' "${a#*=}" ;;
	*) echo "unknown argument: $a" >&2; exit 2 ;;
	esac
done
label=${label:-$impl1-$impl2}
has_fault() { case ",$faults," in *",$1,"*) return 0 ;; esac; return 1; }

ORACLED=${ORACLED:-/usr/sbin/conntrackd}
case "$impl1$impl2" in *ref*) [ -x "$ORACLED" ] || skip "reference conntrackd not found" ;; esac
case "$impl1$impl2" in *ours*) [ -x "${CONNTRACKD:-}" ] || { echo "CONNTRACKD not set" >&2; exit 1; } ;; esac

. "$(dirname "$0")/cluster.sh"

# Big tables: the global conntrack limit caps every namespace; raise it for this run only.
if [ "$busy" -gt 200000 ]; then
	old_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
	want=$((busy + 100000))
	if [ "$old_max" -lt "$want" ]; then
		at_cleanup "echo $old_max >/proc/sys/net/netfilter/nf_conntrack_max"
		echo "$want" >/proc/sys/net/netfilter/nf_conntrack_max
		pretty "" "nf_conntrack_max $old_max -> $want (restored at exit)"
	fi
	CL_HASHSIZE=262144
	CL_HASHLIMIT=$((busy * 2 + 100000))
fi

cl_setup
[ -n "${FO_KEEP:-}" ] && echo "work dir: $CW" >&3 && CT_TMPDIRS=()
ftfw=
[ "$warm" = 1 ] && ftfw="DisableExternalCache on" ondemand=0
CL_ONDEMAND=$ondemand
cl_ctd_conf 1 "$impl1" "" "$ftfw"
cl_ctd_conf 2 "$impl2" "" "$ftfw"
cl_ctd_start 1
cl_ctd_start 2
# FO_STRACE=1: a timed syscall trace of both daemons in the work dir (with FO_KEEP).
if [ -n "${FO_STRACE:-}" ]; then
	for f in 1 2; do
		v=CTD_PID_$f
		[ -n "${!v:-}" ] && { strace -f -tt -T -p "${!v}" -o "$CW/$f/strace" & CT_PID_LIST+=("$!"); }
	done
fi
cl_ka_start 1
cl_ka_start 2
m=$(cl_wait_master 20) || { echo "no VRRP master" >&2; cat "$CW"/*/keepalived.log >&2; exit 1; }
pretty "" "f$m is master"
[ "$impl1" != none ] && { cl_wait_notify "$m" primary 1 || true; }

# The backup's external cache: "current active connections" of its second cache block.
int_count()
{
	cl_ctd "$1" -s 2>/dev/null | awk '/^cache internal:/ { e = 1 } e && /current active/ { print $NF; exit }'
}

ext_count()
{
	if [ "$warm" = 1 ]; then
		ip netns exec "$(cl_ns "$1")" "$CONNTRACK_BIN" -C 2>/dev/null
		return
	fi
	cl_ctd "$1" -s 2>/dev/null | awk '/^cache external:/ { e = 1 } e && /current active/ { print $NF; exit }'
}

if [ "$busy" -gt 0 ] && [ "$impl1" != none ]; then
	[ -x "${CTFILL:-}" ] || { echo "CTFILL not set" >&2; exit 1; }
	t0=$(now)
	# In slices, so the master's event socket keeps up (an overrun costs a 30 s resync).
	for ((s = 0; s < busy; s += 25000)); do
		n=$((busy - s < 25000 ? busy - s : 25000))
		ip netns exec "$(cl_ns "$m")" "$CTFILL" -n $n -s $s -p tcp -a -t 86400 -q
		sleep 0.2
	done
	b=$((3 - m))
	for ((i = 0; i < 1800; i++)); do
		[ "$(ext_count $b)" -ge "$busy" ] && break
		sleep 0.1
	done
	pretty "" "busy: $busy flows on f$m, f$b's external cache has $(ext_count $b) after $(python3 -c "print('%.1f' % ($(now) - $t0))") s"
fi

if has_fault lossdup; then
	for f in 1 2; do
		ip netns exec "$(cl_ns "$f")" nft -f - <<-EOF
		table netdev lossy {
			chain in {
				type filter hook ingress device "sync" priority 0;
				udp dport 3780 numgen random mod 100 < 20 counter drop
			}
		}
		table ip dupl {
			chain post {
				type filter hook postrouting priority 0;
				oifname "sync" udp dport 3780 numgen random mod 100 < 20 counter dup to 172.30.3.$((3 - f))
			}
		}
		EOF
	done
fi

cl_streams_start "$streams"
sleep 2
read -r alive _ broken _ < <(cl_live)
testing "$label: $streams streams up" "echo $alive $broken" "$streams 0\n"

# --- fault hooks (run before fail-over number K) ---
fo_n=0
before()
{
	local b=$1 mst=$((3 - $1))
	fo_n=$((fo_n + 1))
	if [ "$empty" = 1 ]; then
		# The backup's daemon digests the destroy events before the take-over, so
		# the fail-over measures a commit into an empty table, nothing else.
		ip netns exec "$(cl_ns "$b")" "$CONNTRACK_BIN" -F >/dev/null 2>&1 || true
		sleep "${FO_EMPTY_SETTLE:-3}"
	fi
	if has_fault kill && [ $fo_n = 2 ]; then
		# The master's daemon dies; it loses mastership right after, comes back as a
		# backup, and the HA script must clean its lock and start it again.
		pretty "" "fault: kill -9 conntrackd on the master f$mst"
		for p in $(ip netns pids "$(cl_ns "$mst")"); do
			[ "$(readlink /proc/$p/exe 2>/dev/null)" = "$(readlink -f "$(cl_bin "$mst")")" ] &&
				kill -KILL "$p"
		done
		sleep 1
	fi
	if has_fault killb && [ $fo_n = 4 ]; then
		# Killed and restarted directly, as a supervisor would: the stale lock stays.
		pretty "" "fault: kill -9 conntrackd on the backup f$b, restart it"
		for p in $(ip netns pids "$(cl_ns "$b")"); do
			[ "$(readlink /proc/$p/exe 2>/dev/null)" = "$(readlink -f "$(cl_bin "$b")")" ] &&
				kill -KILL "$p"
		done
		sleep 0.5
		[ "$(cat "$CW/$b/impl")" = ref ] && rm -f "$CW/$b/lock"
		cl_ctd_start "$b"
		sleep 2
	fi
	if has_fault restart && [ $fo_n = 3 ]; then
		pretty "" "fault: f$b restarts with an empty table"
		cl_ctd "$b" -k >/dev/null 2>&1 || true
		sleep 0.5
		ip netns exec "$(cl_ns "$b")" "$CONNTRACK_BIN" -F >/dev/null 2>&1 || true
		cl_ctd_start "$b"
		# A backup is ready once StartupResync brought the master's table back
		# (a take-over before that has nothing to commit for what is missing).
		local t0 want i
		t0=$(now)
		want=$(int_count "$mst")
		for ((i = 0; i < 300; i++)); do
			[ "$(ext_count "$b")" -ge "$want" ] && break
			sleep 0.1
		done
		pretty "" "f$b resynced $(ext_count "$b")/$want entries in $(python3 -c "print('%.1f' % ($(now) - $t0))") s"
	fi
	if has_fault stranger && [ $fo_n = 5 ]; then
		pretty "" "fault: datagrams from a stranger to both sync ports"
		# Straight to each firewall, not through the master.
		ip -n "$NS_C" route replace 172.30.3.1 via 172.30.1.11
		ip -n "$NS_C" route replace 172.30.3.2 via 172.30.1.12
		ip netns exec "$NS_C" python3 "$FO_DIR/stranger.py" 172.30.3.1 172.30.3.2
	fi
	return 0
}
CL_BEFORE_FAILOVER=before

cl_flap "$failovers" "$min" "$max"
# Let the last fail-over finish before the verdict.
sleep 4
cl_streams_stop
cl_report "$label"
[ -n "${FO_OUT:-}" ] && cat "$CW/report.$label" >>"$FO_OUT"
r=$CW/report.$label
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$r"; }

testing "$label: at least $failovers fail-overs" "[ $(val failovers) -ge $failovers ] && echo ok" "ok\n"
case $expect in
pass)
	testing "$label: no broken stream" "val broken" "0\n"
	testing "$label: no stalled stream" "val stalled" "0\n"
	;;
stalls)
	testing "$label: without conntrackd streams stall" "[ $(val stalled) -gt 0 ] && echo stalled" "stalled\n"
	;;
esac

# Every fault leaves its trace in -s.
netstat_of() { cl_ctd "$1" -s network 2>/dev/null | awk -v k="$2" 'index($0, k) { print $NF; exit }'; }
if has_fault lossdup; then
	for f in 1 2; do
		[ "$(cat "$CW/$f/impl")" = ours ] || continue
		testing "$label: f$f counted lost messages" "[ $(netstat_of $f 'Packets lost') -gt 0 ] && echo yes" "yes\n"
		testing "$label: f$f counted duplicates" "[ $(netstat_of $f 'Packets before') -gt 0 ] && echo yes" "yes\n"
	done
fi
if has_fault stranger; then
	for f in 1 2; do
		[ "$(cat "$CW/$f/impl")" = ours ] || continue
		testing "$label: f$f counted the stranger" \
			"cl_ctd $f -s -o json | grep -o '\"rejected_peer\":[0-9]*' | grep -qv ':0\$' && echo yes" "yes\n"
	done
fi
if has_fault kill || has_fault killb || has_fault restart; then
	starts=0
	for f in 1 2; do
		[ "$(cat "$CW/$f/impl")" = ours ] || continue
		n=$(cl_ctd $f -s -o json | grep -o '"peer_starts":[0-9]*' | cut -d: -f2)
		starts=$((starts + ${n:-0}))
	done
	[ "$impl1$impl2" = oursours ] &&
		testing "$label: the peers' restarts counted" "[ $starts -ge 1 ] && echo yes" "yes\n"
fi
if has_fault killb; then
	for f in 1 2; do
		[ "$(cat "$CW/$f/impl")" = ours ] || continue
		grep -q 'is stale' "$CW/$f/log" && testing_pass "$label: f$f took the stale lock over"
	done
fi
for f in 1 2; do
	[ "$(cat "$CW/$f/impl")" = none ] && continue
	testing "$label: f$f conntrackd answers at the end" "cl_ctd $f -s runtime >/dev/null && echo ok" "ok\n"
	if grep -E -i 'AddressSanitizer|runtime error|segfault' "$CW/$f/stdout" "$CW/$f/log" >/dev/null 2>&1; then
		testing_fail "$label: f$f sanitizer or crash report"
		grep -E -i -A5 'AddressSanitizer|runtime error|segfault' "$CW/$f/stdout" "$CW/$f/log" | head -30
	fi
done
testing_done
