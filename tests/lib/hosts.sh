# hosts.sh - more login hosts beside the fixture's, for the fleet's tests across hosts
# (93-fleet-hosts).  Sourced after tests/lib/fixture.sh and tests/lib/etcd.sh, once
# fixture_start ran.  The fixture's sshd is host "a" (this machine's name); host_start
# NAME makes another: a network namespace of its own ($NS-NAME) where an sshd listens on
# 127.0.0.1:$PORT as the fixture's does, in a mount namespace of its own (a slave of the
# host's) where /run/warren is a tmpfs of its own and $CONF is that host's config
# ($T/host-NAME/warren.conf, bound over it: the PAM service, and so the path, is the
# same), and a UTS namespace named login-NAME (the name its fleet lease says).  etcd runs
# in a namespace of its own ($NS-etcd), reached from every host through a veth pair of its
# own (hosts_etcd_cut NAME takes one down).  Everything is removed by hosts_stop, which
# the test's EXIT trap calls before fixture_finish.
#
#   host_start NAME [BIND...]     BIND: "FILE:TARGET" bound over TARGET in its namespace
#   on_host NAME CMD...           CMD in its network and mount namespaces (NAME "a": the
#                                 fixture's)
#   hssh NAME USER -- CMD         tssh to that host's sshd
#   host_config NAME TEXT         write its config, in place (never write_config then)
#   host_stop_user NAME USER      warren-helper stop USER there
#   host_kill NAME                SIGKILL to every process of that host, its
#                                 namespace gone (a host that died)
#   hosts_etcd_start              etcd in $NS-etcd, linked to each host started so far
#   hosts_etcd_url NAME           the endpoint that host reaches etcd at
#   hosts_etcd_cut NAME, hosts_etcd_mend NAME   its link to etcd down, up
#   hosts_store_start DIR         a GlusterFS volume (glusterd and its brick in network,
#                                 mount and pid namespaces of their own, $NS-store,
#                                 reached from each host through a link of its own),
#                                 FUSE-mounted at DIR in every host; fails, saying why,
#                                 when GlusterFS cannot run here
#   hosts_stop                    every host but "a" (her containers stopped on "a" too),
#                                 the store, and etcd

declare -A HOST_SSHD=() HOST_INDEX=()
HOSTS_ETCD_NS=
HOSTS_ETCD_PID=
HOSTS_STORE_NS=
HOSTS_STORE_PID= # pid 1 of the store's pid namespace: every gluster process dies with it
HOSTS_STORE_DIR=
STORE_ADDR=10.79.0.1

host_dir() { echo "$T/host-$1"; }
# Its cgroup trees: a directory of each hierarchy this machine mounts, bound over that
# hierarchy in its mount namespace (a real host's cgroups are its own: warren/USER of one
# host is not another's).  Made, and removed, by the test.
host_cgroups() {
	local mnt
	awk '$3 ~ /^cgroup2?$/ && $2 ~ "^/sys/fs/cgroup/" { print $2 }' /proc/self/mounts |
		while read -r mnt; do echo "$mnt/warren-test-$$-$1:$mnt"; done
}
host_ns() { [ "$1" = a ] && echo "$NS" || echo "$NS-$1"; }
hosts_etcd_url() { echo "http://10.78.${HOST_INDEX[$1]}.1:2379"; }

