#!/bin/bash
# 85-network.sh - the bridged private network, through real logins.  The helper works in
# the test netns (sshd's), which plays the host: the bridge, the firewall and NAT are
# made there; an "upstream" netns behind a veth plays the outside world.
#   nat: out through NAT (the upstream sees the test netns's address); names from the
#        container's own /etc/hosts; ssh -R and -D work inside
#   the host's network identity stays out of reach: bridge.deny's default (the metadata
#        address, the host's own networks, private space) is dropped, bridge.dns on
#        port 53 and what bridge.allow lists are reached; an explicit bridge.deny
#        replaces the default; explain shows both; doctor names a metadata service
#        that answers
#   containers cannot reach each other (TCP, UDP, ICMP), not even routing through the
#        gateway, unless a peers group says so; nor any service of the host
#   isolated: the gateway's ping and the ports of isolated_ports only (DNS unless it
#        says otherwise); none: loopback only
#   of the host's own processes only root's connect into a container (TCP, UDP)
#   ping works for the user over her login (her container's ping_group_range), in nat
#        and isolated; the host's ping_group_range stays as it was
#   anti-spoofing: a forged address or MAC never gets past the bridge
#   link-local frames (01:80:c2:00:00:0X, which skip the bridge's anti-spoofing), from
#        root inside: no MAC moves to another port, no spoofed UDP (IPv4, IPv6) reaches
#        the host, no ARP changes what the host holds for another's address
#   stop leaves no veth and no set element; the address stays the user's; a subnet
#        change while containers run is refused with the reason
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 65

# ping is the image's iputils ping (warren-mkimage installs it).  A test image built before
# it did gets the host's iputils ping (.ci/run installs it), copied without its file
# capabilities, in a layer beside a link to the image: root's files, as layers are.
images=$T/images
install -d -m 0755 "$images" && ln -s "$IMAGE" "$images/default"
ping_layer=
if [ ! -e "$IMAGE/usr/bin/ping" ] && [ -x /usr/bin/ping ]; then
	install -d -m 0755 "$images/iputils" "$images/iputils/usr" "$images/iputils/usr/bin" &&
		cp /usr/bin/ping "$images/iputils/usr/bin/ping" && ping_layer='layers = [ "iputils" ];'
	diag "the test image has no ping: the host's iputils ping in a layer, without file capabilities"
fi
net_config() { # net_config EXTRA - the default config, nat for everyone, plus EXTRA
	write_config "$(default_config | sed "s|^image = .*|image = \"$images/default\";|; s/idle_timeout = 3;/idle_timeout = 60; $ping_layer/; s/network = \"none\";/network = \"nat\";/")
