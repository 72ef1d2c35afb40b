#!/bin/bash
# 68-gc.sh - warrenctl gc: what containers that no longer run left on the host goes.
# Planted for wtb, whose container does not run, one of each kind: the runtime record
# of a dead container, cgroups, a lock file, a loop device on her disk image and her
# host-side veth.  wta's running container is left alone.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 9

write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 60; disk = \"max\"; network = \"none\"; };"

# wta's container runs (a login held open until the test releases it) while gc looks.
hold keep wta -- 'head -n 1 >/dev/null'
keep=${HELD[keep]}
for i in $(seq 120); do [ -s /run/warren/users/wta/state ] && break; sleep 0.25; done
wta_state=$(cat /run/warren/users/wta/state 2>/dev/null)

# wtb's leftovers.
install -d -m 0700 /run/warren/users/wtb /run/warren/locks
echo "999999 999998 4026531836" >/run/warren/users/wtb/state
: >/run/warren/locks/wtb
cgdirs=()
for f in /sys/fs/cgroup/*/warren/wta /sys/fs/cgroup/warren/wta "$(user_cgroup wta)"; do
	[ -d "$f" ] && [[ " ${cgdirs[*]} " != *" ${f//wta/wtb} "* ]] && mkdir -p "${f//wta/wtb}" &&
		cgdirs+=("${f//wta/wtb}")
done
install -d -m 0700 "$STATE/disks" "$STATE/network"
truncate -s 64M "$STATE/disks/wtb.ext4"
# Attached as a builder attaches it: in a mount namespace now gone, through a mount that
# went with it (a state_dir or a store on a mount of its own), so that the loop device's
# backing_file no longer names the image's path.
loop=$(unshare -m --propagation private sh -c \
	'mount --bind "$1" "$1" && losetup -f --show "$1/disks/wtb.ext4"' - "$STATE")
echo "wtb 7" >>"$STATE/network/slots"
in_ns ip link add wr7 type veth peer name wr7p
planted=$(in_ns ip -o link show wr7 2>&1 | cut -d: -f2 | tr -d ' ')

out=$(in_ns "$REPO/warrenctl" --config "$CONF" gc 2>&1)
rc=$?
check "warrenctl gc (exit $rc) names what it removed of wtb" \
	grep -qx "wtb: removed runtime-record cgroups loop-device veth lock" <<<"$out" || diag "$out"
check "her runtime record is gone" test ! -e /run/warren/users/wtb
check "her cgroups are gone (${#cgdirs[@]} planted)" \
	bash -c 'for d in "$@"; do [ ! -e "$d" ] || exit 1; done; [ $# -gt 0 ]' - "${cgdirs[@]}"
# On a systemd host the scope dir planted around them is systemd's part (it removes a real
# one when it empties): the test's own to take away.
rmdir /sys/fs/cgroup/warren.slice/warren-wtb.scope 2>/dev/null
check "her lock file is gone" test ! -e /run/warren/locks/wtb
check "the loop device on her disk image ($loop, planted from a namespace now gone) is detached" \
	test -n "$loop" -a -z "$(losetup -j "$STATE/disks/wtb.ext4")"
check "her host-side veth ($planted, planted) is gone" \
	bash -c '[ "$2" = wr7@wr7p ] && ! nsenter --net="/run/netns/$1" ip link show wr7 >/dev/null 2>&1' - "$NS" "$planted"
check "wta's running container is untouched" \
	bash -c 'test "$(cat /run/warren/users/wta/state)" = "$1" && kill -0 "$2"' - "$wta_state" "$keep"
out=$(in_ns "$REPO/warrenctl" --config "$CONF" gc 2>&1)
check "a second gc finds nothing" grep -qx "gc: 0 users cleaned up" <<<"$out" || diag "$out"
check "her disk image itself stays: gc removes leftovers, not her data" test -f "$STATE/disks/wtb.ext4"
release keep
rm -f "$STATE/disks/wtb.ext4"
fixture_finish
