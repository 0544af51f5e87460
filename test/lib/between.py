# SPDX-License-Identifier: GPL-2.0-or-later
# Is record B (ours) "between" records A and C (two reference runs, one before, one after)?
#
# usage: python3 between.py [--tol N] A B C      exit 0 if yes, 1 if not
#        python3 between.py --tol N A B A        twin records: B equals A, timeouts within N
#
# The three records must have the same lines and the same non-numeric text. A number that is
# equal in A and C must be equal in B; a number that differs between A and C (a timeout or
# delta-time that ticked, per entry, at its own sub-second phase) must lie between them in B.
# Ours ran between the two reference runs, so this is exactly what a correct tool shows.
#
# A number written "~N" is a remaining timeout (ct_norm, ct_snapshot mark them so): it may
# also lie up to --tol seconds outside that range (default 0). Twin tables are filled and
# listed a little apart in time, so their timeouts are compared within a tolerance instead of
# being masked: a -t that is ignored or mangled still shows.
import re
import sys

NUM = re.compile(r"(\d+)")


def tokens(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "surrogateescape")
    return NUM.split(data)


def main(a_path, b_path, c_path, tol):
    a, b, c = tokens(a_path), tokens(b_path), tokens(c_path)
    if not (len(a) == len(b) == len(c)):
        return 1
    # re.split with one group: even indexes are text, odd indexes are the numbers.
    for i, (ta, tb, tc) in enumerate(zip(a, b, c)):
        if i % 2 == 0:
            if not (ta == tb == tc):
                return 1
            continue
        slack = tol if a[i - 1].endswith("~") else 0
        if ta == tc and not slack:
            if tb != ta:
                return 1
            continue
        lo, hi = sorted((int(ta), int(tc)))
        if not lo - slack <= int(tb) <= hi + slack:
            return 1
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    tol = 0
    if len(args) == 5 and args[0] == "--tol":
        tol = int(args[1])
        args = args[2:]
    if len(args) != 3:
        sys.stderr.write("usage: between.py [--tol N] A B C\n")
        sys.exit(2)
    sys.exit(main(*args, tol))
