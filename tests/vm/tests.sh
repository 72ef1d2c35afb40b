#!/bin/sh
# Helper-level tests on a pure cgroup v2 host (run inside the lane's VM by init.sh).
# TAP on stdout.  The VM is throwaway: it is set up here without cleaning up after.
n=0
check() { # check DESCRIPTION COMMAND... - one TAP result
	desc=$1; shift
	n=$((n + 1))
	if "$@" >/tmp/out 2>&1; then echo "ok $n - $desc"; else
		echo "not ok $n - $desc"; sed 's/^/# /' /tmp/out | head -n 20; fi
}
H="warren-helper --config /etc/warren/warren.conf"
export H

. /guest-setup.sh
cat >/etc/warren/warren.conf <<'C'
image = "/var/lib/warren/images/default";
state_dir = "/var/lib/warren/state";
jail_groups = [ "wvjail" ];
defaults = { idle_timeout = 2; disk = "max"; network = "none"; };
groups = ( { name = "wvjail"; memory = "64M"; pids = 40; cpus = 0.5; } );
users = ( { name = "wvb"; memory = "96M"; io_weight = 500; } );
C
chmod 0644 /etc/warren/warren.conf

echo "1..36"
check "this host is pure cgroup v2" sh -c 'grep -q "cgroup2 /sys/fs/cgroup " /proc/mounts && ! grep -q " cgroup " /proc/mounts'
check "a jailed user enters her own container (uid, hostname, pid 1)" \
	sh -c 'out=$($H enter wva sh -c "id -u; hostname; cat /proc/1/comm" | tr "\n" " "); echo "$out"; [ "$out" = "1000 wva warren-init " ]'
check "the uid map is the designed one" \
	sh -c '$H enter wva cat /proc/self/uid_map | tr -s " " | sed "s/^ //" | tee /dev/stderr | tr "\n" ";" | grep -qx "0 100000 1000;1000 1000 1;1001 101001 64535;"'
check "her container has a v2 cgroup with the pids controller" \
	sh -c 'grep -qw pids /sys/fs/cgroup/warren/wva/cgroup.controllers && grep -q . /sys/fs/cgroup/warren/wva/cgroup.procs'
check "her processes are in it and see it as their cgroup root" \
	sh -c '[ "$($H enter wva cat /proc/self/cgroup)" = "0::/" ]'
check "home and root-fs writes survive a stop" \
	sh -c '$H enter wva sh -c "echo h >~/f; echo r >/var/tmp/g" && $H stop wva && [ "$($H enter wva cat /home/wva/f /var/tmp/g | tr -d "\n")" = hr ]'
check "another user sees none of it" sh -c '$H enter wvb sh -c "! test -e /var/tmp/g && ! test -e /home/wva/f"'
check "stop leaves no cgroup, mount or runtime state" \
	sh -c '$H stop wva && $H stop wvb && ! test -e /sys/fs/cgroup/warren/wva && ! test -e /run/warren/users/wva && ! grep -qE "/run/warren|overlay" /proc/mounts'
check "an idle container stops by itself" \
	sh -c 'set -e; $H ensure wva >/dev/null; test -e /sys/fs/cgroup/warren/wva; i=0
		while [ $i -lt 120 ] && test -e /sys/fs/cgroup/warren/wva; do sleep 0.5; i=$((i+1)); done
		! test -e /sys/fs/cgroup/warren/wva'
# The kernel's own record of cgroup migrations (tracefs): a move into a v2 cgroup waits
# for an RCU grace period on such a host (no favordynmods here), a fork into it does not.
# The control: the process that enters after her init was born there, and is seen moving.
check "her container's init is born in her cgroup: the kernel moved no process there but the one that entered" \
	sh -c 'set -e; T=/sys/kernel/tracing; grep -q " $T " /proc/mounts || mount -t tracefs tracefs $T
		echo >$T/trace; echo 1 >$T/events/cgroup/cgroup_attach_task/enable
		$H ensure wva >/dev/null
		for p in $(cat /sys/fs/cgroup/warren/wva/cgroup.procs); do [ "$(cat /proc/$p/comm)" != warren-init ] || init=$p; done
		$H enter wva true; echo 0 >$T/events/cgroup/cgroup_attach_task/enable
		grep "dst_path=/warren/wva " $T/trace; echo "init: ${init:-none}"
		[ -n "$init" ] && grep -q "dst_path=/warren/wva " $T/trace && ! grep -q "dst_path=/warren/wva pid=$init " $T/trace'

