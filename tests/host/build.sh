#!/bin/bash
# tests/host/build.sh CACHE IMAGE - the real-host lane's guest: a stock-shaped Debian 12
# server (systemd as pid 1 on the unified cgroup v2 tree, libpam-systemd in
# common-session, AppArmor, openssh-server) with warren's build and test dependencies
# installed, as a raw ext4 disk that qemu boots with Debian's kernel.
#
#   CACHE/root/        the system, built by debootstrap and apt in a chroot (never booted);
#                      rebuilt only when its recipe changes: this file, or install.sh's
#                      list of dependencies (CACHE/root/.recipe records which)
#   CACHE/disk.img     the root plus the base image IMAGE as /var/lib/warren/images/default
#                      (so that install.sh finds it and does not run debootstrap under TCG);
#                      remade when the root or IMAGE is newer
#   CACHE/vmlinuz, CACHE/initrd.img   the guest's own kernel and initramfs
#   /boot/vmlinuz-UNIX_KERNEL in the guest, with its modules and initramfs: Ubuntu's
#                      kernel, which mediates unix sockets, for the lane's one check that
#                      needs it (tests/host/checks.sh kexecs into it at the end)
#   CACHE/key, CACHE/key.pub          root's ssh key into the guest
# Packages come from the Debian mirror this machine's apt uses (bookworm, -updates and
# -security), and from nowhere else but that one kernel (a fixed version from Ubuntu's
# archive, checked against its SHA-256); CACHE/debs keeps the downloaded packages for the
# next build.
set -euo pipefail
cache=$1 image=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=$cache/root

# The host's shape (what a Debian 12 server from the installer has, for what warren meets)
# and what the project's end-to-end files run inside it.
packages=(
	systemd-sysv udev dbus libpam-systemd linux-image-amd64 ifupdown openssh-server cron sudo
	apparmor
	openssh-client openssh-sftp-server iproute2 iputils-ping procps psmisc util-linux passwd
	e2fsprogs kmod nftables rsync perl busybox-static git kexec-tools
)
# install.sh's own list: install.sh then finds every dependency in place (no mirror needed
# inside the guest).
# shellcheck source=../../install.sh
packages+=($(. "$repo/install.sh" && echo "${DEPS[@]}"))

# The kernel that mediates unix sockets with Debian 12's AppArmor parser: Ubuntu 24.04's
# (its release pocket, which never changes). Debian's own kernels do not before 6.17, and
# 6.17 needs AppArmor 5.0's parser, which Debian 12 has not.
UNIX_KERNEL=6.8.0-31-generic
unix_kernel_url=http://archive.ubuntu.com/ubuntu/pool/main/l/linux
unix_kernel_debs=(
	"linux-image-unsigned-${UNIX_KERNEL}_6.8.0-31.31_amd64.deb 35115ceb5ddc1e73034a73d6b064b9c6d38c534f20279fd7229c510515b931d8"
	"linux-modules-${UNIX_KERNEL}_6.8.0-31.31_amd64.deb 3f17f2c279257eb50e40da44390bdf8272c440ca078831c348773d1314b5c2fe"
)

