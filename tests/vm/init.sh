#!/bin/busybox sh
# /init of the cgroup v2 lane's VM: a pure cgroup v2 host with Debian's kernel.
# Runs /tests.sh (TAP), prefixing its lines with "VM: " on the console, then powers off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/libexec
# The initramfs root cannot be pivot_root()ed away from, and containers must: move
# everything to a tmpfs and make that the root first.
if [ ! -e /.switched ]; then
	mkdir /newroot
	mount -t tmpfs -o mode=0755 root /newroot
	cp -a /bin /sbin /lib /lib64 /usr /etc /init /tests.sh /guest-setup.sh /modules.order /newroot/ 2>/dev/null
	mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/tmp /newroot/run /newroot/mnt /newroot/var/lib
	touch /newroot/.switched
	mount -t devtmpfs dev /newroot/dev
	exec switch_root /newroot /init
fi
echo "VM: boot ok" # the host's sign that this accelerator runs the guest (run.sh)
# A heartbeat beside the TAP: run.sh tells a guest that stopped running (a TCG or
# KVM stall: nothing on the console, not even this) from a check that hangs (this
# goes on while the lane's time bound runs out).
(while sleep 5; do echo "HB: alive"; done) &
heartbeat=$!
mount -t proc proc /proc
mount -t sysfs sys /sys
grep -q "^dev /dev " /proc/mounts || mount -t devtmpfs dev /dev # (busybox-static has no mountpoint)
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
for m in $(cat /modules.order); do insmod /lib/modules/$m 2>/dev/null; done
mkdir -p /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mkdir -p /var/lib/warren/images/default
mount -t ext4 -o ro /dev/vda /var/lib/warren/images/default
sh /tests.sh 2>&1 | sed 's/^/VM: /'
kill $heartbeat
echo "VM: done"
poweroff -f
