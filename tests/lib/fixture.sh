# tests/lib/fixture.sh - end-to-end fixture: a real sshd in a test netns, real users, keys,
# shellcheck shell=bash disable=SC2034,SC2120,SC2119,SC2016
# a warren config and PAM service, and a syslog sink.  Source tap.sh first, then this.
#
#   fixture_start N        root + image check (else skip_all), plan N+1, set everything up;
#                          the extra result is "cleanup leaves nothing behind" (fixture_finish).
#                          If setup fails: one not ok with the reason, the rest skipped, exit.
#   fixture_finish         tear down, check nothing is left, exit 0/1 (also run by the EXIT trap)
#   tssh USER [SSH-OPTS...] -- CMD...     ssh USER@127.0.0.1 CMD inside the test netns
#                          (bounded to $TSSH_TIMEOUT s, 30 unless set)
#   hold NAME USER [SSH-OPTS...] -- CMD   a login held open in the background until
#                          release NAME (CMD must end on a line on its stdin)
#   tscp USER [SCP-OPTS...] SRC... DST    scp; an argument "R:path" means USER@127.0.0.1:path
#   tsftp USER [SFTP-OPTS...]             sftp -b - (batch commands on stdin)
#   write_config TEXT      replace $CONF (root-owned 0644); default_config prints the default
#   write_pam [no-auth] [no-pam-systemd] [helper=PATH] [timeout=SECS] [debug]  rewrite the
#                          test PAM service (read per login); no-pam-systemd: common-session's
#                          lines without pam_systemd instead of its @include; timeout= and
#                          debug are passed to the module as they are
#   helper_stop USER       warren-helper --config $CONF stop USER (in sshd's mount namespace)
#   container_leftovers USER   print what is left of USER's container (nothing: all gone)
#   wait_container_gone USER SECS         poll until container_leftovers is empty
#   log_mark; log_since; wait_log ERE [SECS]   the test syslog after a mark (SECS: 10)
#   untty                  filter: strip CRs and terminal escapes from a pty transcript
#   section OUTPUT K       part K of OUTPUT split at "@@" lines; norm: squeeze whitespace
#   user_cgroup USER [CONTROLLER]   the directory of USER's container cgroup (pids'), on
#                          v1, on v2, or in the scope systemd delegated to it (a systemd host)
#   uid_of USER, subid_base USER, host_of_mounts
#   firewall_elements ADDR PORT   the elements of warren's sets and maps (in $NS) that name
#                          a container's address ADDR or its port PORT, a line per set;
#                          fails (saying which) if one cannot be listed
#   upstream_start [ADDR...]   the outside world: a netns $UP ($NS-up) behind a veth of the
#                          test netns's, wtup0 (10.99.0.1 there, 10.99.0.2 upstream, 10.99.0.0/24),
#                          with 198.51.100.2 (the Internet) and each ADDR on its loopback,
#                          routed to from the test netns; diag if it cannot be made.
#                          $UPNS runs a command in it; removing $UP is the test's cleanup
# Variables: REPO T CONF STATE IMAGE HELPER MODULE PORT NS SVC SSHD_PID HOST_NAME TEST_USERS
# WARREN_TEST_NO_MODULE=1 writes the PAM service without the warren lines (fixture self-test).
# WARREN_TEST_KEEP=1 keeps $T (logs) for inspection; everything else is still removed.
# WARREN_TEST_LOCK_WAIT: seconds to wait for the machine-wide end-to-end lock (default 300).
# FIXTURE_SSHD_EXTRA: more sshd_config lines (the bench's MaxStartups).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HELPER=$REPO/warren-helper
SUPERVISOR=$REPO/warren-supervisor
MODULE=$REPO/pam_warren.so
TEST_USERS=(wta wtb wtc wtexempt)
JAIL_GROUP=wtjail
EXTRA_GROUPS=(wtga wtgb) # a test may create these (per-group limits); always removed
SUBID_COUNT=65536
NS=warren-test-$$
UP=$NS-up
UPNS="nsenter --net=/run/netns/$UP"
SVC=sshd-warren-test-$$
PAMFILE=/etc/pam.d/$SVC
PORT=$((22000 + $$ % 1000))
HOST_NAME=$(hostname)
T=
CONF=
STATE=
IMAGE=
SSHD_PID=
FIXTURE_DONE=
FIXTURE_CREATED_RUN_SSHD=
FIXTURE_LOCK_FD=

