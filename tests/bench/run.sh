#!/bin/bash
# tests/bench/run.sh BENCH-BUILD - `make bench`: warren's costs on this machine, measured.
#   1. login path: pam_warren's setcred + open_session + the post-auth child's join,
#      through the real module (pamdrive), cold and warm; cold broken down by step with
#      the bench build's timers (BENCH-BUILD: the tree built with -DWARREN_BENCH)
#   2. end to end: ssh USER@127.0.0.1 true through a real sshd, jailed vs not, interleaved
#   3. scale: 100, 500, 1000 idle containers with network: time, memory (and where it
#      goes: /proc/meminfo fields, the slab caches that grew most), stop
#   4. storm: 50 simultaneous logins of 50 users, and of one user
#   5. peers (Debian's packages) and a kernel floor, to /bin/true on the same image
#   6. binds: cold logins with none and with BENCH_BINDS (16) binds, and their steps
#   7. fleet: cold logins with her disk image on this host and on a fleet's store with her
#      lease in a real etcd on loopback, over http and over TLS with a client certificate
#      (issue 19: the lease's cost), and warm ones
#   8. v2: a pure cgroup v2 host (the cgroup v2 lane's guest): cold starts step by step,
#      and a move into a cgroup, without and with cgroup2's favordynmods
# Everything that makes users, containers or an sshd happens inside the end-to-end lock
# (/run/lock/warren-e2e.lock) and a netns of its own, through tests/lib/fixture.sh; all
# of it is removed at the end, on failure or Ctrl-C too.  Raw data: bench-results/.
# Knobs (smaller runs): BENCH_RUNS (50) BENCH_PAIRS (30) BENCH_SCALE ("100 500 1000")
# BENCH_STORM (50) BENCH_PEER_RUNS (30) BENCH_BINDS (16) BENCH_IDLE_S (10)
# BENCH_PARTS ("login e2e storm scale peers binds fleet v2").
# shellcheck disable=SC2034
set -u
cd "$(dirname "$0")/../.." || exit 1
BB=$(cd "${1:?usage: run.sh BENCH-BUILD-DIR}" && pwd)
. tests/lib/fixture.sh
. tests/lib/etcd.sh

RUNS=${BENCH_RUNS:-50}
PAIRS=${BENCH_PAIRS:-30}
SCALE=${BENCH_SCALE:-100 500 1000}
STORM=${BENCH_STORM:-50}
PEER_RUNS=${BENCH_PEER_RUNS:-30}
PARTS=${BENCH_PARTS:-login e2e storm scale peers binds fleet v2}
NBINDS=${BENCH_BINDS:-16}
IDLE_S=${BENCH_IDLE_S:-10}
# Users wb0001...: as many as the parts that run need (making 1000 takes minutes).
NMAX=0
case " $PARTS " in *" scale "*) for n in $SCALE; do ((n > NMAX)) && NMAX=$n; done ;; esac
case " $PARTS " in *" storm "*) ((STORM > NMAX)) && NMAX=$STORM ;; esac

# The fixture, with the bench's own names: users wbj (jailed), wbn (not jailed), wbf
# (jailed, her data on the fleet's store) and wb0001... (storm, scale), group wbjail,
# netns, PAM service and port of its own.
TEST_USERS=(wbj wbn wbf)
for ((i = 1; i <= NMAX; i++)); do TEST_USERS+=("$(printf 'wb%04d' "$i")"); done
JAIL_GROUP=wbjail
EXTRA_GROUPS=()
NS=warren-bench-$$
SVC=sshd-warren-bench-$$
PAMFILE=/etc/pam.d/$SVC
PORT=$((23000 + $$ % 1000))
FIXTURE_SSHD_EXTRA="MaxStartups 200
MaxSessions 200"
R=$REPO/bench-results
MARKS=/run/warren-bench.steps # benchmark.h's WARREN_BENCH_LOG
BENCH_LOCK_FD=
PDSVC=warren-bench
CRUN_ID=warren-bench-$$

say() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
# in sshd's netns and mount namespace: the view of the helper that sshd runs, and the
# fixture's syslog sink as /dev/log.
in_sshd() { nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" "$@"; }
put() { printf '%s=%s\n' "$1" "$2" >>"$R/results"; } # put KEY VALUE: a figure for the report

bench_cleanup() {
	local left
	trap - EXIT
	say "cleaning up"
	peers_cleanup
	etcd_ns_stop
	if [ -n "$T" ]; then
		left=$(fixture_teardown 2>&1)
		[ -n "$left" ] && { say "teardown reports:"; echo "$left" >&2; }
	fi
	rm -f "$MARKS"
	[ -n "$BENCH_LOCK_FD" ] && exec {BENCH_LOCK_FD}<&-
}

# --- the helpers' tools --------------------------------------------------------------

build_tools() {
	cc -O2 -Wall -Wextra -Werror -o "$R/pamdrive" tests/bench/pamdrive.c -lpam &&
		cc -O2 -Wall -Wextra -Werror -o "$R/timeit" tests/bench/timeit.c &&
		cc -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$R/floor" tests/bench/floor.c
}

# pam_conf DIR HELPER MODULE: a PAM service of pam_warren's two lines only, for pamdrive.
pam_conf() {
	mkdir -p "$1"
	printf 'auth optional %s config=%s helper=%s\nsession required %s config=%s helper=%s\n' \
		"$3" "$CONF" "$2" "$3" "$CONF" "$2" >"$1/$PDSVC"
}

# pamdrive TAG USER N [cold]: N logins through pam_warren; lines "I OPEN JOIN TOTAL" (us).
pamdrive() {
	local dir=$R/pam-$1 helper=$HELPER
	[ "$1" = bench ] && helper=$BB/warren-helper
	if [ "${4:-}" = cold ]; then
		in_sshd "$R/pamdrive" "$PDSVC" "$dir" "$2" "$3" "$helper" --config "$CONF" stop "$2"
	else
		in_sshd "$R/pamdrive" "$PDSVC" "$dir" "$2" "$3"
	fi
}

stat_put() { # stat_put KEY FILE COLUMN [DIVISOR]: KEY_med, KEY_p95, KEY_n
	local s med p95 mean min max n
	s=$(perl tests/bench/stats.pl "$3" "${4:-1000}" <"$2")
	read -r med p95 mean min max n <<<"$s"
	put "${1}_med" "$med"
	put "${1}_p95" "$p95"
	put "${1}_mean" "$mean"
	put "${1}_n" "$n"
}

ssh_argv() { # ssh_argv USER: the command line of one ssh login running true
	SSH_ARGV=(nsenter --net="/run/netns/$NS" timeout 60 ssh "${SSH_COMMON[@]}"
		-o UserKnownHostsFile="$T/known_hosts" -i "$T/keys/$1" -p "$PORT" "$1@127.0.0.1" true)
}

# --- 1. the login path ---------------------------------------------------------------

part_login() {
	say "login path: $RUNS cold and $RUNS warm logins through pam_warren (production build)"
	pam_conf "$R/pam-prod" "$HELPER" "$MODULE"
	pam_conf "$R/pam-bench" "$BB/warren-helper" "$BB/pam_warren.so"
	# wbj's first login makes her 10G disk image (mkfs): once per user, not timed here
	pamdrive prod wbj 1 >/dev/null || { say "first login failed"; tail -n 8 "$T/syslog" >&2; return 1; }
	helper_stop wbj >/dev/null 2>&1
	pamdrive prod wbj "$RUNS" cold >"$R/login-cold.txt" || { say "cold logins failed"; tail -n 8 "$T/syslog" >&2; return 1; }
	pamdrive prod wbj "$RUNS" >"$R/login-warm.txt" || { say "warm logins failed"; return 1; }
	stat_put login_cold "$R/login-cold.txt" 4
	stat_put login_cold_open "$R/login-cold.txt" 2
	stat_put login_cold_join "$R/login-cold.txt" 3
	stat_put login_warm "$R/login-warm.txt" 4
	stat_put login_warm_open "$R/login-warm.txt" 2
	stat_put login_warm_join "$R/login-warm.txt" 3
	say "login path: the same with the bench build's step timers"
	install -m 0644 /dev/null "$MARKS"
	WARREN_BENCH_LOG=$MARKS pamdrive bench wbj "$RUNS" cold >"$R/steps-cold.txt" &&
		perl tests/bench/steps.pl "$MARKS" >"$R/steps-cold.tab"
	: >"$MARKS"
	WARREN_BENCH_LOG=$MARKS pamdrive bench wbj "$RUNS" >"$R/steps-warm.txt" &&
		perl tests/bench/steps.pl "$MARKS" >"$R/steps-warm.tab"
	rm -f "$MARKS"
	say "login path: strace -c -f of 10 warm logins, strace -f -T of one cold and one warm"
	strace_helper
	helper_stop wbj >/dev/null 2>&1
}

strace_helper() {
	command -v strace >/dev/null || return 0
	local i
	for ((i = 0; i < 10; i++)); do
		in_sshd strace -c -f -o "$R/strace-warm.$i" "$R/pamdrive" "$PDSVC" "$R/pam-prod" wbj 1 >/dev/null
	done
	# and one of each, every call with its time (-T), for reading.  A cold login's
	# builder becomes the supervisor, which stays: strace -f would wait for it, so it
	# is killed once the login is long done (the kernel detaches the tracees).
	in_sshd "$HELPER" --config "$CONF" stop wbj >/dev/null 2>&1
	in_sshd timeout -s KILL 3 strace -f -tt -T -o "$R/strace-cold-calls.txt" "$R/pamdrive" "$PDSVC" \
		"$R/pam-prod" wbj 1 >/dev/null 2>&1
	in_sshd strace -f -tt -T -o "$R/strace-warm-calls.txt" "$R/pamdrive" "$PDSVC" "$R/pam-prod" wbj 1 >/dev/null
	# the 10 summaries added up, by syscall: "CALLS SECONDS NAME"
	for k in warm; do
		cat "$R"/strace-$k.[0-9] | perl -ne 'if (/^\s*[\d.]+\s+([\d.]+)\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/) {
			$s{$3} += $1; $c{$3} += $2 } END { printf "%d %.4f %s\n", $c{$_}, $s{$_}, $_
			for (sort { $s{$b} <=> $s{$a} } keys %s)[0 .. 11] }' >"$R/strace-$k.txt"
		rm -f "$R"/strace-$k.[0-9]
	done
}

