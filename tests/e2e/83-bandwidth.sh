#!/bin/bash
# 83-bandwidth.sh - a container's bandwidth (issue 18, item 7; warren.conf(5),
# bandwidth.in and bandwidth.out).  The helper works in the test netns (sshd's), which
# plays the host; an "upstream" netns behind a veth plays the outside world, with a sink
# (reads all a client sends, then says how much) and a source (sends a client as many
# bytes as it asks for).  As the user, over her login, with the image's perl, each
# transfer timed inside her container:
#   her group's bandwidth = { in = "16mbit"; out = "8mbit"; }: what she sends to the
#        upstream comes within 30% of 8mbit, what she gets from it within 30% of 16mbit
#        (different rates: in and out swapped would fail both)
#   a user whose group sets no bandwidth is not held: both ways far faster than either
#   warrenctl explain says each key's value and source, warrenctl show the rates the
#        kernel holds her container to; a rate in tc's bytes per second is refused by
#        check-config with the file, the line and the rate in bits
#   anti-spoofing holds with bandwidth.out (her egress through her ifb): from 200
#        addresses of the subnet that are nobody's, ARP and UDP from her network
#        namespace give the host's neighbour table no entry (nor wtb's, with no ifb); a
#        forged address, then a forged MAC, gets no packet past her port
#   at her stop nothing of it stays on the host: no qdisc of hers, no ifb
# run.sh bound: 240 s
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 16

UPSTREAM=198.51.100.2
IN=16 OUT=8                                        # her group's rates, mbit
IN_BYTES=$((IN * 500000)) OUT_BYTES=$((OUT * 500000)) # 4 s at each rate

# The upstream's two listeners: a sink on 8001 (reads until the client is done sending,
# then answers "got N"), a source on 8002 (reads a count, sends that many bytes, closes).
cat >"$T/server.pl" <<'EOF'
use IO::Socket::INET;
my %l;
for my $p (8001, 8002) {
	$l{$p} = IO::Socket::INET->new(LocalAddr => "$ARGV[0]:$p", Listen => 16, ReuseAddr => 1)
		or die "$p: $!";
}
if (fork) {
	while (my $c = $l{8001}->accept) {
		my ($got, $k, $b) = (0);
		$got += $k while ($k = sysread($c, $b, 65536));
		print $c "got $got\n";
		close $c;
	}
} else {
	my $buf = "x" x 65536;
	while (my $c = $l{8002}->accept) {
		my $n = <$c>;
		while ($n > 0) {
			my $w = syswrite($c, $buf, $n < 65536 ? $n : 65536) or last;
			$n -= $w;
		}
		close $c;
	}
}
EOF
# Hers: "out N" sends N bytes to the sink and waits for its answer (so that what sits in
# her socket's buffer counts); "in N" asks the source for N bytes and reads them all.
cat >"$T/bw.pl" <<'EOF'
use IO::Socket::INET;
my ($way, $n) = @ARGV;
my $s = IO::Socket::INET->new(PeerAddr => "198.51.100.2:" . ($way eq "out" ? 8001 : 8002))
	or die "connect: $!";
if ($way eq "out") {
	my $buf = "x" x 65536;
	while ($n > 0) {
		my $w = syswrite($s, $buf, $n < 65536 ? $n : 65536) or die "write: $!";
		$n -= $w;
	}
	shutdown($s, 1);
	print scalar <$s>;
} else {
	print $s "$n\n";
	my ($got, $k, $b) = (0);
	$got += $k while ($k = sysread($s, $b, 65536));
	print "got $got\n";
}
EOF
SERVER=
cleanup_bw() {
	[ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
	[ -n "$SERVER" ] && pkill -P "$SERVER" 2>/dev/null
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
	ip netns del "$UP" 2>/dev/null
}
trap 'cleanup_bw; fixture_finish' EXIT
trap 'exit 130' INT TERM HUP

upstream_start
$UPNS perl "$T/server.pl" "$UPSTREAM" >"$T/server.log" 2>&1 &
SERVER=$!
for ((i = 0; i < 300; i++)); do
	$UPNS bash -c 'exec 3<>/dev/tcp/$1/8001' - "$UPSTREAM" 2>/dev/null && break
	pid_alive "$SERVER" || break
	sleep 0.1
done
$UPNS bash -c 'exec 3<>/dev/tcp/$1/8002' - "$UPSTREAM" 2>/dev/null ||
	diag "the upstream's listeners did not start: $(cat "$T/server.log")"

# wta in wtga, which sets her bandwidth; wtb in wtgb, which sets another key but none.
groupadd wtga && groupadd wtgb && usermod -aG wtga wta && usermod -aG wtgb wtb ||
	diag "cannot make the groups"
bw_config() { # bw_config GROUPS - nat for everyone, a minute's idle; the groups entries
	write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/; s/network = "none";/network = "nat";/')
groups = ( $1 );"
}

# A rate in bytes per second, as tc writes it, is refused where it is written.
bw_config '{ name = "wtga";
  bandwidth = { in = "2mbps"; }; }'
