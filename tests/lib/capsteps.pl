#!/usr/bin/perl
# capsteps.pl MANPAGE TRACE [--v2] [--expect VERB:STEP,STEP...]... - check a test build's record
# of warren-helper's capabilities (creds.c, WARREN_CAPS_TRACE: one line after every
# change, with the five sets the kernel reports) against what warren-helper(8),
# Capabilities, promises.  The steps and their capabilities, what each verb holds, the
# supervisor's and the relay's sets are read from the man page itself (its roff source),
# the capability numbers from <linux/capability.h>: the test holds the code to the page.
#   - a helper's first change limits it: permitted and bounding = its verb's union of
#     steps, effective, inheritable and ambient empty;
#   - each raise is the step the page says its code is (the function it calls, the
#     record's label: the table below), and makes effective exactly a step its verb holds (on top of what was; inside
#     a step, a raise of what is already effective adds nothing and is no step of its
#     own); each lower puts back exactly what was; between steps nothing is effective;
#   - acting as her subordinate root (the build) holds sys_admin alone (with --v2, her
#     cgroups on cgroup v2: sys_admin and dac_override, for the fork into her cgroup), and
#     coming back restores the step's set, not everything permitted;
#   - the supervisor keeps its set, the relay of enter its own, and nothing more;
#   - every raise of a helper is lowered before it ends;
#   - --expect VERB:a,b: a helper of VERB raised steps a, b (in this order, others between).
# Prints one line per helper ("VERB pid N: step step ..."), and "PROBLEM: ..." lines.
# Exit 0 when there is no problem.
use strict;
use warnings;

my ($manpage, $trace, @args) = @ARGV;
my @expect;
my $v2 = 0;
while (@args) {
	my $a = shift @args;
	push @expect, shift @args if $a eq '--expect';
	$v2 = 1 if $a eq '--v2';
}
my @problems;
sub problem { push @problems, join('', @_) }