# --- small utilities --------------------------------------------------------------

in_ns() { nsenter --net="/run/netns/$NS" "$@"; }

uid_of() { id -u "$1"; }

subid_base() { # first subordinate uid of USER (from /etc/subuid)
	awk -F: -v u="$1" '$1 == u { print $2; exit }' /etc/subuid
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# The image: the installed one, else the test cache, else build the test cache.
fixture_find_image() {
	local i
	for ((i = 0; i < 300; i++)); do # the lead may be building it right now: wait (bounded)
		compgen -G '/var/cache/warren-test/.mkimage.*' >/dev/null || break
		sleep 1
	done
	if [ -d /var/lib/warren/images/default/etc ]; then
		IMAGE=/var/lib/warren/images/default
	elif [ -d /var/cache/warren-test/image/etc ]; then
		IMAGE=/var/cache/warren-test/image
	elif [ -x "$REPO/helper/warren-mkimage" ]; then
		echo "# building the test image /var/cache/warren-test/image (1-2 min)" >&2
		mkdir -p /var/cache/warren-test
		if "$REPO/helper/warren-mkimage" /var/cache/warren-test/image >/var/cache/warren-test/mkimage.log 2>&1 &&
			[ -d /var/cache/warren-test/image/etc ]; then
			IMAGE=/var/cache/warren-test/image
		else
			return 1
		fi
	else
		return 1
	fi
}

default_config() {
	cat <<EOF
image = "$IMAGE";
state_dir = "$STATE";
jail_groups = [ "$JAIL_GROUP" ];
exempt_users = [ "root", "wtexempt" ];
defaults = { idle_timeout = 3; disk = "max"; network = "none"; };
EOF
}

write_config() { # write_config TEXT
	printf '%s\n' "$1" >"$CONF.new" && chown root:root "$CONF.new" && chmod 0644 "$CONF.new" &&
		mv -f "$CONF.new" "$CONF"
}

write_pam() { # write_pam [no-auth] [no-pam-systemd] [helper=PATH] [timeout=SECS] [debug]
	local auth=1 helper=$HELPER a args extra= systemd=1
	for a in "$@"; do
		case $a in
		no-auth) auth= ;;
		no-pam-systemd) systemd= ;;
		helper=*) helper=${a#helper=} ;;
		timeout=* | debug) extra="$extra $a" ;;
		esac
	done
	args="config=$CONF helper=$helper$extra"
	{
		echo "# warren end-to-end test service (tests/lib/fixture.sh, pid $$); removed by the test"
		echo "@include common-auth"
		if [ -z "${WARREN_TEST_NO_MODULE:-}" ] && [ -n "$auth" ]; then
			echo "auth optional $MODULE $args"
		fi
		echo "@include common-account"
		if [ -n "$systemd" ]; then
			echo "@include common-session"
		else # the machine's, without pam_systemd (a session stack that starts no user manager)
			grep -v pam_systemd /etc/pam.d/common-session
		fi
		if [ -z "${WARREN_TEST_NO_MODULE:-}" ]; then
			echo "session required $MODULE $args"
		fi
	} >"$PAMFILE.new" && chmod 0644 "$PAMFILE.new" && mv -f "$PAMFILE.new" "$PAMFILE"
}

SSH_COMMON=(-F /dev/null -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new
	-o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR)

tssh() { # tssh USER [SSH-OPTS...] -- CMD...
	local user=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	in_ns timeout "${TSSH_TIMEOUT:-30}" ssh "${SSH_COMMON[@]}" -o UserKnownHostsFile="$T/known_hosts" \
		-i "$T/keys/$user" -p "$PORT" "${opts[@]}" "$user@127.0.0.1" "$@"
}

