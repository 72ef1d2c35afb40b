#!/bin/bash
# 94-fleet-store.sh - with a fleet, a user's data lives on the shared store, not on the
# host (warren.conf(5), FLEET; issue 19): her root layer and home are one disk image,
# STORE/disks/USER.ext4, with ext4's multi-mount protection and the container's own ids
# on disk, so that another login host (here: another state_dir, and another subordinate
# range for her) finds her files with their owners, and the kernel refuses a second mount
# of it while her container runs.  Through real SSH logins, with a real etcd holding her
# lease (tests/lib/etcd.sh); the store is a directory of this machine.
set -u
# run.sh bound: 300 s
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/etcd.sh
N=41
etcd_need $((N + 1))
command -v debugfs >/dev/null || skip_all "no debugfs (e2fsprogs)" $((N + 1))
DRIVE=$REPO/tests/lib/fleetdrive
CTL=$REPO/warrenctl
ETCD_PID=

fixture_start $N

STORE=$T/store
IMG=$STORE/disks/wta.ext4
MNT=$T/forced
trap 'etcd_ns_stop; fixture_finish' EXIT
etcd_ns_start
fleet_store "$STORE"
mkdir -p "$MNT"
# fleet_config STATE_DIR DISK: this host's config, its state_dir and the disk limit.
fleet_config() {
	write_config "$(default_config | sed -e "s|^state_dir = .*|state_dir = \"$1\";|" \
		-e "s|disk = \"max\"|disk = \"$2\"|")
fleet = { store = \"$STORE\"; etcd = [ \"http://127.0.0.1:2379\" ]; lease_ttl = 5; };"
}
# on_disk PATH: "UID GID" of PATH in her image, as stored (debugfs reads the file).
on_disk() {
	debugfs -R "stat $1" "$IMG" 2>/dev/null | awk '/^User:/ { print $2, $4; exit }'
}
fleet_config "$STATE" 256M
etcd_check_up "etcd answers in the test's network namespace" "$T/etcd.log" drive list
uid=$(uid_of wta)
gid=$(id -g wta)

# 1. Her first login makes her image on the store; what she writes is in it.  It is made
# under a name of this host's, then linked into place: what hosts left half made of hers
# when they died making it goes; another user's stays.
mkdir -m 0700 "$STORE/disks"
for f in "wta.ext4.new:$(uname -n)" wta.ext4.new:login-gone wtb.ext4.new:login-gone \
	wta.ext4.new.ext4.new:login-gone; do
	echo "half made" >"$STORE/disks/$f"
done
log_mark
out=$(tssh wta -- 'echo kept >~/note && cp ~/note /var/tmp/sys-note && echo "in $(hostname)"' 2>"$T/err")
check "wta lands in her container ($out)" test "$out" = "in wta" || diag_file "$T/err" 5
check "her image is on the store, root's, 0600, 256M" \
	test "$(stat -c '%u %a %s' "$IMG" 2>&1)" = "0 600 268435456"
check "what hosts left half made of hers is gone, other users' files stay: $(ls -A "$STORE/disks" | tr '\n' ' ')" \
	test "$(ls -A "$STORE/disks" | tr '\n' ' ')" = "wta.ext4 wta.ext4.new.ext4.new:login-gone wtb.ext4.new:login-gone "
check "the log says what went" wait_log "removed $STORE/disks/wta.ext4.new:login-gone, an image of wta that a host left half made" 5
rm -f "$STORE/disks/wtb.ext4.new:login-gone" "$STORE/disks/wta.ext4.new.ext4.new:login-gone"
check "with ext4's multi-mount protection" \
	grep -qw mmp <<<"$(dumpe2fs -h "$IMG" 2>/dev/null | grep -i '^Filesystem features')"
check "and nothing of her data on this host: no image, no layers in $STATE" \
	test ! -e "$STATE/disks/wta.ext4" -a -z "$(ls -A "$STATE/users/wta" 2>/dev/null)"
out=$("$CTL" show wta --config "$CONF" 2>&1)
check "warrenctl show says where her layers are" \
	grep -q "^layers: *in the disk image $IMG (the fleet's store)" <<<"$out" || diag "$out"
out=$(in_ns "$CTL" doctor --config "$CONF" 2>&1)
check "warrenctl doctor: mkfs.ext4 makes images with multi-mount protection" \
	grep -q "^ok .*fleet: mkfs.ext4 makes disk images with multi-mount protection" <<<"$out" ||
	diag "$(grep fleet <<<"$out")"

