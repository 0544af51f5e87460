# SPDX-License-Identifier: GPL-2.0-or-later
# Real loopback traffic for conntrack tests: UDP, TCP and ICMP echo over 127.0.0.1 and ::1.
#
# Run inside a test namespace only (ip netns exec NS python3 traffic.py). Each exchange uses
# fixed ports so the resulting conntrack entries are predictable; everything is closed before
# exit so the table stops changing.
import socket
import struct
import sys
import time


def udp(family, addr, port, cport):
    srv = socket.socket(family, socket.SOCK_DGRAM)
    srv.bind((addr, port))
    cli = socket.socket(family, socket.SOCK_DGRAM)
    cli.bind((addr, cport))
    for i in range(3):
        cli.sendto(b"ping %d" % i, (addr, port))
        data, peer = srv.recvfrom(100)
    srv.sendto(b"pong", peer)
    cli.recvfrom(100)
    cli.close()
    srv.close()


def udp_oneway(family, addr, port, cport):
    # Unreplied flow: nobody listens, the ICMP port-unreachable is not a reply in conntrack.
    cli = socket.socket(family, socket.SOCK_DGRAM)
    cli.bind((addr, cport))
    cli.sendto(b"x" * 10, (addr, port))
    cli.close()


def tcp(family, addr, port, cport):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    cli = socket.socket(family, socket.SOCK_STREAM)
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    cli.bind((addr, cport))
    cli.connect((addr, port))
    conn, _ = srv.accept()
    cli.sendall(b"hello over tcp")
    conn.recv(100)
    conn.sendall(b"bye")
    cli.recv(100)
    cli.close()
    conn.close()
    srv.close()


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping4(addr, ident, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(2)
    for seq in range(count):
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        payload = b"ctbox-ping"
        pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
        s.sendto(pkt, (addr, 0))
        # Raw sockets see the request too; read until the reply arrives.
        while True:
            data = s.recv(200)
            if data[20] == 0:
                break
    s.close()


def ping6(addr, ident, count):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.settimeout(2)
    for seq in range(count):
        # The kernel computes the ICMPv6 checksum for raw ICMPv6 sockets.
        pkt = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + b"ctbox-ping6"
        s.sendto(pkt, (addr, 0))
        while True:
            data = s.recv(200)
            if data[0] == 129:
                break
    s.close()


def main():
    udp(socket.AF_INET, "127.0.0.1", 7777, 7776)
    udp(socket.AF_INET6, "::1", 7777, 7776)
    udp_oneway(socket.AF_INET, "127.0.0.1", 7790, 7791)
    tcp(socket.AF_INET, "127.0.0.1", 5555, 5554)
    tcp(socket.AF_INET6, "::1", 5555, 5554)
    ping4("127.0.0.1", 0x4242, 2)
    ping6("::1", 0x4343, 2)
    # Let the last FIN/ACKs land so counters and states stop moving.
    time.sleep(0.3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
