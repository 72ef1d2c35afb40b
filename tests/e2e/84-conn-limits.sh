#!/bin/bash
# 84-conn-limits.sh - one container cannot fill the host's connection-tracking table
# (issue 18, item 3; warren.conf(5), net_conns and net_rate).  The helper works in the test
# netns (sshd's), which plays the host; an "upstream" netns plays the outside world, with a
# listener that holds every connection until its client closes it.  As the user, over her
# login, with the image's perl:
#   net_conns: her connections open at once, out (forwarded) and to the host (input)
#        alike, stop at the limit: past it her new ones are refused, while another
#        container and the host itself still open theirs; over IPv6 alone they stop at
#        the limit too, and mixed, IPv4 and IPv6 connections share one count
#   net_rate: of a burst of new connections only about net_rate open; once it is over
#        she opens connections again; a burst over IPv6 is held to net_rate as well
#   warrenctl show says whether her container met each limit; at its stop warrenctl log
#        has a net-limited event with the counts; nothing of hers stays in the firewall
#        (her chain of limits, her elements of every set and map, by address and port)
#   an upgrade of warren's rules under her running container (tables of an older version
#        met by another container's start): the log says so, warrenctl show says her
#        limits were lost until her next start, her port is in the new set of ports of
#        the bridge's anti-spoofing at once, and she still reaches the upstream
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 29

UPSTREAM=198.51.100.2:8000 # the Internet, through NAT
UPSTREAM6="[2001:db8:100::2]:8000" # the same over IPv6, through NAT66
GATEWAY=10.213.0.1:53      # the host's DNS on the gateway (bridge.dns is the gateway)

