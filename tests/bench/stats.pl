#!/usr/bin/perl
# stats.pl [COLUMN] [DIVISOR] - median, p95, mean, min, max and count of one column
# (from 1; default 1) of whitespace-separated numbers on stdin, each divided by DIVISOR
# (default 1000: microseconds in, milliseconds out).  Prints "median p95 mean min max n".
use strict;
use warnings;

my ($col, $div) = (($ARGV[0] // 1) - 1, $ARGV[1] // 1000);
my @v;
while (<STDIN>) {
	my @f = split;
	push @v, $f[$col] / $div if defined $f[$col] && $f[$col] =~ /^-?[0-9.]+$/;
}
if (!@v) {
	print "- - - - - 0\n";
	exit 0;
}
@v = sort { $a <=> $b } @v;
my $n = @v;
my $med = $n % 2 ? $v[$n / 2] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
# p95: nearest rank
my $rank = int(0.95 * $n + 0.999999);
$rank = 1 if $rank < 1;
my $sum = 0;
$sum += $_ for @v;
printf "%.2f %.2f %.2f %.2f %.2f %d\n", $med, $v[$rank - 1], $sum / $n, $v[0], $v[-1], $n;
