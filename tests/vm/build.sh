#!/bin/bash
# tests/vm/build.sh OUTDIR IMAGE - everything the cgroup v2 lane boots:
#   OUTDIR/initramfs.cpio.gz  busybox, warren's binaries and their libraries, the kernel
#                             modules the tests need, tests/vm/init.sh as /init and
#                             tests/vm/tests.sh (with tests/vm/guest-setup.sh)
#   OUTDIR/image.ext4         the base image IMAGE as an ext4 disk (cached by mtime)
# Prints the kernel to boot.  Needs: linux-image-amd64, busybox-static, cpio, e2fsprogs.
#   WARREN_VM_BIN    where warren's binaries are taken from (the tree's; make bench: its build's)
#   WARREN_VM_TESTS  the script the guest runs (tests/vm/tests.sh; make bench: its own)
#   WARREN_VM_EXTRA  more programs (static) for the guest's /usr/libexec (make bench's cgmove)
set -euo pipefail
out=$1 image=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${WARREN_VM_BIN:-$repo}
tests=${WARREN_VM_TESTS:-$repo/tests/vm/tests.sh}
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || { echo "no kernel in /boot (apt-get install linux-image-amd64)" >&2; exit 1; }
kv=${kernel#/boot/vmlinuz-}
root=$out/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,lib,lib64,lib/modules,proc,sys,dev,tmp,run,etc,mnt,var/lib,usr/libexec}

cp "$(command -v busybox)" "$root/bin/busybox"
for b in warren-helper warren-init warren-supervisor warren-refuse; do
	install -m 0755 "$bin/$b" "$root/usr/libexec/$b"
done
# iproute2's ip, for the network tests' upstream namespace (busybox's lacks veth and netns).
install -m 0755 "$(command -v ip)" "$root/bin/iproute-ip"
# The shared libraries of the helper and of ip, where the loader looks for them; and
# libnftables with its own, which the helper loads when it first sets up the firewall
# (helper/net/nftlib.c), not when it starts.
nftlib=$(ldconfig -p | sed -n 's/^[[:space:]]*libnftables\.so\.1 (.*x86-64.*) => //p' | head -n 1)
[ -n "$nftlib" ] || { echo "no libnftables.so.1 here (apt-get install libnftables1)" >&2; exit 1; }
for lib in $({
	echo "$nftlib"
	ldd "$bin/warren-helper" "$(command -v ip)" "$nftlib" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'
} | sort -u); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

: >"$root/modules.order"
# The network: veth pairs on a bridge, and nftables with conntrack and NAT, and the limit
# and ct count of net_rate and net_conns.
for m in virtio_pci virtio_blk ext4 overlay veth bridge nf_tables nft_ct nft_chain_nat nft_masq nft_limit \
	nft_connlimit nft_meta_bridge; do
	for ko in $(modprobe -S "$kv" --show-depends "$m" | awk '$1=="insmod"{print $2}'); do
		b=$(basename "$ko" .xz)
		[ -e "$root/lib/modules/$b" ] && continue
		case $ko in
		*.xz) xz -dc "$ko" >"$root/lib/modules/$b" ;;
		*) cp "$ko" "$root/lib/modules/$b" ;;
		esac
		echo "$b" >>"$root/modules.order"
	done
done
for b in ${WARREN_VM_EXTRA:-}; do
	install -m 0755 "$b" "$root/usr/libexec/$(basename "$b")"
done
install -m 0755 "$repo/tests/vm/init.sh" "$root/init"
install -m 0755 "$tests" "$root/tests.sh"
install -m 0644 "$repo/tests/vm/guest-setup.sh" "$root/guest-setup.sh"
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$out/initramfs.cpio.gz"

# The image as a disk, rebuilt only when the image changed.
if [ ! -e "$out/image.ext4" ] || [ "$image" -nt "$out/image.ext4" ]; then
	rm -f "$out/image.ext4"
	truncate -s 1G "$out/image.ext4.new"
	mkfs.ext4 -q -F -d "$image" "$out/image.ext4.new"
	mv "$out/image.ext4.new" "$out/image.ext4"
fi
echo "$kernel"