$1"
}
# ping_range NETNS-CMD - net.ipv4.ping_group_range as that netns's /proc/sys has it
ping_range() { "$@" cat /proc/sys/net/ipv4/ping_group_range | tr -s '\t ' ' '; }
ns_range0=$(ping_range in_ns) host_range0=$(ping_range env)
# pings USER - USER's ping (iputils', with no capability in her shell) gets an answer from
# the gateway, over her login
pings() {
	local out
	out=$(tssh "$1" -- 'ping -V; grep ^CapEff /proc/self/status; ping -c 1 -W 3 10.213.0.1' 2>&1)
	grep -q iputils <<<"$out" && grep -Eq 'CapEff:[[:space:]]+0+$' <<<"$out" &&
		grep -q ' 1 received' <<<"$out" && return 0
	echo "$out"
	return 1
}
init_of() { cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null; }
in_cont() { local u=$1; shift; nsenter --net="/proc/$(init_of "$u")/ns/net" "$@"; } # as host root
addr_of() { in_cont "$1" ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }'; }
# tcp_to USER ADDR PORT - what USER reads from ADDR:PORT inside her container ("" if nothing)
tcp_to() { tssh "$1" -- "timeout 3 bash -c 'exec 3<>/dev/tcp/$2/$3 && head -n 1 <&3' 2>/dev/null"; }
# reaches USER ADDR PORT ERE - what USER reads from ADDR:PORT matches ERE, tried for up to
# 30 s (what listens there, or forwards to it, may still be starting on a busy machine)
reaches() {
	local t0=$SECONDS got
	while :; do
		got=$(tcp_to "$1" "$2" "$3")
		grep -Eq -- "$4" <<<"$got" && return 0
		[ $((SECONDS - t0)) -ge 30 ] && break
		sleep 0.5
	done
	echo "got: $got"
	return 1
}
# cannot_reach USER ADDR PORT - USER's probe of ADDR:PORT ran (it says "probing" first: not
# a login or a shell that failed to start) and nothing came back within 3 s
cannot_reach() {
	local got
	got=$(tssh "$1" -- "timeout 3 bash -c 'echo probing; exec 3<>/dev/tcp/$2/$3 && head -n 1 <&3' 2>/dev/null")
	[ "$got" = probing ] || { echo "got: $got"; return 1; }
}
listener() { # listener NETNS-CMD ADDR PORT TEXT - a TCP server answering TEXT, in the background, listening
	local ns=$1 addr=$2 port=$3 text=$4
	shift 4
	$ns perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "$ARGV[0]:$ARGV[1]",
		Listen => 5, ReuseAddr => 1) or die "$!"; while ($c = $s->accept) { print $c "$ARGV[2] from ",
		$c->peerhost, "\n"; close $c }' "$addr" "$port" "$text" >/dev/null 2>&1 &
	LISTENERS+=($!)
	listener_wait "$ns" "$addr" "$port"
}
LISTENERS=()
OTHER=$NS-other # behind another bridge of the "host"'s
cleanup_net() {
	[ ${#LISTENERS[@]} -gt 0 ] && kill "${LISTENERS[@]}" 2>/dev/null
	ip netns del "$UP" 2>/dev/null
	ip -n "$NS" link del wtother0 2>/dev/null
	ip netns del "$OTHER" 2>/dev/null
}
trap 'cleanup_net; fixture_finish' EXIT
trap 'exit 130' INT TERM HUP

# The outside world: upstream, behind the test netns's 10.99.0.1 on their link, 10.99.0.0/24
# (the host's own network, private space).  Beyond it, 198.51.100.2 stands for the
# Internet, 169.254.169.254 for a cloud's metadata service, 168.63.129.16 for Azure's WireServer.
upstream_start 169.254.169.254 168.63.129.16
listener "$UPNS" 198.51.100.2 8000 upstream
listener "$UPNS" 10.99.0.2 8000 intranet
listener "$UPNS" 10.99.0.2 53 nameserver
listener "$UPNS" 169.254.169.254 80 metadata
listener "$UPNS" 168.63.129.16 80 wireserver
listener in_ns 10.99.0.1 7001 host-service

net_config 'bridge = { dns = [ "10.99.0.2" ]; };'
check "nat: wta reaches the upstream listener, as the test netns's address (masqueraded)" \
	reaches wta 198.51.100.2 8000 '^upstream from 10\.99\.0\.1$'
check "bridge.deny's default: not the metadata address (169.254.169.254)" \
	cannot_reach wta 169.254.169.254 80
check "nor Azure's WireServer (168.63.129.16)" cannot_reach wta 168.63.129.16 80
check "nor the host's own network (10.99.0.2, connected and private)" cannot_reach wta 10.99.0.2 8000
check "but its nameserver there, bridge.dns, on port 53" reaches wta 10.99.0.2 53 '^nameserver'
# IPv4's (getent hosts asks for IPv6 first: bridge.ipv6 names both, 98-ipv6.sh)
out=$(tssh wta -- 'getent ahostsv4 warren-gateway wta | grep STREAM; cat /etc/resolv.conf' 2>&1)
check "names in the container's own /etc/hosts resolve (warren-gateway, her own)" \
	bash -c 'grep -Eq "^10\.213\.0\.1 +STREAM +warren-gateway" <<<"$1" && grep -Eq "^10\.213\.[0-9.]+ +STREAM +wta" <<<"$1"' - "$out" ||
	diag "$out"
check "its /etc/resolv.conf names bridge.dns" grep -qx 'nameserver 10.99.0.2' <<<"$out"
a=$(addr_of wta)
listener in_ns 10.213.0.1 7001 gateway-service # the bridge has the gateway address now
check "the bridge, warren0, is in the test netns only ($a for wta)" \
	bash -c "ip -n '$NS' link show warren0 >/dev/null && ! ip link show warren0 >/dev/null 2>&1"

out=$(in_ns "$REPO/warrenctl" explain wta --config "$CONF" 2>&1)
check "warrenctl explain shows her network and address" \
	grep -q "^address: *$a on bridge warren0 (10.213.0.0/16)" <<<"$out" || diag "$out"
check "and where she may not go: bridge.deny's default, the host's networks as they are now" \
	grep -q '^denied: *169\.254\.0\.0/16, .*connected (now 10\.99\.0\.0/24[,)].*(bridge.deny, the default)$' \
	<<<"$out" || diag "$out"
out=$(in_ns "$REPO/warrenctl" --config "$CONF" doctor 2>&1)
check "warrenctl doctor notes the metadata service that answers, which bridge.deny keeps away" \
	grep -q '^note *a metadata service answers at 169\.254\.169\.254 .*bridge.deny keeps containers from it' \
	<<<"$out" || diag "$out"
check "and the one at Azure's WireServer" \
	grep -q '^note *a metadata service answers at 168\.63\.129\.16 .*bridge.deny keeps containers from it' \
	<<<"$out" || diag "$out"

# bridge.allow punches holes (loaded at the next start: the sets are shared, made anew by
# each); a bridge.deny of her own replaces the default.
helper_stop wta >/dev/null
net_config 'bridge = { dns = [ "10.99.0.2" ]; allow = [ "10.99.0.2", "169.254.169.254/32" ]; };'
check "bridge.allow lists 10.99.0.2: wta reaches it" reaches wta 10.99.0.2 8000 '^intranet'
check "and the metadata address it lists" reaches wta 169.254.169.254 80 '^metadata'
out=$(in_ns "$REPO/warrenctl" --config "$CONF" doctor 2>&1)
check "warrenctl doctor: a metadata service containers reach is a problem, with the fix" \
	bash -c 'grep -q "^PROBLEM a metadata service answers at 169\.254\.169\.254 .*containers" <<<"$1" &&
		grep -q "fix: list it in bridge.deny" <<<"$1"' - "$out" || diag "$out"
helper_stop wta >/dev/null
net_config 'bridge = { deny = [ "198.51.100.0/24" ]; };'
check "bridge.deny = [ \"198.51.100.0/24\" ]: the upstream listener is out of reach" \
	cannot_reach wta 198.51.100.2 8000
check "and the default is gone: 10.99.0.2 is reached" reaches wta 10.99.0.2 8000 '^intranet'
helper_stop wta >/dev/null
net_config 'bridge = { deny = [ "connected",
	"10.1.2.3/8" ]; };'
