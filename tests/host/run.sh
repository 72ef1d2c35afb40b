#!/bin/bash
# tests/host/run.sh IMAGE - the real-host lane: boot a stock-shaped Debian 12 server
# (tests/host/build.sh: systemd, unified cgroup v2, pam_systemd, AppArmor) under qemu,
# copy this tree in, run ./install.sh there as an admin would, log in over ssh from
# this machine through a port forwarded on 127.0.0.1, check what the issue of such a
# host asks (tests/host/checks.sh), and run the end-to-end files that matter there
# inside it.  Everything is one TAP stream on stdout, its plan at the end.  Exits 77
# with a reason when this machine cannot run the lane.
#
# KVM is used where it really works, which only trying tells (as tests/vm/run.sh): the
# guest is started under KVM and its kernel must print within WARREN_VM_PROBE_SECS (20);
# otherwise it runs under TCG.  The guest has no network beyond qemu's forwarded port
# (restrict=on); its disk is a copy-on-write snapshot of the cached one, dropped at exit.
#   WARREN_HOST_E2E="10-landing ..."   the end-to-end files to run in the guest
#   WARREN_HOST_KEEP=1                 keep the logs ($T) and say where
#   WARREN_HOST_CACHE=DIR              the guest's cached disk and packages (default
#                                      /var/cache/warren-test/host)
set -uo pipefail
image=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tests/host
cache=${WARREN_HOST_CACHE:-/var/cache/warren-test/host}
probe_secs=${WARREN_VM_PROBE_SECS:-20}
e2e=${WARREN_HOST_E2E-10-landing 20-persistence 60-fail-closed 66-enter 68-gc 69-reset 70-warrenctl 75-limits 76-sessions 85-network}
. "$repo/tests/lib/tap.sh"

for need in qemu-system-x86_64 debootstrap mkfs.ext4 ssh ssh-keygen git; do
	command -v "$need" >/dev/null || { echo "cannot run the real-host lane: $need is not installed"; exit 77; }
done
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || { echo "cannot run the real-host lane: $repo is not a git checkout"; exit 77; }

