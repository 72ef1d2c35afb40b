#!/bin/bash
# 96-fleet-login.sh - the login path takes a user's fleet lease (warren.conf(5), FLEET;
# issue 19, one host's side, takeover "never"), through real SSH logins: a container
# start takes her lease naming this host (warren-lease, held for as long as her container
# runs), another host's lease refuses her login naming that host, her container's stop
# releases the lease at once, a warm login asks etcd nothing, and an etcd that stops
# answering refuses new logins (fail closed) and stops her running container before her
# lease's TTL runs out (self-fencing), saying why.  A real etcd (Debian's etcd-server, one
# member) listens on the loopback of the test's network namespace, where sshd and so the
# helper run; tests/lib/fleetdrive is "another host" (login-b) there.
set -u
# run.sh bound: 240 s
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/etcd.sh
N=29
etcd_need $((N + 1))
DRIVE=$REPO/tests/lib/fleetdrive
CTL=$REPO/warrenctl
TTL=5
ETCD_PID=

fixture_start $N

trap 'etcd_ns_stop; fixture_finish; rmdir /sys/fs/cgroup/pids/warren-test-$$ /sys/fs/cgroup/warren-test-$$ 2>/dev/null' EXIT
etcd_ns_start
fleet_store "$T/store"
# Her data is an image on the store, which needs a size (94-fleet-store).
write_config "$(default_config | sed 's/disk = "max"/disk = "64M"/')
fleet = { store = \"$T/store\"; etcd = [ \"http://127.0.0.1:2379\" ]; lease_ttl = $TTL; takeover = \"never\"; };"

etcd_check_up "etcd answers in the test's network namespace" "$T/etcd.log" drive list
boot=$(cat /proc/sys/kernel/random/boot_id)

# 1. A start takes her lease, naming this host.
out=$(tssh wta -- 'echo "in $(hostname)"' 2>"$T/err")
check "wta logs in: she lands in her container ($out)" test "$out" = "in wta" || diag_file "$T/err" 5
# Her record names the container once it exists (its supervisor tells warren-lease).
for _ in $(seq 40); do
	h=$(holder wta)
	[ "$(awk '{ print $3 }' <<<"$h")" != - ] && break
	sleep 0.1
done
check "her lease names this host ($HOST_NAME) and its boot id: $h" \
	grep -q "^$HOST_NAME $boot [0-9]* [0-9a-f]*\$" <<<"$h"
id=$("$CTL" log wta --config "$CONF" 2>&1 | awk '$3 == "started" { id = $5 } END { print id }')
check "and her container's id, as warrenctl log's start says (${id:-none})" \
	test "$(awk '{ print $3 }' <<<"$h")" = "${id:-none}"
lease_a=$(awk '{ print $4 }' <<<"$h")
out=$(in_ns "$CTL" --config "$CONF" ls --fleet 2>&1)
check "warrenctl ls --fleet lists her lease on $HOST_NAME" \
	grep -Eq "^wta +$HOST_NAME " <<<"$out" || diag "$out"

# 2. A warm login asks etcd nothing: the same lease, no other.
hold keep wta -- 'echo held; read line'
held_up keep
out=$(tssh wta -- 'echo warm' 2>&1)
check "a second login of wta while her container runs lands ($out)" test "$out" = warm
check "and her lease is the same one ($lease_a), taken once" \
	test "$(holder wta | awk '{ print $4 }')" = "$lease_a" -a "$(drive list | grep -c '^wta ')" = 1
check "no warren-lease ran for the warm login (one keeper of wta)" \
	test "$(pgrep -fc '^warren-lease keep .* wta$')" = 1

# 3. Her container stops (idle, after the held login ends): the lease goes at once.
log_mark
release keep
check "her container stops idle (the log says so)" wait_log "the container of wta is stopped" 30
check "and her lease is gone at once (before the helper's stop returns too)" \
	test "$(holder wta)" = none
check "no warren-lease of wta is left" test "$(pgrep -fc '^warren-lease keep .* wta$')" = 0

# warrenctl stop (the helper's stop verb) too.
tssh wta -- true >/dev/null 2>&1
check "wta lands again: a new lease on $HOST_NAME" grep -q "^$HOST_NAME " <<<"$(holder wta)"
helper_stop wta >/dev/null 2>&1
check "warren-helper stop wta: her lease is gone when it returns" test "$(holder wta)" = none

# Her lease's keeper outlives the login that started it, as her supervisor does (66-enter):
# it leaves the login's cgroup (here a test cgroup the starting process runs in), its audit
# login uid and its session.
if [ -d /sys/fs/cgroup/pids ]; then testcg=/sys/fs/cgroup/pids/warren-test-$$; else testcg=/sys/fs/cgroup/warren-test-$$; fi
mkdir "$testcg"
(echo "$BASHPID" >"$testcg/cgroup.procs" && echo "$(id -u wta)" >/proc/self/loginuid &&
	exec nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" \
		"$HELPER" --config "$CONF" enter wta -- true) >/dev/null 2>&1
keeper=$(pgrep -f '^warren-lease keep .* wta$')
check "her lease's keeper (pid ${keeper:-none}) left the login's cgroup" \
	bash -c '[ -n "$2" ] && ! grep -q "warren-test-$1" "/proc/$2/cgroup"' - "$$" "$keeper"
check "and its audit login uid ($(cat "/proc/$keeper/loginuid" 2>/dev/null))" \
	test "$(cat "/proc/$keeper/loginuid" 2>/dev/null)" = 4294967295
check "and its session: one of its own" test "$(ps -o sid= -p "${keeper:-0}" | tr -d ' ')" = "$keeper"
helper_stop wta >/dev/null 2>&1
rmdir "$testcg" 2>/dev/null

# 4. Another host holds wtb's lease: her login is refused, naming it; released, she lands.
lease_b=$(drive take wtb login-b 60)
check "login-b (fleetdrive) takes wtb's lease first (lease ${lease_b:-none})" test -n "$lease_b"
log_mark
out=$(tssh wtb -- 'echo in' 2>&1)
check "wtb's login is refused while login-b holds her lease" test "$out" != in
check "the log names login-b: wtb's container runs on login-b" \
	wait_log "wtb's container runs on login-b"
check "warrenctl log wtb: refused, naming login-b" \
	grep -q "refused.*wtb's container runs on login-b" <<<"$("$CTL" log wtb --config "$CONF" 2>&1)"
check "nothing of wtb's container is left on this host" wait_container_gone wtb 10
drive release "$lease_b"
out=$(tssh wtb -- 'echo in' 2>&1)
check "login-b released it: wtb lands ($out)" test "$out" = in
helper_stop wtb >/dev/null 2>&1

# 5. etcd stops answering (frozen): new logins refused, the running container fenced.
hold keep wta -- 'echo held; read line'
held_up keep
check "wta's container runs, with her lease" grep -q "^$HOST_NAME " <<<"$(holder wta)"
log_mark
kill -STOP "$ETCD_PID"
t0=$(now_ms)
tssh wtb -- 'echo in' >"$T/cold.out" 2>&1 &
cold=$!
# The fence is the kill of her container's init (all of it dies with it), logged with
# the reason; the host-side cleanup (cgroups, her held session's sshd) follows.
wait_log "stopping the container of wta \\(its fleet lease could not be renewed\\)" $((TTL + 5)) >"$T/fence" 2>&1
fenced=$(($(now_ms) - t0))
check "wta's running container is stopped with the reason: her fleet lease could not be renewed" \
	grep -Eq "stopping the container of wta: the fleet lease of wta (could not be renewed|is lost)" <(log_since) ||
	diag_file "$T/fence"
check "within the lease's TTL of the freeze (killed after ${fenced} ms, TTL ${TTL} s)" \
	test "$fenced" -le $((TTL * 1000))
wait "$cold"
check "with etcd frozen, wtb's cold login is refused (fail closed)" test "$(cat "$T/cold.out")" != in
check "the log says why (etcd does not answer)" \
	wait_log "cannot take the fleet lease of wtb \\(fail closed\\): etcd did not answer"
check "her container is gone" wait_container_gone wta 10
check "warrenctl log wta: stopped because its fleet lease could not be renewed" \
	grep -q "stopped.*its fleet lease could not be renewed: the fleet lease of wta" <<<"$("$CTL" log wta --config "$CONF" 2>&1)"
release keep >/dev/null 2>&1
kill -CONT "$ETCD_PID"

etcd_ns_stop
fixture_finish
