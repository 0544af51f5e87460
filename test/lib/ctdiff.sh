# SPDX-License-Identifier: GPL-2.0-or-later
# Differential testing of a conntrack binary against the reference, inside a test namespace.
#
# Source after netns.sh and testing.sh. The binary under test is $CONNTRACK (meson passes the
# build tree's `conntrack` link); the reference is $ORACLE (/usr/sbin/conntrack, 1.4.7).
# TEST_HOST=1 runs the reference on both sides, which checks the tests themselves.
#
#   difftest NAME ARG...      run `conntrack ARG...` in $CT_NS with both binaries; stdout,
#                             stderr and exit code must match byte for byte after the version
#                             banner is normalised. Time-dependent fields (timeout, delta-time)
#                             are handled by running oracle, ours, oracle: ours must equal
#                             either oracle run, or lie between them field by field (each
#                             entry ticks at its own phase; see between.awk); a few rounds
#                             are tried. NAME "" = the args.
#   difftest_shape NAME ARG...
#                             same fields, order and line count, numbers masked (for -S)
#   diffmutate NAME ARG...    for commands that change the table: reset the table (the test's
#                             ct_reset function), run the command with one binary, record its
#                             output plus the table afterwards (`-L -o save` sorted, and `-C`,
#                             both read by the oracle); same for the other binary; compare the
#                             records, remaining timeouts within $CT_TOL seconds (default 2).
#   difftest_none PARTNER NAME ARG...
#   diffmutate_none PARTNER NAME ARG...
#                             a case the reference answers without listing any entry (a filter
#                             nothing matches, an error, an empty list or table). Alone it could
#                             only catch over-listing, so it names PARTNER: the name of a case
#                             in the same file that lists something (checked when the file ends,
#                             testing_done). A plain difftest/diffmutate whose reference lists
#                             nothing fails, and so does a _none case that lists something.
#   ct_listed NAME TEXT       a check outside difftest saw TEXT listed under NAME: NAME may be
#                             a partner (fails when TEXT is empty)
#   ct_sort                   filter: sort lines, ~N timeouts left out of the key
#   ours_expect NAME EXPECTED_CMD ARG...
#                             for places where 1.4.9 (our target) intentionally differs from
#                             the 1.4.7 reference: EXPECTED_CMD is a shell snippet (it may use
#                             `ref ARGS` to run the oracle) whose output is the expected record,
#                             taken before and after ours (ours equals one or lies between)
#   ref ARG...                run the oracle in $CT_NS (stdout/stderr as is)
#   CT_OURS_WRAP=CMD          run the binary under test through CMD (e.g. `taskset -c 0`, so
#                             it takes its one-CPU paths: no reader or delete threads)
#   ct_labelmap               write the test label map to /etc/xtables/connlabel.conf (needs
#                             ns_private_etc) and /etc/connlabel.conf (what nft reads)
#   ct_reference_table        fill $CT_NS with the reference table (every protocol, NAT, zones,
#                             marks, labels, real lo traffic); uses only the oracle and nft

ORACLE=${ORACLE:-/usr/sbin/conntrack}
if [ -n "$TEST_HOST" ]; then
	CONNTRACK=$ORACLE
fi
if [ -z "$CONNTRACK" ]; then
	echo "CONNTRACK is not set: point it at the binary under test (or set TEST_HOST=1)" >&2
	exit 1
fi
[ -x "$ORACLE" ] || skip "reference conntrack not found at $ORACLE"
[ -x "$CONNTRACK" ] || { echo "binary under test not executable: $CONNTRACK" >&2; exit 1; }
command -v python3 >/dev/null || skip "python3 not installed"

CT_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ns_tmpdir CT_WORK

# ctbox's -o save writes on its -A lines what upstream leaves out though -A can set it (the
# mark, the labels, placeholders for an untracked DCCP entry: doc/differences.md, pinned by
# test/diff/roundtrip.sh). Comparisons with the reference take them out of ours.
ct_save_extras()
{
	if [ "$CONNTRACK" = "$ORACLE" ]; then
		cat
		return
	fi
	sed -E -e 's/ -m [0-9]+ -s / -s /' \
		-e 's/ --label-add ("[^"]*"|[^ ]+)( \[USERSPACE\]|$)/\2/' \
		-e 's/ --sport 0 --dport 0 --reply-port-src 0 --reply-port-dst 0 --state NONE --role client//'
}

