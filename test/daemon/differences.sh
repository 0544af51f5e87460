#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The deliberate differences of ctbox's conntrackd from upstream (doc/differences.md), each
# shown next to what the reference daemon does on the same setup.
#
#   +------- ns (one table, veth ctd0/ctd1) -------+   private mount namespace: /etc and
#   |  ours: conntrackd        ref: conntrackd      |   the default socket's /run are ours
#   +----------------------------------------------+

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"

ns_private_etc "$@"
ns_new CT_NS diff
nsx "$CT_NS" ip link add ctd0 type veth peer name ctd1
nsx "$CT_NS" ip addr add 10.250.0.1/24 dev ctd0
nsx "$CT_NS" ip link set ctd0 up
nsx "$CT_NS" ip link set ctd1 up
nsx "$CT_NS" ip neigh add 10.250.0.2 dev ctd0 nud permanent \
	lladdr "$(ip -n "$CT_NS" -br link show ctd1 | awk '{print $3}')"
ns_tmpdir W
mkdir "$W/ours" "$W/ref"
SYNC="Sync {
	Mode FTFW { }
	UDP {
		IPv4_address 10.250.0.1
		IPv4_Destination_Address 10.250.0.2
		Port PORT
		Interface ctd0
	}
}"
conf()
{
	dmn_conf "$W/ours/conf" "$W/ours" "${SYNC//PORT/3781}"
	dmn_conf "$W/ref/conf" "$W/ref" "${SYNC//PORT/3782}"
}

# --- scheduling: upstream switches itself to SCHED_RR 99 without a Scheduler block ---
DMN_NOSCHED=1
conf
sed -i '/Scheduler/d' "$W/ours/conf" "$W/ref/conf"
dmn_start OURS "$CT_NS" "$CONNTRACKD" "$W/ours/conf"
dmn_start REF "$CT_NS" "$ORACLED" "$W/ref/conf"
testing "no real-time scheduling unless asked" "chrt -p $OURS | sed -n 's/.*policy: //p'" \
	"SCHED_OTHER\n"
testing "(the reference goes real-time)" "chrt -p $REF | sed -n 's/.*policy: //p'" "SCHED_RR\n"

# --- NetlinkBufferSize unset: upstream keeps the system's ~200 KiB and never grows ---
testing "event buffer when NetlinkBufferSize is unset" \
	"dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -s runtime | sed -n 's/.*(in bytes):[^0-9]*//p'" \
	"8388608\n"
testing "(the reference's)" \
	"dmn_cli $CT_NS $ORACLED $W/ref/conf -s runtime | sed -n 's/.*(in bytes):[^0-9]*//p'" \
	"$(cat /proc/sys/net/core/rmem_default)\n"
nsx "$CT_NS" "$CTFILL" -n 10000 -p tcp,udp -q
sleep 1
testing "a 10k burst does not overrun it" \
	"dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -s runtime | sed -n 's/.*netlink overrun:[^0-9]*//p'" \
	"0\n"
dmn_stop "$OURS"
dmn_stop "$REF"
nsx "$CT_NS" "$ORACLE" -F >/dev/null 2>&1 || true

# --- a tracked flow whose last events the State filter rejects still leaves the cache ---
ns_sysctl "$CT_NS" net.netfilter.nf_conntrack_tcp_timeout_time_wait=1
# Conntrack tracks a namespace's packets only once a rule there needs it.
printf 'table inet ctbox_ct {\n\tchain out {\n\t\ttype filter hook output priority 0;\n\t\tct state established accept\n\t}\n}\n' |
	nsx "$CT_NS" nft -f -
DMN_GENERAL='Filter From Userspace {
		State Accept { ESTABLISHED for TCP }
	}' conf
dmn_start OURS "$CT_NS" "$CONNTRACKD" "$W/ours/conf"
dmn_start REF "$CT_NS" "$ORACLED" "$W/ref/conf"
nsx "$CT_NS" python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7001)); s.listen(1)
c = socket.socket(); c.bind(("127.0.0.1", 7002)); c.connect(("127.0.0.1", 7001))
a, _ = s.accept(); c.send(b"x"); a.recv(1); a.send(b"y"); c.recv(1)
time.sleep(0.3); c.close(); a.close(); s.close()'
sleep 0.5
testing "the connection was tracked while established (ours)" \
	"dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -i | grep -c 'sport=7002 dport=7001'" "1\n"
# Its TIME_WAIT ends in a second. The kernel's garbage collector may take up to a minute to
# reap it (and send the destroy event) in an idle table; a dump evicts expired entries at once.
sleep 1.5
for _ in 1 2 3 4 5 6 7 8 9 10; do
	nsx "$CT_NS" "$ORACLE" -L >/dev/null 2>&1
	sleep 0.5
	[ "$(dmn_cli "$CT_NS" "$CONNTRACKD" "$W/ours/conf" -i | grep -c 'sport=7002 dport=7001')" = 0 ] &&
		break
done
testing "it leaves ctbox's cache when it ends" \
	"dmn_cli $CT_NS $CONNTRACKD $W/ours/conf -i | grep -c 'sport=7002 dport=7001'" "0\n"
testing "(the reference keeps it forever)" \
	"dmn_cli $CT_NS $ORACLED $W/ref/conf -i | grep -c 'sport=7002 dport=7001'" "1\n"
dmn_stop "$OURS"
dmn_stop "$REF"
nsx "$CT_NS" "$ORACLE" -F >/dev/null 2>&1 || true

# --- a commit that ends in one step does not lock -f out for good (upstream quirk 1) ---
DMN_GENERAL='HashSize 8192' conf
dmn_start OURS "$CT_NS" "$CONNTRACKD" "$W/ours/conf"
dmn_start REF "$CT_NS" "$ORACLED" "$W/ref/conf"
for side in ours ref; do
	bin=$CONNTRACKD
	[ $side = ref ] && bin=$ORACLED
	dmn_cli "$CT_NS" "$bin" "$W/$side/conf" -c
	dmn_cli "$CT_NS" "$bin" "$W/$side/conf" -f external
done
testing "-f external after a small commit" "tail -1 $W/ours/log | dmn_norm" \
	"[TIME] (pid=PID) [notice] flushing external cache\n"
testing "(the reference refuses it forever)" "tail -1 $W/ref/log | dmn_norm" \
	"[TIME] (pid=PID) [ERROR] ignoring flush command, commit still in progress\n"
dmn_stop "$OURS"
dmn_stop "$REF"

# --- no UNIX { Path }: upstream binds an abstract name nobody can reach ---
# A daemon with neither Sync nor Stats touches no conntrack table: it runs in the default
# network namespace, in a mount namespace of its own whose /run is an empty tmpfs.
printf 'General {\n\tLockFile %s/lock\n\tLogFile %s/log\n}\n' "$W/ours" "$W/ours" >"$W/none.conf"
cat >"$W/none.sh" <<-'SH'
	set -e
	mount -t tmpfs none /run
	"$1" -C "$2" >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 50); do [ -S /run/conntrackd.ctl ] && break; sleep 0.1; done
	ls -l /run/conntrackd.ctl | cut -c1-10
	"$1" -C "$2" -s process && echo "client ok"
	"$1" -C "$2" -k
	wait $pid && echo "stopped"
	SH
testing "no UNIX Path: the default control socket" \
	"unshare -m --propagation private sh $W/none.sh $CONNTRACKD $W/none.conf" \
	"srw-------\nclient ok\nstopped\n"
testing_done
