#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -o json (a ctbox extension): every line parses, its fields say what the reference's text
# output says about the same entries, and the fields text does not show (status, timestamp,
# helper, secmark) equal what the kernel sent: raw messages captured by test/tools/nlcapture
# and read by test/lib/ctraw.py, which shares no code with ctbox (doc/json.md names the keys).
#
#   +------------------------------------------------------------------+
#   | netns "json": the reference table (every protocol, NAT, zones,   |
#   |   marks, labels, real lo traffic: ct_reference_table), plus an   |
#   |   ftp-helper connection (nft ct helper on tcp/21 over lo)        |
#   |   $CONNTRACK -L/-G/-E/-S/-C -o json   vs   $ORACLE ... -o extended,id,labels |
#   |                                       vs   nlcapture ct / events |
#   +------------------------------------------------------------------+
#
# Run: CONNTRACK=<builddir>/conntrack test/diff/json.sh. With TEST_HOST=1 only the text side
# is exercised (the reference has no JSON). Root only (77 otherwise).
. "$(dirname "$0")/../lib/netns.sh"
ns_private_etc "$@"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/diff-cmds.sh"

NLCAPTURE=${NLCAPTURE:-}
if [ -z "$NLCAPTURE" ] || [ ! -x "$NLCAPTURE" ]; then
	skip "NLCAPTURE is not set to test/tools/nlcapture"
fi
ct_labelmap
ns_new CT_NS json
NS=$CT_NS
ct_reference_table >/dev/null 2>&1
# An entry with a helper: nft gives tcp/21 over lo the ftp helper; one connection, closed.
ip netns exec "$NS" nft -f - <<-'EOF'
table inet ctbox_json {
	ct helper ftp-std {
		type "ftp" protocol tcp;
	}
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
}
EOF
cat >"$CT_WORK/ftp1.py" <<-'EOF'
import socket
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 21))
srv.listen(1)
cli = socket.create_connection(("127.0.0.1", 21))
conn, _ = srv.accept()
conn.sendall(b"220 hi\r\n")
cli.recv(100)
cli.close(); conn.close(); srv.close()
EOF
ip netns exec "$NS" python3 "$CT_WORK/ftp1.py"

# jcheck MODE TEXTFILE JSONFILE [RAWFILE]: compare; prints one line per problem, nothing when
# equal. RAWFILE: the kernel's messages for the same entries (by id) or events (in order).
cat >"$CT_WORK/jcheck.py" <<-'EOF'
import json, re, sys
sys.path.insert(0, sys.argv[5])
import ctraw

PORTS = {"tcp", "udp", "udplite", "sctp", "dccp"}

def tuple_of(words, proto):
    t = {}
    for w in words:
        k, v = w.split("=", 1)
        if k in ("src", "dst"):
            t[k] = v
        elif k in ("sport", "dport") and proto in PORTS:
            t["proto-%s-port" % ("src" if k == "sport" else "dst")] = int(v)
        elif k in ("type", "code", "id") and proto in ("icmp", "icmpv6"):
            t["proto-icmp-" + k] = int(v)
        elif k in ("srckey", "dstkey"):
            t["proto-%s-port" % k[:3]] = int(v, 16)
        elif k == "zone-orig" or k == "zone-reply":
            t["zone"] = int(v)
    return t