# Both sides print their own version in the message prefix ("conntrack v1.4.7
# (conntrack-tools): ..."); everything after it must match.
ct_normalise()
{
	sed -E 's/conntrack v[0-9][0-9.]*[a-z0-9.-]* \((conntrack-tools|ctbox)\)/conntrack vVERSION/g'
}

# ct_capture OUTFILE BIN ARG...: one record = stdout, stderr, exit code.
ct_capture()
{
	local f=$1 bin=$2 rc wrap=
	shift 2
	[ "$bin" = "$CONNTRACK" ] && wrap=$CT_OURS_WRAP
	set +e
	# A hang is a failure of this case, not a reason to lose the whole file to meson's timeout.
	# shellcheck disable=SC2086
	timeout -k 5 "${CT_CMD_TIMEOUT:-10}" ip netns exec "$CT_NS" $wrap "$bin" "$@" \
		>"$f.out" 2>"$f.err" </dev/null
	rc=$?
	[ "$rc" -eq 124 ] && echo "(timed out after ${CT_CMD_TIMEOUT:-10}s)" >>"$f.err"
	set -e
	[ "$bin" = "$CONNTRACK" ] && ct_save_extras <"$f.out" >"$f.tmp" && mv "$f.tmp" "$f.out"
	{
		# CT_SORT_STDOUT=1: compare the set of lines, for output whose order is documented
		# to differ (doc/differences.md).
		if [ -n "$CT_SORT_STDOUT" ]; then LC_ALL=C sort "$f.out"; else cat "$f.out"; fi
		echo "--- stderr"
		cat "$f.err"
		echo "--- exit $rc"
	} | ct_normalise >"$f"
}

ref()
{
	ip netns exec "$CT_NS" "$ORACLE" "$@"
}

# ct_sandwich TRIES RECORD NAME ARGS...: RECORD FILE BIN ARGS... for the oracle, for us and,
# on a mismatch, for the oracle again; pass when we equal either oracle run or lie between
# them (a clock tick, a counter moving). Both oracle runs agree and we differ: no retry.
ct_sandwich()
{
	local tries=$1 rec=$2 name=${3:-${*:4}} try
	shift 3
	for ((try = 1; try <= tries; try++)); do
		"$rec" "$CT_WORK/o1" "$ORACLE" "$@"
		[ "$try" = 1 ] && ct_check_lists "$name" "$CT_WORK/o1"
		"$rec" "$CT_WORK/us" "$CONNTRACK" "$@"
		if cmp -s "$CT_WORK/o1" "$CT_WORK/us"; then
			testing_pass "$name"
			return 0
		fi
		"$rec" "$CT_WORK/o2" "$ORACLE" "$@"
		if cmp -s "$CT_WORK/o2" "$CT_WORK/us" ||
			awk -v tol="${CT_TOL:-2}" -f "$CT_LIB/between.awk" "$CT_WORK/o1" "$CT_WORK/us" \
				"$CT_WORK/o2"; then
			testing_pass "$name"
			return 0
		fi
		if cmp -s "$CT_WORK/o1" "$CT_WORK/o2"; then
			break
		fi
		[ "$rec" = ct_capture ] && sleep 0.3
	done
	testing_fail "$name" "$CT_WORK/o1" "$CT_WORK/us"
}

difftest()
{
	ct_sandwich 4 ct_capture "$@"
}

# ct_lists RECORD: true when the record shows an entry: a line of stdout, or of the table
# (--- table ... --- count) that diffmutate records after the command.
ct_lists()
{
	awk 'BEGIN { out = 1 } /^--- stderr$/ { out = 0; next } /^--- table$/ { tab = 1; next }
		/^--- count$/ { tab = 0; next } (out || tab) && NF { n++ } END { exit !n }' "$1"
}