# Limits (issue 3) on v2: the files, then that they bite.
# A session each keeps the containers up (idle_timeout is 2 s) while we look, until the
# stop after the limits ends them; they are up once each has joined its cgroup.
$H enter wva sleep 100000 >/dev/null 2>&1 &
$H enter wvb sleep 100000 >/dev/null 2>&1 &
G=/sys/fs/cgroup/warren
export G
i=0
while [ $i -lt 240 ] && ! { grep -q . $G/wva/cgroup.procs && grep -q . $G/wvb/cgroup.procs; } 2>/dev/null; do
	sleep 0.25; i=$((i+1)); done
check "wva's limits are written: memory.max, pids.max, cpu.max" \
	sh -c '[ "$(cat $G/wva/memory.max) $(cat $G/wva/pids.max) $(cat $G/wva/cpu.max)" = "67108864 40 50000 100000" ]'
check "a users entry wins over the group: wvb's memory.max" sh -c '[ "$(cat $G/wvb/memory.max)" = 100663296 ]'
check "wvb's io_weight = 500 is her io.weight" sh -c 'cat $G/wvb/io.weight; grep -qx "default 500" $G/wvb/io.weight'
check "a memory hog is OOM-killed inside, its neighbour lives" \
	sh -c 'out=$($H enter wva sh -c "sleep 600 & k=\$!; head -c 300M /dev/zero | tail >/dev/null; echo hog=\$?; kill -0 \$k && echo alive; kill \$k" | tr "\n" " "); echo "$out"; [ "$out" = "hog=137 alive " ]'
check "memory.events counts the OOM kill" sh -c '[ "$(awk "\$1 == \"oom_kill\" { print \$2 }" $G/wva/memory.events)" -ge 1 ]'
# (perl's fork fails at once where bash's retries for 15 s: how many it got before the
# first refusal, all alive at once.)
check "a fork loop stops below pids.max" \
	sh -c 'n=$($H enter wva perl -e "for (1..60) { my \$p = fork; last unless defined \$p;
		if (!\$p) { sleep 600; exit } push @k, \$p } print scalar(@k), qq(\n); kill 9, @k; 1 while wait > 0"); echo "$n"; [ "$n" -lt 40 ] && [ "$n" -gt 10 ] && [ "$(awk "\$1 == \"max\" { print \$2 }" $G/wva/pids.events)" -gt 0 ]'
# CPU, from the container's own cpu.stat against the clock, over a window as long as a
# busy host needs: two busy loops (this VM has two cores) until the stop below ends them.
cat >/tmp/cpu.sh <<'FCPU'
cpu() { awk -v k="$2" '$1 == k { print $2 }' /sys/fs/cgroup/warren/$1/cpu.stat; } # cpu USER KEY
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
FCPU
$H enter wva sh -c 'for i in 1 2; do sh -c "while :; do :; done" & done; exec sleep 100000' >/dev/null 2>&1 &
. /tmp/cpu.sh
i=0; t=$(cpu wva nr_throttled)
while [ $i -lt 240 ] && [ "$(cpu wva nr_throttled)" = "$t" ]; do sleep 0.25; i=$((i+1)); done # they run
u0=$(cpu wva usage_usec) t0=$(cpu wva nr_throttled) w0=$(ms) i=0
while [ $i -lt 120 ]; do # 3 s and 10 throttled periods, or 60 s
	sleep 0.5; i=$((i+1))
	[ $(($(ms) - w0)) -ge 3000 ] && [ $(($(cpu wva nr_throttled) - t0)) -ge 10 ] && break
done
U=$((($(cpu wva usage_usec) - u0) / 1000)) W=$(($(ms) - w0)) TH=$(($(cpu wva nr_throttled) - t0))
export U W TH
check "CPU burners get half a core at most ($U ms of CPU in $W ms; cpus = 0.5, +25%)" \
	sh -c '[ "$W" -gt 0 ] && [ $((U * 1000)) -le $((W * 625)) ]'
check "the quota is what holds them: $TH throttled periods, each about half a core (37.5 ms at least)" \
	sh -c '[ "$TH" -gt 0 ] && [ $((U * 1000)) -ge $((TH * 37500)) ]'

# Binds (issue 20; 71-binds.sh's 1 to 3): a read-only dataset, a group's shared
# directory (setgid, group wvg), a hand-in directory made hers with %u.
$H stop wva; $H stop wvb
mkdir -p /srv/data /srv/project /srv/handin && echo readme >/srv/data/readme && chmod 0777 /srv/data
chgrp 3000 /srv/project && chmod 2770 /srv/project
cat >/etc/warren/warren.conf <<'C'
image = "/var/lib/warren/images/default";
state_dir = "/var/lib/warren/state";
jail_groups = [ "wvjail" ];
defaults = { idle_timeout = 2; disk = "max"; network = "none";
  binds = ( { from = "/srv/data"; to = "/data"; } ); };
groups = ( { name = "wvg"; binds = ( { from = "/srv/project"; to = "/project"; write = true; } ); },
  { name = "wvjail"; binds = ( { from = "/srv/handin/%u"; to = "/handin"; write = true; create = "0700"; } ); } );
