#!/bin/bash
# 77-disk.sh - the disk limit: a user's persistent layers live in an ext4 image of that
# size.  Writing past it fails inside with ENOSPC, other users are unaffected, nothing
# stays mounted or attached after stop, growing keeps the data, and shrinking below what
# is used is refused with a message saying so.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 10

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
check "the host has no mount of the image" bash -c "! grep -q '$STATE' /proc/self/mounts"

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
check "shrinking below what is used refuses the login" test "$(head -n 1 <<<"$out")" != wta || diag "$out"
check "and the log says why" wait_log 'warren.*cannot resize.*need more than that' 5
fixture_finish
