#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sync options between every pairing of ctbox and the reference (compared with ref -> ref):
# ExpectationSync with a real FTP expectation (external cache and commit), CommitTimeout
# (no timeout on the wire, the receiver's own on commit), TCPWindowTracking (window scales
# sent, no "be liberal" on commit), DisableExternalCache (inject straight into the kernel),
# and -t with PurgeTimeout (the scheduled kernel flush).
#
#   A: FTP session through the ftp helper + conntrack -I  ==link==  B: -e, -e expect, -c, -L

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/daemon.sh"
. "$(dirname "$0")/../lib/syncpair.sh"

pair_setup
FTP_NFT='table inet ctbox_ftp {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
}'
echo "$FTP_NFT" | nsx "$NSA" nft -f -
# B must know the helper for a committed master (and its expectation) to keep it.
echo "$FTP_NFT" | nsx "$NSB" nft -f -
cat >"$PW/ftp.py" <<-'PY'
import socket, sys, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 21)); srv.listen(1)
cli = socket.socket(); cli.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
cli.bind(("127.0.0.1", int(sys.argv[2]))); cli.connect(("127.0.0.1", 21))
conn, _ = srv.accept()
conn.sendall(b"220 hi\r\n"); cli.recv(100)
cli.sendall(b"USER x\r\n"); conn.recv(100)
conn.sendall(b"331 ok\r\n"); cli.recv(100)
cli.sendall(b"PORT 127,0,0,1,200,10\r\n"); conn.recv(100)
conn.sendall(b"200 ok\r\n"); cli.recv(100)
open(sys.argv[1], "w").write("ready\n")
time.sleep(60)
PY

# The links' own UDP flows are flows of A's table too; their ports change every run, as the
# FTP client's port does (401xx).
ext_rec()
{
	pair_cli b "$@" | grep -v '10\.25[23]\.0\.' | dmn_norm | sed -E 's/=401[0-9]{2}\b/=CPORT/g' |
		LC_ALL=C sort
}
kernel_rec()
{
	ip netns exec "$NSB" "$ORACLE" -L "$@" 2>/dev/null |
		sed -E 's/^([a-z0-9]+ +[0-9]+) [0-9]+ /\1 T /; s/^[0-9]+ proto/T proto/; s/ (use|delta-time)=[0-9]+//g; s/=401[0-9]{2}\b/=CPORT/g' |
		grep -v '10\.25[23]\.0\.\|fd00:25' | LC_ALL=C sort
}

FTP_PID=
FTP_PORT=40100
run()
{
	local tag=$1 extra=$2 i
	ip netns exec "$NSA" "$ORACLE" -F >/dev/null 2>&1 || true
	ip netns exec "$NSB" "$ORACLE" -F >/dev/null 2>&1 || true
	[ -n "$FTP_PID" ] && { kill "$FTP_PID" 2>/dev/null; wait "$FTP_PID" 2>/dev/null; } || true
	pair_conf a ftfw udp4 "$extra"
	pair_conf b ftfw udp4 "$extra"
	[ -n "$B_EXTRA" ] && sed -i "s/Mode FTFW { }/Mode FTFW {\n\t\t$B_EXTRA\n\t}/" "$PW/b/conf"
	pair_start b "$4"
	pair_start a "$3"
	sleep 1.2
	# A fresh client port each run: the last session's packets must not meet this one.
	FTP_PORT=$((FTP_PORT + 1))
	rm -f "$PW/ftp.ready"
	ip netns exec "$NSA" timeout 60 python3 "$PW/ftp.py" "$PW/ftp.ready" "$FTP_PORT" \
		>/dev/null 2>&1 &
	FTP_PID=$!
	CT_PID_LIST+=("$FTP_PID")
	for ((i = 0; i < 50; i++)); do
		[ -e "$PW/ftp.ready" ] && break
		sleep 0.1
	done
	ip netns exec "$NSA" "$ORACLE" -I -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1000 \
		--dport 80 --state ESTABLISHED -t 300 -u SEEN_REPLY,ASSURED >/dev/null 2>&1
	ip netns exec "$NSA" "$ORACLE" -I -p udp -s 192.0.2.4 -d 198.51.100.2 --sport 53 \
		--dport 53 -t 300 -m 5 >/dev/null 2>&1
	sleep 1.5
	ext_rec -e >"$PW/$tag.e"
	ext_rec -e expect >"$PW/$tag.x"
	pair_cli b -c
	sleep 0.5
	kernel_rec >"$PW/$tag.k"
	kernel_rec expect >"$PW/$tag.kx"
	ip netns exec "$NSB" "$ORACLE" -L -o extended 2>/dev/null >"$PW/$tag.kfull"
	pair_stop a
	pair_stop b
}