# 2. While her container runs, the kernel refuses a second mount of the image: mmp.
hold keep wta -- 'echo held; head -n 1 >/dev/null'
held_up keep
# A mount of the image by hand, in a mount namespace of its own, through a loop device
# of its own (mount -o loop would reuse her container's, and the kernel its superblock).
forced_mount() {
	local dev rc
	dev=$(losetup -f --show "$IMG") || return 125
	timeout 90 unshare -m sh -c "mount -o nosuid,nodev '$dev' '$MNT' && umount '$MNT'" 2>&1
	rc=$?
	losetup -d "$dev"
	return $rc
}
out=$(forced_mount)
rc=$?
check "a second mount of her image while her container runs is refused (exit $rc)" \
	test "$rc" -ne 0 -a "$rc" -ne 124 || diag "$out"
check "by multi-mount protection (the kernel says so)" \
	grep -Eqi 'MMP|another node|busy' <<<"$out$(dmesg 2>/dev/null | tail -n 20)" || diag "$out"
release keep >/dev/null
helper_stop wta >/dev/null 2>&1
check "her container stops; no loop device holds the image" \
	test -z "$(losetup -j "$IMG" 2>/dev/null)"
out=$(forced_mount)
rc=$?
check "once it stopped, the same mount succeeds (the control)" test "$rc" -eq 0 || diag "$out"

# 3. The container's own ids on disk: root's directories are 0, hers are hers.
check "on disk, /var/tmp (copied up) is 0 0, as the container sees it: $(on_disk /root/var/tmp)" \
	test "$(on_disk /root/var/tmp)" = "0 0"
check "on disk, her file under /var/tmp is hers ($uid $gid): $(on_disk /root/var/tmp/sys-note)" \
	test "$(on_disk /root/var/tmp/sys-note)" = "$uid $gid"
check "on disk, her root layer is container root's (0 0): $(on_disk /root)" \
	test "$(on_disk /root)" = "0 0"

# 4. "Another host": another state_dir, another subordinate range for her.
old_base=$(subid_base wta)
new_base=$(fixture_free_base $((old_base + 64 * SUBID_COUNT)))
usermod --del-subuids "$old_base-$((old_base + SUBID_COUNT - 1))" \
	--del-subgids "$old_base-$((old_base + SUBID_COUNT - 1))" \
	--add-subuids "$new_base-$((new_base + SUBID_COUNT - 1))" \
	--add-subgids "$new_base-$((new_base + SUBID_COUNT - 1))" wta
fleet_config "$T/state-b" 256M
out=$(tssh wta -- 'cat ~/note /var/tmp/sys-note; stat -c "%u %g" /var/tmp /var/tmp/sys-note ~/note' 2>"$T/err")
check "on host b she finds her home and her system files" \
	test "$(head -n 2 <<<"$out" | tr '\n' ' ')" = "kept kept " || { diag "$out"; diag_file "$T/err" 5; }
check "with their owners inside: /var/tmp root's, her files hers" \
	test "$(tail -n 3 <<<"$out" | tr '\n' ' ')" = "0 0 $uid $gid $uid $gid " || diag "$out"
init=$(cut -d" " -f1 /run/warren/users/wta/state 2>/dev/null)
check "her container runs from the new range ($new_base) for root" \
	test "$(awk '$1 == 0 { print $2 }' "/proc/${init:-0}/uid_map" 2>/dev/null)" = "$new_base"
out=$(tssh wta -- 'touch /var/tmp/from-b && echo wrote' 2>&1)
check "she writes there too ($out)" test "$out" = wrote
check "host b's state_dir holds none of her data either" \
	test ! -e "$T/state-b/disks/wta.ext4" -a -z "$(ls -A "$T/state-b/users/wta" 2>/dev/null)"
helper_stop wta >/dev/null 2>&1
check "written from the new range, stored as container ids: $(on_disk /root/var/tmp/from-b)" \
	test "$(on_disk /root/var/tmp/from-b)" = "$uid $gid"

