#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Compile every source file with musl-gcc against kernel UAPI + libmnl headers only (no glibc).
#
# Why: the static router build links musl, and glibc-only APIs or header
# clashes between libc and <linux/*.h> only show up there. This check needs
# no musl libmnl.a: it compiles (-c) and never links.
#
# Usage: test/musl-check.sh [SRCDIR]   (SRCDIR defaults to this script's tree)
# Exit: 0 all files compile, 1 some failed (their errors are printed),
#       77 musl-gcc or a needed header is missing (skip).

set -u

src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cc=${MUSL_GCC:-musl-gcc}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "musl-check: SKIP: $cc not found (apt-get install musl-tools)"
	exit 77
fi

# Kernel UAPI headers: Debian keeps asm/ under the multiarch dir.
uapi=${UAPI_INCLUDE:-/usr/include}
asm=
for d in "$uapi/asm" "$uapi/$(gcc -print-multiarch 2>/dev/null)/asm" \
	 "$uapi/x86_64-linux-gnu/asm"; do
	if [ -d "$d" ]; then
		asm=$d
		break
	fi
done
mnl_h=${LIBMNL_HEADER:-$uapi/libmnl/libmnl.h}
for need in "$uapi/linux" "$uapi/asm-generic" "$asm" "$mnl_h"; do
	if [ -z "$need" ] || [ ! -e "$need" ]; then
		echo "musl-check: SKIP: missing ${need:-asm/ headers} (install linux-libc-dev libmnl-dev)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/musl-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# An include dir with only the kernel's and libmnl's headers: musl-gcc puts
# its own libc headers first and never searches /usr/include, so anything
# that still resolves to glibc here would be a bug in this script.
mkdir -p "$tmp/inc/libmnl" "$tmp/cfg"
ln -s "$uapi/linux" "$tmp/inc/linux"
ln -s "$uapi/asm-generic" "$tmp/inc/asm-generic"
ln -s "$asm" "$tmp/inc/asm"
cp "$mnl_h" "$tmp/inc/libmnl/libmnl.h"

# config.h as meson.build writes it: every `foreach X : [...]` list that
# feeds conf.set('CONFIG_...' + X.to_upper(), ...) becomes CONFIG_*=1, so
# both branches of `if (CONFIG_X)` are compiled; set_quoted names get a
# dummy string.
awk '
/foreach[ \t]+[a-z_]+[ \t]*:[ \t]*\[/ {
	list = $0
	sub(/^[^[]*\[/, "", list)
	sub(/\].*$/, "", list)
	gsub(/[ \t\047]/, "", list)
	next
}
/conf\.set\(\047CONFIG_[A-Z_]*\047[ \t]*\+/ && list != "" {
	prefix = $0
	sub(/^.*conf\.set\(\047/, "", prefix)
	sub(/\047.*$/, "", prefix)
	n = split(list, items, ",")
	for (i = 1; i <= n; i++)
		printf "#define %s%s 1\n", prefix, toupper(items[i])
	next
}
/conf\.set_quoted\(\047[A-Z_]+\047/ {
	name = $0
	sub(/^.*conf\.set_quoted\(\047/, "", name)
	sub(/\047.*$/, "", name)
	printf "#define %s \"musl-check\"\n", name
}
' "$src/meson.build" >"$tmp/cfg/config.h"
if ! grep -q '^#define CONFIG_' "$tmp/cfg/config.h"; then
	echo "musl-check: could not derive CONFIG_* defines from $src/meson.build"
	exit 1
fi

# The project's own warning set (meson.build), so a clean glibc build and
# this check disagree only where the libc really differs.
flags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter
	-Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wformat=2 -Wvla"

files=$(cd "$src" && find proto core channels applets -name '*.c' 2>/dev/null | LC_ALL=C sort)
if [ -z "$files" ]; then
	echo "musl-check: no .c files under $src"
	exit 1
fi

pass=0
fail=0
failed=
for f in $files; do
	# shellcheck disable=SC2086 # $flags is a word list on purpose
	if "$cc" $flags -I"$tmp/cfg" -I"$src" -isystem "$tmp/inc" \
		-c "$src/$f" -o "$tmp/out.o" >"$tmp/err" 2>&1; then
		echo "ok   $f"
		pass=$((pass + 1))
	else
		echo "FAIL $f"
		sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
		failed="$failed $f"
	fi
done

echo "musl-check: $pass ok, $fail failed${failed:+:$failed}"
[ "$fail" -eq 0 ]