# fetch_unix_kernel - its packages in CACHE/debs/unix-kernel, each checked; 1 if one
# cannot be had (the lane then skips the check that needs it, saying why).
fetch_unix_kernel() {
	local d=$cache/debs/unix-kernel e f sum
	mkdir -p "$d"
	for e in "${unix_kernel_debs[@]}"; do
		f=${e% *} sum=${e#* }
		if ! echo "$sum  $d/$f" | sha256sum -c --quiet >/dev/null 2>&1; then
			rm -f "$d/$f.part"
			curl -fsS --max-time 600 -o "$d/$f.part" "$unix_kernel_url/$f" >>"$cache/unix-kernel.log" 2>&1 &&
				echo "$sum  $d/$f.part" | sha256sum -c --quiet >>"$cache/unix-kernel.log" 2>&1 &&
				mv "$d/$f.part" "$d/$f" || { rm -f "$d/$f.part"; return 1; }
		fi
	done
}

mkdir -p "$cache"
chmod 0700 "$cache"
unix_kernel=
if fetch_unix_kernel; then
	unix_kernel=$UNIX_KERNEL
else
	echo "# real-host lane: Ubuntu's kernel $UNIX_KERNEL could not be fetched ($(tail -n 1 "$cache/unix-kernel.log" 2>/dev/null)): the guest has none" >&2
fi
# Fetched or not is part of the recipe: a later fetch rebuilds the root with it.
recipe=$( { cat "$0"; echo "${packages[*]}"; echo "$unix_kernel"; } | sha256sum | cut -d' ' -f1)

# The Debian mirror URIs of this machine's apt (one-line and deb822 sources), for SUITE.
mirror_of() { # mirror_of SUITE
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		case $f in
		*.sources) awk -v s="$1" 'BEGIN { RS = ""; FS = "\n" }
			{ uri = ""; ok = 0; deb = 0
			  for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
				if ($i ~ /^Types:/ && ($i " ") ~ /[ \t]deb[ \t]/) deb = 1
				if ($i ~ /^Suites:/) { n = split($i, a, /[ \t]+/); for (j = 2; j <= n; j++) if (a[j] == s) ok = 1 }
			  }
			  if (uri != "" && ok && deb) print uri }' "$f" ;;
		*) awk -v s="$1" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++
			if ($(i + 1) == s) print $i }' "$f" ;;
		esac
	done | head -n 1
}

