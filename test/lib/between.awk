# SPDX-License-Identifier: GPL-2.0-or-later
# Is record B (ours) "between" records A and C (two reference runs, one before, one after)?
#
# usage: awk [-v tol=N] -f between.awk A B C     exit 0 if yes, 1 if not
#        awk -v tol=N -f between.awk A B A       twin records: B equals A, timeouts within N
#
# The three records must have the same lines and the same non-numeric text. A number that is
# equal in A and C must be equal in B; a number that differs between A and C (a timeout or
# delta-time that ticked, per entry, at its own sub-second phase) must lie between them in B.
# Ours ran between the two reference runs, so this is exactly what a correct tool shows.
#
# A number written "~N" is a remaining timeout (ct_norm, ct_snapshot mark them so): it may
# also lie up to tol seconds outside that range (default 0). Twin tables are filled and
# listed a little apart in time, so their timeouts are compared within a tolerance instead of
# being masked: a -t that is ignored or mangled still shows.
# awk, not python: it runs on every comparison that is not byte-equal, hundreds per file.

# next_tok S: split S into TXT (text before the first number), NUM ("" if none) and REST.
function next_tok(s)
{
	if (match(s, /[0-9]+/)) {
		TXT = substr(s, 1, RSTART - 1)
		NUM = substr(s, RSTART, RLENGTH)
		REST = substr(s, RSTART + RLENGTH)
	} else {
		TXT = s
		NUM = ""
		REST = ""
	}
}

function line_ok(x, y, z,    tx, ty, tz, nx, ny, nz, slack, lo, hi)
{
	for (;;) {
		next_tok(x); tx = TXT; nx = NUM; x = REST
		next_tok(y); ty = TXT; ny = NUM; y = REST
		next_tok(z); tz = TXT; nz = NUM; z = REST
		if (tx != ty || tx != tz)
			return 0
		if (nx == "" || ny == "" || nz == "")
			return nx == "" && ny == "" && nz == ""
		slack = substr(tx, length(tx)) == "~" ? tol : 0
		# Equal numbers compare as strings: 64-bit counters do not fit a double.
		if (nx == nz && !slack) {
			if (ny != nx)
				return 0
			continue
		}
		lo = nx + 0
		hi = nz + 0
		if (lo > hi) {
			lo = nz + 0
			hi = nx + 0
		}
		if (ny + 0 < lo - slack || ny + 0 > hi + slack)
			return 0
	}
}

BEGIN {
	tol += 0
	if (ARGC != 4) {
		print "usage: awk [-v tol=N] -f between.awk A B C" > "/dev/stderr"
		exit 2
	}
	# One stream per file name in awk: "A B A" reads A once.
	same = ARGV[3] == ARGV[1]
	if (ARGV[2] == ARGV[1])
		exit 0
	while ((getline la < ARGV[1]) > 0) {
		if ((getline lb < ARGV[2]) <= 0)
			exit 1
		if (same)
			lc = la
		else if ((getline lc < ARGV[3]) <= 0)
			exit 1
		if (!line_ok(la, lb, lc))
			exit 1
	}
	if ((getline lb < ARGV[2]) > 0 || (!same && (getline lc < ARGV[3]) > 0))
		exit 1
	exit 0
}
