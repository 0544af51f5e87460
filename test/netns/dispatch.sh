#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Multi-call dispatch: applet links, `ctbox APPLET`, `ctbox --list`, unknown names.
#
#  +---------------- ctbox-<pid>-<rand>-dispatch ----------------+
#  |  lo only; no traffic. `conntrack -V` opens an nfnetlink     |
#  |  socket before parsing, so it runs in here, not on the host |
#  +--------------------------------------------------------------+
#    $BUILDDIR/ctbox, $BUILDDIR/conntrack -> ctbox, $BUILDDIR/conntrackd -> ctbox

. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/testing.sh"

[ -n "$BUILDDIR" ] || { echo "BUILDDIR is not set" >&2; exit 1; }
CTBOX=$BUILDDIR/ctbox
ns_new NS dispatch
ns_tmpdir T
ln -s "$CTBOX" "$T/frobnicate"
n() { ip netns exec "$NS" "$@"; }

# The version line keeps upstream's shape; the number is whatever ctbox reports.
testing "conntrack -V through the link" \
	"n '$BUILDDIR/conntrack' -V | sed -E 's/^conntrack v[0-9][0-9.]* \((conntrack-tools|ctbox)\)\$/VERSION-LINE/'; echo \${PIPESTATUS[0]}" \
	"VERSION-LINE\n0\n"
testing "ctbox conntrack -V equals the link" \
	"cmp <(n '$CTBOX' conntrack -V 2>&1) <(n '$BUILDDIR/conntrack' -V 2>&1) && echo same" \
	"same\n"
testing "ctbox --list" "'$CTBOX' --list; echo \$?" "conntrack\nconntrackd\n0\n"
testing "unknown applet through a link" "'$T/frobnicate' -V 2>&1; echo \$?" \
	"ctbox: applet not found: frobnicate\n127\n"
testing "ctbox unknown applet" "'$CTBOX' frobnicate -L 2>&1; echo \$?" \
	"ctbox: applet not found: frobnicate\n127\n"
testing "unknown applet prints nothing on stdout" "'$CTBOX' frobnicate 2>/dev/null; echo \$?" \
	"127\n"
# The conntrackd applet refuses to run without a usable config (placeholder: always).
testing "conntrackd exits 1" \
	"n '$BUILDDIR/conntrackd' -C /nonexistent/ctbox-test.conf >/dev/null 2>&1; echo \$?" "1\n"
testing "conntrackd says why" \
	"n '$BUILDDIR/conntrackd' -C /nonexistent/ctbox-test.conf 2>&1 >/dev/null | grep -c ." \
	"1\n"

testing_done