# A login that must stay while the test looks is held by the test, not by a `sleep N`
# that a busy machine can outlast.  hold NAME USER [SSH-OPTS...] -- CMD runs tssh in the
# background with a FIFO as its stdin, opened read-write by the ssh client alone (so no
# other process of the test keeps it open); release NAME writes one line into it and waits
# for the login to end, with its exit status.  CMD must end on that line: end it with
# `head -n 1 >/dev/null` (or read stdin).  Bounded by 300 s, not tssh's 30; the output goes
# to $T/NAME.out, the ssh client's pid is ${HELD[NAME]}.
declare -A HELD=()
hold() { # hold NAME USER [SSH-OPTS...] -- CMD
	local name=$1
	shift
	rm -f "$T/$name.in" && mkfifo -m 0600 "$T/$name.in" || return 1
	TSSH_TIMEOUT=300 tssh "$@" 0<>"$T/$name.in" >"$T/$name.out" 2>&1 &
	HELD[$name]=$!
}
release() { # release NAME: end the held login NAME; its exit status
	local name=$1 w rc
	[ -n "${HELD[$name]:-}" ] || return 1
	exec {w}<>"$T/$name.in" && echo >&"$w"
	exec {w}>&-
	wait "${HELD[$name]}"
	rc=$?
	unset "HELD[$name]"
	return "$rc"
}

tscp() { # tscp USER [SCP-OPTS...] SRC... DST ("R:path" = remote path)
	local user=$1 args=() a
	shift
	for a in "$@"; do
		case $a in
		R:*) args+=("$user@127.0.0.1:${a#R:}") ;;
		*) args+=("$a") ;;
		esac
	done
	in_ns timeout 30 scp "${SSH_COMMON[@]}" -o UserKnownHostsFile="$T/known_hosts" \
		-i "$T/keys/$user" -P "$PORT" "${args[@]}"
}

tsftp() { # tsftp USER [SFTP-OPTS...]  (batch on stdin)
	local user=$1
	shift
	in_ns timeout 30 sftp "${SSH_COMMON[@]}" -o UserKnownHostsFile="$T/known_hosts" \
		-i "$T/keys/$user" -P "$PORT" -b - "$@" "$user@127.0.0.1"
}

helper_stop() { # helper_stop USER: in sshd's mount namespace when it runs (the helper's view)
	[ -x "$HELPER" ] && [ -n "$CONF" ] && [ -f "$CONF" ] || return 0
	if pid_alive "$SSHD_PID"; then
		nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" \
			timeout 20 "$HELPER" --config "$CONF" stop "$1"
	else
		timeout 20 "$HELPER" --config "$CONF" stop "$1"
	fi
}

# Mount tables to look at: the host's and, while it runs, the test sshd's namespace.
host_of_mounts() {
	cat /proc/self/mounts
	pid_alive "$SSHD_PID" && cat "/proc/$SSHD_PID/mounts" 2>/dev/null
	return 0
}

