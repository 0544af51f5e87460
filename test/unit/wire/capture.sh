#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture sync datagrams between two oracle conntrackd (1.4.7) as wire fixtures, plus the receiver's view.
#
#   usage (root): test/unit/wire/capture.sh [OUTDIR]     (default: the fixtures/ beside this script)
#
#   +------------- ns C -------------+        +------------------ ns A ------------------+
#   | FTP client 10.77.0.2 (PORT)    |  vc-va | conntrackd (sender), FTP server :21       |
#   | ping, udp, tcp to 10.77.0.1    |--------| nft: ftp helper, SNAT 10.77.0.2 -> .123   |
#   +--------------------------------+        | conntrack -I/-U/-D entries, -B, -F        |
#                                             | 10.98.0.1 on sa                           |
#                                             +---------------------+---------------------+
#                                                                   | sa-sb, UDP 3780
#                                             +---------------------+---------------------+
#                                             | ns B: conntrackd (receiver), tshark -i sb |
#                                             +-------------------------------------------+
#
# Two rounds, each with fresh namespaces and daemons: the default options (fixture
# ftfw.hex, OPTS "-"), and TCPWindowTracking on + CommitTimeout 180 (ftfw-wscale-notimeout.hex,
# OPTS "wscale,notimeout"). Each captured datagram becomes a line "a>b|b>a OPTS HEX"; the
# receiver's `conntrackd -e`, `-e -x` and `-e expect` and the sender's `-i` and kernel
# table are kept as *.txt beside them (timers and ports differ from run to run).
set -e
here=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$here/fixtures}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
. "$here/../../lib/netns.sh"
ns_private_etc "$@"
for t in conntrackd conntrack tshark nft python3; do
	command -v $t >/dev/null || skip "$t not installed"
done
# The label map the oracle CLI reads for -l (only inside our private /etc).
mkdir -p /etc/xtables
printf '0\tfoo\n1\tbar\n5\teth-wan\n' > /etc/xtables/connlabel.conf
ns_tmpdir TMP

# conf NAME ADDR PEER IFACE OPTIONS MODEBODY
conf()
{
	cat > "$TMP/$1.conf" <<EOF
General {
	HashSize 8192
	HashLimit 65536
	LogFile $TMP/$1.log
	Syslog off
	LockFile $TMP/$1.lock
	UNIX { Path $TMP/$1.sock }
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
}
Sync {
	Mode FTFW { $6 }
	UDP {
		IPv4_address $2
		IPv4_Destination_Address $3
		Port 3780
		Interface $4
		Checksum on
	}
	Options { ExpectationSync on $5 }
}
EOF
}

cat > "$TMP/ftp_server.py" <<'PY'
import socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("10.77.0.1", 21)); l.listen(4)
print("ready", flush=True)

def main():
  while True:
    c, _ = l.accept()
    c.sendall(b"220 hi\r\n")
    try:
        session(c)
    except OSError:
        pass
    c.close()

def session(c):
    f = c.makefile("rb")
    ports = 0
    for line in f:
        if line.startswith(b"PORT "):
            h = line[5:].strip().split(b",")
            addr = ".".join(x.decode() for x in h[:4]); port = int(h[4]) * 256 + int(h[5])
            c.sendall(b"200 ok\r\n")
            ports += 1
            # only the first PORT of a session is used: the second leaves its expectation
            if ports == 1:
                d = socket.create_connection((addr, port)); d.sendall(b"data\r\n"); d.close()
        elif line.startswith(b"QUIT"):
            c.sendall(b"221 bye\r\n"); break
        else:
            c.sendall(b"200 ok\r\n")

main()
PY
cat > "$TMP/ftp_client.py" <<'PY'
import socket, sys
keep = sys.argv[1] == "keep"
c = socket.create_connection(("10.77.0.1", 21), source_address=("10.77.0.2", 0)); c.recv(64)
dl = socket.socket(); dl.bind(("10.77.0.2", 0)); dl.listen(1)
p = dl.getsockname()[1]
c.sendall(b"USER x\r\n"); c.recv(64)
c.sendall(("PORT 10,77,0,2,%d,%d\r\n" % (p >> 8, p & 255)).encode()); c.recv(64)
d, _ = dl.accept(); d.recv(64); d.close()
if keep:
    # a second PORT whose data connection never comes: the expectation stays
    c.sendall(("PORT 10,77,0,2,%d,%d\r\n" % ((p + 1) >> 8, (p + 1) & 255)).encode())
    import time; time.sleep(1.5)
else:
    c.sendall(b"QUIT\r\n"); c.recv(64)
c.close()
PY
cat > "$TMP/extract.py" <<'PY'
import subprocess, sys
pcap, opts, out = sys.argv[1:4]
lines = subprocess.run(["tshark", "-r", pcap, "-Y", "udp.port == 3780", "-T", "fields", "-e", "ip.src",
                        "-e", "udp.payload"], capture_output=True, text=True, check=True).stdout