C
check "binds: a read-only bind is readable; a write there fails with EROFS" \
	sh -c '[ "$($H enter wva cat /data/readme)" = readme ] && $H enter wva sh -c "touch /data/x 2>&1" | tee /dev/stderr |
		grep -q "Read-only file system" && ! test -e /srv/data/x'
check "binds: wva writes in her group's directory, wvb appends, ls -l names the group" \
	sh -c '$H enter wva sh -c "umask 007; echo a >/project/f" && $H enter wvb sh -c "echo b >>/project/f" &&
		[ "$(cat /srv/project/f | tr "\n" " ")" = "a b " ] && $H enter wvb ls -l /project/f | tee /dev/stderr |
		awk "{ print \$4 }" | grep -qx wvg'
check "binds: /srv/handin/%u made hers (uid, gid, mode 0700), and what she writes there" \
	sh -c '$H enter wva sh -c "echo hw >/handin/hw" && [ "$(stat -c "%u %g %a" /srv/handin/wva)" = "1000 1000 700" ] &&
		[ "$(stat -c %u /srv/handin/wva/hw)" = 1000 ]'
$H stop wva; $H stop wvb

# The bridged network on this v2 host (85-network.sh's first three groups of checks, and
# 98-ipv6.sh's NAT66 and isolation over IPv6).
# iproute2's ip (busybox's has no veth or netns); helpers in a file for each sh -c.  The
# upstream's 198.51.100.2 stands for the Internet: its link, 10.99.0.0/24, is the host's own
# network, which bridge.deny's default keeps containers from.
IP=/bin/iproute-ip
$IP netns add up && $IP link add wvup0 type veth peer name eth0 netns up &&
	$IP addr add 10.99.0.1/24 dev wvup0 && $IP link set wvup0 up &&
	$IP -n up addr add 10.99.0.2/24 dev eth0 && $IP -n up link set eth0 up && $IP -n up link set lo up &&
	$IP -n up addr add 198.51.100.2/32 dev lo && $IP route add 198.51.100.0/24 via 10.99.0.2
# IPv6 beside it (98-ipv6.sh's): the link 2001:db8:99::/64, beyond it 2001:db8:100::2.
$IP addr add 2001:db8:99::1/64 dev wvup0 nodad && $IP -n up addr add 2001:db8:99::2/64 dev eth0 nodad &&
	$IP -n up addr add 2001:db8:100::2/128 dev lo && $IP route add 2001:db8:100::/64 via 2001:db8:99::2
cat >/tmp/net.sh <<'FNS'
H="warren-helper --config /etc/warren/warren.conf"
# tcp USER ADDR PORT - the first line USER reads from ADDR:PORT in her container
tcp() { $H enter "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3 && head -n 1 <&3" 2>/dev/null; }
# probe USER ADDR PORT - the same after a line "probing": a check that nothing came through
# sees the probe ran (not that her container could not even start it)
probe() { $H enter "$1" timeout 3 bash -c "echo probing; exec 3<>/dev/tcp/$2/$3 && head -n 1 <&3" 2>/dev/null; }
addr() { $H enter "$1" ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }'; }
addr6() { $H enter "$1" ip -6 -o addr show dev eth0 scope global | awk '{ sub("/.*", "", $4); print $4 }'; }
FNS
. /tmp/net.sh
# serve NETNS-CMD ADDR PORT TEXT - a TCP server (the image's perl) answering "TEXT from PEER"
# (IPv4 or IPv6, as ADDR is)
serve() {
	$1 chroot /var/lib/warren/images/default perl -MIO::Socket::IP -e '$s = IO::Socket::IP->new(
		LocalHost => $ARGV[0], LocalPort => $ARGV[1], Listen => 5, ReuseAddr => 1) or die "$!";
		while ($c = $s->accept) { print $c "$ARGV[2] from ", $c->peerhost, "\n"; close $c }' \
		"$2" "$3" "$4" >/dev/null 2>&1 &
}
serve_wvb() { # wvb answers "wvb" on TCP 8002 in her container, over IPv4 and IPv6
	$H enter wvb sh -c 'perl -MIO::Socket::IP -e '\''$s = IO::Socket::IP->new(LocalHost => "::",
		LocalPort => 8002, V6Only => 0, Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) {
		print $c "wvb\n"; close $c }'\'' & exec sleep 100000' >/dev/null 2>&1 &
	check "wvb's listener answers inside her container, over IPv4 and IPv6" sh -c '. /tmp/net.sh; for i in $(seq 120); do
		[ "$(tcp wvb 127.0.0.1 8002)" = wvb ] && [ "$(tcp wvb ::1 8002)" = wvb ] && exit 0; sleep 0.5; done; exit 1'
}
netconf() { # netconf EXTRA - nat for all, idle 30 s, plus EXTRA
	printf '%s\n' 'image = "/var/lib/warren/images/default";' 'state_dir = "/var/lib/warren/state";' \
		'jail_groups = [ "wvjail" ];' 'defaults = { idle_timeout = 30; disk = "max"; network = "nat"; };' \
		"$1" >/etc/warren/warren.conf
}
serve "$IP netns exec up" 198.51.100.2 8000 upstream
serve "$IP netns exec up" 10.99.0.2 8001 intranet
serve "$IP netns exec up" 2001:db8:100::2 8000 upstream6
serve "$IP netns exec up" 2001:db8:99::2 8001 intranet6
netconf ''
# (The upstream's perl may take a while to listen under TCG: try for up to 60 s.)
check "nat: a container reaches the upstream, masqueraded" \
	sh -c '. /tmp/net.sh; for i in $(seq 120); do
		[ "$(tcp wva 198.51.100.2 8000)" = "upstream from 10.99.0.1" ] && exit 0; sleep 0.5; done; exit 1'
