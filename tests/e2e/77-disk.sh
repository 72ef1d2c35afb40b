#!/bin/bash
# 77-disk.sh - the disk limit: a user's persistent layers live in an ext4 image of that
# size.  Writing past it fails inside with ENOSPC, other users are unaffected, nothing
# stays mounted or attached after stop, growing keeps the data, and shrinking below what
# is used is refused with a message saying so.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 19

with_disk() { write_config "$(default_config)
users = ( { name = \"wta\"; disk = \"$1\"; } );"; }
image=$STATE/disks/wta.ext4
with_disk 64M

out=$(tssh wta -- 'echo keep >~/marker; dd if=/dev/zero of=~/big bs=1M count=100 2>&1; echo "dd=$?"' 2>&1)
check "writing 100M under disk = 64M fails inside with ENOSPC" grep -q 'No space left on device' <<<"$out" ||
	diag "$out"
check "the image is 64M on the host" test "$(stat -c %s "$image" 2>/dev/null)" = 67108864
out=$(tssh wtb -- 'dd if=/dev/zero of=/var/tmp/big bs=1M count=100 2>&1 && rm /var/tmp/big && echo wrote' 2>&1)
check "wtb (no disk limit) writes 100M" grep -qx wrote <<<"$out" || diag "$out"
# Stopped now, not left to its idle timeout: the checks on a small state_dir below need
# her next login to start a container (they passed only when enough time went by first).
helper_stop wtb >/dev/null
# While wta's session holds the container, her image is on a loop device mounted only
# inside: neither the host's mount table nor sshd's has that device.
# (The session is held until the test releases it, not by a sleep it might outlast.)
hold sess wta -- 'head -n 1 >/dev/null'
for ((i = 0; i < 300; i++)); do loop=$(losetup -j "$image" -O NAME -n 2>/dev/null); [ -n "$loop" ] && break; sleep 0.1; done
check "the image is attached to a loop device while the container runs ($loop)" test -n "$loop"
not_mounted() { ! host_of_mounts | grep -q "^$1 " && kill -0 "${HELD[sess]}"; }
check "no mount of it on the host or in sshd's namespace, while her session runs" not_mounted "${loop:-/dev/loop-none}"
release sess

helper_stop wta >/dev/null
check "after stop no loop device holds the image" test -z "$(losetup -j "$image")"

with_disk 128M
out=$(tssh wta -- 'cat ~/marker; rm -f ~/big; dd if=/dev/zero of=~/big bs=1M count=100 2>&1 >/dev/null && echo wrote' 2>&1)
check "growing the limit keeps the data" grep -qx keep <<<"$out" || diag "$out"
check "and makes room: 100M fit in 128M" grep -qx wrote <<<"$out"
check "the image grew to 128M" test "$(stat -c %s "$image")" = 134217728
helper_stop wta >/dev/null

with_disk 64M
log_mark
out=$(tssh wta -- 'hostname' 2>&1)
rc=$?
check "shrinking below what is used refuses the login (exit $rc), no host shell either" \
	test "$rc" -ne 0 -a "$(head -n 1 <<<"$out")" != wta -a "$(head -n 1 <<<"$out")" != "$HOST_NAME" ||
	diag "$out"
check "and the log says why" wait_log 'warren.*cannot resize.*need more than that' 5

# On a 300M filesystem (a tmpfs in sshd's mount namespace only, its state_dir not made
# yet): images are allocated when made, so a 512M one is refused with the sizes, and a
# user filling hers cannot make another's writes fail.
small=$T/small
in_sshd() { nsenter --mount="/proc/$SSHD_PID/ns/mnt" "$@"; }
mkdir -m 0755 "$small"
in_sshd mount -t tmpfs -o size=300m,mode=0755 warren-test-small "$small"
small_config() { write_config "$(default_config | sed "s|^state_dir = .*|state_dir = \"$small/state\";|")
users = ( $1 );"; }
small_config '{ name = "wtb"; disk = "512M"; }'
log_mark
out=$(tssh wtb -- 'hostname' 2>&1)
check "a disk image larger than the free space is refused" test "$out" != wtb || diag "$out"
check "with the sizes in the log" \
	wait_log "warren-helper.*a disk image of 512M does not fit: $small/state/disks/wtb.ext4 has [0-9]+M free" 5
check "a missing state_dir was made by the helper (root's, 0755)" \
	test "$(in_sshd stat -c '%u %a' "$small/state")" = "0 755"
small_config '{ name = "wta"; disk = "128M"; }, { name = "wtb"; disk = "128M"; }'
out=$(tssh wtb -- 'dd if=/dev/zero of=~/fill bs=1M count=200 2>&1; echo filled' 2>&1)
check "wtb fills her 128M image (ENOSPC inside)" grep -q 'No space left on device' <<<"$out" || diag "$out"
out=$(tssh wta -- 'dd if=/dev/zero of=~/mine bs=1M count=100 2>&1 && echo wrote' 2>&1)
check "wta still writes 100M into hers" grep -qx wrote <<<"$out" || diag "$out"
allocated=$(in_sshd du -k "$small/state/disks/wta.ext4" "$small/state/disks/wtb.ext4" | cut -f1 | tr '\n' ' ')
check "both images are allocated on the host, not sparse (KiB: $allocated)" \
	test "$(awk '$1 >= 131072' RS=' ' <<<"$allocated" | wc -l)" = 2
helper_stop wta >/dev/null
helper_stop wtb >/dev/null

# A sparse image from an older warren, larger than the free space: warned about.
in_sshd rm -f "$small/state/disks/wta.ext4" "$small/state/disks/wtb.ext4"
in_sshd truncate -s 512M "$small/state/disks/wtb.ext4"
in_sshd mkfs.ext4 -q -F -E root_owner=0:0 "$small/state/disks/wtb.ext4"
in_sshd chmod 0600 "$small/state/disks/wtb.ext4"
small_config '{ name = "wtb"; disk = "512M"; }'
log_mark
tssh wtb -- true
check "a sparse image that promises more than the filesystem has is warned about" \
	wait_log "warren-helper.*disk images in $small/state/disks may still grow by .*more than the .* free" 5
out=$(in_sshd "$REPO/warrenctl" explain wtb --config "$CONF" 2>&1)
check "and explain shows it" grep -q "^disk images: 1 in $small/state/disks, 512M in all, .*OVERCOMMITTED" <<<"$out" ||
	diag "$out"
helper_stop wtb >/dev/null
in_sshd umount "$small"
fixture_finish
