#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The example configuration in contrib/ parses silently, with commit on demand on group 7.
# usage: contrib.sh CFGCHECK CONF
out=$("$1" -d "$2" 2>&1) || { printf '%s\n' "$out"; echo "0 passed, 1 failed"; exit 1; }
case $out in
*warning* | *ERROR*) printf '%s\n' "$out"; echo "0 passed, 1 failed"; exit 1 ;;
esac
printf '%s\n' "$out" | grep -q ' ondemand=7$' || { printf '%s\n' "$out"; echo "0 passed, 1 failed"; exit 1; }
echo "1 passed, 0 failed"