# Where warren puts USER's cgroups: under warren/ at the root of each hierarchy, or, on a
# systemd host, in the scope systemd delegated (helper/cgroup/delegate.h).
user_cgroup_dirs() {
	echo /sys/fs/cgroup/*/warren/"$1" "/sys/fs/cgroup/warren/$1" "/sys/fs/cgroup/warren.slice/warren-$1.scope"
}
user_cgroup() { # user_cgroup USER [CONTROLLER]
	local c
	for c in "/sys/fs/cgroup/${2:-pids}/warren/$1" "/sys/fs/cgroup/warren.slice/warren-$1.scope/container"; do
		[ -d "$c" ] && { echo "$c"; return 0; }
	done
	echo "/sys/fs/cgroup/warren/$1"
}

upstream_start() { # upstream_start [ADDR...] (see above)
	local a r=0
	ip netns add "$UP" && ip -n "$UP" link set lo up &&
		ip link add wtup0 netns "$NS" type veth peer name eth0 netns "$UP" &&
		ip -n "$NS" addr add 10.99.0.1/24 dev wtup0 && ip -n "$NS" link set wtup0 up &&
		ip -n "$UP" addr add 10.99.0.2/24 dev eth0 && ip -n "$UP" link set eth0 up &&
		ip -n "$UP" addr add 198.51.100.2/32 dev lo &&
		ip -n "$NS" route add 198.51.100.0/24 via 10.99.0.2 || r=1
	for a in "$@"; do
		[ $r = 0 ] && ip -n "$UP" addr add "$a/32" dev lo && ip -n "$NS" route add "$a/32" via 10.99.0.2 || r=1
	done
	[ $r = 0 ] || diag "cannot build the upstream netns"
	return $r
}

listener_wait() { # listener_wait NETNS-CMD ADDR PORT: until ADDR:PORT accepts (30 s), or a diag
	local i
	for ((i = 0; i < 300; i++)); do
		$1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' - "$2" "$3" 2>/dev/null && return 0
		sleep 0.1
	done
	diag "the listener on $2:$3 did not start"
}

firewall_elements() { # firewall_elements ADDR PORT (see above)
	local re="(^|[^0-9.])${1//./\\.}([^0-9]|\$)|\"$2\"" s out
	for s in "set bridge warren ports" "set bridge warren macs" "set inet warren port_names" \
		"set arp warren port_names" "set inet warren isolated" "set inet warren isolated_ports" \
		"map inet warren peer_group" "set inet warren peer_member" "map inet warren net_limits"; do
		# shellcheck disable=SC2086 # the words of $s are nft's
		out=$(in_ns nft list $s 2>&1) || { echo "cannot list $s: $out"; return 1; }
		out=$(sed -n '/elements = {/,/}/p' <<<"$out" | tr -s ' \t\n' ' ')
		grep -Eq "$re" <<<"$out" && echo "$s: $out"
	done
	return 0
}

container_leftovers() { # print what is left of USER's container; empty output: it is gone
	local user=$1 f p c
	# processes in its cgroup (init, sessions), the helper's for her (warren-helper
	# --config CONF VERB USER) and her supervisor's (warren-supervisor STATE ... USER, or
	# its stop: warren-helper --supervisor-stop STATE ... USER WHY)
	while read -r f; do
		p=${f#/proc/}
		p=${p%/cgroup}
		c=$(cat "/proc/$p/comm" 2>/dev/null) && echo "process $p ($c) in cgroup warren/$user"
	done < <(grep -lE ":/warren(/$user|\\.slice/warren-$user\\.scope/.*)\$" /proc/[0-9]*/cgroup 2>/dev/null)
	[ -n "$CONF" ] && pgrep -af -- "--config $CONF [a-z-]+ $user\$" | sed 's/^/process /'
	[ -n "$STATE" ] && pgrep -af -- "(warren-supervisor|--supervisor-stop) $STATE [0-9 ]+ $user( |\$)" |
		sed 's/^/process /'
	host_of_mounts | awk -v a="/run/warren/users/$user/" -v b="$STATE/users/$user/" \
		'index($2 "/", a) == 1 || index($0, b) { print "mount: " $0 }' | sort -u
	for c in $(user_cgroup_dirs "$user"); do
		[ -d "$c" ] && echo "cgroup dir $c"
	done
	[ -e "/run/warren/users/$user/state" ] && echo "state file /run/warren/users/$user/state"
	return 0
}

wait_container_gone() { # wait_container_gone USER SECS: 0 when gone in time
	local i left
	for ((i = 0; i < $2 * 4; i++)); do
		left=$(container_leftovers "$1")
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	echo "$left"
	return 1
}

# The test syslog ($T/syslog): mark a point, then look only at what came after it.
LOG_OFF=0
# init_identity USER: "PID STARTTIME" of her container's init, as the host sees them: one
# container's for good (inside, the time namespace makes init's start time near-constant,
# and pid-namespace inodes get reused).
init_identity() {
	local pid
	pid=$(cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null)
	[ -n "$pid" ] && echo "$pid $(cut -d" " -f22 "/proc/$pid/stat" 2>/dev/null)"
}
# nobody_refused ERE CMD...: each warrenctl CMD (words), run as nobody, exits non-zero with
# stderr matching ERE; those that did not, on stdout
nobody_refused() {
	local ere=$1 c out rc bad=
	shift
	for c in "$@"; do
		# shellcheck disable=SC2086
		out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$REPO/warrenctl" $c --config "$CONF" 2>&1 >/dev/null)
		rc=$?
		[ "$rc" -ne 0 ] && grep -Eq "$ere" <<<"$out" || bad+="$c: exit $rc, \"$out\"; "
	done
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}
log_mark() { LOG_OFF=$(stat -c %s "$T/syslog"); }
log_since() { tail -c +$((LOG_OFF + 1)) "$T/syslog"; }
wait_log() { # wait_log ERE [SECS]: a line after the mark matches ERE (grep -E -i)
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		log_since | grep -Eiq -- "$1" && return 0
		sleep 0.1
	done
	echo "no line matching /$1/ in the test syslog since the mark; it has:"
	log_since | tail -n 15
	return 1
}