# The listener: greets each client with TEXT and holds its connection until the client
# closes it (then closes its end: a closed connection no longer counts).
cat >"$T/server.pl" <<'EOF'
use IO::Socket::IP; use IO::Select;
$l = IO::Socket::IP->new(LocalHost => $ARGV[0], LocalPort => $ARGV[1], Listen => 128, ReuseAddr => 1) or die "$!";
$sel = IO::Select->new($l);
while (1) {
	for $s ($sel->can_read) {
		if ($s == $l) { $c = $l->accept or next; print $c "$ARGV[2]\n"; $sel->add($c) }
		elsif (!sysread($s, $b, 100)) { $sel->remove($s); close $s }
	}
}
EOF
# Hers, in her container: connect to each ADDR:PORT ([ADDR]:PORT for IPv6) in turn (2 s
# each), say which opened, hold them open until a line comes on stdin.
cat >"$T/conns.pl" <<'EOF'
use IO::Socket::IP;
$| = 1;
for my $t (@ARGV) {
	my $s = IO::Socket::IP->new(PeerHost => $t, Timeout => 2);
	print $s ? "open" : "refused", " $t\n";
	push @held, $s if $s;
}
print "held\n";
<STDIN>;
EOF
# And a burst: N connects to ADDR:PORT at once (non-blocking), how many opened within
# 0.8 s (before a refused SYN is sent again, at 1 s).
cat >"$T/burst.pl" <<'EOF'
use IO::Socket::IP;
my @s = map { IO::Socket::IP->new(PeerHost => $ARGV[1], Blocking => 0) } 1 .. $ARGV[0];
select(undef, undef, undef, 0.8);
printf "burst: %d of %d opened\n", scalar(grep { $_ && defined getpeername($_) } @s), $ARGV[0];
EOF
LISTENERS=()
listener() { # listener NETNS-CMD ADDR PORT TEXT - the holding listener, in the background, answering
	local ns=$1 addr=$2 port=$3
	$ns perl "$T/server.pl" "$addr" "$port" "$4" >/dev/null 2>&1 &
	LISTENERS+=($!)
	listener_wait "$ns" "$addr" "$port"
}
cleanup_limits() {
	[ ${#LISTENERS[@]} -gt 0 ] && kill "${LISTENERS[@]}" 2>/dev/null
	ip netns del "$UP" 2>/dev/null
}
trap 'cleanup_limits; fixture_finish' EXIT
trap 'exit 130' INT TERM HUP

# The outside world over IPv6 too (as in 98-ipv6.sh): their link 2001:db8:99::/64, and
# beyond it 2001:db8:100::2.
upstream_start && ip -n "$NS" addr add 2001:db8:99::1/64 dev wtup0 nodad &&
	ip -n "$UP" addr add 2001:db8:99::2/64 dev eth0 nodad && ip -n "$UP" addr add 2001:db8:100::2/128 dev lo &&
	ip -n "$NS" route add 2001:db8:100::/64 via 2001:db8:99::2 || diag "cannot give the upstream netns its IPv6"
listener "$UPNS" 198.51.100.2 8000 upstream
listener "$UPNS" 2001:db8:100::2 8000 upstream

limits_config() { # limits_config CONNS RATE - nat for everyone; the jail group's limits
	write_config "$(default_config | sed 's/idle_timeout = 3;/idle_timeout = 60;/; s/network = "none";/network = "nat";/')
bridge = { dns = [ \"10.213.0.1\" ]; };
groups = ( { name = \"$JAIL_GROUP\"; net_conns = $1; net_rate = $2; } );"
}
show() { in_ns "$REPO/warrenctl" show wta --config "$CONF" 2>&1; }
# reaches [-6] USER-CMD... - a connection to the upstream listener (-6: over IPv6) opens
# and is greeted, tried for up to 30 s
reaches() {
	local t0=$SECONDS got to=198.51.100.2
	[ "$1" = -6 ] && to=2001:db8:100::2 && shift
	while :; do
		got=$("$@" timeout 3 bash -c "exec 3<>/dev/tcp/$to/8000 && head -n 1 <&3" 2>/dev/null)
		[ "$got" = upstream ] && return 0
		[ $((SECONDS - t0)) -ge 30 ] && break
		sleep 0.5
	done
	echo "got: $got"
	return 1
}
as() { local u=$1; shift; tssh "$u" -- "$(printf '%q ' "$@")"; } # as USER CMD... (quoted for her shell)

# net_conns = 4 (from her group): four held open, two out and two to the host, then one
# more of each.
limits_config 4 50
tssh wta -- 'cat >/tmp/conns.pl' <"$T/conns.pl"
tssh wta -- 'cat >/tmp/burst.pl' <"$T/burst.pl"
listener in_ns 10.213.0.1 53 gateway # the bridge has the gateway address now
out=$(show)
check "before she opens any: warrenctl show says neither limit was met" \
	bash -c 'grep -q "^net_conns: *not hit (4 open at once)$" <<<"$1" &&
		grep -q "^net_rate: *not hit (50 per second)$" <<<"$1"' - "$out" || diag "$out"
out=$(in_ns "$REPO/warrenctl" explain wta --config "$CONF" 2>&1)
check "warrenctl explain: net_conns 4 and net_rate 50, from her group" \
	bash -c 'grep -q "^net_conns *4 *(group $2)$" <<<"$1" && grep -q "^net_rate *50 *(group $2)$" <<<"$1"' \
	- "$out" "$JAIL_GROUP" || diag "$out"
hold conns wta -- "perl /tmp/conns.pl $UPSTREAM $UPSTREAM $GATEWAY $GATEWAY $UPSTREAM $GATEWAY"
for ((i = 0; i < 240; i++)); do
	grep -q '^held' "$T/conns.out" 2>/dev/null && break
	sleep 0.25
done
out=$(tr -d '\r' <"$T/conns.out")
check "net_conns = 4: her first four connections open, two out through NAT and two to the host's DNS" \
	test "$(sed -n 1,4p <<<"$out" | awk '{ print $1 }' | tr '\n' ' ')" = "open open open open " ||
	diag "$out"
check "with four open, her fifth (out, forwarded) is refused" \
	test "$(sed -n 5p <<<"$out")" = "refused $UPSTREAM"
check "and so is her sixth (to the host, input): one count for both" \
	test "$(sed -n 6p <<<"$out")" = "refused $GATEWAY"
check "meanwhile another container (wtb's) opens a connection to the same listener" reaches as wtb
check "and so does the host itself" reaches in_ns
out=$(show)
check "warrenctl show wta: net_conns HIT, with how many she was refused" \
	grep -Eq '^net_conns: *HIT: [1-9][0-9]* new connections refused past 4 open at once$' <<<"$out" ||
	diag "$out"
check "and net_rate not hit" grep -q '^net_rate: *not hit (50 per second)$' <<<"$out" || diag "$out"
release conns
check "once she closes hers, her next connection opens again" reaches as wta

# Over IPv6: her address of the /64 goes to the same chain of limits (both families
# count in one).  Five connections over IPv6 alone, then a mix of both.
# (not in a $(...): hold must record its login in this shell, for release)
hold_conns() { # hold_conns ADDR:PORT... - her connections held open (conns.pl); its lines in $out
	local i
	rm -f "$T/conns.out" # (the last one's "held" must not count)
	hold conns wta -- "perl /tmp/conns.pl $(printf "%q " "$@")"
	for ((i = 0; i < 240; i++)); do
		grep -q '^held' "$T/conns.out" 2>/dev/null && break
		sleep 0.25
	done
	out=$(tr -d '\r' <"$T/conns.out")
}
check "she reaches the upstream over IPv6 (2001:db8:100::2, through NAT66)" reaches -6 as wta
hold_conns "$UPSTREAM6" "$UPSTREAM6" "$UPSTREAM6" "$UPSTREAM6" "$UPSTREAM6"
check "net_conns = 4 over IPv6 alone: her first four connections open" \
	test "$(sed -n 1,4p <<<"$out" | awk '{ print $1 }' | tr '\n' ' ')" = "open open open open " ||
	diag "$out"
check "and her fifth over IPv6 is refused: her IPv6 address is in her chain of limits" \
	test "$(sed -n 5p <<<"$out")" = "refused $UPSTREAM6" || diag "$out"
release conns
check "once she closes them, her next connection over IPv6 opens again" reaches -6 as wta ||
	diag "conntrack: $(in_ns grep -E 'dport=8000 ' /proc/net/nf_conntrack | awk '{ print $1, $3, $6, $7, $8 }')
$(in_ns nft list table inet warren | grep -A3 'chain limits_wr')"
hold_conns "$UPSTREAM6" "$UPSTREAM" "$UPSTREAM6" "$UPSTREAM" "$UPSTREAM" "$UPSTREAM6"
check "mixed: her first four connections open, two over IPv6 and two over IPv4" \
	test "$(sed -n 1,4p <<<"$out" | awk '{ print $1 }' | tr '\n' ' ')" = "open open open open " ||
	diag "$out"
check "with two of each open, her fifth (IPv4) is refused: her IPv6 ones count against net_conns too" \
	test "$(sed -n 5p <<<"$out")" = "refused $UPSTREAM" || diag "$out"
check "and so is her sixth (IPv6): one count for both families" \
	test "$(sed -n 6p <<<"$out")" = "refused $UPSTREAM6" || diag "$out"
release conns

# net_rate = 5: a burst of 30 new connections at once, in a fresh container (a full
# bucket: 5 at once, then 5 a second).
helper_stop wta >/dev/null
limits_config 100 5
tssh wta -- 'cat >/tmp/burst.pl' <"$T/burst.pl"
out=$(tssh wta -- 'perl /tmp/burst.pl 30 198.51.100.2:8000' 2>&1)
n=$(sed -n 's/^burst: \([0-9]*\) of 30 opened$/\1/p' <<<"$out")
check "net_rate = 5: of a burst of 30 new connections only about 5 open (${n:-?}), the rest are refused" \
	test "${n:-0}" -ge 1 -a "${n:-99}" -le 10 || diag "$out"
out=$(show)
check "warrenctl show wta: net_rate HIT, net_conns not" \
	bash -c 'grep -Eq "^net_rate: *HIT: [1-9][0-9]* new connections refused past 5 per second$" <<<"$1" &&
		grep -q "^net_conns: *not hit (100 open at once)$" <<<"$1"' - "$out" || diag "$out"
check "once the burst is over she opens connections again" reaches as wta
# And over IPv6 (the bucket has refilled meanwhile, at 5 a second): her IPv6 address's
# new connections pass the same limit.
out=$(tssh wta -- "perl /tmp/burst.pl 30 '$UPSTREAM6'" 2>&1)
n=$(sed -n 's/^burst: \([0-9]*\) of 30 opened$/\1/p' <<<"$out")
check "net_rate = 5 over IPv6: of a burst of 30 only about 5 open (${n:-?}), the rest are refused" \
	test "${n:-0}" -ge 1 -a "${n:-99}" -le 10 || diag "$out"

# Her stop: the counts go to the record; nothing of hers stays in the firewall.
# her record: "v3 PORT ADDRESS(hex) ..."
read -r _ port hex _ 2>/dev/null </run/warren/users/wta/net
addr=$((0x${hex:-0}))
addr=$((addr >> 24 & 255)).$((addr >> 16 & 255)).$((addr >> 8 & 255)).$((addr & 255))
out=$(firewall_elements "$addr" "$port")
check "while she runs, the firewall's sets name her address ($addr) and port ($port)" \
	bash -c 'grep -q "^set bridge warren ports: " <<<"$1" && grep -q "^map inet warren net_limits: " <<<"$1"' \
	- "$out" || diag "$out"
helper_stop wta >/dev/null
wait_container_gone wta 20 >/dev/null
limited=' wta net-limited container [0-9]+: 0 new connections refused past net_conns \(100 open at once\), [1-9][0-9]* past net_rate \(5 per second\)$'
for ((i = 0; i < 80; i++)); do
	out=$("$REPO/warrenctl" log wta --config "$CONF" 2>&1)
	grep -Eq "$limited" <<<"$out" && break
	sleep 0.25
done
check "at her container's stop, warrenctl log has a net-limited event with the counts" \
	grep -Eq "$limited" <<<"$out" || diag "$out"
check "no chain of limits of hers ($port) is left in the firewall, nor her element of map net_limits" \
	bash -c '[ -n "$2" ] && ! grep -q "chain limits_$2 " <<<"$3" &&
		grep -q "map net_limits {" <<<"$3" && ! grep -q "jump limits_$2\b" <<<"$3"' - "$NS" "$port" \
	"$(in_ns nft list table inet warren)" || diag "$(in_ns nft list table inet warren | grep -A4 -E 'limits')"
out=$(firewall_elements "$addr" "$port")
check "nor any element of hers in the firewall's sets (ports, MACs, port names; every set listed)" \
	test $? = 0 -a -z "$out" || diag "$out"

# Tables of an older version (5: no set of port names in the bridge table, its version
# not the comment of a chain rules_version) under wta's running container; wtb's next
# start upgrades them in one transaction.
tssh wta -- true
read -r _ port _ 2>/dev/null </run/warren/users/wta/net
in_ns nft delete chain inet warren rules_version &&
	in_ns nft delete element bridge warren port_names "{ \"$port\" }" ||
	diag "cannot make the tables look older: $(in_ns nft list chains 2>&1)"
helper_stop wtb >/dev/null
log_mark
tssh wtb -- true
check "an upgrade of the rules under her running container is logged" \
	wait_log "warren-helper.*tables had the rules of an older version: replaced by version [0-9]+'s" 10
out=$(show)
check "warrenctl show wta: her limits were lost at the upgrade, back at her next start" \
	grep -q "^net limits: *lost at an upgrade of warren's rules" <<<"$out" || diag "$out"
check "her port ($port) is in the bridge's new set of ports at once (its anti-spoofing holds)" \
	bash -c '[ -n "$1" ] && grep -q "\"$1\"" <<<"$2"' - "$port" \
	"$(in_ns nft list set bridge warren port_names 2>&1)"
check "and she still reaches the upstream" reaches as wta
helper_stop wta >/dev/null
helper_stop wtb >/dev/null
cleanup_limits
fixture_finish
