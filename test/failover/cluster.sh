# SPDX-License-Identifier: GPL-2.0-or-later
# A two-firewall cluster in network namespaces: keepalived moves the virtual addresses,
# conntrackd (ctbox's or the reference) moves the state, long-lived TCP streams cross it.
#
#        client (C)                                                   server (S)
#   172.30.1.2 on br0                                             172.30.2.2 on br0
#     br0 --- c1 ==== lan [F1] wan ==== s1 --- br0
#         \-- c2 ==== lan [F2] wan ==== s2 --/
#                    F1 sync 172.30.3.1 ==== F2 sync 172.30.3.2   (dedicated sync link)
#   VIPs (keepalived, one sync group): 172.30.1.1 on lan, 172.30.2.1 on wan
#   F1: lan .11 wan .11    F2: lan .12 wan .12     VRRP: unicast, version 3, adverts 0.1 s
#   forward policy drop: established/related, and new connections from lan; tcp_loose=0
#
# Source after netns.sh and testing.sh. Everything lives in the namespaces and in $CW.
#
#   cl_setup                  namespaces, links, addresses, nftables, sysctls; $CW work dir
#   cl_ctd_conf F IMPL [EXTRA_GENERAL] [EXTRA_FTFW]
#                             write $CW/F/conntrackd.conf for F (1 or 2); IMPL ours|ref|none
#   cl_ctd_start F            start F's conntrackd (foreground, pid in CTD_PID_F)
#   cl_ctd F ARG...           client call to F's conntrackd
#   cl_ka_start F             start F's keepalived (after its conntrackd)
#   cl_master                 print 1 or 2: who holds the client-side VIP (empty if nobody)
#   cl_wait_master [SECS]     wait until exactly one firewall holds both VIPs
#   cl_streams_start N        server and client streams; results in $CW/streams.json
#   cl_streams_stop           SIGTERM the client, wait for its JSON
#   cl_failover               take the master's lan and wan down; record the time
#   cl_heal F                 bring F's links back up
#   cl_report LABEL           summary line from the streams JSON and the fail-over log

FO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$FO_DIR/../.." && pwd)
HA_SCRIPT=${HA_SCRIPT:-$SRC_ROOT/contrib/keepalived/primary-backup.sh}
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
CONNTRACK_BIN=${ORACLE:-/usr/sbin/conntrack}
ORACLED=${ORACLED:-/usr/sbin/conntrackd}
ADVERT=${ADVERT:-0.1}
PORT=5001

[ -x "$KEEPALIVED" ] || skip "keepalived not installed ($KEEPALIVED)"
[ -x "$CONNTRACK_BIN" ] || skip "conntrack not installed ($CONNTRACK_BIN)"
command -v nft >/dev/null || skip "nft not installed"
command -v python3 >/dev/null || skip "python3 not installed"

now() { date +%s.%N; }

# Every process left in our namespaces (daemonised conntrackd, keepalived's children) is
# ours: stop them by pid before the namespaces go.
cl_kill_all()
{
	local ns p
	for ns in "$NS_F1" "$NS_F2" "$NS_C" "$NS_S"; do
		[ -n "$ns" ] || continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$p" 2>/dev/null
		done
	done
	sleep 0.3
	for ns in "$NS_F1" "$NS_F2" "$NS_C" "$NS_S"; do
		[ -n "$ns" ] || continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
	done
}

