#!/bin/bash
# 87-promises.sh - promises of the README and the man pages that no other file proved
# (tests/PROMISES.md): her files on the host are hers and nothing in her layers is host
# root's; /tmp and /run start empty in each container; /dev holds just what
# warren-helper(8) lists and /sys is read-only; state_dir/users is root's alone;
# warren-helper refuses a caller that is not root, even installed setuid, a USER that is no
# plain name, and a missing verb; warrenctl refuses a name warren would refuse; warrenctl
# stop of a container that does not run, and stop --all; ls says "stale" for a container
# whose init is gone; explain needs no root, log does; enter-root's shell is /bin/sh -l;
# leaving the jail group un-jails her next login and keeps her files; joining it leaves
# an open host session alone and jails her next login.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 44

write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 60; disk = \"max\"; network = \"none\"; };"
# warrenctl as the admin runs it, in sshd's namespaces: a container it starts must be seen
# by later logins (this host's mounts do not propagate into the test sshd's namespace).
ctl() { nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" "$REPO/warrenctl" --config "$CONF" "$@"; }

# Her files, and root inside's, on the host.
tssh wta -- 'echo mine >~/f && mkdir -p ~/d && echo x >/var/tmp/v' >/dev/null 2>&1
ctl exec wta --root -- sh -c 'echo sys >/etc/warren-test && mkdir -p /opt/t && echo r >/run/r-test && echo t >/tmp/t-root' \
	</dev/null >/dev/null 2>&1
up=$STATE/users/wta
check "her files in her home layer are hers on the host (uid $(id -u wta))" \
	test "$(stat -c %u "$up/home/f" "$up/home/d" "$up/root/var/tmp/v" 2>&1 | sort -u)" = "$(id -u wta)"
check "nothing in her layers is host root's (root inside wrote /etc and /opt)" \
	bash -c 'test -f "$1/root/etc/warren-test" && test -z "$(find "$1/root" "$1/home" -uid 0 2>&1 | head -n 5)"' - "$up" ||
	diag "$(find "$up/root" "$up/home" -uid 0 2>&1 | head -n 5)"
check "state_dir/users is root's, 0700" test "$(stat -c '%u %a' "$STATE/users")" = "0 700"

# /dev and /sys, as warren-helper(8) lists them.
out=$(tssh wta -- 'for f in /dev/* /dev/.[!.]*; do [ -c "$f" -o -b "$f" ] && [ "$f" != /dev/ptmx ] && stat -c "%n:%t,%T" "$f"; done | tr "\n" " "; echo
	echo "pts=$(stat -f -c %T /dev/pts) shm=$(stat -f -c %T /dev/shm)"
	awk '\''$5 == "/sys" { print "sys=" $6 }'\'' /proc/self/mountinfo' 2>&1)
devs=$(sed -n 1p <<<"$out")
check "/dev holds what the page lists: null, zero, full, random, urandom, tty, and no other device ($devs)" \
	test "$devs" = "/dev/full:1,7 /dev/null:1,3 /dev/random:1,8 /dev/tty:5,0 /dev/urandom:1,9 /dev/zero:1,5 " || diag "$out"
check "her own devpts at /dev/pts, a tmpfs at /dev/shm" grep -qx "pts=devpts shm=tmpfs" <<<"$out" || diag "$out"
# Mounted in her container alone: a mount in the host's namespace (here sshd's, where the
# helper runs) would be copied into every mount namespace made after it, each container's
# and each login's, which then cost more the more containers run.
n=$(grep -c ' - devpts warren-devpts ' "/proc/$SSHD_PID/mountinfo")
check "and mounted in her container alone: none of warren's devpts in the host's mount namespace ($n)" \
	test "$n" = 0 || diag "$(grep ' - devpts ' "/proc/$SSHD_PID/mountinfo")"
# What sshd's monitor takes from her container must be that devpts: with another over
# /dev/pts there (a devpts too, so that only its device tells; host root mounts it here:
# her filter denies her mount), her next login is refused, naming the fix; with it gone,
# she logs in with a pty again.
init=$(cut -d" " -f1 /run/warren/users/wta/state 2>/dev/null)
nsenter -t "${init:-0}" -m mount -t devpts -o newinstance warren-test-cover /dev/pts ||
	diag "cannot cover her /dev/pts"
log_mark
tssh wta -- true >/dev/null 2>&1
rc=$?
check "with another devpts over /dev/pts in her container, her next login is refused (ssh: $rc)" test "$rc" -ne 0
check "the log names what is wrong and the fix" \
	wait_log "/dev/pts in wta's container is not the devpts warren made for it .*unmount that inside, or stop the container" 5
nsenter -t "${init:-0}" -m umount /dev/pts
pty=$(tssh wta -tt -- 2>&1 <<<'tty; exit' | untty)
check "with it gone, she logs in with a pty again" grep -Eq '^/dev/pts/[0-9]+$' <<<"$pty" || diag "$pty"
# A container an older warren started (its record has three fields) kept its devpts on the
# host, at /run/warren/users/USER/pts; with that gone, her login is refused by the helper,
# naming the fix, rather than by sshd's monitor as a reply it cannot read.
rec=$(cat /run/warren/users/wta/state 2>/dev/null)
cut -d" " -f1-3 <<<"$rec" >/run/warren/users/wta/state
log_mark
tssh wta -- true >/dev/null 2>&1
rc=$?
check "her container from an older warren without its devpts: her login is refused (ssh: $rc)" test "$rc" -ne 0
check "the log says so and names the fix" \
	wait_log "container of wta was started by an older warren and its devpts at /run/warren/users/wta/pts is gone; stop it with: warren-helper stop wta" 5
printf '%s\n' "$rec" >/run/warren/users/wta/state
check "/sys is read-only" grep -Eq '^sys=ro(,|$)' <<<"$out" || diag "$out"
out=$(ctl exec wta --root -- sh -c 'touch /sys/kernel/warren-test 2>&1 || echo refused' </dev/null 2>/dev/null)
check "even for root inside" grep -q 'Read-only file system' <<<"$out" || diag "$out"

# /tmp and /run are her container's: empty again in the next one.
helper_stop wta >/dev/null
out=$(ctl exec wta --root -- sh -c 'ls -A /tmp; test -e /run/r-test && echo run-kept' </dev/null 2>/dev/null)
check "/tmp and /run start empty in her next container (what root left there is gone)" test -z "$out" || diag "$out"
check "while what she wrote elsewhere stays" test -f "$up/root/etc/warren-test" -a -f "$up/home/f"

# pam_warren(8): the monitor (host root) never joins her container: it stays in the
# host's user namespace, out of her mount namespace and her cgroup.
tssh wta -- 'sleep 20' >"$T/held.out" 2>&1 &
held=$!
child=
for ((i = 0; i < 80; i++)); do
	for p in $(cat /sys/fs/cgroup/pids/warren/wta/cgroup.procs /sys/fs/cgroup/warren/wta/cgroup.procs 2>/dev/null); do
		[ "$(readlink "/proc/$p/exe")" = /usr/sbin/sshd ] && child=$p
	done
	[ -n "$child" ] && break
	sleep 0.25
done
monitor=$(awk '{ print $4 }' "/proc/${child:-0}/stat" 2>/dev/null)
init=$(cut -d" " -f1 /run/warren/users/wta/state 2>/dev/null)
monitor_out() { # PID INIT: what makes the monitor PID host-side, one word each
	echo "exe=$(readlink "/proc/$1/exe")"
	[ "$(readlink "/proc/$1/ns/user")" = "$(readlink /proc/self/ns/user)" ] && echo user=host || echo user=other
	[ "$(readlink "/proc/$1/ns/mnt")" = "$(readlink "/proc/$2/ns/mnt")" ] && echo mnt=hers || echo mnt=other
	grep -q ":/warren/wta\$" "/proc/$1/cgroup" && echo cgroup=hers || echo cgroup=other
}
out=$(monitor_out "${monitor:-0}" "${init:-0}" | tr '\n' ' ')
check "her login's sshd monitor (pid ${monitor:-none}) stays on the host: host user namespace, not her mount namespace, not her cgroup" \
	test "$out" = "exe=/usr/sbin/sshd user=host mnt=other cgroup=other " || { diag "$out"; diag "$(cat "/proc/${monitor:-0}/cgroup" 2>&1)"; diag_file "$T/held.out"; }
kill "$held" 2>/dev/null
wait "$held" 2>/dev/null

# warren-helper: only root, even setuid; a plain USER; a verb.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$HELPER" --config "$CONF" check-user wta 2>&1)
rc=$?
check "warren-helper run by a user is refused (exit $rc)" \
	bash -c '[ "$1" -eq 1 ] && grep -q "must be run by root" <<<"$2"' - "$rc" "$out" || diag "$out"
# A setuid copy (this file system honours setuid: a setuid id says euid 0 first).
install -m 4755 -o root "$(command -v id)" "$T/suid-id"
install -m 4755 -o root "$HELPER" "$T/suid-helper"
euid=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T/suid-id" -u 2>&1)
if [ "$euid" = 0 ]; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T/suid-helper" --config "$CONF" enter wta -- id 2>&1)
	rc=$?
	check "a setuid copy run by a user is refused too, before anything (exit $rc)" \
		bash -c '[ "$1" -eq 1 ] && grep -q "must be run by root" <<<"$2" && ! grep -q "uid=" <<<"$2"' - "$rc" "$out" ||
		diag "$out"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T/suid-helper" --supervisor-stop "$STATE" 1 1 0 wta idle 2>&1)
	rc=$?
	check "and so is its supervisor's stop form (--supervisor-stop) (exit $rc)" \
		bash -c '[ "$1" -eq 1 ] && grep -q "must be run by root" <<<"$2"' - "$rc" "$out" || diag "$out"
	install -m 4755 -o root "$SUPERVISOR" "$T/suid-supervisor"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T/suid-supervisor" "$STATE" 1 1 60 0 0 wta 2>&1)
	rc=$?
	check "and a setuid copy of warren-supervisor (exit $rc)" \
		bash -c '[ "$1" -eq 1 ] && grep -q "must be run by root" <<<"$2"' - "$rc" "$out" || diag "$out"
else
	skip "a setuid copy run by a user is refused too" "$T does not honour setuid (a setuid id says euid $euid)"
	skip "and so is its supervisor's stop form (--supervisor-stop)" "$T does not honour setuid"
	skip "and a setuid copy of warren-supervisor" "$T does not honour setuid"
fi
rm -f "$T/suid-id" "$T/suid-helper" "$T/suid-supervisor"
# The supervisor is its builder's alone, and its stop its own (warren-helper(8),
# Supervisor): root naming her running container's init, with a pidfd of it at fd 3
# (pidfd_open, 434), which is not its child, is refused by both, and nothing of hers is
# touched; so is a command line that is not the builder's.  (In sshd's namespace, where
# the test syslog is.)
tssh wta -- true >/dev/null 2>&1
read -r init sup id _ </run/warren/users/wta/state
with_pidfd() { # with_pidfd PID CMD...: CMD with a pidfd of PID at fd 3, the helper at 4
	perl -MPOSIX -MFcntl -e 'my $fd = syscall(434, $ARGV[0] + 0, 0); $fd >= 0 or die "pidfd_open: $!\n";
		defined POSIX::dup2($fd, 3) or die "dup2: $!\n"; open(my $h, "<&=", 3) or die "fd 3: $!\n";
		fcntl($h, F_SETFD, 0) or die "fd 3: $!\n"; exec @ARGV[1 .. $#ARGV] or die "exec: $!\n"' "$@" 4<"$HELPER"
}
log_mark
with_pidfd "$init" timeout 20 nsenter --mount="/proc/$SSHD_PID/ns/mnt" "$SUPERVISOR" "$STATE" "$init" "$id" 1 0 0 wta >/dev/null 2>&1
rc=$?
check "warren-supervisor run by root for her running container is refused (exit $rc)" test "$rc" -eq 1
check "the log says it was not handed her container" \
	wait_log "warren-supervisor: not handed a container of wta by its builder" 5
log_mark
with_pidfd "$init" timeout 20 nsenter --mount="/proc/$SSHD_PID/ns/mnt" "$HELPER" --supervisor-stop "$STATE" "$init" "$id" 0 wta idle >/dev/null 2>&1
rc=$?
check "warren-helper --supervisor-stop run by root for her running container is refused (exit $rc)" test "$rc" -eq 1
check "the log says it was not handed her container by its supervisor" \
	wait_log "--supervisor-stop: not handed a container of wta by its supervisor" 5
# Nor by a process with an init of its own and her lock file: her record names her
# supervisor, not it.
log_mark
timeout 20 nsenter --mount="/proc/$SSHD_PID/ns/mnt" perl -MPOSIX -MFcntl -e 'my $child = fork() // die "fork: $!\n"; if (!$child) { sleep 2; POSIX::_exit(0) }
	my $fd = syscall(434, $child, 0); $fd >= 0 or die "pidfd_open: $!\n";
	defined POSIX::dup2($fd, 3) or die "dup2: $!\n"; open(my $h, "<&=", 3) or die "fd 3: $!\n";
	fcntl($h, F_SETFD, 0) or die "fd 3: $!\n"; exec $ARGV[0], "--supervisor-stop", $ARGV[1], $child, @ARGV[2 .. $#ARGV] or die "exec: $!\n"' \
	"$HELPER" "$STATE" "$id" 0 wta idle 4<"/run/warren/locks/wta" >/dev/null 2>&1
rc=$?
check "warren-helper --supervisor-stop with an init of its own and her lock file is refused (exit $rc)" test "$rc" -eq 1
check "the log says so" wait_log "--supervisor-stop: not handed a container of wta by its supervisor" 5
# Each of the stop's checks by itself: a process that wtb's record (made up here: she has
# no container) names as her supervisor is still refused without her lock at fd 4, and
# without an init of its own at fd 3.
fake_stop() { # fake_stop lock|child: all the stop needs but MODE's, for wtb; its exit
	mkdir -p /run/warren/users/wtb
	timeout 20 nsenter --mount="/proc/$SSHD_PID/ns/mnt" perl -MPOSIX -MFcntl -e '
		my ($mode, $helper, $state, $lock) = @ARGV;
		my $child = fork() // die "fork: $!\n"; if (!$child) { sleep 2; POSIX::_exit(0) }
		my $init = $mode eq "child" ? getppid() : $child;
		open(my $r, ">", "/run/warren/users/wtb/state") or die "state: $!\n"; print $r "$init $$ 1\n"; close $r;
		my $fd = syscall(434, $init, 0); $fd >= 0 or die "pidfd_open: $!\n";
		defined POSIX::dup2($fd, 3) or die "dup2: $!\n"; open(my $h, "<&=", 3) or die "fd 3: $!\n";
		fcntl($h, F_SETFD, 0) or die "fd 3: $!\n";
		open(my $l, "<", $mode eq "lock" ? "/dev/null" : $lock) or die "lock: $!\n";
		defined POSIX::dup2(fileno($l), 4) or die "dup2: $!\n"; open(my $g, "<&=", 4) or die "fd 4: $!\n";
		fcntl($g, F_SETFD, 0) or die "fd 4: $!\n";
		exec $helper, "--supervisor-stop", $state, $init, 1, 0, "wtb", "idle" or die "exec: $!\n"' \
		"$1" "$HELPER" "$STATE" /run/warren/locks/wtb >/dev/null 2>&1
	echo $?
	rm -rf /run/warren/users/wtb
}
: >>/run/warren/locks/wtb
for mode in lock child; do
	log_mark
	rc=$(fake_stop $mode)
	wait_log "--supervisor-stop: not handed a container of wtb by its supervisor" 5 >"$T/fake.log"
	logged=$?
	case $mode in
	lock) what="named by her record, with an init of its own, but not her lock" ;;
	child) what="named by her record, with her lock, but an init not its child" ;;
	esac
	check "warren-helper --supervisor-stop $what: refused (exit $rc), and the log says so" \
		test "$rc" = 1 -a "$logged" = 0 || diag_file "$T/fake.log"
done
rm -f /run/warren/locks/wtb
nsenter --mount="/proc/$SSHD_PID/ns/mnt" "$SUPERVISOR" "$STATE" wta >/dev/null 2>&1
rc=$?
check "and with a command line that is not its builder's (exit $rc)" test "$rc" -eq 1
check "her container runs on, with its supervisor (init $init)" \
	bash -c 'read -r i s _ </run/warren/users/wta/state && [ "$i" = "$1" ] && [ "$s" = "$2" ] &&
		kill -0 "$1" && [ "$(tr "\0" " " <"/proc/$2/cmdline")" = "warren-supervisor $3 $1 $4 60 0 0 wta " ]' \
	- "$init" "$sup" "$STATE" "$id" || diag "$(cat /run/warren/users/wta/state) $(tr '\0' ' ' <"/proc/$sup/cmdline" 2>&1)"
# A small static program (warren-helper(8), Supervisor): no shared library mapped.
check "her supervisor maps no shared library, the helper's or libc's (/proc/$sup/maps)" \
	bash -c 'grep -q "/warren-supervisor\$" "/proc/$1/maps" && ! grep -q "\.so" "/proc/$1/maps"' - "$sup" ||
	diag "$(grep '\.so' "/proc/$sup/maps" | awk '{print $6}' | sort -u)"
out=$("$HELPER" --config "$CONF" stop '../wta' 2>&1)
rc=$?
check "warren-helper stop of a name that is no plain name is refused (exit $rc)" \
	bash -c '[ "$1" -eq 1 ] && grep -q "invalid user name" <<<"$2"' - "$rc" "$out" || diag "$out"
"$HELPER" >/dev/null 2>&1
rc=$?
check "warren-helper with no verb: a usage error (exit $rc)" test "$rc" -eq 2
ctl explain .wta >/dev/null 2>&1
rc=$?
check "warrenctl explain of a name warren would refuse: a usage error (exit $rc)" test "$rc" -eq 2

# enter-root without a command: root's login shell, /bin/sh -l.
out=$(echo 'echo "$0 $(id -u)"' | nsenter --mount="/proc/$SSHD_PID/ns/mnt" "$HELPER" --config "$CONF" enter-root wta 2>/dev/null)
check "enter-root with no command runs root's login shell, /bin/sh -l ($out)" test "$out" = "/bin/sh 0"

# explain reads a readable config and NSS: no root needed; log reads root's record: root only.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$REPO/warrenctl" explain wta --config "$CONF" 2>&1)
rc=$?
check "warrenctl explain as a user other than root (exit $rc)" \
	bash -c '[ "$1" -eq 0 ] && grep -q "^jailed: yes" <<<"$2"' - "$rc" "$out" || diag "$out"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$REPO/warrenctl" log wta --config "$CONF" 2>&1)
rc=$?
check "warrenctl log as a user other than root is refused (exit $rc), and shows no event" \
	bash -c '[ "$1" -ne 0 ] && ! grep -q " wta started " <<<"$2"' - "$rc" "$out" || diag "$out"

# ls: a record whose init is gone (its supervisor killed first, by hand) is "stale".
read -r init sup _ </run/warren/users/wta/state
[ "$(cat "/proc/$sup/comm" 2>/dev/null)" = warren-supervis ] && kill -KILL "$sup"
kill -KILL "$init" 2>/dev/null
for ((i = 0; i < 40; i++)); do kill -0 "$init" 2>/dev/null || break; sleep 0.1; done
out=$(ctl ls --json 2>&1)
check "warrenctl ls: a container whose init is gone is stale" \
	perl -MJSON::PP -e 'my ($c) = grep { $_->{user} eq "wta" } @{ decode_json($ARGV[0]) }; exit !($c && $c->{state} eq "stale")' "$out" ||
	diag "$out"
helper_stop wta >/dev/null 2>&1
check "and warren-helper stop cleans up after it" wait_container_gone wta 10

# Leaving the jail group: her next login is on the host, her files stay.
tssh wtb -- 'echo kept >~/kept' >/dev/null 2>&1
helper_stop wtb >/dev/null 2>&1
gpasswd -d wtb "$JAIL_GROUP" >/dev/null
out=$(tssh wtb -- hostname 2>&1)
check "out of the jail group, wtb's next login is on the host ($out)" test "$out" = "$HOST_NAME"
check "and her files are kept" grep -qx kept "$STATE/users/wtb/home/kept"
# Joining it: a session open on the host goes on; the next login is jailed.
tssh wtc -- 'sleep 30' >/dev/null 2>&1 &
open=$!
for ((i = 0; i < 40; i++)); do pgrep -u wtc -x sleep >/dev/null && break; sleep 0.25; done
usermod -aG "$JAIL_GROUP" wtc
out=$(tssh wtc -- hostname 2>&1)
check "wtc, just jailed, lands in her container ($out), while her open host session goes on" \
	bash -c '[ "$1" = wtc ] && kill -0 "$2"' - "$out" "$open"
kill "$open" 2>/dev/null
for p in $(pgrep -u wtc -x sleep); do kill "$p"; done
helper_stop wtc >/dev/null 2>&1
gpasswd -a wtb "$JAIL_GROUP" >/dev/null

# warrenctl stop: one that does not run; --all.
helper_stop wta >/dev/null
out=$(ctl stop wtb 2>&1)
rc=$?
check "warrenctl stop of a container that does not run: \"$out\" (exit $rc)" test "$rc" -eq 0 -a "$out" = "wtb: not running"
others=$(ls /run/warren/users 2>/dev/null | grep -vx -e wta -e wtb -e wtc -e wtexempt)
if [ -n "$others" ]; then
	skip "warrenctl stop --all" "this host runs containers the test did not make ($others)"
else
	tssh wta -- true && tssh wtb -- true
	out=$(ctl stop --all 2>&1)
	rc=$?
	check "warrenctl stop --all: every recorded container stopped (exit $rc)" \
		bash -c '[ "$1" -eq 0 ] && [ "$(sort <<<"$2" | tr "\n" " ")" = "wta: stopped wtb: stopped " ] &&
			[ -z "$3$4" ]' - "$rc" "$out" "$(container_leftovers wta)" "$(container_leftovers wtb)" || diag "$out"
fi
fixture_finish
