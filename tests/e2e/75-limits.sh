#!/bin/bash
# 75-limits.sh - per-group limits that bite, through real logins: precedence (users >
# first listed group > defaults) as warrenctl explains it and as the cgroup files hold
# it; a memory hog OOM-killed inside its container only; a fork loop stopped at pids;
# a CPU burner held to its share; the sshd session process accounted in the cgroup.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 29

groupadd wtga && groupadd wtgb && usermod -aG wtga,wtgb wta && usermod -aG wtga wtb ||
	diag "cannot make the limit groups"
write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 3; memory = \"256M\"; pids = 256; disk = \"max\"; network = \"none\"; };
groups = (
  { name = \"wtgb\"; memory = \"64M\"; pids = 40; cpus = 0.5; },
  { name = \"wtga\"; memory = \"128M\"; cpus = 1.5; }
);
users = (
  { name = \"wtb\"; memory = \"96M\"; swap = \"32M\"; io_weight = 500; ptys = 4;
    inotify_instances = 4; inotify_watches = 10; },
  { name = \"wta\"; inotify_instances = 65536; }
);"

# cg USER CONTROLLER FILE: the file of USER's cgroup, on v1 or v2
cg() { echo "$(user_cgroup "$1" "$2")/$3"; }
explain() { "$REPO/warrenctl" explain "$1" --config "$CONF" | awk -v k="$2" '$1 == k { $1 = ""; print substr($0, 2) }'; }

check "explain wta: memory from the first listed group it is in" test "$(explain wta memory)" = "64M (group wtgb)"
check "explain wta: cpus from that group too" test "$(explain wta cpus)" = "0.5 (group wtgb)"
check "explain wtb: its users entry wins" test "$(explain wtb memory)" = "96M (user wtb)"
check "explain wtb: cpus from its only group, pids from defaults" \
	test "$(explain wtb cpus)/$(explain wtb pids)" = "1.5 (group wtga)/256 (defaults)"

# Sessions that keep the containers up while we look, until the test releases them.
hold keep_a wta -- 'head -n 1 >/dev/null'
hold keep_b wtb -- 'head -n 1 >/dev/null'
keep_b=${HELD[keep_b]}
for i in $(seq 120); do [ -e "$(cg wta pids pids.max)" ] && [ -e "$(cg wtb pids pids.max)" ] && break; sleep 0.25; done

if [ -d /sys/fs/cgroup/memory/warren ]; then mem=memory.limit_in_bytes quota=cpu.cfs_quota_us
else mem=memory.max quota=cpu.max; fi
check "wta's cgroup holds 64M, 40 pids, half a core" \
	test "$(cat "$(cg wta memory $mem)") $(cat "$(cg wta pids pids.max)") $(cut -d' ' -f1 "$(cg wta cpu $quota)")" = "67108864 40 50000"
check "wtb's cgroup holds 96M, 256 pids, 1.5 cores" \
	test "$(cat "$(cg wtb memory $mem)") $(cat "$(cg wtb pids pids.max)") $(cut -d' ' -f1 "$(cg wtb cpu $quota)")" = "100663296 256 150000"
# warrenctl ls: what the cgroup files hold, per container.
t_json=$SECONDS
out=$("$REPO/warrenctl" ls --json --config "$CONF" 2>&1)
json=$out
check "warrenctl ls --json: both running, limits as their cgroups hold them, a login each" \
	perl -MJSON::PP -e 'my %c = map { $_->{user} => $_ } @{ decode_json($ARGV[0]) };
		my ($a, $b) = @c{qw(wta wtb)}; $a && $b or exit 1;
		exit !($a->{state} eq "running" && $b->{state} eq "running" &&
			$a->{memory_limit} == 67108864 && $a->{pids_limit} == 40 &&
			$b->{memory_limit} == 100663296 && $b->{pids_limit} == 256 &&
			$a->{logins} >= 1 && $b->{logins} >= 1 && $a->{pids} >= 2 && $a->{pids} <= 40 &&
			$a->{memory_bytes} > 0 && $a->{uptime_s} < 600)' "$out" || diag "$out"
out=$("$REPO/warrenctl" show wta --config "$CONF" 2>&1)
check "warrenctl show wta: explain, then her running container: memory of 64M, maps, cgroup, layers" \
	bash -c 'grep -Eq "^memory +64M +\(group wtgb\)" <<<"$1" && grep -q "^container:   running, id " <<<"$1" &&
		grep -q "^memory use:  .* of 64.0M" <<<"$1" && grep -Eq "^uid map: +0 +$2 " <<<"$1" &&
		grep -q "^cgroup:      $3\$" <<<"$1" && grep -q "^layers:      $4\$" <<<"$1"' - \
	"$out" "$(subid_base wta)" "$(dirname "$(cg wta pids pids.max)")" "$STATE/users/wta" || diag "$out"
# The table, with wta's columns: uptime the JSON's plus the seconds that passed between
# the two (a busy machine takes longer), one login, pids of 40.
table=$("$REPO/warrenctl" ls --config "$CONF" 2>&1)
since=$((SECONDS - t_json + 1))
up=$(perl -MJSON::PP -e 'for (@{ decode_json($ARGV[0]) }) { print $_->{uptime_s} if $_->{user} eq "wta" }' "$json")
check "and as a table, a row for each, each value in its column" \
	bash -c 'grep -Eq "^wtb +running " <<<"$1" &&
		awk -v up="$2" -v since="$3" '\''$1 == "wta" && $2 == "running" && $4 >= up - 1 && $4 <= up + since &&
			$6 == 1 && $8 ~ /\/40$/ { found = 1 } END { exit !found }'\'' <<<"$1"' - "$table" "${up:-x}" "$since" ||
	diag "$table"

# swap: v1 limits memory+swap together, v2 swap alone.
if [ -e "$(cg wtb memory memory.memsw.limit_in_bytes)" ]; then
	swapv=$(cat "$(cg wtb memory memory.memsw.limit_in_bytes)") want=134217728
else
	swapv=$(cat "$(cg wtb memory memory.swap.max)" 2>/dev/null) want=33554432
fi
check "wtb's swap = 32M is written (v1 memsw = 128M, or v2 swap.max = 32M): ${swapv:-none}" \
	test "${swapv:-none}" = "$want"
# io_weight: a hint, on the I/O scheduler's scale where the host has one (BFQ, io.cost).
weight=
for f in io.weight io.bfq.weight blkio.weight blkio.bfq.weight; do
	[ -e "$(cg wtb io "$f")" ] && { weight=$f; break; }
	[ -e "$(cg wtb blkio "$f")" ] && { weight=$f; break; }
done
case $weight in
io.weight) check "wtb's io.weight is 500" grep -qx 'default 500' "$(cg wtb io io.weight)" ;;
"") skip_host "wtb's io_weight = 500" "no I/O weight file (no BFQ, no io.cost); the cgroup v2 lane checks io.weight" ;;
*) check "wtb's $weight is 136 (500 on the 10-1000 scale)" \
	grep -Eq "^(default )?136$" "$(cg wtb blkio "$weight")" ;;