n=$(grep -n '"10\.1\.2\.3/8"' "$CONF" | cut -d: -f1)
out=$("$REPO/warrenctl" check-config "$CONF" 2>&1)
check "a bridge.deny network with host bits: check-config names file:line and the one to write" \
	grep -qF "$CONF:$n: bridge.deny[1]: \"10.1.2.3/8\" has host bits set; expected the network's own address, \"10.0.0.0/8\"" \
	<<<"$out" || diag "$out"
net_config 'bridge = { dns = [ "10.99.0.2" ]; };'
tssh wta -- true

# ping, as the user, over her login: no CAP_NET_RAW, so an ICMP echo socket, which her
# container's ping_group_range must allow; the host's (the test netns's) stays as it was.
check "nat: wta's ping (the image's iputils, no capability) gets the gateway's answer" pings wta
check "ping_group_range: every gid in wta's network namespace; the test netns's and the machine's unchanged" \
	test "$(ping_range in_cont wta)" = "0 2147483647" -a "$(ping_range in_ns)" = "$ns_range0" \
	-a "$(ping_range env)" = "$host_range0"

# Two users, each in her own container on the bridge.
# wtb listens on TCP 8002 and UDP 8003 (each datagram a line of /tmp/udp-got) in her
# container, in a session held until her container stops.
serve_wtb() {
	hold wtb_serve wtb -- 'perl -MIO::Socket::INET -e '\''$s = IO::Socket::INET->new(LocalAddr =>
		"0.0.0.0:8002", Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) {
		print $c "wtb\n"; close $c }'\'' & perl -MIO::Socket::INET -e '\''$s =
		IO::Socket::INET->new(LocalAddr => "0.0.0.0:8003", Proto => "udp") or die;
		while (defined $s->recv($m, 100)) { open(F, ">>", "/tmp/udp-got") and print F $m; close F }'\'' &
		head -n 1 >/dev/null'
	LISTENERS+=("${HELD[wtb_serve]}")
	reaches wtb 127.0.0.1 8002 '^wtb$'
}
check "wtb's listeners answer inside her container" serve_wtb
b=$(addr_of wtb)
check "TCP: wta cannot reach wtb's container ($b)" cannot_reach wta "$b" 8002
# UDP: wta's datagram first, then one wtb sends herself: once hers is in, wta's would be too.
tssh wta -- "echo spam >/dev/udp/$b/8003" 2>/dev/null
tssh wtb -- 'echo self >/dev/udp/127.0.0.1/8003' 2>/dev/null
for ((i = 0; i < 60; i++)); do
	got=$(tssh wtb -- 'cat /tmp/udp-got 2>/dev/null')
	grep -qx self <<<"$got" && break
	sleep 0.5
