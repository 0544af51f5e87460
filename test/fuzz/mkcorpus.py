#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the seed corpus: kernel fixtures split per message, argv lines from the cli corpus.
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
    return 0


if __name__ == '__main__':
    sys.exit(main())