host_start() {
	local name=$1 d i
	shift
	d=$(host_dir "$name")
	mkdir -p -m 0755 "$d/dev" "$d/bin" "$d/state" || return 1
	HOST_INDEX[$name]=$((${#HOST_INDEX[@]} + 1))
	ln -s "$T/logsink" "$d/logsink" && ln -s /usr/sbin/sshd "$d/bin/$SVC" || return 1
	sed "s|^PidFile .*|PidFile $d/sshd.pid|" "$T/sshd_config" >"$d/sshd_config" || return 1
	touch "$d/syslog" "$d/warren.conf" && chmod 0644 "$d/warren.conf"
	ip netns add "$(host_ns "$name")" && ip -n "$(host_ns "$name")" link set lo up || return 1
	local binds="mount -t tmpfs -o mode=0755,size=8m warren-test-run /run/warren
mount --bind '$d/warren.conf' '$CONF'
hostname login-$name"
	for i in $(host_cgroups "$name"); do
		mkdir "${i%%:*}" || return 1
		case $i in # a cpuset takes tasks only with cpus and mems
		*/cpuset/*) cat "${i#*:}/cpuset.cpus" >"${i%%:*}/cpuset.cpus" &&
			cat "${i#*:}/cpuset.mems" >"${i%%:*}/cpuset.mems" || return 1 ;;
		esac
	done
	for i in $(host_cgroups "$name") "$@"; do binds="$binds
mount --bind '${i%%:*}' '${i#*:}'"; done
	mkdir -p /run/warren
	# Started in a subshell, so that it is no job of the test's (a host killed is no news).
	HOST_SSHD[$name]=$(nsenter --net="/run/netns/$(host_ns "$name")" unshare -m -u --propagation slave \
		bash -c "set -e
$binds
exec bash -c \"\$1\" warren-test-ns '$d' '$SVC'" warren-test-host "$fixture_ns_script" \
		</dev/null >>"$d/sshd.log" 2>&1 {FIXTURE_LOCK_FD}>&- & echo $!)
	for ((i = 0; i < 300; i++)); do
		pid_alive "${HOST_SSHD[$name]}" || break
		on_host "$name" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "host $name: sshd does not accept connections:"
	tail -n 20 "$d/sshd.log"
	return 1
}

on_host() {
	local name=$1
	shift
	if [ "$name" = a ]; then
		nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" "$@"
	else
		nsenter --mount="/proc/${HOST_SSHD[$name]}/ns/mnt" --uts="/proc/${HOST_SSHD[$name]}/ns/uts" \
			--net="/run/netns/$(host_ns "$name")" "$@"
	fi
}

hssh() {
	local name=$1
	shift
	NS=$(host_ns "$name") tssh "$@"
}

# In place, host a's too: a rename over $CONF would take the other hosts' binds of it
# away (the kernel detaches mounts on a dentry renamed over, in every namespace).
host_config() {
	local f=$CONF
	[ "$1" = a ] || f=$(host_dir "$1")/warren.conf
	printf '%s\n' "$2" >"$f"
}

host_stop_user() {
	pid_alive "${HOST_SSHD[$1]:-$SSHD_PID}" || return 0
	on_host "$1" timeout 20 "$HELPER" --config "$CONF" stop "$2"
}

# Every process of host NAME: its sshd's namespaces' (its sshd, logins, warren's
# supervisors and keepers) and, through the supervisors' death, its containers (they die
# with their supervisor).  Then its network namespace.
host_kill() {
	local name=$1 ns pids
	ns=$(host_ns "$name")
	# A dead host says nothing more: off etcd first, or its lease keepers, seeing their
	# supervisors die before them, would revoke her lease (an orderly end, not a death).
	[ -n "${HOSTS_ETCD_NS:-}" ] && hosts_etcd_cut "$name" 2>/dev/null
	for _ in $(seq 50); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -z "$pids" ] && break
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null
		sleep 0.1
	done
	unset "HOST_SSHD[$name]"
	ip netns del "$ns" 2>/dev/null
}

hosts_etcd_start() {
	local name i
	HOSTS_ETCD_NS=$NS-etcd
	ip netns add "$HOSTS_ETCD_NS" && ip -n "$HOSTS_ETCD_NS" link set lo up || return 1
	for name in a "${!HOST_SSHD[@]}"; do
		[ -n "${HOST_INDEX[$name]:-}" ] || HOST_INDEX[$name]=$((${#HOST_INDEX[@]} + 1))
		i=${HOST_INDEX[$name]}
		hosts_link "$HOSTS_ETCD_NS" "$name" fleet0 "10.78.$i.1" "10.78.$i.2" || return 1
	done
	etcd_start HOSTS_ETCD_PID "$T/etcd.log" "$HOSTS_ETCD_NS" m1 "$T/etcd" http://0.0.0.0:2379 \
		http://127.0.0.1:2380 m1=http://127.0.0.1:2380 --advertise-client-urls http://127.0.0.1:2379
}

# A veth pair from namespace FROM (its end e-NAME, FROM_ADDR/30) to host NAME's (its end
# LINK, HOST_ADDR/30).
hosts_link() {
	local from=$1 name=$2 link=$3 from_addr=$4 host_addr=$5
	ip -n "$from" link add "e-$name" type veth peer name "$link" netns "$(host_ns "$name")" &&
		ip -n "$from" addr add "$from_addr/30" dev "e-$name" &&
		ip -n "$from" link set "e-$name" up &&
		ip -n "$(host_ns "$name")" addr add "$host_addr/30" dev "$link" &&
		ip -n "$(host_ns "$name")" link set "$link" up
}

store_in() { nsenter -t "$HOSTS_STORE_PID" -m -n -p -- "$@"; }

hosts_store_start() {
	local dir=$1 d=$T/gluster name i up
	command -v glusterd >/dev/null && command -v mount.glusterfs >/dev/null ||
		{ echo "no glusterd or mount.glusterfs (apt-get install glusterfs-server glusterfs-client)"; return 1; }
	[ -d /var/lib/glusterd ] || { echo "no /var/lib/glusterd to hide behind the store's own"; return 1; }
	HOSTS_STORE_NS=$NS-store
	mkdir -p "$d/lib" "$d/log" "$d/run" "$d/tmp" "$d/brick" || return 1
	ip netns add "$HOSTS_STORE_NS" && ip -n "$HOSTS_STORE_NS" link set lo up &&
		ip -n "$HOSTS_STORE_NS" addr add "$STORE_ADDR/32" dev lo || return 1
	# glusterd's state, logs, sockets and temporary files are its namespace's own.
	ip netns exec "$HOSTS_STORE_NS" unshare -m -p --fork --propagation private sh -c "
		mount -t proc proc /proc && mount --bind '$d/lib' /var/lib/glusterd &&
		mount --bind '$d/log' /var/log/glusterfs 2>/dev/null || mount --bind '$d/log' /var/log
		mount --bind '$d/run' /run && mkdir -p /run/gluster /run/lock /run/brick &&
		mount --bind '$d/brick' /run/brick && mount --bind '$d/tmp' /tmp &&
		exec sleep infinity" </dev/null >"$d/holder.log" 2>&1 {FIXTURE_LOCK_FD}>&- &
	up=$!
	for _ in $(seq 100); do
		HOSTS_STORE_PID=$(awk '{ print $1 }' "/proc/$up/task/$up/children" 2>/dev/null)
		[ -n "$HOSTS_STORE_PID" ] && [ "$(readlink "/proc/$HOSTS_STORE_PID/exe")" = /usr/bin/sleep ] && break
		HOSTS_STORE_PID=
		sleep 0.1
	done
	[ -n "$HOSTS_STORE_PID" ] || { echo "the store's namespaces did not come up:"; cat "$d/holder.log"; return 1; }
	store_in glusterd -p /run/gluster/glusterd.pid || { echo "glusterd did not start"; return 1; }
	for _ in $(seq 150); do
		store_in gluster --mode=script volume info >/dev/null 2>&1 && break
		sleep 0.2
	done
	store_in gluster --mode=script volume create store "$STORE_ADDR:/run/brick" force >"$d/create.log" 2>&1 &&
		store_in gluster --mode=script volume start store >>"$d/create.log" 2>&1 ||
		{ echo "the volume could not be made:"; cat "$d/create.log"; return 1; }
	# Its brick process online (a port of its own) before a client asks for it.
	for _ in $(seq 100); do
		store_in gluster --mode=script volume status store 2>/dev/null |
			grep -q "^Brick $STORE_ADDR:/run/brick .* Y " && break
		sleep 0.1
	done
	for name in a "${!HOST_SSHD[@]}"; do
		i=${HOST_INDEX[$name]}
		hosts_link "$HOSTS_STORE_NS" "$name" store0 "10.79.$i.1" "10.79.$i.2" &&
			ip -n "$(host_ns "$name")" route add "$STORE_ADDR/32" via "10.79.$i.1" || return 1
		# The fixture's /dev holds only what sshd needs: FUSE's device too, for the client.
		on_host "$name" sh -c '[ -e /dev/fuse ] || mknod -m 0666 /dev/fuse c 10 229' || return 1
		# Direct I/O: what one host writes, the next reads from the brick, not a cache.
		on_host "$name" mount -t glusterfs -o "direct-io-mode=enable,log-file=$d/client-$name.log" \
			"$STORE_ADDR:/store" "$dir" ||
			{ echo "host $name cannot mount the volume:"; grep -E '\] (E|W) \[' "$d/client-$name.log" | tail -n 3; return 1; }
	done
	HOSTS_STORE_DIR=$dir
}

hosts_store_stop() {
	local name
	[ -n "$HOSTS_STORE_NS" ] || return 0
	for name in a "${!HOST_SSHD[@]}"; do
		[ -n "$HOSTS_STORE_DIR" ] && on_host "$name" umount -l "$HOSTS_STORE_DIR" 2>/dev/null
	done
	if [ -n "$HOSTS_STORE_PID" ] && [ "$(readlink "/proc/$HOSTS_STORE_PID/exe")" = /usr/bin/sleep ]; then
		store_in gluster --mode=script volume stop store force >/dev/null 2>&1
		kill -KILL "$HOSTS_STORE_PID"
		for _ in $(seq 50); do [ -d "/proc/$HOSTS_STORE_PID" ] || break; sleep 0.1; done
	fi
	ip netns del "$HOSTS_STORE_NS" 2>/dev/null
	HOSTS_STORE_NS= HOSTS_STORE_PID= HOSTS_STORE_DIR=
}

hosts_etcd_cut() { ip -n "$HOSTS_ETCD_NS" link set "e-$1" down; }
# The link back up, and waited for until the host reaches etcd again: its neighbour entry
# for etcd failed while the link was down, and until it is resolved anew a connect says "No
# route to host" (seen: the first logins on the host right after, refused for it).
hosts_etcd_mend() {
	local url
	ip -n "$HOSTS_ETCD_NS" link set "e-$1" up || return 1
	url=$(hosts_etcd_url "$1")
	url=${url#http://}
	for _ in $(seq 100); do
		on_host "$1" timeout 1 bash -c ": </dev/tcp/${url%:*}/${url##*:}" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Its cgroup trees, once what ran in them is gone (10 s at most).
host_cgroups_remove() {
	local i
	for i in $(host_cgroups "$1"); do
		[ -d "${i%%:*}" ] || continue
		for _ in $(seq 100); do
			find "${i%%:*}" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "${i%%:*}" ] || break
			sleep 0.1
		done
	done
}

hosts_stop() {
	local name u
	# Her containers first, everywhere, while the store is still there to unmount from.
	for name in a "${!HOST_SSHD[@]}"; do
		for u in "${TEST_USERS[@]}"; do host_stop_user "$name" "$u" >/dev/null 2>&1; done
	done
	hosts_store_stop
	for name in "${!HOST_SSHD[@]}"; do host_kill "$name"; done
	for name in "${!HOST_INDEX[@]}"; do [ "$name" = a ] || host_cgroups_remove "$name"; done
	[ -n "$HOSTS_ETCD_PID" ] && etcd_stop "$HOSTS_ETCD_PID"
	HOSTS_ETCD_PID=
	[ -n "$HOSTS_ETCD_NS" ] && ip netns del "$HOSTS_ETCD_NS" 2>/dev/null
	HOSTS_ETCD_NS=
	return 0
}
