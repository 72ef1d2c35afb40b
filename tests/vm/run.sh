#!/bin/bash
# tests/vm/run.sh IMAGE - the cgroup v2 lane: boot Debian's kernel under qemu (TCG, a
# pure cgroup v2 host), run tests/vm/tests.sh there and print its TAP.  Exits 77 with
# a reason when the machine cannot run the lane.
set -uo pipefail
image=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=/var/cache/warren-test/vm
for need in qemu-system-x86_64 busybox cpio mkfs.ext4; do
	command -v "$need" >/dev/null || { echo "cannot run the cgroup v2 lane: $need is not installed"; exit 77; }
done
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "cannot run the cgroup v2 lane: no kernel in /boot (linux-image-amd64)"; exit 77; }
mkdir -p "$cache"
kernel=$("$here/build.sh" "$cache" "$image") || { echo "cannot build the VM"; exit 1; }
rm -f "$cache/state.ext4"
truncate -s 512M "$cache/state.ext4" && mkfs.ext4 -q -F "$cache/state.ext4"
accel=tcg
[ -w /dev/kvm ] && accel=kvm
timeout 600 qemu-system-x86_64 -accel "$accel" -cpu max -smp 2 -m 1024 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$cache/initramfs.cpio.gz" \
	-drive file="$cache/image.ext4",format=raw,if=virtio,readonly=on \
	-drive file="$cache/state.ext4",format=raw,if=virtio \
	-append "console=ttyS0 quiet panic=-1 rdinit=/init" </dev/null >"$cache/console.log" 2>&1
rc=$?
sed -n 's/\r$//; s/^VM: //p' "$cache/console.log" | grep -v '^done$'
rm -f "$cache/state.ext4"
if ! grep -q '^VM: done' "$cache/console.log"; then
	echo "# the VM did not finish (qemu exit $rc); last console lines:"
	tail -n 15 "$cache/console.log" | sed 's/^/# /'
	exit 1
fi
