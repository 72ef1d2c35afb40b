#!/bin/bash
# 81-vm-fallback.sh - the cgroup v2 lane decides between KVM and TCG by trying: a KVM
# attempt that fails at once, or whose guest prints nothing within the probe bound,
# falls back to TCG and says why, in bounded time (tests/vm/run.sh --accel-only); and a
# guest that passes the probe goes on as the lane's VM (a TCG guest standing in for a
# KVM that works, which this machine may not have); and a guest that stalls (nothing on
# its console, not even the heartbeat) gets one more boot.
set -u
# run.sh bound: 900 s (three TCG boots of the lane, each about 45 s here and up to three times that
# on a busy machine, besides the probes)
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
image=/var/lib/warren/images/default
[ -d "$image" ] || image=/var/cache/warren-test/image
[ "$(id -u)" -eq 0 ] || skip_all "needs root (the VM cache in /var/cache/warren-test)" 7
[ -d "$image" ] || skip_all "no base image (run the end-to-end tests first, or install.sh)" 7
# One VM at a time on the machine: its files are in /var/cache/warren-test/vm.
exec {lock}>>/run/lock/warren-e2e.lock
flock -w "${WARREN_TEST_LOCK_WAIT:-600}" "$lock" ||
	skip_all "another test holds the lock for ${WARREN_TEST_LOCK_WAIT:-600} s" 7
plan 7

out=$(WARREN_VM_KVM=fail tests/vm/run.sh --accel-only "$image" 2>&1)
rc=$?
[ $rc -eq 77 ] && { skip_rest "$out"; exit 0; }
check "a KVM attempt that fails at once falls back to TCG, with qemu's reason" \
	grep -q '^tcg: qemu -accel kvm exited' <<<"$out" || diag "$out"

start=$SECONDS
out=$(WARREN_VM_KVM=hang WARREN_VM_PROBE_SECS=3 tests/vm/run.sh --accel-only "$image" 2>&1)
took=$((SECONDS - start))
check "a guest that prints nothing within the bound falls back to TCG" \
	grep -q '^tcg: the guest printed nothing within 3 s' <<<"$out" || diag "$out"
# The bound is the probe's, from qemu's start (run.sh says when it gave up): what comes
# before (the cached VM image checked, the state disk made) is not part of it, and takes
# many seconds on a busy machine.
gave_up=$(sed -n 's/.*(given up \([0-9]*\)\.[0-9] s after qemu started).*/\1/p' <<<"$out")
check "and the decision is bounded: given up ${gave_up:-?} s after qemu started, for a 3 s probe ($took s in all)" \
	test -n "$gave_up" -a "${gave_up:-99}" -ge 3 -a "${gave_up:-99}" -le 6

# A TCG guest takes far longer than a KVM one to print its first line, the more so on a
# busy machine: the probe bound is the one KVM gets (20 s) only where KVM runs it.
out=$(WARREN_VM_KVM=tcg WARREN_VM_PROBE_SECS=120 tests/vm/run.sh "$image" 2>&1)
rc=$?
check "a guest that passes the probe is kept as the lane's VM, and says so" \
	grep -q '^# cgroup v2 lane: qemu with tcg, the VM that passed the probe' <<<"$out" || diag "$(head -n 3 <<<"$out")"
check "and runs the lane to its end (exit $rc)" \
	test "$rc" -eq 0 -a "$(grep -c '^ok [0-9]' <<<"$out")" = "$(sed -n 's/^1\.\.//p' <<<"$out")" || diag "$(tail -n 5 <<<"$out")"

# A guest that stops running (its qemu stopped here, as a stalled emulator would leave
# it: nothing more on the console, not even the heartbeat) is killed after the stall
# bound and booted once more; the lane still ends green.  The bound is well above the
# heartbeat's 5 s and a busy machine's silent boot (10 s was not: the second guest, slow
# to its first heartbeat under a CPU hog, was taken for stalled too).  Only the first guest is
# stopped, once it has booted (the line follows the BIOS's escapes), by the pid its run.sh
# recorded.
cache=/var/cache/warren-test/vm
rm -f "$cache/console.log"
(
	for ((i = 0; i < 3000; i++)); do
		grep -q 'VM: boot ok' "$cache/console.log" 2>/dev/null && break
		sleep 0.1
	done
	pid=$(cat "$cache/qemu.pid" 2>/dev/null)
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ] && kill -STOP "$pid"
) &
stopper=$!
out=$(WARREN_VM_KVM=off WARREN_VM_STALL_SECS=45 tests/vm/run.sh "$image" 2>&1)
rc=$?
wait "$stopper"
check "a guest that stalls is killed after the stall bound and booted once more, saying so" \
	grep -q '^# the VM (tcg) stalled: its console stayed still for 45 s after .*; booting it once more under tcg' <<<"$out" || diag "$(head -n 3 <<<"$out")"
check "and that boot runs the lane to its end (exit $rc)" \
	test "$rc" -eq 0 -a "$(grep -c '^ok [0-9]' <<<"$out")" = "$(sed -n 's/^1\.\.//p' <<<"$out")" || diag "$(tail -n 5 <<<"$out")"
tap_status
