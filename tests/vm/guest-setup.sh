# tests/vm/guest-setup.sh - sourced by the cgroup v2 lane's guest scripts (tests/vm/tests.sh,
# make bench's tests/bench/v2-guest.sh): users wva and wvb, jailed through group wvjail
# (and both in wvg), their subordinate ids, and the state disk at warren's state_dir.  Each
# script writes its own /etc/warren/warren.conf.
mkdir -p /etc/warren /var/lib/warren/state /home
cat >/etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
wva:x:1000:1000::/home/wva:/bin/sh
wvb:x:1001:1001::/home/wvb:/bin/sh
P
printf 'root:x:0:\nwva:x:1000:\nwvb:x:1001:\nwvjail:x:2000:wva,wvb\nwvg:x:3000:wva,wvb\n' >/etc/group
printf 'wva:100000:65536\nwvb:200000:65536\n' | tee /etc/subuid >/etc/subgid
printf 'passwd: files\ngroup: files\n' >/etc/nsswitch.conf
mount -t ext4 /dev/vdb /var/lib/warren/state