esac

sess=
for p in $(cat "$(cg wta pids cgroup.procs)"); do
	[ "$(readlink "/proc/$p/exe")" = /usr/sbin/sshd ] && sess=$p
done
check "the sshd process of wta's session is in wta's cgroup" test -n "$sess"

# Memory: a hog (tail holds a newline-free stream) against 64M; its neighbour survives.
out=$(tssh wta -- 'sleep 600 & k=$!; head -c 300M /dev/zero | tail >/dev/null; echo "hog=$?"; kill -0 $k && echo neighbour-alive; kill $k' 2>&1)
check "the memory hog is killed inside the container" grep -qx 'hog=137' <<<"$out" || diag "$out"
check "the process beside it lives on" grep -qx neighbour-alive <<<"$out"
if [ -e "$(cg wta memory memory.oom_control)" ]; then
	kills=$(awk '$1 == "oom_kill" { print $2 }' "$(cg wta memory memory.oom_control)")
else
	kills=$(awk '$1 == "oom_kill" { print $2 }' "$(cg wta memory memory.events)")
fi
check "the kernel counts the OOM kill in wta's cgroup ($kills)" test "${kills:-0}" -ge 1
check "wtb's container is untouched (its session still runs)" kill -0 "$keep_b"
# Its tmpfs mounts hold no more than its memory: where swap is not accounted, a file in
# /tmp could otherwise take swap without bound.
out=$(tssh wta -- 'df -B1 --output=size /tmp /run /dev/shm | tail -n +2 | tr -s " \n" " "' 2>&1)
check "wta's /tmp, /run and /dev/shm are 64M each (${out})" test "$(norm <<<"$out")" = "67108864 67108864 67108864"