# A pty transcript without carriage returns and terminal escapes (prompt titles, bracketed paste).
untty() { sed 's/\r//g; s/\x1b\][^\x07]*\x07//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g'; }

# Whitespace-normalized lines (for uid_map comparisons).
norm() { awk '{ $1 = $1; print }'; }

# Section K (from 1) of a command's output whose sections are separated by lines "@@".
section() { printf '%s\n' "$1" | tr -d '\r' | awk -v k="$2" '/^@@$/ { n++; next } n == k - 1'; }

# --- setup ------------------------------------------------------------------------

fixture_remove_user() { # stop, kill, userdel, subids
	local u=$1
	id "$u" >/dev/null 2>&1 || return 0
	helper_stop "$u" >/dev/null 2>&1
	userdel -r "$u" >/dev/null 2>&1 || userdel -f -r "$u" >/dev/null 2>&1
	# userdel removes the subordinate ranges; make sure
	sed -i "/^$u:/d" /etc/subuid /etc/subgid
	rm -rf "/run/warren/users/$u" "/run/warren/locks/$u"
}

fixture_clean_stale() { # leftovers of an earlier run that crashed (its pid is gone)
	local f p n u g
	for f in /etc/pam.d/sshd-warren-test-*; do
		[ -e "$f" ] || continue
		p=${f##*-}
		pid_alive "$p" || rm -f "$f"
	done
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^warren-test-[0-9]*$'); do
		pid_alive "${n#warren-test-}" && continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	for f in /tmp/warren-e2e-[0-9]*.*; do
		[ -d "$f" ] || continue
		p=${f#/tmp/warren-e2e-}
		p=${p%%.*}
		pid_alive "$p" || rm -rf "$f"
	done
	for u in "${TEST_USERS[@]}"; do
		fixture_remove_user "$u"
		for f in $(user_cgroup_dirs "$u"); do
			[ -d "$f" ] && rmdir "$f" 2>/dev/null
		done
	done
	getent group "$JAIL_GROUP" >/dev/null && groupdel "$JAIL_GROUP"
	for g in "${EXTRA_GROUPS[@]}"; do getent group "$g" >/dev/null && groupdel "$g"; done
	return 0
}

# Subordinate ranges: 1800000000 + i*65536, moved up past any overlap with existing lines.
fixture_free_base() {
	local base=$1 s c f
	while :; do
		local clash=
		for f in /etc/subuid /etc/subgid; do
			while IFS=: read -r _ s c; do
				[[ $s =~ ^[0-9]+$ && $c =~ ^[0-9]+$ ]] || continue
				if ((s < base + SUBID_COUNT && base < s + c)); then clash=1; fi
			done <"$f"
		done
		[ -z "$clash" ] && break
		base=$((base + 16 * SUBID_COUNT))
	done
	echo "$base"
}

fixture_add_user() { # fixture_add_user NAME INDEX [GROUP]
	local u=$1 base e home
	useradd -m -s /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 ${3:+-G "$3"} "$u" || return 1
	sed -i "/^$u:/d" /etc/subuid /etc/subgid # in case useradd assigned some anyway
	base=$(fixture_free_base $((1800000000 + $2 * SUBID_COUNT)))
	e=$((base + SUBID_COUNT - 1))
	usermod --add-subuids "$base-$e" --add-subgids "$base-$e" "$u" || return 1
	home=$(getent passwd "$u" | cut -d: -f6)
	ssh-keygen -q -t ed25519 -N '' -C "$u@warren-test" -f "$T/keys/$u" || return 1
	install -d -m 0700 -o "$u" -g "$(id -g "$u")" "$home/.ssh" &&
		install -m 0600 -o "$u" -g "$(id -g "$u")" "$T/keys/$u.pub" "$home/.ssh/authorized_keys"
}

# The sshd runs in the test netns and in a mount namespace of its own (slave of the host's)
# whose /dev is $T/dev: the host's device nodes plus a /dev/log served by logsink.
fixture_ns_script='
set -e
T=$1 SVC=$2
mount -t tmpfs -o mode=0755,nosuid,size=1m warren-test-dev "$T/dev"
for n in null zero full random urandom tty ptmx; do
	: >"$T/dev/$n"
	mount --bind "/dev/$n" "$T/dev/$n"
done
mkdir "$T/dev/pts" "$T/dev/shm"
mount --rbind /dev/pts "$T/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev warren-test-shm "$T/dev/shm"
ln -s /proc/self/fd "$T/dev/fd"
ln -s /proc/self/fd/0 "$T/dev/stdin"
ln -s /proc/self/fd/1 "$T/dev/stdout"
ln -s /proc/self/fd/2 "$T/dev/stderr"
( "$T/logsink" "$T/dev/log" "$T/syslog" </dev/null >>"$T/logsink.err" 2>&1 &
  echo $! >"$T/logsink.pid" )
for i in $(seq 400); do [ -S "$T/dev/log" ] && break; sleep 0.05; done
[ -S "$T/dev/log" ]
mount --move "$T/dev" /dev
exec "$T/bin/$SVC" -D -e -f "$T/sshd_config"
'

fixture_setup() { # prints the reason and returns 1 on failure
	local u i
	[ -x /usr/sbin/sshd ] || { echo "no /usr/sbin/sshd"; return 1; }
	T=$(mktemp -d "/tmp/warren-e2e-$$.XXXXXX") || return 1
	chmod 0755 "$T"
	CONF=$T/warren.conf
	STATE=$T/state
	mkdir -m 0700 "$T/keys" "$T/bin" "$T/dev" && mkdir -m 0700 "$STATE" || return 1
	touch "$T/syslog" "$T/sshd.log"
	write_config "$(default_config)" || { echo "cannot write $CONF"; return 1; }
	fixture_clean_stale # after the config exists: the helper stops leftover containers with it
	# logsink: build it (a test tool) into $T
	cc -O2 -Wall -Wextra -Werror -o "$T/logsink" "$REPO/tests/lib/logsink.c" >"$T/cc.log" 2>&1 ||
		{ echo "cannot build logsink:"; cat "$T/cc.log"; return 1; }
	# users
	groupadd "$JAIL_GROUP" || { echo "groupadd $JAIL_GROUP failed"; return 1; }
	i=0
	for u in "${TEST_USERS[@]}"; do
		case $u in wtc) fixture_add_user "$u" $i ;; *) fixture_add_user "$u" $i "$JAIL_GROUP" ;; esac ||
			{ echo "cannot create user $u"; return 1; }
		i=$((i + 1))
	done
	write_pam || { echo "cannot write $PAMFILE"; return 1; }
	# sshd
	ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" || return 1
	cat >"$T/sshd_config" <<EOF
# warren end-to-end test sshd (tests/lib/fixture.sh); loopback of its own netns only
ListenAddress 127.0.0.1
Port $PORT
HostKey $T/hostkey
PidFile $T/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers ${TEST_USERS[*]}
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
StrictModes yes
Subsystem sftp /usr/lib/openssh/sftp-server
${FIXTURE_SSHD_EXTRA:-}
EOF
	if [ ! -d /run/sshd ]; then
		mkdir -m 0755 /run/sshd && FIXTURE_CREATED_RUN_SSHD=1
	fi
	/usr/sbin/sshd -t -f "$T/sshd_config" >"$T/sshd-t.log" 2>&1 ||
		{ echo "sshd -t rejects the test config:"; cat "$T/sshd-t.log"; return 1; }
	ln -s /usr/sbin/sshd "$T/bin/$SVC"
	ip netns add "$NS" || { echo "ip netns add $NS failed"; return 1; }
	ip -n "$NS" link set lo up || return 1
	nsenter --net="/run/netns/$NS" unshare -m --propagation slave \
		bash -c "$fixture_ns_script" warren-test-ns "$T" "$SVC" </dev/null >>"$T/sshd.log" 2>&1 &
	SSHD_PID=$! # nsenter, unshare and bash exec: this becomes sshd
	for ((i = 0; i < 300; i++)); do # 30 s: a busy machine is slow to start it
		pid_alive "$SSHD_PID" || break
		in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && break
		sleep 0.1
	done
	if ! in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
		echo "sshd does not accept connections on 127.0.0.1:$PORT:"
		tail -n 20 "$T/sshd.log"
		return 1
	fi
	[ "$(readlink "/proc/$SSHD_PID/exe")" = /usr/sbin/sshd ] ||
		{ echo "pid $SSHD_PID is not sshd"; return 1; }
	return 0
}

