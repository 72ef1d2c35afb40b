#!/bin/bash
# 89-promises-2.sh - more promises of the README and the man pages that no other file
# proved (tests/PROMISES.md), through real logins:
#   her gid map is the designed one, her own group and her supplementary groups
#   identity-mapped, and the container's /etc/group lists her in them; CLOCK_MONOTONIC
#   and CLOCK_BOOTTIME count from her container's start; warrenctl ls, show, top, stop,
#   gc and reset refuse another user than root, saying why; a memory limit changed while
#   her container runs is kept by it and taken by the next;
#   pam_warren never prints to the client (a jailed login's command, plain and on a pty,
#   shows the client nothing, as a host login's plain one), also with debug on; a bad
#   timeout= is logged and the default used; debug logs the container's readiness and
#   the join;
#   an empty jail_groups jails nobody; logins of different users do not serialize (wtb's
#   lands while wta's lock is held);
#   warrenctl top --memory: most memory first (by CPU, the other order); a profile file
#   changed while her container runs applies to her next session; fanotify groups and
#   marks held to inotify_instances and inotify_watches;
#   network = "nat": the first such container turns on ip_forward and logs it; the log
#   says where the nameservers came from; the host's own nameserver is reached at the
#   gateway (DNS, UDP and TCP, while no other service there); nothing from outside can
#   open a connection to a container; with bridge.ipv6 = false no IPv6 inside: frames
#   other than IPv4 and ARP from a container's port never reach the bridge, not even
#   IPv6 from the address her slot would have (98-ipv6.sh: IPv6 on);
#   her pty login is in the host's wtmp and lastlog (utmp: her container's); warrenctl log:
#   hers only, her last 100, in UTC, from a root-only record, read under a broken config
#   too.
# The host's /etc/resolv.conf is replaced in the test sshd's mount namespace only (a bind
# mount there, gone with it); the "outside" is a netns of the test's own.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 31

