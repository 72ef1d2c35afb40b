#!/bin/bash
# 86-isolation-matrix.sh - warren.conf(5), network and peers, for every pair: two users'
# containers reach each other, over TCP and UDP, exactly when both get peers = true from
# the same place (the same groups entry, or defaults) and both have an address; for every
# pair of modes (nat, isolated, none) and every relation (no peers, the same peers group,
# two different peers groups, one in a group and one not, peers from a users entry).
# Over IPv4 and over IPv6 alike (bridge.ipv6, on by default): the same rules for both
# families, and "none" has no address of either.
# Each container listens on TCP 8002 and UDP 8003, both families (its netns, as host root:
# the firewall is on the host's side); each probes the three others at once, at both of
# their addresses.  The test netns (the host) reaches every listener, over IPv4 and over
# IPv6: the control that they are up, so that a "blocked" is the rule's.
# One probe goes around the gateway too, over IPv4 and over IPv6: an on-link route and a
# static neighbour, straight across the bridge, which only its port isolation stops
# (br_netfilter off in the test netns for it, where the host has it).
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

USERS=(wta wtb wtc wtexempt)
# Rounds: NAME, then per user MODE:PLACE (PLACE: where peers = true comes from, - none).
ROUNDS=(
	"no-peers wta=nat:- wtb=nat:- wtc=isolated:- wtexempt=isolated:-"
	"peers-nat wta=nat:wtga wtb=nat:wtga wtc=nat:wtgb wtexempt=nat:-"
	"peers-mixed wta=nat:wtga wtb=isolated:wtga wtc=isolated:wtgb wtexempt=nat:-"
	"peers-isolated wta=isolated:wtga wtb=isolated:wtga wtc=nat:wtgb wtexempt=isolated:-"
	"peers-defaults wta=nat:defaults wtb=isolated:defaults wtc=nat:user wtexempt=isolated:defaults"
	"none wta=none:wtga wtb=nat:wtga wtc=isolated:wtgb wtexempt=none:-"
)
# A round: its control, over IPv4 and over IPv6, and 12 directed pairs, over each family
# (the none round: 6 pairs, and 2 without address); and the probe around the gateway, over
# each family (4).
fixture_start 150

groupadd wtga && groupadd wtgb && usermod -aG wtga wta && usermod -aG wtga wtb &&
	usermod -aG "$JAIL_GROUP,wtgb" wtc || diag "cannot make the groups"

init_of() { cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null; }
in_cont() { local u=$1; shift; nsenter --net="/proc/$(init_of "$u")/ns/net" "$@"; } # as host root
addr_of() { in_cont "$1" ip -4 -o addr show dev eth0 2>/dev/null | awk '{ sub("/.*", "", $4); print $4 }'; }
# addr6_of USER: her global IPv6 address on eth0, once it is usable (not tentative: duplicate
# address detection over), waited for up to 10 s; nothing if she has none
addr6_of() {
	local i out
	for ((i = 0; i < 40; i++)); do
		out=$(in_cont "$1" ip -6 -o addr show dev eth0 scope global 2>/dev/null)
		[ -n "$out" ] || return 0
		grep -q tentative <<<"$out" || break
		sleep 0.25
	done
	awk '!/tentative/ { sub("/.*", "", $4); print $4; exit }' <<<"$out"
}
start() { # start USER: her container, by the helper, in sshd's namespaces
	nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" \
		timeout 30 "$HELPER" --config "$CONF" enter "$1" -- true </dev/null >/dev/null 2>&1
}
LISTENERS=()
# listen USER: TCP 8002 answers her name; UDP 8003 datagrams go to $T/udp-USER (IPv4 and
# IPv6: one socket of each for both families, V6Only off)
listen() {
	: >"$T/udp-$1"
	in_cont "$1" setsid perl -MIO::Socket::IP -MSocket -e '($me, $log, $pidfile) = @ARGV;
		open(P, ">", $pidfile) and print P "$$\n" and close P;
		$t = IO::Socket::IP->new(LocalHost => "::", LocalPort => 8002, V6Only => 0, Listen => 16,
			ReuseAddr => 1) or die "tcp: $!";
		$u = IO::Socket::IP->new(LocalHost => "::", LocalPort => 8003, V6Only => 0,
			Type => SOCK_DGRAM) or die "udp: $!";
		if (fork) { while ($c = $t->accept) { print $c "$me\n"; close $c } }
		open(F, ">>", $log) or die; select F; $| = 1;
		while ($u->recv($m, 200)) { print F $m }' "$1" "$T/udp-$1" "$T/listener-$1.pid" </dev/null >/dev/null 2>&1 &
	LISTENERS+=("$1")
}
# Each listener leads a session of its own (setsid): its group is its pid.
stop_listeners() {
	local u p
	for u in "${LISTENERS[@]}"; do
		p=$(cat "$T/listener-$u.pid" 2>/dev/null) && [ -n "$p" ] && kill -- "-$p" 2>/dev/null
		rm -f "$T/listener-$u.pid"
	done
	LISTENERS=()
}
cleanup() { stop_listeners; for u in "${USERS[@]}"; do helper_stop "$u" >/dev/null 2>&1; done; }
trap 'cleanup; fixture_finish' EXIT
trap 'exit 130' INT TERM HUP
# host_tcp ADDR: the first line of ADDR:8002 (IPv4 or IPv6) from the test netns (the host)
host_tcp() { in_ns timeout 3 perl -MIO::Socket::IP -e '$c = IO::Socket::IP->new(PeerHost => $ARGV[0],
	PeerPort => 8002, Timeout => 2) or exit 1; print scalar <$c>' "$1" 2>/dev/null; }
