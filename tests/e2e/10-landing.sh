#!/bin/bash
# 10-landing.sh - a jailed user's SSH login lands in their own container: their uid and
# shellcheck disable=SC2016
# name, the container's hostname, the designed uid map, warren-init as pid 1, none of the
# host's processes, a working pty, a root-owned read-only image that their writes never touch.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 33

# The image before any login: a few files' checksums and a time stamp.
image_sums() {
	(cd "$IMAGE" && sha256sum etc/passwd etc/group etc/motd etc/hostname usr/bin/bash 2>/dev/null)
}
before=$(image_sums)
touch "$T/stamp"
sleep 1 # mtime granularity: anything written from now on is -newer

uid=$(uid_of wta)
sub=$(subid_base wta)
host_pid1=$(cat /proc/1/comm)

out=$(tssh wta -- 'id; echo @@; hostname; echo @@; cat /proc/self/uid_map; echo @@; cat /proc/1/comm; echo @@; ps ax' 2>"$T/err")
rc=$?
if [ "$rc" -eq 0 ]; then ok "wta logs in (exit 0)"; else
	not_ok "wta logs in (exit $rc)"
	diag_file "$T/err" 5
	diag_file "$T/syslog" 10
fi

check "id: wta's own uid and name" grep -q "^uid=$uid(wta) " <<<"$(section "$out" 1)"
h=$(section "$out" 2)
check "hostname is wta, not the host's ($HOST_NAME)" test "$h" = wta
m=$(section "$out" 3 | norm)
want="0 $sub $uid
$uid $uid 1
$((uid + 1)) $((sub + uid + 1)) $((65535 - uid))"
check "uid_map is the designed three-line map" test "$m" = "$want" || diag "want:" "$want"
check "pid 1 inside is warren-init" test "$(section "$out" 4)" = warren-init
ps_out=$(section "$out" 5)
n=$(($(wc -l <<<"$ps_out") - 1))
if [ "$n" -gt 0 ] && [ "$n" -lt 10 ] && ! grep -qF -e "$T/sshd_config" -e "$host_pid1" <<<"$ps_out" &&
	! grep -qE "^ *$SSHD_PID " <<<"$ps_out"; then
	ok "ps ax lists a handful of processes ($n), none of the host's"
else
	not_ok "ps ax lists a handful of processes ($n), none of the host's"
	diag "$ps_out"
fi

# A pty: ssh -tt with the commands on stdin.
pty=$(tssh wta -tt -- 2>&1 <<<'tty; test -e "$(tty)" && echo "PTY-$((40 + 2))"; echo "H-$(hostname) P1-$(cat /proc/1/comm)"; exit' | untty)
check "ssh -tt: tty is a /dev/pts/N" grep -Eq '^/dev/pts/[0-9]+$' <<<"$pty" || diag "$pty"
check "ssh -tt: the tty exists inside (test -e \$(tty))" grep -qx 'PTY-42' <<<"$pty"
check "ssh -tt: the pty session is in the container (hostname, pid 1)" grep -qx 'H-wta P1-warren-init' <<<"$pty"

# Her ptys are /dev/pts/N of the container's devpts: in the host's utmp, who, write, wall
# and pkill -t would take them for the host's own pts/N, someone else's terminal.  A
# pty login is recorded in her container's utmp instead.  (This host may have no utmp:
# one is made for the test, then removed.)
made_utmp=
if [ ! -e /run/utmp ]; then install -m 0664 -g utmp /dev/null /run/utmp && made_utmp=1; fi
trap '[ -n "$made_utmp" ] && rm -f /run/utmp; fixture_finish' EXIT
tssh wta -tt -- 'echo LIVE-$((6 * 7)); while [ ! -e /tmp/utmp-go ]; do sleep 0.2; done' </dev/null >"$T/live.out" 2>&1 &
live=$!
for i in $(seq 100); do grep -q LIVE-42 "$T/live.out" && break; sleep 0.1; done
host_who=$(who /run/utmp 2>&1)
her_who=$(who /run/warren/users/wta/utmp 2>&1)
tssh wta -- touch /tmp/utmp-go >/dev/null 2>&1
wait "$live"
tssh wta -- rm /tmp/utmp-go >/dev/null 2>&1
check "a live pty login of wta is not in the host's utmp (who, write, wall, pkill -t)" \
	bash -c 'grep -q LIVE-42 "$2" && ! grep -q "^wta " <<<"$1"' - "$host_who" "$T/live.out" || diag "$host_who"