def parse_text(line):
    """One `-o extended,id,labels` line (optionally with an event prefix) -> dict."""
    e = {}
    m = re.match(r"^ *\[(NEW|UPDATE|DESTROY)\] ", line)
    if m:
        e["event"] = m.group(1).lower()
        line = line[m.end():]
    line = re.sub(r" \[USERSPACE\] portid=\d+( progname=\S+)?$", "", line)
    w = line.split()
    e["family"], e["proto-name"] = w[0], w[2]
    e["proto-num"] = int(w[3])
    rest = w[4:]
    if rest and rest[0].isdigit():
        e["timeout"] = int(rest[0])
        rest = rest[1:]
    if rest and "=" not in rest[0] and not rest[0].startswith("["):
        e["state"] = rest[0]
        rest = rest[1:]
    # Split into original part, reply part, meta part: the second src= starts the reply.
    srcs = [i for i, x in enumerate(rest) if x.startswith("src=")]
    o, r = rest[srcs[0]:srcs[1]], rest[srcs[1]:]
    e["unreplied"] = "[UNREPLIED]" in o
    def counters(part):
        c = {}
        for x in part:
            if x.startswith("packets="):
                c["packets"] = int(x[8:])
            if x.startswith("bytes="):
                c["bytes"] = int(x[6:])
        return c
    rt = [x for x in r if re.match(r"^(src|dst|sport|dport|type|code|id|srckey|dstkey|zone-reply)=", x)]
    # The reply tuple ends where meta starts (after counters/zone-reply/flags).
    cut = 0
    for i, x in enumerate(r):
        if re.match(r"^(src|dst|sport|dport|type|code|srckey|dstkey|packets|bytes|zone-reply)=", x):
            cut = i + 1
        elif x.startswith("id=") and e["proto-name"] in ("icmp", "icmpv6") and i < 8:
            cut = i + 1
        else:
            break
    e["orig"] = tuple_of([x for x in o if "=" in x and not x.startswith(("packets=", "bytes="))], e["proto-name"])
    e["reply"] = tuple_of([x for x in r[:cut] if not x.startswith(("packets=", "bytes="))], e["proto-name"])
    e["corig"], e["creply"] = counters(o), counters(r[:cut])
    meta = r[cut:]
    e["assured"] = "[ASSURED]" in meta
    for x in meta:
        if "=" in x:
            k, v = x.split("=", 1)
            if k in ("mark", "zone", "use", "id", "delta-time", "secmark"):
                e[k] = int(v)
            elif k == "labels":
                e["label-names"] = v.split(",")
            elif k == "helper":
                e["helper"] = v
    return e

# IPS_* bits 0..15 and their names in doc/json.md, in bit order.
STATUS_NAMES = ("expected seen-reply assured confirmed src-nat dst-nat seq-adjust "
                "src-nat-done dst-nat-done dying fixed-timeout template untracked helper "
                "offload hw-offload").split()

def status_names(v):
    return [n for i, n in enumerate(STATUS_NAMES) if v & (1 << i)]

def nat_of(e):
    """The NAT conntrack's --src-nat/--dst-nat filters see (doc/json.md)."""
    n, o, r = {}, e["orig"], e["reply"]
    ports = e["proto-name"] in PORTS
    if r.get("dst") != o.get("src") or (ports and r.get("proto-dst-port") != o.get("proto-src-port")):
        n["src"] = {"addr": r["dst"]}
        if ports:
            n["src"]["port"] = r["proto-dst-port"]
    if r.get("src") != o.get("dst") or (ports and r.get("proto-src-port") != o.get("proto-dst-port")):
        n["dst"] = {"addr": r["src"]}
        if ports:
            n["dst"]["port"] = r["proto-src-port"]
    return n

