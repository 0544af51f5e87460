#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Argument-validation corpus: every case of args.corpus through ctbox's conntrack and the
# reference conntrack, each in its own throwaway network namespace; stdout, stderr and exit
# code must match (banner and version normalised).
#
#   ns A: reference conntrack      ns B: ctbox conntrack
#   (the same command sequence runs in both, the table is flushed after every case)
#
# Case syntax: ARGS ; OK|BAD [; =EXIT MESSAGE]
#   ARGS     shell words (eval'd), passed after argv[0] "conntrack"
#   OK|BAD   whether the command line is accepted (BAD: rejected while parsing/checking)
#   =EXIT M  expected result when 1.4.9 (or a deliberate ctbox fix) differs from the 1.4.7
#            reference: stderr is PFX+M (\n separates lines), plus the try-help line for
#            EXIT 2; stdout empty; a line starting with ^ has no prefix. The comment
#            above such a case says why.
# Usage: args-corpus.sh CTBOX_CONNTRACK [REFERENCE]
# Without root or without the reference it cannot test: a failure, or a skip (77) when the run
# allows skips (CTBOX_ALLOW_SKIP=1, test/lib/skip.sh). It never compares ctbox with itself.
set -u

here=$(cd "$(dirname "$0")" && pwd)
corpus=${CORPUS:-$here/args.corpus}
. "$here/../lib/skip.sh"

# Inner mode: run every case with binary $1 into directory $2 (inside a namespace).
if [ "${1:-}" = inner ]; then
	bin=$2 out=$3 flusher=$4 n=0
	# argv[0] "conntrack" through a PATH lookup of a link: no shell between timeout and it.
	mkdir -p "$out/bin" && ln -sf "$bin" "$out/bin/conntrack" && PATH=$out/bin:$PATH
	# A sanitized binary starts slower.
	elimit=0.25
	[ -n "${CTBOX_SANITIZED:-}" ] && elimit=0.5
	while IFS= read -r line; do
		case "$line" in '' | '#'*) continue ;; esac
		n=$((n + 1))
		args=${line%% ; *}
		eval "set -- $args"
		# An event listener (-E) runs until stopped: half a second says how it starts. Any
		# other case ends by itself; its limit only catches a hang, and must not fire on a
		# loaded machine.
		limit=10
		[[ " $args" =~ [[:space:]](--event|-[[:alnum:]]*E) ]] && limit=$elimit
		{ timeout -s TERM $limit conntrack "$@" \
			>"$out/$n.out" 2>"$out/$n.err" </dev/null; echo $? >"$out/$n.rc"; } 2>/dev/null
		# Empty the table for the next case, with the reference. A parameter problem (exit
		# 2) is found before anything runs: nothing to empty (two thirds of the cases).
		read -r rc <"$out/$n.rc"
		[ "$rc" = 2 ] && continue
		"$flusher" -F >/dev/null 2>&1
		"$flusher" -F expect >/dev/null 2>&1
	done <"$corpus"
	exit 0
fi

ours=$(realpath -s "${1:?usage: args-corpus.sh CTBOX_CONNTRACK [REFERENCE]}")
oracle=${2:-/usr/sbin/conntrack}

[ "$(id -u)" = 0 ] || cannot_test "args-corpus needs root for network namespaces"
# Without the reference the cases would compare ctbox with itself and prove nothing.
[ -x "$oracle" ] || cannot_test "args-corpus needs the reference conntrack at $oracle"

# A private mount namespace with a private /etc, so the label map both binaries read
# (/etc/xtables/connlabel.conf) is the one written here, whatever the host has.
if [ "${CTBOX_CORPUS_MNT:-}" != 1 ]; then
	exec unshare -m --propagation private env CTBOX_CORPUS_MNT=1 bash "$0" "$@"
fi

