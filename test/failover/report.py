# SPDX-License-Identifier: GPL-2.0-or-later
# Figures of one fail-over run: report.py WORKDIR LABEL
#
# Reads WORKDIR/streams.json (streams.py), WORKDIR/failovers ("T down F" / "T up F"),
# WORKDIR/{1,2}/notify.log (the notify wrapper's timestamps) and the conntrackd logs
# ("commit has taken S seconds"). Prints one line of key=value pairs:
#   failovers   link-down events
#   broken      streams that were reset or closed
#   stalled     streams with at least one stall (no progress for 3 s); episodes: all stalls
#   rec_med/rec_max    link down -> every stream moving again (s), median and worst
#   vrrp_med/vrrp_max  link down -> the new master's notify script starts (s)
#   commit_med/commit_max  conntrackd -c on the new master (s, from its log)
#   hand_med/hand_max  the whole primary transition (-c -f -R -B) in the notify script (s)
import json
import os
import re
import statistics
import sys


def med(v):
    return "%.3f" % statistics.median(v) if v else "-"


def worst(v):
    return "%.3f" % max(v) if v else "-"


def main():
    w, label = sys.argv[1], sys.argv[2]
    st = json.load(open(os.path.join(w, "streams.json")))
    downs = []
    for line in open(os.path.join(w, "failovers")):
        t, what, f = line.split()
        if what == "down":
            downs.append((float(t), int(f)))
    notify = {}
    commits = {}
    for f in (1, 2):
        ev = []
        p = os.path.join(w, str(f), "notify.log")
        if os.path.exists(p):
            for line in open(p):
                a = line.split()
                if len(a) >= 3:
                    ev.append((float(a[0]), a[1], a[2]))
        notify[f] = ev
        c = []
        p = os.path.join(w, str(f), "log")
        if os.path.exists(p):
            for line in open(p, errors="replace"):
                m = re.search(r"commit has taken ([0-9.]+) seconds", line)
                if m:
                    c.append(float(m.group(1)))
        commits[f] = c
    rec, vrrp, hand, com = [], [], [], []
    detail = open(os.path.join(w, "failovers.detail"), "w")
    unresumed = 0
    for k, (t, m) in enumerate(downs):
        nxt = downs[k + 1][0] if k + 1 < len(downs) else st["end"]
        worst_s = None
        for s in st["streams"]:
            if s["broken"] is not None and s["broken"]["t"] < t:
                continue
            for g0, g1 in s["gaps"]:
                if g0 <= t + 0.05 and (g1 is None or g1 > t):
                    r = (g1 if g1 is not None and g1 < nxt else float("inf")) - t
                    worst_s = r if worst_s is None else max(worst_s, r)
                    break
        row = {"n": k + 1, "t": t, "from": m, "recovery": worst_s}
        if worst_s is not None:
            if worst_s == float("inf"):
                unresumed += 1
            else:
                rec.append(worst_s)
        b = 3 - m
        starts = [e for e in notify.get(b, []) if e[1] == "primary" and e[2] == "start"]
        idx = [i for i, e in enumerate(starts) if e[0] >= t and e[0] < nxt]
        if idx:
            i = idx[0]
            vrrp.append(starts[i][0] - t)
            ends = [e for e in notify[b] if e[1] == "primary" and e[2] == "end" and
                    e[0] >= starts[i][0]]
            if ends:
                hand.append(ends[0][0] - starts[i][0])
            row["vrrp"] = starts[i][0] - t
            if i < len(commits.get(b, [])):
                com.append(commits[b][i])
                row["commit"] = commits[b][i]
        detail.write(" ".join("%s=%s" % (a, ("%.3f" % v) if isinstance(v, float) else v)
                              for a, v in row.items()) + "\n")
    broken = sum(1 for s in st["streams"] if s["broken"] is not None)
    stalled = sum(1 for s in st["streams"] if s["stalls"] > 0)
    episodes = sum(s["stalls"] for s in st["streams"])
    why = sorted(set(s["broken"]["why"] for s in st["streams"] if s["broken"]))
    print("label=%s failovers=%d streams=%d broken=%d stalled=%d episodes=%d unresumed=%d "
          "rec_med=%s rec_max=%s vrrp_med=%s vrrp_max=%s commit_med=%s commit_max=%s "
          "hand_med=%s hand_max=%s why=%s"
          % (label, len(downs), len(st["streams"]), broken, stalled, episodes, unresumed,
             med(rec), worst(rec), med(vrrp), worst(vrrp), med(com), worst(com),
             med(hand), worst(hand), ",".join(why) or "-"))


if __name__ == "__main__":
    main()
