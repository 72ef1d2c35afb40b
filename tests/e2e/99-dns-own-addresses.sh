#!/bin/bash
# 99-dns-own-addresses.sh - which nameservers are the host's own (net/dns.c; review 29,
# finding 5): one of the host's addresses is reached at the bridge's gateway instead, any
# other is written as it is.  The kernel's list of addresses decides, not bind():
#   a tentative IPv6 address (DAD not done: the link's retransmit time is a minute here)
#        is the host's, though bind() refuses it
#   with net.ipv6.ip_nonlocal_bind and net.ipv4.ip_nonlocal_bind on (keepalived and
#        HAProxy hosts), where bind() takes any address, one on no link is not the
#        host's; the host's own still is
# tests/lib/dnsprobe writes the resolv.conf the helper would, with bridge.dns listing the
# addresses, in a network namespace of the test's that plays the host (a veth pair of its
# own; the sysctls are that namespace's, never the machine's).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
N=5
[ "$(id -u)" -eq 0 ] || skip_all "needs root (a network namespace of the test's)" $N
make -s tests/lib/dnsprobe >/dev/null 2>&1 || skip_all "tests/lib/dnsprobe does not build" $N
PROBE=$PWD/tests/lib/dnsprobe
GW6=fd77:6172:7265:6e00::1 # the default bridge.subnet6's gateway
GW4=10.213.0.1             # the default bridge.subnet's
NS=warren-test-dns-$$
cleanup() { ip netns del "$NS" 2>/dev/null; }
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }

plan $N
machine=$(sysctl -n net.ipv6.ip_nonlocal_bind net.ipv4.ip_nonlocal_bind | tr '\n' ' ')
ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip -n "$NS" link add v0 type veth peer name v1 &&
	in_ns sysctl -qw net.ipv6.neigh.v0.retrans_time_ms=60000 &&
	ip -n "$NS" link set v1 up && ip -n "$NS" link set v0 up &&
	ip -n "$NS" addr add 2001:db8:53::1/64 dev v0 && ip -n "$NS" addr add 192.0.2.1/24 dev v0 ||
	{ skip_rest "cannot make the test's network namespace"; exit 0; }
tentative() { ip -n "$NS" -6 addr show dev v0 tentative | grep -q "2001:db8:53::1/64"; }

before=$(tentative && echo tentative)
out=$(in_ns "$PROBE" 2001:db8:53::1 192.0.2.53)
after=$(tentative && echo tentative)
check "a tentative address of the host's ($before, $after) is the host's: reached at the gateway's IPv6 address, DNS to it let in" \
	test "$before $after" = "tentative tentative" -a "$out" = "nameserver $GW6
nameserver 192.0.2.53
host_dns6" || diag "$out"

in_ns sysctl -qw net.ipv6.ip_nonlocal_bind=1 net.ipv4.ip_nonlocal_bind=1
out=$(in_ns "$PROBE" 2001:db8:99::99 192.0.2.99)
check "with ip_nonlocal_bind on, an IPv6 and an IPv4 address on no link are not the host's: written as they are, no DNS to the gateway" \
	test "$out" = "nameserver 2001:db8:99::99
nameserver 192.0.2.99" || diag "$out"
out=$(in_ns "$PROBE" 192.0.2.1 2001:db8:99::99)
check "and the host's own IPv4 address still is (the gateway's), the other still is not" \
	test "$out" = "nameserver $GW4
nameserver 2001:db8:99::99
host_dns4" || diag "$out"
# A nameserver behind a reject route is another host's, said without a word (the kernel's
# answer is an error: blackhole EINVAL, prohibit EACCES; review 30).
if ip -n "$NS" route add blackhole 198.51.100.0/24 && ip -n "$NS" route add prohibit 203.0.113.0/24 &&
	ip -n "$NS" -6 route add blackhole 2001:db8:66::/48; then
	out=$(in_ns "$PROBE" 198.51.100.53 203.0.113.53 2001:db8:66::53 2>&1)
	check "nameservers behind blackhole and prohibit routes are not the host's: written as they are, and no warning" \
		test "$out" = "nameserver 198.51.100.53
nameserver 203.0.113.53
nameserver 2001:db8:66::53" || diag "$out"
else
	skip "nameservers behind blackhole and prohibit routes are not the host's" "cannot add reject routes in the test's namespace"
fi
check "the namespace's sysctls were the ones changed: the machine's ip_nonlocal_bind are as they were ($machine)" \
	test "$(sysctl -n net.ipv6.ip_nonlocal_bind net.ipv4.ip_nonlocal_bind | tr '\n' ' ')" = "$machine"
tap_status
