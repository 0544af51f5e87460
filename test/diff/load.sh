#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential tests of batch mode (-R FILE, -R -): same batch on twin tables, ref vs ours.
#
#   +---------------------------+      +---------------------------+
#   | netns "ref"               |      | netns "us"                |
#   |  $ORACLE -R batch         |      |  $CONNTRACK -R batch      |
#   +---------------------------+      +---------------------------+
#            \__ both tables listed afterwards by the REFERENCE __/
#   + 100k-line batch: max RSS of ours must stay under 5 MB (reference reported).
#
# Run: CONNTRACK=<builddir>/conntrack test/diff/load.sh (TEST_HOST=1: reference on both
# sides). Root only (77 otherwise).
. "$(dirname "$0")/../lib/netns.sh"
ns_private_etc "$@"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"
. "$(dirname "$0")/../lib/diff-cmds.sh"

ct_labelmap
twin_new
twin_label_rule

twin_fill()
{
	ip netns exec "$1" "$ORACLE" -I -p tcp -s 10.1.0.1 -d 10.2.0.1 --sport 1 --dport 80 \
		--state ESTABLISHED -t 3000 -m 1
	ip netns exec "$1" "$ORACLE" -I -p udp -s 10.1.0.2 -d 10.2.0.2 --sport 2 --dport 53 -t 3000
	ip netns exec "$1" "$ORACLE" -I -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 3 --dport 53 \
		-t 3000 -w 3
}

batch()
{
	local f="$CT_WORK/$1"
	cat >"$f"
	echo "$f"
}

echo "== good batches"
B=$(batch good <<-'EOF'
# a comment, then a blank line and an indented one

	-I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 --state ESTABLISHED -t 100
   -A -p udp -s 10.0.0.1 -d 10.0.0.3 --sport 1 --dport 2 -t 100 -m 7
-I -p udp -s "10.0.0.1" -d 10.0.0.4 --sport 1 --dport 2 -t "100"
-I -p icmp -s 10.0.0.1 -d 10.0.0.5 --icmp-type 8 --icmp-code 0 --icmp-id 1 -t 100
-D -s 10.1.0.2
-D -w 3
    # indented comment
EOF
)
twin_cmd "-R FILE with -I -A -D, comments, blank lines, quotes" -R "$B"
twin_cmd "--load-file FILE" --load-file "$B"
CT_STDIN=$B twin_cmd "-R - (stdin)" -R -
# -U lines: 1.4.7 drops updates in longer batches (its ACK desync on the shared modifier socket
# plus per-line global state), so -U is compared with the reference one line per batch, and a
# longer batch is checked against sequential reference runs below.
B=$(batch upd1 <<-'EOF'
-U -s 10.1.0.1 -m 9
EOF
)
twin_cmd "-R: one -U line" -R "$B"
B=$(batch upd2 <<-'EOF'
	-U -s 10.1.0.2 -p udp -u ASSURED
EOF
)
twin_cmd "-R: one indented -U line with -p" -R "$B"

B=$(batch label1 <<-'EOF'
-I -p udp -s "10.0.0.1" -d 10.0.0.4 --sport 1 --dport 2 -t 100 --label-add "foo,bar"
EOF
)
twin_cmd "-R: one --label-add line" -R "$B"

# 1.4.7 segfaults on a batch holding --label-add plus any other line (a label map lifetime
# bug) and drops -U updates in longer batches; ctbox must do neither. Expected: the same
# table as running each line as its own command with the reference.
B=$(batch label2 <<-'EOF'
-I -p udp -s 10.0.0.1 -d 10.0.0.4 --sport 1 --dport 2 -t 100 --label-add "foo,bar"
-I -p udp -s 10.0.0.1 -d 10.0.0.5 --sport 1 --dport 2 -t 100 --label-add foo
-A -p udp -s 10.0.0.1 -d 10.0.0.3 --sport 1 --dport 2 -t 100 -m 7
-I -p icmp -s 10.0.0.1 -d 10.0.0.6 --icmp-type 8 --icmp-code 0 --icmp-id 1 -t 100
-U -s 10.0.0.1 -d 10.0.0.3 -m 9
-U -s 10.1.0.2 --label-add bar
-U -s 10.1.0.1 -u ASSURED
-D -s 10.1.0.1 -p tcp --sport 1
EOF
)
if ours_only; then
	twin_reset
	while read -r line; do
		eval "set -- $line"
		ip netns exec "$NS_REF" "$ORACLE" "$@" >/dev/null 2>&1 || true
	done <"$B"
	{ echo "--- stderr"; echo "--- exit 0"; ct_table "$NS_REF"; } >"$CT_WORK/t.ref"
	{ ct_record "$NS_US" "$CONNTRACK" -R "$B" | sed '/^--- stderr$/,$!d'; ct_table "$NS_US"; } \
		>"$CT_WORK/t.us"
	twin_compare "-R: several lines with --label-add and -U = the lines run one by one"
