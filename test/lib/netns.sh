# SPDX-License-Identifier: GPL-2.0-or-later
# Throwaway network namespaces for tests: unique names, echo-then-run helpers, cleanup on exit.
#
# Source this from a bash test (`. "$(dirname "$0")/../lib/netns.sh"`). It turns on `set -e`,
# stops the test through `skip` when we are not root or `ip netns` does not work, and installs
# `trap cleanup EXIT`, which deletes every namespace made through ns_new and kills only the
# pids started through ns_bg. Nothing here touches the default namespace's conntrack table or
# firewall: every conntrack/nft/sysctl command goes through `ip netns exec`.
#
#   ns_new VAR [TAG]     make a namespace, store its name in $VAR; lo is up, acct+timestamp on
#   nsx NS CMD...        echo CMD to the log (fd 3), then run it inside NS
#   ns_bg NS CMD...      like nsx, in the background; the pid is remembered for cleanup
#   pp CMD...            echo, then run in the current namespace (for non-network commands)
#   ns_private_etc       re-exec the script in a private mount namespace with /etc overlaid,
#                        so tests may write /etc/xtables/connlabel.conf without touching the host
#   skip MSG             this machine cannot run the rest of the file: exit 1 if a failure
#                        was already recorded (testing.sh), else cannot_test MSG (lib/skip.sh:
#                        a failure unless CTBOX_ALLOW_SKIP=1, then exit 77)
#
# Env: CT_QUIET=1 silences the echo.

set -e
export LANG=C LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/skip.sh"

# Commands echo to the test's original stderr even while their own streams are redirected.
exec 3>&2

CT_NETNS_LIST=()
CT_PID_LIST=()
CT_TMPDIRS=()
CT_CLEANUP_HOOKS=()

pretty()
{
	[ -n "$CT_QUIET" ] && return 0
	printf '[+] %s%s\n' "${1:+$1: }" "$2" >&3
}

pp()
{
	pretty "" "$*"
	"$@"
}

skip()
{
	# A skip halfway through a file must not hide the failures recorded before it.
	if [ "${CT_FAIL:-0}" -gt 0 ]; then
		echo "cannot go on: $*" >&3
		testing_done
	fi
	cannot_test "$*" >&3
}

nsx()
{
	local ns=$1
	shift
	pretty "${ns##*-}" "$*"
	ip netns exec "$ns" "$@"
}

ns_bg()
{
	local ns=$1
	shift
	pretty "${ns##*-}" "$* &"
	ip netns exec "$ns" "$@" &
	CT_PID_LIST+=("$!")
}

ns_sysctl()
{
	local ns=$1
	shift
	ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

# ns_new VAR [TAG]: the name carries our pid and a random number so parallel runs and
# leftovers from a killed run never collide.
ns_new()
{
	local _ns="ctbox-$$-$RANDOM-${2:-$1}"
	pretty "" "ip netns add $_ns"
	ip netns add "$_ns" || skip "ip netns add failed"
	CT_NETNS_LIST+=("$_ns")
	ip -n "$_ns" link set lo up
	# Counters and timestamps are per namespace; the outputs under test depend on both.
	ns_sysctl "$_ns" net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
	printf -v "$1" '%s' "$_ns"
}

ns_tmpdir()
{
	local _tmp
	_tmp=$(mktemp -d /tmp/ctbox-test.XXXXXX)
	CT_TMPDIRS+=("$_tmp")
	printf -v "$1" '%s' "$_tmp"
}

# Run "$@" at cleanup time (before namespaces go away).
at_cleanup()
{
	CT_CLEANUP_HOOKS+=("$*")
}

cleanup()
{
	local rc=$? p n d h
	set +e
	for h in "${CT_CLEANUP_HOOKS[@]}"; do
		eval "$h" >/dev/null 2>&1
	done
	for p in "${CT_PID_LIST[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${CT_PID_LIST[@]}"; do
		wait "$p" 2>/dev/null
	done
	for n in "${CT_NETNS_LIST[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	for d in "${CT_TMPDIRS[@]}"; do
		rm -rf -- "$d"
	done
	exit "$rc"
}

# Some tests need files under /etc (the label map lives at /etc/xtables/connlabel.conf for
# both conntrack 1.4.7 and ctbox). Overlay /etc in a private mount namespace so the host's /etc
# is never written. Must be called before ns_new.
ns_private_etc()
{
	if [ -z "$CTBOX_PRIVATE_ETC" ]; then
		command -v unshare >/dev/null || skip "unshare not available"
		CTBOX_PRIVATE_ETC=1 exec unshare -m --propagation private bash "$0" "$@"
	fi
	local etcdir
	ns_tmpdir etcdir
	[ -d "$etcdir" ] || exit 1
	mkdir "$etcdir/up" "$etcdir/work"
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$etcdir/up,workdir=$etcdir/work" /etc ||
		skip "cannot overlay /etc in a private mount namespace"
}

[ "$(id -u)" = 0 ] || skip "netns tests need root"
command -v ip >/dev/null || skip "iproute2 (ip) not installed"
ip netns list >/dev/null 2>&1 || skip "ip netns is unusable here"

trap cleanup EXIT
# A signal (meson's timeout, ^C) must still run cleanup: turn it into a normal exit.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
