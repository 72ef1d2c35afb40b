#!/bin/bash
# 98-ipv6.sh - IPv6 in containers (warren.conf(5), bridge.ipv6 and bridge.subnet6; issue
# 18, item 6), through real logins.  The helper works in the test netns (sshd's), which
# plays the host; an "upstream" netns plays the outside world, at 2001:db8:100::2 beyond
# the test netns's 2001:db8:99::1 on their link.
#   her address: the /64's slot + 2 (the host part of her IPv4 address), stable across
#        starts, with a default route through the gateway (::1) and her name in /etc/hosts
#        (warrenctl explain shows it);
#        the gateway answers her ping; her port has no IPv6 on the host's side, the bridge has
#   nat: out through NAT66 (upstream sees the test netns's address)
#   isolation as for IPv4: not another container (TCP, UDP; with peers = true she reaches
#        her, the control), not a host service on the gateway's IPv6 address
#   anti-spoofing: from root inside, another source address gets nowhere (wtb's, or one
#        of her /64); a router advertisement from her port never passes the bridge, nor a
#        neighbour advertisement for wtb's address (the gateway's entry for wtb keeps
#        wtb's MAC), while one for her own address does (the control); nor a neighbour
#        solicitation, advertisement or router solicitation whose link-layer address
#        option names wtb's MAC (the gateway's entry for her address keeps hers), while a
#        solicitation naming her own does (the control)
#   stop leaves no IPv6 element of hers in the firewall
#   DNS over IPv6: the host's resolv.conf's IPv6 nameserver on its own address becomes the
#        gateway's IPv6 address, in the file's order with IPv4's, three at most, neither
#        loopback nor link-local; her query over IPv6 reaches the host's resolver there
#        (UDP and TCP); with bridge.dns another server, port 53 of the gateway's IPv6
#        address is closed to her, and that server is reached on port 53 though
#        bridge.deny covers it (but not on another port); that change of the host's DNS
#        flags leaves a running container's chain of limits its rules (net_conns holds)
#   bridge.ipv6 = false: no IPv6 address or route inside, none on the bridge, no IPv6
#        nameserver, none in explain
# The host's /etc/resolv.conf is replaced in the test sshd's mount namespace only (a bind
# mount there, gone with it).
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 30