def compare(t, j, k, where, problems):
    """t: the reference's text, j: ours in JSON, k: the kernel's message (or None)."""
    def want(key, tv, jv, who="text"):
        if tv != jv:
            problems.append("%s: %s: %s says %r, json says %r" % (where, key, who, tv, jv))
    want("family", t["family"], j.get("family"))
    want("proto-num", t["proto-num"], j.get("proto-num"))
    want("proto-name", t["proto-name"], j.get("proto-name"))
    want("helper", t.get("helper"), j.get("helper"))
    want("secmark", t.get("secmark"), j.get("secmark"))
    if k is None:
        problems.append("%s: no kernel message to compare with" % where)
    else:
        want("id", k.get("id"), j.get("id"), "kernel")
        for key in ("status", "timestamp", "helper", "secmark"):
            want(key, k.get(key), j.get(key), "kernel")
        if "status" in k:
            want("status-names", status_names(k["status"]), j.get("status-names"), "kernel")
        if "event" in t:
            want("event", k["kind"], j.get("event"), "kernel")
    if "event" in t:
        want("event", t["event"], j.get("event"))
    for tk, jk in (("orig", "tuple-orig"), ("reply", "tuple-reply")):
        jt = {k: v for k, v in j.get(jk, {}).items() if k != "proto-num"}
        tt = dict(t[tk])
        # The text prints "sport=0 dport=0" for a port protocol the kernel does not track
        # (dccp here); JSON leaves out what the kernel did not send.
        for k in ("proto-src-port", "proto-dst-port"):
            if tt.get(k) == 0 and k not in jt:
                del tt[k]
        want(jk, tt, jt)
    if t["corig"]:
        want("counters-orig", t["corig"], j.get("counters-orig"))
        want("counters-reply", t["creply"], j.get("counters-reply"))
    for k in ("mark", "zone", "use", "id"):
        want(k, t.get(k), j.get(k))
    # Both tick between the two listings.
    for k in ("timeout", "delta-time"):
        if k in t and (not isinstance(j.get(k), int) or abs(t[k] - j[k]) > 2):
            want(k + " (+-2)", t[k], j.get(k))
    names = j.get("status-names", [])
    want("assured", t["assured"], "assured" in names)
    if "event" not in t:
        want("seen-reply", not t["unreplied"], "seen-reply" in names)
    if "state" in t:
        pi = j.get("protoinfo", {})
        want("state", t["state"], pi.get("tcp-state") or pi.get("sctp-state") or pi.get("dccp-state"))
    if "label-names" in t:
        # -o json alone may not load the label map (doc: names only when a map is loaded);
        # the bits are always there: compare them through the map the text side used.
        bits = sorted(LABELMAP[n] for n in t["label-names"] if n in LABELMAP)
        want("labels (bits)", bits, sorted(j.get("labels", [])))
        if "label-names" in j:
            want("label-names", t["label-names"], j.get("label-names"))
    if "event" not in t or t["event"] == "new":
        want("nat", nat_of(t), j.get("nat", {}))

def load_json(path, problems):
    out = []
    for n, line in enumerate(open(path), 1):
        try:
            out.append(json.loads(line))
        except ValueError as err:
            problems.append("json line %d does not parse (%s): %s" % (n, err, line.strip()[:200]))
    return out

mode, tpath, jpath, kpath = sys.argv[1:5]
LABELMAP = {}
try:
    for l in open("/etc/xtables/connlabel.conf"):
        w = l.split()
        if len(w) >= 2 and w[0].isdigit():
            LABELMAP.setdefault(w[1], int(w[0]))
except OSError:
    pass
problems = []
texts = [parse_text(l.rstrip("\n")) for l in open(tpath) if l.strip()]
if mode == "text":
    print(len(texts))
    sys.exit(0)
js = load_json(jpath, problems)
if len(js) != len(texts):
    problems.append("%d text lines but %d json lines" % (len(texts), len(js)))
ks = ctraw.read_messages(kpath, mode == "in-order") if kpath != "-" else []
if mode == "by-id":
    byid = {j.get("id"): j for j in js}
    kbyid = {k.get("id"): k for k in ks}
    for t in texts:
        j = byid.get(t.get("id"))
        if j is None:
            problems.append("id %s: no json object" % t.get("id"))
        else:
            compare(t, j, kbyid.get(t.get("id")), "id %s" % t.get("id"), problems)
else:   # in order (events)
    if len(ks) != len(js):
        problems.append("%d kernel events but %d json lines" % (len(ks), len(js)))
    for i, (t, j) in enumerate(zip(texts, js)):
        compare(t, j, ks[i] if i < len(ks) else None, "event %d" % (i + 1), problems)
print("\n".join(problems))
EOF

# jcheck MODE TEXT JSON [RAW]
jcheck()
{
	python3 "$CT_WORK/jcheck.py" "$1" "$2" "$3" "${4:--}" "$CT_LIB"
}

# jrun OUT ARG...: ours with ARG... into OUT (stdout) and OUT.err; prints a problem line when it
# does not exit 0, so a check that expects no problems sees it.
jrun()
{
	local out=$1 rc=0
	shift
	ip netns exec "$NS" timeout 10 "$CONNTRACK" "$@" >"$out" 2>"$out.err" || rc=$?
	[ "$rc" = 0 ] || echo "ctbox $*: exit $rc: $(head -c 300 "$out.err")"
}

