# SPDX-License-Identifier: GPL-2.0-or-later
# Read raw ctnetlink conntrack messages (test/tools/nlcapture output) into plain dicts.
#
# A second, independent reading of what the kernel sent, for the tests that check ctbox's
# own decoding (json.sh): it shares no code with ctbox. Only the fields those tests need:
#
#   {"kind": "new"|"update"|"destroy" (events) or "entry" (dump, get), "id": N, "proto-num": N, "status": N,
#    "timestamp": {"start": ns, "stop": ns}, "helper": "name", "secmark": N,
#    "timeout": N, "mark": N}
#   (a key only when the kernel sent the attribute, as doc/json.md promises for JSON)
#
# usage (as a module): read_messages(path, events) -> list of dicts, in the order of the
# stream; events=True for a stream of event messages (nlcapture events), else dump answers.
import struct
import sys

NLMSG_HDR = struct.Struct("=IHHII")   # netlink headers are in host order
NFGEN_LEN = 4
NLA_HDR = struct.Struct("=HH")
NLA_TYPE_MASK = 0x3FFF                # drop NLA_F_NESTED and NLA_F_NET_BYTEORDER
NLM_F_CREATE, NLM_F_EXCL = 0x400, 0x200
SUBSYS_CTNETLINK = 1
MSG_CT_NEW, MSG_CT_DELETE = 0, 2

# enum ctattr_type (linux/netfilter/nfnetlink_conntrack.h)
CTA_TUPLE_ORIG, CTA_STATUS, CTA_HELP, CTA_TIMEOUT, CTA_MARK = 1, 3, 5, 7, 8
CTA_ID, CTA_SECMARK, CTA_TIMESTAMP = 12, 17, 20
CTA_TUPLE_PROTO, CTA_PROTO_NUM = 2, 1
CTA_HELP_NAME = 1
CTA_TIMESTAMP_START, CTA_TIMESTAMP_STOP = 1, 2


def attrs(buf):
    """{type: payload} of one attribute level."""
    out, off = {}, 0
    while off + NLA_HDR.size <= len(buf):
        length, typ = NLA_HDR.unpack_from(buf, off)
        if length < NLA_HDR.size or off + length > len(buf):
            raise ValueError("bad attribute length %d at %d" % (length, off))
        out[typ & NLA_TYPE_MASK] = buf[off + NLA_HDR.size:off + length]
        off += (length + 3) & ~3
    return out


def be(payload):
    return int.from_bytes(payload, "big")


def entry(typ, flags, a, events):
    e = {}
    if not events:
        e["kind"] = "entry"
    elif typ & 0xFF == MSG_CT_DELETE:
        e["kind"] = "destroy"
    elif flags & (NLM_F_CREATE | NLM_F_EXCL) == NLM_F_CREATE | NLM_F_EXCL:
        e["kind"] = "new"
    else:
        e["kind"] = "update"     # the kernel sends updates as IPCTNL_MSG_CT_NEW, no flags
    if CTA_TUPLE_ORIG in a:
        proto = attrs(attrs(a[CTA_TUPLE_ORIG]).get(CTA_TUPLE_PROTO, b""))
        if CTA_PROTO_NUM in proto:
            e["proto-num"] = proto[CTA_PROTO_NUM][0]
    for key, typ_ in (("status", CTA_STATUS), ("id", CTA_ID), ("timeout", CTA_TIMEOUT),
                      ("mark", CTA_MARK), ("secmark", CTA_SECMARK)):
        if typ_ in a:
            e[key] = be(a[typ_])
    if CTA_HELP in a:
        name = attrs(a[CTA_HELP]).get(CTA_HELP_NAME)
        if name is not None:
            e["helper"] = name.split(b"\0", 1)[0].decode("ascii", "replace")
    if CTA_TIMESTAMP in a:
        ts = attrs(a[CTA_TIMESTAMP])
        e["timestamp"] = {}
        if CTA_TIMESTAMP_START in ts:
            e["timestamp"]["start"] = be(ts[CTA_TIMESTAMP_START])
        if CTA_TIMESTAMP_STOP in ts:
            e["timestamp"]["stop"] = be(ts[CTA_TIMESTAMP_STOP])
    return e


def read_messages(path, events=False):
    data = open(path, "rb").read()
    out, off = [], 0
    while off + NLMSG_HDR.size <= len(data):
        length, typ, flags, _seq, _pid = NLMSG_HDR.unpack_from(data, off)
        if length < NLMSG_HDR.size or off + length > len(data):
            raise ValueError("bad message length %d at %d" % (length, off))
        if typ >> 8 == SUBSYS_CTNETLINK:
            body = data[off + NLMSG_HDR.size + NFGEN_LEN:off + length]
            out.append(entry(typ, flags, attrs(body), events))
        off += (length + 3) & ~3
    return out


if __name__ == "__main__":
    for m in read_messages(sys.argv[1], len(sys.argv) > 2 and sys.argv[2] == "events"):
        print(m)