# probe SRC NAME=ADDR...: from SRC's netns, a datagram "from-SRC" to each, then a TCP
# connection to each at once; prints "SRC NAME tcp:LINE" (LINE "-": nothing).  A NAME
# ending in "/6" is an IPv6 address: its datagram says "from-SRC/6".
probe() {
	local src=$1
	shift
	in_cont "$src" perl -MIO::Socket::IP -MSocket -e '$me = shift; $| = 1;
		for (@ARGV) { ($n, $a) = split /=/, $_, 2; $f = $n =~ m{/6$} ? "/6" : "";
			$u = IO::Socket::IP->new(PeerHost => $a, PeerPort => 8003, Type => SOCK_DGRAM)
				and $u->send("from-$me$f\n") }
		for (@ARGV) { ($n, $a) = split /=/, $_, 2; next if fork;
			alarm 3; $c = IO::Socket::IP->new(PeerHost => $a, PeerPort => 8002, Timeout => 1.5);
			$l = $c ? <$c> : ""; chomp $l; print "$me $n tcp:", ($l eq "" ? "-" : $l), "\n"; exit }
		1 while wait > 0' "$src" "$@" 2>/dev/null
}

config() { # config ROUND-WORDS: the round's modes and peers
	local w u mode place groups="" users="" defaults=""
	declare -A gpeers=()
	for w in "$@"; do
		u=${w%%=*} mode=${w#*=} place=${mode#*:} mode=${mode%%:*}
		case $place in
		wtga | wtgb) gpeers[$place]=true ;;
		defaults) defaults=" peers = true;" ;;
		user) users+="{ name = \"$u\"; network = \"$mode\"; peers = true; }, "; continue ;;
		esac
		users+="{ name = \"$u\"; network = \"$mode\"; }, "
	done
	write_config "$(default_config | sed '/^defaults/d; s/^exempt_users = .*/exempt_users = [ "root" ];/')
