# tests/host/checks.sh - the real-host lane's own checks (sourced by tests/host/run.sh,
# which provides groot, SSH_OPTS, $T and tap.sh): real SSH logins from this machine into
# the guest, and what systemd, logind and pam_systemd do with them.  As the README
# promises for such a host: warren's cgroups only in a scope systemd delegated to it,
# untouched by systemd's reloads; a jailed login still a logind session but with no
# systemd user manager of hers on the host; a runtime dir of her own inside.
# shellcheck shell=bash disable=SC2016

# glogin USER [SSH-OPTS...] -- CMD... - USER's login from this machine (a fresh connection),
# bounded by GLOGIN_SECS (300).
glogin() {
	local user=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	timeout "${GLOGIN_SECS:-300}" ssh "${SSH_OPTS[@]}" -i "$T/key-$user" "${opts[@]}" "$user@127.0.0.1" "$@"
}

# gwait SECS CMD - poll CMD (a shell line, as root in the guest) until it succeeds.
gwait() {
	groot "for i in \$(seq $(($1 * 4))); do $2 && exit 0; sleep 0.25; done; exit 1" </dev/null
}

host_add_user() { # host_add_user NAME [GROUP]: a user as Debian's adduser makes her, with our key
	ssh-keygen -q -t ed25519 -N '' -f "$T/key-$1" || return 1
	groot "set -e
		adduser --disabled-password --gecos '' $1 >/dev/null
		${2:+usermod -aG $2 $1}
		install -d -m 0700 -o $1 -g $1 /home/$1/.ssh
		cat >/home/$1/.ssh/authorized_keys
		chown $1: /home/$1/.ssh/authorized_keys" <"$T/key-$1.pub"
}