# same NAME EXPECTED_FILE ACTUAL_FILE (empty files too)
same()
{
	if cmp -s "$2" "$3"; then
		testing_pass "$1"
	else
		testing_fail "$1" "$2" "$3"
	fi
}

# variant NAME "EXTRA SYNC LINES": the four pairings, each compared with ref -> ref.
variant()
{
	local v=$1 extra=$2 p
	run "$v-rr" "$extra" "$ORACLED" "$ORACLED"
	testing "$v: reference pair synced" "test -s $PW/$v-rr.e -o -s $PW/$v-rr.k && echo yes" "yes\n"
	for p in "oo $CONNTRACKD $CONNTRACKD" "or $CONNTRACKD $ORACLED" "ro $ORACLED $CONNTRACKD"; do
		set -- $p
		run "$v-$1" "$extra" "$2" "$3"
		same "$v $1: external cache" "$PW/$v-rr.e" "$PW/$v-$1.e"
		same "$v $1: external expectations" "$PW/$v-rr.x" "$PW/$v-$1.x"
		same "$v $1: committed table" "$PW/$v-rr.k" "$PW/$v-$1.k"
		same "$v $1: committed expectations" "$PW/$v-rr.kx" "$PW/$v-$1.kx"
	done
}

variant expect "Options { ExpectationSync on }"
testing "expect: the expectation reached B" "grep -c 'helper=ftp' $PW/expect-oo.x" "1\n"
testing "expect: and was committed" "grep -c 'proto=6' $PW/expect-oo.kx" "1\n"

variant window "Options { TCPWindowTracking on }"

variant timeout "CommitTimeout 50"
# The committed entries carry the receiver's CommitTimeout, never more.
testing "timeout: CommitTimeout on commit" \
	"awk '\$1 == \"tcp\" || \$1 == \"udp\" { if (\$3 + 0 > 50) print \"over\", \$0 }' $PW/timeout-oo.kfull" ""

B_EXTRA="DisableExternalCache on" variant inject ""
testing "inject: straight into B's kernel" "grep -c 'src=192.0.2.1 ' $PW/inject-oo.k" "1\n"

# -t: a flush of the kernel table PurgeTimeout seconds later, as a backup does.
pair_conf a ftfw udp4 "PurgeTimeout 2"
pair_conf b ftfw udp4 "PurgeTimeout 2"
pair_start b "$CONNTRACKD"
ip netns exec "$NSB" "$ORACLE" -I -p udp -s 192.0.2.9 -d 198.51.100.9 --sport 1 --dport 2 \
	-t 300 >/dev/null 2>&1
pair_cli b -t
testing "-t: not yet" "ip netns exec $NSB $ORACLE -L 2>/dev/null | grep -c 192.0.2.9" "1\n"
sleep 3
testing "-t: flushed after PurgeTimeout" "ip netns exec $NSB $ORACLE -L 2>/dev/null | grep -c 192.0.2.9" "0\n"
testing "-t: logged" "grep -c 'flushing kernel conntrack table (scheduled)' $PW/b/log" "1\n"
pair_stop b
testing_done