# ct_check_lists NAME RECORD: the reference's first record must list something unless the case
# was declared with a partner (difftest_none, diffmutate_none: CT_NONE=1), and then it must not.
CT_LISTED=()
CT_PAIRS=()
ct_check_lists()
{
	if ct_lists "$2"; then
		CT_LISTED+=("$1")
		[ -z "$CT_NONE" ] ||
			testing_fail "$1: declared to list nothing, yet the reference lists something"
	elif [ -z "$CT_NONE" ]; then
		testing_fail "$1: the reference lists nothing, so the case only catches over-listing (declare it with difftest_none/diffmutate_none and a partner that lists something)"
	fi
}

difftest_none()
{
	local partner=$1
	shift
	CT_PAIRS+=("${1:-${*:2}}|$partner")
	CT_NONE=1 difftest "$@"
}

diffmutate_none()
{
	local partner=$1
	shift
	CT_PAIRS+=("${1:-${*:2}}|$partner")
	CT_NONE=1 diffmutate "$@"
}

ct_listed()
{
	if [ -n "$2" ]; then
		CT_LISTED+=("$1")
	else
		testing_fail "$1: lists nothing"
	fi
}

# Called by testing_done: every _none case's partner ran and listed something.
ct_pairs_check()
{
	local p l found pairs=("${CT_PAIRS[@]}")
	CT_PAIRS=()
	for p in "${pairs[@]}"; do
		found=
		for l in "${CT_LISTED[@]}"; do
			[ "$l" = "${p#*|}" ] && found=1 && break
		done
		[ -n "$found" ] ||
			testing_fail "${p%%|*}: its partner '${p#*|}' never ran or listed nothing"
	done
}

ct_sort()
{
	awk '{ k = $0; gsub(/~[0-9]+/, "~", k); print k "\001" $0 }' | LC_ALL=C sort |
		cut -d "$(printf '\001')" -f 2-
}

# difftest_shape NAME ARG...: one run each; numbers after `=` are masked, so the field
# names, their order, the line count and the fact that every value is a decimal must match.
# For outputs whose values may legitimately move between two runs (-S).
difftest_shape()
{
	local name=${1:-${*:2}} side
	shift
	ct_capture "$CT_WORK/o1" "$ORACLE" "$@"
	ct_capture "$CT_WORK/us" "$CONNTRACK" "$@"
	for side in o1 us; do
		sed -E 's/=[0-9]+/=N/g' "$CT_WORK/$side" >"$CT_WORK/$side.shape"
	done
	if cmp -s "$CT_WORK/o1.shape" "$CT_WORK/us.shape"; then
		testing_pass "$name"
	else
		testing_fail "$name" "$CT_WORK/o1.shape" "$CT_WORK/us.shape"
	fi
}

# The table as the oracle sees it: lines sorted (dump order follows the hash, which is
# per-entry random across refills); `-t N` becomes `-t ~N`, a timeout compared within $CT_TOL.
ct_snapshot()
{
	echo "--- table"
	ref -L -o save 2>/dev/null | sed -E 's/ -t ([0-9]+)/ -t ~\1/' | ct_sort
	echo "--- count"
	ref -C 2>&1
}

