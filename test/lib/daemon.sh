# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd under test: configs, start/stop by pid, client calls; ours and the reference.
#
# Source after netns.sh (and testing.sh). The daemon under test is $CONNTRACKD (meson passes
# the build tree's `conntrackd` link); the reference is $ORACLED (/usr/sbin/conntrackd 1.4.7).
#
#   dmn_conf FILE DIR [SECTIONS...]  write a config whose General block keeps every file of
#                              the instance under DIR (lock, socket, log); SECTIONS (text)
#                              follow it. $DMN_GENERAL adds lines to General.
#   dmn_start VAR NS BIN CONF  start BIN -C CONF in the foreground inside NS, in the
#                              background; wait until its socket answers; VAR gets the pid
#   dmn_stop PID [SOCK]        SIGTERM, wait for the exit, fail the test if it hangs
#   dmn_cli NS BIN CONF ARG... one client call (stdout and stderr as is)
#   dmn_norm                   mask what differs between two daemons or two runs:
#                              [active since Ns], [expires in Ns], delta-time, <id>, the
#                              log prefix's time and pid, version banners
#   dmn_both NAME ARG...       the same client call against both daemons of a test, whose
#                              configs are $W/ours/conf and $W/ref/conf in namespace $CT_NS:
#                              stdout, stderr and exit code normalised (dmn_norm) must match.
#                              DMN_SORT=1 sorts stdout (cache dumps follow each daemon's hash)
#                              and drops the daemons' own sync flows (addresses $DMN_OWN);
#                              DMN_MASK is a sed -E script for both records; DMN_REF_FIX one
#                              for the reference's only (1.4.9 vs 1.4.7 differences).

ORACLED=${ORACLED:-/usr/sbin/conntrackd}
[ -x "$ORACLED" ] || skip "reference conntrackd not found at $ORACLED"
[ -n "$CONNTRACKD" ] || { echo "CONNTRACKD is not set" >&2; exit 1; }
[ -x "$CONNTRACKD" ] || { echo "daemon under test not executable: $CONNTRACKD" >&2; exit 1; }

dmn_conf()
{
	local f=$1 dir=$2
	shift 2
	{
		cat <<-EOF
		General {
			LogFile $dir/log
			LockFile $dir/lock
			UNIX { Path $dir/sock }
			Scheduler { Type FIFO Priority 1 }
			${DMN_GENERAL:-}
		}
		EOF
		local s
		for s in "$@"; do
			printf '%s\n' "$s"
		done
	} >"$f"
}

# dmn_sock CONF: the UNIX path a config names.
dmn_sock()
{
	sed -n 's/.*UNIX { Path \([^ ]*\) }.*/\1/p' "$1" | head -1
}

dmn_start()
{
	local __v=$1 ns=$2 bin=$3 conf=$4 sock i
	sock=$(dmn_sock "$conf")
	pretty "${ns##*-}" "$bin -C $conf &"
	ip netns exec "$ns" "$bin" -C "$conf" >"$conf.stdout" 2>"$conf.stderr" &
	local pid=$!
	CT_PID_LIST+=("$pid")
	for ((i = 0; i < 100; i++)); do
		if [ -S "$sock" ] && ip netns exec "$ns" "$bin" -C "$conf" -s runtime >/dev/null 2>&1; then
			printf -v "$__v" '%s' "$pid"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "daemon $bin did not come up; its output:" >&2
	cat "$conf.stdout" "$conf.stderr" >&2
	return 1
}

dmn_stop()
{
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	echo "daemon $pid ignored SIGTERM" >&2
	kill -KILL "$pid" 2>/dev/null
	return 1
}

dmn_cli()
{
	local ns=$1 bin=$2 conf=$3
	shift 3
	timeout -k 5 "${DMN_CLI_TIMEOUT:-30}" ip netns exec "$ns" "$bin" -C "$conf" "$@"
}

dmn_norm()
{
	sed -E -e 's/\[active since [0-9]+s\]/[active since Ns]/' \
		-e 's/\[expires in [0-9]+s\]/[expires in Ns]/' \
		-e 's/delta-time=[0-9]+/delta-time=N/' \
		-e 's#<id>[0-9]+</id>#<id>ID</id>#' \
		-e 's#<deltatime>[0-9]+</deltatime>#<deltatime>N</deltatime>#' \
		-e 's/^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}\] \(pid=[0-9]+\)/[TIME] (pid=PID)/' \
		-e 's/^Usage: [^ ]+ /Usage: PROG /' \
		-e 's/ v[0-9]+\.[0-9][0-9.]*( \(ctbox\))?/ vVERSION/g'
}

dmn_both()
{
	local name=$1 side conf bin
	shift
	for side in ours ref; do
		conf=$W/$side/conf
		bin=$CONNTRACKD
		[ $side = ref ] && bin=$ORACLED
		set +e
		dmn_cli "$CT_NS" "$bin" "$conf" "$@" >"$W/$side.out" 2>"$W/$side.err"
		echo "--- exit $?" >>"$W/$side.err"
		set -e
		{
			# The daemons' own sync datagrams are flows too; their events race the
			# commands (ICMP errors for a silent peer update them): leave them out.
			# Sorted after masking, so masked fields cannot change the order.
			if [ -n "$DMN_SORT" ]; then
				grep -v "${DMN_OWN:-^\$}" "$W/$side.out" | dmn_norm |
					sed -E "${DMN_MASK:-}" | LC_ALL=C sort
			else
				dmn_norm <"$W/$side.out" | sed -E "${DMN_MASK:-}"
			fi
			echo "--- stderr"
			dmn_norm <"$W/$side.err" | sed -E "${DMN_MASK:-}"
		} >"$W/$side.rec"
		# 1.4.9 (our target) exits 1 on bad arguments where the 1.4.7 reference exits 0.
		if [ $side = ref ] && [ -n "$DMN_REF_FIX" ]; then
			sed -i -E "$DMN_REF_FIX" "$W/$side.rec"
		fi
	done
	if cmp -s "$W/ref.rec" "$W/ours.rec"; then
		testing_pass "$name"
	else
		testing_fail "$name" "$W/ref.rec" "$W/ours.rec"
	fi
}
