#!/usr/bin/perl
# frame.pl IFACE DST-MAC SRC-MAC KIND ARGS... - send one Ethernet frame on IFACE through a
# packet socket (root, CAP_NET_RAW), with perl-base only (the test image has no other
# tool for it).  KIND:
#   raw                              ethertype 0x88cc (LLDP), 46 zero bytes
#   udp4 SRC DST PORT TEXT           an IPv4 UDP datagram (no UDP checksum)
#   udp6 SRC DST PORT TEXT           an IPv6 UDP datagram (its checksum computed)
#   arp OP SENDER-MAC SENDER-IP TARGET-MAC TARGET-IP   OP: 1 request, 2 reply
#   icmp6 SRC DST TYPE BODY-HEX      an ICMPv6 message (hop limit 255, as neighbour
#                                    discovery needs; code 0; its checksum computed):
#                                    TYPE (133 router solicitation, 134 router
#                                    advertisement, 135 neighbour solicitation, 136 neighbour
#                                    advertisement) and BODY, what follows the checksum
use strict;
use warnings;
use Socket qw(inet_pton AF_INET AF_INET6);

my ($iface, $dst, $src, $kind, @a) = @ARGV;
die "usage: frame.pl IFACE DST-MAC SRC-MAC KIND ARGS...\n" unless defined $kind;
sub mac { my $m = shift; $m =~ s/://g; return pack("H12", $m) }
sub sum16 {
	my $s = 0;
	my $d = shift;
	$d .= "\0" if length($d) % 2;
	$s += $_ for unpack("n*", $d);
	$s = ($s & 0xffff) + ($s >> 16) while $s >> 16;
	return ~$s & 0xffff;
}
my ($type, $payload);
if ($kind eq 'raw') {
	($type, $payload) = (0x88cc, "\0" x 46);
} elsif ($kind eq 'udp4') {
	my ($s, $d, $port, $text) = @a;
	my $udp = pack("nnnn", 40000, $port, 8 + length($text), 0) . $text;
	my $ip = pack("CCnnnCCn", 0x45, 0, 20 + length($udp), 1, 0x4000, 64, 17, 0) .
		inet_pton(AF_INET, $s) . inet_pton(AF_INET, $d);
	substr($ip, 10, 2) = pack("n", sum16($ip));
	($type, $payload) = (0x0800, $ip . $udp);
} elsif ($kind eq 'udp6') {
	my ($s, $d, $port, $text) = @a;
	my ($s6, $d6) = (inet_pton(AF_INET6, $s), inet_pton(AF_INET6, $d));
	my $len = 8 + length($text);
	my $udp = pack("nnnn", 40000, $port, $len, 0) . $text;
	my $c = sum16($s6 . $d6 . pack("NxxxC", $len, 17) . $udp) || 0xffff;
	substr($udp, 6, 2) = pack("n", $c);
	($type, $payload) = (0x86dd, pack("NnCC", 6 << 28, $len, 17, 64) . $s6 . $d6 . $udp);
} elsif ($kind eq 'icmp6') {
	my ($s, $d, $t, $body) = @a;
	my ($s6, $d6) = (inet_pton(AF_INET6, $s), inet_pton(AF_INET6, $d));
	my $icmp = pack("CCn", $t, 0, 0) . pack("H*", $body);
	my $len = length($icmp);
	substr($icmp, 2, 2) = pack("n", sum16($s6 . $d6 . pack("NxxxC", $len, 58) . $icmp));
	($type, $payload) = (0x86dd, pack("NnCC", 6 << 28, $len, 58, 255) . $s6 . $d6 . $icmp);
} elsif ($kind eq 'arp') {
	my ($op, $smac, $sip, $tmac, $tip) = @a;
	($type, $payload) = (0x0806, pack("nnCCn", 1, 0x0800, 6, 4, $op) . mac($smac) .
		inet_pton(AF_INET, $sip) . mac($tmac) . inet_pton(AF_INET, $tip) . ("\0" x 18));
} else {
	die "frame.pl: unknown kind $kind\n";
}
# AF_PACKET (17), SOCK_RAW (3); the interface's index by SIOCGIFINDEX (struct ifreq: the
# name, then the index); sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr
socket(my $sock, 17, 3, 0) or die "packet socket: $!\n";
my $ifreq = pack("a16 i x20", $iface);
ioctl($sock, 0x8933, $ifreq) or die "$iface: $!\n";
my $index = unpack("x16 i", $ifreq);
my $to = pack("SniSCCa8", 17, $type, $index, 0, 0, 6, mac($dst));
send($sock, mac($dst) . mac($src) . pack("n", $type) . $payload, 0, $to) or die "send: $!\n";
