#!/bin/sh
# tests/bench/v2-guest.sh - make bench's v2 part, run as the cgroup v2 lane's guest script
# (tests/vm/: a pure cgroup v2 host, Debian's kernel, busybox init) with the bench build's
# binaries.  25 cold starts (warren-helper ensure) 300 ms apart, as logins come, with the
# step marks; 25 moves of a process into a cgroup (cgmove: what a login's join costs);
# then both again after cgroup2 is remounted with favordynmods.  Prints "phase NAME"
# before each phase's results, "move US" per move, and every mark as "mark LINE".
H="warren-helper --config /etc/warren/warren.conf"
MARKS=/run/warren-bench.steps # benchmark.h's WARREN_BENCH_LOG
. /guest-setup.sh
cat >/etc/warren/warren.conf <<'C'
image = "/var/lib/warren/images/default";
state_dir = "/var/lib/warren/state";
jail_groups = [ "wvjail" ];
defaults = { idle_timeout = 600; disk = "max"; network = "none"; };
groups = ( { name = "wvjail"; memory = "64M"; pids = 40; cpus = 0.5; } );
C
chmod 0644 /etc/warren/warren.conf
mkdir /sys/fs/cgroup/bench-move
$H ensure wva >/dev/null && $H stop wva >/dev/null # her first start: untimed
for phase in plain favordynmods; do
	[ $phase = plain ] || mount -o remount,favordynmods /sys/fs/cgroup
	echo "phase $phase"
	: >/tmp/marks
	i=0
	while [ $i -lt 25 ]; do
		sleep 0.3
		: >$MARKS
		$H ensure wva >/dev/null || echo "ensure failed"
		cat $MARKS >>/tmp/marks # the start's own: not its stop's
		: >$MARKS
		$H stop wva >/dev/null
		i=$((i + 1))
	done
	sed 's/^/mark /' /tmp/marks
	/usr/libexec/cgmove 25 /sys/fs/cgroup/bench-move | sed 's/^/move /'
done
