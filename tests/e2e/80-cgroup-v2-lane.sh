#!/bin/bash
# The cgroup v2 lane: the helper-level tests of tests/vm/tests.sh on a pure cgroup v2
# host (Debian's kernel under qemu), whatever this machine's own cgroup layout is.
set -u
cd "$(dirname "$0")/../.."
image=/var/lib/warren/images/default
[ -d "$image" ] || image=/var/cache/warren-test/image
if [ ! -d "$image" ]; then
	echo "1..1"
	echo "ok 1 # SKIP cgroup v2 lane: no base image (run the end-to-end tests first, or install.sh)"
	exit 0
fi
# One VM at a time on the machine: its files are in /var/cache/warren-test/vm.
exec {lock}>>/run/lock/warren-e2e.lock
flock -w "${WARREN_TEST_LOCK_WAIT:-600}" "$lock" ||
	{ echo "1..1"; echo "ok 1 # SKIP another test holds the lock for ${WARREN_TEST_LOCK_WAIT:-600} s"; exit 0; }
out=$(tests/vm/run.sh "$image")
rc=$?
if [ $rc -eq 77 ]; then
	echo "1..1"
	echo "ok 1 # SKIP $out"
	exit 0
fi
printf '%s\n' "$out"
exit $rc
