#!/bin/bash
# 97-fleet-takeover.sh - takeover "idle" and "always" (warren.conf(5), FLEET; issue 19),
# both sides through real SSH logins on this machine: tests/lib/fleetdrive plays the other
# host, login-b, in the test's network namespace, against a real etcd (Debian's
# etcd-server, one member, on its loopback).  As the holder, this host's supervisor stops
# her container when login-b asks and no session of hers is alive here (idle), refuses
# while one is, and stops it in any case with SIGTERM first (always), the log naming
# login-b.  As the asker, a login here waits for login-b to let her lease go and lands,
# and is refused, naming login-b, when it refuses or does not answer in time.  And the
# self-fence kills her container within the TTL even while a login holds her lock.
set -u
# run.sh bound: 240 s
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/etcd.sh
N=30
etcd_need $((N + 1))
DRIVE=$REPO/tests/lib/fleetdrive
CTL=$REPO/warrenctl
TTL=5
ETCD_PID=
DRIVE_PID=
LOCK_PID=

fixture_start $N

# The background fleetdrive (login-b holding a lease) and the test's hold of her lock:
# ended by their pids.
stop_drive() { # and its lease released, as a host that stops does
	local lease
	[ -n "$DRIVE_PID" ] || return 0
	kill "$DRIVE_PID" 2>/dev/null
	wait "$DRIVE_PID" 2>/dev/null
	DRIVE_PID=
	lease=$(head -n1 "$T/drive.out")
	[ -n "$lease" ] && in_ns "$DRIVE" "$CONF" release "$lease" >/dev/null 2>&1
	return 0
}
unlock() {
	[ -n "$LOCK_PID" ] && kill "$LOCK_PID" 2>/dev/null && wait "$LOCK_PID" 2>/dev/null
	LOCK_PID=
}
trap 'unlock; stop_drive; etcd_ns_stop; fixture_finish' EXIT
etcd_ns_start
fleet_store "$T/store"
# Containers stay without a session (idle_timeout 120): login-b asks for a running one.
# Her data is an image on the store, which needs a size (94-fleet-store).
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 120;/; s/disk = "max"/disk = "64M"/')
fleet = { store = \"$T/store\"; etcd = [ \"http://127.0.0.1:2379\" ]; lease_ttl = $TTL; takeover = \"idle\"; };"
# login-b holding USER's lease in the background, answering ANSWER: its output in $T/drive.out.
drive_hold() { # drive_hold USER ANSWER
	nsenter --net="/run/netns/$NS" "$DRIVE" "$CONF" hold "$1" login-b 60 "$2" 60 >"$T/drive.out" 2>&1 &
	DRIVE_PID=$!
	for _ in $(seq 40); do grep -q '^[0-9a-f]*$' "$T/drive.out" && return 0; sleep 0.25; done
	return 1
}

etcd_check_up "etcd answers in the test's network namespace" "$T/etcd.log" drive list

# --- This host holds: login-b asks.
# 1. idle, no session of hers alive here: her container moves.
out=$(tssh wta -- 'echo in' 2>&1)
h=$(holder wta)
check "wta lands here ($out); her lease names $HOST_NAME ($h)" test "$out" = in -a "${h%% *}" = "$HOST_NAME"
# Her login's processes take a moment to leave (pids.current counts them until reaped):
# "no session alive" is only init left.
for _ in $(seq 40); do
	[ "$(cat "$(user_cgroup wta)/pids.current" 2>/dev/null)" = 1 ] && break
	sleep 0.25
done
log_mark
t0=$(now_ms)
lease=$(drive ask wta login-b idle 20 2>"$T/ask.err")
h=$(holder wta)
check "login-b asks (takeover idle) with no session of hers alive: it gets her lease ($(($(now_ms) - t0)) ms)" \
	test -n "$lease" -a "${h%% *}" = login-b || diag_file "$T/ask.err"
check "the log here says for which host: stopping the container of wta (taken over by login-b, takeover idle)" \
	wait_log "stopping the container of wta \\(taken over by login-b, takeover idle\\)"
check "her container here is gone" wait_container_gone wta 10
check "warrenctl log wta: stopped, taken over by login-b" \
	grep -q "stopped.*taken over by login-b, takeover idle" <<<"$("$CTL" log wta --config "$CONF" 2>&1)"
[ -n "$lease" ] && drive release "$lease"

# 2. idle, a session of hers alive here: refused, her session goes on.
hold keep wta -- 'echo held; read line; echo still-here'
held_up keep
log_mark
out=$(drive ask wta login-b idle 20 2>&1)
rc=$?
check "login-b asks (takeover idle) while her session is alive here: refused (exit $rc)" test "$rc" = 3
check "login-b is told why, naming this host: $out" \
	grep -q "wta's container runs on $HOST_NAME, which refused to stop it (takeover idle): a session of hers is alive there" <<<"$out"
check "the log here: login-b asks for the container of wta (takeover idle): refused" \
	wait_log "login-b asks for the container of wta \\(takeover idle\\): refused, a session of hers is alive there"
check "her lease stays on $HOST_NAME" grep -q "^$HOST_NAME " <<<"$(holder wta)"
release keep
check "and her session went on: it answers after the refusal" grep -q still-here "$T/keep.out" || diag_file "$T/keep.out"

# 3. always, a session of hers alive here: SIGTERM to her programs, then her container moves.
hold keep wta -- 'rm -f ~/takeover-term; trap "echo TERM-first >~/takeover-term; exit 0" TERM; echo held; sleep 600 & wait'
held_up keep
log_mark
lease=$(drive ask wta login-b always 30 2>"$T/ask.err")
h=$(holder wta)
check "login-b asks (takeover always) while her session is alive: it gets her lease" \
	test -n "$lease" -a "${h%% *}" = login-b || diag_file "$T/ask.err"
check "the log here names login-b: it takes the container of wta over, SIGTERM to her programs first" \
	wait_log "login-b takes the container of wta over \\(takeover always\\): SIGTERM to her programs first"
check "then: stopping the container of wta (taken over by login-b, takeover always)" \
	wait_log "stopping the container of wta \\(taken over by login-b, takeover always\\)"
release keep
check "her session here ended" wait_container_gone wta 10
[ -n "$lease" ] && drive release "$lease"
out=$(tssh wta -- 'cat ~/takeover-term' 2>&1)
check "her program got SIGTERM first (its trap wrote to her home: $out)" test "$out" = TERM-first
helper_stop wta >/dev/null 2>&1

# --- login-b holds: a login here asks.
# 4. login-b lets her lease go: the login waits and lands.
drive_hold wtb release
check "login-b (fleetdrive) holds wtb's lease" grep -q "^login-b " <<<"$(holder wtb)"
t0=$(now_ms)
out=$(tssh wtb -- 'echo in' 2>&1)
check "wtb's login here waits for login-b and lands ($out, $(($(now_ms) - t0)) ms)" test "$out" = in
check "login-b was asked by this host (takeover idle)" grep -q "^asked idle $HOST_NAME\$" "$T/drive.out" ||
	diag_file "$T/drive.out"
check "her lease now names $HOST_NAME" grep -q "^$HOST_NAME " <<<"$(holder wtb)"
wait "$DRIVE_PID"
DRIVE_PID=
helper_stop wtb >/dev/null 2>&1

# 5. login-b refuses: the login is refused, naming login-b and why.
drive_hold wtb refuse
log_mark
out=$(tssh wtb -- 'echo in' 2>&1)
check "login-b refuses: wtb's login here is refused" test "$out" != in
check "the log names login-b and why" \
	wait_log "wtb's container runs on login-b, which refused to stop it \\(takeover idle\\): fleetdrive refuses"
check "nothing of wtb's container is left here" wait_container_gone wtb 10
stop_drive

# 6. login-b never answers: refused after the bound (3 TTLs), naming login-b.
drive_hold wtb ignore
log_mark
t0=$(now_ms)
out=$(tssh wtb -- 'echo in' 2>&1)
took=$(($(now_ms) - t0))
check "login-b does not answer: wtb's login is refused after $took ms (bound $((3 * TTL)) s)" \
	test "$out" != in -a "$took" -ge $((3 * TTL * 1000)) -a "$took" -lt $((3 * TTL * 1000 + 15000))
check "the log names login-b: it did not stop it within $((3 * TTL)) s" \
	wait_log "wtb's container runs on login-b, which did not stop it within $((3 * TTL)) s \\(takeover idle\\)"
check "login-b's lease is untouched" grep -q "^login-b " <<<"$(holder wtb)"
stop_drive

# 7. The self-fence does not wait for her lock: a login holding it while etcd is frozen
# does not keep her container alive past the TTL.
hold keep wta -- 'echo held; read line'
held_up keep
mkfifo -m 0600 "$T/lock.in"
(
	exec 9<>"/run/warren/locks/wta" && flock 9 && echo locked >"$T/lock.state" && read -r -t 60 _ <>"$T/lock.in"
) &
LOCK_PID=$!
for _ in $(seq 40); do [ -s "$T/lock.state" ] && break; sleep 0.1; done
check "the test holds wta's lock, as a login does" test -s "$T/lock.state"
log_mark
kill -STOP "$ETCD_PID"
t0=$(now_ms)
for _ in $(seq $(((TTL + 5) * 10))); do
	kill -0 "${HELD[keep]}" 2>/dev/null || break
	sleep 0.1
done
ended=$(($(now_ms) - t0))
gone=yes
kill -0 "${HELD[keep]}" 2>/dev/null && gone=no
check "her session ends within the TTL of the freeze, her lock held ($ended ms, TTL $TTL s)" \
	test "$gone" = yes -a "$ended" -le $((TTL * 1000))
check "the log says why: stopping the container of wta: the fleet lease of wta could not be renewed" \
	wait_log "stopping the container of wta: the fleet lease of wta (could not be renewed|is lost)"
unlock
release keep >/dev/null 2>&1
kill -CONT "$ETCD_PID"
check "with her lock free, her container is cleaned up" wait_container_gone wta 15

etcd_ns_stop
fixture_finish
