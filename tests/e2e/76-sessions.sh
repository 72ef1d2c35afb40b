#!/bin/bash
# 76-sessions.sh - the logins a container holds: max_sessions refuses one more, and a
# login cannot join a container at its pids limit (a move into a cgroup is not held to
# pids.max as a fork is), through real logins.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 14

write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 3; disk = \"max\"; network = \"none\"; };
users = ( { name = \"wta\"; max_sessions = 2; }, { name = \"wtb\"; pids = 16; } );"

# pids_of USER FILE: USER's pids cgroup file, on v1 or v2
pids_of() { cat "$(user_cgroup "$1")/$2"; }
# logins_of USER: the sshd processes (logins) in USER's container
logins_of() {
	local n=0 p
	for p in $(pids_of "$1" cgroup.procs 2>/dev/null); do
		[ "$(readlink "/proc/$p/exe")" = /usr/sbin/sshd ] && n=$((n + 1))
	done
	echo "$n"
}

# max_sessions = 2: three first logins at once (no container yet, all three racing to
# build and join it): two land and stay, the third is refused.  Each holds its login
# until the test releases it (hold: however slow the machine, not for a fixed time).
for k in 1 2 3; do
	hold "wta-$k" wta -- 'echo in; exec head -n 1 >/dev/null'
done
# Each either printed "in" (it landed) or ended (refused).
landed=() refused=()
for ((i = 0; i < 240; i++)); do
	landed=() refused=()
	for k in 1 2 3; do
		if grep -qx in "$T/wta-$k.out"; then landed+=("$k")
		elif ! kill -0 "${HELD[wta-$k]}" 2>/dev/null; then refused+=("$k"); fi
	done
	[ $((${#landed[@]} + ${#refused[@]})) -eq 3 ] && break
	sleep 0.25
done
check "max_sessions = 2, three logins at once: two land (${landed[*]}) and one is refused (${refused[*]})" \
	test "${#landed[@]}" -eq 2 -a "${#refused[@]}" -eq 1
check "the refused one got no host shell" \
	test -n "${refused[0]:-}" -a "$(cat "$T/wta-${refused[0]:-0}.out" 2>/dev/null)" != in
check "the log gives the numbers and the fix" \
	wait_log "refusing the login of wta: wta already has 2 logins to her container, and max_sessions is 2: close one, or raise max_sessions" 5
out=$(tssh wta -- hostname 2>&1)
rc=$?
check "and so is a fourth while both stay (exit $rc)" test "$rc" -ne 0 -a "$out" != "$HOST_NAME" -a "$out" != wta
release "wta-${landed[0]:-1}"
for ((i = 0; i < 80; i++)); do [ "$(logins_of wta)" -le 1 ] && break; sleep 0.25; done
out=$(tssh wta -- hostname 2>&1)
two=wta-${landed[1]:-2}
check "with one of them gone, a new login fits beside the other ($out)" \
	bash -c '[ "$1" = wta ] && kill -0 "$2"' - "$out" "${HELD[$two]:-0}"

# pids = 16: a login holding its processes at the limit (until the test releases it:
# then it kills them), then one more login (-N: it would need no fork of its own) is
# turned away instead of staying above pids.max.
hold pids wtb -- "perl -e '\$|=1; for (1..30) { my \$p = fork; last unless defined \$p;
	if (!\$p) { sleep 600; exit } push @k, \$p } print \"full\\n\"; <STDIN>; kill 9, @k'"
for i in $(seq 120); do grep -q full "$T/pids.out" 2>/dev/null && break; sleep 0.25; done
cur=$(pids_of wtb pids.current) max=$(pids_of wtb pids.max)
check "wtb's container is at its limit ($cur of $max)" test "$cur" = "$max"
log_mark
tssh wtb -N >/dev/null 2>&1
rc=$?
check "one more login (ssh -N) is turned away (exit $rc; 124 would be: it stayed)" test "$rc" -eq 255
check "the log says why" wait_log "the container is at its process limit \(pids = 16\): this login cannot join it" 5
# (Its process counts until sshd's monitor has reaped it.)
for i in $(seq 80); do cur=$(pids_of wtb pids.current); [ "$cur" -le "$max" ] && break; sleep 0.25; done
check "wtb's container is back within pids.max, not one above it ($cur of $max)" test "$cur" -le "$max"
release "$two"
release pids
check "wta still lands after all that" test "$(tssh wta -- hostname 2>&1)" = wta

# warrenctl stop: SIGTERM to her programs and logins first, then the container goes.
# (held: only the stop may end this login)
hold term wta -- 'trap "echo term >~/got-term; exit 0" TERM; sleep 600 & wait'
held=${HELD[term]}
for i in $(seq 120); do [ "$(logins_of wta)" -ge 1 ] && break; sleep 0.25; done
out=$("$REPO/warrenctl" stop wta 2>&1)
rc=$?
check "warrenctl stop wta: exit $rc, \"$out\"" test "$rc" -eq 0 -a "$out" = "wta: stopped"
for i in $(seq 80); do kill -0 "$held" 2>/dev/null || break; sleep 0.25; done
check "her login ended with it" bash -c '! kill -0 "$1" 2>/dev/null' - "$held"
check "and her container is gone" test -z "$(container_leftovers wta)"
check "her program was sent SIGTERM first, and had time to act on it" \
	test "$(tssh wta -- 'cat got-term' 2>&1)" = term
fixture_finish