NET6=fd77:6172:7265:6e00 # the default bridge.subnet6, fd77:6172:7265:6e00::/64
GW6=$NET6::1
net_config() { # net_config EXTRA - the default config, nat for everyone, wta root inside
	write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/; s/network = "none";/network = "nat";/')
users = ( { name = \"wta\"; root = true; } );
$1"
}
init_of() { cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null; }
in_cont() { local u=$1; shift; nsenter --net="/proc/$(init_of "$u")/ns/net" "$@"; } # as host root
addr_of() { in_cont "$1" ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }'; }
mac_of() { in_cont "$1" ip -o link show dev eth0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'; }
port_of() { # port_of USER: her eth0's peer, the bridge port, in the test netns
	local i
	i=$(in_cont "$1" ip -o link show dev eth0 | sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p')
	ip -n "$NS" -o link show | awk -F': ' -v i="$i" '$1 == i { sub("@.*", "", $2); print $2 }'
}
# v6_of IPV4: the IPv6 address of the same slot (the host part of 10.213.X.Y, in the /64)
v6_of() { local o3 o4; IFS=. read -r _ _ o3 o4 <<<"$1"; printf '%s::%x\n' "$NET6" $((o3 * 256 + o4)); }
# hex6 ADDR: its 32 hex digits, as /proc/net/if_inet6 and ipv6_route write it
hex6() { perl -MSocket=inet_pton,AF_INET6 -e 'print unpack("H32", inet_pton(AF_INET6, $ARGV[0])), "\n"' "$1"; }
tcp6_to() { # tcp6_to USER ADDR PORT: "probing" then what USER reads there within 3 s
	tssh "$1" -- "timeout 3 bash -c 'echo probing; exec 3<>/dev/tcp/$2/$3 && head -n 1 <&3' 2>/dev/null"
}
LISTENERS=()
listener() { # listener NETNS-CMD ADDR PORT TEXT - a TCP server answering "TEXT from PEER"
	local ns=$1 addr=$2 port=$3 text=$4
	$ns perl -MIO::Socket::IP -e '$s = IO::Socket::IP->new(LocalHost => $ARGV[0], LocalPort => $ARGV[1],
		Listen => 5, ReuseAddr => 1) or die "$!"; while ($c = $s->accept) { print $c "$ARGV[2] from ",
		$c->peerhost, "\n"; close $c }' "$addr" "$port" "$text" >/dev/null 2>&1 &
	LISTENERS+=($!)
	listener_wait "$ns" "$addr" "$port"
}
cleanup_97() {
	[ ${#LISTENERS[@]} -gt 0 ] && kill "${LISTENERS[@]}" 2>/dev/null
	# wtb's listener leads a session of its own (setsid): its group is its pid
	p=$(cat "$T/listener-wtb.pid" 2>/dev/null) && [ -n "$p" ] && kill -- "-$p" 2>/dev/null
	for u in wta wtb; do helper_stop "$u" >/dev/null 2>&1; done
	ip netns del "$UP" 2>/dev/null
}
trap 'cleanup_97; fixture_finish' EXIT
trap 'exit 130' INT TERM HUP

# The outside world, IPv6 beside upstream_start's IPv4: their link 2001:db8:99::/64 (the
# host's own network: bridge.deny's "connected"), and beyond it 2001:db8:100::2.
if ! { upstream_start &&
	ip -n "$NS" addr add 2001:db8:99::1/64 dev wtup0 nodad &&
	ip -n "$UP" addr add 2001:db8:99::2/64 dev eth0 nodad &&
	ip -n "$UP" addr add 2001:db8:100::2/128 dev lo &&
	ip -n "$NS" route add 2001:db8:100::/64 via 2001:db8:99::2; }; then
	diag "cannot give the upstream netns its IPv6"
fi
listener "nsenter --net=/run/netns/$UP" 2001:db8:100::2 8000 upstream
listener "nsenter --net=/run/netns/$UP" 2001:db8:99::2 53 nameserver6
listener "nsenter --net=/run/netns/$UP" 2001:db8:99::2 8000 intranet6
listener in_ns :: 7001 host-service

# The host's resolv.conf, as sshd (and the helper it runs) see it: a loopback resolver, a
# link-local one (of the host's link to upstream), one on an IPv6 address of the host's
# own, one on an IPv4 address of its own, one beyond, and a fourth usable one.
printf '%s\n' 'search warren-test.example' 'nameserver ::1' 'nameserver fe80::1%wtup0' \
	'nameserver 2001:db8:99::1' 'nameserver 10.99.0.1' 'nameserver 2001:db8:100::2' \
	'nameserver 198.51.100.53' >"$T/resolv.conf"
nsenter --mount="/proc/$SSHD_PID/ns/mnt" mount --bind "$T/resolv.conf" /etc/resolv.conf ||
	diag "cannot bind the test resolv.conf in sshd's mount namespace"

# An interface of the host's that takes its IPv6 route from router advertisements
# (accept_ra 1): IPv6 forwarding, on with the first nat container, would make it ignore
# them; warren sets it to 2 first, before the first start turns forwarding on (read
# right after it: a later start finds forwarding on and would mend it too late).
# (A veth pair, both ends in the test netns: kernels without the dummy module have it.)
ip -n "$NS" link add wtra0 type veth peer name wtra1 && in_ns sysctl -qw net.ipv6.conf.wtra0.accept_ra=1 ||
	diag "cannot make the interface wtra0"
log_mark
net_config ''
tssh wta -- true
said=$(wait_log 'set net\.ipv6\.conf\.wtra0\.accept_ra from 1 to 2' 5 >/dev/null && echo yes)
fwd=$(in_ns cat /proc/sys/net/ipv6/conf/all/forwarding) ra=$(in_ns cat /proc/sys/net/ipv6/conf/wtra0/accept_ra)
check "IPv6 forwarding on ($fwd), an interface of the host with accept_ra 1 keeps taking router advertisements: $ra, and the log says so (${said:-no})" \
	test "$fwd@$ra@$said" = "1@2@yes"
tssh wtb -- true
a=$(addr_of wta) b=$(addr_of wtb)
a6=$(v6_of "$a") b6=$(v6_of "$b")
diag "wta: $a and $a6, wtb: $b and $b6"

# --- her address, route and name, over her login ------------------------------------------

out=$(tssh wta -- 'cat /proc/net/if_inet6; echo @@; cat /proc/net/ipv6_route; echo @@; cat /etc/hosts' 2>&1)
section() { awk -v n="$2" '/^@@$/ { s++; next } s == n - 1' <<<"$1"; }
check "wta has her address $a6/64 on eth0, from her slot (as her IPv4 address $a)" \
	grep -Eq "^$(hex6 "$a6") [0-9a-f]+ 40 00 [0-9a-f]+ +eth0$" <<<"$(section "$out" 1)" ||
	diag "$(section "$out" 1)"
check "her IPv6 default route goes through the gateway, $GW6" \
	grep -Eq "^0{32} 00 0{32} 00 $(hex6 "$GW6") [0-9a-f ]+eth0$" <<<"$(section "$out" 2)" ||
	diag "$(section "$out" 2)"
check "her /etc/hosts names her IPv6 address and the gateway's" \
	bash -c 'grep -Pq "^\Q$1\E\twta$" <<<"$3" && grep -Pq "^\Q$2\E\twarren-gateway$" <<<"$3"' - "$a6" "$GW6" \
	"$(section "$out" 3)" || diag "$(section "$out" 3)"
out=$(in_ns "$REPO/warrenctl" explain wta --config "$CONF" 2>&1)
check "warrenctl explain shows her IPv6 address after her IPv4 one" \
	bash -c 'grep -A1 "^address: *$1 on bridge warren0 " <<<"$3" | tail -n 1 |
		grep -Fqx "address6:    $2 on bridge warren0 (fd77:6172:7265:6e00::/64)"' - "$a" "$a6" "$out" ||
	diag "$out"
out=$(tssh wta -- "ping -c 1 -W 3 $GW6" 2>&1)
check "the gateway answers her ping over IPv6 (as the user, over her login)" grep -q ' 1 received' <<<"$out" ||
	diag "$out"
aport=$(port_of wta)
check "the host's side of her port ($aport) has no IPv6, the bridge has (its ::1)" \
	bash -c '[ "$1" = 1 ] && [ "$2" = 0 ] && grep -q "inet6 $3/64" <<<"$4"' - \
	"$(in_ns cat "/proc/sys/net/ipv6/conf/$aport/disable_ipv6")" \
	"$(in_ns cat /proc/sys/net/ipv6/conf/warren0/disable_ipv6)" "$GW6" "$(ip -n "$NS" -6 addr show dev warren0)"

# --- NAT66 ---------------------------------------------------------------------------------

got=
for ((i = 0; i < 20; i++)); do
	got=$(tcp6_to wta 2001:db8:100::2 8000) && grep -q '^upstream' <<<"$got" && break
	sleep 0.5
done
check "nat: wta reaches upstream's 2001:db8:100::2, which sees the test netns's address (NAT66), not hers" \
	test "$got" = "probing
upstream from 2001:db8:99::1" || diag "got: $got"

# --- isolation -----------------------------------------------------------------------------

# wtb listens on TCP 8002 and UDP 8003 (in her netns, as host root: the firewall is on the
# host's side); the host (test netns, root) reaches both: the control.
serve_wtb() { # (re)start wtb's listeners; host_b: what the host reads from her TCP one
	local p i
	p=$(cat "$T/listener-wtb.pid" 2>/dev/null) && [ -n "$p" ] && kill -- "-$p" 2>/dev/null
	: >"$T/udp-wtb"
	in_cont wtb setsid perl -MIO::Socket::IP -e '($log, $pidfile) = @ARGV;
		open(P, ">", $pidfile) and print P "$$\n" and close P;
		$t = IO::Socket::IP->new(LocalHost => "::", LocalPort => 8002, Listen => 16, ReuseAddr => 1) or die "tcp: $!";
		$u = IO::Socket::IP->new(LocalHost => "::", LocalPort => 8003, Proto => "udp") or die "udp: $!";
		if (fork) { while ($c = $t->accept) { print $c "wtb\n"; close $c } }
		open(F, ">>", $log) or die; select F; $| = 1;
		while ($u->recv($m, 200)) { print F $m }' "$T/udp-wtb" "$T/listener-wtb.pid" </dev/null >/dev/null 2>&1 &
	host_b=
	for ((i = 0; i < 40; i++)); do
		host_b=$(in_ns timeout 3 bash -c "exec 3<>/dev/tcp/$b6/8002 && head -n 1 <&3" 2>/dev/null) && break
		sleep 0.25
	done
}
# udp_from_wta TEXT: wta sends TEXT to wtb's UDP 8003 (as the user, over her login; "sent"
# when it went), then the host sends "from-host" until that arrives: what arrives in order.
udp_from_wta() {
	local i
	sent=$(tssh wta -- "echo $1 >/dev/udp/$b6/8003 && echo sent" 2>&1)
	for ((i = 0; i < 40; i++)); do
		in_ns bash -c "echo from-host >/dev/udp/$b6/8003"
		grep -qx from-host "$T/udp-wtb" && break
		sleep 0.25
	done
}

# The control: on an open path (peers = true, both in wtjail) her TCP connection and her
# datagram, sent as below, reach wtb; so the checks after it can fail.  (The gateway
# forwards back out onto the bridge, so it sends her a redirect to wtb's MAC, which the
# bridge never passes: her eth0 must take none, else her datagram is lost after it.)
restart_both() { # restart_both EXTRA: both stopped, started anew under net_config EXTRA
	helper_stop wta >/dev/null 2>&1
	helper_stop wtb >/dev/null 2>&1
	net_config "$1"
	tssh wta -- true
	tssh wtb -- true
	serve_wtb
}
restart_both 'groups = ( { name = "wtjail"; peers = true; } );'
got=$(tcp6_to wta "$b6" 8002)
udp_from_wta from-wta-peer
check "peers = true: wta reaches wtb's IPv6 address over TCP and UDP (the control of the two checks below; the host reaches her: '$host_b')" \
	bash -c '[ "$1" = wtb ] && [ "$2" = "probing
wtb" ] && [ "$3" = sent ] && grep -qx from-wta-peer "$4"' - "$host_b" "$got" "$sent" "$T/udp-wtb" ||
	diag "tcp: $got; udp: $sent: $(cat "$T/udp-wtb"); wta's route to wtb: $(in_cont wta ip -6 route get "$b6" 2>&1); $(in_cont wta grep InRedirects /proc/net/snmp6)"
restart_both ''
got=$(tcp6_to wta "$b6" 8002)
check "wta cannot open a TCP connection to wtb's IPv6 address (the host reaches it: '$host_b')" \
	test "$host_b@$got" = "wtb@probing" || diag "got: $got"
udp_from_wta from-wta
check "nor send her a UDP datagram over IPv6 (the host's, sent after it, arrives)" \
	bash -c '[ "$2" = sent ] && grep -qx from-host "$1" && ! grep -q from-wta "$1"' - "$T/udp-wtb" "$sent" ||
	diag "$sent: $(cat "$T/udp-wtb")"
host_s=$(in_ns timeout 3 bash -c "exec 3<>/dev/tcp/$GW6/7001 && head -n 1 <&3" 2>/dev/null)
got=$(tcp6_to wta "$GW6" 7001)
check "wta cannot reach a host service on the gateway's IPv6 address (the host does: '$host_s')" \
	bash -c '[[ "$1" == host-service* ]] && [ "$2" = probing ]' - "$host_s" "$got" || diag "got: $got"

# --- DNS over IPv6 ----------------------------------------------------------------------------

out=$(tssh wta -- 'cat /etc/resolv.conf' 2>&1)
check "her /etc/resolv.conf: the host's IPv6 nameserver on its own address as the gateway's, $GW6, in the file's order with IPv4's, three at most, neither loopback nor link-local" \
	test "$out" = "search warren-test.example
nameserver $GW6
nameserver 10.213.0.1
nameserver 2001:db8:100::2" || diag "$out"
# The host's resolver on the gateway's IPv6 address: UDP (it answers the query it got) and
# TCP (the listener: "dns6-tcp from PEER").
in_ns perl -MIO::Socket::IP -e '$s = IO::Socket::IP->new(LocalHost => $ARGV[0], LocalPort => 53,
	Proto => "udp") or die "$!"; while (defined $s->recv($m, 512)) { $s->send("dns6-udp for $m") }' \
	"$GW6" >/dev/null 2>&1 &
LISTENERS+=($!)
listener in_ns "$GW6" 53 dns6-tcp
dns6_query() { # dns6_query USER: her UDP query to the gateway's port 53 (3 tries), then TCP's
	tssh "$1" -- "for i in 1 2 3; do r=\$(timeout 2 bash -c 'exec 3<>/dev/udp/$GW6/53; echo q-\$0 >&3; head -n 1 <&3' \$USER 2>/dev/null) && break; done
		echo \"udp=\$r tcp=\$(timeout 3 bash -c 'exec 3<>/dev/tcp/$GW6/53 && head -n 1 <&3' 2>/dev/null)\"" 2>&1
}
out=$(dns6_query wta)
check "her DNS query over IPv6 reaches the host's resolver on the gateway's IPv6 address, UDP and TCP (as the user, over her login)" \
	test "$out" = "udp=dns6-udp for q-wta tcp=dns6-tcp from $a6" || diag "$out"

# --- anti-spoofing: from root inside --------------------------------------------------------

# Root inside (root = true: sudo; no CAP_NET_ADMIN, CAP_NET_RAW) sends UDP datagrams to
# upstream through a packet socket (tests/lib/frame.pl, the image's perl), her MAC to the
# gateway's: from wtb's address, from another of the /64, then from her own, the control.
# Upstream logs what arrives, and from where: hers only, as the host's address.
spoof=$NET6::dead
: >"$T/udp-up"
nsenter --net="/run/netns/$UP" perl -MIO::Socket::IP -e '$| = 1; $u = IO::Socket::IP->new(LocalHost =>
	"2001:db8:100::2", LocalPort => 8001, Proto => "udp") or die "udp: $!"; open(F, ">>", $ARGV[0]) or die;
	select F; $| = 1; while ($u->recv($m, 200)) { chomp $m; print F "$m from ", $u->peerhost, "\n" }' \
	"$T/udp-up" </dev/null >/dev/null 2>&1 &
LISTENERS+=($!)
tssh wta -- 'cat >/tmp/frame.pl' <tests/lib/frame.pl
amac=$(mac_of wta) bmac=$(mac_of wtb)
br_mac=$(ip -n "$NS" -o link show warren0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
out=$(tssh wta -- "f() { sudo -n perl /tmp/frame.pl eth0 $br_mac $amac udp6 \"\$@\" || echo FAILED; }
	f $b6 2001:db8:100::2 8001 spoof-wtb; f $spoof 2001:db8:100::2 8001 spoof-dead
	for i in 1 2 3 4 5 6 7 8 9 10; do f $a6 2001:db8:100::2 8001 own; sleep 0.3; done; echo sent" 2>&1)
for ((i = 0; i < 40; i++)); do grep -q '^own ' "$T/udp-up" && break; sleep 0.25; done
check "root in wta's container: of IPv6 datagrams from wtb's address, from another of the /64 and from her own, upstream gets hers only, from the host's address ($(sort -u "$T/udp-up" | tr '\n' ';'))" \
	bash -c '[ "$1" = sent ] && [ "$(sort -u "$2")" = "own from 2001:db8:99::1" ]' - "$out" "$T/udp-up" ||
	diag "$out"

# Neighbour discovery from wta's port, in rounds: root inside sends frames (frame.pl), the
# test's own marked in bytes a receiver ignores (the reserved bits of a solicitation or an
# advertisement, an unknown option of the router advertisement), then a datagram to all
# nodes, the last.  A tap on the bridge prints what passed of the marked ones, as TYPE, an
# advertisement's or a neighbour solicitation's target, and the MAC of the first option
# (its link-layer address), and stops at the datagram: the bridge has dealt with all
# before it (in order, from one port).
mark=$(printf '97%04x' $(($$ & 0xffff)))                          # 3 bytes, hex
na() { printf '20%s%s0201%s' "$mark" "$(hex6 "$1")" "${2//:/}"; } # na TARGET TLL-MAC, override
ns() { printf '00%s%s0101%s' "$mark" "$(hex6 "$1")" "${2//:/}"; } # ns TARGET SLL-MAC
rs() { printf '00%s0101%s' "$mark" "${1//:/}"; }                  # rs SLL-MAC
# router advertisement, SLL, an unknown option (16 bytes) with the mark
ra="4000070800000000000000000101${amac//:/}fd02${mark}$(printf '0%.0s' {1..22})"
nd_round() { # nd_round FRAME...: each frame.pl's arguments after IFACE; sets nd_sent, nd_seen
	local idx tap i
	idx=$(ip -n "$NS" -o link show warren0 | cut -d: -f1)
	in_ns perl -e '$| = 1; my ($idx, $m) = @ARGV; my $mark = pack("H*", $m);
		my %opt = (133 => 62, 134 => 70, 135 => 78, 136 => 78);
		socket(my $s, 17, 3, 0x0300) or die "socket: $!";
		bind($s, pack("S n i S C C a8", 17, 0x0003, $idx, 0, 0, 0, "")) or die "bind: $!";
		print "ready\n"; $SIG{ALRM} = sub { exit 0 }; alarm 20;
		while (defined recv($s, my $f, 2048, 0)) {
			next if substr($f, 12, 2) ne "\x86\xdd";
			my ($nh, $t) = (ord(substr($f, 20, 1)), ord(substr($f, 54, 1)));
			exit 0 if $nh == 17 && index($f, "sync-$m") >= 0;
			next if $nh != 58 || index($f, $mark, 54) < 0 || !$opt{$t};
			my $target = $t >= 135 ? unpack("H32", substr($f, 62, 16)) . ":" : "";
			print "$t:$target", unpack("H12", substr($f, $opt{$t} + 2, 6)), "\n";
		}' "${idx:-0}" "$mark" >"$T/tap.out" 2>&1 &
	tap=$!
	for ((i = 0; i < 80; i++)); do grep -qs ready "$T/tap.out" && break; sleep 0.25; done
	nd_sent=$(tssh wta -- "f() { sudo -n perl /tmp/frame.pl eth0 \"\$@\" || echo FAILED; }
		$(printf 'f %s\n' "$@")
		f 33:33:00:00:00:01 $amac udp6 $a6 ff02::1 9 sync-$mark; echo sent" 2>&1)
	wait "$tap"
	nd_seen=$(grep -v ready "$T/tap.out" | tr '\n' ' ')
}
all_nodes="33:33:00:00:00:01 $amac icmp6"

# Advertisements: the gateway holds wtb's MAC for her address (it talks to her first);
# from wta's port come an advertisement for wtb's address (from hers, then from wtb's),
# a router advertisement (from her own address and MAC), then an advertisement for her
# own address, the control.  Only the last passes; the gateway still holds wtb's MAC for
# wtb's address.
in_ns ping -6 -c 1 -W 3 "$b6" >/dev/null 2>&1
before=$(in_ns ip -6 neigh show dev warren0 "$b6")
nd_round "$all_nodes $a6 ff02::1 136 $(na "$b6" "$amac")" "$all_nodes $b6 ff02::1 136 $(na "$b6" "$amac")" \
	"$all_nodes $a6 ff02::1 134 $ra" "$all_nodes $a6 ff02::1 136 $(na "$a6" "$amac")"
check "root in wta's container sent the frames (sudo, a packet socket of the image's perl)" \
	test "$nd_sent" = sent || diag "$nd_sent"
check "of the advertisements from wta's port the bridge passes the one for her own address only ($nd_seen)" \
	test "$nd_seen" = "136:$(hex6 "$a6"):${amac//:/} "
after=$(in_ns ip -6 neigh show dev warren0 "$b6")
check "the gateway's neighbour entry for wtb's address keeps wtb's MAC ($bmac: '$before', then '$after')" \
	bash -c 'grep -q "lladdr $1 " <<<"$2" && grep -q "lladdr $1 " <<<"$3"' - "$bmac" "$before" "$after"

# Link-layer address options (issue 18: as her ARP, her neighbour discovery names her own
# MAC only): with the gateway's entry for her address deleted, a neighbour solicitation to
# the gateway from her address naming her MAC (the control: the entry comes back with
# it); then, each of which Linux takes into that entry, a solicitation naming wtb's MAC, one
# whose first option is a target link-layer address naming hers and whose second (the
# source's, what Linux takes) names wtb's, an advertisement for her own address naming
# wtb's (override), a router solicitation naming it.  None of the four passes: the entry
# for her address names her MAC, not wtb's.
in_ns ip -6 neigh del "$a6" dev warren0 2>/dev/null
solicited="33:33:ff:00:00:01 $amac icmp6 $a6 ff02::1:ff00:1 135" # the gateway's (::1) group
nd_round "$solicited $(ns "$GW6" "$amac")" "$solicited $(ns "$GW6" "$bmac")" \
	"$solicited 00${mark}$(hex6 "$GW6")0201${amac//:/}0101${bmac//:/}" \
	"$all_nodes $a6 ff02::1 136 $(na "$a6" "$bmac")" \
	"33:33:00:00:00:02 $amac icmp6 $a6 ff02::2 133 $(rs "$bmac")"
entry=$(in_ns ip -6 neigh show dev warren0 "$a6")
check "of solicitations and advertisements from wta's port naming a link-layer address, the bridge passes the one naming her own MAC only, not those naming wtb's ($nd_seen; $nd_sent)" \
	test "$nd_seen" = "135:$(hex6 "$GW6"):${amac//:/} "
check "the gateway's neighbour entry for her address names her MAC, never wtb's ($amac, not $bmac: '$entry')" \
	grep -q "lladdr $amac " <<<"$entry"

# --- stop, and the address is hers at the next start -----------------------------------------

helper_stop wta >/dev/null 2>&1
out=$(in_ns nft list ruleset 2>&1)
check "her stop leaves no IPv6 element of hers in warren's firewall ($a6, $aport)" \
	bash -c '! grep -Fq -- "$1 " <<<"$3" && ! grep -Fq -- "$1," <<<"$3" && ! grep -Fq "\"$2\"" <<<"$3" &&
		grep -q "set ports6" <<<"$3"' - "$a6" "$aport" "$out"
out=$(tssh wta -- 'cat /proc/net/if_inet6' 2>&1)
check "her next start gives her the same IPv6 address, $a6" \
	grep -Eq "^$(hex6 "$a6") [0-9a-f]+ 40 00 [0-9a-f]+ +eth0$" <<<"$out" || diag "$out"

# --- bridge.dns another server, a change of the host's DNS flags under a running container ----

# wtb runs with net_conns = 3 (her group's), started under the host's nameservers (on its
# own addresses: DNS to both of the gateway's addresses); wta's start under bridge.dns
# another server turns both flags off.  Only set elements may change at that: version 8
# replaced the rules (its mark named the flags), and the flush emptied wtb's chain of
# limits, so she had none until her next start.  wtb holds her connections open to a
# listener upstream that keeps each until its client closes it.
cat >"$T/hold.pl" <<'EOF'
use IO::Socket::IP; use IO::Select;
$l = IO::Socket::IP->new(LocalHost => $ARGV[0], LocalPort => $ARGV[1], Listen => 16, ReuseAddr => 1) or die "$!";
$sel = IO::Select->new($l);
while (1) {
	for $s ($sel->can_read) {
		if ($s == $l) { $c = $l->accept or next; $sel->add($c) }
		elsif (!sysread($s, $b, 100)) { $sel->remove($s); close $s }
	}
}
EOF
# conns.pl HOST PORT N: N connections opened in turn (2 s each) and held; which opened
cat >"$T/conns.pl" <<'EOF'
use IO::Socket::IP;
my ($host, $port, $n) = @ARGV;
for (1 .. $n) {
	my $s = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port, Timeout => 2);
	push @r, $s ? "open" : "refused";
	push @held, $s if $s;
}
print "@r\n";
EOF
nsenter --net="/run/netns/$UP" perl "$T/hold.pl" 198.51.100.2 8010 >/dev/null 2>&1 &
LISTENERS+=($!)
listener_wait "$UPNS" 198.51.100.2 8010
helper_stop wta >/dev/null 2>&1
helper_stop wtb >/dev/null 2>&1
limits='groups = ( { name = "wtjail"; net_conns = 3; } );'
net_config "$limits"
tssh wtb -- 'cat >/tmp/conns.pl' <"$T/conns.pl"
read -r _ bport _ 2>/dev/null </run/warren/users/wtb/net
chain_before=$(in_ns nft list chain inet warren "limits_${bport:-none}" 2>&1)
# 2001:db8:99::2, on the host's own network: bridge.deny's "connected" covers it.
net_config "bridge = { dns = [ \"2001:db8:99::2\" ]; }; $limits"
log_mark
out=$(tssh wta -- 'cat /etc/resolv.conf' 2>&1)
check "bridge.dns = [ \"2001:db8:99::2\" ]: her /etc/resolv.conf names it alone" \
	test "$out" = "nameserver 2001:db8:99::2" || diag "$out"
chain_after=$(in_ns nft list chain inet warren "limits_${bport:-none}" 2>&1)
conns=$(tssh wtb -- 'perl /tmp/conns.pl 198.51.100.2 8010 4' 2>&1 | tr -d '\r')
check "a change of the host's DNS flags (wta's start with bridge.dns another server) leaves running wtb's chain of limits ($bport) its rules: her 4th connection is refused at net_conns = 3, and the rules were not replaced" \
	bash -c 'grep -q "ct count over 3 " <<<"$1" && grep -q "ct count over 3 " <<<"$2" &&
		[ "$3" = "open open open refused" ] && ! grep -q "older version" <<<"$4"' - \
	"$chain_before" "$chain_after" "$conns" "$(log_since)" ||
	diag "wtb: $conns; her chain before: $chain_before; after: $chain_after; log: $(log_since | grep -i nftables)"
# The checks below without limits (wta's queries must not meet one).
helper_stop wta >/dev/null 2>&1
helper_stop wtb >/dev/null 2>&1
net_config 'bridge = { dns = [ "2001:db8:99::2" ]; };'
tssh wta -- true
host_dns=$(in_ns timeout 3 bash -c "exec 3<>/dev/tcp/$GW6/53 && head -n 1 <&3" 2>/dev/null)
out=$(dns6_query wta)
check "and port 53 of the gateway's IPv6 address is closed to her, UDP and TCP (the host reaches its resolver there: '$host_dns')" \
	bash -c '[[ "$1" == dns6-tcp* ]] && [ "$2" = "udp= tcp=" ]' - "$host_dns" "$out" || diag "$out"
got=$(tcp6_to wta 2001:db8:99::2 53)@$(tcp6_to wta 2001:db8:99::2 8000)
check "she reaches that nameserver on port 53 though bridge.deny covers it, not on port 8000" \
	test "$got" = "probing
nameserver6 from 2001:db8:99::1@probing" || diag "got: $got"

# --- bridge.ipv6 = false ---------------------------------------------------------------------

helper_stop wta >/dev/null 2>&1
helper_stop wtb >/dev/null 2>&1
net_config 'bridge = { ipv6 = false; };'
out=$(tssh wta -- 'cat /proc/net/if_inet6; echo @@; cat /proc/net/ipv6_route; echo @@; cat /etc/hosts; echo @@; cat /etc/resolv.conf' 2>&1)
check "bridge.ipv6 = false: wta has no IPv6 address but link-local and loopback, no IPv6 default route, no IPv6 line in /etc/hosts but localhost's" \
	bash -c '! grep -Ev "^(fe80[0-9a-f]{28} .* 20 |0{31}1 .* lo$)" <<<"$1" | grep -q . &&
		! grep -Eq "^0{32} 00 0{32} 00 [0-9a-f]{32} .*eth0$" <<<"$2" && grep -q "wta" <<<"$3" &&
		! grep -q "^fd" <<<"$3"' - "$(section "$out" 1)" "$(section "$out" 2)" "$(section "$out" 3)" || diag "$out"
check "and no IPv6 nameserver in her /etc/resolv.conf: the host's IPv4 ones, its own at the gateway" \
	test "$(section "$out" 4)" = "search warren-test.example
nameserver 10.213.0.1
nameserver 198.51.100.53" || diag "$(section "$out" 4)"
out=$(in_ns "$REPO/warrenctl" explain wta --config "$CONF" 2>&1)
check "and warrenctl explain shows her IPv4 address only" \
	bash -c 'grep -q "^address: *$1 on bridge warren0 " <<<"$2" && ! grep -q "^address6:" <<<"$2"' - "$a" "$out" ||
	diag "$out"
check "and the bridge has no IPv6" \
	bash -c '[ "$1" = 1 ] && ! grep -q inet6 <<<"$2"' - \
	"$(in_ns cat /proc/sys/net/ipv6/conf/warren0/disable_ipv6)" "$(ip -n "$NS" -6 addr show dev warren0)"

cleanup_97
fixture_finish