fixture_start() { # fixture_start N
	local why
	[ "$(id -u)" -eq 0 ] || skip_all "needs root" $(($1 + 1))
	if [ -z "${WARREN_TEST_NO_MODULE:-}" ]; then
		{ [ -e "$MODULE" ] && [ -x "$HELPER" ]; } || skip_all "pam_warren.so / warren-helper not built (make)" $(($1 + 1))
	fi
	fixture_find_image || skip_all "no base image and cannot build one (see /var/cache/warren-test/mkimage.log)" $(($1 + 1))
	# One end-to-end run at a time on the machine (fixed user names; copies of the tree,
	# as make mutants makes, too), bounded.  The empty lock file stays, in /run (tmpfs):
	# removing it would let a waiting run lock a file nobody else sees.
	exec {FIXTURE_LOCK_FD}>>/run/lock/warren-e2e.lock
	flock -w "${WARREN_TEST_LOCK_WAIT:-300}" "$FIXTURE_LOCK_FD" ||
		skip_all "another end-to-end test holds the lock for ${WARREN_TEST_LOCK_WAIT:-300} s" $(($1 + 1))
	plan $(($1 + 1))
	trap fixture_finish EXIT
	trap 'exit 130' INT TERM HUP
	why=$(mktemp /tmp/warren-e2e-setup.XXXXXX)
	if ! fixture_setup >"$why" 2>&1; then
		not_ok "fixture setup"
		diag "$(cat "$why")"
		rm -f "$why"
		while [ "$TAP_N" -lt $((TAP_PLANNED - 1)) ]; do skip "not run" "fixture setup failed"; done
		fixture_finish
	fi
	rm -f "$why"
	diag "fixture: T=$T image=$IMAGE port=$PORT netns=$NS sshd=$SSHD_PID"
}

