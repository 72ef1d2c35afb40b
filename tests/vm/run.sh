#!/bin/bash
# tests/vm/run.sh IMAGE - the cgroup v2 lane: boot Debian's kernel under qemu (a pure
# cgroup v2 host), run tests/vm/tests.sh there and print its TAP.  Exits 77 with a
# reason when the machine cannot run the lane.
#
# KVM is used when it really works, which only trying tells: a /dev/kvm may exist on a
# host whose CPU cannot run a nested guest (qemu aborts, or hangs in the BIOS).  So the
# VM is started under KVM and must print its first line within WARREN_VM_PROBE_SECS
# (20); otherwise it is killed and the lane runs under TCG.  The TAP says which.
#   tests/vm/run.sh --accel-only IMAGE   only decide: print "kvm" or "tcg: WHY" and stop
#   WARREN_VM_KVM=fail|hang              make the KVM attempt fail at once, or never
#                                        print (tests of the fallback); =off skips it;
#                                        =tcg makes it a TCG guest that boots (a test of
#                                        the path where the probed VM goes on as the lane)
#   WARREN_VM_STALL_SECS                 how long a silent console means a stalled VM (120)
#   WARREN_VM_CACHE                      where the VM's files are kept (/var/cache/warren-test/vm;
#                                        another one lets a lane run beside the suite's)
#   WARREN_VM_BIN, WARREN_VM_TESTS,      what the guest runs (build.sh; make bench's v2 part)
#   WARREN_VM_EXTRA
set -uo pipefail
accel_only=
if [ "${1:-}" = --accel-only ]; then
	accel_only=1
	shift
fi
image=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${WARREN_VM_CACHE:-/var/cache/warren-test/vm}
probe_secs=${WARREN_VM_PROBE_SECS:-20}
tcg_secs=300 # the lane takes about 20-70 s under TCG on this kind of machine
stall_secs=${WARREN_VM_STALL_SECS:-120} # the guest prints a heartbeat every 5 s
for need in qemu-system-x86_64 busybox cpio mkfs.ext4; do
	command -v "$need" >/dev/null || { echo "cannot run the cgroup v2 lane: $need is not installed"; exit 77; }
done
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "cannot run the cgroup v2 lane: no kernel in /boot (linux-image-amd64)"; exit 77; }
mkdir -p "$cache"
kernel=$("$here/build.sh" "$cache" "$image") || { echo "cannot build the VM"; exit 1; }

qemu_pid=
trap '[ -n "$qemu_pid" ] && stop_vm; rm -f "$cache/state.ext4" "$cache/qemu.pid" "$cache/qemu.rc"' EXIT

# start_vm ACCEL [QEMU-ARGS...] - boot the lane's VM in the background; its console
# goes to $cache/console.log, its pid to qemu_pid.
start_vm() {
	local accel=$1
	shift
	rm -f "$cache/state.ext4"
	truncate -s 512M "$cache/state.ext4" && mkfs.ext4 -q -F "$cache/state.ext4" || return 1
	rm -f "$cache/qemu.rc"
	# In a subshell that records qemu's exit status, so that an abort is reported in
	# the console log (and $kvm_why), not as job noise on our stderr.
	(
		qemu-system-x86_64 -accel "$accel" -smp 2 -m 1024 -nographic -no-reboot "$@" \
			-kernel "$kernel" -initrd "$cache/initramfs.cpio.gz" \
			-drive file="$cache/image.ext4",format=raw,if=virtio,readonly=on \
			-drive file="$cache/state.ext4",format=raw,if=virtio \
			-append "console=ttyS0 quiet panic=-1 rdinit=/init" &
		echo $! >"$cache/qemu.pid"
		wait $!
		echo $? >"$cache/qemu.rc"
	) </dev/null >"$cache/console.log" 2>&1 &
	qemu_pid=$!
}

# stop_vm - kill the VM (qemu itself, by the pid its subshell recorded) and reap it.
stop_vm() {
	local pid
	pid=$(cat "$cache/qemu.pid" 2>/dev/null)
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ] && kill -KILL "$pid"
	wait "$qemu_pid" 2>/dev/null
	qemu_pid=
}

