#!/bin/bash
# 74-ways-in.sh - every way a command reaches a user's container, against every promise
# made about it.  The admin's: warrenctl exec, exec --root, enter (on a terminal),
# warren-helper enter and enter-root.  The user's: an ssh command, an ssh -tt pty, sftp,
# scp -O (scp inside), rsync, ssh -N -L, -R and -D forwarding, a command multiplexed over
# a ControlMaster connection, and a process left running after logout.  For each:
#   - it lands inside: the process that stands for it (the command, sftp-server, scp,
#     rsync, or sshd's own for a forward) is in her init's user, mount, pid, network, uts,
#     ipc, cgroup and time namespaces (sshd's in those of its children: pid, time);
#   - in her cgroups (memory, pids, cpu: the limits);
#   - under the container's syscall filter with no_new_privs;
#   - with no capability as her; as root inside, her subordinate root within Docker's
#     default set (sessions: that bounding set too); a pty is one of her devpts;
#   - it keeps the container from its idle stop while it lives (idle_timeout = 1 s), and
#     the container stops once it ends;
#   - warrenctl stop ends it.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

WAYS=(exec exec-root enter helper-enter helper-enter-root ssh-cmd ssh-pty sftp scp rsync
	fwd-L fwd-R fwd-D mux background)
fixture_start $((${#WAYS[@]} * 7 + 2))

usermod -aG "$JAIL_GROUP" wtc
config() { # config IDLE
	write_config "$(default_config | sed '/^defaults/d; s/^exempt_users = .*/exempt_users = [ "root" ];/')
defaults = { idle_timeout = $1; disk = \"max\"; network = \"none\"; };"
}
config 60
have_rsync=$(command -v rsync)

# --- the ways ----------------------------------------------------------------------
# Commands as arrays run as simple commands, so that $! is the client itself (nsenter
# execs timeout, which passes a TERM on): killing it ends the way.  Bounded at 120 s, not
# the fixture's 30: the first ways must still run when the last has started.
NS_NET=(nsenter --net="/run/netns/$NS")
# The admin's commands run in sshd's namespaces: a container one of them starts must be seen
# by later logins (this host's mounts do not propagate into the test sshd's namespace).
ADMIN=(nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS")
sshv() { # sshv USER: SSHV is ssh for USER, up to the options
	SSHV=("${NS_NET[@]}" timeout 120 ssh "${SSH_COMMON[@]}" -o UserKnownHostsFile="$T/known_hosts"
		-i "$T/keys/$1" -p "$PORT")
}
declare -A CLIENT TARGET BEFORE MARK
n=0
for w in "${WAYS[@]}"; do MARK[$w]=$((987100 + n)); n=$((n + 1)); done
procs_of() { # the pids in USER's container's cgroup
	local f
	for f in /sys/fs/cgroup/pids/warren/"$1"/cgroup.procs /sys/fs/cgroup/warren/"$1"/cgroup.procs; do
		[ -e "$f" ] && cat "$f" 2>/dev/null && return 0
	done
	return 0
}
sshd_of() { local p; for p in $(procs_of "$1"); do [ "$(readlink "/proc/$p/exe")" = /usr/sbin/sshd ] && echo "$p"; done; }
init_of() { cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null; }
rsh="ssh ${SSH_COMMON[*]} -o UserKnownHostsFile=$T/known_hosts -i $T/keys/%U -p $PORT"
big=$T/big
head -c 262144 /dev/urandom >"$big"

way_start() { # way_start WAY USER: start it in the background; CLIENT[WAY] is what ends it
	local w=$1 u=$2 m=${MARK[$1]} fifo
	BEFORE[$w]=" $(sshd_of "$u" | tr '\n' ' ') "
	sshv "$u"
	case $w in
	exec) "${ADMIN[@]}" "$REPO/warrenctl" --config "$CONF" exec "$u" -- sleep "$m" </dev/null >/dev/null 2>&1 & ;;
	exec-root) "${ADMIN[@]}" "$REPO/warrenctl" --config "$CONF" exec "$u" --root -- sleep "$m" </dev/null >/dev/null 2>&1 & ;;
	helper-enter) "${ADMIN[@]}" "$HELPER" --config "$CONF" enter "$u" -- sleep "$m" </dev/null >/dev/null 2>&1 & ;;
	helper-enter-root) "${ADMIN[@]}" "$HELPER" --config "$CONF" enter-root "$u" -- sleep "$m" </dev/null >/dev/null 2>&1 & ;;
	enter) # a terminal (script), a login shell; what is typed comes through a FIFO
		fifo=$T/enter-$u.fifo
		rm -f "$fifo" && mkfifo "$fifo"
		script -qfec "nsenter --mount=/proc/$SSHD_PID/ns/mnt --net=/run/netns/$NS $REPO/warrenctl --config $CONF enter $u" /dev/null <"$fifo" >"$T/enter-$u.out" 2>&1 &
		CLIENT[$w]=$!
		exec {fd}>"$fifo"
		FIFO_FD[$w]=$fd
		# Typed once her shell prompts (typed ahead, a line may meet the terminal
		# before the relay has made it raw).
		for ((i = 0; i < 80; i++)); do grep -q "$u@$u:" "$T/enter-$u.out" 2>/dev/null && break; sleep 0.25; done
		printf 'exec sleep %s\n' "$m" >&$fd
		return ;;
	ssh-cmd) "${SSHV[@]}" "$u@127.0.0.1" "exec sleep $m" </dev/null >/dev/null 2>&1 & ;;
	ssh-pty) "${SSHV[@]}" -tt "$u@127.0.0.1" "exec sleep $m" </dev/null >/dev/null 2>&1 & ;;
	sftp)
		fifo=$T/sftp-$u.fifo
		rm -f "$fifo" && mkfifo "$fifo"
		"${NS_NET[@]}" timeout 120 sftp "${SSH_COMMON[@]}" -o UserKnownHostsFile="$T/known_hosts" \
			-i "$T/keys/$u" -P "$PORT" -b - "$u@127.0.0.1" <"$fifo" >/dev/null 2>&1 &
		CLIENT[$w]=$!
		exec {fd}>"$fifo"
		echo pwd >&$fd
		FIFO_FD[$w]=$fd
		return ;;
	scp) "${NS_NET[@]}" timeout 120 scp "${SSH_COMMON[@]}" -o UserKnownHostsFile="$T/known_hosts" \
		-i "$T/keys/$u" -P "$PORT" -O -l 8 "$big" "$u@127.0.0.1:big-scp" </dev/null >/dev/null 2>&1 & ;;
	rsync) "${NS_NET[@]}" timeout 120 rsync --bwlimit=1 -e "${rsh//%U/$u}" "$big" "$u@127.0.0.1:big-rsync" \
		</dev/null >/dev/null 2>&1 & ;;
	fwd-L) "${SSHV[@]}" -N -L "$((m - 978000)):127.0.0.1:7" "$u@127.0.0.1" </dev/null >/dev/null 2>&1 & ;;
	fwd-R) "${SSHV[@]}" -N -R "$((m - 978000)):127.0.0.1:7" "$u@127.0.0.1" </dev/null >/dev/null 2>&1 & ;;
	fwd-D) "${SSHV[@]}" -N -D "$((m - 978000))" "$u@127.0.0.1" </dev/null >/dev/null 2>&1 & ;;
	mux)
		"${SSHV[@]}" -N -o ControlMaster=yes -o ControlPath="$T/cm-$u" "$u@127.0.0.1" </dev/null >/dev/null 2>&1 &
		MASTER[$u]=$!
		for ((i = 0; i < 80; i++)); do [ -S "$T/cm-$u" ] && break; sleep 0.25; done
		"${SSHV[@]}" -o ControlMaster=no -o ControlPath="$T/cm-$u" "$u@127.0.0.1" "exec sleep $m" </dev/null >/dev/null 2>&1 & ;;
	background)
		"${SSHV[@]}" "$u@127.0.0.1" "nohup setsid sleep $m </dev/null >/dev/null 2>&1 &" </dev/null >/dev/null 2>&1
		CLIENT[$w]= ;;
	esac
	[ "$w" = background ] || CLIENT[$w]=$!
}
declare -A FIFO_FD MASTER