cl_setup()
{
	ns_new NS_C c
	ns_new NS_S s
	ns_new NS_F1 f1
	ns_new NS_F2 f2
	at_cleanup cl_kill_all
	ns_tmpdir CW
	mkdir -p "$CW/1" "$CW/2"
	local f
	for ns in "$NS_C" "$NS_S"; do
		ip -n "$ns" link add br0 type bridge stp_state 0
		ip -n "$ns" link set br0 up
	done
	for f in 1 2; do
		local nf=NS_F$f
		ip link add c$f netns "$NS_C" type veth peer name lan netns "${!nf}"
		ip link add s$f netns "$NS_S" type veth peer name wan netns "${!nf}"
		ip -n "$NS_C" link set c$f master br0 up
		ip -n "$NS_S" link set s$f master br0 up
		ip -n "${!nf}" addr add 172.30.1.1$f/24 dev lan
		ip -n "${!nf}" addr add 172.30.2.1$f/24 dev wan
		ip -n "${!nf}" link set lan up
		ip -n "${!nf}" link set wan up
		ns_sysctl "${!nf}" net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_tcp_loose=0 \
			net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.lan.send_redirects=0 \
			net.ipv4.conf.wan.send_redirects=0
		ip netns exec "${!nf}" nft -f - <<-'EOF'
		table inet fw {
			chain forward {
				type filter hook forward priority 0; policy drop;
				ct state established,related accept
				iifname "lan" oifname "wan" ct state new accept
				ct state invalid log group 7 comment "commit on demand"
				counter comment "dropped"
			}
		}
		EOF
	done
	ip link add sync netns "$NS_F1" type veth peer name sync netns "$NS_F2"
	ip -n "$NS_F1" addr add 172.30.3.1/24 dev sync
	ip -n "$NS_F2" addr add 172.30.3.2/24 dev sync
	ip -n "$NS_F1" link set sync up
	ip -n "$NS_F2" link set sync up
	ip -n "$NS_C" addr add 172.30.1.2/24 dev br0
	ip -n "$NS_C" route add default via 172.30.1.1
	ip -n "$NS_S" addr add 172.30.2.2/24 dev br0
	ip -n "$NS_S" route add default via 172.30.2.1
	: >"$CW/failovers"
}

cl_ns() { local v=NS_F$1; printf '%s' "${!v}"; }

# cl_ctd_conf F IMPL [GENERAL] [FTFW]: the cluster config of contrib/keepalived, with
# every file of the instance in $CW/F.
cl_ctd_conf()
{
	local f=$1 impl=$2 gen=${3:-} ftfw=${4:-} me peer
	if [ "$f" = 1 ]; then me=1 peer=2; else me=2 peer=1; fi
	printf '%s' "$impl" >"$CW/$f/impl"
	cat >"$CW/$f/conntrackd.conf" <<-EOF
	General {
		HashSize ${CL_HASHSIZE:-32768}
		HashLimit ${CL_HASHLIMIT:-524288}
		LogFile $CW/$f/log
		LockFile $CW/$f/lock
		UNIX { Path $CW/$f/sock }
		NetlinkBufferSize 2097152
		NetlinkBufferSizeMaxGrowth 67108864
		Scheduler { Type FIFO Priority 1 }
		$gen
		Filter From Userspace {
			Protocol Accept { TCP SCTP UDP ICMP }
			Address Ignore {
				IPv4_address 127.0.0.1
				IPv4_address 172.30.3.0/24
				IPv4_address 172.30.1.1$me
				IPv4_address 172.30.2.1$me
				IPv4_address 172.30.1.1
				IPv4_address 172.30.2.1
			}
		}
	}
	Sync {
		Mode FTFW {
			StartupResync on
			$ftfw
		}
		$([ "$impl" = ours ] && [ "${CL_ONDEMAND:-0}" = 1 ] && echo 'Options { CommitOnDemand 7 }')
		UDP {
			IPv4_address 172.30.3.$me
			IPv4_Destination_Address 172.30.3.$peer
			Port 3780
			Interface sync
			SndSocketBuffer 4194304
			RcvSocketBuffer 4194304
			Checksum on
		}
	}
	EOF
}

cl_bin()
{
	case $(cat "$CW/$1/impl") in
	ours) printf '%s' "$CONNTRACKD" ;;
	ref) printf '%s' "$ORACLED" ;;
	*) printf '%s' /bin/true ;;
	esac
}