UP=$NS-up
LISTENERS=()
cleanup_89() {
	local n
	for n in "${!HELD[@]}"; do kill "${HELD[$n]}" 2>/dev/null; done
	[ ${#LISTENERS[@]} -gt 0 ] && kill "${LISTENERS[@]}" 2>/dev/null
	ip netns del "$UP" 2>/dev/null
}
trap 'cleanup_89; fixture_finish' EXIT
trap 'exit 130' INT TERM HUP

write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')"

# --- the gid map, and her groups inside -----------------------------------------------

# map_of SUB ID... - the designed map of a subordinate range SUB keeping each ID (< 65536)
# identity-mapped: every other inside x from SUB+x.
map_of() {
	local sub=$1 from=0 id
	shift
	for id in $(printf '%s\n' "$@" | sort -nu); do
		[ "$id" -gt "$from" ] && echo "$from $((sub + from)) $((id - from))"
		echo "$id $id 1"
		from=$((id + 1))
	done
	[ "$from" -lt 65536 ] && echo "$from $((sub + from)) $((65536 - from))"
}
gid=$(id -g wta)
jail_gid=$(getent group "$JAIL_GROUP" | cut -d: -f3)
out=$(tssh wta -- 'cat /proc/self/gid_map; echo @@; id; echo @@; getent group '"$JAIL_GROUP" 2>&1)
want=$(map_of "$(subid_base wta)" "$gid" "$jail_gid")
check "gid_map is the designed map: her own group ($gid) and her supplementary $JAIL_GROUP ($jail_gid) identity-mapped" \
	test "$(section "$out" 1 | norm)" = "$want" || { diag "want:" "$want"; diag "$out"; }
check "inside, her primary group is her own and $JAIL_GROUP keeps its gid, listed with her in the container's /etc/group" \
	bash -c 'grep -q "^uid=[0-9]*(wta) gid=$2(wta) groups=.*$3($4)" <<<"$1" &&
		grep -Eq "^$4:[^:]*:$3:(.*,)?wta(,|$)" <<<"$5"' - \
	"$(section "$out" 2)" "$gid" "$jail_gid" "$JAIL_GROUP" "$(section "$out" 3)" || diag "$out"

# --- her clocks: CLOCK_MONOTONIC starts at her container's creation, as CLOCK_BOOTTIME --

# clock_gettime(2) by number (x86_64: 228; MONOTONIC 1, BOOTTIME 7): the image's perl
# has no Time::HiRes.
out=$(tssh wta -- 'perl -e '\''for my $c (1, 7) { my $b = "\0" x 16; syscall(228, $c, $b) == 0 or die "$!";
	printf "%d ", unpack("q", $b) }'\' 2>&1)
init=$(cut -d" " -f1 /run/warren/users/wta/state 2>/dev/null)
age=$(awk -v hz="$(getconf CLK_TCK)" -v up="$(cut -d" " -f1 /proc/uptime)" '{ printf "%d", up - $22 / hz }' "/proc/${init:-0}/stat" 2>/dev/null)
read -r mono boot <<<"$out"
check "inside, CLOCK_MONOTONIC (${mono:-?} s) and CLOCK_BOOTTIME (${boot:-?} s) count from her container's start (${age:-?} s ago; the host's: $(cut -d. -f1 /proc/uptime) s)" \
	bash -c '[ -n "$3" ] && for c in "$1" "$2"; do [ -n "$c" ] && [ "$c" -le $(($3 + 2)) ] && [ "$c" -ge $(($3 - 5)) ] || exit 1; done' - \
	"$mono" "$boot" "$age" || diag "$out"

# --- warrenctl's commands that need root, run by another user ----------------------

# Each is refused with the reason, and acts on nothing: her container runs on, the same.
before=$(init_identity wta)
check "warrenctl ls, show, top, stop, gc and reset as a user other than root: each refused, saying why" \
	nobody_refused 'root|Permission denied' ls "show wta" "top --once" "stop wta" gc "reset wta --yes"
check "and her container runs on, the same one" test -n "$before" -a "$(init_identity wta)" = "$before"

# --- a limit changed while her container runs ------------------------------------------

mem_max() { # the memory limit of USER's container cgroup, in bytes
	local d
	d=$(user_cgroup "$1" memory)
	cat "$d/memory.limit_in_bytes" 2>/dev/null || cat "$d/memory.max"
}
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60; memory = "512M";/')"
tssh wta -- true
m1=$(mem_max wta)
helper_stop wta >/dev/null 2>&1
tssh wta -- true
m2=$(mem_max wta)
check "a memory limit changed while her container runs: it keeps its own ($m1), the next one has the new ($m2)" \
	test "$m1" = $((1024 * 1024 * 1024)) -a "$m2" = $((512 * 1024 * 1024))
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')"

# --- pam_warren: options, debug, and nothing printed to the client ---------------------

write_pam timeout=0 timeout=601 debug
log_mark
out=$(tssh wta -- hostname 2>&1)
check "with timeout=0 and timeout=601 (out of 1..600) the login still lands ($out)" test "$out" = wta
both_logged() { wait_log "$1" && wait_log "$2"; }
check "and the log names each bad timeout= with the range and the default used" \
	both_logged "timeout=0: expected 1 to 600 seconds; using 60" "timeout=601: expected 1 to 600 seconds; using 60"
check "debug logs the container's readiness and the session's join" \
	both_logged "wta: container ready" "session joined its container"
# What the client sees of a command with no output: nothing, as from a host login
# (wtexempt's), on a plain channel and on a pty.  With debug on.
client_sees() { # client_sees USER [SSH-OPTS]: stdout and stderr of `true`, and the exit status
	tssh "$@" -- true >"$T/seen.out" 2>"$T/seen.err"
	echo "rc=$? out=$(od -An -c "$T/seen.out" | tr -s ' \n' ' ') err=$(od -An -c "$T/seen.err" | tr -s ' \n' ' ')"
}
jailed=$(client_sees wta)
host=$(client_sees wtexempt)
check "a jailed login's command with no output shows the client nothing ($jailed), as a host login's ($host)" \
	test "$jailed" = "rc=0 out= err=" -a "$host" = "$jailed"
# (A host login's pty is no comparison here: the test sshd's /dev cannot give one, openpty
# fails with ENOENT there.)
jailed=$(client_sees wta -tt)
check "the same on a pty: nothing ($jailed)" test "$jailed" = "rc=0 out= err="
write_pam

# --- what the host records of her pty login --------------------------------------------

# wtmp and lastlog stay the host's, with the container's tty name; utmp is her container's.
wtmp_of() { utmpdump /var/log/wtmp 2>/dev/null | grep '^\[7\] .*\] \[wta  *\] '; }
n0=$(wtmp_of | wc -l)
t0=$(date +%s)
tty=$(tssh wta -tt -- tty 2>&1 | untty)
rec=$(wtmp_of | tail -n 1)
n1=$(wtmp_of | wc -l)
last=$(lastlog -u wta 2>&1 | tail -n 1)
last_t=$(date -d "$(awk '{ $1 = $2 = $3 = ""; print }' <<<"$last")" +%s 2>/dev/null)
check "her pty login (on $tty inside) is in the host's wtmp and lastlog, with that tty's name" \
	bash -c '[ "$1" -eq $(($2 + 1)) ] && [[ $3 == *"[${4#/dev/}"* && $3 == *"[127.0.0.1"* ]] &&
		[[ $5 == "wta "*" ${4#/dev/} "*127.0.0.1* ]] && [ "${6:-0}" -ge "$7" ]' - \
	"$n1" "$n0" "$rec" "$tty" "$last" "$last_t" "$t0" || diag "wtmp: $rec" "lastlog: $last"
if [ -e /var/run/utmp ]; then
	hold pty wta -tt -- 'echo up; head -n 1 >/dev/null'
	for ((i = 0; i < 80; i++)); do grep -q up "$T/pty.out" && break; sleep 0.25; done
	check "while it lasts, her pty login is in her container's utmp, not the host's" \
		bash -c 'who /run/warren/users/wta/utmp | grep -q "^wta " && ! who | grep -q "^wta "'
	release pty
else
	skip_host "her pty login is in her container's utmp, not the host's" "no /var/run/utmp (sshd records no login there)"
fi

# --- an empty jail_groups -----------------------------------------------------------

write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/; s/^jail_groups = .*/jail_groups = [ ];/')"
out=$(tssh wtb -- hostname 2>&1)
check "an empty jail_groups jails nobody: wtb (in $JAIL_GROUP) lands on the host ($out), no container made" \
	bash -c '[ "$1" = "$2" ] && [ -z "$3" ] && [ ! -e "$4" ]' - "$out" "$HOST_NAME" \
	"$(container_leftovers wtb)" "$STATE/users/wtb"
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')"

# --- logins of different users do not serialize ----------------------------------------

# While wta's lock is held (as by a long build of hers: warren-helper(8), FILES), her next
# login waits for it, and wtb's first one lands all the same.
helper_stop wta >/dev/null 2>&1
lockf=/run/warren/locks/wta
[ -e "$lockf" ] || install -m 0600 /dev/null "$lockf"
exec {lk}<>"$lockf"
flock -x "$lk"
hold waiting wta -- 'hostname; head -n 1 >/dev/null'
t0=$SECONDS
out=$(tssh wtb -- hostname 2>&1)
# Hers still waits 3 s later, well past what wtb's first login took: it waits for her lock.
for ((i = 0; i < 12; i++)); do [ -s "$T/waiting.out" ] && break; sleep 0.25; done
check "wtb's first login lands ($out, in $((SECONDS - t0)) s) while wta's lock is held; wta's waits for it, 3 s on" \
	bash -c '[ "$1" = wtb ] && [ ! -s "$2" ] && kill -0 "$3"' - "$out" "$T/waiting.out" "${HELD[waiting]}" ||
	diag_file "$T/waiting.out"
flock -u "$lk"
exec {lk}<&-
for ((i = 0; i < 120; i++)); do grep -qx wta "$T/waiting.out" && break; sleep 0.25; done
check "once her lock is free, wta's login lands" grep -qx wta "$T/waiting.out"
release waiting

# --- warrenctl top --memory -----------------------------------------------------------

# wta holds 48 MB and stays idle; wtb burns a core with next to no memory.
hold mem wta -- 'perl -e '\''$| = 1; $x = "a" x 48_000_000; print "ready\n"; <STDIN>'\'''
hold burn wtb -- 'timeout 120 sh -c "while :; do :; done" & echo ready; head -n 1 >/dev/null; kill $!'
for ((i = 0; i < 120; i++)); do
	grep -q ready "$T/mem.out" && grep -q ready "$T/burn.out" && break
	sleep 0.25
done
by_mem=$("$REPO/warrenctl" top --once --memory --config "$CONF" 2>&1)
by_cpu=$("$REPO/warrenctl" top --once --config "$CONF" 2>&1)
check "warrenctl top --once --memory: wta (48 MB) first, before wtb" \
	bash -c 'awk "NR == 2 { print \$1 }" <<<"$1" | grep -qx wta && grep -q "^wtb " <<<"$1"' - "$by_mem" ||
	diag "$by_mem"
check "and by CPU (no --memory) wtb, burning a core, first" \
	bash -c 'awk "NR == 2 { print \$1 }" <<<"$1" | grep -qx wtb' - "$by_cpu" || diag "$by_cpu"
release mem
release burn
helper_stop wta >/dev/null 2>&1
helper_stop wtb >/dev/null 2>&1

# --- a seccomp profile file changed while her container runs ------------------------

profile=$T/wtb.seccomp
printf '# wtb: no uname\nuname\n' >"$profile"
chmod 0644 "$profile"
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')
users = ( { name = \"wtb\"; seccomp = \"$profile\"; } );"
out1=$(tssh wtb -- 'uname -s 2>&1' 2>&1)
before=$(init_identity wtb)
printf '# wtb: no personality\npersonality\n' >"$profile"
out2=$(tssh wtb -- 'uname -s 2>&1; perl -e '\''print syscall(135, 0xffffffff) < 0 ? "$!\n" : "allowed\n"'\' 2>&1)
check "a changed profile file applies to her next login's session in the running container (uname: \"$out1\", then \"$(head -n 1 <<<"$out2")\")" \
	bash -c 'grep -q "Operation not permitted" <<<"$1" && [ "$2" = "Linux
Operation not permitted" ] && [ -n "$3" ] && [ "$3" = "$4" ]' - "$out1" "$out2" "$before" "$(init_identity wtb)" ||
	diag "$out2"
helper_stop wtb >/dev/null 2>&1
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')"

# --- fanotify held to inotify's numbers --------------------------------------------------

write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')
users = ( { name = \"wtb\"; inotify_instances = 3; inotify_watches = 5; } );"
# fanotify_init (x86_64: 300) with FAN_REPORT_FID, as a user may; fanotify_mark (301)
# FAN_MODIFY on files of her own.
out=$(tssh wtb -- 'cat /proc/sys/user/max_fanotify_groups /proc/sys/user/max_fanotify_marks | tr "\n" " "; echo
	perl -e '\''my (@g, $m); for (1 .. 8) { my $fd = syscall(300, 0x200, 0); if ($fd < 0) { print "groups=", scalar @g, " ($!)\n"; last } push @g, $fd }
	for my $i (1 .. 10) { open(F, ">", "/tmp/fa$i") or die; close F;
		if (syscall(301, $g[0], 1, 0x2, -100, "/tmp/fa$i") < 0) { print "marks=$m ($!)\n"; last } $m++ }'\' 2>&1)
check "fanotify: her container holds max_fanotify_groups and max_fanotify_marks at inotify_instances (3) and inotify_watches (5): a fourth group and a sixth mark are refused" \
	bash -c '[ "$(sed -n 1p <<<"$1")" = "3 5 " ] && grep -q "^groups=3 (" <<<"$1" && grep -q "^marks=5 (" <<<"$1"' - "$out" ||
	diag "$out"
helper_stop wtb >/dev/null 2>&1
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/')"

# --- network = "nat" ----------------------------------------------------------------

# The outside: upstream, 10.99.0.2, behind the test netns's 10.99.0.1, routing the
# containers' subnet to it (as a neighbour on the host's network could).
if ! { ip netns add "$UP" && ip -n "$UP" link set lo up &&
	ip link add wtup0 netns "$NS" type veth peer name eth0 netns "$UP" &&
	ip -n "$NS" addr add 10.99.0.1/24 dev wtup0 && ip -n "$NS" link set wtup0 up &&
	ip -n "$UP" addr add 10.99.0.2/24 dev eth0 && ip -n "$UP" link set eth0 up &&
	ip -n "$UP" route add 10.213.0.0/16 via 10.99.0.1; }; then
	diag "cannot build the upstream netns"
fi
# The host's resolv.conf, as sshd (and the helper it runs) see it: a loopback resolver,
# and one on an address of the host itself.
printf 'search warren-test.example\nnameserver 127.0.0.1\nnameserver 10.99.0.1\n' >"$T/resolv.conf"
nsenter --mount="/proc/$SSHD_PID/ns/mnt" mount --bind "$T/resolv.conf" /etc/resolv.conf ||
	diag "cannot bind the test resolv.conf in sshd's mount namespace"
write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/; s/network = "none";/network = "nat";/')
bridge = { ipv6 = false; };"

forward_on() { [ "$1" = 1 ] || { echo "ip_forward is $1"; return 1; }; wait_log "turned on net.ipv4.ip_forward"; }
fwd_before=$(in_ns cat /proc/sys/net/ipv4/ip_forward)
log_mark
out=$(tssh wta -- 'cat /etc/resolv.conf' 2>&1)
fwd_after=$(in_ns cat /proc/sys/net/ipv4/ip_forward)
if [ "$fwd_before" = 0 ]; then
	check "the first nat container turns on ip_forward ($fwd_before -> $fwd_after) and logs it" \
		forward_on "$fwd_after"
else
	skip "the first nat container turns on ip_forward and logs it" "the test netns starts with it on"
fi
check "the log says where her nameservers came from: the host's /etc/resolv.conf" \
	wait_log "nameservers of the container of wta: from the host's /etc/resolv.conf"
check "her /etc/resolv.conf: the host's search, its own address reached at the gateway, no loopback one" \
	test "$out" = "search warren-test.example
nameserver 10.213.0.1"

init_of() { cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null; }
a=$(nsenter --net="/proc/$(init_of wta)/ns/net" ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }')
# The host's resolver on the gateway address, UDP and TCP, and another service beside it.
for p in 53 54; do
	in_ns perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "10.213.0.1:$ARGV[0]",
		Listen => 5, ReuseAddr => 1) or die "$!"; while ($c = $s->accept) { print $c "tcp-$ARGV[0]\n"; close $c }' "$p" &
	LISTENERS+=($!)
done
in_ns perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "10.213.0.1:53", Proto => "udp")
	or die "$!"; while (defined $s->recv($m, 512)) { $s->send("dns-udp\n") }' &
LISTENERS+=($!)
for ((i = 0; i < 120; i++)); do
	in_ns bash -c 'exec 3<>/dev/tcp/10.213.0.1/53 && exec 4<>/dev/tcp/10.213.0.1/54' 2>/dev/null && break
	sleep 0.25
done
out=$(tssh wta -- 'for i in 1 2 3; do r=$(timeout 2 bash -c "exec 3<>/dev/udp/10.213.0.1/53; echo q >&3; head -n 1 <&3" 2>/dev/null) && break; done
	echo "udp=$r tcp=$(timeout 3 bash -c "exec 3<>/dev/tcp/10.213.0.1/53 && head -n 1 <&3" 2>/dev/null)"
	echo "other=$(timeout 3 bash -c "exec 3<>/dev/tcp/10.213.0.1/54 && head -n 1 <&3" 2>/dev/null)"' 2>&1)
check "DNS on the gateway reaches the host's resolver, UDP and TCP (while port 54 there does not)" \
	test "$out" = "udp=dns-udp tcp=tcp-53
other="

# Nothing from outside opens a connection to a container: wta's listener answers inside
# and from the host itself, not from upstream.
hold serve wta -- 'perl -MIO::Socket::INET -e '\''$s = IO::Socket::INET->new(LocalAddr =>
	"0.0.0.0:8002", Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) {
	print $c "wta\n"; close $c }'\'' & head -n 1 >/dev/null; kill $!'
got=
for ((i = 0; i < 120; i++)); do
	got=$(in_ns timeout 3 bash -c "exec 3<>/dev/tcp/$a/8002 && head -n 1 <&3" 2>/dev/null) && break
	sleep 0.25
done
check "wta's listener on $a:8002 answers the host" test "$got" = wta
# The route from upstream works: the host's service on 10.213.0.1:54 answers there.
out=$(nsenter --net="/run/netns/$UP" timeout 3 bash -c "exec 3<>/dev/tcp/10.213.0.1/54 && head -n 1 <&3" 2>&1
	echo @@
	nsenter --net="/run/netns/$UP" timeout 3 bash -c "echo probing; exec 3<>/dev/tcp/$a/8002 && head -n 1 <&3" 2>&1)
check "nothing from outside opens a connection to it (upstream, whose route reaches the host at 10.213.0.1: $(tr '\n' ' ' <<<"$out"))" \
	test "$(section "$out" 1)@$(section "$out" 2)" = "tcp-54@probing"
release serve

# bridge.ipv6 = false, no IPv6: raw frames from wta's port (her own MAC, to the bridge's),
# an IPv6 one (from the address her slot has with IPv6 on, to the gateway's: 98-ipv6.sh)
# and one of another type, then an IPv4 one from her own address: a tap on the bridge
# sees the last only (one path keeps the order: the IPv4 frame came after the others).
marker=warren-probe-$$
br_idx=$(ip -n "$NS" -o link show warren0 | cut -d: -f1)
br_mac=$(ip -n "$NS" -o link show warren0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
c_idx=$(nsenter --net="/proc/$(init_of wta)/ns/net" ip -o link show eth0 | cut -d: -f1)
c_mac=$(nsenter --net="/proc/$(init_of wta)/ns/net" ip -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
in_ns perl -e 'use Socket; $| = 1; my ($idx, $marker) = @ARGV;
	socket(my $s, 17, SOCK_RAW, 0x0300) or die "socket: $!";
	bind($s, pack("S n i S C C a8", 17, 0x0003, $idx, 0, 0, 0, "")) or die "bind: $!";
	print "ready\n"; $SIG{ALRM} = sub { exit 0 }; alarm 20;
	while (defined recv($s, my $f, 2048, 0)) {
		next if index($f, $marker) < 0;
		printf "%04x\n", unpack("n", substr($f, 12, 2));
		exit 0 if substr($f, 12, 2) eq "\x08\x00";
	}' "${br_idx:-0}" "$marker" >"$T/tap.out" 2>&1 &
tap=$!
for ((i = 0; i < 80; i++)); do grep -q ready "$T/tap.out" && break; sleep 0.25; done
a6=$(IFS=. read -r _ _ o3 o4 <<<"$a"; printf 'fd77617272656e00000000000000%04x' $((o3 * 256 + o4)))
nsenter --net="/proc/$(init_of wta)/ns/net" perl -e 'use Socket; my ($idx, $src, $dst, $sip, $marker, $sip6) = @ARGV;
	my ($s_mac, $d_mac) = map { pack("H12", join("", split(/:/, $_))) } $src, $dst;
	socket(my $s, 17, SOCK_RAW, 0) or die "socket: $!";
	my $frame = sub { my ($type, $payload) = @_; my $f = $d_mac . $s_mac . pack("n", $type) . $payload;
		$f .= "\0" x (60 - length $f) if length $f < 60;
		send($s, $f, 0, pack("S n i S C C a8", 17, $type, $idx, 0, 0, 6, $d_mac)) or die "send: $!" };
	# IPv6: no next header, from her slot'"'"'s address to the gateway'"'"'s (bridge.subnet6'"'"'s default)
	$frame->(0x86dd, pack("N n C C", 0x60000000, length $marker, 59, 255) . pack("H32", $sip6) .
		pack("H32", "fd77617272656e000000000000000001") . $marker);
	$frame->(0x88b5, $marker);
	# IPv4, protocol 253 (for experiments), to the gateway, with its header checksum
	my $h = pack("C C n n n C C n a4 a4", 0x45, 0, 20 + length $marker, 0, 0, 64, 253, 0,
		inet_aton($sip), inet_aton("10.213.0.1"));
	my $sum = 0; $sum += $_ for unpack("n*", $h); $sum = ($sum & 0xffff) + ($sum >> 16) while $sum >> 16;
	substr($h, 10, 2) = pack("n", ~$sum & 0xffff);
	$frame->(0x0800, $h . $marker);' "${c_idx:-0}" "$c_mac" "$br_mac" "$a" "$marker" "$a6" >"$T/send.out" 2>&1 ||
	diag "$(cat "$T/send.out")"
wait "$tap"
seen=$(grep -v ready "$T/tap.out" | tr '\n' ' ')
check "bridge.ipv6 = false, no IPv6 inside: of the IPv6 (from $a6), 0x88b5 and IPv4 frames from wta's port the bridge sees the IPv4 one only ($seen)" \
	test "$seen" = "0800 "
helper_stop wta >/dev/null 2>&1

# --- warrenctl log: hers only, in UTC; root's record; read under a broken config --------

log_wta=$("$REPO/warrenctl" log wta --config "$CONF" 2>/dev/null)
log_all=$("$REPO/warrenctl" log --config "$CONF" 2>/dev/null)
last_t=$(date -u -d "$(tail -n 1 <<<"$log_wta" | cut -d" " -f1)" +%s 2>/dev/null)
check "warrenctl log wta: hers only (log without USER has wtb's too), each line TIME (UTC) USER EVENT DETAIL" \
	bash -c '[ -n "$1" ] && ! grep -Evq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z wta (started|joined|stopped|refused|reset|bind-skipped)( |$)" <<<"$1" &&
		grep -q "^[^ ]* wtb " <<<"$2" && [ $(($(date +%s) - ${3:-0})) -lt 600 ]' - "$log_wta" "$log_all" "$last_t" ||
	diag "$log_wta"
check "the record, state_dir/events.log, is root's, 0600" test "$(stat -c '%u %a' "$STATE/events.log")" = "0 600"
# The last 100: 130 events of one more user in the record (under its lock, as the helper
# appends), then hers are the 31st to the 130th, oldest first.
flock "$STATE/events.log" bash -c 'for i in $(seq 1 130); do
	printf "2026-01-01T%02d:%02d:00Z wtzz started container %d\n" $((i / 60)) $((i % 60)) "$i"; done >>"$1"' - "$STATE/events.log"
out=$("$REPO/warrenctl" log wtzz --config "$CONF" 2>&1)
check "warrenctl log USER shows her last 100 events, oldest first ($(wc -l <<<"$out") lines, $(head -n 1 <<<"$out" | cut -d" " -f5) to $(tail -n 1 <<<"$out" | cut -d" " -f5))" \
	test "$(wc -l <<<"$out") $(head -n 1 <<<"$out" | cut -d" " -f5) $(tail -n 1 <<<"$out" | cut -d" " -f5)" = "100 31 130"
write_config 'jail_groups = [ "wtjail" ' # broken: the last good copy names the state_dir
out=$("$REPO/warrenctl" log wta --config "$CONF" 2>/dev/null)
rc=$?
check "with the config broken, warrenctl log reads the record of its last good copy's state_dir (exit $rc)" \
	bash -c '[ "$1" -eq 0 ] && [ -n "$2" ] && grep -qxF -- "$2" <<<"$3"' - "$rc" "$(tail -n 1 <<<"$log_wta")" "$out" ||
	diag "$out"
write_config "$(default_config)"
cleanup_89
fixture_finish