check "it is in her container's utmp: who /run/warren/users/wta/utmp" \
	grep -Eq "^wta +pts/[0-9]+ " <<<"$her_who" || diag "$her_who"
[ -n "$made_utmp" ] && rm -f /run/utmp
made_utmp=

# The container's own network and clocks, and a fresh /tmp and home.
c=$(tssh wta -- 'ls /sys/class/net; echo @@; readlink /proc/self/ns/net; echo @@
	readlink /proc/self/ns/time; echo @@; cut -d" " -f1 /proc/uptime; echo @@
	ls -A /tmp; echo @@; ls -A ~ | grep -vx .bash_history' 2>&1)
init=$(cut -d" " -f1 "/run/warren/users/wta/state" 2>/dev/null)
check "the network is loopback only" test "$(section "$c" 1)" = lo || diag "$c"
check "the session is in the container's network namespace (init's, pid $init on the host)" \
	test "$(section "$c" 2)" = "$(readlink "/proc/$init/ns/net")"
check "and in its time namespace, which is not the host's" \
	test "$(section "$c" 3)" = "$(readlink "/proc/$init/ns/time")" -a "$(section "$c" 3)" != "$(readlink /proc/self/ns/time)"
up=$(section "$c" 4)
host_up=$(cut -d" " -f1 /proc/uptime)
check "the container's uptime is its own ($up s; the host's is $host_up s)" \
	awk -v c="$up" -v h="$host_up" 'BEGIN { exit !(c < 120 && c < h - 5) }'
check "/tmp starts empty" test -z "$(section "$c" 5)"
skel=$(ls -A "$IMAGE/etc/skel")
check "the home starts as the image's /etc/skel ($(echo $skel))" test "$(section "$c" 6)" = "$skel"
# Its files are hers, as useradd's copy of /etc/skel would make them: she changes them
# in place (the image's own stay host root's).
out=$(tssh wta -- 'stat -c %U .profile .bashrc | sort -u; echo "# mine" >>.profile && tail -n 1 .profile' 2>&1)
check "the template's files in her home are hers, and she appends to ~/.profile" \
	test "$out" = $'wta\n# mine' -a "$(stat -c %u "$IMAGE/etc/skel/.profile")" = 0 || diag "$out"

w=$(tssh wta -- 'stat -c %u /etc/passwd; echo @@
	if echo x >>/etc/motd; then echo MOTD-WRITTEN; else echo MOTD-DENIED; fi; echo @@
	touch /var/tmp/f && echo TOUCH-OK' 2>/dev/null)
check "image files are owned by root inside (stat -c %u /etc/passwd = 0)" test "$(section "$w" 1)" = 0
check "a non-root user cannot write the image's /etc/motd" test "$(section "$w" 2)" = MOTD-DENIED
touched() { [ "$(section "$w" 3)" = TOUCH-OK ] && [ -e "$STATE/users/wta/root/var/tmp/f" ]; }
check "touch /var/tmp/f works and lands in wta's root upper layer" touched

after=$(image_sums)
newer=$(find "$IMAGE" \( -newer "$T/stamp" -o -cnewer "$T/stamp" \) -print 2>&1 | head -n 5)
if [ "$before" = "$after" ] && [ -n "$before" ] && [ -z "$newer" ]; then
	ok "the image on disk is unchanged"
else
	not_ok "the image on disk is unchanged"
	diag "changed since the stamp: $newer"
	diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
fi

out=$(tssh wta -- 'unshare -U true 2>&1 && echo NESTED' 2>&1)
check "no nested user namespace can be made inside" test "$(tail -n 1 <<<"$out")" != NESTED || diag "$out"
# Confinement: the session runs under the container's syscall filter, with no capability
# and no_new_privs; so does init.  (keyctl is x86_64's 250; it works without the filter.)
c=$(tssh wta -- 'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status | tr -s "\t " " "; echo @@
	perl -e '\''($c, $k) = (0, -3); print syscall(250, $c, $k, 0) < 0 ? "$!\n" : "allowed\n"'\''; echo @@
	unshare -U true 2>&1' 2>&1)
check "the session: Seccomp 2 (filter), NoNewPrivs 1, no capability" \
	test "$(section "$c" 1 | sort | tr '\n' ' ')" = "CapEff: 0000000000000000 NoNewPrivs: 1 Seccomp: 2 " || diag "$c"
check "keyctl is denied by the filter (EPERM)" test "$(section "$c" 2)" = "Operation not permitted"
check "a new user namespace is denied by the filter (EPERM, not the sysctl's ENOSPC)" \
	grep -q 'Operation not permitted' <<<"$(section "$c" 3)"
init=$(cut -d" " -f1 /run/warren/users/wta/state 2>/dev/null)
check "init runs under the filter too" grep -qx $'Seccomp:\t2' "/proc/${init:-0}/status"
# caps PID: its effective, permitted and bounding capability sets
caps() { awk '$1 ~ /^Cap(Eff|Prm|Bnd):$/ { printf "%s%s", sep, $2; sep = " " }' "/proc/${1:-0}/status"; }
check "init keeps no capability, not even in its bounding set ($(caps "$init"))" \
	test "$(caps "$init")" = "0000000000000000 0000000000000000 0000000000000000"
# CAP_KILL (5), CAP_NET_ADMIN (12), CAP_SYS_ADMIN (21): 0x201020.
sup=$(cut -d" " -f2 /run/warren/users/wta/state 2>/dev/null)
check "the supervisor keeps only kill, net_admin and sys_admin ($(caps "$sup"))" \
	test "$(caps "$sup")" = "0000000000201020 0000000000201020 0000000000201020"

# Masked as runc's default: the host's memory, keys and timers read as /dev/null, the
# firmware is an empty directory, the kernel's tunables and sysrq are read-only; and no
# setuid binary leads to root inside (the root and home are nosuid).
c=$(tssh wta -- 'for f in /proc/kcore /proc/keys /proc/timer_list; do [ -e $f ] && stat -c "%n %F" $f; done; echo @@
	for d in /proc/acpi /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do
		[ -d $d ] && echo "$d $(ls -A $d | wc -l) $(awk -v d=$d '\''$5 == d { o = $6 " " $3 } END { print o }'\'' /proc/self/mountinfo)"
	done; echo @@
	awk '\''$5 == "/proc/sys" || $5 == "/proc/sysrq-trigger" { print $5, $6 }'\'' /proc/self/mountinfo
	[ -e /proc/sysrq-trigger ] || echo "/proc/sysrq-trigger ro (not in this kernel)"; echo @@
	awk -v h="$HOME" '\''$5 == "/" || $5 == h { print $5, $6 }'\'' /proc/self/mountinfo' 2>&1)
check "/proc/kcore, keys, timer_list are /dev/null inside" \
	test "$(section "$c" 1 | grep -c 'character special file')" -ge 2 -a \
	"$(section "$c" 1 | grep -vc 'character special file')" -eq 0 || diag "$c"
check "/sys/firmware (and /proc/acpi, /proc/scsi, powercap, where they exist) are empty, read-only mounts inside, of one file system" \
	bash -c 'grep -q "^/sys/firmware " <<<"$1" && ! awk '\''$2 != 0 || $3 !~ /(^|,)ro(,|$)/'\'' <<<"$1" | grep -q . &&
		[ "$(awk '\''{ print $4 }'\'' <<<"$1" | sort -u | wc -l)" = 1 ]' - "$(section "$c" 2)" ||
	diag "$(section "$c" 2)"
check "/proc/sys and /proc/sysrq-trigger are read-only mounts" \
	test "$(section "$c" 3 | awk '$2 ~ /(^|,)ro(,|$)/' | wc -l)" -eq 2 || diag "$c"
check "the root and the home are nosuid" \
	test "$(section "$c" 4 | awk '$2 ~ /nosuid/' | wc -l)" -eq 2 || diag "$c"
fixture_finish
