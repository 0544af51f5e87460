# SPDX-License-Identifier: GPL-2.0-or-later
# Long-lived TCP streams through a firewall cluster: an echo server, and a client that
# keeps N connections busy, counts the bytes echoed back and detects stalls and breaks.
#
#   streams.py serve ADDR PORT
#   streams.py client ADDR PORT N OUT.json [--chunk BYTES] [--every SECS] [--stall SECS]
#       runs until SIGTERM/SIGINT, then writes OUT.json: per stream bytes, stalls, the gaps
#       (pauses in progress longer than 0.1 s, as wall-clock [start, end]) and whether it broke.
#       While running it rewrites OUT.json.live every 0.5 s: "t alive stalled_now broken bytes".
#
# A stream "progresses" when echoed bytes come back. No progress for --stall seconds (3) is a
# stall (counted once per episode); a reset, an error or an EOF is a break.
import errno
import json
import os
import selectors
import signal
import socket
import sys
import time

GAP = 0.1


def serve(addr, port):
    sel = selectors.DefaultSelector()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1024)
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ, None)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    pending = {}
    while True:
        for key, ev in sel.select():
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                c.setblocking(False)
                c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                pending[c] = b""
                sel.register(c, selectors.EVENT_READ, None)
                continue
            try:
                if ev & selectors.EVENT_READ:
                    d = s.recv(65536)
                    if not d:
                        raise ConnectionError
                    pending[s] += d
                if pending[s]:
                    n = s.send(pending[s])
                    pending[s] = pending[s][n:]
                sel.modify(s, selectors.EVENT_READ | (selectors.EVENT_WRITE if pending[s] else 0))
            except BlockingIOError:
                pass
            except (ConnectionError, OSError):
                sel.unregister(s)
                del pending[s]
                s.close()


class Stream:
    def __init__(self, i, s, now):
        self.i = i
        self.s = s
        self.sent = 0
        self.echoed = 0
        self.last = now
        self.stalled = False
        self.stalls = 0
        self.gaps = []
        self.broken = None
        self.out = b""


def client(addr, port, n, out, chunk=256, every=0.02, stall=3.0):
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    sel = selectors.DefaultSelector()
    streams = []
    for i in range(n):
        s = socket.create_connection((addr, port), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        st = Stream(i, s, time.time())
        streams.append(st)
        sel.register(s, selectors.EVENT_READ, st)
    payload = b"x" * chunk
    next_send = time.time()
    next_live = 0.0
    start = time.time()

    def breaks(st, why, now):
        if st.broken is None:
            st.broken = {"t": now, "why": why}
            try:
                sel.unregister(st.s)
            except (KeyError, ValueError):
                pass
            st.s.close()

    while not stop:
        now = time.time()
        timeout = max(0.0, min(next_send, next_live) - now)
        try:
            events = sel.select(timeout)
        except InterruptedError:
            continue
        now = time.time()
        for key, ev in events:
            st = key.data
            try:
                if ev & selectors.EVENT_READ:
                    d = st.s.recv(65536)
                    if not d:
                        breaks(st, "eof", now)
                        continue
                    if now - st.last > GAP:
                        st.gaps.append([st.last, now])
                    st.echoed += len(d)
                    st.last = now
                    st.stalled = False
                if ev & selectors.EVENT_WRITE and st.out:
                    k = st.s.send(st.out)
                    st.out = st.out[k:]
                    st.sent += k
            except BlockingIOError:
                pass
            except OSError as e:
                breaks(st, errno.errorcode.get(e.errno, str(e)), now)
        if now >= next_send:
            next_send += every
            if next_send < now:
                next_send = now + every
            for st in streams:
                if st.broken is not None:
                    continue
                # Keep at most a little in flight: a stalled stream must not queue forever.
                if len(st.out) < 4 * chunk:
                    st.out += payload
                try:
                    k = st.s.send(st.out)
                    st.out = st.out[k:]
                    st.sent += k
                except BlockingIOError:
                    pass
                except OSError as e:
                    breaks(st, errno.errorcode.get(e.errno, str(e)), now)
                    continue
                if st.broken is None:
                    sel.modify(st.s, selectors.EVENT_READ |
                               (selectors.EVENT_WRITE if st.out else 0), st)
        for st in streams:
            if st.broken is None and not st.stalled and now - st.last > stall:
                st.stalled = True
                st.stalls += 1
        if now >= next_live:
            next_live = now + 0.5
            alive = sum(1 for st in streams if st.broken is None)
            stalled = sum(1 for st in streams if st.stalled)
            broken = sum(1 for st in streams if st.broken is not None)
            total = sum(st.echoed for st in streams)
            with open(out + ".live.tmp", "w") as f:
                f.write("%.3f %d %d %d %d\n" % (now, alive, stalled, broken, total))
            os.replace(out + ".live.tmp", out + ".live")
    now = time.time()
    res = {"start": start, "end": now, "streams": []}
    for st in streams:
        gaps = st.gaps[:]
        if st.broken is None and now - st.last > GAP:
            gaps.append([st.last, None])
        res["streams"].append({"i": st.i, "sent": st.sent, "echoed": st.echoed,
                               "stalls": st.stalls, "stalled_now": st.stalled,
                               "broken": st.broken, "gaps": gaps})
    with open(out + ".tmp", "w") as f:
        json.dump(res, f)
    os.replace(out + ".tmp", out)


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "serve":
        serve(a[1], int(a[2]))
    elif len(a) >= 5 and a[0] == "client":
        kw = {}
        rest = a[5:]
        while rest:
            k, v = rest[0], rest[1]
            rest = rest[2:]
            kw[{"--chunk": "chunk", "--every": "every", "--stall": "stall"}[k]] = \
                float(v) if k != "--chunk" else int(v)
        client(a[1], int(a[2]), int(a[3]), a[4], **kw)
    else:
        sys.exit("usage: streams.py serve ADDR PORT | client ADDR PORT N OUT.json [opts]")


if __name__ == "__main__":
    main()
