#!/bin/bash
# 90-install.sh - the README's first command, for real: `install.sh --no-deps --no-image`,
# run again (it changes nothing), then `install.sh --uninstall`, which puts
# /etc/pam.d/sshd back byte for byte.  All of it on a copy-on-write view of this
# machine's root (an overlay in a mount namespace of the test's own, entered with
# chroot), so the machine itself is never touched; checked at the end.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
REPO=$(pwd)
[ "$(id -u)" -eq 0 ] || skip_all "needs root (mount namespaces, chroot)" 31
[ -f /etc/pam.d/sshd ] || skip_all "no /etc/pam.d/sshd (openssh-server is not installed)" 31
# Not beside an end-to-end test: its PAM service in /etc/pam.d (seen through the overlay)
# names pam_warren.so, which --uninstall rightly refuses to leave behind.
exec {lock}>>/run/lock/warren-e2e.lock
flock -w "${WARREN_TEST_LOCK_WAIT:-300}" "$lock" ||
	skip_all "another end-to-end test holds the lock for ${WARREN_TEST_LOCK_WAIT:-300} s" 31
host_sum=$(sha256sum </etc/pam.d/sshd)
host_libexec=$(test -e /usr/libexec/warren && echo present)
root=$(mktemp -d /tmp/warren-install.XXXXXX)
trap 'rmdir "$root" 2>/dev/null' EXIT

# The test itself runs in the namespace; its TAP (results 1-30) comes out on stdout.  A
# network namespace of its own too: doctor knocks at the cloud metadata addresses, which
# are not this machine's.
plan 31
unshare -m -n --propagation private bash -s "$root" "$REPO" <<'INNER'
set -u
r=$1 src=$2
cd "$src" && . tests/lib/tap.sh
TAP_PLANNED=30 # of the outer plan
# The root filesystem and, wherever it lives (it may be another mount), the source tree:
# both copy-on-write, so neither the machine nor the checkout is written to.
mount -t tmpfs -o mode=0755 warren-install-test "$r" &&
	mkdir "$r/upper" "$r/work" "$r/root" "$r/src-upper" "$r/src-work" &&
	mount -t overlay warren-install-test -o "lowerdir=/,upperdir=$r/upper,workdir=$r/work" "$r/root" &&
	for d in proc dev sys; do mount --rbind "/$d" "$r/root/$d" || exit 1; done &&
	mount -t tmpfs tmpfs "$r/root/run" && mkdir -p "$r/root$src" &&
	mount -t overlay warren-install-src -o "lowerdir=$src,upperdir=$r/src-upper,workdir=$r/src-work" "$r/root$src" ||
	{ not_ok "a copy-on-write root to install into"; skip_rest "no overlay root"; exit 1; }
in_root() { chroot "$r/root" /bin/bash -c "cd '$src' && $1"; }
# Start from a machine warren was never installed on, also where it was (the README's order
# is install.sh, then make test): the file as it was before, from the backup install.sh
# keeps, else without pam_warren's lines; no backup.
in_root 'b=/etc/pam.d/sshd.warren-backup
	if [ -f $b ]; then cat $b >/etc/pam.d/sshd && rm $b
	else grep -v -e "pam_warren\.so" -e "^# warren: keep these two lines last" /etc/pam.d/sshd >/tmp/sshd.pristine &&
		cat /tmp/sshd.pristine >/etc/pam.d/sshd; fi'
orig=$(in_root 'cat /etc/pam.d/sshd')
check_not "the starting /etc/pam.d/sshd names no pam_warren" grep -q pam_warren <<<"$orig"

# make runs in the source tree as root: a tree others can write is refused before
# anything is built or installed (a copy of it, so the checkout is left alone).
copy=/tmp/warren-src-copy
in_root "rm -rf $copy && cp -a . $copy && chmod o+w $copy/helper"
refused_tree() { # refused_tree WHAT ERE - install.sh from the copy fails, its output matches ERE
	local out rc
	out=$(chroot "$r/root" /usr/bin/env -u SUDO_UID /bin/bash -c "cd $copy && ./install.sh --no-deps --no-image" 2>&1)
	rc=$?
	check "install.sh refuses a source tree $1 (exit $rc), with the path and the fix" \
		bash -c '[ "$1" -ne 0 ] && grep -Eq "$2" <<<"$3"' - "$rc" "$2" "$out" || diag "$out"
}
refused_tree "others can write (chmod o+w)" \
	"others than root can write the source tree $copy, and make runs there as root: $copy/helper \(owner uid 0, mode 757\); fix: chown -R root:root $copy"