# wait_vm SECS - wait for the VM to power off: 0 if it did in time; else it is killed,
# 1 when it ran past SECS, 2 when it stalled: its console (where init.sh writes a
# heartbeat every 5 s) stayed still for stall_secs.
wait_vm() {
	local i size last=0 still=0
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$qemu_pid" 2>/dev/null || { wait "$qemu_pid"; qemu_pid=; return 0; }
		size=$(stat -c %s "$cache/console.log" 2>/dev/null || echo 0)
		if [ "$size" -ne "$last" ]; then
			last=$size still=0
		elif ((++still >= stall_secs * 10)); then
			stop_vm
			return 2
		fi
		sleep 0.1
	done
	stop_vm
	return 1
}

# try_kvm - start the VM under KVM; 0 once it has printed its first line (it goes on
# running), else 1 with the reason in $kvm_why (and no VM left).
try_kvm() {
	local accel=kvm args=(-cpu max)
	case ${WARREN_VM_KVM:-auto} in
	off) kvm_why="WARREN_VM_KVM=off"; return 1 ;;
	fail) args=(-cpu warren-no-such-cpu) ;; # qemu exits at once, as on a broken host
	# A guest whose CPU never starts prints nothing, as on a host where KVM hangs in the
	# BIOS; made with TCG so that it behaves the same on every host.
	hang) accel=tcg args=(-cpu max -S) ;;
	tcg) accel=tcg ;;
	esac
	probed=$accel
	start_vm "$accel" "${args[@]}" || { kvm_why="cannot make the state disk"; return 1; }
	# By the clock from qemu's start, not by a count of rounds, which a busy machine
	# stretches.
	local t0=${EPOCHREALTIME//[!0-9]/} waited
	while waited=$(((${EPOCHREALTIME//[!0-9]/} - t0) / 100000)); ((waited < probe_secs * 10)); do
		grep -q '^VM: ' "$cache/console.log" 2>/dev/null && return 0
		if ! kill -0 "$qemu_pid" 2>/dev/null; then
			wait "$qemu_pid"
			qemu_pid=
			kvm_why="qemu -accel kvm exited ($(cat "$cache/qemu.rc" 2>/dev/null)): $(grep -m1 -v '^$' "$cache/console.log" | tr -d '\r' | cut -c1-160)"
			return 1
		fi
		sleep 0.1
	done
	stop_vm
	kvm_why="the guest printed nothing within ${probe_secs} s under kvm (given up $((waited / 10)).$((waited % 10)) s after qemu started)"
	return 1
}

kvm_why= probed=
if try_kvm; then
	accel=kvm
	if [ -n "$accel_only" ]; then
		echo kvm
		exit 0
	fi
	echo "# cgroup v2 lane: qemu with $probed, the VM that passed the probe"
	wait_vm 600
	rc=$?
else
	if [ -n "$accel_only" ]; then
		echo "tcg: $kvm_why"
		exit 0
	fi
	echo "# cgroup v2 lane: qemu with tcg (kvm: $kvm_why)"
	accel=tcg
	start_vm tcg -cpu max || { echo "cannot make the state disk"; exit 1; }
	wait_vm "$tcg_secs"
	rc=$?
fi
# A guest that stopped running altogether (seen once under TCG on a CI machine: silent
# for 600 s after its plan line) is the emulator's fault, not the lane's: it gets one
# more boot, under TCG, from a fresh state disk.  A check that hangs does not stall
# the console (the heartbeat goes on), so it still fails the lane.
if [ "$rc" -eq 2 ]; then
	echo "# the VM ($accel) stalled: its console stayed still for $stall_secs s after \"$(grep -a '^VM: ' "$cache/console.log" | tail -n 1 | tr -d '\r')\"; booting it once more under tcg"
	accel=tcg
	start_vm tcg -cpu max || { echo "cannot make the state disk"; exit 1; }
	wait_vm "$tcg_secs"
	rc=$?
fi
sed -n 's/\r$//; s/^VM: //p' "$cache/console.log" | grep -v -e '^done$' -e '^boot ok$'
if ! grep -q '^VM: done' "$cache/console.log"; then
	echo "# the VM ($accel) did not finish (timed out: $((rc == 1)), stalled: $((rc == 2))); last console lines:"
	grep -av '^HB: ' "$cache/console.log" | tail -n 15 | sed 's/^/# /'
	exit 1
fi
