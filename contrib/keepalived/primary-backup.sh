#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# keepalived notify script: moves conntrack state on fail-over with ctbox's conntrackd applet.
#
# keepalived.conf and conntrackd.conf beside this file are a complete two-node example
# (one sync group, so all VRRP instances move together):
#
#   vrrp_sync_group G1 {
#       group { VI_LAN VI_WAN }
#       notify_master "/etc/conntrackd/primary-backup.sh primary"
#       notify_backup "/etc/conntrackd/primary-backup.sh backup"
#       notify_fault  "/etc/conntrackd/primary-backup.sh fault"
#   }
#
# It works unchanged with ctbox's conntrackd and with upstream's (set CONNTRACKD);
# test/failover/ runs it under keepalived for both, links flapping every 8-12 s.
#
# keepalived's generic `notify` hook (arguments TYPE NAME STATE [PRIORITY])
# works too: MASTER, BACKUP and FAULT map to the three transitions.
#
# Every step talks to the running daemon through its UNIX socket and waits
# for it to finish (conntrackd -c returns only once the commit is done), so
# the order below is the order the kernel sees.
#
# Environment overrides: CONNTRACKD, CONNTRACKD_CONFIG, CONNTRACKD_LOCK.

CONNTRACKD=${CONNTRACKD:-/usr/sbin/conntrackd}
CONNTRACKD_CONFIG=${CONNTRACKD_CONFIG:-/etc/conntrackd/conntrackd.conf}

# The config may move the lock (General { LockFile ... }); the language is
# free-form, so split it into words and take the one after the last LockFile.
# config_word KEYWORD: the word after the last KEYWORD in the config.
config_word() {
	[ -r "$CONNTRACKD_CONFIG" ] || return 0
	# shellcheck disable=SC2020 # one newline per separator, on purpose
	sed 's/#.*//' "$CONNTRACKD_CONFIG" | tr -s ' \t{}"' '\n\n\n\n\n' |
		awk -v k="$1" 'take { f = $0; take = 0 } $0 == k { take = 1 } END { print f }'
}

CONNTRACKD_LOCK=${CONNTRACKD_LOCK:-$(config_word LockFile)}
CONNTRACKD_LOCK=${CONNTRACKD_LOCK:-/var/lock/conntrackd.lock}

# With DisableExternalCache the peer's states go straight into this node's
# kernel: a warm backup, with nothing to commit on take-over. Its kernel table
# is then the state, so the stale-entry purge (-t) must not flush it.
WARM=0
[ "$(config_word DisableExternalCache)" = on ] && WARM=1

failed=0

log() {
	logger -t conntrackd-failover -- "$*" 2>/dev/null || echo "conntrackd-failover: $*" >&2
}

# Run one client request; a failure is logged and remembered, and the
# remaining steps still run (a partial hand-over beats none).
ctd() {
	if ! "$CONNTRACKD" -C "$CONNTRACKD_CONFIG" "$@"; then
		log "ERROR: conntrackd $* failed"
		failed=1
	fi
}

become_primary() {
	# Put the peer's flows (external cache) into the kernel first, so
	# connections survive the take-over.
	ctd -c
	# Those flows are now in the kernel: drop both caches ...
	ctd -f
	# ... and rebuild the internal one from the kernel table.
	ctd -R
	# Send the whole table to the new backup.
	ctd -B
}

become_backup() {
	# A backup must have a daemon to receive into. If none answers, a
	# crash or SIGHUP may have left the lock behind; clear it and start one.
	if ! "$CONNTRACKD" -C "$CONNTRACKD_CONFIG" -s >/dev/null 2>&1; then
		log "WARNING: conntrackd not answering, probably stopped uncleanly; restarting it"
		rm -f "$CONNTRACKD_LOCK"
		# keepalived with vrrp_rt_priority runs this script with a real-time
		# CPU limit of 0: a daemon that turns itself real-time (upstream does
		# by default) would be killed at once. Lift it where we may.
		command -v prlimit >/dev/null 2>&1 &&
			prlimit --pid $$ --rttime=unlimited:unlimited 2>/dev/null
		ctd -d
	fi
	# Flows this box committed as primary go stale: schedule a kernel
	# flush after PurgeTimeout instead of keeping zombies (not on a warm
	# backup, whose kernel table is the peer's state).
	[ "$WARM" = 1 ] || ctd -t
	# Ask the new primary for its full table (FT-FW and NOTRACK modes).
	ctd -n
}

become_fault() {
	[ "$WARM" = 1 ] || ctd -t
}

usage() {
	echo "usage: $0 primary|backup|fault" >&2
	echo "       $0 INSTANCE|GROUP NAME MASTER|BACKUP|FAULT [PRIORITY]" >&2
	exit 1
}

transition=${1:-}
case "$transition" in
INSTANCE | GROUP)
	[ $# -ge 3 ] || usage
	transition=$3
	;;
esac

case "$transition" in
primary | MASTER)
	become_primary
	;;
backup | BACKUP)
	become_backup
	;;
fault | FAULT)
	become_fault
	;;
STOP)
	# keepalived is shutting down; the daemon keeps its caches.
	;;
*)
	log "ERROR: unknown state transition '${transition}'"
	usage
	;;
esac

exit "$failed"
