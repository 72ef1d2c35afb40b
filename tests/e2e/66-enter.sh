#!/bin/bash
# 66-enter.sh - warren-helper enter, the admin's way into a user's container: the
# command gets a fresh pty of the container (or pipes) that the helper relays, so
# nothing the user left behind can read or write the admin's terminal afterwards
# (the security review's finding 2); no environment and no fd of the admin's passes.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 19

write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 30; disk = \"max\"; network = \"none\"; };"
enter() { "$HELPER" --config "$CONF" enter "$@"; }

# wta's profile leaves a job behind, deaf to the hangup, that once the admin's enter has
# returned (the test says so with ~/.go) writes to its terminal and then records whatever it can read from
# it (through fd 3: a shell without job control gives a background job /dev/null as its
# stdin), and notes when that read ends.  Each step leaves a mark in her home, which the
# test reads in her layer on the host: no fixed sleep decides what happens when.
tssh wta -- 'cat >~/.bash_profile' <<'PROFILE'
if [ -z "${SSH_CONNECTION:-}" ]; then
	exec 3<&0
	( trap '' HUP; : >~/.job-started
	  for i in $(seq 1200); do [ -e ~/.go ] && break; sleep 0.1; done
	  echo LEFT-BEHIND-WRITES; : >~/.fired
	  while IFS= read -r l <&3; do echo "$l" >>"$HOME/.stolen"; done; : >~/.read-ended ) &
	exec 3<&-