cl_ctd()
{
	local f=$1
	shift
	timeout -k 5 "${DMN_CLI_TIMEOUT:-60}" ip netns exec "$(cl_ns "$f")" "$(cl_bin "$f")" \
		-C "$CW/$f/conntrackd.conf" "$@"
}

cl_ctd_start()
{
	local f=$1 i
	[ "$(cat "$CW/$f/impl")" = none ] && return 0
	pretty "f$f" "$(cl_bin "$f") -C $CW/$f/conntrackd.conf &"
	ip netns exec "$(cl_ns "$f")" "$(cl_bin "$f")" -C "$CW/$f/conntrackd.conf" \
		>>"$CW/$f/stdout" 2>&1 &
	printf -v "CTD_PID_$f" '%s' "$!"
	CT_PID_LIST+=("$!")
	for ((i = 0; i < 100; i++)); do
		cl_ctd "$f" -s runtime >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "conntrackd on f$f did not come up" >&2
	cat "$CW/$f/stdout" >&2
	return 1
}

# The notify wrapper keepalived calls: timestamps around the contrib script, which gets the
# instance's binary and config through its environment overrides.
cl_notify_script()
{
	local f=$1 bin
	bin=$(cl_bin "$f")
	cat >"$CW/$f/notify.sh" <<-EOF
	#!/bin/sh
	echo "\$(date +%s.%N) \$1 start" >>$CW/$f/notify.log
	CONNTRACKD=$bin CONNTRACKD_CONFIG=$CW/$f/conntrackd.conf CONNTRACKD_LOCK=$CW/$f/lock \\
		sh $HA_SCRIPT "\$1" >>$CW/$f/notify.out 2>&1
	echo "\$(date +%s.%N) \$1 end \$?" >>$CW/$f/notify.log
	EOF
	chmod 755 "$CW/$f/notify.sh"
}

cl_ka_conf()
{
	local f=$1 me peer prio notify
	if [ "$f" = 1 ]; then me=1 peer=2 prio=100; else me=2 peer=1 prio=90; fi
	cl_notify_script "$f"
	notify=$CW/$f/notify.sh
	[ "$(cat "$CW/$f/impl")" = none ] && notify=/bin/true
	cat >"$CW/$f/keepalived.conf" <<-EOF
	global_defs {
		router_id fw$f
		script_user root
		vrrp_version 3
		vrrp_garp_master_delay 1
		vrrp_garp_master_repeat 3
		vrrp_garp_lower_prio_repeat 1
		vrrp_rt_priority ${KA_RT_PRIO:-10}
	}
	vrrp_sync_group G {
		group {
			LAN
			WAN
		}
		notify_master "$notify primary"
		notify_backup "$notify backup"
		notify_fault "$notify fault"
	}
	vrrp_instance LAN {
		state BACKUP
		nopreempt
		interface lan
		virtual_router_id 51
		priority $prio
		advert_int $ADVERT
		unicast_src_ip 172.30.1.1$me
		unicast_peer {
			172.30.1.1$peer
		}
		virtual_ipaddress {
			172.30.1.1/24 dev lan
		}
	}
	vrrp_instance WAN {
		state BACKUP
		nopreempt
		interface wan
		virtual_router_id 52
		priority $prio
		advert_int $ADVERT
		unicast_src_ip 172.30.2.1$me
		unicast_peer {
			172.30.2.1$peer
		}
		virtual_ipaddress {
			172.30.2.1/24 dev wan
		}
	}
	EOF
}

cl_ka_start()
{
	local f=$1
	cl_ka_conf "$f"
	pretty "f$f" "keepalived -f $CW/$f/keepalived.conf &"
	ip netns exec "$(cl_ns "$f")" "$KEEPALIVED" -n -l -D -G -P -f "$CW/$f/keepalived.conf" \
		-p "$CW/$f/ka.pid" -r "$CW/$f/ka-vrrp.pid" -c "$CW/$f/ka-chk.pid" \
		>>"$CW/$f/keepalived.log" 2>&1 &
	CT_PID_LIST+=("$!")
}