# Capability names -> bits.
my %cap;
my $hdr = '/usr/include/linux/capability.h';
open(my $h, '<', $hdr) or die "$hdr: $!";
while (<$h>) { $cap{lc $1} = $2 if /^#define CAP_([A-Z_]+)\s+(\d+)\s*$/ }
close $h;
sub names { my $m = shift; join(',', map { my $b = $cap{$_}; ($m >> $b) & 1 ? $_ : () } sort { $cap{$a} <=> $cap{$b} } keys %cap) || 'none' }

# The Capabilities section as text: bold words as <word>.
open(my $m, '<', $manpage) or die "$manpage: $!";
my ($in, @words) = (0);
while (<$m>) {
	chomp;
	if (/^\.SS Capabilities/) { $in = 1; next }
	last if $in && /^\.S[HS]/;
	next unless $in;
	s/\\-/-/g;
	if (/^\.RB \( (\S+) :\s*$/) { push @words, "($1:"; next }
	if (/^\.BR? (\S+)\s*(.*)$/) { push @words, "<$1>$2"; next }
	push @words, $_;
}
close $m;
my $text = join(' ', @words);
$text =~ s/\s+/ /g;

# Steps: "(prepare: chown, fowner, ...)"; "prepare's" in a list is that step's set.
my %step;
my @step_order;
while ($text =~ /\((\w+): ([^)]*)\)/g) {
	my ($name, $list) = ($1, $2);
	my $mask = 0;
	for my $item (split /,\s*|\s+and\s+/, $list) {
		$item =~ s/^\s+|\s+$//g;
		if ($item =~ /^(\w+)'s$/) {
			defined $step{$1} or problem("the man page's step $name names an unknown step $1");
			$mask |= $step{$1} // 0;
		} elsif ($item =~ /^([a-z_]+)(?::.*)?$/) {
			defined $cap{$1} or problem("the man page's step $name names an unknown capability $1");
			$mask |= 1 << ($cap{$1} // 0);
		}
	}
	$step{$name} = $mask;
	push @step_order, $name;
}
@step_order or problem("no steps found in $manpage (Capabilities)");

# Verbs: "The verbs hold: <ensure> prepare, net, ...; <enter> and <enter-root> ...;".
my (%verb_steps, %one_step);
if ($text =~ /The verbs hold: (.*?)\. Reading/) {
	for my $clause (split /;/, $1) {
		my @verbs = $clause =~ /<([\w-]+)>/g;
		(my $rest = $clause) =~ s/<[\w-]+>[,.]?//g;
		$rest =~ s/\(.*?\)//g; # what a parenthesis says is no step
		my @steps = grep { exists $step{$_} } split /[,\s]+/, $rest;
		@verbs or problem("a clause of the verbs names no verb: $clause");
		for my $v (@verbs) {
			$verb_steps{$v} = [@steps];
			$one_step{$v} = $clause =~ /as one step/;
		}
	}
} else {
	problem("no \"The verbs hold:\" in $manpage");
}
# "lsm (only where the kernel runs AppArmor)": the page's condition, asked of this kernel as
# the helper asks it (confine.h).
my $aa;
if (open my $f, '<', '/sys/module/apparmor/parameters/enabled') { $aa = <$f> }
unless (defined $aa && $aa =~ /^Y/ && -e '/sys/kernel/security/apparmor') {
	$_ = [grep { $_ ne 'lsm' } @$_] for values %verb_steps;
}
sub mask_of { my $m = 0; $m |= $step{$_} for @_; $m }
my ($supervisor) = $text =~ /The supervisor keeps ([^;]*);/;
my ($relay) = $text =~ /relaying <enter>'s command keeps (\w+) alone/;
sub caps_of {
	my $m = 0;
	for (split /,\s*|\s+and\s+/, shift // '') { s/^\s+|\s+$//g; $m |= 1 << $cap{$_} if defined $cap{$_} }
	$m;
}
my $supervisor_mask = caps_of($supervisor);
my $relay_mask = caps_of($relay);
$supervisor_mask or problem("the man page does not say what the supervisor keeps");
$relay_mask or problem("the man page does not say what enter's relay keeps");

# What a raise of VERB may make effective: one of its steps (or all of them together,
# where the page says they are raised as one).
sub allowed {
	my $v = shift;
	my @s = @{ $verb_steps{$v} // [] };
	my %ok = map { $step{$_} => $_ } @s;
	$ok{ mask_of(@s) } = join('+', @s) if $one_step{$v};
	return \%ok;
}

# What each step of the code is, by the function its CAPS_STEP calls (the record's label):
# the man page's words for the steps ("the host side of a new container", "its
# network", ...), put to the code.  A step the table does not know is a problem: say here
# which of the page's steps it is.
my %step_of_function = (
	prepare_cgroups => 'prepare', prepare_host_side => 'prepare',
	net_host_prepare => 'net',
	build_start => 'build', record_container => 'build',
	container_cleanup => 'cleanup', container_stop => 'cleanup', gc_run => 'cleanup',
	container_collect => 'cleanup', remove_orphan => 'cleanup',
	sessions_admit => 'examine',
	aa_profile_ensure => 'lsm',
	container_enter => 'enter',
	container_migrate => 'migrate+cleanup', container_reset => 'migrate+cleanup',
);
sub step_mask { my $m = 0; $m |= $step{$_} // 0 for split /\+/, shift; $m }

# The record.
my (%proc, @order);
open(my $t, '<', $trace) or die "$trace: $!";
while (<$t>) {
	chomp;
	my %r = /(\w+)=(\S*)/g;
	my ($cmd) = /cmd=(.*)$/;
	$r{$_} = hex $r{$_} for qw(step Inh Prm Eff Bnd Amb);
	my $p = $proc{ $r{pid} } //= do {
		push @order, $r{pid};
		my ($verb) = grep { exists $verb_steps{$_} } split / /, ($cmd // '');
		{ verb => $verb // '?', cmd => $cmd, stack => [], eff => 0, limited => 0, steps => [], n => 0 };
	};
	$p->{n}++;
	my $v = $p->{verb};
	my $where = "$v pid $r{pid}, $r{event} " . names($r{step});
	$r{rc} == 0 or problem("$where: failed ($r{rc})");
	($r{Inh} | $r{Amb}) == 0 or problem("$where: inheritable " . names($r{Inh}) . ", ambient " . names($r{Amb}));
	my $union = mask_of(@{ $verb_steps{$v} // [] });
	if ($r{event} eq 'limit') {
		$p->{n} == 1 or problem("$where: not the first change of its process");
		$p->{limited} = 1;
		$p->{prm} = $union;
		$r{step} == $union or problem("$where: limited to " . names($r{step}) . ", the page says " . names($union));
		$r{Prm} == $union && $r{Bnd} == $union or
			problem("$where: permitted " . names($r{Prm}) . ", bounding " . names($r{Bnd}) . "; want " . names($union));
		$r{Eff} == 0 or problem("$where: effective " . names($r{Eff}) . " at the start");
	} elsif ($r{event} eq 'raise') {
		my $ok = allowed($v);
		my $name = $ok->{ $r{step} };
		if (@{ $p->{stack} } && !($r{step} & ~$p->{eff})) {
			# Inside a step, one whose capabilities that step already holds: it
			# changes nothing (stop looks at her init's /proc inside cleanup).
			$name = '(' . ($name // (allowed('ensure')->{ $r{step} } // names($r{step}))) . ')';
		} else {
			defined $name or problem("$where: not a step $v holds (" . join(' ', map { "$ok->{$_}=" . names($_) } sort keys %$ok) . ")");
		}
		if (($r{label} // '-') ne '-') {
			my $is = $step_of_function{ $r{label} };
			if (!defined $is) {
				problem("$where: the step $r{label}() is none the test knows: which of the page's is it?");
			} elsif ($r{step} != step_mask($is)) {
				problem("$where: $r{label}() is the $is step, which raises " . names(step_mask($is)) .
					", not " . names($r{step}));
			}
		}
		push @{ $p->{steps} }, $name // names($r{step});
		my $want = $p->{eff} | $r{step};
		$r{Eff} == $want or problem("$where: effective " . names($r{Eff}) . ", want " . names($want));
		push @{ $p->{stack} }, $p->{eff};
		$p->{eff} = $want;
	} elsif ($r{event} eq 'lower') {
		my $was = @{ $p->{stack} } ? pop @{ $p->{stack} } : undef;
		if (!defined $was) {
			problem("$where: a lower with no raise before it") if $p->{limited};
			$was = $r{step};
		}
		$r{step} == $was && $r{Eff} == $was or
			problem("$where: effective " . names($r{Eff}) . " after the step, want " . names($was));
		$p->{eff} = $was;
	} elsif ($r{event} eq 'act') {
		my $want = 1 << $cap{sys_admin} | ($v2 ? 1 << $cap{dac_override} : 0);
		$r{Eff} == $want or problem("$where: acting as her root with " . names($r{Eff}) . ", want " . names($want));
	} elsif ($r{event} eq 'back') {
		my $ok = allowed($v);
		defined $ok->{ $r{step} } or problem("$where: back to " . names($r{step}) . ", not a step of $v");
		$r{Eff} == $r{step} or problem("$where: back with " . names($r{Eff}) . " effective, want the step's " . names($r{step}));
		!$p->{limited} || $r{step} == $p->{eff} or problem("$where: back to " . names($r{step}) . " inside a step of " . names($p->{eff}));
	} elsif ($r{event} eq 'keep') {
		my $want = $p->{limited} ? $relay_mask : $supervisor_mask;
		my $who = $p->{limited} ? "enter's relay" : 'the supervisor';
		$r{step} == $want && $r{Prm} == $want && $r{Eff} == $want && $r{Bnd} == $want or
			problem("$where: $who keeps permitted " . names($r{Prm}) . ", effective " . names($r{Eff}) .
				", bounding " . names($r{Bnd}) . "; the page says " . names($want));
		$p->{limited} && $v !~ /^enter/ and problem("$where: a $v helper keeping a set of its own");
		$p->{prm} = $want;
		$p->{eff} = $r{Eff};
	} else {
		problem("$where: unknown event");
	}
	if ($p->{limited} && defined $p->{prm} && $r{event} ne 'keep' && $r{event} ne 'limit' && $r{event} ne 'act') {
		$r{Prm} == $p->{prm} or problem("$where: permitted became " . names($r{Prm}));
	}
}
close $t;

for my $pid (@order) {
	my $p = $proc{$pid};
	next unless $p->{limited};
	@{ $p->{stack} } and problem("$p->{verb} pid $pid: a step raised and never lowered (" . names($p->{eff}) . ")");
	print "$p->{verb} pid $pid: ", (join(' ', @{ $p->{steps} }) || 'no step'), "\n";
}
for my $e (@expect) {
	my ($v, $list) = split /:/, $e, 2;
	my @want = split /,/, $list // '';
	my $found = 0;
	for my $pid (@order) {
		my $p = $proc{$pid};
		next unless $p->{limited} && $p->{verb} eq $v;
		my @got = @{ $p->{steps} };
		my $i = 0;
		for (@got) { $i++ if $i < @want && $_ eq $want[$i] }
		$found = 1 if $i == @want;
	}
	$found or problem("no $v helper raised " . join(', then ', @want));
}
print "PROBLEM: $_\n" for @problems;
print "steps: ", join('; ', map { "$_=" . names($step{$_}) } @step_order), "\n" if $ENV{CAPSTEPS_VERBOSE};
exit(@problems ? 1 : 0);
