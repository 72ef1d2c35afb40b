#!/bin/bash
# 93-fleet-hosts.sh - several login hosts, one host at a time (warren.conf(5), FLEET;
# issue 19): three login hosts on this machine (tests/lib/hosts.sh: the fixture's sshd is
# host a, login-b and login-c each have a network, mount and UTS namespace, an sshd, a
# runtime directory and a state_dir of their own), one store (a directory all three
# mount the same), and a real etcd in a namespace of its own that each host reaches
# through its own link.  Through real SSH logins: her data follows her from host to host
# (login-c with another subordinate range for her), a second host refuses her while one
# runs her container, a host cut from etcd stops her container within the TTL and another
# then starts it, a host that died holds nothing after the TTL, an etcd that is down
# refuses new logins on every host, and at no moment is her image attached twice.
set -u
# run.sh bound: 300 s
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh
. tests/lib/etcd.sh
. tests/lib/hosts.sh
N=32
etcd_need $((N + 1))
TTL=5
# 50 more users, for the logins at once (7).
MANY=$(printf 'wtu%02d ' $(seq 50))
# shellcheck disable=SC2206
TEST_USERS+=($MANY)
FIXTURE_SSHD_EXTRA="MaxStartups 200"

fixture_start $N

STORE=$T/store
IMG=$STORE/disks/wta.ext4
SAMPLER=
trap '[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null; hosts_stop; fixture_finish' EXIT
mkdir -p "$STORE"

# login-c has another subordinate range for wta: its own /etc/subuid and /etc/subgid.
old_base=$(subid_base wta)
new_base=$(fixture_free_base $((old_base + 64 * SUBID_COUNT)))
for f in subuid subgid; do
	sed "s/^wta:$old_base:/wta:$new_base:/" "/etc/$f" >"$T/$f-c" && chmod 0644 "$T/$f-c"
done
host_start b || diag "host b did not start"
host_start c "$T/subuid-c:/etc/subuid" "$T/subgid-c:/etc/subgid" || diag "host c did not start"
hosts_etcd_start || diag "etcd's namespace could not be made"
# The store: a GlusterFS volume every host mounts at $STORE (a plain directory, the same
# for all, where GlusterFS cannot run: the reason is said).
hosts_store_start "$STORE" >"$T/store.why" 2>&1
if [ -z "$HOSTS_STORE_DIR" ]; then
	hosts_store_stop
	# One directory for all, a mount point (bound over itself) in every host, as a store is.
	for h in a b c; do on_host "$h" mount --bind "$STORE" "$STORE"; done
	skip "the store is a GlusterFS volume, mounted on every host" \
		"GlusterFS cannot run here: $(tr '\n' ' ' <"$T/store.why")"
else
	check "the store is a GlusterFS volume, mounted on every host" \
		test "$(for h in a b c; do on_host "$h" findmnt -n -o FSTYPE "$STORE"; done | sort -u)" = fuse.glusterfs
fi
# host_fleet NAME [DISK]: its config: its own state_dir, its link to etcd, the one store,
# the disk size (64M unless said).
host_fleet() {
	local state=$STATE
	[ "$1" != a ] && state=$(host_dir "$1")/state
	host_config "$1" "$(default_config | sed -e "s|^state_dir = .*|state_dir = \"$state\";|" \
		-e "s/disk = \"max\"/disk = \"${2:-64M}\"/")
fleet = { store = \"$STORE\"; etcd = [ \"$(hosts_etcd_url "$1")\" ]; lease_ttl = $TTL; takeover = \"never\"; };"
}
for h in a b c; do host_fleet "$h"; done
DRIVE=$REPO/tests/lib/fleetdrive
drive() { on_host a "$DRIVE" "$CONF" "$@"; }
etcd_check_up "etcd answers every host (host a asks)" "$T/etcd.log" drive list

