#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the seed corpus: kernel fixtures split per message, argv lines from the cli corpus,
# sync datagrams from the wire fixtures.
import hashlib
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
kernel = os.path.join(root, 'test', 'fixtures', 'kernel')
corpus = os.path.join(here, 'corpus')


def put(harness, name, data, seen):
    digest = hashlib.sha1(data).hexdigest()
    if digest in seen:
        return
    seen.add(digest)
    d = os.path.join(corpus, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def messages(blob):
    off = 0
    while off + 16 <= len(blob):
        n = struct.unpack_from('=I', blob, off)[0]
        if n < 16 or off + n > len(blob):
            break
        yield blob[off:off + n]
        off += (n + 3) & ~3


def main():
    seen = set()
    for name in sorted(os.listdir(kernel)):
        if not name.endswith('.bin'):
            continue
        blob = open(os.path.join(kernel, name), 'rb').read()
        for i, msg in enumerate(messages(blob)):
            put('ctnl', '%s-%03d' % (name[:-4], i), msg, seen)
        # one whole stream too: the harness walks several messages per input
        put('ctnl', '%s-all' % name[:-4], blob[:4096], seen)

    lines = []
    for line in open(os.path.join(root, 'test', 'cli', 'args.corpus')):
        line = line.strip()
        if not line or line.startswith('#') or ' ; ' not in line:
            continue
        cmd = line.split(' ; ')[0].strip()
        if cmd and cmd not in lines:
            lines.append(cmd)
    # every line up to 400, then an even sample: enough variety, small repository footprint
    step = max(1, len(lines) // 400)
    for i, cmd in enumerate(lines[::step][:400]):
        put('args', 'cli-%03d' % i, cmd.encode() + b'\n', seen)

    put('labelmap', 'fixture', open(os.path.join(kernel, 'connlabel.conf'), 'rb').read(), seen)

    # sync datagrams: the spec's dumps and the oracle captures, one file per datagram
    wire = os.path.join(root, 'test', 'unit', 'wire', 'fixtures')
    for name in sorted(os.listdir(wire)):
        if not name.endswith('.hex'):
            continue
        for i, line in enumerate(open(os.path.join(wire, name))):
            if line.startswith('#') or not line.strip():
                continue
            tag, _, h = line.split()
            data = bytes.fromhex(h)
            if tag.endswith('-frame'):
                data = data[42:]
            put('wire', '%s-%03d' % (name[:-4], i), data, seen)
    # what no capture holds: seqadj, long names, wide label maps, IPv6 masters and groups
    put('wire', 'crafted-ct', wire_msg(1, [
        (1, bytes(range(32))), (5, b'\0\0\x01\xff'), (2, b'\x06'), (3, b'\x04\xd2\x00\x15'),
        (4, b'\x03'), (25, b'\x07'), (26, b'\x09'), (9, bytes(range(32, 64))), (10, b'\x06'),
        (11, b'\x00\x01\x00\x02'), (29, bytes(16)), (30, bytes(range(16))), (14, b'\x40\x9c'),
        (16, bytes(range(24))), (27, b'abcdefghijklmno\0'), (28, bytes(range(20))),
        (31, b'\0\0\0\x01\0\0\0\x02\0\0\0\x03'), (32, b'\x12\x34')]), seen)
    put('wire', 'crafted-exp', wire_msg(4, [
        (1, bytes(range(32))), (2, b'\x11'), (3, b'\x13\xc4\x13\xc4'), (5, bytes(32)),
        (6, b'\x11'), (7, b'\0\0\x27\x10'), (9, b'\xff' * 32), (10, b'\x11'), (11, b'\xff' * 4),
        (12, b'\0\0\0\xb4'), (13, b'\0\0\0\x05'), (14, b'\0\0\0\x02'), (15, bytes(8)),
        (17, b'\x11'), (16, b'\x4e\x20\0\0'), (18, b'\0\0\0\x01'), (19, b'sip\0'),
        (20, b'abcdefghijklmnopqrstuvwxyz01234\0')]), seen)
    return 0


def wire_msg(mtype, attrs):
    body = b''
    for t, pl in attrs:
        a = struct.pack('>HH', 4 + len(pl), t) + pl
        body += a + bytes(-len(a) % 4)
    return struct.pack('>BBHI', 0x10 | mtype, 0, 8 + len(body), 0x6b084e9a) + body


if __name__ == '__main__':
    sys.exit(main())