done
check "UDP: wta's datagram does not reach wtb's container (hers, sent after it, does)" \
	bash -c 'grep -qx self <<<"$1" && ! grep -q spam <<<"$1"' - "$got" || diag "got: $got"
# The host's own users: only root connects into a container.  wtexempt is a user of the
# host (exempt: her logins land there); her probe says "probing" first, so it did run.
host_user_probe() { in_ns runuser -u wtexempt -- timeout 3 bash -c 'echo probing; exec 3<>"/dev/tcp/$1/$2" && head -n 1 <&3' - "$@" 2>/dev/null; }
check "a host user (wtexempt) cannot connect to wtb's container ($b:8002)" \
	test "$(host_user_probe "$b" 8002)" = probing
check "host root does" test "$(in_ns timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/8002" && head -n 1 <&3' - "$b")" = wtb
# (her probe says who sent it first: proof that runuser ran it, as her)
probe=$(in_ns runuser -u wtexempt -- bash -c 'echo "probing as $(id -un)"; echo host-user >"/dev/udp/$1/8003"' - "$b" 2>/dev/null)
in_ns bash -c 'echo host-root >"/dev/udp/$1/8003"' - "$b" 2>/dev/null
for ((i = 0; i < 60; i++)); do
	got=$(tssh wtb -- 'cat /tmp/udp-got 2>/dev/null')
	grep -qx host-root <<<"$got" && break
	sleep 0.5
done
check "UDP: wtexempt's datagram does not reach wtb's container (root's, sent after it, does)" \
	bash -c '[ "$2" = "probing as wtexempt" ] && grep -qx host-root <<<"$1" && ! grep -q host-user <<<"$1"' \
	- "$got" "$probe" || diag "got: $got; wtexempt's probe: $probe"
if command -v busybox >/dev/null; then
	# The same ping answers between wtb and the gateway: it is the path that is closed.
	check "ICMP: no echo from wtb's container (while the gateway answers it)" \
		bash -c "nsenter --net=/proc/$(init_of wta)/ns/net busybox ping -c 1 -W 1 10.213.0.1 >/dev/null &&
			! nsenter --net=/proc/$(init_of wta)/ns/net busybox ping -c 1 -W 1 $b >/dev/null"
else
	skip "ICMP between containers" "busybox is not installed (its ping is the test's)"
fi
in_cont wta ip route add "$b/32" via 10.213.0.1 2>/dev/null
check "not even routing through the gateway (root inside adds the route)" cannot_reach wta "$b" 8002
check "nat: no host service on the gateway address" cannot_reach wta 10.213.0.1 7001
check "nat: nor on another address of the host" cannot_reach wta 10.99.0.1 7001

# ssh -R opens its port inside the container; ssh -D connects from inside.  Each is
# tried until its forward is up (tssh keeps it 30 s), not once after a fixed sleep.
listener in_ns 127.0.0.1 8004 client-side
tssh wta -N -R 9104:127.0.0.1:8004 >/dev/null 2>&1 &
fwd=$!
check "ssh -R 9104: the port listens inside wta's container, back to the client" \
	reaches wta 127.0.0.1 9104 '^client-side'
kill "$fwd" 2>/dev/null
tssh wta -N -D 9105 >/dev/null 2>&1 &
fwd=$!
hold inside wta -- 'perl -MIO::Socket::INET -e '\''$s = IO::Socket::INET->new(LocalAddr =>
	"127.0.0.1:8006", Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) {
	print $c "inside-wta\n"; close $c }'\'' & head -n 1 >/dev/null; kill $!'
LISTENERS+=("${HELD[inside]}")
for ((i = 0; i < 300; i++)); do
	in_cont wta bash -c 'exec 3<>/dev/tcp/127.0.0.1/8006' 2>/dev/null && break
	sleep 0.1
done
socks='use IO::Socket::INET; $c = IO::Socket::INET->new("127.0.0.1:9105") or exit 1;
	print $c "\x05\x01\x00"; read($c, $r, 2); $h = "localhost";
	print $c "\x05\x01\x00\x03" . chr(length $h) . $h . pack("n", 8006); read($c, $r, 10);
	print scalar <$c>'
