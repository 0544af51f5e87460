#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a capture script in a private mount namespace whose /etc carries the test label map.
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 77; }
# private mount ns with an overlay /etc carrying a connlabel.conf
set -e
T=$(mktemp -d /tmp/ctbox-h2-ov.XXXX); rm -rf $T; mkdir -p $T/up/xtables $T/work
printf '0 foo\n1 bar\n5 baz-qux\n' > $T/up/xtables/connlabel.conf
exec unshare -m sh -c "mount --make-rprivate / && mount -t overlay overlay -o lowerdir=/etc,upperdir=$T/up,workdir=$T/work /etc && TZ=${TZ:-UTC} $*"