# 1. Her data follows her: written on host a, found on login-b.
out=$(hssh a wta -- 'echo kept >~/note && cp ~/note /var/tmp/sys-note && echo "in $(hostname)"' 2>&1)
check "wta lands on host a ($out)" test "$out" = "in wta"

# Her image attached to loop devices (of every host: one kernel), sampled every 0.1 s from
# here to the end: the most seen at once.  Known by its inode (GlusterFS gives a file the
# same one on every mount): a loop device's backing_file is a path in the mount namespace
# that attached it, and a builder's is gone.
IMG_INO=$(on_host a stat -c %i "$IMG")
attached() {
	losetup -l -n -O BACK-INO,BACK-FILE 2>/dev/null |
		awk -v i="$IMG_INO" '$1 == i && $2 ~ /\/disks\/wta\.ext4$/' | wc -l
}
( max=0
  while :; do
	n=$(attached)
	[ "$n" -gt "$max" ] && { max=$n; echo "$max" >"$T/attached.max"; }
	sleep 0.1
  done ) &
SAMPLER=$!
host_stop_user a wta >/dev/null 2>&1
out=$(hssh b wta -- 'cat ~/note /var/tmp/sys-note' 2>&1)
check "on login-b she finds her home and her system files" test "$(echo $out)" = "kept kept" || diag "$out"
check "her lease names login-b" grep -q '^login-b ' <<<"$(drive holder wta 2>&1)"
check "login-b's state_dir holds none of her data; the image is on the store" \
	test -z "$(ls -A "$(host_dir b)/state/users/wta" 2>/dev/null)" && on_host b test -f "$IMG"

# 2. While her session on login-b is alive, login-c refuses her, naming login-b.  Its
# admin has just given her a larger disk: her image is resized only by a host that holds
# her lease, never under login-b's mount.
NS=$(host_ns b) hold keep wta -- 'echo held; head -n 1 >/dev/null'
held_up keep
host_fleet c 96M
out=$(hssh c wta -- 'echo in' 2>&1)
check "her login on login-c is refused while login-b runs her container" test "$out" != in
check "login-c's log names login-b" \
	grep -q "wta's container runs on login-b" "$(host_dir c)/syslog" || diag_file "$(host_dir c)/syslog" 6
check "her image keeps its size (64M) while login-b runs it" \
	test "$(on_host a stat -c %s "$IMG")" = $((64 << 20))

# Her lease's record says who she is on login-b: login-c's doctor finds her the same
# user there, or, with a passwd where she has another uid, or a group file where she is in
# no jail group, says she is not, naming login-b.
doctor_c() { # doctor_c [FILE:TARGET...]: login-c's warrenctl doctor, these files bound over
	on_host c unshare -m --propagation private bash -c 'for b in "${@:3}"; do
		mount --bind "${b%%:*}" "${b#*:}" || exit 1; done
		exec "$1" doctor --config "$2"' - "$REPO/warrenctl" "$CONF" "$@" 2>&1
}
out=$(doctor_c)
check "login-c's doctor: the users with a lease are the same users here as on their hosts" \
	grep -Eq "^ok .*fleet: the [1-9][0-9]* users? with a lease (is|are) the same here" <<<"$out" ||
	diag "$(grep fleet <<<"$out")"
sed "s/^wta:x:$(id -u wta):/wta:x:$(($(id -u wta) + 4242)):/" /etc/passwd >"$T/passwd-c"
out=$(doctor_c "$T/passwd-c:/etc/passwd")
check "with another uid for wta on login-c, its doctor says she is not the same user as on login-b" \
	grep -q "^PROBLEM .*fleet: wta is not the same user here as on login-b, which holds her lease: uid $(($(id -u wta) + 4242)).*; uid $(id -u wta)," <<<"$out" ||
	diag "$(grep fleet <<<"$out")"
perl -pe 's/^(\Q'"$JAIL_GROUP"'\E:[^:]*:[^:]*:)(.*)$/$1 . join(",", grep { $_ ne "wta" } split(",", $2))/e' \
	/etc/group >"$T/group-c"