fi
PROFILE
home=$STATE/users/wta/home
wait_file() { local i; for ((i = 0; i < $2 * 10; i++)); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
wait_out() { local i; for ((i = 0; i < 300; i++)); do untty <"$admin" | grep -qx -- "$1" && return 0; sleep 0.1; done; return 1; }
# The admin, on a terminal (script(1) gives one; the test types into it through a FIFO):
# a login shell in wta's container, `hostname` and `exit` typed; then, back at the
# admin's own prompt, a secret typed, which the admin's shell reads.
admin=$T/admin.out
mkfifo -m 0600 "$T/admin.in"
exec {typing}<>"$T/admin.in"
script -qfec "$HELPER --config $CONF enter wta; echo ENTER-RETURNED; read -r l; echo ADMIN-READ:\$l" /dev/null \
	<"$T/admin.in" >"$admin" 2>&1 &
sp=$!
wait_file "$home/.job-started" 30 # the profile has run
printf 'hostname\n' >&"$typing"
wait_out wta
printf 'exit\n' >&"$typing"
wait_out ENTER-RETURNED
tssh wta -- 'touch ~/.go' # now the job left behind goes on
wait_file "$home/.fired" 30
wait_file "$home/.read-ended" 10 # where it can read nothing, its read has ended by now
printf 'my-root-secret\n' >&"$typing"
wait_out ADMIN-READ:my-root-secret
exec {typing}>&-
for ((i = 0; i < 100; i++)); do kill -0 "$sp" 2>/dev/null || break; sleep 0.1; done
kill "$sp" 2>/dev/null
wait "$sp" 2>/dev/null
out=$(untty <"$admin")
check "enter on a terminal: a shell in wta's container answers (hostname wta)" \
	grep -qx wta <<<"$out" || diag "$out"
check "the shell has a terminal of its own: job control, no complaint" \
	bash -c '! grep -q "no job control" <<<"$1"' - "$out"
check "enter returned once the shell exited" grep -qx ENTER-RETURNED <<<"$out"
check "what wta left behind, writing after enter returned, wrote nothing on the admin's terminal" \
	bash -c 'test -e "$2/.fired" && ! sed -n "/^ENTER-RETURNED$/,\$p" <<<"$1" | grep -q LEFT-BEHIND-WRITES' - "$out" "$home"
stolen=$(enter wta -- cat .stolen 2>/dev/null)
check "nor read what the admin typed afterwards (her read ended; the admin's shell read it)" \
	bash -c '! grep -q my-root-secret <<<"$1" && test -e "$2/.read-ended" && grep -qx ADMIN-READ:my-root-secret <<<"$3"' \
	- "$stolen" "$home" "$out" || diag "stolen: $stolen" "marks: $(ls -A "$home")"

out=$(printf 'one\ntwo\n' | enter wta -- cat 2>&1)
check "enter without a terminal: stdin relayed through pipes, to its end" test "$out" = $'one\ntwo'
enter wta -- sh -c 'exit 7' </dev/null >/dev/null 2>&1
rc=$?
check "the command's exit status is enter's ($rc)" test "$rc" -eq 7
out=$(WARREN_ADMIN_SECRET=1 enter wta -- env </dev/null 2>&1)
check "none of the admin's environment reaches the container" \
	bash -c '! grep -q WARREN_ADMIN_SECRET <<<"$1" && grep -qx HOME=/home/wta <<<"$1"' - "$out" ||
	diag "$out"
out=$(enter wta -- sh -c 'cat <&5' 5</etc/hostname </dev/null 2>&1)
check "nor any fd the admin's shell had open" test "$out" != "$HOST_NAME" || diag "$out"

# warrenctl exec: through the same relay, as wta, or as root inside her container, which
# is her subordinate root on the host, within the sessions' bounding set.
out=$("$REPO/warrenctl" --config "$CONF" exec wta -- id -un </dev/null 2>&1)
check "warrenctl exec wta -- id -un: $out" test "$out" = wta
out=$("$REPO/warrenctl" --config "$CONF" exec wta --root -- sh -c 'id -u; head -n 1 /proc/self/uid_map | tr -s " "; grep CapBnd /proc/self/status | cut -f2' </dev/null 2>&1)
want=$(printf '0\n 0 %s %s\n00000000a80425fb' "$(subid_base wta)" "$(id -u wta)")
check "warrenctl exec --root: root inside, her subordinate root on the host, Docker's bounding set" \
	test "$out" = "$want" || diag "$out"
# exec --root on the admin's terminal: the pty it relays is root's inside, 0600, none of
# wta's, so that her processes can neither read what the admin types there nor write
# to the admin's terminal through it.
script -qfec "$REPO/warrenctl --config $CONF exec wta --root -- sh -c 'while [ ! -e /tmp/m3-go ]; do sleep 0.2; done'" \
	/dev/null </dev/null >"$T/root-exec.out" 2>&1 &
rootexec=$!
pts=
for ((i = 0; i < 100; i++)); do
	pts=$(tssh wta -- 'find /dev/pts -name "[0-9]*" -printf "%u %m\n"' 2>/dev/null)
	[ -n "$pts" ] && break
	sleep 0.2
done
hers=$(tssh wta -- 'find /dev/pts -user wta -name "[0-9]*"' 2>&1)
tssh wta -- 'touch /tmp/m3-go' >/dev/null 2>&1
wait "$rootexec"
check "exec --root on a terminal: its pty is root's inside, mode 600 (${pts:-none seen})" \
	test "$pts" = "root 600" || diag "$(cat "$T/root-exec.out")"
check "and wta finds no pts of hers for it" test -z "$hers" || diag "$hers"
# What her command writes reaches the admin's terminal without what acts beyond the
# screen: a clipboard write (OSC 52), a DCS query and a title report (CSI 21 t) are
# dropped; text and colours pass.  Through pipes (no terminal) bytes pass as they are.
emit='A\033]52;c;SGFjaw==\007B\033P$qm\033\\C\033[21tD\033[31mE\033[0m\n'
printf 'exec %q --config %q enter wta -- printf %q\n' "$HELPER" "$CONF" "$emit" >"$T/emit.sh"
hex() { od -An -tx1 | tr -d ' \n'; } # compared, and shown, as hex: not to the terminal
script -qfec "bash $T/emit.sh" /dev/null </dev/null >"$T/emit.out" 2>&1
got=$(hex <"$T/emit.out") want=$(printf 'ABCD\033[31mE\033[0m\r\n' | hex)
check "enter on a terminal: OSC 52, DCS and CSI 21 t dropped, text and colours kept" \
	test "$got" = "$want"
got=$(bash "$T/emit.sh" </dev/null 2>&1 | hex) want=$(printf "$emit" | hex)
check "without a terminal, the same bytes pass as they are" test "$got" = "$want"

# The supervisor and init outlive the login that started them, and leave it behind: its
# cgroup (here a test cgroup the starting process runs in), its audit login uid and its
# rlimits (here a soft limit of 123 open files) stay with the login: it takes pid 1's
# (or, where even root cannot raise a hard limit, pid 1's soft limit below its own).
if [ -d /sys/fs/cgroup/pids ]; then testcg=/sys/fs/cgroup/pids/warren-test-$$; else testcg=/sys/fs/cgroup/warren-test-$$; fi
mkdir "$testcg"
(echo "$BASHPID" >"$testcg/cgroup.procs" && echo "$(id -u wtb)" >/proc/self/loginuid &&
	exec prlimit --nofile=123:"$(ulimit -Hn)" "$HELPER" --config "$CONF" enter wtb -- true) >/dev/null 2>&1
rmdir "$testcg" # empty again: the helper has exited, and what it started left it
read -r init sup _ </run/warren/users/wtb/state
check "the supervisor left the login's cgroup" bash -c '! grep -q "warren-test-$1" "/proc/$2/cgroup"' - "$$" "$sup"
check "and its audit login uid ($(cat "/proc/$sup/loginuid"))" test "$(cat "/proc/$sup/loginuid")" = 4294967295
nofile() { awk '/^Max open files/ { print $4 }' "/proc/$1/limits"; }
want=$(nofile 1)
[ "$want" -gt "$(ulimit -Hn)" ] && want=$(ulimit -Hn)
check "and its rlimits: open files $want, not the login's 123 ($(nofile "$sup"))" test "$(nofile "$sup")" = "$want"
check "and so did init ($(nofile "$init"))" test "$(nofile "$init")" = "$want"
fixture_finish
