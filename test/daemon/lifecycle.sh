#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd's life-cycle: lock file (and ctbox's stale-lock take-over), signals, -d,
# log reopening, systemd notifications (a small datagram listener stands in for systemd),
# file modes, and a control client that goes away mid-dump.
#
#   +-------- ns --------+
#   |  conntrackd (ours)  |   listener: python3 on a UNIX datagram socket ($NOTIFY_SOCKET)
#   +---------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/daemon.sh"

ns_new NS l
ns_tmpdir W
mkdir "$W/ours" "$W/ref"
for side in ours ref; do
	dmn_conf "$W/$side/conf" "$W/$side" "Stats {
	LogFile $W/$side/stats.log
}"
done
norm() { dmn_norm | sed -E "s#$W/(ours|ref)/#DIR/#g"; }

# A second daemon on the same lock file is refused, as upstream refuses it.
dmn_start PID "$NS" "$CONNTRACKD" "$W/ours/conf"
dmn_start RPID "$NS" "$ORACLED" "$W/ref/conf"
for side in ours ref; do
	bin=$CONNTRACKD
	[ $side = ref ] && bin=$ORACLED
	set +e
	ip netns exec "$NS" "$bin" -C "$W/$side/conf" >"$W/$side.second" 2>&1
	echo "exit $?" >>"$W/$side.second"
	set -e
done
testing "second daemon refused" "norm <$W/ours.second" "$(norm <"$W/ref.second")\n"
testing "socket is root's only" "stat -c %a $W/ours/sock" "600\n"
testing "lock is root's only" "stat -c %a $W/ours/lock" "600\n"
dmn_stop "$RPID"

# A client that stops reading halfway through a big dump costs the daemon nothing.
nsx "$NS" "$CTFILL" -n 20000 >/dev/null
sleep 0.5
testing "client gone mid-dump" \
	"dmn_cli $NS $CONNTRACKD $W/ours/conf -i | head -1 | wc -l" "1\n"
testing "daemon still answers" \
	"dmn_cli $NS $CONNTRACKD $W/ours/conf -s | head -2 | tail -1 | cut -d: -f1" \
	"current active connections\n"

# SIGHUP re-opens the log (rotation), the daemon goes on.
mv "$W/ours/log" "$W/ours/log.1"
kill -HUP "$PID"
sleep 0.2
dmn_cli "$NS" "$CONNTRACKD" "$W/ours/conf" -f internal
testing "SIGHUP reopens the log" "norm <$W/ours/log" \
	"[TIME] (pid=PID) [notice] flushing internal cache\n"
testing "alive after SIGHUP" "kill -0 $PID && echo yes" "yes\n"

# SIGTERM: clean exit, socket and lock gone.
kill -TERM "$PID"
set +e
wait "$PID"
rc=$?
set -e
testing "SIGTERM exit status" "echo $rc" "0\n"
testing "SIGTERM removes socket and lock" \
	"ls $W/ours | grep -c '^sock\$\|^lock\$'" "0\n"
testing "shutdown logged" "tail -1 $W/ours/log | norm" \
	"[TIME] (pid=PID) [notice] ---- shutdown received ----\n"

# SIGINT does the same.
dmn_start PID "$NS" "$CONNTRACKD" "$W/ours/conf"
kill -INT "$PID"
set +e
wait "$PID"
rc=$?
set -e
testing "SIGINT exit status" "echo $rc" "0\n"

# A lock left by a daemon killed with SIGKILL: upstream refuses to start until an admin
# removes it; ctbox sees nobody holds it and takes it over (doc/differences.md).
dmn_start PID "$NS" "$CONNTRACKD" "$W/ours/conf"
kill -KILL "$PID"
wait "$PID" 2>/dev/null || true
testing "SIGKILL leaves the lock" "test -e $W/ours/lock && echo yes" "yes\n"
dmn_start PID "$NS" "$CONNTRACKD" "$W/ours/conf"
testing "stale lock taken over" "grep -c 'is stale' $W/ours/log" "1\n"
dmn_stop "$PID"

# -d: the parent returns 0 once the daemon runs; the daemon is another process.
for side in ours ref; do
	bin=$CONNTRACKD
	[ $side = ref ] && bin=$ORACLED
	set +e
	ip netns exec "$NS" "$bin" -d -C "$W/$side/conf" >"$W/$side.d" 2>&1
	echo "exit $?" >>"$W/$side.d"
	set -e
done
testing "-d parent" "norm <$W/ours.d | grep -v 'NetlinkBufferSize'" \
	"$(norm <"$W/ref.d" | grep -v 'NetlinkBufferSize')\n"
testing "-d daemon logs" "grep -c -- '-- starting in daemon mode --' $W/ours/log" "1\n"
testing "-d daemon answers" "dmn_cli $NS $CONNTRACKD $W/ours/conf -s process; echo \$?" "0\n"
dmn_cli "$NS" "$CONNTRACKD" "$W/ours/conf" -k
dmn_cli "$NS" "$ORACLED" "$W/ref/conf" -k
sleep 0.5

