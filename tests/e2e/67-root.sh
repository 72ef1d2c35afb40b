#!/bin/bash
# 67-root.sh - root inside, per group (root = true): sudo takes wta to root in her own
# container without a password, and she installs a package into her own layer.  Root
# there is not root on the host: Docker's default bounding set, the syscall filter, the
# image, the host's clock, hostname and processes untouched.  wtb, without it, gets
# nowhere with sudo; her seccomp profile file (base strict, allow io_uring, and uname)
# denies ptrace, which the default allows, and uname, and lets io_uring through, which
# both bases answer ENOSYS; a broken profile refuses her login with its FILE:LINE.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 28

groupadd wtga && usermod -aG wtga wta || diag "cannot make the root group"
# A profile file as an admin writes one (warren.conf(5)): root's, not writable by others.
profile=$T/wtb.seccomp
printf '# wtb: the strict profile, io_uring, and no uname\nbase strict\nallow io_uring\nuname   # hides the kernel release\n' >"$profile"
chmod 0644 "$profile"
write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 3; disk = \"max\"; network = \"none\"; };
groups = ( { name = \"wtga\"; root = true; } );
users = ( { name = \"wtb\"; seccomp = \"$profile\"; } );"

out=$(tssh wta -- 'grep -E "^(NoNewPrivs|CapEff):" /proc/self/status | tr -s "\t " " "; echo @@
	sudo -n id -u; echo @@
	sudo -n grep -E "^Cap(Eff|Bnd):" /proc/self/status | tr -s "\t " " "' 2>&1)
check "root = true: wta's session has no no_new_privs, and no capability of its own" \
	test "$(section "$out" 1 | sort | tr '\n' ' ')" = "CapEff: 0000000000000000 NoNewPrivs: 0 " || diag "$out"
check "sudo takes her to root inside, without a password" test "$(section "$out" 2)" = 0
# chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service net_raw
# sys_chroot mknod audit_write setfcap: Docker's default set.
check "root inside holds Docker's default capabilities at most (a80425fb)" \
	test "$(section "$out" 3 | sort | tr '\n' ' ')" = "CapBnd: 00000000a80425fb CapEff: 00000000a80425fb " ||
	diag "$out"

# A package of our own making (no network needed), installed with dpkg as root inside.
pkg=$T/pkg
mkdir -p "$pkg/DEBIAN" "$pkg/usr/share/warren-test"
printf 'Package: warren-test-pkg\nVersion: 1\nArchitecture: all\nMaintainer: warren tests <root@localhost>\nDescription: a test package\n' \
	>"$pkg/DEBIAN/control"
echo hello-from-a-package >"$pkg/usr/share/warren-test/hello"
dpkg-deb --root-owner-group -b "$pkg" "$T/warren-test-pkg.deb" >/dev/null
motd=$(sha256sum <"$IMAGE/etc/motd")
tscp wta "$T/warren-test-pkg.deb" R:/tmp/ >/dev/null 2>&1
out=$(tssh wta -- 'sudo -n dpkg -i /tmp/warren-test-pkg.deb >/dev/null 2>&1; dpkg-query -W -f="\${Status}\n" warren-test-pkg; echo @@
	cat /usr/share/warren-test/hello; echo @@
	sudo -n sh -c "echo changed >>/etc/motd" && echo motd-written' 2>&1)
check "she installs a package with dpkg as root inside" test "$(section "$out" 1)" = "install ok installed" ||
	diag "$out"
check "its file is there for her" test "$(section "$out" 2)" = hello-from-a-package
check "it went to her own layer on the host, not into the image" \
	test -f "$STATE/users/wta/root/usr/share/warren-test/hello" -a ! -e "$IMAGE/usr/share/warren-test"
check "root inside changes /etc/motd in her layer, the image's stays as it was" \
	test "$(section "$out" 3)" = motd-written -a "$(sha256sum <"$IMAGE/etc/motd")" = "$motd"

host_time=$(date +%s)
out=$(tssh wta -- "sudo -n date -s @0 >/dev/null 2>&1 && echo CLOCK-SET; echo @@
	sudo -n hostname warren-evil 2>&1; echo @@
	sudo -n mount -t tmpfs x /mnt 2>&1 || echo mount-refused; echo @@
	sudo -n unshare -U true 2>&1 || echo userns-refused; echo @@
	sudo -n kill -9 $SSHD_PID 2>&1 || echo no-such-process" 2>&1)
check "root inside cannot set the clock, and the host's is untouched" \
	test -z "$(section "$out" 1)" -a "$(date +%s)" -ge "$host_time"
check "nor the host's hostname ($(hostname))" test "$(hostname)" = "$HOST_NAME"
check "nor mount, nor make a user namespace" \
	bash -c 'grep -q mount-refused <<<"$1" && grep -q userns-refused <<<"$1"' - "$out" || diag "$out"
check "nor reach a host process (sshd, pid $SSHD_PID on the host, lives)" \
	bash -c 'grep -q no-such-process <<<"$1" && kill -0 "$2"' - "$out" "$SSHD_PID"

out=$(tssh wtb -- 'sudo -n id -u 2>&1; grep NoNewPrivs /proc/self/status | tr -s "\t " " "' 2>&1)
check "root = false: sudo gets wtb nowhere (no_new_privs, nosuid)" \
	bash -c '! grep -qx 0 <<<"$1" && grep -qx "NoNewPrivs: 1" <<<"$1"' - "$out" || diag "$out"
# The calls the filter denies, tried as the user and as root inside (x86_64 numbers;
# each would fail otherwise with another errno, or work): EPERM (1) for all.
calls='perl -e '\''for ([keyctl => 250, 0, -3, 0], [bpf => 321, 0, 0, 0], [perf_event_open => 298, 0, 0, -1, -1, 0],
	[userfaultfd => 323, 0], [kexec_load => 246, 0, 0, 0, 0], [init_module => 175, 0, 0, ""],
	[mount => 165, "x", "/mnt", "tmpfs", 0, 0], [unshare_newuser => 272, 0x10000000]) {
	($n, $nr, @a) = @$_; print "$n:", (syscall($nr, @a) < 0 ? $! + 0 : "worked"), " " }'\'
want="keyctl:1 bpf:1 perf_event_open:1 userfaultfd:1 kexec_load:1 init_module:1 mount:1 unshare_newuser:1 "
out=$(tssh wta -- "$calls" 2>&1)
check "as the user: keyctl, bpf, perf_event_open, userfaultfd, kexec, init_module, mount, unshare(NEWUSER) get EPERM" \
	test "$out" = "$want" || diag "$out"
out=$(tssh wta -- "sudo -n $calls" 2>&1)
check "and as root inside" test "$out" = "$want" || diag "$out"

# io_uring (x86_64: io_uring_setup is 425): ENOSYS, as on a kernel without it, so that
# programs fall back; wtb's profile file takes that back with "allow io_uring".
uring='perl -e '\''my $p = "\0" x 120; print syscall(425, 8, $p) < 0 ? "$!\n" : "allowed\n"'\'
out=$(tssh wta -- "$uring" 2>&1)
check "default filter: io_uring_setup is ENOSYS for the user ($out)" test "$out" = "Function not implemented"
out=$(tssh wta -- "sudo -n $uring" 2>&1)
check "and for root inside ($out)" test "$out" = "Function not implemented"
out=$(tssh wtb -- "$uring" 2>&1)
check "a profile file's \"allow io_uring\" lets it through in wtb's container ($out)" test "$out" = allowed

# ioctl(TIOCSTI) would type into the terminal of whoever reads it (her own here, from a
# pty of her own): EPERM, as the user and as root inside.
sti='script -qc "perl -e '"'"'\$c = q(x); print ioctl(STDIN, 0x5412, \$c) ? qq(pushed\n) : qq(\$!\n)'"'"'" /dev/null'
out=$(tssh wta -- "$sti" 2>&1 | tr -d '\r')
check "ioctl(TIOCSTI) on her own pty gets EPERM, nothing is typed ($out)" test "$out" = "Operation not permitted"
out=$(tssh wta -- "sudo -n $sti" 2>&1 | tr -d '\r')
check "and as root inside ($out)" test "$out" = "Operation not permitted"

# PTRACE_TRACEME (x86_64: ptrace is 101)
: allowed by the default filter, not by strict.
trace_me='perl -e '\''print syscall(101, 0, 0, 0, 0) < 0 ? "$!\n" : "allowed\n"'\'
out=$(tssh wtb -- "$trace_me" 2>&1)
check "seccomp = \"/path\" with base strict: ptrace is denied in wtb's container ($out)" test "$out" = "Operation not permitted"
out=$(tssh wta -- "$trace_me" 2>&1)
check "and allowed under the default filter in wta's ($out)" test "$out" = allowed
out=$(tssh wtb -- 'uname -r 2>&1; echo @@; perl -e '\''my $b = "\0" x 400; print syscall(63, $b) < 0 ? "$!\n" : "allowed\n"'\' 2>&1)
check "the profile's own line: uname gets EPERM in wtb's container" \
	test "$(section "$out" 1)" = "uname: cannot get system name: Operation not permitted" -a \
	"$(section "$out" 2)" = "Operation not permitted" ||
	diag "$out"

# The helper holds only what its verb needs, and none of it effective but around a
# step (creds.h): one waiting for wta's lock, before her container is looked at, holds
# ensure's set permitted and bounding, nothing effective, inheritable or ambient.
# chown dac_override dac_read_search fowner kill setgid setuid setpcap net_admin
# sys_chroot sys_ptrace sys_admin audit_control setfcap: c02c11ef.
# Her running container's supervisor has the same command line: the helper is the new one.
before=" $(pgrep -f -- "warren-helper --config $CONF (--service [^ ]+ )?ensure wta\$" | tr '\n' ' ') "
exec {held}>>/run/warren/locks/wta
flock "$held"
tssh wta -- 'echo landed' {held}>&- >"$T/paused.out" 2>&1 &
login=$!
hp=
for ((i = 0; i < 300; i++)); do
	for p in $(pgrep -f -- "warren-helper --config $CONF (--service [^ ]+ )?ensure wta\$"); do
		[[ $before == *" $p "* ]] || hp=$p
	done
	[ -n "$hp" ] && break
	sleep 0.1
done
# At the lock: the kernel lists it as waiting for a flock (/proc/locks: "N: -> FLOCK ... PID").
for ((i = 0; i < 300; i++)); do
	grep -Eq "^[0-9]+: +-> FLOCK +ADVISORY +WRITE +${hp:-none} " /proc/locks && break
	sleep 0.1
done
caps=$(grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' "/proc/${hp:-0}/status" 2>&1 | tr -s '\t ' ' ' | sort | tr '\n' ' ')
exec {held}>&-
wait "$login"
check "ensure's helper, between steps: CapEff 0, ensure's set permitted and bounding (pid ${hp:-none})" \
	test "$caps" = "CapAmb: 0000000000000000 CapBnd: 00000000c02c11ef CapEff: 0000000000000000 CapInh: 0000000000000000 CapPrm: 00000000c02c11ef " ||
	diag "$caps"
check "and the login goes on once the lock is free" grep -qx landed "$T/paused.out" ||
	diag "$(cat "$T/paused.out")"

# enter's helper, relaying her command, keeps kill alone (to pass signals on).  The
# command (head -n 1) runs until the test sends it a line through a FIFO, which its
# warrenctl alone holds open (read-write: no end of file before that line).
mkfifo -m 0600 "$T/exec.in"
./warrenctl --config "$CONF" exec wta -- head -n 1 0<>"$T/exec.in" >/dev/null 2>&1 &
ex=$!
hp=
for ((i = 0; i < 300; i++)); do
	hp=$(pgrep -f -- "warren-helper --config $CONF enter wta" | head -n 1)
	[ -n "$hp" ] && [ "$(grep -c '^CapPrm:.*0000000000000020$' "/proc/$hp/status" 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
caps=$(grep -E '^Cap(Prm|Eff|Bnd):' "/proc/${hp:-0}/status" 2>&1 | tr -s '\t ' ' ' | sort | tr '\n' ' ')
exec {w}<>"$T/exec.in" && echo >&"$w"
exec {w}>&-
wait "$ex"
check "enter's helper, relaying: kill only (pid ${hp:-none})" \
	test "$caps" = "CapBnd: 0000000000000020 CapEff: 0000000000000020 CapPrm: 0000000000000020 " || diag "$caps"

# A typo on line 3: her next login is refused (her container runs, with the old filter:
# a login never joins it without its filter), with FILE:LINE; check-config says the same.
printf '# wtb: the strict profile, and no uname\nbase strict\nunamee\n' >"$profile"
log_mark
out=$(tssh wtb -- 'echo LANDED; hostname' 2>&1)
check "a broken profile refuses wtb's login" bash -c '! grep -q LANDED <<<"$1"' - "$out" || diag "$out"
check "the log says FILE:LINE and the fix" \
	wait_log "refusing the login of wtb.*$profile:3: unknown syscall \"unamee\".*fix: correct the name" 5 ||
	diag "$(log_since | tail -n 5)"
out=$(./warrenctl check-config "$CONF" 2>&1)
rc=$?
check "warrenctl check-config reports it (exit $rc)" \
	bash -c 'test "$2" -ne 0 && grep -qF "$3:3: unknown syscall \"unamee\"" <<<"$1"' - "$out" "$rc" "$profile" || diag "$out"
fixture_finish