# kdump FILE: the kernel's table, raw (nlcapture), for the fields text does not show.
kdump()
{
	ip netns exec "$NS" "$NLCAPTURE" ct "$1" >/dev/null
}

# The text side must parse whatever the reference prints (this runs in TEST_HOST mode too).
ref -L -o extended,id,labels >"$CT_WORK/l.txt" 2>/dev/null
check "reference text parses: one record per entry" "$(ref -C)" \
	"$(jcheck text "$CT_WORK/l.txt" /dev/null)"

# The checker must agree with doc/json.md: its worked example, read back against the text
# line of the same entry, must show no difference.
DOC=$(dirname "$0")/../../doc/json.md
if [ -f "$DOC" ]; then
	awk '/^```$/ { inb = !inb; next } inb && /^\{"family"/ { on = 1 } on && inb { printf "%s", $0 }
		on && !inb { exit }' "$DOC" >"$CT_WORK/doc.json"
	echo >>"$CT_WORK/doc.json"
	echo "ipv4     2 tcp      6 2997 ESTABLISHED src=203.0.113.50 dst=198.51.100.7 sport=55555 dport=8080 packets=0 bytes=0 src=10.0.0.80 dst=203.0.113.50 sport=80 dport=55555 packets=0 bytes=0 mark=0 delta-time=1 use=1 id=2306387729" \
		>"$CT_WORK/doc.txt"
	# The kernel message of the example, made from the JSON itself: the test reads it back.
	python3 - "$CT_WORK/doc.json" "$CT_WORK/doc.raw" <<-'EOF'
	import json, struct, sys
	j = json.loads(open(sys.argv[1]).read())
	def nla(t, p):
	    b = struct.pack("=HH", 4 + len(p), t) + p
	    return b + b"\0" * (-len(b) % 4)
	body = (nla(0x8001, nla(0x8002, nla(1, bytes([j["proto-num"]])))) +
	        nla(3, struct.pack(">I", j["status"])) + nla(12, struct.pack(">I", j["id"])) +
	        nla(0x8014, nla(1, struct.pack(">Q", j["timestamp"]["start"]))))
	msg = struct.pack("=IHHII", 16 + 4 + len(body), 1 << 8, 0x2, 0, 0) + b"\2\0\0\0" + body
	open(sys.argv[2], "wb").write(msg)
	EOF
	check "doc/json.md example = its text line, as this test reads both" "" \
		"$(jcheck by-id "$CT_WORK/doc.txt" "$CT_WORK/doc.json" "$CT_WORK/doc.raw")"
else
	testing_cannot "doc/json.md example" "doc/json.md not found"
fi

if ! ours_only; then
	echo "SKIP: -o json (a ctbox extension; the reference has none)"
	testing_done
fi

echo "== -L -o json"
kdump "$CT_WORK/l.raw"
ref -L -o extended,id,labels >"$CT_WORK/l.txt" 2>/dev/null
check "-L -o json: fields match the reference's text and the kernel's messages" "" \
	"$(jrun "$CT_WORK/l.json" -L -o json; jcheck by-id "$CT_WORK/l.txt" "$CT_WORK/l.json" "$CT_WORK/l.raw")"
check "-L -o json: summary on stderr as for text" \
	"conntrack vVERSION: $(ref -C) flow entries have been shown." \
	"$(ct_normalise <"$CT_WORK/l.json.err")"
check "-L -o json: the table has an entry with a helper and one with both NATs" "2" \
	"$(grep -c '"helper":"ftp"\|"nat":{"src":{[^}]*},"dst"' "$CT_WORK/l.json")"
for f in "-p tcp" "-f ipv6" "-m 16" "--src-nat" "-w 42" "-l foo" "-p tcp --dport 21"; do
	# shellcheck disable=SC2086
	ref -L $f -o extended,id,labels >"$CT_WORK/f.txt" 2>/dev/null
	# shellcheck disable=SC2086
	check "-L $f -o json: same entries, same fields" "" \
		"$(jrun "$CT_WORK/f.json" -L $f -o json; jcheck by-id "$CT_WORK/f.txt" "$CT_WORK/f.json" "$CT_WORK/l.raw")"
done