with open(out, "a") as f:
    for l in lines.splitlines():
        src, pl = l.split("\t")
        f.write("%s %s %s\n" % ("a>b" if src == "10.98.0.1" else "b>a", opts, pl.replace(":", "")))
PY

# Let both sides finish a transmit round (FT-FW acks within 1 s).
settle() { sleep "${1:-0.4}"; }

round()
{
	local name=$1 opts=$2 copts=$3 mopts=$4 A B C
	ns_new A sa
	ns_new B sb
	ns_new C sc
	ip link add sa netns "$A" type veth peer name sb netns "$B"
	ip link add va netns "$A" type veth peer name vc netns "$C"
	ip -n "$A" addr add 10.98.0.1/24 dev sa
	ip -n "$B" addr add 10.98.0.2/24 dev sb
	ip -n "$A" addr add 10.77.0.1/24 dev va
	ip -n "$C" addr add 10.77.0.2/24 dev vc
	for l in "$A sa" "$B sb" "$A va" "$C vc"; do ip -n ${l% *} link set ${l#* } up; done
	ip -n "$A" route add 10.123.123.123/32 dev va
	nsx "$A" nft -f - <<'NFT'
table ip cap {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain pre {
		type filter hook prerouting priority 0;
		tcp dport 21 ct helper set "ftp-std"
	}
	chain nat_in {
		type nat hook input priority 100;
		ip saddr 10.77.0.2 tcp dport 21 snat to 10.123.123.123
	}
	chain lbl {
		type filter hook output priority 0;
		udp dport 9999 ct label set 1
	}
}
NFT
	conf "a-$name" 10.98.0.1 10.98.0.2 sa "$copts" "$mopts"
	conf "b-$name" 10.98.0.2 10.98.0.1 sb "$copts" "$mopts"
	local pcap=$TMP/$name.pcap
	ns_bg "$B" tshark -q -i sb -w "$pcap" -f "udp port 3780" 2>"$TMP/tshark.err"
	local i=0
	until grep -q Capturing "$TMP/tshark.err" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$TMP/tshark.err"; exit 1; }; sleep 0.1
	done
	ns_bg "$A" conntrackd -C "$TMP/a-$name.conf" >/dev/null
	ns_bg "$B" conntrackd -C "$TMP/b-$name.conf" >/dev/null
	ns_bg "$A" python3 "$TMP/ftp_server.py" > "$TMP/ftp.out"
	sleep 2.5	# hello handshake, then idle ACKs

	ct() { nsx "$A" conntrack "$@" >/dev/null 2>&1; }
	# conntrack -I entries (NEW), every protocol the kernel tracks and the CLI creates
	ct -I -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1000 --dport 80 --state ESTABLISHED -t 100 -u ASSURED
	ct -I -p tcp -s 1.1.1.2 -d 2.2.2.2 --sport 1001 --dport 80 --state SYN_SENT -t 100 -m 42
	ct -I -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 1111 --dport 22 --state ESTABLISHED -t 200 -u ASSURED
	ct -I -p udp -s 3.3.3.3 -d 4.4.4.4 --sport 53 --dport 5353 -t 30
	ct -I -p udp -s 7.7.7.7 -d 8.8.8.8 --sport 7 --dport 8 -t 30 -w 5
	ct -I -p udp -s 7.7.7.7 -d 8.8.8.8 --sport 9 --dport 10 -t 30 --orig-zone 6
	ct -I -p udp -s 7.7.7.8 -d 8.8.8.8 --sport 11 --dport 12 -t 30 --label-add bar,eth-wan
	ct -I -p udp -s 2001:db8::5 -d 2001:db8::6 --sport 53 --dport 5353 -t 30 -m 7
	ct -I -p udplite -s 5.5.5.1 -d 6.6.6.1 --sport 1 --dport 2 -t 30
	ct -I -p gre -s 5.5.5.2 -d 6.6.6.2 --srckey 0x1234 --dstkey 0xabcd -t 30
	ct -I -p sctp -s 5.5.5.3 -d 6.6.6.3 --sport 100 --dport 200 --state ESTABLISHED --orig-vtag 10 --reply-vtag 20 -t 30
	ct -I -p dccp -s 5.5.5.4 -d 6.6.6.4 --sport 5 --dport 6 --state OPEN --role client -t 30
	ct -I -p 2 -s 5.5.5.5 -d 224.0.0.22 -t 30
	ct -I -p icmp -s 5.5.5.6 -d 6.6.6.6 --icmp-type 8 --icmp-code 0 --icmp-id 4660 -t 30
	ct -I -p icmpv6 -s 2001:db8::7 -d 2001:db8::8 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -t 30
	settle
	# NAT, as the kernel sets it up from the ranges
	ct -I -p tcp -s 10.0.0.5 -d 8.8.8.8 --sport 1234 --dport 8080 --state ESTABLISHED -t 120 -u ASSURED --src-nat 192.0.2.1:40000
	ct -I -p tcp -s 10.0.0.5 -d 8.8.8.8 --sport 1235 --dport 8080 --state ESTABLISHED -t 120 -u ASSURED --dst-nat 172.16.0.9:9999
	ct -I -p udp -s 10.0.0.6 -d 8.8.8.8 --sport 1236 --dport 53 -t 120 --src-nat 192.0.2.2
	ct -I -p tcp -s 10.0.0.7 -d 8.8.8.8 --sport 1237 --dport 80 --state ESTABLISHED -t 120 --src-nat 192.0.2.3:1024 --dst-nat 172.16.0.10
	ct -I -p tcp -s 2001:db8::1 -d 2001:db8::3 --sport 1 --dport 2 --state ESTABLISHED -t 120 --src-nat "[2001:db8::99]:5555"
	ct -I -p tcp -s 2001:db8::1 -d 2001:db8::4 --sport 1 --dport 2 --state ESTABLISHED -t 120 --dst-nat 2001:db8::98
	ct -I -p icmp -s 5.5.5.7 -d 6.6.6.7 --icmp-type 8 --icmp-code 0 --icmp-id 4661 -t 30 --src-nat 7.7.7.7
	ct -I -p udp -s 10.0.0.8 -d 8.8.8.8 --sport 1238 --dport 53 -t 120 --src-nat 192.0.2.4 -w 9 -m 3
	settle
	# updates (UPD) and a delete (DEL with the last state)
	ct -U -p tcp -s 1.1.1.2 -d 2.2.2.2 --sport 1001 --dport 80 -m 43
	ct -U -p udp -s 3.3.3.3 -d 4.4.4.4 --sport 53 --dport 5353 -u ASSURED
	ct -U -p udp -s 7.7.7.8 -d 8.8.8.8 --sport 11 --dport 12 --label-add foo
	settle
	ct -D -p tcp -s 1.1.1.2 -d 2.2.2.2 --sport 1001 --dport 80
	settle
	# real traffic from C: ping and udp (NAT null bindings), tcp, FTP through SNAT
	nsx "$C" python3 - <<'PY'
import socket, struct, time
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
h = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1)
r.sendto(struct.pack("!BBHHH", 8, 0, csum(h), 0x4242, 1), ("10.77.0.1", 0)); r.settimeout(2); r.recv(64)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b"x", ("10.77.0.1", 9))
t = socket.socket(); t.settimeout(2)
try:
    t.connect(("10.77.0.1", 22))