out=$(doctor_c "$T/group-c:/etc/group")
check "in no jail group on login-c: its doctor names the jail groups here and there" \
	grep -q "^PROBLEM .*fleet: wta is not the same user here as on login-b.* jail groups \"\" here; .* jail groups \"$JAIL_GROUP\" there" <<<"$out" ||
	diag "$(grep fleet <<<"$out")"

# 3. login-b cut from etcd: it stops her container within the TTL, saying why; login-c
# then starts it, with her data, from its own subordinate range.
t0=$(now_ms)
hosts_etcd_cut b
for _ in $(seq $((TTL * 20 + 40))); do
	grep -q "stopping the container of wta.*fleet lease" "$(host_dir b)/syslog" && break
	sleep 0.05
done
fenced=$(($(now_ms) - t0))
check "login-b stops her container, the log saying her lease could not be renewed" \
	grep -Eq "stopping the container of wta.*fleet lease of wta (could not be renewed|is lost)" \
	"$(host_dir b)/syslog" || diag_file "$(host_dir b)/syslog" 8
check "within the lease's TTL ($fenced ms, TTL $TTL s)" test "$fenced" -le $((TTL * 1000))
release keep >/dev/null 2>&1
out=""
for _ in $(seq 20); do # her lease runs out in etcd a TTL after login-b's last renewal
	out=$(hssh c wta -- 'cat ~/note /var/tmp/sys-note; stat -c "%u %g" /var/tmp ~/note' 2>&1)
	[ "$(head -n 1 <<<"$out")" = kept ] && break
	sleep 1
done
check "then login-c starts it, with her home and system files" \
	test "$(head -n 2 <<<"$out" | tr '\n' ' ')" = "kept kept " || diag "$out"
check "their owners the same inside: /var/tmp root's, her note hers" \
	test "$(tail -n 2 <<<"$out" | tr '\n' ' ')" = "0 0 $(id -u wta) $(id -g wta) " || diag "$out"
init=$(on_host c cut -d" " -f1 /run/warren/users/wta/state 2>/dev/null)
check "login-c runs her container from its own range for her ($new_base)" \
	test "$(awk '$1 == 0 { print $2 }' "/proc/${init:-0}/uid_map" 2>/dev/null)" = "$new_base"
check "her lease names login-c" grep -q '^login-c ' <<<"$(drive holder wta 2>&1)"
check "and her image has login-c's size for her, 96M" test "$(on_host a stat -c %s "$IMG")" = $((96 << 20))
hosts_etcd_mend b || diag "host b does not reach etcd 10 s after its link came back"

# 7. 50 users log in at once, each on two hosts at the same moment (host i mod 3 and the
# next): each lands once, on one host, and the other login is refused naming it.
mkdir "$T/many"
i=0
logins=()
wait_many=$(now_ms)
for u in $MANY; do
	for h in $(( i % 3 )) $(( (i + 1) % 3 )); do
		h=$(cut -c$((h + 1)) <<<abc)
		TSSH_TIMEOUT=120 hssh "$h" "$u" -- 'echo "in $(hostname)"' >"$T/many/$u.$h" 2>&1 &
		logins+=($!)
	done
	i=$((i + 1))
done
wait "${logins[@]}"
wait_many=$(($(now_ms) - wait_many))
landed=0 twice=
for u in $MANY; do
	n=$(cat "$T/many/$u".* | grep -cx "in $u")
	[ "$n" = 1 ] && landed=$((landed + 1))
	[ "$n" -gt 1 ] && twice="$twice $u"
done
check "50 users, two logins each at once on two hosts: each lands once ($landed of 50, in $wait_many ms)" \
	test "$landed" = 50 -a -z "$twice" || diag "twice:$twice $(head -c 300 "$T"/many/wtu01.*)"