echo "== -G -o json"
G="-p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443"
# shellcheck disable=SC2086
ref -G $G -o extended,id,labels >"$CT_WORK/g.txt" 2>/dev/null
# shellcheck disable=SC2086
check "-G -o json" "" \
	"$(jrun "$CT_WORK/g.json" -G $G -o json; jcheck by-id "$CT_WORK/g.txt" "$CT_WORK/g.json" "$CT_WORK/l.raw")"

echo "== -E -o json"
ns_bg "$NS" timeout -s INT -k 5 60 "$CONNTRACK" -E -o json >"$CT_WORK/e.json" 2>"$CT_WORK/e.err"
p_us=$!
ns_bg "$NS" timeout -s INT -k 5 60 "$ORACLE" -E -o extended,id >"$CT_WORK/e.txt" 2>/dev/null
p_ref=$!
ns_bg "$NS" timeout -s INT -k 5 60 "$NLCAPTURE" events "$CT_WORK/e.raw" 0 >/dev/null
p_raw=$!
wait_listeners "$NS" 3
{
	ref -I -p tcp -s 9.9.9.1 -d 9.9.9.2 --sport 1 --dport 2 --state ESTABLISHED -t 50 -m 3
	ref -I -p udp -s 9.9.9.1 -d 9.9.9.3 --sport 5 --dport 6 -t 60 --src-nat 9.9.9.9:7
	ref -U -s 9.9.9.1 -p tcp -m 5
	ref -D -s 9.9.9.1
	ip netns exec "$NS" python3 "$CT_LIB/traffic.py"
	ip netns exec "$NS" python3 "$CT_WORK/ftp1.py"
	ref -D -p tcp --dport 21
} >/dev/null 2>&1
sleep 0.5
stop_pid "$p_us"
rc_us=$CT_LAST_RC
stop_pid "$p_ref"
stop_pid "$p_raw"
check "-E -o json: every event, fields match the reference's text and the kernel's events" "" \
	"$(jcheck in-order "$CT_WORK/e.txt" "$CT_WORK/e.json" "$CT_WORK/e.raw")"
check "-E -o json: events seen, a helper among them, exit 0 after SIGINT" "yes yes 0" \
	"$([ -s "$CT_WORK/e.txt" ] && echo yes) $(grep -q '"helper":"ftp"' "$CT_WORK/e.json" && echo yes) $rc_us"

echo "== -S and -C -o json"
jrun "$CT_WORK/s.json" -S -o json >"$CT_WORK/s.rc"
ref -S >"$CT_WORK/s.txt" 2>/dev/null
check "-S -o json: one document, an object per cpu, same keys as the text" "" "$(python3 - "$CT_WORK/s.txt" "$CT_WORK/s.json" <<-'EOF'
import json, sys
txt = [dict(w.split("=", 1) for w in l.split() if "=" in w) for l in open(sys.argv[1]) if l.strip()]
problems = []
js = []
try:
    js = json.load(open(sys.argv[2]))["cpus"]
except (ValueError, KeyError, TypeError) as e:
    problems.append("does not parse as {\"cpus\": [...]}: %s" % e)
if len(js) != len(txt):
    problems.append("%d cpus in text, %d json objects" % (len(txt), len(js)))
for t, j in zip(txt, js):
    if sorted(t) != sorted(j):
        problems.append("keys: text %s json %s" % (sorted(t), sorted(j)))
    if str(j.get("cpu")) != t.get("cpu"):
        problems.append("cpu %s vs %s" % (t.get("cpu"), j.get("cpu")))
print("\n".join(problems))
EOF
)$(cat "$CT_WORK/s.rc")"
n=$(ref -C)
jrun "$CT_WORK/c.json" -C -o json >"$CT_WORK/c.rc"
got=$(cat "$CT_WORK/c.json")
check "-C -o json: {\"entries\": N, \"max-entries\": M}, exit 0" "$n" "$(cat "$CT_WORK/c.rc")$(python3 -c '
import json, sys
v = json.loads(sys.argv[1])
assert isinstance(v["max-entries"], int) and v["max-entries"] > 0
print(v["entries"])
' "$got" 2>&1 | tail -n 1)"

testing_done
