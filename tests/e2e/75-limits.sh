#!/bin/bash
# 75-limits.sh - per-group limits that bite, through real logins: precedence (users >
# first listed group > defaults) as warrenctl explains it and as the cgroup files hold
# it; a memory hog OOM-killed inside its container only; a fork loop stopped at pids;
# a CPU burner held to its share; the sshd session process accounted in the cgroup.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 28

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

# Long enough sessions that the containers stay up while we look.
tssh wta -- 'sleep 25' >/dev/null 2>&1 &
keep_a=$!
tssh wtb -- 'sleep 25' >/dev/null 2>&1 &
keep_b=$!
for i in $(seq 40); do [ -e "$(cg wta pids pids.max)" ] && [ -e "$(cg wtb pids pids.max)" ] && break; sleep 0.25; done

if [ -d /sys/fs/cgroup/memory/warren ]; then mem=memory.limit_in_bytes quota=cpu.cfs_quota_us
else mem=memory.max quota=cpu.max; fi
check "wta's cgroup holds 64M, 40 pids, half a core" \
	test "$(cat "$(cg wta memory $mem)") $(cat "$(cg wta pids pids.max)") $(cut -d' ' -f1 "$(cg wta cpu $quota)")" = "67108864 40 50000"
check "wtb's cgroup holds 96M, 256 pids, 1.5 cores" \
	test "$(cat "$(cg wtb memory $mem)") $(cat "$(cg wtb pids pids.max)") $(cut -d' ' -f1 "$(cg wtb cpu $quota)")" = "100663296 256 150000"
# warrenctl ls: what the cgroup files hold, per container.
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
# The table, with wta's columns: uptime within 5 s of the JSON's, one login, pids of 40.
table=$("$REPO/warrenctl" ls --config "$CONF" 2>&1)
up=$(perl -MJSON::PP -e 'for (@{ decode_json($ARGV[0]) }) { print $_->{uptime_s} if $_->{user} eq "wta" }' "$json")
check "and as a table, a row for each, each value in its column" \
	bash -c 'grep -Eq "^wtb +running " <<<"$1" &&
		awk -v up="$2" '\''$1 == "wta" && $2 == "running" && $4 - up <= 5 && up - $4 <= 5 &&
			$6 == 1 && $8 ~ /\/40$/ { found = 1 } END { exit !found }'\'' <<<"$1"' - "$table" "${up:-x}" ||
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
out=$(tssh wta -- 'sleep 20 & k=$!; head -c 300M /dev/zero | tail >/dev/null; echo "hog=$?"; kill -0 $k && echo neighbour-alive' 2>&1)
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

# pids: 60 background sleeps against 40 tasks.
out=$(tssh wta -- 'for i in $(seq 60); do (sleep 6 &) 2>/dev/null; done; sleep 1; ps -eo comm | grep -c "^sleep"' 2>&1)
n=$(tail -n 1 <<<"$out")
check "a fork loop stops below pids.max ($n sleeps of 60)" test "${n:-99}" -lt 40 -a "${n:-0}" -gt 10
if [ -e "$(cg wta pids pids.events)" ]; then
	check "pids.events counts the refused forks" test "$(awk '$1 == "max" { print $2 }' "$(cg wta pids pids.events)")" -gt 0
else
	skip "pids.events" "no pids.events on this kernel"
fi

# CPU: a 3 s busy loop at cpus = 0.5 gets about 1.5 s of CPU (+-25%).
out=$(tssh wta -- "bash -c 'TIMEFORMAT=\"%3U %3S\"; time timeout 3 sh -c \"while :; do :; done\"' 2>&1" 2>&1)
used=$(tail -n 1 <<<"$out" | awk '{ printf "%d", ($1 + $2) * 1000 }')
check "a CPU burner gets half a core: ${used:-?} ms of 3000" test "${used:-0}" -ge 1125 -a "${used:-0}" -le 1875 ||
	diag "$out"
# warrenctl top: a burner in wta's container (half a core) puts her first, near 50%.
tssh wta -- 'timeout 4 sh -c "while :; do :; done"' >/dev/null 2>&1 &
burn=$!
sleep 1
out=$("$REPO/warrenctl" top --once --config "$CONF" 2>&1)
wait "$burn"
cpu=$(awk 'NR == 2 && $1 == "wta" { sub("%", "", $NF); print int($NF) }' <<<"$out")
check "warrenctl top --once: wta first, at ${cpu:-?}% of a core (cpus = 0.5)" \
	test "${cpu:-0}" -ge 30 -a "${cpu:-0}" -le 70 || diag "$out"
out=$(tssh wtb -- "bash -c 'TIMEFORMAT=\"%3U %3S\"; time timeout 3 sh -c \"while :; do :; done\"' 2>&1" 2>&1)
used=$(tail -n 1 <<<"$out" | awk '{ printf "%d", ($1 + $2) * 1000 }')
check "one burner under cpus = 1.5 is not held back: ${used:-?} ms of 3000" test "${used:-0}" -ge 2250 ||
	diag "$out"

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
	held=$T/inotify-held
	tssh wta -- "perl -e '\$|=1; \$n=0; \$n++ while syscall($nr_init, 0) >= 0; print \"\$n \$!\\n\"; sleep 15'" \
		>"$held" 2>&1 &
	hold=$!
	for i in $(seq 40); do [ -s "$held" ] && break; sleep 0.25; done
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
	kill "$hold" 2>/dev/null
fi
wait "$keep_a" "$keep_b" 2>/dev/null
fixture_finish
