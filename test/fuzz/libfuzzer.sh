#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build one harness with clang's libFuzzer + ASan/UBSan and run it on its seed corpus.
# usage: test/fuzz/libfuzzer.sh BUILDDIR HARNESS [libFuzzer options...]
#   BUILDDIR  a configured meson build directory (for config.h)
#   HARNESS   ctnl | args | labelmap | cfg | wire | sync
# Work files (binary, new inputs, crash-*, dictionary): ${FUZZ_OUT:-/tmp/ctbox-libfuzzer}.
set -eu

[ $# -ge 2 ] || { sed -n '3,7s/^# \{0,1\}//p' "$0" >&2; exit 2; }
build=$1 harness=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-/tmp/ctbox-libfuzzer}
cc=${CC_FUZZ:-clang}

[ -f "$build/config.h" ] || { echo "$build: no config.h (not a meson build)" >&2; exit 2; }
case $harness in
ctnl)
	srcs="proto/nla.c proto/ctnl.c proto/ctnl_parse.c proto/ctnl_full.c core/out.c core/print.c
	      core/print_xml.c core/print_save.c core/print_json.c core/print_exp.c core/labelmap.c" ;;
args)
	srcs="applets/ct_args.c applets/ct_getopt.c applets/ct_proto.c applets/ct_filter.c
	      applets/ct_usage.c core/labelmap.c proto/nla.c proto/ctnl.c proto/ctnl_parse.c
	      proto/ctnl_full.c" ;;
labelmap)
	srcs="core/labelmap.c" ;;
cfg)
	srcs="core/cfg.c" ;;
wire)
	srcs="proto/wire_hdr.c proto/wire_ct.c proto/ct_tuple.c test/unit/wire/sender.c" ;;
sync)
	srcs="core/sync.c proto/wire_hdr.c" ;;
*)
	echo "unknown harness: $harness (ctnl, args, labelmap, cfg, wire, sync)" >&2; exit 2 ;;
esac

mkdir -p "$out/corpus-$harness"
bin=$out/fuzz_$harness
# shellcheck disable=SC2086 # word splitting of the source list is intended
(cd "$root" && $cc -g -O1 -std=c11 -D_GNU_SOURCE -I"$root" -I"$build" -I"$here" \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	"$here/fuzz_$harness.c" $srcs -lmnl -o "$bin")

# The harness's fuzz_dict[] as a libFuzzer dictionary (it only understands \\, \" and \xNN).
dict=$out/$harness.dict
sed -n '/fuzz_dict\[\] = {/,/NULL/p' "$here/fuzz_$harness.c" | grep -o '"[^"]*"' |
	sed 's/\\n/\\x0A/g; s/\\t/\\x09/g; s/\\r/\\x0D/g' > "$dict"
set -- -dict="$dict" "$@"
[ -s "$dict" ] || shift

# New inputs land in the first directory: the committed seeds stay untouched.
exec "$bin" -artifact_prefix="$out/" "$@" "$out/corpus-$harness" "$here/corpus/$harness"