else
	echo "SKIP: -R several lines with --label-add and -U (1.4.7 segfaults / drops updates)"
fi

B=$(batch flush <<-'EOF'
-I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 --state ESTABLISHED -t 100
-F
-I -p udp -s 10.0.0.9 -d 10.0.0.8 --sport 1 --dport 2 -t 100
EOF
)
twin_cmd "-R with -F in the middle" -R "$B"
B=$(batch outflags <<-'EOF'
-D -s 10.1.0.1 -o extended
-D -s 10.1.0.2
EOF
)
twin_cmd "-R: -o flags persist across lines (upstream)" -R "$B"
B=$(batch save <<-'EOF'
-D -s 10.1.0.1 -o save
EOF
)
twin_cmd "-R -D -o save" -R "$B"
B=$(batch quoting <<-'EOF'
-I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 -t "1""00"
-I "-p" udp -s 10.0.0.1 -d 10.0.0.2 --sport 3 --dport 4 -t 100 -m "\5"
EOF
)
twin_cmd "-R quoting: adjacent quotes, escapes inside quotes" -R "$B"
B=$(batch zero <<-'EOF'
-D -s 99.9.9.9
-U -s 99.9.9.9 -m 1
EOF
)
twin_cmd "-R: zero matches are not an error" -R "$B"

echo "== errors"
B=$(batch bad3 <<-'EOF'
-I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 --state ESTABLISHED -t 100
-D -s 10.1.0.1
-X
-I -p udp -s 10.0.0.9 -d 10.0.0.8 --sport 1 --dport 2 -t 100
EOF
)
twin_cmd "-R: bad line 3 aborts before anything runs" -R "$B"
B=$(batch badaddr <<-'EOF'
-D -s 10.1.0.1
-I -p udp -s 10.0.0.300 -d 10.0.0.8 --sport 1 --dport 2 -t 100
EOF
)
twin_cmd "-R: invalid address on line 2" -R "$B"
B=$(batch list <<-'EOF'
-D -s 10.1.0.1
-L
EOF
)
twin_cmd "-R with -L" -R "$B"
for c in "-G -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2" "-E" "-V" "-h" "-L expect" \
	"-D expect -s 1.1.1.1 -d 2.2.2.2 -p 99" "-F expect" "-C" "-C expect" "-S" "-S expect" \
	"-E expect" "-s 1.1.1.1" \
	"-I expect -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 10 --tuple-src 1.1.1.1 --tuple-dst 2.2.2.2 --mask-src 255.255.255.255 --mask-dst 255.255.255.255"; do
	B=$(echo "$c" | batch cmdline)
	twin_cmd "-R with: $c" -R "$B"
done
B=$(batch exists <<-'EOF'
-D -s 10.1.0.2
-I -p tcp -s 10.1.0.1 -d 10.2.0.1 --sport 1 --dport 80 --state ESTABLISHED -t 100
-D -s 2001:db8::1
EOF
)
twin_cmd "-R: an existing -I stops the batch, earlier lines stay" -R "$B"
# -A over an existing entry changes nothing and is not an error: the batch goes on.
B=$(batch addexists <<-'EOF'
-A -p tcp -s 10.1.0.1 -d 10.2.0.1 --sport 1 --dport 80 --state CLOSE -t 100 -m 5
-A -p udp -s 10.1.0.2 -d 10.2.0.2 --sport 2 --dport 53 -t 100 -u ASSURED
-A -p udp -s 10.1.0.9 -d 10.2.0.2 --sport 2 --dport 53 -t 100
-A -t 99 -u UNSET -s 10.1.0.1 -d 10.2.0.1 -r 10.2.0.1 -q 10.1.0.1 -p tcp --sport 1 --dport 80 --reply-port-src 80 --reply-port-dst 1 --state SYN_SENT
-D -s 2001:db8::1
EOF
)
twin_cmd "-R: -A over existing entries leaves them and goes on" -R "$B"
twin_cmd "-R missing file" -R /nonexistent/ctbox-batch
twin_cmd "-R alone" -R
twin_cmd "-L -R FILE" -L -R "$B"
B=$(printf -- '-I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 -t 100 %s\n' \
	"$(printf -- '-m 1 %.0s' $(seq 130))" | batch manyargs)
