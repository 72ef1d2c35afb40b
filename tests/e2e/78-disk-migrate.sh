#!/bin/bash
# 78-disk-migrate.sh - a disk limit set on a user whose layers are plain directories
# moves them into a disk image at her next login: owners, modes, xattrs, hard links,
# symlinks, sparse files and overlay whiteouts come along, the old directories go once
# the image has been used.  Too little room is refused with the sizes; a migration
# killed half-way loses nothing; `warren-helper migrate --keep` keeps the old layers;
# the limit back to "max" keeps using the image.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 22

limits() { # limits "USER SIZE"... - a users entry per argument
	local u e=
	for u in "$@"; do e+="${e:+, }{ name = \"${u% *}\"; disk = \"${u#* }\"; }"; done
	write_config "$(default_config)
users = ( $e );"
}
# An xattr set and read by the user inside (perl-base is in every image; x86_64 numbers).
setx='perl -e '\''($p, $k, $v) = ($ARGV[0], "user.warren-test", "kept");
	syscall(188, $p, $k, $v, length $v, 0) == 0 or die "setxattr: $!"'\'
getx='perl -e '\''($p, $k, $b) = ($ARGV[0], "user.warren-test", "\0" x 16);
	$n = syscall(191, $p, $k, $b, 16); print $n < 0 ? "none\n" : substr($b, 0, $n)."\n"'\'
fill='cd ~ && echo keep >marker && ln marker hardlink && ln -s marker link && chmod 0640 marker &&
	dd if=/dev/urandom of=sparse bs=4k count=1 seek=50000 2>/dev/null && rm -f .bashrc &&
	echo root-data >/var/tmp/root-file && '"$setx"' marker &&
	ln -s /etc/shadow evil && mkfifo pipe && sync'
look='cd ~ && cat marker /var/tmp/root-file && stat -c "%a %h" marker && readlink link &&
	du -k sparse | cut -f1 && stat -c %s sparse && (test -e .bashrc && echo bashrc || echo no-bashrc) && '"$getx"' marker &&
	readlink evil && stat -c %F pipe'
want='keep
root-data
640 2
marker'

# Her symlink names the host's /etc/shadow; root copies, compares and removes her layers.
shadow=$(sha256sum </etc/shadow)
check "with disk = max wta's layers are plain directories" tssh wta -- "$fill"
before=$(tssh wta -- "$look" 2>&1)
helper_stop wta >/dev/null
test -d "$STATE/users/wta/home" && test ! -e "$STATE/disks/wta.ext4" ||
	diag "unexpected layout: $(ls -la "$STATE/users/wta" "$STATE/disks" 2>&1)"

limits "wta 256M"
log_mark
after=$(tssh wta -- "$look" 2>&1)
check "disk = 256M: her next login lands (exit $?)" test -n "$after"
check "and sees all she had: contents, mode, hard link, symlink, root layer" \
	test "$(head -n 4 <<<"$after")" = "$want" || diag "$after"
check "the sparse file stays sparse ($(sed -n 5p <<<"$after") KiB of $(sed -n 6p <<<"$after") bytes)" \
	test "$(sed -n 5p <<<"$after")" -lt 1024 -a "$(sed -n 6p <<<"$after")" = 204804096
check "a deleted skel file stays deleted (the overlay whiteout came along)" \
	test "$(sed -n 7p <<<"$after")" = no-bashrc
check "her xattr came along" test "$(sed -n 8p <<<"$after")" = kept
check "a symlink to /etc/shadow and a FIFO came along as such (copied, not followed or opened)" \
	test "$(sed -n 9,10p <<<"$after" | tr '\n' ' ')" = "/etc/shadow fifo "
check "the same as before, line for line" test "$after" = "$before" || diag "before: $before"
check "her layers now live in the image" test -f "$STATE/disks/wta.ext4" -a ! -e "$STATE/users/wta/home"
check "the old directories are gone once the container started from the image" \
	test ! -e "$STATE/users/.wta.pre-disk"
check "the log says what happened" wait_log "warren-helper.*moved the layers of wta into" 5
check "the host's /etc/shadow is untouched by the copy and the removal" test "$(sha256sum </etc/shadow)" = "$shadow"


# Back to "max": the image is kept, as it is.
helper_stop wta >/dev/null
limits "wta max"
out=$(tssh wta -- 'cat ~/marker' 2>&1)
check "disk back to max: the image is still used" test "$out" = keep -a -f "$STATE/disks/wta.ext4" ||
	diag "$out"
helper_stop wta >/dev/null

# wtb: 200M of data does not fit 64M: refused with the sizes, nothing moved.
check "wtb writes 200M with disk = max" \
	tssh wtb -- 'head -c 200M /dev/urandom >~/big && md5sum ~/big >~/big.md5 && sync'
sum=$(md5sum <"$STATE/users/wtb/home/big")
helper_stop wtb >/dev/null
limits "wtb 64M"
log_mark
out=$(tssh wtb -- 'hostname' 2>&1)
check "disk = 64M is refused" test "$out" != wtb || diag "$out"
check "with the sizes in the log" wait_log "warren.*the files of wtb take 20[0-9]M.*more than disk = \"64M\"" 5
check "and her layers are untouched" test "$(md5sum <"$STATE/users/wtb/home/big")" = "$sum" -a ! -e "$STATE/disks/wtb.ext4"

# A migration killed half-way (the helper and its copy, as the module's timeout does).
limits "wtb 512M"
setsid "$HELPER" --config "$CONF" migrate wtb >/dev/null 2>&1 &
mig=$!
# As soon as the copy runs: the helper's cp, looked for among its descendants alone (no
# scan of every process, no fork between looks: a busy machine gives the copy of 200M a
# short window).  However long the helper takes to get there (it makes the image
# first): up to 60 s.
copying='' start=$SECONDS
mkfifo "$T/never" # read -t on it: a wait of 10 ms without a fork
while [ $((SECONDS - start)) -lt 60 ]; do
	# The helper's descendants (cp runs in a child of its own namespace), breadth first.
	queue=("$mig")
	for ((q = 0; q < ${#queue[@]}; q++)); do
		kids=()
		read -r -a kids <"/proc/${queue[q]}/task/${queue[q]}/children" 2>/dev/null
		queue+=("${kids[@]}")
		args=()
		mapfile -d '' args <"/proc/${queue[q]}/cmdline" 2>/dev/null
		[ "${args[0]:-}" = /bin/cp ] && [[ " ${args[*]} " == *"/users/wtb/root "* ]] && copying=yes
	done
	[ -n "$copying" ] && break
	kill -0 "$mig" 2>/dev/null || break
	read -r -t 0.01 <>"$T/never"
done
kill -KILL -- "-$mig" 2>/dev/null
wait "$mig" 2>/dev/null
check "killed half-way (while it copied: ${copying:-no}), no image was put in place" \
	test -n "$copying" -a ! -e "$STATE/disks/wtb.ext4"
check "and her layers are untouched" test "$(md5sum <"$STATE/users/wtb/home/big")" = "$sum"
check "warren-helper migrate --keep then moves them" "$HELPER" --config "$CONF" migrate wtb --keep
out=$(tssh wtb -- 'md5sum -c ~/big.md5 && ls ~' 2>&1)
check "wtb logs in to her data, whole" grep -q ': OK$' <<<"$out" || diag "$out"
check "the old layers are kept, renamed, and the unfinished copy is gone" \
	test -d "$STATE/users/.wtb.pre-disk.kept/home" -a ! -e "$STATE/disks/wtb.ext4.new"
fixture_finish