# --- 2. end to end through sshd ------------------------------------------------------

part_e2e() {
	local a b i
	say "end to end: $PAIRS interleaved pairs, warm (ssh wbj true, ssh wbn true)"
	tssh wbj -- true && tssh wbn -- true || { say "first logins failed"; return 1; }
	ssh_argv wbj
	a=("${SSH_ARGV[@]}")
	ssh_argv wbn
	b=("${SSH_ARGV[@]}")
	"$R/timeit" "$PAIRS" "${a[@]}" --- "${b[@]}" >"$R/e2e-warm.txt"
	say "end to end: $PAIRS interleaved pairs, cold (wbj's container stopped before each)"
	: >"$R/e2e-cold.txt"
	for ((i = 0; i < PAIRS; i++)); do
		helper_stop wbj >/dev/null 2>&1
		"$R/timeit" 1 "${a[@]}" --- "${b[@]}" >>"$R/e2e-cold.txt"
	done
	for k in warm cold; do
		grep '^A .* 0$' "$R/e2e-$k.txt" >"$R/e2e-$k-jailed.txt"
		grep '^B .* 0$' "$R/e2e-$k.txt" >"$R/e2e-$k-plain.txt"
		stat_put "e2e_${k}_jailed" "$R/e2e-$k-jailed.txt" 2
		stat_put "e2e_${k}_plain" "$R/e2e-$k-plain.txt" 2
		put "e2e_${k}_failed" "$(grep -vc ' 0$' "$R/e2e-$k.txt")"
		# per pair: jailed - plain (ms), and jailed / plain
		paste -d' ' "$R/e2e-$k-jailed.txt" "$R/e2e-$k-plain.txt" |
			awk '{ print $2 - $5, $2 / $5 }' >"$R/e2e-$k-pairs.txt"
		stat_put "e2e_${k}_diff" "$R/e2e-$k-pairs.txt" 1
		stat_put "e2e_${k}_ratio" "$R/e2e-$k-pairs.txt" 2 1
	done
	helper_stop wbj >/dev/null 2>&1
}

# --- 4. storm ------------------------------------------------------------------------