T=$(mktemp -d /tmp/warren-host.XXXXXX)
qemu_pid=
finish() {
	[ -n "$qemu_pid" ] && stop_vm
	if [ -n "${WARREN_HOST_KEEP:-}" ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

secs_since() { echo $((SECONDS - $1)); }

t0=$SECONDS
if ! "$here/build.sh" "$cache" "$image" 2>"$T/build.err"; then
	echo "not ok 1 - the guest's disk is built (tests/host/build.sh)"
	sed 's/^/# /' "$T/build.err"
	echo "1..1"
	exit 1
fi
build_secs=$(secs_since "$t0")

# --- the VM ---------------------------------------------------------------------

# A free port on 127.0.0.1 for the guest's sshd.
port=
for p in $(seq 22700 22799); do
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
	port=$p
	break
done
[ -n "$port" ] || { echo "cannot run the real-host lane: no free port in 22700-22799"; exit 77; }

# start_vm ACCEL [QEMU-ARGS...] - boot the guest in the background; console in $T/console.log.
start_vm() {
	local accel=$1
	shift
	: >"$T/console.log"
	qemu-system-x86_64 -machine pc -accel "$accel" "$@" -smp 2 -m 3072 -no-reboot \
		-kernel "$cache/vmlinuz" -initrd "$cache/initrd.img" \
		-append "root=/dev/vda ro console=ttyS0" \
		-drive file="$cache/disk.img",format=raw,if=virtio,cache=unsafe,snapshot=on \
		-netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:"$port"-:22 \
		-device virtio-net-pci,netdev=n0,addr=3 \
		-display none -monitor none -serial file:"$T/console.log" \
		</dev/null >"$T/qemu.log" 2>&1 &
	qemu_pid=$!
}

stop_vm() {
	[ "$(cat "/proc/$qemu_pid/comm" 2>/dev/null)" = qemu-system-x86 ] && kill -KILL "$qemu_pid"
	wait "$qemu_pid" 2>/dev/null
	qemu_pid=
}

# try_kvm - 0 once a KVM guest printed its first console line (it goes on), else 1 with
# the reason in $kvm_why and no VM left.
try_kvm() {
	local i
	[ "${WARREN_VM_KVM:-auto}" = off ] && { kvm_why="WARREN_VM_KVM=off"; return 1; }
	start_vm kvm -cpu host
	for ((i = 0; i < probe_secs * 10; i++)); do
		[ -s "$T/console.log" ] && return 0
		if ! kill -0 "$qemu_pid" 2>/dev/null; then
			wait "$qemu_pid"
			qemu_pid=
			kvm_why="qemu -accel kvm exited: $(grep -m1 -v '^$' "$T/qemu.log" | cut -c1-160)"
			return 1
		fi
		sleep 0.1
	done
	stop_vm
	kvm_why="the guest printed nothing within ${probe_secs} s under kvm"
	return 1
}

t0=$SECONDS
if try_kvm; then
	accel=kvm
else
	accel="tcg (kvm: $kvm_why)"
	start_vm tcg,thread=multi -cpu max
fi

SSH_OPTS=(-F /dev/null -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=30)
# groot CMD... - a command as root in the guest, over one shared connection (root is
# never jailed; each new ssh handshake costs seconds under TCG).
groot() {
	ssh "${SSH_OPTS[@]}" -i "$cache/key" -o ControlMaster=auto -o ControlPath="$T/root.sock" \
		-o ControlPersist=yes root@127.0.0.1 "$@"
}

for ((i = 0; i < 300; i++)); do
	groot true </dev/null 2>/dev/null && break
	kill -0 "$qemu_pid" 2>/dev/null || break
	sleep 2
done
if ! groot true </dev/null 2>/dev/null; then
	not_ok "the guest boots to sshd ($accel)"
	diag "$(tail -n 25 "$T/console.log" | tr -d '\r')"
	echo "1..$TAP_N"
	exit 1
fi
ok "the guest boots to sshd on 127.0.0.1:$port in $(secs_since "$t0") s ($accel; disk ready in $build_secs s)"

# --- the tree, installed as the README says --------------------------------------

t0=$SECONDS
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf -) | groot 'rm -rf /root/warren && mkdir /root/warren && tar -xf - -C /root/warren'
# Both (emulated) cores for the build, as an admin's MAKEFLAGS would.
if groot 'cd /root/warren && MAKEFLAGS=-j2 ./install.sh' >"$T/install.log" 2>&1 </dev/null; then
	ok "./install.sh in the guest ($(secs_since "$t0") s, the tree copied in)"
else
	not_ok "./install.sh in the guest"
	diag_file "$T/install.log" 30
fi

# --- the end-to-end files that matter on such a host, in the guest ----------------

# tap_merge NAME FILE - FILE's TAP as results of ours, their descriptions prefixed with
# NAME; one failure more if it stopped short of its plan.
tap_merge() {
	local name=$1 line n=0 planned= desc
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		1..*) planned=${line#1..} planned=${planned%% *} ;;
		'not ok '*)
			n=$((n + 1)) desc=${line#not ok }
			desc=${desc#"${desc%%[!0-9]*}"} desc=${desc# } desc=${desc#- }
			not_ok "$name: $desc" ;;
		'ok '*)
			n=$((n + 1)) desc=${line#ok }
			desc=${desc#"${desc%%[!0-9]*}"} desc=${desc# } desc=${desc#- }
			ok "$name: $desc" ;;
		'#'*) echo "#   $line" ;;
		*) [ -n "$line" ] && echo "#   | $line" ;;
		esac
	done <"$2"
	if [ -z "$planned" ] || [ "$n" -ne "$planned" ]; then
		not_ok "$name: ran to its plan ($n of ${planned:-?} results)"
	fi
}

for f in $e2e; do
	t0=$SECONDS
	groot "cd /root/warren && timeout -k 30 900 bash tests/e2e/$f.sh" >"$T/e2e-$f.log" 2>&1 </dev/null
	tap_merge "$f (guest)" "$T/e2e-$f.log"
	diag "$f in the guest: $(secs_since "$t0") s"
done

# --- the lane's own checks: real logins and what systemd does with them -------------

. "$here/checks.sh"
host_checks

groot 'systemctl poweroff' </dev/null >/dev/null 2>&1
for ((i = 0; i < 600; i++)); do
	kill -0 "$qemu_pid" 2>/dev/null || break
	sleep 0.1
done
echo "1..$TAP_N"
[ "$TAP_FAILED" -eq 0 ]
