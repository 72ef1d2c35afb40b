#!/bin/bash
# 82-real-host.sh - the real-host lane (tests/host/): warren installed by ./install.sh on
# a stock-shaped Debian 12 server (systemd as pid 1, the unified cgroup v2 tree,
# pam_systemd, AppArmor) under qemu, real SSH logins into it from this machine, and the
# end-to-end files that matter on such a host run inside it; one TAP stream.
# run.sh bound: 2700 s (the guest's disk is built natively on a cold cache; under TCG the
# guest runs at a tenth of this machine's speed)
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
image=/var/lib/warren/images/default
[ -d "$image" ] || image=/var/cache/warren-test/image
[ "$(id -u)" -eq 0 ] || skip_all "needs root (qemu, the cache in /var/cache/warren-test)" 1
[ -d "$image" ] || skip_all "no base image (run the end-to-end tests first, or install.sh)" 1
# One VM at a time on the machine, and nothing else of the suite beside it: the guest
# takes both cores.
exec {lock}>>/run/lock/warren-e2e.lock
flock -w "${WARREN_TEST_LOCK_WAIT:-600}" "$lock" ||
	skip_all "another test holds the lock for ${WARREN_TEST_LOCK_WAIT:-600} s" 1
start=$SECONDS
out=$(tests/host/run.sh "$image")
rc=$?
if [ $rc -eq 77 ]; then
	skip_all "$out" 1
fi
printf '%s\n' "$out"
echo "# real-host lane: $((SECONDS - start)) s"
exit $rc
