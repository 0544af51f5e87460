#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential: places where ctbox follows 1.4.9 and the 1.4.7 reference behaves differently.
#
#  +------------------------- ctbox-<pid>-<rand>-diff ---------------------------+
#  |  lo 127.0.0.1 / ::1 <- traffic.py: udp 7777, tcp 5555, icmp/icmpv6 echo     |
#  |  conntrack table: ~42 entries, `conntrack -I` by the reference + traffic    |
#  +------------------------------------------------------------------------------+
#    Expected records are built from reference runs of the equivalent 1.4.9 command
#    (spec section 11); TEST_HOST=1 skips them, the reference being 1.4.7.

. "$(dirname "$0")/../lib/netns.sh"
ns_private_etc "$@"
. "$(dirname "$0")/../lib/testing.sh"
. "$(dirname "$0")/../lib/ctdiff.sh"

ns_new CT_NS diff
ct_labelmap
ct_reference_table

PFX='conntrack v1.4.9 (conntrack-tools): '

# 1.4.9 (33f030f): short commands take no attached argument, so `-Lo extended` is
# `-L -o extended`; 1.4.7 swallowed the `o` and printed the default format.
ours_expect "-Lo extended" 'ref -L -o extended' -Lo extended

# 1.4.9 (401d913, bd20d76): strict numbers; 1.4.7 read `foo` as mark 0 and wrapped zones.
ours_expect "-L -m foo" "echo \"${PFX}unexpected value 'foo' with -m option\" >&2; exit 1" \
	-L -m foo
ours_expect "-L -m 1/foo" "echo \"${PFX}unexpected value '1/foo' with -m option\" >&2; exit 1" \
	-L -m 1/foo
ours_expect "-L -w 70000" "echo \"${PFX}unexpected value '70000' with -w option\" >&2; exit 1" \
	-L -w 70000

# 1.4.9 (3251e05): -u no longer overwrites the mark, so -m and -u both filter: the result
# is the -m listing restricted to the lines the -u listing also has.
# Lines are matched without their timeout, which may tick between the two listings.
both_filters()
{
	ref -L -u ASSURED 2>/dev/null >"$CT_WORK/u"
	ref -L -m "$1" 2>/dev/null | awk 'NR == FNR { $3 = ""; u[$0] = 1; next }
		{ line = $0; $3 = ""; if ($0 in u) print line }' "$CT_WORK/u" - >"$CT_WORK/mu"
	cat "$CT_WORK/mu"
	echo "${PFX}$(wc -l <"$CT_WORK/mu") flow entries have been shown." >&2
}
ours_expect "-L -m 5 -u ASSURED" 'both_filters 5' -L -m 5 -u ASSURED
ours_expect "-L -m 16 -u ASSURED" 'both_filters 16' -L -m 16 -u ASSURED

testing_done
