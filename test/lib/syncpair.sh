# SPDX-License-Identifier: GPL-2.0-or-later
# Two firewalls for state-sync tests: namespaces joined by two dedicated links, configs for
# every mode and link type, and the daemon pairings (ref->ref, ours->ours, ours->ref, ref->ours).
#
#   +---------- A ----------+  sa0 10.252.0.1 / fd00:252::1     +---------- B ----------+
#   |  conntrackd (sender)  |------------- link 1 --------------|  conntrackd (receiver)|
#   |                       |------------- link 2 --------------|                       |
#   +-----------------------+  sa1 10.253.0.1 / fd00:253::1     +-----------------------+
#
# Source after netns.sh, testing.sh, ctdiff.sh and daemon.sh.
#
#   pair_setup              make $NSA and $NSB with both links up; $PW is the work dir
#   pair_conf SIDE MODE LINK [EXTRA]
#                           write $PW/SIDE/conf (SIDE a or b) for MODE (ftfw, notrack,
#                           alarm) and LINK (udp4, udp6, mcast4, mcast6, udp4x2: both links);
#                           EXTRA: more Sync lines (Options ...)
#   pair_start SIDE BIN     start BIN on SIDE (a in $NSA, b in $NSB); pid in PID_a / PID_b
#   pair_stop SIDE          stop it (SIGTERM, by pid)
#   pair_cli SIDE ARG...    client call to SIDE's daemon (with the binary that runs there)
#   pair_wait_ext N [SECS]  wait until B's external cache holds N entries

pair_setup()
{
	ns_new NSA a
	ns_new NSB b
	ip link add sa0 netns "$NSA" type veth peer name sb0 netns "$NSB"
	ip link add sa1 netns "$NSA" type veth peer name sb1 netns "$NSB"
	local i
	for i in 0 1; do
		ip -n "$NSA" addr add "10.25$((2 + i)).0.1/24" dev sa$i
		ip -n "$NSB" addr add "10.25$((2 + i)).0.2/24" dev sb$i
		ip -n "$NSA" addr add "fd00:25$((2 + i))::1/64" dev sa$i nodad
		ip -n "$NSB" addr add "fd00:25$((2 + i))::2/64" dev sb$i nodad
		ip -n "$NSA" link set sa$i up
		ip -n "$NSB" link set sb$i up
	done
	ns_tmpdir PW
	mkdir -p "$PW/a" "$PW/b"
}

# pair_link SIDE TYPE INDEX: one link block (UDP or Multicast over IPv4 or IPv6).
pair_link()
{
	local side=$1 type=$2 i=$3 me peer dev
	dev=s${side}$i
	if [ "$side" = a ]; then me=1 peer=2; else me=2 peer=1; fi
	case $type in
	udp4)
		printf '\tUDP%s {\n\t\tIPv4_address 10.25%d.0.%d\n\t\tIPv4_Destination_Address 10.25%d.0.%d\n' \
			"${4:-}" $((2 + i)) $me $((2 + i)) $peer
		printf '\t\tPort 3780\n\t\tInterface %s\n\t\tChecksum on\n\t}\n' "$dev" ;;
	udp6)
		printf '\tUDP%s {\n\t\tIPv6_address fd00:25%d::%d\n\t\tIPv6_Destination_Address fd00:25%d::%d\n' \
			"${4:-}" $((2 + i)) $me $((2 + i)) $peer
		printf '\t\tPort 3780\n\t\tInterface %s\n\t}\n' "$dev" ;;
	mcast4)
		printf '\tMulticast%s {\n\t\tIPv4_address 225.0.0.5%d\n\t\tIPv4_interface 10.25%d.0.%d\n' \
			"${4:-}" "$i" $((2 + i)) $me
		printf '\t\tGroup 3780\n\t\tInterface %s\n\t}\n' "$dev" ;;
	mcast6)
		printf '\tMulticast%s {\n\t\tIPv6_address ff02::5%d\n\t\tInterface %s\n\t\tGroup 3780\n\t}\n' \
			"${4:-}" "$i" "$dev" ;;
	esac
}

pair_conf()
{
	local side=$1 mode=$2 link=$3 extra=${4:-} m
	case $mode in
	ftfw) m='Mode FTFW { }' ;;
	notrack) m='Mode NOTRACK { }' ;;
	alarm) m='Mode ALARM {
		RefreshTime 3
		CacheTimeout 30
	}' ;;
	esac
	local links
	if [ "$link" = udp4x2 ]; then
		links="$(pair_link "$side" udp4 0 " Default")
$(pair_link "$side" udp4 1)"
	else
		links=$(pair_link "$side" "$link" 0)
	fi
	# A burst must not overrun the event socket (upstream's default buffer holds ~160 events).
	DMN_GENERAL="NetlinkBufferSize 8388608
	NetlinkBufferSizeMaxGrowth 16777216
	${DMN_GENERAL:-}" dmn_conf "$PW/$side/conf" "$PW/$side" "Sync {
	$m
	$extra
$links
}"
}

pair_start()
{
	local side=$1 bin=$2 ns=$NSA
	[ "$side" = b ] && ns=$NSB
	rm -f "$PW/$side/log"
	dmn_start "PID_$side" "$ns" "$bin" "$PW/$side/conf"
	printf -v "BIN_$side" '%s' "$bin"
}

pair_stop()
{
	local v=PID_$1
	dmn_stop "${!v}"
}

pair_cli()
{
	local side=$1 ns=$NSA bin
	shift
	[ "$side" = b ] && ns=$NSB
	bin=BIN_$side
	dmn_cli "$ns" "${!bin}" "$PW/$side/conf" "$@"
}

pair_wait_ext()
{
	local n=$1 secs=${2:-20} i
	for ((i = 0; i < secs * 10; i++)); do
		[ "$(pair_cli b -e | wc -l)" -ge "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