host_shape_checks() {
	local out
	out=$(groot 'cat /proc/1/comm; stat -fc %T /sys/fs/cgroup; aa-enabled; grep -cE "^session[[:space:]].*pam_systemd.so" /etc/pam.d/common-session
		uname -r; systemctl --version | head -n 1; systemd-analyze | head -n 1' </dev/null 2>&1)
	mapfile -t L <<<"$out"
	check "host: pid 1 is systemd (${L[0]:-})" test "${L[0]:-}" = systemd
	check "host: the unified cgroup v2 hierarchy alone (${L[1]:-})" test "${L[1]:-}" = cgroup2fs
	check "host: AppArmor is enabled (${L[2]:-})" test "${L[2]:-}" = Yes
	check "host: pam_systemd is in common-session" test "${L[3]:-0}" -ge 1
	diag "guest: kernel ${L[4]:-?}, ${L[5]:-?}; ${L[6]:-}"
}

host_login_checks() {
	local out t0 uid
	host_add_user alice warren && host_add_user bob || { not_ok "users alice (jailed) and bob"; return; }
	uid=$(groot 'id -u alice' </dev/null)
	t0=$SECONDS
	out=$(glogin alice -- 'hostname; cat /proc/1/comm; echo "${XDG_RUNTIME_DIR:-unset}"
		stat -c "%U %a" "$XDG_RUNTIME_DIR"; stat -f -c %T "$XDG_RUNTIME_DIR"' 2>&1)
	mapfile -t L <<<"$out"
	check "alice's first login from this machine lands in her container ($((SECONDS - t0)) s: ${L[0]:-}, pid 1 ${L[1]:-})" \
		test "${L[0]:-}/${L[1]:-}" = alice/warren-init || diag "$out"
	check "XDG_RUNTIME_DIR inside is /run/user/$uid (${L[2]:-})" test "${L[2]:-}" = "/run/user/$uid"
	check "and it is hers, 0700, on a tmpfs (${L[3]:-} ${L[4]:-})" test "${L[3]:-} ${L[4]:-}" = "alice 700 tmpfs"
	out=$(glogin bob -- hostname 2>&1)
	check "bob, not jailed, lands on the host ($out)" test "$out" = realhost
}

# A held login of USER (sleep 900): its ssh's pid in held_USER, once its sleep runs.
hold() {
	GLOGIN_SECS=900 glogin "$1" -n -- 'exec sleep 900' >/dev/null 2>&1 &
	printf -v "held_$1" %s $!
	gwait 120 "pgrep -u $1 -x sleep >/dev/null"
}

# The cgroup (v2 path) of USER's sleep; of USER's supervisor.
cg_of_sleep() { groot "cut -d: -f3 /proc/\$(pgrep -u $1 -x sleep | head -n 1)/cgroup" </dev/null; }
cg_of_supervisor() { groot "cut -d: -f3 /proc/\$(pgrep -f 'warren-helper.* $1\$' | head -n 1)/cgroup" </dev/null; }

host_cgroup_checks() {
	local scope=/warren.slice/warren-alice.scope cg sup before after out auid buid
	before=$(groot 'cat /sys/fs/cgroup/cgroup.subtree_control' </dev/null)
	hold alice || { not_ok "a held login of alice"; return; }
	hold bob || not_ok "a held login of bob"
	cg=$(cg_of_sleep alice)
	check "cgroups: her session is in $scope/container ($cg)" test "$cg" = "$scope/container"
	check "cgroups: in a scope systemd delegated to warren (Delegate=yes)" \
		test "$(groot "systemctl show -P Delegate warren-alice.scope" </dev/null)" = yes
	sup=$(cg_of_supervisor alice)
	check "cgroups: her container's supervisor is in $scope/supervisor ($sup)" test "$sup" = "$scope/supervisor"
	out=$(groot "cd /sys/fs/cgroup$scope/container && echo \$(cat memory.max pids.max cpu.max)" </dev/null)
	check "cgroups: her limits apply there (memory.max, pids.max, cpu.max: $out)" \
		test "$out" = "1073741824 512 100000 100000"
	check_not "cgroups: nothing of warren's at the root of the tree" groot 'ls -d /sys/fs/cgroup/warren' </dev/null
	after=$(groot 'cat /sys/fs/cgroup/cgroup.subtree_control' </dev/null)
	diag "root cgroup.subtree_control: '$before' before, '$after' with a container"
	out=$(groot 'systemd-cgls --no-pager -u warren.slice' </dev/null 2>&1)
	check "systemd-cgls shows her container in warren.slice" grep -q 'warren-alice.scope' <<<"$out" || diag "$out"

	# logind and pam_systemd
	auid=$(groot 'id -u alice' </dev/null)
	buid=$(groot 'id -u bob' </dev/null)
	out=$(groot 'for s in $(loginctl list-sessions --no-legend | awk "\$3 == \"alice\" {print \$1}"); do loginctl show-session -P State $s; done' </dev/null)
	check "logind: her jailed login is an active logind session" grep -qx active <<<"$out" || diag "$out"
	check_not "logind: no systemd user manager of hers runs on the host (user@$auid.service)" \
		groot "systemctl is-active --quiet user@$auid.service" </dev/null
	check "logind: bob, not jailed, has his (user@$buid.service)" \
		groot "systemctl is-active --quiet user@$buid.service" </dev/null

	# systemd's reloads and a logind restart leave it all where it was
	groot 'systemd-analyze log-level debug; systemctl daemon-reload; systemctl daemon-reexec
		systemctl restart systemd-logind; systemd-analyze log-level info' </dev/null
	check "after daemon-reload, daemon-reexec and a logind restart: her session stays in $scope/container" \
		test "$(cg_of_sleep alice)" = "$scope/container"
	check "and her supervisor stays in $scope/supervisor" test "$(cg_of_supervisor alice)" = "$scope/supervisor"
	out=$(groot "journalctl -b -o cat | grep -c 'Failed to disable controller'" </dev/null)
	check "systemd never fights over a controller warren enabled (${out:-?} 'Failed to disable controller')" test "${out:-1}" = 0
	out=$(glogin alice -- 'echo $(cat /proc/1/comm; readlink /proc/self/ns/pid)' 2>&1)
	check "and her next login lands in the same container ($out)" \
		test "$out" = "$(groot "echo warren-init \$(readlink /proc/\$(pgrep -u alice -x sleep | head -n 1)/ns/pid)" </dev/null)"
	out=$(groot 'loginctl list-sessions --no-legend' </dev/null)
	check "logind, restarted, still lists her held session" grep -q ' alice ' <<<"$out" || diag "$out"

	groot 'loginctl terminate-user alice' </dev/null
	for ((i = 0; i < 120; i++)); do kill -0 "$held_alice" 2>/dev/null || break; sleep 0.25; done
	check_not "loginctl terminate-user alice ends her held login" kill -0 "$held_alice"
	kill "$held_bob" 2>/dev/null
	wait "$held_alice" "$held_bob" 2>/dev/null

	groot 'warrenctl stop alice' </dev/null >/dev/null 2>&1
	check "warrenctl stop: her scope is gone, and with it her cgroups" \
		gwait 30 '! systemctl is-active --quiet warren-alice.scope && [ ! -e /sys/fs/cgroup/warren.slice/warren-alice.scope ]'
}

# pam_systemd's user manager would run units from her host home on the host: none may.
host_user_manager_checks() {
	local out
	groot 'd=/home/alice/.config/systemd/user; mkdir -p $d/default.target.wants
		printf "[Service]\nType=oneshot\nExecStart=/bin/touch /tmp/ran-from-alice-host-home\n" >$d/probe.service
		ln -sf ../probe.service $d/default.target.wants/probe.service; chown -R alice: /home/alice/.config
		rm -f /tmp/ran-from-alice-host-home' </dev/null
	glogin alice -- true
	check_not "a unit in her host home does not run on the host at her jailed login" \
		gwait 10 'test -e /tmp/ran-from-alice-host-home'
	out=$(groot 'warrenctl doctor' </dev/null 2>&1)
	check "warrenctl doctor: pam_systemd is set up to start no user manager for jailed users" \
		grep -q '^ok .*pam_systemd' <<<"$out" || diag "$out"
	check "warrenctl doctor: healthy" grep -qx healthy <<<"$out"
}

# An admin's systemctl stop of her scope stops her container as warrenctl stop does.
host_scope_stop_checks() {
	local out i
	hold alice || { not_ok "a held login of alice"; return; }
	groot 'systemctl stop warren-alice.scope' </dev/null
	check "systemctl stop warren-alice.scope ends her container, and its supervisor cleans up" \
		gwait 60 '! systemctl is-active --quiet warren-alice.scope && [ ! -e /run/warren/users/alice/state ] &&
			[ ! -e /sys/fs/cgroup/warren.slice/warren-alice.scope ] && ! pgrep -u alice >/dev/null'
	out=$(groot 'warrenctl log alice | tail -n 1' </dev/null)
	check "and warrenctl log says it stopped (asked to)" grep -q 'stopped .*(asked to)' <<<"$out" || diag "$out"
	for ((i = 0; i < 120; i++)); do kill -0 "$held_alice" 2>/dev/null || break; sleep 0.25; done
	check_not "and her held login is over" kill -0 "$held_alice"
	wait "$held_alice" 2>/dev/null
}

# warren-mkimage killed in the middle of a build leaves nothing mounted on the host: a
# debootstrap that mounts /proc in the new root (as the real one does) and waits.
host_mkimage_checks() {
	local out
	out=$(groot 'set -u; d=$(mktemp -d); mkdir $d/bin
		printf "#!/bin/sh\nfor a; do t=\$r; r=\$a; done\nmkdir -p \$t/proc && mount -t proc proc \$t/proc && touch '"'"'$d/mounted'"'"' && exec sleep 600\n" >$d/bin/debootstrap
		chmod +x $d/bin/debootstrap
		PATH=$d/bin:$PATH setsid /usr/libexec/warren/warren-mkimage $d/image >/dev/null 2>&1 &
		for i in $(seq 200); do [ -e $d/mounted ] && break; sleep 0.1; done
		[ -e $d/mounted ] || echo "the stub never mounted"
		kill -KILL -- -$!; wait 2>/dev/null
		for i in $(seq 40); do pgrep -f "$d/bin" >/dev/null || break; sleep 0.1; done
		grep " $d/" /proc/self/mountinfo && grep " $d/" /proc/self/mountinfo | cut -d" " -f5 | xargs -r umount -l
		rm -rf --one-file-system $d' </dev/null 2>/dev/null)
	check "warren-mkimage killed mid-build leaves no /proc mounted on the host" test -z "$out" || diag "$out"
}

host_checks() {
	host_shape_checks
	host_login_checks
	host_cgroup_checks
	host_user_manager_checks
	host_scope_stop_checks
	host_mkimage_checks
}