build_root() {
	local main updates security new=$cache/root.new
	main=$(mirror_of bookworm)
	updates=$(mirror_of bookworm-updates)
	security=$(mirror_of bookworm-security)
	[ -n "$main" ] || { echo "no Debian bookworm mirror in /etc/apt/sources.list*" >&2; return 1; }
	rm -rf --one-file-system "$new"
	mkdir -p "$cache/debs/partial"
	echo "# real-host lane: debootstrap bookworm from $main" >&2
	debootstrap --variant=minbase --cache-dir="$cache/debs" bookworm "$new" "$main" >"$cache/build.log" 2>&1 ||
		{ tail -n 20 "$cache/build.log" >&2; return 1; }
	{
		echo "deb $main bookworm main"
		[ -z "$updates" ] || echo "deb $updates bookworm-updates main"
		[ -z "$security" ] || echo "deb $security bookworm-security main"
	} >"$new/etc/apt/sources.list"
	cp /etc/resolv.conf "$new/etc/resolv.conf"
	# No service starts in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
	chmod 0755 "$new/usr/sbin/policy-rc.d"
	# One initramfs, made at the end, of the few modules qemu's disk needs: each package's
	# trigger would make one of every module again (minutes each).
	mkdir -p "$new/etc/initramfs-tools/conf.d"
	echo MODULES=list >"$new/etc/initramfs-tools/conf.d/warren-lane"
	# The chroot's /proc, /sys and /dev only in a mount namespace of this build's own: an
	# interrupted build leaves nothing mounted on this machine.
	unshare --mount --propagation private -- /bin/bash -euo pipefail -c '
		r=$1 debs=$2 unix_kernel=$3; shift 3
		mount -t proc proc "$r/proc"; mount -t sysfs sys "$r/sys"; mount --rbind /dev "$r/dev"
		mount --bind "$debs" "$r/var/cache/apt/archives"
		inch() { chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive "$@"; }
		inch apt-get update -q
		inch dpkg-divert --local --rename --add /usr/sbin/update-initramfs
		printf "#!/bin/sh\nexit 0\n" >"$r/usr/sbin/update-initramfs"
		chmod 0755 "$r/usr/sbin/update-initramfs"
		inch apt-get -y -q upgrade
		inch apt-get -y -q install --no-install-recommends "$@"
		rm "$r/usr/sbin/update-initramfs"
		inch dpkg-divert --local --rename --remove /usr/sbin/update-initramfs
		printf "virtio_pci\nvirtio_blk\next4\n" >>"$r/etc/initramfs-tools/modules"
		inch update-initramfs -c -k all
		if [ -n "$unix_kernel" ]; then
			# Unpacked aside, then copied: unpacking over the root would replace its
			# /lib symlink (merged /usr) with a directory.
			x=$(mktemp -d)
			for f in "$debs"/unix-kernel/*.deb; do dpkg-deb -x "$f" "$x"; done
			cp "$x/boot/vmlinuz-$unix_kernel" "$x/boot/config-$unix_kernel" "$r/boot/"
			cp -a "$x/lib/modules/$unix_kernel" "$r/usr/lib/modules/"
			rm -rf "$x"
			inch depmod "$unix_kernel"
			inch update-initramfs -c -k "$unix_kernel"
		fi
	' build-root "$new" "$cache/debs" "$unix_kernel" "${packages[@]}" >>"$cache/build.log" 2>&1 || { tail -n 20 "$cache/build.log" >&2; return 1; }
	rm -f "$new/usr/sbin/policy-rc.d" "$new/var/lib/apt/lists/"*_* 2>/dev/null || true
	configure_root "$new"
	echo "$recipe" >"$new/.recipe"
	rm -rf --one-file-system "$root"
	mv -T "$new" "$root"
}

# What the installer and an admin would have set, and what this lane needs to reach it.
configure_root() {
	local r=$1
	echo LANG=C.UTF-8 >"$r/etc/default/locale"
	echo realhost >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\trealhost\n' >"$r/etc/hosts"
	echo '/dev/vda / ext4 errors=remount-ro 0 1' >"$r/etc/fstab"
	: >"$r/etc/resolv.conf"
	# qemu's user network, without DHCP (a static address is there at once); the one NIC
	# sits in PCI slot 3, so its name is ens3.
	cat >"$r/etc/network/interfaces" <<-'N'
		source /etc/network/interfaces.d/*
		auto lo
		iface lo inet loopback
		auto ens3
		iface ens3 inet static
		    address 10.0.2.15/24
		    gateway 10.0.2.2
	N
	# The guest has no way out (qemu's restrict=on): timers that fetch from the network or
	# only spend the emulated CPU are off, so that they do not run in the middle of a test.
	local t
	for t in apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer fstrim.timer; do
		ln -sf /dev/null "$r/etc/systemd/system/$t"
	done
	ln -sf /dev/null "$r/etc/systemd/system/systemd-timesyncd.service"
	install -d -m 0700 "$r/root/.ssh"
	install -m 0600 "$cache/key.pub" "$r/root/.ssh/authorized_keys"
	# TCG is slow: sshd must not give up on a login that takes a while.
	echo 'LoginGraceTime 10m' >"$r/etc/ssh/sshd_config.d/lane.conf"
	chroot "$r" systemctl set-default multi-user.target >/dev/null 2>&1
}

# The disk: the root with the base image in place, ext4, sparse.
build_disk() {
	local img=$root/var/lib/warren/images/default
	rm -rf --one-file-system "$img"
	mkdir -p "$root/var/lib/warren/images"
	cp -a "$image" "$img"
	rm -f "$cache/disk.img.new"
	mkfs.ext4 -q -L realhost -d "$root" "$cache/disk.img.new" 20G >>"$cache/build.log" 2>&1
	rm -rf --one-file-system "$img"
	mv "$cache/disk.img.new" "$cache/disk.img"
}

[ -f "$cache/key" ] || ssh-keygen -q -t ed25519 -N '' -C warren-real-host-lane -f "$cache/key"
if [ "$(cat "$root/.recipe" 2>/dev/null)" != "$recipe" ]; then
	build_root
fi
if [ ! -e "$cache/disk.img" ] || [ "$root/.recipe" -nt "$cache/disk.img" ] || [ "$image" -nt "$cache/disk.img" ]; then
	echo "# real-host lane: making the guest's disk" >&2
	build_disk
	cp -L "$root/vmlinuz" "$cache/vmlinuz"
	cp -L "$root/initrd.img" "$cache/initrd.img"
fi
