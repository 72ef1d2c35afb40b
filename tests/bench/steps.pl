#!/usr/bin/perl
# steps.pl MARKS [START END] - a login broken down by step, from the marks of the bench
# build (helper/lib/benchmark.h) and of pamdrive: "NS PID STEP" lines.  A login runs from
# a START mark ("driver-start") to its END ("driver-joined"); each step is the time from
# the mark before it to its own mark.  Prints, per step in the order of the first login,
# "STEP MEDIAN_MS P95_MS N", then "total MEDIAN P95 N".
use strict;
use warnings;

my ($file, $start, $end) = (@ARGV, 'driver-start', 'driver-joined')[0 .. 2];
@ARGV = ($file);
my @marks;
while (<>) {
	push @marks, [ $1, $3 ] if /^(\d+) (\d+) (\S+)$/;
}
@marks = sort { $a->[0] <=> $b->[0] } @marks;
my (%d, @order, %seen, @totals, $run);
for my $m (@marks) {
	my ($t, $step) = @$m;
	if ($step eq $start) {
		$run = { start => $t, prev => $t };
		next;
	}
	next unless $run;
	my $label = $step;
	push @order, $label unless $seen{$label}++;
	push @{ $d{$label} }, ($t - $run->{prev}) / 1e6;
	$run->{prev} = $t;
	if ($step eq $end) {
		push @totals, ($t - $run->{start}) / 1e6;
		undef $run;
	}
}

sub stat2 {
	my @v = sort { $a <=> $b } @_;
	my $n = @v;
	my $med = $n % 2 ? $v[$n / 2] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
	my $rank = int(0.95 * $n + 0.999999);
	return sprintf "%.3f %.3f %d", $med, $v[$rank - 1], $n;
}
printf "%s %s\n", $_, stat2(@{ $d{$_} }) for @order;
printf "total %s\n", stat2(@totals) if @totals;
