#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Mutation check of the test suite: do the tests notice a small real bug?
#
# usage: sudo test/mutate.sh [-l] [-k] [-B] [NAME...]
#   Copies the tree (tracked files and new ones, as they are now) to a scratch directory,
#   builds it once, runs the tests every mutant names on the unchanged copy (the baseline:
#   they must pass, or a "kill" would mean nothing), then for each mutant: puts its one bug
#   in, rebuilds, runs its tests, puts the code back. A mutant is killed when at least one
#   of its tests fails. Prints one line per mutant (killed by which tests, or SURVIVED) and
#   exits 0 only when every mutant was killed. The working tree is never touched; with -k
#   the scratch directory keeps each mutant's test output (NAME.log: grep '^FAIL').
#   -l  list the mutants     -k  keep the scratch directory     -B  skip the baseline
#   NAME...  only these mutants (default: all)
# Run by hand (root: the diff and netns suites need it), not in CI: 20-40 minutes on two
# busy cores. Each mutant is a bug some test once let through, or the kind of slip its tests
# exist for (test/README.md, "Mutation check"); add one with `mutant` below.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEEP='' BASELINE=1 LIST=''
while [ $# -gt 0 ]; do
	case $1 in
	-l) LIST=1 ;;
	-k) KEEP=1 ;;
	-B) BASELINE= ;;
	-h | --help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "mutate: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

M_NAME=() M_FILE=() M_OLD=() M_NEW=() M_TESTS=()
# mutant NAME FILE OLD NEW TEST...: replace the one occurrence of OLD in FILE by NEW; TEST...
# are meson test names that must notice.
mutant()
{
	M_NAME+=("$1")
	M_FILE+=("$2")
	M_OLD+=("$3")
	M_NEW+=("$4")
	shift 4
	M_TESTS+=("$*")
}

# --- the mutants --------------------------------------------------------------------------------
# The five of issue 12's audit that passed every test, or all but one.
mutant batch-arg-1024 applets/ct_batch.c \
	'if (n + 1 >= BATCH_ARGLEN)' 'if (n >= BATCH_ARGLEN)' \
	batch load
mutant json-no-status core/print_json.c \
	'kv_u(&j, "status", ct->status);' '' \
	json print-json
mutant event-buffer-never-grows core/nl.c \
	'return nl_set_rcvbuf(nl, want, actual);' 'return nl_set_rcvbuf(nl, cur, actual);' \
	events
mutant update-drops-timeout applets/ct_run_modify.c \
	'ct_set(u, CT_TIMEOUT);' '(void)0;' \
	modify load
mutant args-timeout-doubled applets/ct_args.c \
	'cmd->timeout = (uint32_t)atol(arg);' 'cmd->timeout = (uint32_t)atol(arg) * 2;' \
	modify commands load
# Printers (text, xml, save, json): each shows a field the kernel sent.
mutant text-no-assured core/print.c \
	'p = PUT_LIT(p, "[ASSURED] ");' 'p = PUT_LIT(p, "");' \
	list codec-print
mutant xml-no-assured core/print_xml.c \
	'out_str(o, "<assured/>");' 'out_str(o, "");' \
	list
mutant save-no-seen-reply core/print_save.c \
	'{ CT_IPS_SEEN_REPLY, "SEEN_REPLY" },' '' \
	list commands
mutant json-timestamp-in-us core/print_json.c \
	'kv_u(&j, "start", ct->ts_start);' 'kv_u(&j, "start", ct->ts_start / 1000);' \
	json
mutant json-no-helper core/print_json.c \
	'json_strn(o, ct->helper, sizeof(ct->helper));' 'json_strn(o, "", 1);' \
	json
mutant json-proto-name-unknown core/print_json.c \
	'kv_s(&j, "proto-name", name ? name : "unknown");' \
	'kv_s(&j, "proto-name", name ? "unknown" : "unknown");' \
	json
mutant json-absent-fields-as-zero core/print_json.c \
	$'if (ct_has(ct, d->attr))\n\t\t\tkv_u(&j, d->json' $'if (1)\n\t\t\tkv_u(&j, d->json' \
	json
# Filters, counts, options.
mutant filter-address-mask-ignored applets/ct_filter.c \
	'if ((a->b[i] & mask->b[i]) != (given->b[i] & mask->b[i]))' \
	'if (a->b[i] != (given->b[i] & mask->b[i]))' \
	filter
mutant filter-mark-mask-ignored applets/ct_filter.c \
	'(ct->mark & cmd->mark_mask) != cmd->mark)' 'ct->mark != cmd->mark)' \
	filter
mutant delete-count-off-by-one applets/ct_run_delete.c \
	'ct_summary(c->count, "flow entries have been deleted.");' \
	'ct_summary(c->count + 1, "flow entries have been deleted.");' \
	modify commands
mutant update-label-add-ignored applets/ct_run_modify.c \
	'u->labels[i] = cmd->label_add[i];' 'u->labels[i] = 0;' \
	modify load
mutant event-mask-ignored applets/ct_args.c \
	'cmd->options |= O(OPT_EVENT_MASK);' '' \
	events
# Codec: a request field cut short on the way to the kernel.
mutant request-mark-16-bit proto/ctnl.c \
	'nlb_u32be(&b, CTA_MARK, ct->mark);' 'nlb_u32be(&b, CTA_MARK, (uint16_t)ct->mark);' \
	modify commands