tmp=$(mktemp -d)
export CORPUS_TMP=$tmp
nsa=ctbox-cli-ref-$$-$RANDOM
nsb=ctbox-cli-our-$$-$RANDOM
ours_pid=
cleanup() {
	[ -z "$ours_pid" ] || kill "$ours_pid" 2>/dev/null
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cp -a /etc "$tmp/etc" && mkdir -p "$tmp/etc/xtables" || exit 1
printf '%s\n' '# ctbox test labels' '0 foo' '1 bar' '5 eth-wan' '2 bad_name!' '200 big' >"$tmp/etc/xtables/connlabel.conf"
printf '%s\n' '# no labels here' 'x y' >"$tmp/nolabels.conf"
mount --bind "$tmp/etc" /etc || exit 1
ip netns add "$nsb" || exit 1
ip netns add "$nsa" || exit 1
mkdir "$tmp/b" "$tmp/a"
# The two sides share nothing but the corpus: run them side by side (two CPUs, half the time).
ip netns exec "$nsb" env CORPUS="$corpus" bash "$0" inner "$ours" "$tmp/b" "$oracle" &
ours_pid=$!
ip netns exec "$nsa" env CORPUS="$corpus" bash "$0" inner "$oracle" "$tmp/a" "$oracle"
wait "$ours_pid"
ours_pid=

norm() {
	sed -e 's/conntrack v1\.4\.[0-9]* (conntrack-tools)/conntrack vX (BANNER)/' \
	    -e 's/conntrack v[0-9][0-9.]* (ctbox)/conntrack vX (BANNER)/' \
	    -e 's/^\(Command line interface for the connection tracking system\. Version\) .*/\1 X/'
}

# The reference is 1.4.7; its usage text differs from 1.4.9's in two places.
usage149() {
	awk -v lm=$'  --labelmap path\t\t\tconnlabel file to use instead of default' '
		{ sub(/Source addres from reply/, "Source address from reply"); print }
		/^  -l, --label label\[,\.\.\.\]/ { print lm }'
}

try_line="Try \`conntrack -h' or 'conntrack --help' for more information."
pass=0 fail=0 n=0 oracle_cmp=0 inline=0
while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	n=$((n + 1))
	args=${line%% ; *}
	rest=${line#* ; }
	verdict=${rest%% ; *}
	expect=
	[ "$rest" != "$verdict" ] && expect=${rest#* ; }
	ok=1 why=

	rc=$(cat "$tmp/b/$n.rc")
	# what the parser decided: BAD = rejected before running
	got=OK
	if [ "$rc" = 2 ] || { [ "$rc" = 1 ] && grep -qE \
		"unexpected value '|cannot combine save output|cannot use --label-add and --label-del" \
		"$tmp/b/$n.err"; }; then
		got=BAD
	fi
	if [ "$got" != "$verdict" ]; then
		ok=0 why="verdict $got, corpus says $verdict"
	fi

	if [ -n "$expect" ]; then
		inline=$((inline + 1))
		erc=${expect%% *}
		erc=${erc#=}
		msg=${expect#* }
		printf '%b\n' "$msg" | sed -e '/^\^/!s/^/conntrack vX (BANNER): /' -e 's/^\^//' >"$tmp/exp.err"
		[ "$erc" = 2 ] && echo "$try_line" >>"$tmp/exp.err"
		: >"$tmp/exp.out"
		echo "$erc" >"$tmp/exp.rc"
	else
		oracle_cmp=$((oracle_cmp + 1))
		norm <"$tmp/a/$n.err" >"$tmp/exp.err"
		norm <"$tmp/a/$n.out" | usage149 >"$tmp/exp.out"
		cp "$tmp/a/$n.rc" "$tmp/exp.rc"
	fi
	norm <"$tmp/b/$n.err" >"$tmp/got.err"
	norm <"$tmp/b/$n.out" >"$tmp/got.out"
	if ! cmp -s "$tmp/exp.rc" "$tmp/b/$n.rc"; then
		ok=0 why="$why exit $(cat "$tmp/b/$n.rc") != $(cat "$tmp/exp.rc")"
	fi
	if ! cmp -s "$tmp/exp.err" "$tmp/got.err"; then
		ok=0 why="$why stderr: $(diff "$tmp/exp.err" "$tmp/got.err" | grep '^[<>]' | head -4 | tr '\n' '|')"
	fi
	if ! cmp -s "$tmp/exp.out" "$tmp/got.out"; then
		ok=0 why="$why stdout: $(diff "$tmp/exp.out" "$tmp/got.out" | grep '^[<>]' | head -4 | tr '\n' '|')"
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL [$n] conntrack $args:$why"
	fi
done <"$corpus"

echo "args corpus: $n cases, $pass passed, $fail failed ($oracle_cmp against $oracle, $inline inline)"
[ $fail = 0 ]