started=$(cat "$T/syslog" "$(host_dir b)/syslog" "$(host_dir c)/syslog" |
	grep -o 'started the container of wtu[0-9]*' | sort | uniq -c | awk '$1 != 1' | head -n 3)
check "and each of them had one container started, on one host, no more" \
	test -z "$started" -a "$(cat "$T/syslog" "$(host_dir b)/syslog" "$(host_dir c)/syslog" |
		grep -c 'started the container of wtu')" = 50 || diag "$started"
refused=$(cat "$T/syslog" "$(host_dir b)/syslog" "$(host_dir c)/syslog" |
	grep -c "refusing the login of wtu[0-9]*: .*wtu[0-9]*'s container runs on ")
# (Failing: for each user without such a refusal, her two logins' output and her log lines.)
unrefused() {
	local u
	for u in $MANY; do
		cat "$T/syslog" "$(host_dir b)/syslog" "$(host_dir c)/syslog" |
			grep -q "refusing the login of $u: .*$u's container runs on " && continue
		echo "$u: $(tail -qn 2 "$T/many/$u".* | tr '\n' ' ' | cut -c1-300) | log:" \
			"$(grep -h "$u\b" "$T/syslog" "$(host_dir b)/syslog" "$(host_dir c)/syslog" |
				grep -v 'joined\|started the container' | tail -n 6 | cut -c1-700 | paste -sd'|')"
	done
}
check "the other login of each was refused, naming the host that runs it ($refused of 50)" \
	test "$refused" = 50 || diag "$(unrefused)"

# 4. login-c dies outright (every process of it killed, its namespace gone): after the
# TTL, host a starts her container, with her data.
NS=$(host_ns c) hold keepc wta -- 'echo held; head -n 1 >/dev/null'
check "her container runs on login-c again, a session of hers alive there" held_up keepc 90
# Host a's admin gives her login-c's size too: no resize (25 s of multi-mount checks) at
# the start below.
host_fleet a 96M
host_kill c
t0=$(now_ms)
log_mark
out=$(TSSH_TIMEOUT=90 hssh a wta -- 'echo in' 2>&1)
check "at once, host a refuses her: login-c's lease is still there ($(($(now_ms) - t0)) ms)" test "$out" != in
check "host a's log names login-c" wait_log "wta's container runs on login-c" 60 ||
	diag "$(grep -h 'wta' "$T/syslog" | tail -n 4)"
out=""
for _ in $(seq 30); do
	out=$(hssh a wta -- 'cat ~/note; echo "in $(hostname)"' 2>&1)
	grep -q "^in wta" <<<"$out" && break
	sleep 1
done
waited=$(($(now_ms) - t0))
check "after login-c died, host a starts her container with her data (in ${waited} ms)" \
	test "$(echo $out)" = "kept in wta" || diag "$out"
host_stop_user a wta >/dev/null 2>&1

# 5. etcd down: a new login is refused on every host, saying why.
etcd_stop "$HOSTS_ETCD_PID"
HOSTS_ETCD_PID=
for h in a b; do
	out=$(hssh "$h" wtb -- 'echo in' 2>&1)
	check "with etcd down, wtb's login on host $h is refused" test "$out" != in
	log=$T/syslog
	[ "$h" = a ] || log=$(host_dir "$h")/syslog
	check "host $h's log says why (fail closed)" \
		grep -q "cannot take the fleet lease of wtb (fail closed)" "$log"
done

# 6. Over the whole test, her image was never attached twice at once.
kill "$SAMPLER" 2>/dev/null
wait "$SAMPLER" 2>/dev/null
SAMPLER=
check "her image was attached once at most at any moment (the most: $(cat "$T/attached.max" 2>/dev/null))" \
	test "$(cat "$T/attached.max" 2>/dev/null)" = 1
check "no loop device holds it now" test "$(attached)" = 0

hosts_stop
fixture_finish
