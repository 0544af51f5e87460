#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -R / --load-file: ctbox's conntrack against the reference on the same batch files, each
# binary in its own throwaway namespace; stdout, stderr, exit code and the resulting table
# size must match (banner normalised).
# Usage: batch.sh CTBOX_CONNTRACK [REFERENCE]   (needs root and the reference: without them a
# failure, or a skip when the run allows skips, test/lib/skip.sh)
set -u
ours=$(realpath -s "${1:?usage: batch.sh CTBOX_CONNTRACK [REFERENCE]}")
oracle=${2:-/usr/sbin/conntrack}
. "$(dirname "$0")/../lib/skip.sh"
[ "$(id -u)" = 0 ] || cannot_test "batch needs root for network namespaces"
[ -x "$oracle" ] || cannot_test "batch needs the reference conntrack at $oracle"
tmp=$(mktemp -d)
nsa=ctbox-batch-ref-$$-$RANDOM
nsb=ctbox-batch-our-$$-$RANDOM
cleanup() {
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$nsa" && ip netns add "$nsb" || exit 1

norm() {
	sed -e 's/conntrack v1\.4\.[0-9]* (conntrack-tools)/conntrack vX (BANNER)/' \
	    -e 's/conntrack v[0-9][0-9.]* (ctbox)/conntrack vX (BANNER)/' \
	    -e 's/<timeout>[0-9]*</<timeout>T</; s/<id>[0-9]*</<id>I</'
}

# run NS BIN OUTPREFIX ARGS...: one invocation (stdin from $tmp/stdin), then the table size
run() {
	local ns=$1 bin=$2 o=$3
	shift 3
	if [ -n "${PIPE:-}" ]; then
		# stdin through a pipe: it cannot be read twice
		ip netns exec "$ns" timeout 10 bash -c \
			'b=$1; shift; cat "$0" | (exec -a conntrack "$b" "$@")' "$tmp/stdin" "$bin" "$@" \
			>"$o.out" 2>"$o.err"
	else
		ip netns exec "$ns" timeout 10 bash -c 'b=$1; shift; exec -a conntrack "$b" "$@"' x \
			"$bin" "$@" <"$tmp/stdin" >"$o.out" 2>"$o.err"
	fi
	echo $? >"$o.rc"
	ip netns exec "$ns" timeout 10 "$bin" -L 2>&1 >/dev/null | norm >"$o.count"
	ip netns exec "$ns" timeout 10 "$bin" -F >/dev/null 2>&1
}

pass=0 fail=0
# check NAME ARGS... (batch file content in $tmp/batch, stdin in $tmp/stdin)
check() {
	local name=$1
	shift
	run "$nsa" "$oracle" "$tmp/a" "$@"
	run "$nsb" "$ours" "$tmp/b" "$@"
	local f ok=1 where
	# ctbox adds one line saying where a batch failed (doc/differences.md); the rest of
	# stderr must equal the reference's. WHERE=N: the line it must name.
	where=$(sed -n 's/^conntrack: .*: error on line \([0-9]*\)$/\1/p' "$tmp/b.err")
	sed -i '/^conntrack: .*: error on line [0-9]*$/d' "$tmp/b.err"
	if [ "$where" != "${WHERE:-}" ]; then
		ok=0
		echo "FAIL $name (error line): want '${WHERE:-}' got '$where'"
	fi
	for f in out err rc count; do
		norm <"$tmp/a.$f" >"$tmp/a.$f.n"
		norm <"$tmp/b.$f" >"$tmp/b.$f.n"
		if ! cmp -s "$tmp/a.$f.n" "$tmp/b.$f.n"; then
			ok=0
			echo "FAIL $name ($f):"
			diff "$tmp/a.$f.n" "$tmp/b.$f.n" | head -5
		fi
	done
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

: >"$tmp/stdin"
B=$tmp/batch

check "missing file" -R "$tmp/nonexistent"
check "missing file, long option" --load-file "$tmp/nonexistent"
check "-R without file" -R
check "-R not first" -L -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' '-L' >"$B"
WHERE=2 check "refused -L (nothing runs)" -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp' '-S' >"$B"
WHERE=2 check "refused -I expect (named -C expect)" -R "$B"

printf '%s\n' '-s 1.1.1.1' >"$B"
WHERE=1 check "no command: unknown" -R "$B"

for c in '-G -s 1.1.1.1 -d 2.2.2.2 -p 200' '-E' '-V' '-h' '-L expect' '-D expect -s 1.1.1.1 -d 2.2.2.2 -p 200' \
	'-G expect -s 1.1.1.1 -d 2.2.2.2 -p 200' '-F expect' '-E expect' '-C' '-C expect' '-S' '-S expect' '-L dying'; do
	printf '%s\n' "$c" >"$B"
	WHERE=1 check "refused $c" -R "$B"
done

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I -s 1.1.1.2 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' '-X' >"$B"
WHERE=3 check "parse error on line 3: nothing runs" -R "$B"

printf '%s\n' '# comment' '' '   ' '	  -I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'  # indented comment' '-A -s 1.1.1.2 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I -s "1.1.1.3" -d 2.2.2.2 -p "u"dp --sport 1 --dport 2 -t 100' \
	'-U -s 1.1.1.2 -m 5' '-D -s 1.1.1.1' >"$B"
WHERE=7 check "runs -I -A -U -D, comments, quotes" -R "$B"

printf '%s\n' '# comment' '' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'   # another' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' >"$B"
WHERE=5 check "error line counts comments and blank lines" -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' '-F' \
	'-I -s 1.1.1.5 -d 2.2.2.2 -p tcp --sport 1 --dport 2 --state ESTABLISHED -t 100' >"$B"
check "-F in the middle" -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I -s 1.1.1.9 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' >"$B"
WHERE=2 check "first execution error stops" -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-D -s 1.1.1.1 -o xml' '-D -s 1.1.1.7' >"$B"
check "-o accumulates, zero matches fine" -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100 -o s' '-D -u s' \
	'-I -s 1.1.1.4 -d 2.2.2.2 -p 200 -t 100 -a x' >"$B"
WHERE=1 check "warnings printed once" -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-D -s 1.1.1.1 --mask-dst 255.0.0.0' >"$B"
WHERE=2 check "run-time check error after earlier lines ran" -R "$B"

printf '%s' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' >"$B"
check "last line without newline" -R "$B"

{ printf -- '-D'; for i in $(seq 1 260); do printf ' x'; done; echo; } >"$B"
WHERE=1 check "too many arguments" -R "$B"
{ printf -- '-D -s '; head -c 1100 /dev/zero | tr '\0' 1; echo; } >"$B"
WHERE=1 check "parameter too long" -R "$B"
# The limit is exact: 1023 bytes are an argument (here an invalid address), 1024 are too long.
{ printf -- '-D -s '; head -c 1023 /dev/zero | tr '\0' 1; echo; } >"$B"
WHERE=1 check "argument of 1023 bytes: parsed" -R "$B"
{ printf -- '-D -s '; head -c 1024 /dev/zero | tr '\0' 1; echo; } >"$B"
WHERE=1 check "argument of 1024 bytes: parameter too long" -R "$B"

# Lines upstream does not skip: blanks without a newline at the end, a NUL byte first.
printf -- '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100\n   ' >"$B"
WHERE=2 check "last line of blanks without newline: unknown command" -R "$B"
printf -- '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100\n\t' >"$B"
WHERE=2 check "last line of a tab without newline: unknown command" -R "$B"
printf -- '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100\n\0\n' >"$B"
WHERE=2 check "a line that is just a NUL byte: unknown command" -R "$B"
printf -- '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100\n\0' >"$B"
WHERE=2 check "a NUL byte as the last line, no newline" -R "$B"
printf -- '\0-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100\n' >"$B"
WHERE=1 check "a NUL byte first on a line hides it" -R "$B"
printf -- '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100\n \t \n\n' >"$B"
check "lines of blanks with newlines are skipped" -R "$B"

printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I -s 1.1.1.2 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' >"$tmp/stdin"
check "stdin (-)" -R -
PIPE=1 check "stdin (-) through a pipe" -R -
printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' '  # c' '' \
	'-I -s 1.1.1.2 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' '-X' >"$tmp/stdin"
PIPE=1 WHERE=5 check "pipe: parse error on line 5, nothing runs" -R -
printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I -s 1.1.1.2 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' '' \
	'-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' >"$tmp/stdin"
PIPE=1 WHERE=4 check "pipe: first execution error stops, line 4" -R -
printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100 -o s' '-D -u s' \
	'-I -s 1.1.1.4 -d 2.2.2.2 -p 200 -t 100 -a x' >"$tmp/stdin"
PIPE=1 WHERE=1 check "pipe: warnings printed once" -R -
printf '%s\n' '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100' \
	'-I -s "1.1.1.3" -d 2.2.2.2 -p "udp" --sport 1 --dport 2 -t 100' '-D -s 1.1.1.1 -o xml' \
	'-I -s 1.1.1.5 -d 2.2.2.2 -p tcp --sport 1 --dport 2 --state ESTABLISHED -t 100' \
	'-I -s 1.1.1.6 -d 2.2.2.2 -p tcp --sport 1 --dport 2 --state ESTABLISHED -t 100' >"$tmp/stdin"
PIPE=1 check "pipe: -I -D, quotes, -o accumulates" -R -
printf -- '-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 100\n   ' >"$tmp/stdin"
PIPE=1 WHERE=2 check "pipe: last line of blanks without newline" -R -
: >"$tmp/stdin"
check "empty stdin" -R -
PIPE=1 check "empty stdin through a pipe" -R -

echo "batch: $((pass + fail)) cases, $pass passed, $fail failed"
[ $fail = 0 ]