defaults = { idle_timeout = 120; disk = \"max\"; network = \"none\";$defaults };
groups = ( { name = \"wtga\";${gpeers[wtga]:+ peers = true;} }, { name = \"wtgb\";${gpeers[wtgb]:+ peers = true;} } );
users = ( ${users%, } );"
}

run_round() { # run_round NAME WORDS...
	local name=$1 w u v src dst out ok_tcp ok_udp ok_tcp6 ok_udp6 i
	shift
	declare -A mode=() place=() addr=() addr6=()
	for w in "$@"; do u=${w%%=*} v=${w#*=}; mode[$u]=${v%%:*} place[$u]=${v#*:}; done
	config "$@"
	for u in "${USERS[@]}"; do start "$u"; done
	for u in "${USERS[@]}"; do
		addr[$u]=$(addr_of "$u") addr6[$u]=$(addr6_of "$u")
		[ "${mode[$u]}" = none ] || listen "$u"
	done
	# Ready: the host reaches each listener, over TCP, and over UDP; over each family.
	local ready=1 ready6=1
	for u in "${USERS[@]}"; do
		[ "${mode[$u]}" = none ] && continue
		for ((i = 0; i < 40; i++)); do [ "$(host_tcp "${addr[$u]}")" = "$u" ] && break; sleep 0.25; done
		[ "$(host_tcp "${addr[$u]}")" = "$u" ] || ready=
		# (she has an IPv6 address whenever she has an IPv4 one: no address is no control)
		[ -n "${addr6[$u]}" ] && [ "$(host_tcp "${addr6[$u]}")" = "$u" ] || ready6=
	done
	# What each one reaches of the others, all at once, at both of their addresses.
	local probes=()
	for src in "${USERS[@]}"; do
		local targets=()
		for dst in "${USERS[@]}"; do
			[ "$dst" != "$src" ] && [ -n "${addr[$dst]}" ] && targets+=("$dst=${addr[$dst]}")
			[ "$dst" != "$src" ] && [ -n "${addr6[$dst]}" ] && targets+=("$dst/6=${addr6[$dst]}")
		done
		probe "$src" "${targets[@]}" >"$T/probe-$src" &
		probes+=($!)
	done
	wait "${probes[@]}"
	# The host's datagrams after theirs: once they are there, theirs would be too.
	for u in "${USERS[@]}"; do
		[ -n "${addr[$u]}" ] && in_ns bash -c "echo from-host >/dev/udp/${addr[$u]}/8003"
		[ -n "${addr6[$u]}" ] && in_ns bash -c "echo from-host/6 >/dev/udp/${addr6[$u]}/8003"
	done
	for u in "${USERS[@]}"; do
		[ -n "${addr[$u]}" ] || continue
		for ((i = 0; i < 40; i++)); do
			grep -qx from-host "$T/udp-$u" && grep -qx from-host/6 "$T/udp-$u" && break
			sleep 0.1
		done
		grep -qx from-host "$T/udp-$u" || ready=
		grep -qx from-host/6 "$T/udp-$u" || ready6=
	done
	check "$name: every listener answers the host, over TCP and UDP (the control)" test -n "$ready"
	check "$name: and over IPv6, at each one's address of the /64 (the control)" test -n "$ready6" ||
		diag "$(for u in "${USERS[@]}"; do printf '%s: %s; ' "$u" "${addr6[$u]:-no IPv6 address}"; done)"
	for u in "${USERS[@]}"; do
		[ "${mode[$u]}" = none ] && check "$name: $u (none) has loopback only: no address anyone could reach" \
			test "$(in_cont "$u" ip -o link show | awk -F': ' '{ print $2 }')" = lo -a -z "${addr[$u]}"
	done
	for src in "${USERS[@]}"; do
		for dst in "${USERS[@]}"; do
			[ "$src" = "$dst" ] || [ -z "${addr[$dst]}" ] && continue
			local desc="$name: $src (${mode[$src]}, peers: ${place[$src]}) -> $dst (${mode[$dst]}, peers: ${place[$dst]})"
			ok_tcp=$(awk -v d="$dst" '$2 == d { sub("tcp:", "", $3); print $3 }' "$T/probe-$src")
			grep -qx "from-$src" "$T/udp-$dst" && ok_udp=yes || ok_udp=no
			ok_tcp6=$(awk -v d="$dst/6" '$2 == d { sub("tcp:", "", $3); print $3 }' "$T/probe-$src")
			grep -qx "from-$src/6" "$T/udp-$dst" && ok_udp6=yes || ok_udp6=no
			# (an IPv6 check needs her IPv6 address: without one, "nothing gets through"
			# would say nothing of the rule)
			if [ -n "${addr[$src]}" ] && [ "${place[$src]}" != - ] && [ "${place[$src]}" = "${place[$dst]}" ] &&
				[ "${place[$src]}" != user ]; then
				check "$desc: TCP and UDP reach (same peers place)" test "$ok_tcp/$ok_udp" = "$dst/yes"
				check "$desc, over IPv6: TCP and UDP reach (same peers place)" \
					test "${addr6[$dst]:+has6}/$ok_tcp6/$ok_udp6" = "has6/$dst/yes"
			else
				check "$desc: neither TCP (${ok_tcp:-?}) nor UDP ($ok_udp) gets through" test "$ok_tcp/$ok_udp" = "-/no"
				check "$desc, over IPv6: neither TCP (${ok_tcp6:-?}) nor UDP ($ok_udp6) gets through" \
					test "${addr6[$dst]:+has6}/$ok_tcp6/$ok_udp6" = "has6/-/no" ||
					diag "$dst's IPv6 address: ${addr6[$dst]:-none}"
			fi
		done
	done
}

for r in "${ROUNDS[@]}"; do
	# shellcheck disable=SC2086
	run_round $r
	if [ "${r%% *}" = no-peers ]; then
		# Around the gateway: on-link routes and each other's MAC, in wta's and wtb's
		# netns (root inside could do this): only the bridge's port isolation stands in
		# the way, of the datagram, and of both halves of the TCP handshake.  Where
		# br_netfilter is loaded, bridged frames pass the forward chain's drop too: it is
		# turned off in the test netns for this probe, so that the probe is isolation's.
		nf=/proc/sys/net/bridge/bridge-nf-call-iptables nf6=/proc/sys/net/bridge/bridge-nf-call-ip6tables
		nf_was=$(in_ns cat "$nf" 2>/dev/null) nf6_was=$(in_ns cat "$nf6" 2>/dev/null)
		[ -n "$nf_was" ] && in_ns sh -c "echo 0 >$nf"
		[ -n "$nf6_was" ] && in_ns sh -c "echo 0 >$nf6"
		a=$(addr_of wta) b=$(addr_of wtb)
		# (ip, not /sys/class/net: the host's sysfs shows the host's interfaces)
		amac=$(in_cont wta ip -o link show dev eth0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
		bmac=$(in_cont wtb ip -o link show dev eth0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
		: >"$T/udp-wtb"
		# (a route of its own for the other: the subnet's route goes through the gateway)
		in_cont wta ip route replace "$b/32" dev eth0
		in_cont wta ip neigh replace "$b" lladdr "$bmac" dev eth0 nud permanent
		in_cont wtb ip route replace "$a/32" dev eth0
		in_cont wtb ip neigh replace "$a" lladdr "$amac" dev eth0 nud permanent
		onlink=$(in_cont wta ip route get "$b" 2>&1)
		out=$(probe wta "wtb=$b")
		in_ns bash -c "echo from-host >/dev/udp/$b/8003"
		for ((i = 0; i < 40; i++)); do grep -qx from-host "$T/udp-wtb" && break; sleep 0.1; done
		check "straight across the bridge (on-link, wtb's MAC ${bmac:-unknown}): no TCP to wtb ($out)" \
			bash -c '[ "$1" = "wta wtb tcp:-" ] && [ -n "$2" ] && [[ $3 != *via* ]]' - "$out" "$bmac" "$onlink" ||
			diag "route: $onlink"
		check "nor UDP (the host's datagram came, wta's did not)" \
			bash -c 'grep -qx from-host "$1" && ! grep -qx from-wta "$1"' - "$T/udp-wtb"
		# The same over IPv6: a route of her own to wtb's address, and wtb's MAC as a
		# permanent neighbour, so that no neighbour discovery is asked of the gateway.
		a6=$(addr6_of wta) b6=$(addr6_of wtb)
		: >"$T/udp-wtb"
		in_cont wta ip -6 route replace "$b6/128" dev eth0
		in_cont wta ip -6 neigh replace "$b6" lladdr "$bmac" dev eth0 nud permanent
		in_cont wtb ip -6 route replace "$a6/128" dev eth0
		in_cont wtb ip -6 neigh replace "$a6" lladdr "$amac" dev eth0 nud permanent
		onlink=$(in_cont wta ip -6 route get "$b6" 2>&1)
		out=$(probe wta "wtb/6=$b6")
		in_ns bash -c "echo from-host >/dev/udp/$b6/8003"
		for ((i = 0; i < 40; i++)); do grep -qx from-host "$T/udp-wtb" && break; sleep 0.1; done
		check "straight across the bridge over IPv6 (on-link, wtb's MAC ${bmac:-unknown}): no TCP to wtb ($out)" \
			bash -c '[ "$1" = "wta wtb/6 tcp:-" ] && [ -n "$2" ] && [ -n "$4" ] && [[ $3 != *via* ]]' - "$out" "$bmac" "$onlink" "$b6" ||
			diag "route: $onlink"
		check "nor UDP over IPv6 (the host's datagram came, wta's did not)" \
			bash -c 'grep -qx from-host "$1" && ! grep -qx from-wta/6 "$1"' - "$T/udp-wtb"
		[ -n "$nf_was" ] && in_ns sh -c "echo $nf_was >$nf"
		[ -n "$nf6_was" ] && in_ns sh -c "echo $nf6_was >$nf6"
	fi
	stop_listeners
	for u in "${USERS[@]}"; do helper_stop "$u" >/dev/null 2>&1; done
done
fixture_finish