in_root "chmod o-w $copy/helper && chown nobody $copy/Makefile"
refused_tree "a file of which is another user's" "as root: $copy/Makefile \(owner uid 65534, mode 644\); fix:"
check "and installs nothing: /etc/pam.d/sshd is as it was" test "$(in_root 'cat /etc/pam.d/sshd')" = "$orig"
in_root "rm -rf $copy"

out=$(in_root './install.sh --no-deps --no-image' 2>&1)
check "install.sh --no-deps --no-image succeeds" test $? -eq 0 || diag "$(tail -n 15 <<<"$out")"
want='# warren: keep these two lines last (see pam_warren(8))
auth optional pam_warren.so
session required pam_warren.so'
check "/etc/pam.d/sshd ends with the two pam_warren lines" test "$(in_root 'tail -n 3 /etc/pam.d/sshd')" = "$want"
pamdir=$(pkg-config --variable=libdir pam)/security
check "the module, the helper and warrenctl are installed, with a config and the group" \
	in_root "test -f $pamdir/pam_warren.so -a -x /usr/libexec/warren/warren-helper -a -x /usr/sbin/warrenctl &&
		/usr/sbin/warrenctl check-config && getent group warren"
after=$(in_root 'sha256sum </etc/pam.d/sshd')
out=$(in_root './install.sh --no-deps --no-image' 2>&1)
check "a second run succeeds" test $? -eq 0 || diag "$(tail -n 15 <<<"$out")"
check "and changes nothing" test "$(in_root 'sha256sum </etc/pam.d/sshd')" = "$after" -a \
	-n "$(grep 'installed files are up to date' <<<"$out")"
# warrenctl doctor: healthy right after install.sh (sshd -T wants its privsep directory,
# which the test's fresh /run lacks), then each planted problem named, with its fix.
in_root 'mkdir -p /run/sshd'
out=$(in_root 'warrenctl doctor' 2>&1)
check "warrenctl doctor: healthy after install.sh (exit $?)" grep -qx healthy <<<"$out" || diag "$out"
# A host entry point: atd's PAM service without refuse_jailed is a note (with its fix),
# not a problem; with it, an ok.
in_root 'test -e /etc/pam.d/atd && cp /etc/pam.d/atd /tmp/pam-atd; echo "account required pam_unix.so" >/etc/pam.d/atd'
out=$(in_root 'warrenctl doctor' 2>&1)
check "warrenctl doctor notes an atd that would run a jailed user's jobs on the host, with the fix" \
	bash -c 'grep -q "^note    /etc/pam.d/atd: atd would run a jailed user.s at jobs on the host" <<<"$1" &&
		grep -q "fix: add .account required pam_warren.so refuse_jailed. to /etc/pam.d/atd" <<<"$1" &&
		grep -qx healthy <<<"$1"' - "$out" || diag "$out"
in_root 'echo "account required pam_warren.so refuse_jailed" >>/etc/pam.d/atd'
out=$(in_root 'warrenctl doctor' 2>&1)
check "and an atd that refuses them is ok" grep -q "^ok      /etc/pam.d/atd refuses jailed users" <<<"$out" ||
	diag "$out"
in_root 'if test -e /tmp/pam-atd; then cp /tmp/pam-atd /etc/pam.d/atd; else rm /etc/pam.d/atd; fi'
# The other host entry points it names: cron, su, and pam_systemd in the session stack.
in_root 'for f in cron su common-session; do test -e /etc/pam.d/$f && cp /etc/pam.d/$f /tmp/pam-$f; done
	echo "account required pam_unix.so" >/etc/pam.d/cron && echo "account required pam_unix.so" >/etc/pam.d/su &&
	{ grep -q pam_systemd /etc/pam.d/common-session || echo "session optional pam_systemd.so" >>/etc/pam.d/common-session; }'
out=$(in_root 'warrenctl doctor' 2>&1)
# (On a systemd host install.sh has kept jailed users' managers off: pam_systemd is ok there.)
check "warrenctl doctor notes cron, su and pam_systemd as ways onto the host, each with its fix" \
	bash -c 'grep -q "^note    /etc/pam.d/cron: cron would run a jailed user.s crontab on the host" <<<"$1" &&
		grep -q "fix: add .account required pam_warren.so refuse_jailed. to /etc/pam.d/cron" <<<"$1" &&
		grep -q "^note    /etc/pam.d/su: su would give a host shell as a jailed user" <<<"$1" &&
		grep -q "fix: add .account required pam_warren.so refuse_jailed. to /etc/pam.d/su" <<<"$1" &&
		if [ -n "$2" ]; then grep -q "^ok      pam_systemd: a jailed login is a logind session" <<<"$1"
		else grep -q "^note    pam_systemd starts a systemd user manager on the host" <<<"$1" &&
			grep -q "fix: run install.sh" <<<"$1"; fi && grep -qx healthy <<<"$1"' - "$out" \
	"$(test -d /run/systemd/system && echo systemd)" || diag "$out"