# ct_mutate_record OUTFILE BIN ARG...: fresh table, run once, record output and the result.
ct_mutate_record()
{
	local f=$1 ms
	shift
	# Start every refill at the same sub-second phase so ages and timeouts line up.
	ms=$(date +%N)
	ms=$((10#${ms:0:3}))
	sleep "$(printf '%d.%03d' 0 $((1000 - ms)))"
	ct_reset >/dev/null 2>&1
	ct_capture "$f.cmd" "$@"
	{
		# Conntrack ids are new on every refill; the rest of the line must still match.
		# Each run refills the table, so what the command prints about age and time left
		# depends on how long the refill took: compared within $CT_TOL (~N), not masked.
		sed -E -e 's/(use=[0-9]+) id=[0-9]+/\1 id=ID/; s#<id>[0-9]+</id>#<id>ID</id>#' \
			-e 's/^(ipv[46] +[0-9]+ )?([a-z0-9-]+ +[0-9]+) ([0-9]+) /\1\2 ~\3 /' \
			-e 's/ -t ([0-9]+)/ -t ~\1/' \
			-e 's/ delta-time=([0-9]+)/ delta-time=~\1/' \
			-e 's#<(timeout|deltatime)>([0-9]+)<#<\1>~\2<#g' "$f.cmd"
		ct_snapshot
	} >"$f"
}

# Printed entries carry their age (delta-time) and remaining timeout, both counted from the
# refill: same sandwich as difftest, oracle / ours / oracle, ours must equal either.
diffmutate()
{
	ct_sandwich 3 ct_mutate_record "$@"
}

ours_expect()
{
	local name=$1 want=$2 try
	shift 2
	if [ -n "$TEST_HOST" ]; then
		testing_skip "$name (1.4.9 expectation; the reference is 1.4.7)"
		return 0
	fi
	# The expectation before and after ours, as difftest does: what ticks lies between.
	for try in 1 2 3; do
		ct_want_record "$CT_WORK/ex" "$want"
		ct_capture "$CT_WORK/us" "$CONNTRACK" "$@"
		if cmp -s "$CT_WORK/ex" "$CT_WORK/us"; then
			testing_pass "$name"
			return 0
		fi
		ct_want_record "$CT_WORK/ex2" "$want"
		if cmp -s "$CT_WORK/ex2" "$CT_WORK/us" ||
			awk -f "$CT_LIB/between.awk" "$CT_WORK/ex" "$CT_WORK/us" "$CT_WORK/ex2"; then
			testing_pass "$name"
			return 0
		fi
		sleep 0.3
	done
	testing_fail "$name" "$CT_WORK/ex" "$CT_WORK/us"
}

# ct_want_record FILE SNIPPET: the record (stdout, stderr, exit) of a shell snippet.
ct_want_record()
{
	set +e
	(eval "$2") >"$1.out" 2>"$1.err" </dev/null
	echo "--- exit $?" >"$1.rc"
	set -e
	{
		cat "$1.out"
		echo "--- stderr"
		cat "$1.err"
		cat "$1.rc"
	} | ct_normalise >"$1"
}

ct_labelmap()
{
	mkdir -p /etc/xtables
	# Bit 3 is named only while the reference table is built: entries carrying just bit 3 then
	# exercise the "labels" quirk (a set bit without a name).
	printf '%s\n' '# ctbox test label map' '0 foo' '1 bar' '2 ssh-ok' '5 baz-qux' \
		'127 last' >/etc/xtables/connlabel.conf
	cp /etc/xtables/connlabel.conf /etc/connlabel.conf
}

ct_reference_table()
{
	local s
	# Real-traffic entries must not expire while the test runs.
	for s in udp_timeout udp_timeout_stream icmp_timeout icmpv6_timeout \
		tcp_timeout_time_wait generic_timeout; do
		ns_sysctl "$CT_NS" "net.netfilter.nf_conntrack_$s=3000"
	done

	# A label rule in the namespace gives new entries the label extension (needed by
	# --label-add) and labels real traffic. Only this namespace's ruleset is touched.
	echo "3 unnamed3" >>/etc/xtables/connlabel.conf
	cp /etc/xtables/connlabel.conf /etc/connlabel.conf
	# Rebuilt from scratch on every refill (diffmutate), so rules never pile up.
	if ip netns exec "$CT_NS" nft list table inet ctbox_test >/dev/null 2>&1; then
		nsx "$CT_NS" nft delete table inet ctbox_test
	fi
	nsx "$CT_NS" nft -f - <<-'EOF'
	table inet ctbox_test {
		chain out {
			type filter hook output priority 0; policy accept;
			udp dport 7777 ct label set foo
			tcp dport 5555 ct label set bar
			tcp dport 5555 ct label set 5
			meta l4proto icmp ct mark set 0x2a
		}
	}
	EOF

	ct_insert -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 40000 --dport 443 \
		--state ESTABLISHED -t 3599 -u SEEN_REPLY,ASSURED -m 16
	local st port=41000
	for st in NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT \
		CLOSE LISTEN; do
		ct_insert -p tcp -s 192.0.2.2 -d 198.51.100.2 --sport $port --dport 80 \
			--state $st -t $((3000 + port % 100))
		port=$((port + 1))
	done
	ct_insert -p tcp -s 203.0.113.50 -d 198.51.100.7 --sport 55555 --dport 8080 \
		--state ESTABLISHED -t 3500 -u SEEN_REPLY --dst-nat 10.0.0.80:80
	ct_insert -p tcp -s 10.0.0.5 -d 203.0.113.9 --sport 33000 --dport 80 \
		--state ESTABLISHED -t 3501 -u SEEN_REPLY --src-nat 198.51.100.7:61000
	ct_insert -p udp -s 10.0.0.6 -d 203.0.113.9 --sport 33001 --dport 53 -t 3502 \
		--src-nat 198.51.100.8
	ct_insert -p udp -s 203.0.113.51 -d 198.51.100.7 --sport 33002 --dport 5353 -t 3503 \
		--dst-nat 10.0.0.81
	ct_insert -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 1 --dport 2 -t 3300 -w 42
	ct_insert -p udp -s 192.0.2.9 -d 192.0.2.10 --sport 3 --dport 4 -t 3301 \
		--label-add foo,bar -m 0x10000003
	ct_insert -p udp -s 192.0.2.9 -d 192.0.2.11 --sport 5 --dport 6 -t 3302 \
		--label-add unnamed3
	ct_insert -p udp -s 192.0.2.9 -d 192.0.2.12 --sport 7 --dport 8 -t 3303 \
		--label-add baz-qux,last -u SEEN_REPLY
	ct_insert -p udplite -s 7.7.7.7 -d 8.8.8.8 --sport 1 --dport 2 -t 3304
	ct_insert -p icmp -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 \
		--icmp-id 4660 -t 3305
	ct_insert -p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 \
		--icmpv6-id 77 -t 3306
	ct_insert -p sctp -s 192.0.2.30 -d 192.0.2.31 --sport 100 --dport 200 \
		--state ESTABLISHED --orig-vtag 305419896 --reply-vtag 2271560481 -t 3307
	ct_insert -p sctp -s 2001:db8::30 -d 2001:db8::31 --sport 101 --dport 201 \
		--state COOKIE_WAIT --orig-vtag 1 --reply-vtag 2 -t 3308
	ct_insert -p gre -s 192.0.2.20 -d 192.0.2.21 --srckey 0x1234 --dstkey 0xabcd -t 3309
	# No DCCP tracking in this kernel: the entry becomes generic protocol 33.
	ct_insert -p dccp -s 3.3.3.3 -d 4.4.4.4 --sport 5 --dport 6 --state OPEN \
		--role client -t 3310
	ct_insert -p 99 -s 5.5.5.5 -d 6.6.6.6 -t 3311
	ct_insert -p igmp -s 0.0.0.0 -d 224.0.0.22 -t 3312
	ct_insert -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 2000 --dport 80 --state ESTABLISHED \
		-t 3313 --orig-zone 6
	ct_insert -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 2001 --dport 80 --state ESTABLISHED \
		-t 3314 --reply-zone 7
	ct_insert -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 50000 --dport 22 \
		--state SYN_SENT -t 3315
	ct_insert -p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 50001 --dport 22 \
		--state ESTABLISHED -t 3316 -u SEEN_REPLY,ASSURED -m 16 -w 43
	ct_insert -p udp -s 2001:db8::5 -d 2001:db8:1::6 --sport 53 --dport 53 -t 3317 \
		--label-add foo
	ct_insert -p udp -s 2001:db8::7 -d 2001:db8::8 --sport 1000 --dport 2000 -t 3318 \
		--src-nat 2001:db8::99
	ct_insert -p udp -s 192.0.2.40 -d 192.0.2.41 --sport 9 --dport 9 -t 3319 -u ASSURED \
		-m 5
	# Source and destination NAT at once (-n -g), and the one label no other entry carries.
	ct_insert -p tcp -s 203.0.113.60 -d 198.51.100.60 --sport 1234 --dport 80 \
		--state ESTABLISHED -t 3320 --src-nat 198.51.100.61:4000 --dst-nat 10.0.0.90:8080
	ct_insert -p udp -s 192.0.2.9 -d 192.0.2.13 --sport 9 --dport 10 -t 3321 \
		--label-add ssh-ok

	nsx "$CT_NS" python3 "$CT_LIB/traffic.py"

	# From here on bit 3 has no name (see ct_labelmap).
	ct_labelmap
}

ct_insert()
{
	nsx "$CT_NS" "$ORACLE" -I "$@" 2>/dev/null
}
