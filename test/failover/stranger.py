# SPDX-License-Identifier: GPL-2.0-or-later
# Sync datagrams from an address that is no configured peer: stranger.py ADDR...
# A well-formed CT_NEW, an ALIVE and an ACK (as a confused or hostile node would send), then
# random bytes of every size, to port 3780 of each ADDR.
import random
import socket
import struct
import sys

random.seed(11)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for a in sys.argv[1:]:
    dst = (a, 3780)
    # CT_NEW carrying only an IPv4 tuple attribute (1.2.3.4 -> 5.6.7.8).
    s.sendto(bytes([0x10, 0, 0, 0x14]) + struct.pack(">I", 1) +
             bytes([0, 12, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]), dst)
    s.sendto(bytes([0x1a, 0x10, 0, 8]) + struct.pack(">I", 77), dst)
    s.sendto(bytes([0x1a, 0x08, 0, 16]) + struct.pack(">III", 78, 1, 1000000), dst)
    for i in range(500):
        n = random.randrange(0, 1400)
        s.sendto(bytes(random.getrandbits(8) for _ in range(n)), dst)