way_target() { # way_target WAY USER: the pid that stands for WAY (waits for it), or nothing
	local w=$1 u=$2 m=${MARK[$1]} p i comm
	for ((i = 0; i < 80; i++)); do
		for p in $(procs_of "$u"); do
			comm=$(cat "/proc/$p/comm" 2>/dev/null)
			case $w in
			sftp) [ "$comm" = sftp-server ] && { echo "$p"; return; } ;;
			scp) [ "$comm" = scp ] && { echo "$p"; return; } ;;
			rsync) [ "$comm" = rsync ] && { echo "$p"; return; } ;;
			fwd-*) [ "$(readlink "/proc/$p/exe")" = /usr/sbin/sshd ] && [[ ${BEFORE[$w]} != *" $p "* ]] &&
				{ echo "$p"; return; } ;;
			*) [ "$comm" = sleep ] && [ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "sleep $m " ] &&
				{ echo "$p"; return; } ;;
			esac
		done
		sleep 0.25
	done
}

way_end() { # way_end WAY USER: as its user would end it: her command ends (a command goes on
	# in her container when only the connection drops: that keeps it, rightly), or her
	# client goes; the admin's command ends
	local w=$1
	case $w in
	ssh-cmd | ssh-pty | mux | background | exec* | helper-enter* | enter)
		[ -n "${TARGET[$w]:-}" ] && kill -TERM "${TARGET[$w]}" 2>/dev/null
		[ "$w" = enter ] && close_fifo "$w" ;;
	sftp) close_fifo "$w" ;;
	*) [ -n "${CLIENT[$w]:-}" ] && kill -TERM "${CLIENT[$w]}" 2>/dev/null ;;
	esac
	[ "$w" = mux ] && [ -n "${MASTER[$2]:-}" ] && kill -TERM "${MASTER[$2]}" 2>/dev/null
	return 0
}
close_fifo() { local f=${FIFO_FD[$1]:-}; [ -n "$f" ] && exec {f}>&-; FIFO_FD[$1]=; }
ended() { # ended WAY: its process in the container is gone within 15 s, and so is its client
	# (but sftp's and scp's: one waits on its own stdin for the next command, the other
	# in its bandwidth limit, before they notice: a client's business)
	local p i
	for p in ${TARGET[$1]:-none} $(case $1 in background | sftp | scp) ;; *) echo "${CLIENT[$1]:-none}" ;; esac); do
		[ "$p" != none ] || { echo "no process to watch"; return 1; }
		for ((i = 0; i < 60; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
		kill -0 "$p" 2>/dev/null && { echo "pid $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)) still runs"; return 1; }
	done
	return 0
}

# --- the promises, on one process ---------------------------------------------------
status_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
lands_inside() { # PID USER: every namespace is her init's (or, for sshd, its children's)
	local p=$1 init ns mine theirs bad=
	init=$(init_of "$2")
	[ -n "$p" ] && [ -n "$init" ] || { echo "no process (pid '$p', init '$init')"; return 1; }
	for ns in user mnt pid net uts ipc cgroup time; do
		theirs=$(readlink "/proc/$init/ns/$ns" 2>/dev/null) || continue
		mine=$(readlink "/proc/$p/ns/$ns")
		[ "$mine" = "$theirs" ] && continue
		[ "$(readlink "/proc/$p/ns/${ns}_for_children" 2>/dev/null)" = "$theirs" ] && continue
		bad+=" $ns ($mine, init's $theirs)"
	done
	[ -z "$bad" ] || { echo "not in her namespaces:$bad"; return 1; }
}
in_cgroups() { # PID USER: her memory, pids and cpu cgroups (v1), or her v2 cgroup
	local c
	if [ -d /sys/fs/cgroup/pids/warren ]; then
		for c in memory pids cpu; do
			grep -Eq "^[0-9]+:([^:]*,)?$c(,[^:]*)?:/warren/$2\$" "/proc/$1/cgroup" ||
				{ echo "$c: $(grep -E "^[0-9]+:([^:]*,)?$c(,[^:]*)?:" "/proc/$1/cgroup")"; return 1; }
		done
	else
		grep -q "^0::/warren/$2\$" "/proc/$1/cgroup" || { cat "/proc/$1/cgroup"; return 1; }
	fi
}
confined() { # PID: the filter and no_new_privs
	[ "$(status_of "$1" Seccomp)" = 2 ] && [ "$(status_of "$1" NoNewPrivs)" = 1 ] ||
		{ grep -E '^(Seccomp|NoNewPrivs)' "/proc/$1/status"; return 1; }
}
powers() { # PID WAY USER: no capability as her; as root inside, Docker's set at most
	local p=$1 uid eff prm bnd
	uid=$(status_of "$p" Uid) eff=$(status_of "$p" CapEff) prm=$(status_of "$p" CapPrm) bnd=$(status_of "$p" CapBnd)
	case $2 in
	exec-root | helper-enter-root)
		[ "$uid" = "$(subid_base "$3")" ] && [ "$bnd" = 00000000a80425fb ] &&
			[ $((0x$eff & ~0xa80425fb)) -eq 0 ] || { echo "uid $uid eff $eff bnd $bnd"; return 1; } ;;
	fwd-*) # sshd's own process: her uid, no capability, the sessions' bounding set
		[ "$uid" = "$(id -u "$3")" ] && [ "$eff$prm" = 00000000000000000000000000000000 ] &&
			[ "$bnd" = 00000000a80425fb ] || { echo "uid $uid eff $eff prm $prm bnd $bnd"; return 1; } ;;
	exec | enter | helper-enter)
		[ "$uid" = "$(id -u "$3")" ] && [ "$eff$prm" = 00000000000000000000000000000000 ] ||
			{ echo "uid $uid eff $eff prm $prm"; return 1; } ;;
	*) # a session's program
		[ "$uid" = "$(id -u "$3")" ] && [ "$eff$prm" = 00000000000000000000000000000000 ] &&
			[ "$bnd" = 00000000a80425fb ] || { echo "uid $uid eff $eff prm $prm bnd $bnd"; return 1; } ;;
	esac
	# A terminal, where the way has one, is one of her devpts's.
	case $2 in
	enter | ssh-pty)
		local tty dev
		tty=$(readlink "/proc/$p/fd/0") dev=$(stat -c %d "/proc/$(init_of "$3")/root/dev/pts")
		[[ $tty == /dev/pts/* ]] && [ "$(stat -L -c %d "/proc/$p/fd/0")" = "$dev" ] ||
			{ echo "terminal $tty, not of her devpts ($dev)"; return 1; } ;;
	esac
}

# --- 1. each way, on wta's container: where it lands; then warrenctl stop ends them all
for w in "${WAYS[@]}"; do
	if [ "$w" = rsync ] && [ -z "$have_rsync" ]; then
		for d in "lands inside" "in her cgroups" "filter" "capabilities"; do skip "rsync: $d" "rsync is not installed on this host"; done
		continue
	fi
	way_start "$w" wta
	TARGET[$w]=$(way_target "$w" wta)
	p=${TARGET[$w]}
	[ -z "$p" ] && [ "$w" = enter ] && diag_file "$T/enter-wta.out"
	check "$w: lands inside her container (pid ${p:-none})" lands_inside "$p" wta
	check "$w: in her cgroups: memory, pids, cpu (her limits)" in_cgroups "${p:-0}" wta
	check "$w: under the container's filter, with no_new_privs" confined "${p:-0}"
	check "$w: $(case $w in *root) echo "root inside: her subordinate root, Docker's set at most" ;;
		*) echo "no capability" ;; esac)" powers "${p:-0}" "$w" wta
done
out=$("${ADMIN[@]}" "$REPO/warrenctl" stop wta 2>&1)
check "warrenctl stop wta with all of them running: $out" test "$out" = "wta: stopped"
for w in "${WAYS[@]}"; do
	if [ "$w" = rsync ] && [ -z "$have_rsync" ]; then skip "rsync: ended by warrenctl stop" "no rsync"; continue; fi
	check "$w: ended by warrenctl stop" ended "$w"
done
check "and nothing of her container is left" wait_container_gone wta 10
for u in wta; do [ -n "${MASTER[$u]:-}" ] && kill "${MASTER[$u]}" 2>/dev/null; done
for w in enter sftp; do close_fifo "$w"; done

# --- 2. idle_timeout = 1 s: each way keeps the container while it lives, and not after.
# Four at a time, each on its own user's container.
config 1
USERS=(wta wtb wtc wtexempt)
alive() { [ -n "$(init_of "$1")" ] && kill -0 "$(init_of "$1")" 2>/dev/null; }
# gone_after WAY USER: once the way has ended (for mux, its master client too: the
# connection stays while the master lives), USER's container is gone within 15 s
gone_after() {
	local m=${MASTER[$2]:-} i
	if [ "$1" = mux ] && [ -n "$m" ]; then
		for ((i = 0; i < 120; i++)); do kill -0 "$m" 2>/dev/null || break; sleep 0.25; done
		kill -0 "$m" 2>/dev/null && { echo "the ControlMaster (pid $m) still runs 30 s after TERM"; return 1; }
	fi
	wait_container_gone "$2" 15 || { ps -o pid,stat,wchan:24,etimes,args -p "$(procs_of "$2" | paste -sd,)" 2>/dev/null; return 1; }
}
batch=()
run_batch() {
	local i w u held=() t
	for i in "${!batch[@]}"; do
		w=${batch[i]} u=${USERS[i]}
		way_start "$w" "$u"
		TARGET[$w]=$(way_target "$w" "$u")
	done
	# 4 s: four times idle_timeout, and several of the supervisor's looks (every 0.5 s).
	t=$SECONDS
	while [ $((SECONDS - t)) -lt 4 ]; do
		for i in "${!batch[@]}"; do alive "${USERS[i]}" || held[i]=gone; done
		sleep 0.25
	done
	for i in "${!batch[@]}"; do
		w=${batch[i]} u=${USERS[i]}
		check "$w: keeps $u's container past idle_timeout (1 s) while it runs (pid ${TARGET[$w]:-none})" \
			test -n "${TARGET[$w]}" -a "${held[i]:-held}" = held
		way_end "$w" "$u"
	done
	for i in "${!batch[@]}"; do
		w=${batch[i]} u=${USERS[i]}
		check "$w: once it ends, the idle container stops" gone_after "$w" "$u"
		[ -n "${MASTER[$u]:-}" ] && kill "${MASTER[$u]}" 2>/dev/null
		MASTER[$u]=
	done
	batch=()
}
for w in "${WAYS[@]}"; do
	if [ "$w" = rsync ] && [ -z "$have_rsync" ]; then
		skip "rsync: keeps the container" "no rsync"; skip "rsync: then it stops" "no rsync"; continue
	fi
	batch+=("$w")
	[ ${#batch[@]} -eq ${#USERS[@]} ] && run_batch
done
[ ${#batch[@]} -gt 0 ] && run_batch
for u in "${USERS[@]}"; do helper_stop "$u" >/dev/null 2>&1; done
fixture_finish