in_root 'for f in cron su; do echo "account required pam_warren.so refuse_jailed" >>/etc/pam.d/$f; done'
out=$(in_root 'warrenctl doctor' 2>&1)
check "and a cron and an su that refuse jailed users are ok" \
	bash -c 'grep -q "^ok      /etc/pam.d/cron refuses jailed users" <<<"$1" &&
		grep -q "^ok      /etc/pam.d/su refuses jailed users" <<<"$1"' - "$out" || diag "$out"
in_root 'for f in cron su common-session; do if test -e /tmp/pam-$f; then cp /tmp/pam-$f /etc/pam.d/$f; else rm -f /etc/pam.d/$f; fi; done'
doctor_finds() { # doctor_finds WHAT ERE - doctor exits 1 and its output matches ERE
	local out rc
	out=$(in_root 'warrenctl doctor' 2>&1)
	rc=$?
	check "warrenctl doctor finds $1 (exit $rc)" \
		bash -c '[ "$1" -eq 1 ] && grep -Eq "$2" <<<"$3"' - "$rc" "$2" "$out" || diag "$out"
}
in_root 'useradd -M -G warren wtdoc1 && useradd -M -G warren wtdoc2 &&
	sed -i "/^wtdoc[12]:/d" /etc/subuid /etc/subgid'
doctor_finds "a jailed user without subordinate ids" \
	"PROBLEM /etc/subuid has no range of 65536 ids for wtdoc1; fix: usermod --add-subuids"
in_root 'for u in wtdoc1 wtdoc2; do usermod --add-subuids 500000-565535 --add-subgids 500000-565535 $u; done'
doctor_finds "two users' ranges that overlap" "PROBLEM the ids 500000-565535 of wtdoc1 in /etc/subuid are also wtdoc2's there"
in_root 'userdel wtdoc1 && userdel wtdoc2 && sed -i "/^wtdoc[12]:/d" /etc/subuid /etc/subgid'
in_root 'chmod 0666 /etc/warren/warren.conf'
doctor_finds "a config others may write" "PROBLEM /etc/warren/warren.conf: is writable by group or others.*fix: chmod go-w"
in_root 'chmod 0644 /etc/warren/warren.conf'
in_root 'cp /etc/pam.d/sshd /tmp/pam-sshd && echo "session optional pam_env.so" >>/etc/pam.d/sshd'
doctor_finds "a session line after pam_warren's" "PROBLEM /etc/pam.d/sshd: pam_warren's session line is missing or not the last"
in_root 'grep -v "^session required pam_warren.so" /tmp/pam-sshd >/etc/pam.d/sshd'
doctor_finds "pam_warren's session line gone" "PROBLEM /etc/pam.d/sshd: pam_warren's session line is missing"
in_root 'cp /tmp/pam-sshd /etc/pam.d/sshd'
# internal-sftp would serve a session that never joined its container from the host.
# In the same run: sshd with UsePAM off (first in sshd_config.d, so it wins), and a
# member of group warren without subordinate ids.
in_root 'mkdir -p /etc/ssh/sshd_config.d && echo "Subsystem sftp internal-sftp" >/etc/ssh/sshd_config.d/50-warren-test.conf &&
	echo "UsePAM no" >/etc/ssh/sshd_config.d/00-warren-test.conf &&
	useradd -M -G warren wtins1 && sed -i "/^wtins1:/d" /etc/subuid /etc/subgid'
out=$(in_root './install.sh --no-deps --no-image' 2>&1)
check "install.sh names an internal-sftp it finds, with the fix" \
	grep -q 'sshd serves internal-sftp (at /etc/ssh/sshd_config.d/50-warren-test.conf:1)' <<<"$out" ||
	diag "$(grep -i sftp <<<"$out")"
check "install.sh warns when sshd's UsePAM is off, with the fix" \
	bash -c 'grep -q "sshd does not use PAM (UsePAM no)" <<<"$1" && grep -q "Set .UsePAM yes." <<<"$1"' - "$out" ||
	diag "$(grep -i -A2 usepam <<<"$out")"