except OSError:
    pass
PY
	settle
	nsx "$C" python3 "$TMP/ftp_client.py" done
	settle 1
	nsx "$C" python3 "$TMP/ftp_client.py" keep &
	local cpid=$!
	sleep 0.8
	# the receiver's view while the expectation is alive
	nsx "$B" conntrackd -C "$TMP/b-$name.conf" -e > "$OUT/$name-B-e.txt"
	nsx "$B" conntrackd -C "$TMP/b-$name.conf" -e -x > "$OUT/$name-B-e-xml.txt"
	nsx "$B" conntrackd -C "$TMP/b-$name.conf" -e expect > "$OUT/$name-B-e-expect.txt"
	nsx "$A" conntrackd -C "$TMP/a-$name.conf" -i > "$OUT/$name-A-i.txt"
	nsx "$A" conntrack -L -o extended > "$OUT/$name-A-L.txt" 2>/dev/null
	nsx "$A" conntrack -L expect > "$OUT/$name-A-L-expect.txt" 2>/dev/null
	wait $cpid
	settle
	# B asks for a resync (bulk of A's internal cache), A sends a bulk on its own
	nsx "$B" conntrackd -C "$TMP/b-$name.conf" -n
	settle 1
	nsx "$A" conntrackd -C "$TMP/a-$name.conf" -B
	settle 1
	# everything goes: DEL for each entry
	nsx "$A" conntrack -F >/dev/null 2>&1
	nsx "$A" conntrack -F expect >/dev/null 2>&1 || true
	sleep 1.5
	# stop tshark (and the rest) so the capture file is complete
	local p
	for p in "${CT_PID_LIST[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${CT_PID_LIST[@]}"; do wait "$p" 2>/dev/null || true; done
	CT_PID_LIST=()
	grep -iE "error|warn" "$TMP"/*-"$name".log >&3 || true
	python3 "$TMP/extract.py" "$pcap" "$opts" "$OUT/$name.hex"
	echo "$name: $(grep -c . "$OUT/$name.hex") datagrams" >&3
	for n in "$A" "$B" "$C"; do ip netns del "$n"; done
	CT_NETNS_LIST=()
}

for f in ftfw ftfw-wscale-notimeout; do
	printf '# Captured by capture.sh: oracle conntrackd 1.4.7 (A 10.98.0.1 -> B 10.98.0.2), %s\n' \
		"$(uname -r)" > "$OUT/$f.hex"
done
round ftfw - "" ""
round ftfw-wscale-notimeout wscale,notimeout "TCPWindowTracking on" "CommitTimeout 180"