# The host's own network answers the host, not a container (bridge.deny's default).
check "nat: not the host's own network (10.99.0.2, which answers the host)" \
	sh -c 'up=; for i in $(seq 120); do chroot /var/lib/warren/images/default bash -c \
		"exec 3<>/dev/tcp/10.99.0.2/8001" 2>/dev/null && { up=1; break; }; sleep 0.5; done
		[ -n "$up" ] && . /tmp/net.sh && [ "$(probe wva 10.99.0.2 8001)" = probing ]'
# The same over IPv6 (bridge.ipv6 is on by default): NAT66 out, as the host's address.
check "nat: a container reaches the upstream over IPv6, through NAT66" \
	sh -c '. /tmp/net.sh; for i in $(seq 120); do
		[ "$(tcp wva 2001:db8:100::2 8000)" = "upstream6 from 2001:db8:99::1" ] && exit 0; sleep 0.5; done; exit 1'
check "nat: not the host's own IPv6 network (2001:db8:99::2, which answers the host)" \
	sh -c 'up=; for i in $(seq 120); do chroot /var/lib/warren/images/default bash -c \
		"exec 3<>/dev/tcp/2001:db8:99::2/8001" 2>/dev/null && { up=1; break; }; sleep 0.5; done
		[ -n "$up" ] && . /tmp/net.sh && [ "$(probe wva 2001:db8:99::2 8001)" = probing ]'
serve_wvb
B=$(addr wvb) B6=$(addr6 wvb)
export B B6
check "two containers cannot reach each other (wvb at $B)" sh -c '. /tmp/net.sh; [ "$(probe wva $B 8002)" = probing ]'
check "nor over IPv6 (wvb at $B6)" sh -c '. /tmp/net.sh; [ -n "$B6" ] && [ "$(probe wva $B6 8002)" = probing ]'
$H stop wva; $H stop wvb
netconf 'groups = ( { name = "wvjail"; peers = true; } );'
serve_wvb
check "peers = true: they can" sh -c '. /tmp/net.sh; for i in $(seq 120); do
	[ "$(tcp wva $B 8002)" = wvb ] && exit 0; sleep 0.5; done; exit 1'
check "peers = true: over IPv6 too (the control of the check above it)" sh -c '. /tmp/net.sh; for i in $(seq 120); do
	[ "$(tcp wva $B6 8002)" = wvb ] && exit 0; sleep 0.5; done; exit 1'
$H stop wva; $H stop wvb
netconf 'users = ( { name = "wva"; network = "none"; },
	{ name = "wvb"; network = "isolated"; isolated_ports = [ "7001/tcp" ]; } );'
serve "" 10.213.0.1 7001 gateway-service
check "isolated: the gateway's service" sh -c '. /tmp/net.sh; for i in $(seq 120); do
	tcp wvb 10.213.0.1 7001 | grep -q "^gateway-service" && exit 0; sleep 0.5; done; exit 1'
check "isolated: not the upstream" sh -c '. /tmp/net.sh; [ "$(probe wvb 198.51.100.2 8000)" = probing ]'
serve "" fd77:6172:7265:6e00::1 7001 gateway-service6
check "isolated: the gateway's service over IPv6" sh -c '. /tmp/net.sh; for i in $(seq 120); do
	tcp wvb fd77:6172:7265:6e00::1 7001 | grep -q "^gateway-service6" && exit 0; sleep 0.5; done; exit 1'
check "isolated: not the upstream over IPv6" sh -c '. /tmp/net.sh; [ "$(probe wvb 2001:db8:100::2 8000)" = probing ]'
check "none: loopback only" sh -c '. /tmp/net.sh; [ "$($H enter wva ls /sys/class/net)" = lo ]'