# --- teardown ---------------------------------------------------------------------

fixture_teardown() { # prints what was left behind (and removes it)
	local u p i c g pids
	for u in "${TEST_USERS[@]}"; do
		id "$u" >/dev/null 2>&1 || continue
		[ -n "${WARREN_TEST_NO_MODULE:-}" ] || helper_stop "$u" >/dev/null 2>&1 ||
			echo "warren-helper stop $u failed"
	done
	# sshd (verify it is ours), then everything else in the test netns, then logsink
	if pid_alive "$SSHD_PID" && [ "$(readlink "/proc/$SSHD_PID/exe")" = /usr/sbin/sshd ]; then
		kill -TERM "$SSHD_PID"
	fi
	if [ -n "$NS" ] && [ -e "/run/netns/$NS" ]; then
		local sink
		sink=$(cat "$T/logsink.pid" 2>/dev/null)
		# TERM for 5 s (sshd's sessions close theirs), then KILL, for 10 s in all
		for ((i = 0; i < 50; i++)); do
			pids=$(ip netns pids "$NS" 2>/dev/null | grep -vx "${sink:-none}")
			[ -z "$pids" ] && break
			# shellcheck disable=SC2086
			if [ "$i" -lt 25 ]; then kill -TERM $pids 2>/dev/null; else kill -KILL $pids 2>/dev/null; fi
			sleep 0.2
		done
		pids=$(ip netns pids "$NS" 2>/dev/null | grep -vx "${sink:-none}")
		[ -n "$pids" ] && echo "processes left in netns $NS: $pids"
		if pid_alive "$sink" && [ "$(cat "/proc/$sink/comm")" = logsink ]; then
			kill -TERM "$sink"
			for ((i = 0; i < 100; i++)); do pid_alive "$sink" || break; sleep 0.1; done
		fi
		ip netns del "$NS" || echo "ip netns del $NS failed"
	fi
	[ -n "$SSHD_PID" ] && wait "$SSHD_PID" 2>/dev/null
	for u in "${TEST_USERS[@]}"; do
		if [ -n "$T" ] && [ -z "${WARREN_TEST_NO_MODULE:-}" ]; then
			c=$(container_leftovers "$u")
			[ -n "$c" ] && echo "left of $u's container after stop: $c"
		fi
		for c in $(user_cgroup_dirs "$u"); do
			[ -d "$c" ] || continue
			echo "cgroup dir left: $c"
			rmdir "$c" 2>/dev/null
		done
		if id "$u" >/dev/null 2>&1; then
			userdel -r "$u" >/dev/null 2>&1 || { echo "userdel -r $u failed"; userdel -f -r "$u" >/dev/null 2>&1; }
		fi
		if grep -q "^$u:" /etc/subuid /etc/subgid; then
			echo "userdel left subordinate ids of $u (removed)"
			sed -i "/^$u:/d" /etc/subuid /etc/subgid
		fi
		rm -rf "/run/warren/users/$u" "/run/warren/locks/$u"
	done
	getent group "$JAIL_GROUP" >/dev/null && { groupdel "$JAIL_GROUP" || echo "groupdel $JAIL_GROUP failed"; }
	for g in "${EXTRA_GROUPS[@]}"; do
		getent group "$g" >/dev/null && { groupdel "$g" || echo "groupdel $g failed"; }
	done
	rm -f "$PAMFILE" "$PAMFILE.new"
	[ -n "$FIXTURE_CREATED_RUN_SSHD" ] && rmdir /run/sshd 2>/dev/null
	if [ -n "$T" ] && [ -d "$T" ]; then
		if grep -q " $T/" /proc/self/mounts; then
			echo "host mounts under $T:"
			grep " $T/" /proc/self/mounts
		fi
		# (Kept at the asker's word: fixture_finish says so, after the check of what is
		# left, which this prints.)
		[ -n "${WARREN_TEST_KEEP:-}" ] || rm -rf "$T" || echo "rm -rf $T failed"
	fi
	# verify
	for u in "${TEST_USERS[@]}"; do
		id "$u" >/dev/null 2>&1 && echo "user $u still exists"
	done
	[ -n "$T" ] && pgrep -af -- "$T" | sed 's/^/process left: /'
	[ -e "$PAMFILE" ] && echo "$PAMFILE still exists"
	[ -e "/run/netns/$NS" ] && echo "netns $NS still exists"
	return 0
}

fixture_finish() {
	local left
	[ -n "$FIXTURE_DONE" ] && return
	FIXTURE_DONE=1
	trap - EXIT
	if [ "$TAP_N" -lt $((TAP_PLANNED - 1)) ]; then
		diag "the script stopped after $TAP_N results; logs:"
		diag_file "$T/sshd.log" 20
		diag_file "$T/syslog" 20
		while [ "$TAP_N" -lt $((TAP_PLANNED - 1)) ]; do not_ok "not run: the script stopped early"; done
	fi
	left=$(fixture_teardown 2>&1)
	# shellcheck disable=SC2015
	[ -z "$left" ] && ok "cleanup leaves nothing behind" || { not_ok "cleanup leaves nothing behind"; diag "$left"; }
	[ -n "${WARREN_TEST_KEEP:-}" ] && [ -n "$T" ] && [ -d "$T" ] && diag "kept $T (WARREN_TEST_KEEP)"
	[ -n "$FIXTURE_LOCK_FD" ] && exec {FIXTURE_LOCK_FD}<&-
	tap_status
	exit $?
}