cl_has_vip()
{
	ip -n "$(cl_ns "$1")" -4 addr show dev "$2" 2>/dev/null | grep -q "inet $3/"
}

cl_master()
{
	local f
	for f in 1 2; do
		if cl_has_vip "$f" lan 172.30.1.1 && cl_has_vip "$f" wan 172.30.2.1; then
			printf '%s' "$f"
			return 0
		fi
	done
}

cl_wait_master()
{
	local i m
	for ((i = 0; i < ${1:-15} * 20; i++)); do
		m=$(cl_master)
		if [ -n "$m" ]; then
			printf '%s' "$m"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# cl_wait_notify F STATE N: F's notify script finished its Nth STATE transition.
cl_wait_notify()
{
	local i
	for ((i = 0; i < ${4:-60} * 10; i++)); do
		[ "$(grep -c " $2 end" "$CW/$1/notify.log" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

cl_streams_start()
{
	ns_bg "$NS_S" python3 "$FO_DIR/streams.py" serve 172.30.2.2 $PORT
	sleep 0.5
	pretty c "python3 streams.py client 172.30.2.2 $PORT $1 &"
	ip netns exec "$NS_C" python3 "$FO_DIR/streams.py" client 172.30.2.2 $PORT "$1" \
		"$CW/streams.json" &
	STREAMS_PID=$!
	CT_PID_LIST+=("$!")
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$CW/streams.json.live" ] && return 0
		sleep 0.1
	done
	return 1
}

cl_streams_stop()
{
	kill -TERM "$STREAMS_PID" 2>/dev/null
	wait "$STREAMS_PID" 2>/dev/null || true
	[ -s "$CW/streams.json" ]
}

# cl_live: "alive stalled_now broken bytes" right now.
cl_live()
{
	cut -d' ' -f2- "$CW/streams.json.live"
}

cl_failover()
{
	local m=$1 ns
	ns=$(cl_ns "$m")
	echo "$(now) down $m" >>"$CW/failovers"
	ip -n "$ns" link set lan down
	ip -n "$ns" link set wan down
}

cl_heal()
{
	local ns
	ns=$(cl_ns "$1")
	ip -n "$ns" link set lan up
	ip -n "$ns" link set wan up
	echo "$(now) up $1" >>"$CW/failovers"
}

# cl_flap N [MIN MAX]: N fail-overs at random intervals of MIN..MAX seconds; the master's
# links come back after HEAL seconds. CL_BEFORE_FAILOVER (a command) runs before each one
# with the backup's number as argument.
cl_flap()
{
	local n=$1 min=${2:-8} max=${3:-12} i m b t0 iv
	for ((i = 1; i <= n; i++)); do
		m=$(cl_wait_master 20) || { echo "no master before fail-over $i" >&3; return 1; }
		b=$((3 - m))
		t0=$(date +%s%N)
		iv=$((min * 1000 + RANDOM % ((max - min) * 1000 + 1)))
		[ -n "${CL_BEFORE_FAILOVER:-}" ] && $CL_BEFORE_FAILOVER "$b"
		pretty "" "fail-over $i/$n: f$m down (next in ${iv} ms)"
		cl_failover "$m"
		# The backup must take over; then the old master returns as a backup.
		local j
		for ((j = 0; j < 200; j++)); do
			[ "$(cl_master)" = "$b" ] && break
			sleep 0.05
		done
		sleep "${CL_HEAL:-3}"
		cl_heal "$m"
		[ -n "${CL_AFTER_HEAL:-}" ] && $CL_AFTER_HEAL "$m"
		local left=$((iv - ($(date +%s%N) - t0) / 1000000))
		[ "$left" -gt 0 ] && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
	done
	return 0
}

# cl_report LABEL: one line of figures, and $CW/report.LABEL (key=value) for assertions.
cl_report()
{
	python3 "$FO_DIR/report.py" "$CW" "$1" | tee "$CW/report.$1" >&3
}