# A real-time daemon with a zero real-time CPU limit, as keepalived (vrrp_rt_priority) gives
# its notify scripts and so the daemon the HA script restarts: the start-up dump of 20000
# entries and a resync must not get it killed (ctbox lifts the limit; the reference dies).
if command -v prlimit >/dev/null; then
	for side in ours ref; do
		bin=$CONNTRACKD
		[ $side = ref ] && bin=$ORACLED
		printf '#!/bin/sh\nexec prlimit --rttime=0:0 %s "$@"\n' "$bin" >"$W/rt0-$side"
		chmod 755 "$W/rt0-$side"
		ip netns exec "$NS" "$W/rt0-$side" -C "$W/$side/conf" >/dev/null 2>&1 &
		RTPID=$!
		CT_PID_LIST+=("$RTPID")
		sleep 1.5
		[ $side = ours ] && dmn_cli "$NS" "$bin" "$W/$side/conf" -R >/dev/null 2>&1
		sleep 0.3
		if kill -0 "$RTPID" 2>/dev/null; then
			echo alive >"$W/rt0.$side"
			dmn_stop "$RTPID"
		else
			rc=0
			wait "$RTPID" 2>/dev/null || rc=$?
			echo "dead ($rc)" >"$W/rt0.$side"
			rm -f "$W/$side/lock" "$W/$side/sock"
		fi
	done
	testing "RLIMIT_RTTIME 0: ctbox survives the start-up dump" "cat $W/rt0.ours" "alive\n"
	testing "RLIMIT_RTTIME 0: the reference is killed" "cat $W/rt0.ref" "dead (137)\n"
fi

# systemd: READY=1 once the table is cached, WATCHDOG=1 every WATCHDOG_USEC/2, STOPPING=1.
cat >"$W/listen.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(float(sys.argv[2]))
end = time.time() + float(sys.argv[2])
with open(sys.argv[3], "w") as out:
    while time.time() < end:
        try:
            out.write(s.recv(256).decode() + "\n")
            out.flush()
        except socket.timeout:
            break
PY
listen()
{
	python3 "$W/listen.py" "$W/notify" "$1" "$W/notes" &
	LPID=$!
	CT_PID_LIST+=("$LPID")
	for ((i = 0; i < 50; i++)); do
		[ -S "$W/notify" ] && return 0
		sleep 0.1
	done
}
listen 3
NOTIFY_SOCKET=$W/notify WATCHDOG_USEC=400000 dmn_start PID "$NS" "$CONNTRACKD" "$W/ours/conf"
sleep 1
dmn_stop "$PID"
wait "$LPID" || true
testing "sd_notify READY first" "head -1 $W/notes" "READY=1\n"
testing "sd_notify WATCHDOG" "test \$(grep -c WATCHDOG=1 $W/notes) -ge 3 && echo yes" "yes\n"
testing "sd_notify STOPPING last" "tail -1 $W/notes" "STOPPING=1\n"
# With -d, systemd hears the daemon's pid from the parent.
rm -f "$W/notify"
listen 2
NOTIFY_SOCKET=$W/notify ip netns exec "$NS" "$CONNTRACKD" -d -C "$W/ours/conf" >/dev/null 2>&1
sleep 0.5
DPID=$(pgrep -f "^$CONNTRACKD -d -C $W/ours/conf" | head -1)
dmn_cli "$NS" "$CONNTRACKD" "$W/ours/conf" -k
wait "$LPID" || true
testing "sd_notify MAINPID" "grep MAINPID $W/notes" "MAINPID=$DPID\n"
testing "sd_notify READY from the daemon" "grep -c READY=1 $W/notes" "1\n"
# Syslog: the same lines to the syslog socket, ident conntrack-tools, facility as configured.
# A private mount namespace puts a listener's socket at /dev/log for this daemon only.
cat >"$W/syslog.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(4)
with open(sys.argv[2], "w") as out:
    end = time.time() + 4
    while time.time() < end:
        try:
            out.write(s.recv(2048).decode() + "\n")
            out.flush()
        except socket.timeout:
            break
PY
printf 'General {\n\tLockFile %s/slock\n\tUNIX { Path %s/ssock }\n\tSyslog local3\n}\nStats {\n}\n' \
	"$W" "$W" >"$W/syslog.conf"
# Nothing is created in the host's /dev: the private namespace gets a tmpfs /dev holding
# /dev/null (bound from the real one) and the listener's socket as /dev/log.
cat >"$W/syslog.sh" <<'SH'
set -e
mkdir -p "$5/realdev"
mount --bind /dev "$5/realdev"
mount -t tmpfs none /dev
touch /dev/null /dev/log
mount --bind "$5/realdev/null" /dev/null
mount --bind "$3" /dev/log
ip netns exec "$4" "$1" -C "$2" >/dev/null 2>&1 &
pid=$!
sleep 1
"$1" -C "$2" -k >/dev/null 2>&1 || ip netns exec "$4" "$1" -C "$2" -k
wait $pid
SH
python3 "$W/syslog.py" "$W/log.sock" "$W/syslog.out" &
SPID=$!
CT_PID_LIST+=("$SPID")
for ((i = 0; i < 50; i++)); do
	[ -S "$W/log.sock" ] && break
	sleep 0.1
done
unshare -m --propagation private sh "$W/syslog.sh" "$CONNTRACKD" "$W/syslog.conf" "$W/log.sock" "$NS" "$W"
wait "$SPID" || true
# <prio>: local3 (19) * 8 + notice (5) = 157
testing "Syslog: facility, level, ident and text" \
	"sed -E 's/^<([0-9]+)>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /<\\1>TIME /; s/\\[[0-9]+\\]/[PID]/' $W/syslog.out | grep 'initialization completed'" \
	"<157>TIME conntrack-tools[PID]: initialization completed\n"
testing_done