if [ -n "$LIST" ]; then
	for i in "${!M_NAME[@]}"; do
		printf '%-28s %-26s tests: %s\n' "${M_NAME[$i]}" "${M_FILE[$i]}" "${M_TESTS[$i]}"
	done
	exit 0
fi

# Which mutants: all, or the names given.
SEL=()
if [ $# -eq 0 ]; then
	SEL=("${!M_NAME[@]}")
else
	for want in "$@"; do
		found=
		for i in "${!M_NAME[@]}"; do
			[ "${M_NAME[$i]}" = "$want" ] && SEL+=("$i") && found=1
		done
		[ -n "$found" ] || { echo "mutate: no mutant named $want (-l lists them)" >&2; exit 2; }
	done
fi

[ "$(id -u)" = 0 ] || { echo "mutate: needs root (the diff and netns suites)" >&2; exit 1; }
W=$(mktemp -d /tmp/ctbox-mutate.XXXXXX)
cleanup()
{
	if [ -n "$KEEP" ]; then
		echo "mutate: scratch tree kept in $W"
	else
		rm -rf -- "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The tree as it is now, tracked and new files alike (not what .gitignore hides).
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp -a --parents -t "$W") ||
	{ echo "mutate: cannot copy the tree" >&2; exit 1; }
B=$W/build
echo "mutate: building the copy in $B"
if ! meson setup "$B" "$W" >"$W/setup.log" 2>&1 || ! ninja -C "$B" >"$W/build.log" 2>&1; then
	echo "mutate: the unchanged copy does not build (see $W/*.log)" >&2
	KEEP=1
	exit 1
fi

# run_tests LOG TEST...: meson test over TEST...; prints the names of the tests that failed.
run_tests()
{
	local log=$1
	shift
	rm -f "$B/meson-logs/testlog.json"
	# shellcheck disable=SC2068
	meson test -C "$B" --no-rebuild $@ >"$log" 2>&1
	# The whole output of every test, for the FAIL lines (--print-errorlogs cuts them short).
	cat "$B/meson-logs/testlog.txt" >>"$log" 2>/dev/null
	python3 - "$B/meson-logs/testlog.json" <<-'EOF'
	import json, sys
	try:
	    lines = open(sys.argv[1]).read().splitlines()
	except OSError:
	    print("(no testlog.json)")
	    sys.exit(0)
	for l in lines:
	    if l.strip():
	        t = json.loads(l)
	        if t.get("result") not in ("OK", "EXPECTEDFAIL"):
	            print("%s[%s]" % (t.get("name"), t.get("result")))
	EOF
}

# apply FILE OLD NEW: exactly one OLD must be there.
apply()
{
	python3 - "$@" <<-'EOF'
	import sys
	path, old, new = sys.argv[1:4]
	s = open(path).read()
	n = s.count(old)
	if n != 1:
	    sys.exit("found %d times in %s: %r" % (n, path, old))
	open(path, "w").write(s.replace(old, new))
	EOF
}

if [ -n "$BASELINE" ]; then
	all=$(for i in "${SEL[@]}"; do echo "${M_TESTS[$i]}"; done | tr ' ' '\n' | sort -u | tr '\n' ' ')
	echo "mutate: baseline (unchanged copy): $all"
	# shellcheck disable=SC2086
	bad=$(run_tests "$W/baseline.log" $all)
	if [ -n "$bad" ]; then
		echo "mutate: the unchanged copy fails: $bad (see $W/baseline.log)" >&2
		KEEP=1
		exit 1
	fi
fi

killed=0 survived=0 broken=0
RESULTS=()
for i in "${SEL[@]}"; do
	name=${M_NAME[$i]} f=$W/${M_FILE[$i]}
	cp -a "$f" "$W/orig"
	if ! err=$(apply "$f" "${M_OLD[$i]}" "${M_NEW[$i]}" 2>&1); then
		RESULTS+=("BROKEN    $name: does not apply ($err)")
		broken=$((broken + 1))
		continue
	fi
	t0=$(date +%s)
	if ! ninja -C "$B" >"$W/$name.build.log" 2>&1; then
		RESULTS+=("BROKEN    $name: does not build (see $W/$name.build.log)")
		broken=$((broken + 1))
		KEEP=1
	else
		# shellcheck disable=SC2086
		bad=$(run_tests "$W/$name.log" ${M_TESTS[$i]} | tr '\n' ' ')
		if [ -n "$bad" ]; then
			RESULTS+=("killed    $name by: $bad($(($(date +%s) - t0)) s)")
			killed=$((killed + 1))
		else
			RESULTS+=("SURVIVED  $name (ran: ${M_TESTS[$i]})")
			survived=$((survived + 1))
			cp "$W/$name.log" "$W/$name.survived.log"
		fi
	fi
	echo "mutate: ${RESULTS[-1]}"
	# A fresh mtime (no -a), so ninja rebuilds what the mutant touched.
	cp "$W/orig" "$f"
done
ninja -C "$B" >/dev/null 2>&1

echo
echo "mutation check: ${#SEL[@]} mutants, $killed killed, $survived survived, $broken broken"
printf '  %s\n' "${RESULTS[@]}"
[ "$survived" = 0 ] && [ "$broken" = 0 ]