# storm TAG USER...: one ssh login per argument, all at once; "us exit" per login.
storm() {
	local tag=$1 u i=0 t0 t1 pids=()
	shift
	rm -rf "$R/storm-$tag.d" && mkdir "$R/storm-$tag.d"
	t0=$(date +%s%N)
	for u in "$@"; do
		ssh_argv "$u"
		"$R/timeit" 1 "${SSH_ARGV[@]}" >"$R/storm-$tag.d/$i" 2>/dev/null &
		pids+=($!)
		i=$((i + 1))
	done
	wait "${pids[@]}" # not a bare wait: the fixture's sshd is a child of this shell too
	t1=$(date +%s%N)
	cat "$R/storm-$tag.d"/* | awk '{ print $2, $3 }' >"$R/storm-$tag.txt"
	rm -rf "$R/storm-$tag.d"
	put "storm_${tag}_ok" "$(grep -c ' 0$' "$R/storm-$tag.txt")"
	put "storm_${tag}_total" "$#"
	put "storm_${tag}_wall" "$(((t1 - t0) / 1000000))"
	grep ' 0$' "$R/storm-$tag.txt" >"$R/storm-$tag-ok.txt"
	stat_put "storm_$tag" "$R/storm-$tag-ok.txt" 1
}

part_storm() {
	local users=() i u
	for ((i = 1; i <= STORM; i++)); do users+=("$(printf 'wb%04d' "$i")"); done
	say "storm: $STORM logins at once of $STORM users (cold), of wbj (cold), of wbn (not jailed)"
	# Their first logins: 50 disk images of 10G would not fit this host's disk
	write_config "$(bench_config | sed 's/network = "nat";/network = "nat"; disk = "max";/')"
	for u in "${users[@]}"; do # host keys known, so no first-login difference
		ssh-keygen -F "[127.0.0.1]:$PORT" -f "$T/known_hosts" >/dev/null 2>&1 && break
		tssh wbn -- true
	done
	storm users "${users[@]}"
	helper_stop wbj >/dev/null 2>&1
	users=()
	for ((i = 1; i <= STORM; i++)); do users+=(wbj); done
	storm one "${users[@]}"
	users=()
	for ((i = 1; i <= STORM; i++)); do users+=(wbn); done
	storm plain "${users[@]}"
	say "storm: stopping the storm's containers"
	for ((i = 1; i <= STORM; i++)); do printf 'wb%04d\n' "$i"; done | xargs -P 4 -I{} \
		nsenter --net="/run/netns/$NS" "$HELPER" --config "$CONF" stop {} >/dev/null 2>&1
	helper_stop wbj >/dev/null 2>&1
	write_config "$(bench_config)"
	[ "$(grep -c ' 0$' "$R/storm-users.txt")" -eq "$STORM" ] || tail -n 30 "$T/syslog" >"$R/storm-users.syslog"
}

# --- 3. scale ------------------------------------------------------------------------

mem_available_kib() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }

# Where the host memory goes: these /proc/meminfo fields, before the first container and
# at each step, per container (KiB).
MEMINFO_FIELDS="AnonPages Cached SReclaimable SUnreclaim KernelStack PageTables Percpu VmallocUsed"
meminfo_kib() { awk -v f="$1" '$1 == f ":" { print $2 }' /proc/meminfo; }
meminfo_save() {
	local f
	for f in $MEMINFO_FIELDS; do put "scale_mi0_$f" "$(meminfo_kib "$f")"; done
	cp /proc/slabinfo "$R/slabinfo-0" 2>/dev/null
}
# slab_growth N: the kernel caches that grew most since before the first container, KiB
# per container (slab pages: num_slabs * pages per slab), into $R/slab-N.txt.
slab_growth() {
	[ -r "$R/slabinfo-0" ] || return 0
	awk -v n="$1" -v page="$(getconf PAGESIZE)" 'FNR > 2 {
		kib = $15 * $6 * page / 1024
		if (FNR == NR) { before[$1] = kib; next }
		grow = (kib - before[$1]) / n
		if (grow >= 1) printf "%s %.1f\n", $1, grow
	}' "$R/slabinfo-0" /proc/slabinfo | sort -k2 -rn | head -n 15 >"$R/slab-$1.txt"
}
meminfo_put() { # meminfo_put N
	local f v0
	for f in $MEMINFO_FIELDS; do
		v0=$(sed -n "s/^scale_mi0_$f=//p" "$R/results")
		put "scale_${1}_mi_$f" "$((($(meminfo_kib "$f") - v0) / $1))"
	done
}

# scale_memory N: what the N running containers of wb0001..wbN hold, per container.
scale_memory() {
	local n=$1 u i init sup rss=0 pss=0 cgu=0 cnt=0 st
	for ((i = 1; i <= n; i++)); do
		u=$(printf 'wb%04d' "$i")
		st=$(cat "/run/warren/users/$u/state" 2>/dev/null) || continue
		read -r init sup _ <<<"$st"
		[ -e "/proc/$init" ] || continue
		cnt=$((cnt + 1))
		for p in "$init" "$sup"; do
			rss=$((rss + $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
			pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
		done
		for f in /sys/fs/cgroup/memory/warren/"$u"/memory.usage_in_bytes /sys/fs/cgroup/warren/"$u"/memory.current; do
			[ -r "$f" ] && cgu=$((cgu + $(cat "$f") / 1024)) && break
		done
	done
	put "scale_${n}_running" "$cnt"
	((cnt > 0)) || return 0
	put "scale_${n}_rss_kib" "$((rss / cnt))"
	put "scale_${n}_pss_kib" "$((pss / cnt))"
	put "scale_${n}_cgroup_kib" "$((cgu / cnt))"
}

# busy_put KEY: how much of one CPU the machine spent not idle over IDLE_S seconds (a
# window to measure, nothing waited for), from /proc/stat, in per cent: what the idle
# containers cost while nothing else runs (their supervisors' ticks, above all).
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
busy_put() {
	local a b
	a=$(busy_jiffies)
	sleep "$IDLE_S"
	b=$(busy_jiffies)
	put "$1" "$(awk -v d=$((b - a)) -v s="$IDLE_S" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.2f", 100 * d / (s * hz) }')"
}

# scale_ctl N: what an admin waits for with N running: warrenctl ls (5 runs) and gc with
# nothing to collect (3 runs), each in sshd's view (the ports are in its netns).
scale_ctl() {
	local i t0
	for ((i = 0; i < 5; i++)); do
		t0=$(date +%s%N)
		in_sshd "$REPO/warrenctl" ls --config "$CONF" >"$R/scale-$1-ls.out" 2>&1 || echo failed
		echo $((($(date +%s%N) - t0) / 1000))
	done >"$R/scale-$1-ls.us"
	for ((i = 0; i < 3; i++)); do
		t0=$(date +%s%N)
		in_sshd "$REPO/warrenctl" gc --config "$CONF" >"$R/scale-$1-gc.out" 2>&1 || echo failed
		echo $((($(date +%s%N) - t0) / 1000))
	done >"$R/scale-$1-gc.us"
	stat_put "scale_${1}_ls" "$R/scale-$1-ls.us" 1
	stat_put "scale_${1}_gc" "$R/scale-$1-gc.us" 1
	put "scale_${1}_ls_rows" "$(($(wc -l <"$R/scale-$1-ls.out") - 1))"
	put "scale_${1}_ctl_failed" "$(grep -c failed "$R/scale-$1-ls.us" "$R/scale-$1-gc.us" | awk -F: '{ n += $2 } END { print n }')"
}

part_scale() {
	local from=1 n t0 t1 m0 m1 fails users u
	say "scale: idle containers with network (nat), no disk image (disk = \"max\"): $SCALE"
	pam_conf "$R/pam-bench" "$BB/warren-helper" "$BB/pam_warren.so" # (BENCH_PARTS=scale alone)
	write_config "image = \"$IMAGE\";
state_dir = \"$STATE\";
jail_groups = [ \"$JAIL_GROUP\" ];
exempt_users = [ \"root\" ];
defaults = { idle_timeout = 7200; disk = \"max\"; network = \"nat\"; };"
	sync
	echo 1 >/proc/sys/vm/drop_caches 2>/dev/null # page cache: comparable MemAvailable readings
	m0=$(mem_available_kib)
	put scale_mem0_kib "$m0"
	meminfo_save
	busy_put scale_0_busy
	for n in $SCALE; do
		users=$R/scale-users
		for ((i = from; i <= n; i++)); do printf 'wb%04d\n' "$i"; done >"$users"
		install -m 0644 /dev/null "$MARKS"
		t0=$(date +%s%N)
		in_sshd env PAMDRIVE_PAUSE_MS=0 WARREN_BENCH_LOG="$MARKS" xargs -I{} "$R/pamdrive" "$PDSVC" \
			"$R/pam-bench" {} 1 <"$users" >"$R/scale-$n.txt" 2>"$R/scale-$n.err"
		t1=$(date +%s%N)
		perl tests/bench/steps.pl "$MARKS" >"$R/steps-scale-$n.tab"
		rm -f "$MARKS"
		fails=$(grep -c 'failed' "$R/scale-$n.err")
		put "scale_${n}_new" "$((n - from + 1))"
		put "scale_${n}_create_ms" "$(((t1 - t0) / 1000000))"
		put "scale_${n}_failed" "$fails"
		stat_put "scale_${n}_login" "$R/scale-$n.txt" 4
		m1=$(mem_available_kib)
		put "scale_${n}_host_kib" "$(((m0 - m1) / n))"
		meminfo_put "$n"
		slab_growth "$n"
		scale_memory "$n"
		scale_ctl "$n"
		busy_put "scale_${n}_busy"
		put "scale_${n}_loops" "$(losetup -a 2>/dev/null | grep -c "$STATE")"
		put "scale_${n}_bridge_ports" "$(ip -n "$NS" -o link show master warren0 2>/dev/null | wc -l)"
		say "scale: $n running ($(((t1 - t0) / 1000000)) ms for $((n - from + 1)), $fails failed)"
		[ "$fails" -gt 0 ] && { head -n 5 "$R/scale-$n.err" >&2; tail -n 20 "$T/syslog" >"$R/scale-$n.syslog"; }
		from=$((n + 1))
	done
	say "scale: stopping all"
	for ((i = 1; i < from; i++)); do printf 'wb%04d\n' "$i"; done >"$users"
	t0=$(date +%s%N)
	in_sshd xargs -P 4 -I{} "$HELPER" --config "$CONF" stop {} <"$users" >/dev/null 2>&1
	t1=$(date +%s%N)
	put scale_stop_ms "$(((t1 - t0) / 1000000))"
	put scale_stop_n "$((from - 1))"
	write_config "$(bench_config)"
}

# --- 5. peers ------------------------------------------------------------------------

PEER_PKGS=(bubblewrap crun runc systemd-container firejail lxc)

peers_install() {
	local missing=() p
	for p in "${PEER_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "peers: apt-get install ${missing[*]}"
	apt-get update -q >"$R/apt.log" 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$R/apt.log" 2>&1
}

peers_cleanup() {
	command -v crun >/dev/null && crun --cgroup-manager=disabled delete -f "$CRUN_ID" >/dev/null 2>&1
	command -v runc >/dev/null && runc delete -f "$CRUN_ID" >/dev/null 2>&1
	[ -n "${PEER_DIR:-}" ] && [ -d "$PEER_DIR" ] && rm -rf "$PEER_DIR"
	return 0
}

# An OCI bundle whose root is the image (read-only): the rootless spec of TOOL, with a
# network namespace added and /bin/true to run.
oci_bundle() {
	local tool=$1 dir=$PEER_DIR/$1
	mkdir -p "$dir" && (cd "$dir" && "$tool" spec --rootless) || return 1
	perl -MJSON::PP -e 'local $/; open F, "<", $ARGV[0] or die; my $j = decode_json(<F>);
		$j->{root} = { path => $ARGV[1], readonly => JSON::PP::true };
		$j->{process}{args} = ["/bin/true"]; $j->{process}{terminal} = JSON::PP::false;
		push @{$j->{linux}{namespaces}}, { type => "network" };
		open F, ">", $ARGV[0] or die; print F encode_json($j)' "$dir/config.json" "$IMAGE"
}

# peer NAME NOTE CMD...: 3 warm-up runs, then PEER_RUNS timed ones.
peer() {
	local name=$1 note=$2 out=$R/peer-$1.txt
	shift 2
	if ! in_ns "$@" >"$R/peer-$name.log" 2>&1 </dev/null; then
		say "peer $name fails: $(tail -n 2 "$R/peer-$name.log" | tr '\n' ' ')"
		put "peer_${name}_error" "$(tail -n 1 "$R/peer-$name.log" | tr -d '=' | cut -c1-160)"
		put "peer_${name}_note" "$note"
		return 0
	fi
	in_ns "$R/timeit" 2 "$@" >/dev/null 2>&1
	in_ns "$R/timeit" "$PEER_RUNS" "$@" >"$out" 2>>"$R/peer-$name.log"
	grep ' 0$' "$out" >"$out.ok"
	stat_put "peer_$name" "$out.ok" 2
	put "peer_${name}_failed" "$(grep -vc ' 0$' "$out")"
	put "peer_${name}_note" "$note"
}

part_peers() {
	local sub lxcconf
	peers_install
	PEER_DIR=$(mktemp -d /tmp/warren-bench-peers.XXXXXX)
	chmod 0755 "$PEER_DIR"
	sub=$(subid_base wbj)
	say "peers: $PEER_RUNS runs each to /bin/true on $IMAGE"
	peer bare "a plain fork+exec: no isolation at all" /bin/true
	peer floor "all namespaces, maps, an overlay on tmpfs, /proc, pivot_root; no idmapped mount, cgroup, veth, seccomp, init, disk image" \
		"$R/floor" "$IMAGE" "$sub"
	peer unshare "namespaces + maps (root only) + chroot: no overlay, pivot_root, cgroup, veth, seccomp" \
		unshare -U -m -p -u -i -n -f --map-root-user chroot "$IMAGE" /bin/true
	peer bwrap "--unshare-all: read-only bind of the image (no overlay, no persistent upper), no cgroup, no veth (loopback only), maps 1 uid, no disk image" \
		bwrap --unshare-all --ro-bind "$IMAGE" / --proc /proc --dev /dev /bin/true
	if command -v crun >/dev/null && oci_bundle crun; then
		peer crun "rootless bundle, cgroups off (hybrid host): read-only root (no overlay), 1 uid mapped, no veth, no disk image, no cgroup limits" \
			crun --cgroup-manager=disabled run -b "$PEER_DIR/crun" "$CRUN_ID"
	fi
	if command -v runc >/dev/null && oci_bundle runc; then
		peer runc "rootless bundle: read-only root (no overlay), 1 uid mapped, no veth, no disk image" \
			runc run -b "$PEER_DIR/runc" "$CRUN_ID"
	fi
	peer nspawn "--private-network --volatile=overlay (tmpfs overlay: nothing persists), no user namespace, no cgroup limits, no veth, no disk image" \
		systemd-nspawn -q --register=no --keep-unit --private-network --volatile=overlay -D "$IMAGE" /bin/true
	peer firejail "--noprofile --net=none --private: no overlay root, no user namespace range, no cgroup, no veth, no disk image" \
		firejail --quiet --noprofile --net=none --private /bin/true
	lxcconf=$PEER_DIR/lxc.conf
	cat >"$lxcconf" <<EOF
lxc.uts.name = warren-bench
lxc.rootfs.path = dir:$IMAGE
lxc.rootfs.options = ro
lxc.net.0.type = empty
lxc.mount.auto = proc:mixed sys:ro
EOF
	# no lxc.idmap: as root, lxc maps through newuidmap, which wants root's own /etc/subuid range
	peer lxc "lxc-execute, net empty, privileged (no user namespace): read-only dir root (no overlay), no cgroup limits, no veth, no disk image" \
		lxc-execute -n "warren-bench-$$" -f "$lxcconf" -P "$PEER_DIR" -- /bin/true
	peers_cleanup
}

# --- 6. binds -------------------------------------------------------------------------

# bench_config with N read-only binds of directories of the bench's in defaults.
binds_config() {
	local i list=
	for ((i = 0; i < $1; i++)); do
		mkdir -p "$T/binds/d$i"
		list+="{ from = \"$T/binds/d$i\"; to = \"/bench-bind-$i\"; },"
	done
	bench_config | sed "s|^defaults = { \(.*\) };\$|defaults = { \1 binds = ( ${list%,} ); };|"
}

part_binds() {
	say "binds: $RUNS cold logins with none and with $NBINDS binds, alternating blocks of 5"
	pam_conf "$R/pam-prod" "$HELPER" "$MODULE"
	pam_conf "$R/pam-bench" "$BB/warren-helper" "$BB/pam_warren.so"
	pamdrive prod wbj 1 >/dev/null || { say "first login failed"; return 1; } # her disk image, untimed
	: >"$R/binds-0.txt"
	: >"$R/binds-n.txt"
	for ((i = 0; i < RUNS; i += 5)); do
		write_config "$(binds_config 0)"
		pamdrive prod wbj 5 cold >>"$R/binds-0.txt" || return 1
		write_config "$(binds_config "$NBINDS")"
		pamdrive prod wbj 5 cold >>"$R/binds-n.txt" || return 1
	done
	stat_put binds_none_cold "$R/binds-0.txt" 4
	stat_put binds_n_cold "$R/binds-n.txt" 4
	put binds_n "$NBINDS"
	install -m 0644 /dev/null "$MARKS"
	WARREN_BENCH_LOG=$MARKS pamdrive bench wbj "$RUNS" cold >"$R/binds-steps.txt" &&
		perl tests/bench/steps.pl "$MARKS" >"$R/steps-binds.tab"
	rm -f "$MARKS"
	write_config "$(bench_config)"
	helper_stop wbj >/dev/null 2>&1
}

# --- 7. fleet -------------------------------------------------------------------------

# bench_config with a 1G disk image for every user; with "fleet", a fleet group too: one
# etcd member on loopback in the bench's netns, the store a directory bound over itself;
# with "tls", the same member through its https:// port with a client certificate.
fleet_config() {
	bench_config | sed 's|^defaults = { \(.*\) };$|defaults = { \1 disk = "1G"; };|'
	case ${1:-} in
	fleet) printf 'fleet = { store = "%s"; etcd = [ "http://127.0.0.1:2379" ]; };\n' "$T/store" ;;
	tls) printf 'fleet = { store = "%s"; etcd = [ "https://127.0.0.1:2381" ]; cert = "%s"; key = "%s"; cacert = "%s"; };\n' \
		"$T/store" "$T/tls/client.pem" "$T/tls/client.key" "$T/tls/ca.pem" ;;
	esac
	return 0
}

# fleet_tls: a CA, etcd's certificate (for 127.0.0.1; for client authentication too, as
# etcd 3.4's gateway calls its own gRPC server with it) and the client's, in $T/tls.
fleet_tls() {
	local d=$T/tls n
	mkdir -m 0755 "$d" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
			-out "$d/ca.pem" -days 1 -subj /CN=warren-bench-ca || return 1
	for n in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$n.key" \
			-out "$d/$n.csr" -subj /CN=127.0.0.1 &&
			openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
				-CAcreateserial -out "$d/$n.pem" -days 1 -extfile <(printf '%s\n' \
				subjectAltName=IP:127.0.0.1 extendedKeyUsage=serverAuth,clientAuth) || return 1
	done
	chmod 0600 "$d"/*.key && chmod 0644 "$d"/*.pem
} >>"$T/openssl.log" 2>&1

part_fleet() {
	command -v etcd >/dev/null || { say "fleet: no etcd (apt-get install etcd-server): not measured"; return 0; }
	local tls=tls
	fleet_tls || { tls=; say "fleet: openssl made no certificates ($T/openssl.log): no TLS logins"; }
	say "fleet: $RUNS cold logins with her image on this host (wbj) and on the fleet's store, her lease in etcd (wbf)${tls:+, over http and over TLS}, alternating blocks of 5; $RUNS warm"
	pam_conf "$R/pam-prod" "$HELPER" "$MODULE"
	# One member, its client port both http and https (with client certificates).
	etcd_start ETCD_PID "$T/etcd.log" "$NS" m1 "$T/etcd" \
		"http://127.0.0.1:2379${tls:+,https://127.0.0.1:2381}" http://127.0.0.1:2380 \
		m1=http://127.0.0.1:2380 ${tls:+--cert-file "$T/tls/server.pem" --key-file "$T/tls/server.key"} \
		${tls:+--trusted-ca-file "$T/tls/ca.pem" --client-cert-auth}
	fleet_store "$T/store" || return 1
	write_config "$(fleet_config fleet)"
	for _ in $(seq 240); do
		in_sshd "$REPO/tests/lib/fleetdrive" "$CONF" list >/dev/null 2>&1 && break
		sleep 0.25
	done
	# The first logins make the images (mkfs; wbj's layers moved into hers): not timed.
	write_config "$(fleet_config)"
	pamdrive prod wbj 1 >/dev/null && helper_stop wbj >/dev/null 2>&1 &&
		write_config "$(fleet_config fleet)" && pamdrive prod wbf 1 >/dev/null ||
		{ say "fleet: first logins failed"; tail -n 8 "$T/syslog" >&2; return 1; }
	helper_stop wbf >/dev/null 2>&1
	: >"$R/fleet-local.txt"
	: >"$R/fleet-store.txt"
	: >"$R/fleet-tls.txt"
	for ((i = 0; i < RUNS; i += 5)); do
		write_config "$(fleet_config)"
		pamdrive prod wbj 5 cold >>"$R/fleet-local.txt" || return 1
		write_config "$(fleet_config fleet)"
		pamdrive prod wbf 5 cold >>"$R/fleet-store.txt" || { tail -n 8 "$T/syslog" >&2; return 1; }
		[ -n "$tls" ] || continue
		write_config "$(fleet_config tls)"
		pamdrive prod wbf 5 cold >>"$R/fleet-tls.txt" || { tail -n 8 "$T/syslog" >&2; return 1; }
	done
	pam_conf "$R/pam-bench" "$BB/warren-helper" "$BB/pam_warren.so"
	install -m 0644 /dev/null "$MARKS"
	WARREN_BENCH_LOG=$MARKS pamdrive bench wbf "$RUNS" cold >"$R/fleet-steps.txt" &&
		perl tests/bench/steps.pl "$MARKS" >"$R/steps-fleet.tab"
	# The same steps of wbj's (her image on this host, no lease), for the table that
	# sets them side by side: what the lease costs besides its own steps.
	write_config "$(fleet_config)"
	install -m 0644 /dev/null "$MARKS"
	WARREN_BENCH_LOG=$MARKS pamdrive bench wbj "$RUNS" cold >"$R/fleet-local-steps.txt" &&
		perl tests/bench/steps.pl "$MARKS" >"$R/steps-fleet-local.tab"
	helper_stop wbj >/dev/null 2>&1
	write_config "$(fleet_config fleet)"
	rm -f "$MARKS"
	pamdrive prod wbf 1 >/dev/null && pamdrive prod wbf "$RUNS" >"$R/fleet-warm.txt" || return 1
	stat_put fleet_local_cold "$R/fleet-local.txt" 4
	stat_put fleet_store_cold "$R/fleet-store.txt" 4
	stat_put fleet_store_warm "$R/fleet-warm.txt" 4
	[ -n "$tls" ] && stat_put fleet_tls_cold "$R/fleet-tls.txt" 4
	helper_stop wbf >/dev/null 2>&1
	write_config "$(bench_config)"
	etcd_ns_stop
}

# --- 8. a pure cgroup v2 host -----------------------------------------------------------

# In the cgroup v2 lane's guest (tests/vm/: Debian's kernel under qemu, KVM if it really
# works, else TCG), with the bench build: cold starts broken down by step, and what a
# move into a cgroup costs there (a login's join), without and with favordynmods.
part_v2() {
	local out=$R/v2.out phase
	say "pure cgroup v2: 25 cold starts and 25 moves into a cgroup in the cgroup v2 lane's guest, without and with favordynmods"
	cc -static -O2 -Wall -Wextra -Werror -o "$R/cgmove" tests/bench/cgmove.c || return 1
	WARREN_VM_CACHE=$R/vm WARREN_VM_BIN=$BB WARREN_VM_TESTS=$REPO/tests/bench/v2-guest.sh \
		WARREN_VM_EXTRA=$R/cgmove tests/vm/run.sh "$IMAGE" >"$out" 2>&1 ||
		{ say "pure cgroup v2: the guest failed ($out): $(tail -n 2 "$out" | tr '\n' ' ')"; return 1; }
	put v2_accel "$(sed -n 's/^# cgroup v2 lane: qemu with \([a-z]*\).*/\1/p' "$out")"
	put v2_kernel "$(basename "$(ls /boot/vmlinuz-* | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')"
	for phase in plain favordynmods; do
		awk -v p=$phase '$1 == "phase" { on = $2 == p; next } on && $1 == "mark" { print $2, $3, $4 }' \
			"$out" >"$R/v2-$phase.marks"
		awk -v p=$phase '$1 == "phase" { on = $2 == p; next } on && $1 == "move" { print $2 }' \
			"$out" >"$R/v2-$phase.moves"
		perl tests/bench/steps.pl "$R/v2-$phase.marks" helper-start answered >"$R/steps-v2-$phase.tab"
		stat_put "v2_${phase}_move" "$R/v2-$phase.moves" 1
	done
}

# --- the run -------------------------------------------------------------------------

bench_config() {
	cat <<EOF
image = "$IMAGE";
state_dir = "$STATE";
jail_groups = [ "$JAIL_GROUP" ];
exempt_users = [ "root" ];
defaults = { idle_timeout = 600; network = "nat"; };
EOF
}

machine_facts() {
	put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	put kernel "$(uname -r)"
	put cpu "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores)"
	put mem "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	put os "$(. /etc/os-release && echo "$PRETTY_NAME")"
	put cgroups "$(awk '$3 == "cgroup" { sub(".*/", "", $2); printf "%s ", $2 } $3 == "cgroup2" { printf "cgroup2:%s ", $2 }' /proc/mounts)"
	put sshd "$(sshd -V 2>&1 | head -n 1 || true)"
	put image "$IMAGE ($(du -sh "$IMAGE" 2>/dev/null | cut -f1))"
	put commit "$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo '+changes')"
}

main() {
	[ "$(id -u)" -eq 0 ] || { echo "make bench needs root" >&2; exit 1; }
	rm -rf "$R" && mkdir -p "$R" || exit 1
	: >"$R/results"
	build_tools || { echo "cannot build the bench's tools" >&2; exit 1; }
	fixture_find_image || { echo "no base image (see tests/lib/fixture.sh)" >&2; exit 1; }
	machine_facts
	case " $PARTS " in *" peers "*) peers_install ;; esac
	exec {BENCH_LOCK_FD}>>/run/lock/warren-e2e.lock
	say "waiting for the end-to-end lock (tests running?)"
	flock -w 900 "$BENCH_LOCK_FD" || { echo "the end-to-end lock stays taken" >&2; exit 1; }
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	say "setting up ${#TEST_USERS[@]} users, an sshd and netns $NS"
	fixture_setup >"$R/setup.log" 2>&1 || { cat "$R/setup.log" >&2; exit 1; }
	gpasswd -d wbn "$JAIL_GROUP" >/dev/null || exit 1
	write_config "$(bench_config)"
	for p in login e2e storm scale peers binds fleet v2; do
		case " $PARTS " in *" $p "*) "part_$p" || say "part $p failed" ;; esac
	done
	bench_cleanup
	say "done; writing BENCHMARKS.md"
	perl tests/bench/report.pl "$R" >"$REPO/BENCHMARKS.md.new" && mv "$REPO/BENCHMARKS.md.new" "$REPO/BENCHMARKS.md"
	perl tests/bench/report.pl --table "$R"
}

main "$@"
