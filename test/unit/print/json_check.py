#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Parses every line of "test_print json" as JSON and checks the schema of doc/json.md on known entries.
import json, os, shlex, subprocess, sys

# Cross builds: meson's exe wrapper (qemu-user) runs the test binary.
wrap = shlex.split(os.environ.get("MESON_EXE_WRAPPER", ""))
out = subprocess.run(wrap + [sys.argv[1], "json"], check=True, capture_output=True, text=True).stdout
lines = out.splitlines()
objs = [json.loads(l) for l in lines]
assert len(objs) == 23 + 15 + 2, len(objs)
ct = objs[:23]
assert ct[0]["family"] == "ipv4" and ct[0]["proto-name"] == "tcp" and ct[0]["proto-num"] == 6
assert ct[0]["tuple-orig"] == {"src": "20.0.0.1", "dst": "20.0.0.4", "proto-num": 6,
                               "proto-src-port": 5, "proto-dst-port": 5}
assert ct[0]["status-names"] == ["seen-reply", "confirmed", "fixed-timeout"]
assert ct[0]["protoinfo"] == {"tcp-state": "TIME_WAIT"}
assert ct[0]["counters-orig"] == {"packets": 0, "bytes": 0}
assert ct[0]["timestamp"]["start"] == 1795714376301573159 and ct[0]["delta-time"] == 1
assert "nat" not in ct[0] and "event" not in ct[0]
# DNAT with port, SNAT with port (spec 7.2 definitions)
assert ct[9]["nat"] == {"dst": {"addr": "10.0.0.80", "port": 80}}, ct[9]
assert ct[18]["nat"] == {"src": {"addr": "198.51.100.7", "port": 61000}}, ct[18]
# reply tuple rewritten without NAT status bits: no nat object
assert "nat" not in ct[2]
assert ct[6]["labels"] == [0, 1] and ct[6]["label-names"] == ["foo", "bar"]
assert ct[13]["labels"] == [3] and ct[13]["label-names"] == []
assert ct[14]["zone"] == 42 and ct[3]["tuple-orig"]["zone"] == 6
assert ct[17]["tuple-orig"]["src"] == "::ffff:1.2.3.4" and ct[17]["family"] == "ipv6"
assert ct[1]["tuple-orig"]["proto-icmp-type"] == 8 and ct[1]["tuple-reply"]["proto-icmp-type"] == 0
# JSON shows the number -I --orig-vtag took and -o save prints (upstream's CLI convention: the
# kernel's tag byte-swapped on little-endian hosts). The cases hold the kernel's tag as that
# conversion of the number (htobe32), so every host prints the number back.
assert ct[21]["protoinfo"] == {"sctp-state": "ESTABLISHED", "sctp-vtag-original": 305419896,
                               "sctp-vtag-reply": 2271560481}
assert ct[11]["proto-name"] == "unknown" and ct[11]["proto-num"] == 2
ev = objs[23:38]
assert [e["event"] for e in ev] == ["new"] * 7 + ["update"] + ["destroy"] * 7
assert ev[0]["time"] == 1795714390.168201 and ev[0]["portid"] == 6928 and "progname" not in ev[0]
assert ev[1]["progname"] == "a\"b\\c\n"
assert ev[8]["delta-time"] == 0 and ev[8]["timestamp"]["stop"] == 1795714390854823016
exp, st = objs[38], objs[39]
assert exp["event"] == "new" and exp["tuple"]["src"] == "::1" and exp["helper-name"] == "ftp"
assert exp["mask"]["dst"] == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
assert st == {"cpu": 3, "searched": 0, "found": 7}, st
print("ok %d json lines" % len(objs))
