# SPDX-License-Identifier: GPL-2.0-or-later
# Twin-namespace differential helpers for the commands that change the table (-I -A -U -D -R ...).
#
# Source after netns.sh, testing.sh and ctdiff.sh. Two namespaces hold the same table: the
# reference acts in $NS_REF, the binary under test in $NS_US; both tables are then listed by
# the REFERENCE, so a printer bug in the binary under test cannot hide a codec bug.
#
#   twin_new                  make $NS_REF and $NS_US (lo up, acct+timestamp on)
#   twin_each CMD...          run CMD NS for NS in both namespaces (setup functions)
#   twin_label_rule           an nft rule in both that labels every new entry `foo` (udp
#                             dport 9 output): gives entries the label extension that
#                             --label-add/--label-del need
#   twin_reset                flush both tables, then run the test's `twin_fill NS` in each
#   twin_cmd NAME ARG...      twin_reset, run `conntrack ARG...` with the reference in $NS_REF
#                             and the binary under test in $NS_US; compare stdout (entry lines
#                             normalised and sorted), stderr, exit code and the table afterwards
#   twin_cmd_keep NAME ARG... the same without twin_reset (a sequence of commands on one table)
#   ours_is NAME WANT ARG...  for a documented ctbox fix / 1.4.9 behaviour: run the binary under
#                             test in $NS_US (after twin_reset) and compare its record
#                             (ct_record format, no table) with the string WANT (printf %b);
#                             with TEST_HOST=1 the reference cannot meet it: reported as SKIP
#   ct_record NS BIN ARG...   one record (stdout normalised+sorted, stderr, exit)
#   ct_table NS               the table as the reference sees it (normalised, sorted) + count
#   ct_norm                   filter: replace what is random or ticks with no bound (ids,
#                             delta-time, portids, timestamps) by fixed words; mark remaining
#                             timeouts `~N` (compared within a tolerance, never masked)
#   twin_compare NAME         $CT_WORK/t.ref against $CT_WORK/t.us: equal, `~N` timeouts
#                             within the twin tolerance (twin_tol)
#   check_tol NAME WANT GOT   like check, `~N` timeouts within 2 s (one namespace, two reads)
#   ours_only                 true when the binary under test is not the reference
#
# Env: CTBOX_FIX_SKIP=1 also skips ours_is checks when testing ctbox (never needed normally).

# shellcheck shell=bash disable=SC2034
twin_new()
{
	ns_new NS_REF ref
	ns_new NS_US us
	# shellcheck disable=SC2034 # read by ctdiff.sh (ref)
	CT_NS=$NS_REF
}

twin_each()
{
	"$@" "$NS_REF"
	"$@" "$NS_US"
}

label_rule()
{
	ip netns exec "$1" nft -f - <<-'EOF'
	table inet ctbox_h6 {
		chain out {
			type filter hook output priority 0; policy accept;
			udp dport 9 ct label set foo
		}
	}
	EOF
}

twin_label_rule()
{
	twin_each label_rule
}

ours_only()
{
	[ "$CONNTRACK" != "$ORACLE" ]
}

# twin_stamp WHAT NS: remember when NS was filled / listed (twin_tol reads them back).
twin_stamp()
{
	echo "$EPOCHREALTIME" >"$CT_WORK/stamp.$1.$2"
}