twin_cmd "-R: a line with 262 arguments" -R "$B"
B=$(printf -- '-I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 -t 100 --label-add %s\n' \
	"$(head -c 1100 /dev/zero | tr '\0' a)" | batch longarg)
twin_cmd "-R: an argument of 1100 bytes" -R "$B"
# 1023 bytes still fit (an unknown label), 1024 are "Parameter too long!".
for n in 1023 1024; do
	B=$(printf -- '-I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 -t 100 --label-add %s\n' \
		"$(head -c $n /dev/zero | tr '\0' a)" | batch "arg$n")
	twin_cmd "-R: an argument of $n bytes" -R "$B"
done

echo "== 100k lines: memory and time"
twin_fill() { :; }
big=$CT_WORK/big
python3 - "$big" <<-'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write("-I -p udp -s 10.%d.%d.%d -d 192.0.2.1 --sport %d --dport 53 -t 600\n"
                % (i >> 16, (i >> 8) & 255, i & 255, 1024 + i % 50000))
EOF
twin_reset
measure()
{
	local ns=$1 bin=$2
	ip netns exec "$ns" timeout 120 /usr/bin/time -f '%M %e' -o "$CT_WORK/time" "$bin" -R "$big" \
		>"$CT_WORK/big.out" 2>"$CT_WORK/big.err" || true
	echo "$(cat "$CT_WORK/time") $(ip netns exec "$ns" "$ORACLE" -C)"
}
# time(1) runs inside the namespace so the peak is the binary's own, not `ip`'s.
read -r rss_ref t_ref n_ref < <(measure "$NS_REF" "$ORACLE")
read -r rss_us t_us n_us < <(measure "$NS_US" "$CONNTRACK")
echo "info: -R 100000 lines: reference ${rss_ref} KiB max RSS, ${t_ref} s; ours ${rss_us} KiB, ${t_us} s"
check "-R 100000 lines: every entry created (both)" "100000 100000" "$n_ref $n_us"
# A sanitizer build's shadow memory makes the RSS meaningless there.
if ours_only && [ -z "$CTBOX_SANITIZED" ]; then
	check "-R 100000 lines: ours stays under 5 MB max RSS" "yes" \
		"$([ "$rss_us" -lt 5120 ] && echo yes || echo "no: ${rss_us} KiB")"
fi

# The same batch through a pipe: held in memory between the passes, compactly.
measure_pipe()
{
	local ns=$1 bin=$2
	ip netns exec "$ns" "$ORACLE" -F >/dev/null 2>&1
	cat "$big" | ip netns exec "$ns" timeout 120 /usr/bin/time -f '%M %e' -o "$CT_WORK/time" \
		"$bin" -R - >"$CT_WORK/big.out" 2>"$CT_WORK/big.err" || true
	echo "$(cat "$CT_WORK/time") $(ip netns exec "$ns" "$ORACLE" -C)"
}
read -r rss_ref t_ref n_ref < <(measure_pipe "$NS_REF" "$ORACLE")
read -r rss_us t_us n_us < <(measure_pipe "$NS_US" "$CONNTRACK")
echo "info: -R - 100000 lines from a pipe ($(wc -c <"$big") bytes): reference ${rss_ref} KiB max RSS, ${t_ref} s; ours ${rss_us} KiB, ${t_us} s"
check "-R - 100000 lines from a pipe: every entry created (both)" "100000 100000" "$n_ref $n_us"
if ours_only && [ -z "$CTBOX_SANITIZED" ]; then
	check "-R - 100000 lines from a pipe: ours under 8 MB max RSS (the text is 7 MB)" "yes" \
		"$([ "$rss_us" -lt 8192 ] && echo yes || echo "no: ${rss_us} KiB")"
fi

testing_done
