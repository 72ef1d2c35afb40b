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

mkdir -p /etc/warren /var/lib/warren/state /home
cat >/etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
wva:x:1000:1000::/home/wva:/bin/sh
wvb:x:1001:1001::/home/wvb:/bin/sh
P
printf 'root:x:0:\nwva:x:1000:\nwvb:x:1001:\nwvjail:x:2000:wva,wvb\n' >/etc/group
printf 'wva:100000:65536\nwvb:200000:65536\n' | tee /etc/subuid >/etc/subgid
printf 'passwd: files\ngroup: files\n' >/etc/nsswitch.conf
mount -t ext4 /dev/vdb /var/lib/warren/state
cat >/etc/warren/warren.conf <<'C'
image = "/var/lib/warren/images/default";
state_dir = "/var/lib/warren/state";
jail_groups = [ "wvjail" ];
defaults = { idle_timeout = 2; };
C
chmod 0644 /etc/warren/warren.conf

echo "1..9"
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
		while [ $i -lt 40 ] && test -e /sys/fs/cgroup/warren/wva; do sleep 0.5; i=$((i+1)); done
		! test -e /sys/fs/cgroup/warren/wva'