# The timeouts of twin tables differ by how much older one table is than the other when each
# is listed: (listed - filled) of one side minus that of the other, plus a second for the
# rounding of each side and one of slack. Entries made by the command under test age alike.
twin_tol()
{
	local f t us=()
	for f in fill.$NS_REF list.$NS_REF fill.$NS_US list.$NS_US; do
		[ -f "$CT_WORK/stamp.$f" ] || { echo 2; return; }
		read -r t <"$CT_WORK/stamp.$f"
		us+=("${t/./}")		# EPOCHREALTIME in microseconds (LC_ALL=C: a dot)
	done
	t=$(((us[3] - us[2]) - (us[1] - us[0])))
	echo $(((${t#-} + 999999) / 1000000 + 2))
}

twin_reset()
{
	local ns
	for ns in "$NS_REF" "$NS_US"; do
		twin_stamp fill "$ns"
		ip netns exec "$ns" "$ORACLE" -F >/dev/null 2>&1
		if declare -F twin_fill >/dev/null; then
			twin_fill "$ns" >/dev/null 2>&1
		fi
	done
}

# Everything that differs between two runs of the same command on twin tables: conntrack
# ids (random per entry), delta-time, the [USERSPACE] port id (random per socket),
# event/expectation timestamps and kernel timestamps. The remaining timeout ticks too, but a
# -t that is lost or mangled must show: it becomes `~N`, which twin_compare (between.awk)
# compares within a tolerance.
ct_norm()
{
	sed -E \
		-e 's/^(\[[0-9]+\.[0-9]+ *\]\t)/[TS]\t/' \
		-e 's/^( *\[[A-Z]+\] )?(ipv[46] +[0-9]+ )?([a-z0-9-]+ +[0-9]+) ([0-9]+) /\1\2\3 ~\4 /' \
		-e 's/(use=[0-9]+) id=[0-9]+/\1 id=ID/' \
		-e 's/ delta-time=[0-9]+/ delta-time=D/g' \
		-e 's/portid=[0-9]+/portid=P/g' \
		-e 's/ \[start=[^]]*\]/ [start=S]/; s/ \[stop=[^]]*\]/ [stop=S]/' \
		-e 's/ -t ([0-9]+)/ -t ~\1/' \
		-e 's#<timeout>([0-9]+)</timeout>#<timeout>~\1</timeout>#g' \
		-e 's#<id>[0-9]+</id>#<id>ID</id>#g' \
		-e 's#<deltatime>[0-9]+</deltatime>#<deltatime>D</deltatime>#g' \
		-e 's#<when>.*</when>#<when>W</when>#g' \
		-e 's#<(start|stop)>[0-9]+</(start|stop)>#<\1>S</\2>#g'
}

# Normalise an expectation line: timeout is the first field after an optional event prefix.
exp_norm()
{
	sed -E \
		-e 's/^(\[[0-9]+\.[0-9]+ *\]\t)/[TS]\t/' \
		-e 's/^(\[TS\]\t)?( *\[[A-Z]+\] )?[0-9]+ proto=/\1\2T proto=/' \
		-e 's#<timeout>[0-9]+</timeout>#<timeout>T</timeout>#g' \
		-e 's#<when>.*</when>#<when>W</when>#g'
}

# ct_record NS BIN ARG...: stdout (normalised, sorted: dump order follows a per-namespace
# hash), stderr, exit code. Reads stdin from $CT_STDIN when set (for -R -).
ct_record()
{
	local ns=$1 bin=$2 rc
	shift 2
	set +e
	# A hang must fail the case (exit 124), not the whole run.
	ip netns exec "$ns" timeout -k 2 "${CT_CMD_TIMEOUT:-10}" "$bin" "$@" >"$CT_WORK/r.out" \
		2>"$CT_WORK/r.err" <"${CT_STDIN:-/dev/null}"
	rc=$?
	set -e
	[ "$bin" = "$CONNTRACK" ] && ct_save_extras <"$CT_WORK/r.out" >"$CT_WORK/r.tmp" &&
		mv "$CT_WORK/r.tmp" "$CT_WORK/r.out"
	{
		ct_norm <"$CT_WORK/r.out" | ct_sort
		echo "--- stderr"
		# ctbox's extra "-R FILE: error on line N" (doc/differences.md; test/cli/batch.sh
		# checks N) is not part of the comparison with the reference.
		sed '/^conntrack: .*: error on line [0-9]*$/d' "$CT_WORK/r.err"
		echo "--- exit $rc"
	} | ct_normalise
}

ct_table()
{
	twin_stamp list "$1"
	echo "--- table"
	ip netns exec "$1" "$ORACLE" -L -o extended,labels 2>/dev/null | ct_norm | ct_sort
	echo "--- count"
	ip netns exec "$1" "$ORACLE" -C 2>&1
}

# tol_compare NAME TOL WANTFILE GOTFILE
tol_compare()
{
	if cmp -s "$3" "$4" || awk -v tol="$2" -f "$CT_LIB/between.awk" "$3" "$4" "$3"; then
		testing_pass "$1"
	else
		testing_fail "$1 (timeouts within ${2}s)" "$3" "$4"
	fi
}

twin_compare()
{
	tol_compare "$1" "$(twin_tol)" "$CT_WORK/t.ref" "$CT_WORK/t.us"
}

twin_cmd_keep()
{
	local name=${1:-${*:2}}
	shift
	{ ct_record "$NS_REF" "$ORACLE" "$@"; ct_table "$NS_REF"; } >"$CT_WORK/t.ref"
	{ ct_record "$NS_US" "$CONNTRACK" "$@"; ct_table "$NS_US"; } >"$CT_WORK/t.us"
	if grep -q '^--- exit 139$' "$CT_WORK/t.ref"; then
		echo "NOTE: $name: the reference crashed (SIGSEGV); compared as is"
	fi
	twin_compare "$name"
}

twin_cmd()
{
	twin_reset
	twin_cmd_keep "$@"
}

# ours_is NAME WANT ARG...: WANT is the full record (stdout, "--- stderr", stderr,
# "--- exit N"), after ct_norm and the version normalisation ("conntrack vVERSION").
ours_is()
{
	local name=$1 want=$2
	shift 2
	if ! ours_only || [ -n "$CTBOX_FIX_SKIP" ]; then
		echo "SKIP: $name (ctbox fix / 1.4.9 behaviour; the 1.4.7 reference differs)"
		return 0
	fi
	twin_reset
	printf '%b' "$want" >"$CT_WORK/t.ref"
	ct_record "$NS_US" "$CONNTRACK" "$@" >"$CT_WORK/t.us"
	twin_compare "$name"
}

# check NAME WANT GOT: a plain comparison of two strings (for values computed by the test).
check()
{
	printf '%s\n' "$2" >"$CT_WORK/c.want"
	printf '%s\n' "$3" >"$CT_WORK/c.got"
	if cmp -s "$CT_WORK/c.want" "$CT_WORK/c.got"; then
		testing_pass "$1"
	else
		testing_fail "$1" "$CT_WORK/c.want" "$CT_WORK/c.got"
	fi
}

check_tol()
{
	printf '%s\n' "$2" >"$CT_WORK/c.want"
	printf '%s\n' "$3" >"$CT_WORK/c.got"
	tol_compare "$1" 2 "$CT_WORK/c.want" "$CT_WORK/c.got"
}

# Wait (bounded, 5 s) until NS has WANT netfilter netlink sockets subscribed to multicast
# groups: an event listener is ready once its socket shows up in /proc/net/netlink with
# groups != 0 (port ids are not pids, so subscribed sockets are counted).
nl_listeners()
{
	ip netns exec "$1" awk '$2 == 12 && $4 != "00000000" { n++ } END { print n + 0 }' \
		/proc/net/netlink
}

wait_listeners()
{
	local ns=$1 want=$2
	for _ in $(seq 100); do
		[ "$(nl_listeners "$ns")" -ge "$want" ] && return 0
		sleep 0.05
	done
	# Not fatal: a listener that died at start shows up in the comparison that follows.
	echo "NOTE: timeout waiting for $want netlink listeners in $ns" >&2
	return 0
}

# stop_pid PID: SIGINT, then wait (bounded: 30 s, as a sanitizer build's leak check at exit
# can take seconds); SIGKILL if it hangs. Only our own pids.
stop_pid()
{
	local p=$1
	kill -INT "$p" 2>/dev/null || true
	for _ in $(seq 600); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$p" 2>/dev/null || true
	set +e
	wait "$p"
	CT_LAST_RC=$?
	set -e
}

# The 1.4.9 rule for what -U prints: each updated entry once, as the reference lists it
# afterwards with the same selection (LISTARGS), use=2 because the GET holds a reference.
# Writes the expected stdout to $CT_WORK/upd.want.
upd_want()
{
	ip netns exec "$1" "$ORACLE" -L $2 2>/dev/null | sed 's/ use=1$/ use=2/; s/ use=1 / use=2 /' |
		ct_norm | ct_sort >"$CT_WORK/upd.want"
}

# ours_update NAME LISTARGS ARG...: the binary under test alone (1.4.9 behaviour the 1.4.7
# reference cannot show): stdout = upd_want, summary counts those lines, exit 0.
ours_update()
{
	local name=$1 list=$2 n
	shift 2
	if ! ours_only; then
		echo "SKIP: $name (1.4.9 behaviour; the 1.4.7 reference differs)"
		return 0
	fi
	twin_reset
	ct_record "$NS_US" "$CONNTRACK" "$@" >"$CT_WORK/t.us"
	upd_want "$NS_US" "$list"
	n=$(wc -l <"$CT_WORK/upd.want")
	{
		cat "$CT_WORK/upd.want"
		echo "--- stderr"
		echo "conntrack vVERSION: $n flow entries have been updated."
		echo "--- exit 0"
	} >"$CT_WORK/t.ref"
	twin_compare "$name"
}

# twin_update NAME LISTARGS ARG...: -U selecting several entries. Summary line, exit code and
# the table afterwards must match the reference; stdout must follow the 1.4.9 rule (upd_want).
twin_update()
{
	local name=$1 list=$2
	shift 2
	twin_reset
	{ ct_record "$NS_REF" "$ORACLE" "$@" | sed -n '/^--- stderr$/,$p'; ct_table "$NS_REF"; } \
		>"$CT_WORK/t.ref"
	ct_record "$NS_US" "$CONNTRACK" "$@" >"$CT_WORK/us.rec"
	{ sed -n '/^--- stderr$/,$p' "$CT_WORK/us.rec"; ct_table "$NS_US"; } >"$CT_WORK/t.us"
	twin_compare "$name: summary, exit, table"
	if ! ours_only; then
		echo "SKIP: $name: stdout (1.4.7 ACK desync drops lines)"
		return 0
	fi
	upd_want "$NS_US" "$list"
	sed '/^--- stderr$/,$d' "$CT_WORK/us.rec" >"$CT_WORK/t.us"
	cp "$CT_WORK/upd.want" "$CT_WORK/t.ref"
	twin_compare "$name: each updated entry printed once"
}