# The range it suggests: 65536 ids that no line of /etc/subuid or /etc/subgid has.
fix=$(sed -n 's/^ *usermod --add-subuids \([0-9]*\)-\([0-9]*\) --add-subgids \1-\2 wtins1$/\1 \2/p' <<<"$out")
ranges=$(in_root 'cat /etc/subuid /etc/subgid')
free_range() { # free_range START END RANGES - END-START+1 = 65536, overlapping no S:C line
	[ -n "$1" ] && [ $(($2 - $1 + 1)) -eq 65536 ] &&
		awk -F: -v a="$1" -v b="$2" 'NF >= 3 && $2 <= b && a < $2 + $3 { print "overlaps " $0; bad = 1 } END { exit bad }' <<<"$3"
}
check "install.sh warns about wtins1, in group warren without subordinate ids, with the usermod that fixes it" \
	bash -c 'grep -q "wtins1 is in group warren but has no range of 65536 ids" <<<"$1" && [ -n "$2" ]' - "$out" "$fix" ||
	diag "$(grep -A3 wtins1 <<<"$out")"
check "the range it suggests (${fix:-none}) is free: 65536 ids that no other range has" free_range "${fix% *}" "${fix#* }" "$ranges"
in_root 'rm /etc/ssh/sshd_config.d/00-warren-test.conf && userdel wtins1 && sed -i "/^wtins1:/d" /etc/subuid /etc/subgid'
doctor_finds "internal-sftp" "PROBLEM sshd serves internal-sftp \(at /etc/ssh/sshd_config.d/50-warren-test.conf:1\)"
in_root 'rm /etc/ssh/sshd_config.d/50-warren-test.conf'
out=$(in_root './install.sh --uninstall' 2>&1)
check "install.sh --uninstall succeeds" test $? -eq 0 || diag "$(tail -n 15 <<<"$out")"
check "and puts /etc/pam.d/sshd back byte for byte" test "$(in_root 'cat /etc/pam.d/sshd')" = "$orig"
check "the module and the helper are gone" in_root "test ! -e $pamdir/pam_warren.so -a ! -e /usr/libexec/warren"
check "it names what it leaves: the config and the state directory" \
	grep -q '/etc/warren/warren.conf (your configuration)' <<<"$out"
# Installed again, then a line appended after warren's: install.sh moves its lines back
# to the end; --uninstall then removes just the warren lines, keeping that edit.
edit='session optional pam_env.so user_readenv=0 # warren-test edit'
in_root "./install.sh --no-deps --no-image >/dev/null 2>&1 && echo '$edit' >>/etc/pam.d/sshd"
out=$(in_root './install.sh --no-deps --no-image' 2>&1)
got=$(in_root 'cat /etc/pam.d/sshd')
check "install.sh moves the two lines back to the end after a line was appended, keeping it" \
	bash -c '[ "$(tail -n 3 <<<"$1")" = "$2" ] && [ "$(grep -c "pam_warren\.so" <<<"$1")" -eq 2 ] &&
		[ "$(grep -v -e "^\$" -e pam_warren -e "^# warren: keep" <<<"$1")" = "$(grep -v "^\$" <<<"$3")
$4" ]' - "$got" "$want" "$orig" "$edit" || { diag "$got"; diag "$(tail -n 5 <<<"$out")"; }
out=$(in_root './install.sh --uninstall' 2>&1)
got=$(in_root 'cat /etc/pam.d/sshd')
check "--uninstall of a file edited since: it says so, removes just the warren lines and keeps the edit" \
	bash -c 'grep -q "was edited since install; removing only the warren lines" <<<"$4" && ! grep -q "pam_warren\|# warren:" <<<"$1" &&
		[ "$(grep -v "^\$" <<<"$1")" = "$(grep -v "^\$" <<<"$2")
$3" ]' - "$got" "$orig" "$edit" "$out" || { diag "$got"; diag "$(grep -i pam <<<"$out")"; }
[ "$TAP_FAILED" -eq 0 ]
INNER
rc=$?
# Outside the namespace: the machine is as it was.
if [ "$(sha256sum </etc/pam.d/sshd)" = "$host_sum" ] &&
	[ "$(test -e /usr/libexec/warren && echo present)" = "$host_libexec" ] &&
	! grep -q " $root" /proc/self/mounts; then
	echo "ok 31 - the machine's own /etc/pam.d/sshd and /usr are untouched"
else
	echo "not ok 31 - the machine's own /etc/pam.d/sshd and /usr are untouched"
	rc=1
fi
exit $rc