# pids: a loop forking 60 sleepers against 40 tasks: how many it got before the first
# refused fork, all alive at once (perl's fork fails at once; bash's retries for 15 s,
# which made the count depend on how many sleeps had ended by then).  Then they end.
out=$(tssh wta -- 'perl -e '\''for (1..60) { my $p = fork; last unless defined $p;
	if (!$p) { sleep 600; exit } push @k, $p } print scalar(@k), "\n"; kill 9, @k; 1 while wait > 0'\''' 2>&1)
n=$(tail -n 1 <<<"$out")
check "a fork loop stops below pids.max ($n sleeps of 60)" test "${n:-99}" -lt 40 -a "${n:-0}" -gt 10
if [ -e "$(cg wta pids pids.events)" ]; then
	check "pids.events counts the refused forks" test "$(awk '$1 == "max" { print $2 }' "$(cg wta pids pids.events)")" -gt 0
else
	skip "pids.events" "no pids.events on this kernel"
fi

# CPU, as the kernel counts it, over a window as long as a busy machine needs: busy
# loops (one per core) in wta's container, held until released.  Their CPU time
# (/proc/PID/schedstat) against the wall clock bounds what cpus = 0.5 lets through; the
# container's cpu.stat says whether the quota is what held them back (nr_throttled: the
# periods that ended with the quota spent), and each such period used about the quota.
cpu_stat() { awk -v k="$2" '$1 == k { print $2 }' "$(cg "$1" cpu cpu.stat)"; } # cpu_stat USER KEY
burners() { # the host pids of the busy loops in USER's container
	# A loop is "sh -c LOOP warren-burn": warren-burn is its last argument.  The shell
	# that starts them has the name inside its script, and its forks keep that command
	# line until they exec: neither burns, and counting them ended the wait too soon.
	local p
	for p in $(cat "$(cg "$1" pids cgroup.procs)"); do
		[ "$(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | tail -n 1)" = warren-burn ] && echo "$p"
	done
}
ran_ms() { local p u s=0; for p in "$@"; do read -r u _ <"/proc/$p/schedstat" && s=$((s + u)); done; echo $((s / 1000000)); }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
burn() { # burn NAME USER N: N busy loops in USER's container, held; their pids in $pids
	local i
	hold "$1" "$2" -- "for i in \$(seq $3); do sh -c 'while :; do :; done' warren-burn & done
		head -n 1 >/dev/null; kill \$(jobs -p)"
	# As long as a login takes on a busy machine (hold's bound), while it goes on.
	for ((i = 0; i < 3000; i++)); do
		pids=$(burners "$2")
		[ "$(wc -w <<<"$pids")" -ge "$3" ] && return 0
		kill -0 "${HELD[$1]}" 2>/dev/null || break
		sleep 0.1
	done
	diag "$2's $3 busy loops did not start ($(wc -w <<<"$pids") of $3): $(cat "$T/$1.out")"
	return 1
}
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || ncpu=2
burn burn_a wta "$ncpu"
# shellcheck disable=SC2086
p0=$(cpu_stat wta nr_periods) th0=$(cpu_stat wta nr_throttled) u0=$(ran_ms $pids) w0=$(now_ms)
for ((i = 0; i < 120; i++)); do # 3 s and 10 throttled periods, or 60 s
	sleep 0.5
	[ $(($(now_ms) - w0)) -ge 3000 ] && [ $(($(cpu_stat wta nr_throttled) - th0)) -ge 10 ] && break
done
# shellcheck disable=SC2086
u1=$(ran_ms $pids) w1=$(now_ms) p1=$(cpu_stat wta nr_periods) th1=$(cpu_stat wta nr_throttled)
used=$((u1 - u0)) wall=$((w1 - w0)) periods=$((p1 - p0)) thr=$((th1 - th0))
diag "$ncpu busy loops in wta's container: $used ms of CPU in $wall ms; throttled in $thr of $periods periods"
check "CPU burners in wta's container get half a core at most: $used ms of CPU in $wall ms (cpus = 0.5, +25%)" \
	test "$wall" -gt 0 -a "$((used * 1000))" -le "$((wall * 625))"
if [ "$thr" -gt 0 ]; then
	check "the quota is what holds them: each of the $thr throttled periods used about half a core ($((used / thr)) ms of CPU each, 37.5 at least)" \
		test "$((used * 1000))" -ge "$((thr * 37500))"
else
	skip "the quota is what holds them back" \
		"this machine is too busy: in $wall ms they got $used ms of CPU, below the quota, which never bit"
fi
# warrenctl top: with them still busy, wta is first, at what the kernel counted meanwhile
# (within 20 points), and at half a core at most.
# shellcheck disable=SC2086
b0=$(ran_ms $pids) w0=$(now_ms)
out=$("$REPO/warrenctl" top --once --config "$CONF" 2>&1)
# shellcheck disable=SC2086
b1=$(ran_ms $pids) w1=$(now_ms)
release burn_a
rate=$(((b1 - b0) * 100 / (w1 - w0 > 0 ? w1 - w0 : 1)))
cpu=$(awk 'NR == 2 && $1 == "wta" { sub("%", "", $NF); print int($NF) }' <<<"$out")
check "warrenctl top --once: wta first, at ${cpu:-?}% of a core (the kernel counted $rate% meanwhile; cpus = 0.5)" \
	test -n "$cpu" -a "${cpu:-0}" -le 70 -a "$((${cpu:-0} - rate))" -le 20 -a "$((rate - ${cpu:-0}))" -le 20 ||
	diag "$out"
# wtb, at cpus = 1.5: one busy loop is not held back, however long it runs (2 s of CPU,
# or 60 s).  A quota below one core throttles it in every period.  Under cpus = 1.5 it
# is throttled in none on a machine whose clock is steady; under an emulator the guest's
# clock jumps and a period can be charged more than it lasted (3 of 27 were, in one
# run), so up to a fifth of its periods may be.
burn burn_b wtb 1
# shellcheck disable=SC2086
p0=$(cpu_stat wtb nr_periods) th0=$(cpu_stat wtb nr_throttled) u0=$(ran_ms $pids) w0=$(now_ms)
for ((i = 0; i < 120; i++)); do
	sleep 0.5
	# shellcheck disable=SC2086
	[ $(($(ran_ms $pids) - u0)) -ge 2000 ] && break
done
# shellcheck disable=SC2086
used=$(($(ran_ms $pids) - u0)) wall=$(($(now_ms) - w0)) thr=$(($(cpu_stat wtb nr_throttled) - th0))
periods=$(($(cpu_stat wtb nr_periods) - p0))
release burn_b
check "one burner under cpus = 1.5 is not held back: throttled in $thr of $periods periods (a fifth at most) while it ran $used ms of CPU in $wall ms" \
	test "$used" -ge 2000 -a "$periods" -gt 0 -a "$((thr * 5))" -le "$periods"

# ptys: wtb's container holds 4 at once; the fifth open of /dev/ptmx fails inside, and
# the host still has its own.
out=$(tssh wtb -- 'perl -e '\''for (1..5) { open(my $f, "+<", "/dev/ptmx") or do { print "$_: $!\n"; last };
	push @k, $f }'\''' 2>&1)
check "ptys = 4: the fifth pty is refused inside wtb's container" \
	test "$(head -n 1 <<<"$out")" = "5: No space left on device" || diag "$out"
check "and root on the host still opens one" perl -e 'open(my $f, "+<", "/dev/ptmx") or die "$!"'

# inotify: each container's user namespace belongs to the user's subordinate root, so
# the kernel holds the container as a whole to the host's fs.inotify.max_user_instances
# apart from host root and the others.  wta (65536 per uid inside) opens instances until
# the kernel refuses and holds them; root and wtb still open theirs; wtb is held to 4.
case $(uname -m) in
x86_64) nr_init=294 nr_watch=254 ;;
aarch64) nr_init=26 nr_watch=27 ;;
*) nr_init= ;;
esac
host_max=$(cat /proc/sys/fs/inotify/max_user_instances)
if [ -z "$nr_init" ] || [ "$host_max" -gt 1000 ]; then
	why="inotify syscall numbers unknown for $(uname -m), or fs.inotify.max_user_instances ($host_max) above a session's open files"
	for d in "wta's container is held to the host's budget" "root still opens one" \
		"inotify_instances = 4" "inotify_watches = 10"; do skip "$d" "$why"; done