# warrenctl reset drops her root layer in the image and makes it anew, container root's.
out=$(nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" "$CTL" reset wta \
	--config "$CONF" 2>&1 </dev/null) # where the store is mounted
check "warrenctl reset wta: her root layer in the image is made anew ($(on_disk /root))" \
	test "$(on_disk /root)" = "0 0" -a -z "$(on_disk /root/var/tmp)" || diag "$out"
out=$(tssh wta -- 'cat ~/note; ls /var/tmp/sys-note 2>&1' 2>&1)
check "she keeps her home, her system files are gone" \
	test "$(head -n 1 <<<"$out")" = kept -a -n "$(grep -i 'no such file' <<<"$out")" || diag "$out"
helper_stop wta >/dev/null 2>&1

# A broken config, and wta out of the jail group: her image on the store says she was
# jailed, on a host that never ran her container too (nothing of hers under its
# state_dir); she does not slip out.
cfg=$(cat "$CONF")
rmdir "$T/state-b/users/wta" 2>/dev/null
check "host b keeps nothing of hers under its state_dir" test ! -e "$T/state-b/users/wta" -a \
	-z "$(ls -A "$T/state-b/disks" 2>/dev/null)"
gpasswd -d wta "$JAIL_GROUP" >/dev/null
write_config "${cfg/jail_groups = \[ \"$JAIL_GROUP\" \];/jail_groups = 5;}"
log_mark
out=$(tssh wta -- 'echo "in $(hostname)"' 2>&1)
check "config broken, wta out of the jail group, her data on the store only: no way in ($out)" \
	test -z "$(grep '^in ' <<<"$out")"
check "the log says she is jailed and the config broken" \
	wait_log "wta is jailed and the config is broken" 5
gpasswd -a wta "$JAIL_GROUP" >/dev/null
write_config "$cfg"

# 5. What the store cannot take is refused, naming the fix; nothing is hidden.
fleet_config "$STATE" max
log_mark
out=$(tssh wtb -- 'echo in' 2>&1)
check "a fleet user without a disk size is refused" test "$out" != in
check "the log says her disk limit is \"max\" and what to set" \
	wait_log 'wtb lives in a disk image on the fleet.s store .* her disk limit is "max"; set disk' 5
check "and no image of hers was made" test ! -e "$STORE/disks/wtb.ext4"
out=$(in_ns "$CTL" doctor --config "$CONF" 2>&1)
check "warrenctl doctor reports it, naming her: jailed users without a disk size" \
	grep -Eq "^PROBLEM .*fleet: [0-9]+ jailed users? ha(s|ve) no disk size \(.*wtb" <<<"$out" ||
	diag "$(grep fleet <<<"$out")"
write_config "$(cat "$CONF")
groups = ( { name = \"$JAIL_GROUP\"; disk = \"64M\"; } );"
out=$(in_ns "$CTL" doctor --config "$CONF" 2>&1)
check "with a disk size in her group's entry (none in defaults), doctor finds none missing" \
	grep -q "^ok .*fleet: each of the [0-9]* jailed users* has a disk size" <<<"$out" ||
	diag "$(grep fleet <<<"$out")"
write_config "$(default_config)"
out=$(tssh wtb -- 'echo mine >~/local && echo in' 2>&1)
check "wtb, before the fleet, has layers on this host ($out)" test "$out" = in
helper_stop wtb >/dev/null 2>&1
fleet_config "$STATE" 256M
log_mark
out=$(tssh wtb -- 'echo in' 2>&1)
check "with the fleet, her login is refused rather than hide them" test "$out" != in
check "the log names them and the fix" \
	wait_log "wtb has data on this host, in $STATE/users/wtb, that her image on the fleet.s store would hide; move it aside" 5
check "her layers are untouched and no image was made" \
	test -e "$STATE/users/wtb/home/local" -a ! -e "$STORE/disks/wtb.ext4"
out=$("$HELPER" --config "$CONF" migrate wtb 2>&1)
rc=$?
check "warren-helper migrate refuses with a fleet (exit $rc), saying why" \
	test "$rc" -ne 0 -a -n "$(grep "with a fleet the data of wtb is an image on the store" <<<"$out")" ||
	diag "$out"
# store_refused STORE WHAT ERE SAYS: with the store at STORE (WHAT it is), wta's login
# is refused, nothing is made there, and the log says so (ERE: SAYS).
store_refused() {
	fleet_config "$STATE" 256M
	sed -i "s|store = \"$STORE\"|store = \"$1\"|" "$CONF"
	log_mark
	out=$(tssh wta -- 'echo in' 2>&1)
	check "a store that is $2 refuses the login (nothing made there)" \
		test "$out" != in -a ! -e "$1/disks" -a ! -e "$T/nostore-parent/store"
	check "the log $4" wait_log "the fleet.s store $1 $3" 5
}
mkdir -p -m 0700 "$T/nostore-parent"
store_refused "$T/nostore-parent/store" "not there" ".*is the shared file system mounted" \
	"asks whether it is mounted"
# An empty directory where the store's mount should be (it is not mounted).
mkdir -m 0755 "$T/plain"
store_refused "$T/plain" "a plain directory (not a mount point)" \
	"is not a mount point; mount the shared" "says it is not a mount point"

etcd_ns_stop
fixture_finish