t0=$SECONDS
while :; do
	out=$(in_ns timeout 10 perl -e "$socks" 2>/dev/null)
	[ "$out" = inside-wta ] || [ $((SECONDS - t0)) -ge 25 ] && break
	sleep 0.5
done
check "ssh -D: a SOCKS connect to localhost:8006 resolves and connects inside wta's container" \
	test "$out" = inside-wta || diag "got: $out"
kill "$fwd" 2>/dev/null
release inside

# Link-local frames: one to 01:80:c2:00:00:0X skips the bridge's prerouting hook, where the
# anti-spoofing is, and reaches the host with the port as its way in.  Root in wta's
# container (root = true: sudo) sends them through a packet socket, with the image's perl
# (tests/lib/frame.pl), to 01:80:c2:00:00:0e (no bridge hook at all) and :03 (the bridge's
# input hook only): wtb's MAC as source; spoofed UDP to the host (IPv4 from wtb's address
# and from hers, IPv6 to all nodes); ARP for wtb's address.  The host (the test netns)
# listens on UDP 7003 and 7006; a datagram of its own after the frames is the control.
helper_stop wta >/dev/null
net_config 'users = ( { name = "wta"; root = true; } );'
tssh wta -- 'cat >/tmp/frame.pl' <tests/lib/frame.pl
mac_of() { in_cont "$1" ip -o link show dev eth0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'; }
port_of() { # port_of USER: her eth0's peer, the bridge port, in the test netns
	local i
	i=$(in_cont "$1" ip -o link show dev eth0 | sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p')
	ip -n "$NS" -o link show | awk -F': ' -v i="$i" '$1 == i { sub("@.*", "", $2); print $2 }'
}
fdb_of() { in_ns bridge fdb show br warren0 | grep "^$1 "; } # fdb_of MAC: its entries
udp_log() { # udp_log FAMILY PORT: the test netns's datagrams to PORT, a line each, into $T/ll-udp
	in_ns perl -MSocket=:all -e '($f, $p) = @ARGV; $| = 1;
		if ($f == 6) { socket(S, AF_INET6, SOCK_DGRAM, 0) && bind(S, pack_sockaddr_in6($p, inet_pton(AF_INET6, "::"))) or die "udp6: $!" }
		else { socket(S, AF_INET, SOCK_DGRAM, 0) && bind(S, pack_sockaddr_in($p, INADDR_ANY)) or die "udp4: $!" }
		while (defined recv(S, $m, 200, 0)) { print "$m\n" }' "$1" "$2" >>"$T/ll-udp" 2>&1 &
	LISTENERS+=($!)
}
# host_udp TEXT: the test netns's own datagrams, to both listeners, until both logged TEXT
host_udp() {
	local i
	for ((i = 0; i < 40; i++)); do
		in_ns perl -MSocket=:all -e 'socket(A, AF_INET, SOCK_DGRAM, 0) and
			send(A, "$ARGV[0]-4", 0, pack_sockaddr_in(7003, inet_aton("127.0.0.1")));
			socket(B, AF_INET6, SOCK_DGRAM, 0) and
			send(B, "$ARGV[0]-6", 0, pack_sockaddr_in6(7006, inet_pton(AF_INET6, "::1")))' "$1" 2>/dev/null
		grep -qx "$1-4" "$T/ll-udp" && grep -qx "$1-6" "$T/ll-udp" && return 0
		sleep 0.25
	done
	return 1
}
: >"$T/ll-udp"
udp_log 4 7003
udp_log 6 7006
host_udp ready || diag "the test netns's UDP listeners did not start: $(cat "$T/ll-udp")"
amac=$(mac_of wta) bmac=$(mac_of wtb) aport=$(port_of wta) bport=$(port_of wtb)
# The gateway talks to wtb first: its neighbour entry for her, her MAC on her port.
in_ns bash -c 'echo before-frames >"/dev/udp/$1/8003"' - "$b"
diag "wta: $amac on $aport, wtb: $bmac on $bport; the test netns's rp_filter: $(in_ns cat /proc/sys/net/ipv4/conf/all/rp_filter)"
out=$(tssh wta -- "f() { sudo -n perl /tmp/frame.pl eth0 \"\$@\" || echo FAILED; }
	for d in 0e 03; do
		f 01:80:c2:00:00:\$d $bmac raw
		f 01:80:c2:00:00:\$d $amac udp4 $b 10.213.0.1 7003 spoof-\$d-from-wtb
		f 01:80:c2:00:00:\$d $amac udp4 $a 10.213.0.1 7003 spoof-\$d-from-wta
		f 01:80:c2:00:00:\$d $amac udp6 fe80::dead ff02::1 7006 spoof-\$d-ipv6
		f 01:80:c2:00:00:\$d $amac arp 1 $amac $b 00:00:00:00:00:00 10.213.0.1
		f 01:80:c2:00:00:\$d $amac arp 2 $amac $b ff:ff:ff:ff:ff:ff $b
	done
	f ff:ff:ff:ff:ff:ff $amac arp 2 $amac $b ff:ff:ff:ff:ff:ff $b
	echo sent" 2>&1)
check "root in wta's container sent the frames (sudo, a packet socket of the image's perl)" \
	test "$out" = sent || diag "$out"
check "a link-local frame with wtb's MAC as source: the bridge keeps wtb's MAC on wtb's port ($bport)" \
	bash -c '[ -n "$1" ] && [ -n "$2" ] && ! grep -qv " dev $2 " <<<"$1"' - "$(fdb_of "$bmac")" "$bport" ||
	diag "$(fdb_of "$bmac")"
in_ns bash -c 'echo after-frames >"/dev/udp/$1/8003"' - "$b"
for ((i = 0; i < 60; i++)); do
	got=$(tssh wtb -- 'cat /tmp/udp-got 2>/dev/null')
	grep -qx after-frames <<<"$got" && break
	sleep 0.5
done
check "and wtb still gets what the host sends her" grep -qx after-frames <<<"$got"
host_udp control
check "spoofed IPv4 UDP in link-local frames does not reach the host's listener (from wtb's address, from wta's; the host's own after them does)" \
	bash -c 'grep -qx control-4 "$1" && ! grep -q "^spoof-.*-from-" "$1"' - "$T/ll-udp" || diag "$(cat "$T/ll-udp")"
if [ -d "/proc/sys/net/ipv6" ]; then
	check "nor IPv6 UDP to all nodes (ff02::1)" \
		bash -c 'grep -qx control-6 "$1" && ! grep -q "^spoof-.*-ipv6" "$1"' - "$T/ll-udp" || diag "$(cat "$T/ll-udp")"
else
	skip "IPv6 UDP in link-local frames" "the kernel has no IPv6"
fi
check "ARP for wtb's address from wta: the gateway's neighbour entry for her still has her MAC" \
	test "$(ip -n "$NS" neigh show "$b" dev warren0 | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p')" = "$bmac" ||
	diag "$(ip -n "$NS" neigh show "$b")"
check "and the host holds wtb's address with wta's MAC nowhere (no entry on wta's port)" \
	bash -c '! ip -n "$1" neigh show "$2" | grep -q "$3"' - "$NS" "$b" "$amac" || diag "$(ip -n "$NS" neigh show "$b")"
check "the bridge learns nothing from link-local frames; its IPv6 (bridge.ipv6, on by default: 98-ipv6.sh) takes no router advertisement" \
	bash -c 'ip -n "$1" -d link show warren0 | grep -q "no_linklocal_learn 1" &&
		[ "$(nsenter --net="/run/netns/$1" cat /proc/sys/net/ipv6/conf/warren0/accept_ra 2>/dev/null || echo 0)" = 0 ]' - "$NS" ||
	diag "$(ip -n "$NS" -d link show warren0)"
check "wta's port $aport: isolated, learning no MAC, no IPv6 on the host's side" \
	bash -c 'in=$(nsenter --net="/run/netns/$1" bridge -d link show dev "$2"); grep -q "learning off" <<<"$in" &&
		grep -q "isolated on" <<<"$in" &&
		[ "$(nsenter --net="/run/netns/$1" cat "/proc/sys/net/ipv6/conf/$2/disable_ipv6" 2>/dev/null || echo 1)" = 1 ]' - "$NS" "$aport" ||
	diag "$(in_ns bridge -d link show dev "$aport")"
check "her MAC is on her port for good (a static entry)" \
	bash -c 'grep -q "^$1 dev $2 .*static" <<<"$3"' - "$amac" "$aport" "$(fdb_of "$amac")" || diag "$(fdb_of "$amac")"

# Peers: members of a group that says peers = true reach each other.
helper_stop wta >/dev/null
helper_stop wtb >/dev/null
net_config 'groups = ( { name = "wtjail"; peers = true; } );'
tssh wta -- true
check "peers = true (both in wtjail): wtb's listeners are up again" serve_wtb
check "and wta reaches wtb's container" reaches wta "$b" 8002 '^wtb$'

# isolated: the gateway's ping and the ports of isolated_ports (DNS by default), nothing
# forwarded out; none: loopback only.
helper_stop wta >/dev/null
helper_stop wtb >/dev/null
listener in_ns 10.213.0.1 53 gateway-dns # as a resolver on the host would
net_config 'users = ( { name = "wta"; network = "isolated"; }, { name = "wtb"; network = "none"; } );'
check "isolated: wta reaches the gateway's DNS port (isolated_ports' default)" \
	reaches wta 10.213.0.1 53 '^gateway-dns'
check "isolated: but not another service on the gateway address (7001)" cannot_reach wta 10.213.0.1 7001
check "isolated: wta's ping gets the gateway's answer" pings wta
check "isolated: nor the upstream" cannot_reach wta 198.51.100.2 8000
out=$(tssh wtb -- 'ls /sys/class/net' 2>&1)
check "none: wtb's container has loopback only" test "$out" = lo || diag "$out"
check "none: nothing of wtb's is on the bridge (wta's port only)" \
	test "$(ip -n "$NS" -o link show master warren0 | wc -l)" = 1
helper_stop wtb >/dev/null
helper_stop wta >/dev/null
net_config 'users = ( { name = "wta"; network = "isolated"; isolated_ports = [ "7001/tcp" ]; } );'
out=$("$REPO/warrenctl" explain wta --config "$CONF" 2>&1)
check "warrenctl explain shows her isolated_ports and where they come from" \
	grep -q '^isolated_ports *7001/tcp (user wta)$' <<<"$out" || diag "$out"
check "isolated_ports = [ \"7001/tcp\" ]: wta reaches the gateway's 7001" \
	reaches wta 10.213.0.1 7001 '^gateway-service'
check "and no longer its DNS port" cannot_reach wta 10.213.0.1 53
net_config 'users = ( { name = "wta"; network = "isolated";
	isolated_ports = [ "7001" ]; } );'
out=$("$REPO/warrenctl" check-config "$CONF" 2>&1)
line=$(grep -n '"7001"' "$CONF" | cut -d: -f1)
check "a port without its protocol: check-config names the file, line ($line) and the fix" \
	grep -qF "$CONF:$line: users[0].isolated_ports[0]: \"7001\" is not a port; expected \"PORT/tcp\" or \"PORT/udp\"" <<<"$out" ||
	diag "$out"
net_config 'users = ( { name = "wta"; network = "isolated"; isolated_ports = [ "7001/tcp" ]; } );'

# Spoofing: root in wta's network namespace takes wtb's address, then her MAC too.
nsenter --net="/run/netns/$NS" nft -f - <<NFT
table ip warren_test {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "warren0" ip saddr $b counter
	}
}
NFT
# Traffic from the forged address: UDP to the gateway (and on) through the default route.
# wta's port on the bridge counts what arrives from her side: proof the datagrams left.
port=$(ip -n "$NS" -o link show master warren0 | awk -F': ' 'NR == 1 { sub("@.*", "", $2); print $2 }')
rx() { ip -n "$NS" -s link show dev "$port" 2>/dev/null | awk '/RX:/ { getline; print $2; exit }'; }
rx0=$(rx)
forge() { in_cont wta bash -c 'for i in 1 2 3; do echo x >/dev/udp/198.51.100.2/9; sleep 0.3; done' 2>/dev/null; }
in_cont wta ip addr flush dev eth0
in_cont wta ip addr add "$b/16" dev eth0 noprefixroute
in_cont wta ip route replace 10.213.0.1/32 dev eth0
in_cont wta ip route replace default via 10.213.0.1
# (the gateway's MAC set by hand, as an attacker would: no ARP answer needed to send)
gwmac=$(ip -n "$NS" -o link show warren0 | awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }')
in_cont wta ip neigh replace 10.213.0.1 lladdr "$gwmac" dev eth0 nud permanent
forge
in_cont wta ip link set eth0 address 02:77:00:00:00:01
forge
n=$(nsenter --net="/run/netns/$NS" nft list table ip warren_test | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
sent=$(($(rx) - ${rx0:-0}))
check "anti-spoofing: no packet with wtb's address got past wta's port $port (counted: ${n:-?}; $sent arrived there)" \
	test "${n:-1}" = 0 -a "$sent" -ge 6
nsenter --net="/run/netns/$NS" nft delete table ip warren_test

# Stop: nothing of wta's left; her address is hers again next time.  Running (isolated,
# with isolated_ports and the default limits), she has elements in every kind of set.
out=$(firewall_elements "$a" "$port")
check "while wta runs, the firewall's sets name her address ($a) and port ($port)" \
	bash -c 'for s in "bridge warren ports" "bridge warren macs" "inet warren port_names" \
		"arp warren port_names" "inet warren isolated" "inet warren isolated_ports" \
		"inet warren net_limits"; do grep -q "^[a-z]* $s: " <<<"$1" || exit 1; done' - "$out" ||
	diag "$out"
helper_stop wta >/dev/null
check "after stop no veth of wta's is left on the bridge" \
	test -z "$(ip -n "$NS" -o link show master warren0)"
out=$(firewall_elements "$a" "$port")
check "and no element of hers in the firewall's sets and maps (every one of them listed)" \
	test $? = 0 -a -z "$out" || diag "$out"
check "nor an entry of her MAC ($amac) in the bridge's forwarding database" test -z "$(fdb_of "$amac")"
net_config ''
tssh wta -- true
check "the next container has the same address ($a)" test "$(addr_of wta)" = "$a"

# A subnet change while a container runs is refused at the next start, with the fix.
net_config 'bridge = { subnet = "10.214.0.0/16"; };'
log_mark
out=$(tssh wtb -- hostname 2>&1)
check "a subnet change while containers run: wtb's login is refused" test "$out" != wtb
check "and the log says why and what to do" \
	wait_log "warren-helper.*bridge warren0 has address 10.213.0.1/16, not 10.214.0.1/16.*stop every container" 5
# A bridge name change too; and a host firewall that drops forwarded packets is named,
# with the rules to add (Docker's and ufw's forward chains do this).
net_config 'bridge = { name = "warren1"; };'
log_mark
out=$(tssh wtb -- hostname 2>&1)
check "a bridge name change while containers run is refused, with the fix" \
	wait_log "warren-helper.*firewall was made for another bridge or subnet.*stop every container" 5
net_config ''
helper_stop wta >/dev/null
nsenter --net="/run/netns/$NS" nft -f - <<NFT
table ip warren_test_fw {
	chain forward { type filter hook forward priority 0; policy drop; }
}
NFT
log_mark
tssh wta -- true
check "a host forward chain with policy drop is named in the log, with the rules to add" \
	wait_log "warren-helper.*chain ip warren_test_fw forward drops forwarded packets by policy.*iifname \"warren0\" accept" 5
nsenter --net="/run/netns/$NS" nft delete table ip warren_test_fw

# Another bridge of the host's, with a port named as warren's are (wr...): warren's
# anti-spoofing knows its own ports by name and leaves that one alone.
if command -v ping >/dev/null; then
	ip netns add "$OTHER" && ip -n "$NS" link add wtother0 type bridge &&
		ip -n "$NS" link add wrzz9 type veth peer name eth0 netns "$OTHER" &&
		ip -n "$NS" link set wrzz9 master wtother0 && ip -n "$NS" link set wrzz9 up &&
		ip -n "$NS" addr add 192.0.2.1/24 dev wtother0 && ip -n "$NS" link set wtother0 up &&
		ip -n "$OTHER" addr add 192.0.2.2/24 dev eth0 && ip -n "$OTHER" link set eth0 up ||
		diag "cannot build the other bridge"
	check "another bridge's port named wrzz9 passes frames (the host's ping over it is answered)" \
		ip netns exec "$OTHER" ping -c 3 -i 0.3 -W 2 192.0.2.1
	ip -n "$NS" link del wtother0 2>/dev/null
	ip netns del "$OTHER" 2>/dev/null
else
	skip_host "another bridge's port named wr... passes frames" "ping (iputils-ping)"
fi

# What the network costs a cold start here: a figure for the log, not a test (make bench
# measures it properly).
cold() { # cold MODE - median ms of 7 cold starts of wta's container (enter true; stop)
	local i s e
	net_config "users = ( { name = \"wta\"; network = \"$1\"; } );"
	for i in 1 2 3 4 5 6 7; do
		helper_stop wta >/dev/null
		s=$(date +%s%N)
		nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" \
			"$HELPER" --config "$CONF" enter wta -- true >/dev/null 2>&1
		e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | sed -n 4p
}
diag "a cold start (warren-helper enter wta -- true): $(cold none) us with network none," \
	"$(cold nat) us with nat"
helper_stop wta >/dev/null
cleanup_net
fixture_finish
