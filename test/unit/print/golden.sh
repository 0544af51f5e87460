#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Replays the reference captures in golden/ through the printers: BIN golden SET FLAGS must print FILE.
# The captures were taken with TZ=UTC; progname was dropped from event lines (its lookup races) and the
# 1.4.7-only " [USERSPACE]" tail after </flow> was dropped (1.4.9 does not print it). list-save and
# event-save have ctbox's additions on their -A lines (-m, --label-add, the untracked-DCCP options:
# doc/differences.md); without them they are the reference's bytes.
# Cross builds: meson's exe wrapper (qemu-user) runs BIN, from $MESON_EXE_WRAPPER.
set -u
BIN="${MESON_EXE_WRAPPER:-} $1"
DIR=$2
export TZ=UTC
fail=0
check() {
	set_=$1 flags=$2 file=$3
	# shellcheck disable=SC2086 # BIN is the wrapper's words, then the binary
	if $BIN golden "$set_" "$flags" | cmp -s - "$DIR/$file"; then
		echo "ok $file"
	else
		echo "FAIL $file ($set_ $flags)"
		# shellcheck disable=SC2086
		$BIN golden "$set_" "$flags" | diff "$DIR/$file" - | head -20
		fail=1
	fi
}
check list default list-default
check list extended list-extended
check list extended,id list-extended-id
check list xml list-xml
check list save list-save
check list ktimestamp list-ktimestamp
check list labels list-labels
check list labels,id,ktimestamp list-labels-id-ktimestamp
check list xml,labels list-xml-labels
check list xml,ktimestamp,id,extended list-xml-ktimestamp-id-extended
check sport2000 xml list-sport2000-xml
check delete save delete-save
check delete xml delete-xml
check event default event-default
check event extended,id event-extended-id
check event ktimestamp event-ktimestamp
check event save event-save
check event timestamp event-timestamp
check event xml,ktimestamp,id event-xml-ktimestamp-id
check event xml,timestamp event-xml-timestamp
check dt default dt-text
check dt xml,ktimestamp dt-xml-ktimestamp
exit $fail