else
	held=$T/inotify.out # (held until released)
	hold inotify wta -- "perl -e '\$|=1; \$n=0; \$n++ while syscall($nr_init, 0) >= 0; print \"\$n \$!\\n\"; <STDIN>'"
	for i in $(seq 120); do [ -s "$held" ] && break; sleep 0.25; done
	check "wta's container gets the host's $host_max instances, then 'Too many open files'" \
		test "$(cat "$held")" = "$host_max Too many open files" || diag "$(cat "$held")"
	check "while she holds them, root on the host still opens one" \
		perl -e "syscall($nr_init, 0) >= 0 or die \"\$!\\n\""
	out=$(tssh wtb -- "perl -e 'for (1..5) { syscall($nr_init, 0) >= 0 or do { print \"\$_: \$!\\n\"; last } }'" 2>&1)
	check "and wtb opens hers, up to inotify_instances = 4 (the fifth fails)" \
		test "$out" = "5: Too many open files" || diag "$out"
	out=$(tssh wtb -- "perl -e '\$fd = syscall($nr_init, 0); for (1..11) { mkdir \"/tmp/w\$_\";
		syscall($nr_watch, \$fd, \"/tmp/w\$_\", 0x100) >= 0 or do { print \"\$_: \$!\\n\"; last } }'" 2>&1)
	check "inotify_watches = 10: the eleventh watch fails inside wtb's container" \
		test "$out" = "11: No space left on device" || diag "$out"
	release inotify
fi
release keep_a
release keep_b
fixture_finish
