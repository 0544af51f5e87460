#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what building and testing ctbox needs (Debian/Ubuntu); does nothing if all present.
#
# Every suite must be able to run after this (a skip is a failure by default: test/lib/skip.sh),
# so each tool a suite calls is listed here, one package per line with the suites that need it.
# A new suite that needs a package adds one line.
set -e

pkgs=$(sed -e 's/#.*//' <<'EOF'
meson            # build
ninja-build      # build
gcc              # build
pkg-config       # build
libmnl-dev       # build: the one library
linux-libc-dev   # build: kernel UAPI headers
musl-tools       # musl-check
bash             # every shell test
python3          # diff, cli (checkers, traffic), unit (print-json)
conntrack        # the reference conntrack 1.4.7: cli, diff, netns, bench
conntrackd       # the reference conntrackd 1.4.7: daemon suites
nftables         # diff, netns: labels, marks, helpers, loss rules in test namespaces
iproute2         # ip netns, ss: every namespace suite
util-linux       # unshare (private /etc), taskset (one-CPU paths)
procps           # sysctl: per-namespace conntrack settings
coreutils        # timeout(1)
diffutils        # cmp, diff
time             # /usr/bin/time: max RSS in load and bench
valgrind         # bench: callgrind instruction counts
socat            # cli, netns: traffic into test namespaces
binutils         # size report (nm, size, strip)
gcc-mips-linux-gnu libc6-dev-mips-cross binutils-mips-linux-gnu        # router build: MIPS
gcc-arm-linux-gnueabihf libc6-dev-armhf-cross binutils-arm-linux-gnueabihf  # router build: ARM
qemu-user        # router builds: the unit suites under MIPS/ARM emulation
clang-format     # format-check
keepalived       # failover (its init script starts nothing without /etc/keepalived/keepalived.conf)
EOF
)

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q ' installed$'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo for:$missing" >&2; exit 1; }
	sudo=sudo
fi
echo "install-deps: installing$missing"
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
