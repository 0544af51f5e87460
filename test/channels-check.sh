#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build each sync channel backend alone (-Dchannels=udp, -Dchannels=mcast): the other one
# must leave no symbol behind (nm over libctcore.a and the chantest driver), and the netns
# channel test must pass with the left-out backend refused.
#
# Usage: test/channels-check.sh [BUILD_PREFIX]   (default build-chan: build-chan-udp, ...)
# Exit: 0 all good, 1 something failed.

cd "$(dirname "$0")/.." || exit 1
prefix=${1:-build-chan}
rc=0
for only in udp mcast; do
	other=mcast
	[ $only = mcast ] && other=udp
	dir=$prefix-$only
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" -Dchannels=$only >/dev/null
	else
		meson setup "$dir" -Dchannels=$only >/dev/null
	fi || { echo "channels=$only: setup failed"; rc=1; continue; }
	ninja -C "$dir" core/libctcore.a test/tools/chantest test/tools/udpsniff >/dev/null ||
		{ echo "channels=$only: build failed"; rc=1; continue; }
	for f in "$dir/core/libctcore.a" "$dir/test/tools/chantest"; do
		left=$(nm "$f" 2>/dev/null | grep -E " [A-Za-z] ${other}_(ops|open)\$")
		have=$(nm "$f" 2>/dev/null | grep -cE " [TtDdRr] ${only}_(ops|open)\$")
		if [ -n "$left" ] || [ "$have" != 2 ]; then
			echo "channels=$only: $f: want ${only}_ops/open and no $other symbols, nm says:"
			nm "$f" | grep -E ' (udp|mcast|dgram)_'
			rc=1
		else
			echo "channels=$only: $f: ${only}_ops and ${only}_open, no ${other}_*"
		fi
	done
	meson test -C "$dir" --no-rebuild --print-errorlogs chan || rc=1
done
exit $rc
