#!/bin/bash
# 20-persistence.sh - what a user writes in their container (home and root filesystem)
# shellcheck disable=SC2016
# survives the container's stop (warren-helper stop, and the idle timeout), is there at the
# next login, and is never visible to another user.  An idle container really goes away.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 18

see='cat ~/home-file /var/tmp/root-file'

check "wta writes ~/home-file and /var/tmp/root-file in its container" \
	tssh wta -- 'echo home-data >~/home-file && echo root-data >/var/tmp/root-file'
check "wtb's container has neither file" \
	tssh wtb -- 'for f in ~/home-file /home/wta/home-file /var/tmp/root-file; do test ! -e $f || exit 1; done'

check "warren-helper stop wta stops the container" helper_stop wta
check "after the stop nothing of wta's container is left" wait_container_gone wta 10

log_mark
out=$(tssh wta -- "$see" 2>&1)
init1=$(init_identity wta)
check "the next login sees both files" test "$(head -n 2 <<<"$out")" = "home-data
root-data" || diag "$out"

on_host() {
	grep -qx home-data "$STATE/users/wta/home/home-file" &&
		grep -qx root-data "$STATE/users/wta/root/var/tmp/root-file"
}
check "they are in wta's upper layers on the host" on_host

# Idle: logged out, idle_timeout = 3 s: the container must go away on its own, not at once.
# "Not at once" from the log's time stamps (seconds), which a slow test cannot stretch:
# from the session's close (pam_unix) to the supervisor's idle stop.
stamp() { # stamp ERE: the time of the first line since the mark that matches ERE, in s
	local t
	t=$(log_since | grep -E -m 1 -- "$1" | sed -nE 's/^<[0-9]+>([A-Z][a-z]{2} +[0-9]+ [0-9:]{8}) .*/\1/p')
	[ -n "$t" ] && date -d "$t" +%s
}
t0=$SECONDS
if left=$(wait_container_gone wta 15); then
	ok "logged out and idle: the container is gone after $((SECONDS - t0)) s (idle_timeout 3 s)"
else
	not_ok "logged out and idle: the container is gone within 15 s (idle_timeout 3 s)"
	diag "$left"
fi
wait_log "stopping the container of wta \(idle\)" >/dev/null
closed=$(stamp "session closed for user wta") stopped=$(stamp "stopping the container of wta \(idle\)")
check "not at once: it stopped $((${stopped:-0} - ${closed:-0})) s after the logout (idle_timeout 3 s)" \
	test -n "$closed" -a -n "$stopped" -a "$((${stopped:-0} - ${closed:-0}))" -ge 2 || diag "$(log_since)"

# warren's own record (warrenctl log): the container started, was joined, stopped idle,
# one id from start to stop.  The id is the last one started (the first container was
# stopped by warren-helper stop): a container's id is its pid namespace's inode number,
# which the kernel may or may not give the next one again.
log=$("$REPO/warrenctl" log wta --config "$CONF" 2>&1)
id=$(awk '$3 == "started" { id = $5 } END { print id }' <<<"$log")
check "warrenctl log wta: started, joined and stopped (idle), one container id ($id)" \
	bash -c 'grep -q "wta started container $2 " <<<"$1" && grep -q "wta joined container $2\$" <<<"$1" &&
		grep -q "wta stopped container $2 (idle)" <<<"$1"' - "$log" "${id:-none}" || diag "$log"
check "and as JSON, with the documented fields" \
	perl -MJSON::PP -e 'my $e = decode_json(join "", <STDIN>); @$e or exit 1;
		for (@$e) { join(",", sort keys %$_) eq "detail,event,time,user" or exit 1 }' \
	<<<"$("$REPO/warrenctl" log wta --json --config "$CONF")"

out=$(tssh wta -- "$see" 2>&1)
check "after the idle stop the next login sees both files" test "$(head -n 2 <<<"$out")" = "home-data
root-data" || diag "$out"
init2=$(init_identity wta)
new_init() { [[ $init1 =~ ^[0-9]+\ [0-9]+$ && $init2 =~ ^[0-9]+\ [0-9]+$ && $init1 != "$init2" ]]; }
check "...in a new container (init pid and start: $init1, now $init2)" new_init
check "wtb still sees neither file" \
	tssh wtb -- 'test ! -e ~/home-file && test ! -e /var/tmp/root-file && test ! -e /home/wta/home-file'

# A stop while a session is open ends that session too, and still leaves nothing.  The
# session runs no command (ssh -N, as for port forwarding): only its sshd process, outside
# the container's pid namespace, holds it.
tssh wta -N >/dev/null 2>&1 &
open=$!
session_up() {
	local f p
	for f in "$(user_cgroup wta)/cgroup.procs"; do
		[ -e "$f" ] || continue
		for p in $(cat "$f"); do [ "$(readlink "/proc/$p/exe")" = /usr/sbin/sshd ] && return 0; done
	done
	return 1
}
for i in $(seq 40); do session_up && break; sleep 0.25; done
check "an ssh -N session of wta is up (its sshd process in wta's cgroup)" session_up
helper_stop wta >/dev/null
ended() { for i in $(seq 40); do kill -0 "$open" 2>/dev/null || return 0; sleep 0.25; done; return 1; }
check "warren-helper stop ends a session that is still open" ended
check "and leaves nothing of the container behind" wait_container_gone wta 10

# idle_timeout per user: wtb's entry says 2 s, the defaults 60 s (wta).
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')
users = ( { name = \"wtb\"; idle_timeout = 2; } );"
tssh wta -- true && tssh wtb -- true
if left=$(wait_container_gone wtb 15); then
	ok "wtb's own idle_timeout (2 s) stops her container"
else
	not_ok "wtb's own idle_timeout (2 s) stops her container"
	diag "$left"
fi
check "wta's (the defaults' 60 s) still runs" test -n "$(container_leftovers wta)"
helper_stop wta >/dev/null

fixture_finish
