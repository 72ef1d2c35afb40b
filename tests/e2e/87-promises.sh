#!/bin/bash
# 87-promises.sh - promises of the README and the man pages that no other file proved
# (tests/PROMISES.md): her files on the host are hers and nothing in her layers is host
# root's; /tmp and /run start empty in each container; /dev holds just what
# warren-helper(8) lists and /sys is read-only; state_dir/users is root's alone;
# warren-helper refuses a caller that is not root, even installed setuid, a USER that is no
# plain name, and a missing verb; warrenctl refuses a name warren would refuse; warrenctl
# stop of a container that does not run, and stop --all.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 16

write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 60; disk = \"max\"; network = \"none\"; };"
ctl() { "$REPO/warrenctl" --config "$CONF" "$@"; }

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
out=$(tssh wta -- 'echo $(find /dev -xdev \( -type c -o -type b \) ! -name ptmx -exec stat -c "%n:%t,%T" {} + | sort)
	echo "pts=$(stat -f -c %T /dev/pts) shm=$(stat -f -c %T /dev/shm)"
	awk '\''$5 == "/sys" { print "sys=" $6 }'\'' /proc/self/mountinfo' 2>&1)
devs=$(sed -n 1p <<<"$out")
check "/dev holds what the page lists: null, zero, full, random, urandom, tty, and no other device ($devs)" \
	test "$devs" = "/dev/full:1,7 /dev/null:1,3 /dev/random:1,8 /dev/tty:5,0 /dev/urandom:1,9 /dev/zero:1,5" || diag "$out"
check "her own devpts at /dev/pts, a tmpfs at /dev/shm" grep -qx "pts=devpts shm=tmpfs" <<<"$out" || diag "$out"
check "/sys is read-only" grep -Eq '^sys=ro(,|$)' <<<"$out" || diag "$out"
out=$(ctl exec wta --root -- sh -c 'touch /sys/kernel/warren-test 2>&1 || echo refused' </dev/null 2>&1)
check "even for root inside" grep -q 'Read-only file system' <<<"$out" || diag "$out"

# /tmp and /run are her container's: empty again in the next one.
helper_stop wta >/dev/null
out=$(ctl exec wta --root -- sh -c 'ls -A /tmp; test -e /run/r-test && echo run-kept' </dev/null 2>&1)
check "/tmp and /run start empty in her next container (what root left there is gone)" test -z "$out" || diag "$out"
check "while what she wrote elsewhere stays" test -f "$up/root/etc/warren-test" -a -f "$up/home/f"

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
else
	skip "a setuid copy run by a user is refused too" "$T does not honour setuid (a setuid id says euid $euid)"
fi
rm -f "$T/suid-id" "$T/suid-helper"
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