out=$("$REPO/warrenctl" check-config "$CONF" 2>&1)
line=$(grep -n 'bandwidth = { in = "2mbps"; }' "$CONF" | cut -d: -f1)
check "bandwidth.in = \"2mbps\" (bytes): check-config names the file, the line ($line) and the rate in bits" \
	grep -qF "$CONF:$line: groups[0].bandwidth.in: \"2mbps\" is bytes per second (tc's kbps, mbps and gbps are bytes); warren's rates are bits per second: write \"16mbit\"" \
	<<<"$out" || diag "$out"

bw_config "{ name = \"wtga\"; bandwidth = { in = \"${IN}mbit\"; out = \"${OUT}mbit\"; }; },
  { name = \"wtgb\"; net_rate = 200; }"
out=$(in_ns "$REPO/warrenctl" explain wta --config "$CONF" 2>&1)
check "warrenctl explain wta: bandwidth.in ${IN}mbit and bandwidth.out ${OUT}mbit, from group wtga" \
	bash -c 'grep -Eq "^bandwidth\.in +$2mbit +\(group wtga\)$" <<<"$1" &&
		grep -Eq "^bandwidth\.out +$3mbit +\(group wtga\)$" <<<"$1"' - "$out" "$IN" "$OUT" || diag "$out"
out=$(in_ns "$REPO/warrenctl" explain wtb --config "$CONF" 2>&1)
check "warrenctl explain wtb: no bandwidth limit (max, built-in)" \
	bash -c 'grep -Eq "^bandwidth\.in +max +\(built-in\)$" <<<"$1" &&
		grep -Eq "^bandwidth\.out +max +\(built-in\)$" <<<"$1"' - "$out" || diag "$out"

tssh wta -- 'cat >/tmp/bw.pl' <"$T/bw.pl"
tssh wtb -- 'cat >/tmp/bw.pl' <"$T/bw.pl"
# her record: "v3 PORT ..."
read -r _ port _ 2>/dev/null </run/warren/users/wta/net
out=$(in_ns "$REPO/warrenctl" show wta --config "$CONF" 2>&1)
check "warrenctl show wta: bandwidth in ${IN}mbit, out ${OUT}mbit (as the kernel has them)" \
	grep -q "^bandwidth: *in ${IN}mbit, out ${OUT}mbit$" <<<"$out" || diag "$out"
out=$(in_ns "$REPO/warrenctl" show wtb --config "$CONF" 2>&1)
check "warrenctl show wtb: bandwidth in not limited, out not limited" \
	grep -q "^bandwidth: *in not limited, out not limited$" <<<"$out" || diag "$out"

# mbit USER WAY BYTES - USER moves BYTES to (out) or from (in) the upstream, timed inside her
# container: the rate in mbit/s with two decimals into $got, or "no rate" (and the
# transcript as a diag)
mbit() {
	local out bytes ns
	out=$(tssh "$1" -- "t0=\$(date +%s%N); perl /tmp/bw.pl $2 $3; t1=\$(date +%s%N); echo ns \$((t1 - t0))" 2>&1)
	bytes=$(sed -n 's/^got \([0-9]*\)\r*$/\1/p' <<<"$out")
	ns=$(sed -n 's/^ns \([0-9]*\)\r*$/\1/p' <<<"$out")
	if [ "${bytes:-0}" != "$3" ] || [ -z "$ns" ]; then
		diag "$1 $2 $3: $out"
		got="no rate"
		return 1
	fi
	got=$(awk -v b="$bytes" -v ns="$ns" 'BEGIN { printf "%.2f\n", b * 8 * 1000 / ns }')
}
# within RATE WANT - RATE (a number) is within 30% of WANT; over RATE MIN - it is above MIN
within() { [[ $1 =~ ^[0-9]+\.[0-9]+$ ]] && awk -v r="$1" -v w="$2" 'BEGIN { exit !(r >= w * 0.7 && r <= w * 1.3) }'; }
over() { [[ $1 =~ ^[0-9]+\.[0-9]+$ ]] && awk -v r="$1" -v w="$2" 'BEGIN { exit !(r > w) }'; }

mbit wta out "$OUT_BYTES"
check "out: wta sends $OUT_BYTES bytes to the upstream at ${got}mbit/s, within 30% of ${OUT}mbit" \
	within "$got" "$OUT"
mbit wta in "$IN_BYTES"
check "in: wta gets $IN_BYTES bytes from the upstream at ${got}mbit/s, within 30% of ${IN}mbit" \
	within "$got" "$IN"
fast=$((3 * IN))
mbit wtb out "$IN_BYTES"
check "wtb (her group sets no bandwidth) sends $IN_BYTES bytes at ${got}mbit/s, over ${fast}mbit" \
	over "$got" "$fast"
mbit wtb in "$IN_BYTES"
check "and gets them at ${got}mbit/s, over ${fast}mbit" over "$got" "$fast"

out=$(in_ns tc qdisc show dev "${port:-none}" 2>&1; echo @@; in_ns tc qdisc show dev "${port:-none}-ifb" 2>&1)
check "while she runs, her port ${port:-?} has a tbf at its root and an ingress qdisc, her ${port:-?}-ifb a tbf" \
	bash -c 'grep -q "^qdisc tbf 1: root .* rate $2Mbit " <<<"$1" && grep -q "^qdisc ingress ffff: " <<<"$1" &&
		grep -q "^qdisc tbf 1: root .* rate $3Mbit " <<<"$4"' - "$(section "$out" 1)" "$IN" "$OUT" \
	"$(section "$out" 2)" || diag "$out"
# Anti-spoofing holds with bandwidth.out (her port's ingress redirected to her ifb, which
# hands it back to the port: the bridge's rules must still see it), and the host's
# neighbour table holds one entry per container.  As host root in her network namespace
# (stronger than root inside), with the host's perl and tests/lib/frame.pl: ARP requests
# for the gateway and UDP to it from 200 addresses of the subnet that are nobody's, with
# her own MAC; then a datagram from her own address to a listener upstream, which comes
# after them through the same port.  The same from wtb, whose port has no ifb.
init_of() { cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null; }
in_cont() { local u=$1; shift; nsenter --net="/proc/$(init_of "$u")/ns/net" "$@"; }
addr_of() { in_cont "$1" ip -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }'; }
mac_of() { in_cont "$1" ip -o link show dev eth0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'; }
stat_of() { # stat_of DEV rx|tx: its packet count in the test netns
	in_ns ip -s link show dev "$1" 2>/dev/null | awk -v w="$2" '$1 == (w == "rx" ? "RX:" : "TX:") { getline; print $2; exit }'
}
gwmac=$(in_ns ip -o link show warren0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
a=$(addr_of wta) b=$(addr_of wtb)
read -r _ bport _ 2>/dev/null </run/warren/users/wtb/net
: >"$T/control"
$UPNS perl -MSocket=:all -e '$| = 1; socket(S, AF_INET, SOCK_DGRAM, 0) && bind(S, pack_sockaddr_in(7009, inet_aton($ARGV[0]))) or die "udp: $!";
	while (defined recv(S, $m, 200, 0)) { print "$m\n" }' "$UPSTREAM" >>"$T/control" 2>&1 &
LISTENER=$!
for ((i = 0; i < 40; i++)); do $UPNS ss -Hlun "sport = :7009" | grep -q . && break; sleep 0.25; done
# flood USER PORT: the frames above, from USER's eth0; "sent" and the port's received count
flood() {
	local rx0 mac addr
	rx0=$(stat_of "$2" rx) mac=$(mac_of "$1") addr=$(addr_of "$1")
	in_cont "$1" perl -e 'my ($mac, $gw, $addr, $user) = @ARGV;
		sub frame { local @ARGV = ("eth0", @_); local $SIG{__WARN__} = sub {}; do "./tests/lib/frame.pl"; die $@ if $@ }
		for my $i (1 .. 200) {
			frame("ff:ff:ff:ff:ff:ff", $mac, "arp", 1, $mac, "10.213.77.$i", "00:00:00:00:00:00", "10.213.0.1");
			frame($gw, $mac, "udp4", "10.213.77.$i", "10.213.0.1", 9, "spoofed");
		}
		frame($gw, $mac, "udp4", $addr, "198.51.100.2", 7009, "control-$user"); print "sent\n"' \
		"$mac" "$gwmac" "$addr" "$1" 2>&1
	echo "received $(($(stat_of "$2" rx) - ${rx0:-0}))"
}
neigh_others() { # the host's neighbour entries on the bridge for addresses not wta's or wtb's
	in_ns ip -4 neigh show dev warren0 | awk -v a="$a" -v b="$b" '$1 != a && $1 != b'
}
ifb0=$(stat_of "${port:-none}-ifb" tx)
out=$(flood wta "${port:-none}")
for ((i = 0; i < 40; i++)); do grep -qx control-wta "$T/control" && break; sleep 0.25; done
ifb=$(($(stat_of "${port:-none}-ifb" tx) - ${ifb0:-0}))
check "root in wta's network namespace sent 400 frames from 200 addresses that are nobody's; they passed her ifb ($ifb) and the control after them reached the upstream" \
	bash -c 'grep -qx sent <<<"$1" && [ "$(sed -n "s/^received //p" <<<"$1")" -ge 401 ] && [ "$2" -ge 401 ] &&
		grep -qx control-wta "$3"' - "$out" "$ifb" "$T/control" || diag "$out; the listener got: $(cat "$T/control")"
out=$(neigh_others)
check "the host's neighbour table gained no entry for them: only the containers' addresses ($a, $b)" \
	test -z "$out" || diag "$out"
out=$(flood wtb "${bport:-none}")
for ((i = 0; i < 40; i++)); do grep -qx control-wtb "$T/control" && break; sleep 0.25; done
check "the same from wtb (no ifb on her port): sent, and her control came after them" \
	bash -c 'grep -qx sent <<<"$1" && [ "$(sed -n "s/^received //p" <<<"$1")" -ge 401 ] &&
		grep -qx control-wtb "$2"' - "$out" "$T/control" || diag "$out; the listener got: $(cat "$T/control")"
out=$(neigh_others)
check "and the host's neighbour table still holds no entry but the containers'" test -z "$out" || diag "$out"
kill "$LISTENER" 2>/dev/null

# Her address and then her MAC forged (another address of the subnet, nobody's): UDP to the
# upstream through the default route; a counter in the test netns's prerouting counts what
# gets past the bridge with that address, her ifb what went through it.
spoof=10.213.77.201
in_ns nft -f - <<NFT
table ip warren_test {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "warren0" ip saddr $spoof counter
	}
}
NFT
ifb0=$(stat_of "${port:-none}-ifb" tx)
forge() { in_cont wta bash -c 'for i in 1 2 3; do echo x >/dev/udp/198.51.100.2/9; sleep 0.3; done' 2>/dev/null; }
in_cont wta ip addr flush dev eth0
in_cont wta ip addr add "$spoof/16" dev eth0 noprefixroute
in_cont wta ip route replace 10.213.0.1/32 dev eth0
in_cont wta ip route replace default via 10.213.0.1
in_cont wta ip neigh replace 10.213.0.1 lladdr "$gwmac" dev eth0 nud permanent
forge
in_cont wta ip link set eth0 address 02:77:00:00:00:01
forge
n=$(in_ns nft list table ip warren_test | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
ifb=$(($(stat_of "${port:-none}-ifb" tx) - ${ifb0:-0}))
check "with bandwidth.out: no packet with a forged address, nor a forged MAC, got past her port (counted: ${n:-?}; $ifb went through her ifb)" \
	test "${n:-1}" = 0 -a "$ifb" -ge 6
in_ns nft delete table ip warren_test
helper_stop wta >/dev/null
wait_container_gone wta 20 >/dev/null
left=$(in_ns ip -br link show 2>&1 | grep -E "^${port:-none}(-ifb)?[@ ]"; in_ns tc qdisc show 2>&1 | grep -E "^qdisc (tbf|ingress) ")
check "after her stop no qdisc of hers stays, nor her port or her ifb" test -z "$left" -a -n "$port" ||
	diag "$left"
helper_stop wtb >/dev/null
cleanup_bw
fixture_finish
