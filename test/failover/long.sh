#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The long fail-over runs, by hand: every scenario of failover.sh for ctbox and the
# reference, then one summary table.
#
# usage: sudo bash test/failover/long.sh [SCENARIO...]     (default: all below)
# Env: BUILDDIR (default build), FAILOVERS (default 50), STREAMS (default 50),
#      REF_FAILOVERS (default $FAILOVERS: the reference's runs), OUT (default
#      /tmp/ctbox-failover-long.txt: the key=value lines, appended; the table is
#      printed from it at the end, so several invocations make one table).
#
# Scenarios (name: conntrackd on f1/f2, synthetic flows, backup table emptied, faults):
#   small-ours small-ref  mixed          ours/ours, ref/ref, ours/ref; 0 flows
#   k200-ours  k200-ref                  200000 flows
#   k200e-ours k200e-ref  k200e-mixed    200000 flows, the backup's table flushed first
#                                        (ctbox with CommitOnDemand, as in every *-ours run)
#   k200e-nocod                          the same, ctbox without CommitOnDemand
#   k500e-ours k500e-ref                 500000 flows, flushed (nf_conntrack_max is raised
#                                        for the run and restored)
#   k200w-ours k200w-ref k500w-ours k500w-ref
#                                        warm backup (DisableExternalCache): the peer's
#                                        states injected as they come, nothing to commit
#   faults-ours faults-ref               20000 flows; kill -9 master, kill -9 backup,
#                                        backup restarted empty, 20% loss + 20% duplicates
#                                        on the sync link, a stranger's datagrams
cd "$(dirname "$0")/../.." || exit 1
BUILDDIR=${BUILDDIR:-build}
FAILOVERS=${FAILOVERS:-50}
REF_FAILOVERS=${REF_FAILOVERS:-$FAILOVERS}
STREAMS=${STREAMS:-50}
OUT=${OUT:-/tmp/ctbox-failover-long.txt}
export CONNTRACKD=${CONNTRACKD:-$PWD/$BUILDDIR/conntrackd}
export CTFILL=${CTFILL:-$PWD/$BUILDDIR/test/tools/ctfill}
export FO_OUT=$OUT

ALL="small-ours small-ref mixed k200-ours k200-ref k200e-ours k200e-nocod k200e-ref k200e-mixed
k500e-ours k500e-ref k200w-ours k200w-ref k500w-ours k500w-ref faults-ours faults-ref"

run()
{
	local name=$1 impl1 impl2 busy=0 empty=0 warm=0 ondemand=1 faults='' n=$FAILOVERS
	case $name in
	*-ours) impl1=ours impl2=ours ;;
	*-nocod) impl1=ours impl2=ours ondemand=0 ;;
	*-ref) impl1=ref impl2=ref n=$REF_FAILOVERS ;;
	mixed | *-mixed) impl1=ours impl2=ref ;;
	*) echo "unknown scenario $name" >&2; return 1 ;;
	esac
	case $name in
	k200-*) busy=200000 ;;
	k200e-*) busy=200000 empty=1 ;;
	k500e-*) busy=500000 empty=1 ;;
	k200w-*) busy=200000 warm=1 ;;
	k500w-*) busy=500000 warm=1 ;;
	faults-*) busy=20000 faults=kill,killb,restart,lossdup,stranger ;;
	esac
	echo "=== $name: $impl1/$impl2 busy=$busy empty=$empty warm=$warm ondemand=$ondemand faults=${faults:--} fail-overs=$n"
	CT_QUIET=1 bash test/failover/failover.sh impl1=$impl1 impl2=$impl2 failovers="$n" \
		streams="$STREAMS" busy=$busy empty=$empty warm=$warm ondemand=$ondemand faults="$faults" \
		expect=pass \
		label="$name" 2>&1 | grep -E '^(PASS|FAIL|label=)|SKIP'
}

for s in ${*:-$ALL}; do # word lists on purpose
	run "$s"
done

# The table: one row per scenario (the last run of each in $OUT).
python3 - "$OUT" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
    if "label" in kv:
        rows[kv["label"]] = kv
cols = [("scenario", "label"), ("fail-overs", "failovers"), ("streams", "streams"),
        ("broken", "broken"), ("stalled", "stalled"), ("recovery med", "rec_med"),
        ("recovery worst", "rec_max"), ("VRRP med", "vrrp_med"), ("commit med", "commit_med"),
        ("commit worst", "commit_max")]
print("| " + " | ".join(c[0] for c in cols) + " |")
print("|" + "|".join("---" for _ in cols) + "|")
for k, r in rows.items():
    print("| " + " | ".join(r.get(c[1], "-") for c in cols) + " |")
PY
