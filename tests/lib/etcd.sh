# etcd.sh - a real etcd for the fleet tests (95-fleet-lease, 96-fleet-login, 97-fleet-takeover):
# Debian's etcd-server started by the test, waited for, stopped by its pid.  Sourced after
# tests/lib/tap.sh (and, for the etcd_ns_* and login helpers, tests/lib/fixture.sh).

# etcd_need PLANNED: the whole test skipped (PLANNED checks) without etcd, or when what it
# drives does not build: tests/lib/fleetdrive (another host), warren-lease, warrenctl.
etcd_need() {
	command -v etcd >/dev/null || skip_all "no etcd (apt-get install etcd-server; .ci/run does)" "$1"
	make -s tests/lib/fleetdrive warren-lease warrenctl >/dev/null 2>&1 ||
		skip_all "tests/lib/fleetdrive or warren-lease does not build (make tests/lib/fleetdrive warren-lease)" "$1"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# etcd_start VAR LOG NETNS NAME DATA CLIENT_URL PEER_URL CLUSTER [ETCD_ARGS...]: one member
# in the background, in the network namespace NETNS ("": the host's), its output appended
# to LOG, its pid in VAR (an array's element too: "pid[2]").  nsenter and env exec what
# follows, so the pid is etcd's own.  The environment's ETCD_* would override the flags.
etcd_start() {
	local var=$1 log=$2 netns=$3 name=$4 data=$5 client=$6 peer=$7 cluster=$8
	local -a in_netns=()
	shift 8
	[ -n "$netns" ] && in_netns=(nsenter --net="/run/netns/$netns")
	"${in_netns[@]}" env -u ETCD_NAME -u ETCD_DATA_DIR -u ETCD_INITIAL_CLUSTER etcd --name "$name" \
		--data-dir "$data" --listen-client-urls "$client" --advertise-client-urls "$client" \
		--listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
		--initial-cluster "$cluster" --initial-cluster-state new --logger zap "$@" \
		</dev/null >>"$log" 2>&1 &
	printf -v "$var" %s "$!"
}

# etcd_stop PID...: the members of these pids that still are etcd: woken if frozen, SIGTERM,
# and SIGKILL if still there after 5 s (a member may wait on a frozen peer to hand its
# leadership over).
etcd_stop() {
	local p n
	for p in "$@"; do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = etcd ] || continue
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	for p in "$@"; do
		for ((n = 0; n < 50; n++)); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = etcd ] || break
			sleep 0.1
		done
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = etcd ] && kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# etcd_check_up DESCRIPTION LOG CMD...: a check that CMD (a call to etcd) succeeds within
# 60 s; when it does not, LOG's last lines, the rest skipped, and the script ends.
etcd_check_up() {
	local desc=$1 log=$2 up=0
	shift 2
	for _ in $(seq 240); do
		"$@" >/dev/null 2>&1 && { up=1; break; }
		sleep 0.25
	done
	check "$desc" test "$up" = 1 && return 0
	diag_file "$log" 10
	skip_rest "etcd did not come up"
	exit 1
}

# With tests/lib/fixture.sh: one member, m1, on 127.0.0.1:2379 in the test's network
# namespace (nothing else listens there, sshd and so the helper run there), data and log
# under $T; its pid in ETCD_PID.
etcd_ns_start() {
	etcd_start ETCD_PID "$T/etcd.log" "$NS" m1 "$T/etcd" http://127.0.0.1:2379 \
		http://127.0.0.1:2380 m1=http://127.0.0.1:2380
}
etcd_ns_stop() {
	[ -n "${ETCD_PID:-}" ] && etcd_stop "$ETCD_PID"
	ETCD_PID=
}

# fleet_store DIR: the store of a one-host test: DIR, made, and bound over itself in sshd's
# mount namespace (the helper's), so that it is a mount point, as a store must be; the
# test's own namespace sees the same files.
fleet_store() {
	mkdir -p "$1" && nsenter --mount="/proc/$SSHD_PID/ns/mnt" mount --bind "$1" "$1"
}

# tests/lib/fleetdrive as another host, with the test's config, in its network namespace.
drive() { in_ns "$DRIVE" "$CONF" "$@"; }
# USER's lease as "HOST BOOT CONTAINER LEASE", or "none".
holder() { drive holder "$1" 2>&1; }
# held_up NAME [SECONDS]: until the held login NAME (fixture's hold) has said "held", at
# most SECONDS (15).
held_up() {
	for _ in $(seq $((${2:-15} * 4))); do
		grep -q held "$T/$1.out" && return 0
		sleep 0.25
	done
	return 1
}
