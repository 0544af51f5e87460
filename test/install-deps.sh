#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what building and testing ctbox needs (Debian/Ubuntu); does nothing if all present.
# (keepalived: test/failover; its init script starts nothing without /etc/keepalived/keepalived.conf.)
set -e

pkgs="meson ninja-build gcc pkg-config libmnl-dev musl-tools linux-libc-dev conntrack
nftables socat iproute2 python3 valgrind procps time util-linux diffutils keepalived"

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
