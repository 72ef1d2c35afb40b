#!/usr/bin/perl
# report.pl [--table] RESULTS-DIR - BENCHMARKS.md (or, with --table, the terminal's
# summary) from one run of tests/bench/run.sh: its results file (KEY=VALUE), the step
# tables and the strace summaries, plus the analysis in tests/bench/analysis.md.
use strict;
use warnings;
use FindBin;

my $table = @ARGV && $ARGV[0] eq '--table' ? shift : 0;
my $dir = shift or die "usage: report.pl [--table] RESULTS-DIR\n";
my %r;
open my $f, '<', "$dir/results" or die "$dir/results: $!\n";
while (<$f>) {
	chomp;
	$r{$1} = $2 if /^([^=]+)=(.*)$/;
}
close $f;
sub v { my $k = shift; defined $r{$k} && $r{$k} ne '' ? $r{$k} : '-' }
sub ms { my $k = shift; v("${k}_med") . ' / ' . v("${k}_p95") }
sub slurp { my $p = shift; open my $h, '<', $p or return ''; local $/; my $s = <$h>; close $h; $s }
sub num { my $x = shift; defined $x && $x =~ /^-?[0-9.]+$/ }
sub msv { msv_of(v(shift)) }
sub msv_of { my $x = shift; num($x) ? "$x ms" : $x }
sub met { my ($val, $lim) = @_; return 'not measured' unless num($val); $val <= $lim ? 'met' : 'missed' }
# Added time: judged by the ssh pairs and by the module's own path, which must both be in.
sub met2 {
	my ($e2e, $path, $lim) = @_;
	my ($a, $b) = (met($e2e, $lim), met($path, $lim));
	return $a if $a eq $b;
	return "$a end to end (ssh pairs), $b through the module alone";
}

# Which step belongs to which of the issue's categories (marks: helper/lib/benchmark.h).
my %cat = (
	'helper-start' => 'process start (pam_warren forks and execs the helper)',
	'policy' => 'config and NSS (policy)', 'spec' => 'config and NSS (policy)',
	'locked' => 'lock and state', 'examined' => 'lock and state',
	'apparmor' => 'AppArmor profile (compiled once: a stamp compare per login)',
	'cgroup-create' => 'cgroup', 'cgroup-limits' => 'cgroup', 'cgroup-join' => 'cgroup',
	'disk-image-check' => 'disk image', 'disk-loop-mount' => 'disk image',
	'fleet-lease-start' => 'fleet lease (warren-lease started: its fork)',
	'fleet-lease' => 'fleet lease (waiting for warren-lease, started before the host side)',
	'fleet-image' => 'disk image',
	'layers-dir' => 'mounts', 'devpts' => 'mounts', 'build-mounts' => 'mounts',
	'idmapped-image' => 'mounts', 'overlay-root' => 'mounts', 'system-mounts' => 'mounts',
	'overlay-home' => 'mounts', 'pivot-root' => 'mounts', 'etc-files' => 'mounts',
	'net-host' => 'network', 'veth' => 'network', 'net-inside' => 'network',
	'net-bridge' => 'network', 'net-egress' => 'network', 'net-tables' => 'network',
	'net-admit' => 'network', 'veth-made' => 'network',
	'left-login-cgroups' => 'cgroup (leaving the login\'s: RCU grace period)',
	'builder-start' => 'fork of the builder (and its leaving the login\'s cgroups)',
	'clone-namespaces' => 'user ns and maps', 'id-maps' => 'user ns and maps',
	'child-released' => 'user ns and maps', 'ns-root-time-mnt' => 'user ns and maps',
	'ns-bounds' => 'user ns and maps',
	'seccomp' => 'init start (seccomp, exec)', 'init-exec' => 'init start (seccomp, exec)',
	'built' => 'init start (seccomp, exec)', 'recorded' => 'record and answer',
	'found-running' => 'record and answer',
	'ensured' => 'record and answer', 'admitted' => 'record and answer',
	'answered' => 'record and answer',
	'ticket-left' => 'the ticket for her next login (ticket.h: its filter built)',
	'driver-pam-started' => 'PAM start (the stack and pam_warren.so loaded)',
	'child-cgroup-joined' => 'post-auth child: into her cgroups',
	'child-confined' => 'post-auth child: confined (namespaces, seccomp filter, capabilities)',
	'warm-verified' => 'pam_warren\'s warm login (ticket, her lock, record, admission)',
	'reply-taken' => 'pam_warren in the monitor (the answer: seccomp filter, cgroup fds)',
	'monitor-guarded' => 'pam_warren in the monitor (private mount ns, shells covered)',
	'monitor-devpts' => 'pam_warren in the monitor (her devpts)',
	'driver-opened' => 'pam_warren in the monitor (the rest of open_session)',
	'driver-joined' => 'post-auth child: the rest (fork, exit, wait)',
);

sub steps_table {
	my $tab = slurp(shift);
	return "_not measured_\n" unless $tab;
	my (@rows, %sum, @cats);
	my $out = "| step (ends at mark) | category | median ms | p95 ms |\n|---|---|---:|---:|\n";
	for (split /\n/, $tab) {
		my ($step, $med, $p95, $n) = split;
		if ($step eq 'total') {
			$out .= "| **total** (driver-start to driver-joined) | | **$med** | **$p95** |\n";
			next;
		}
		my $c = $cat{$step} // 'other';
		push @cats, $c unless exists $sum{$c};
		$sum{$c} += $med;
		$out .= "| $step | $c | $med | $p95 |\n";
	}
	$out .= "\nBy category (sum of the step medians):\n\n| category | ms |\n|---|---:|\n";
	$out .= sprintf "| %s | %.2f |\n", $_, $sum{$_} for @cats;
	return $out;
}

# Two steps files side by side (A, then B): each step's medians and B's difference.
sub steps_compare {
	my ($a, $b) = map { my %m; for (split /\n/, slurp($_)) { my ($s, $med) = split; $m{$s} = $med; } \%m } @_;
	my @order = map { (split)[0] } split /\n/, slurp($_[1]);
	return "_not measured_\n" unless @order && %$a;
	my $out = "| step | image here | store + lease | difference |\n|---|---:|---:|---:|\n";
	for my $s (@order) {
		my ($x, $y) = ($a->{$s}, $b->{$s});
		my $d = defined $x ? sprintf('%+.3f', $y - $x) : sprintf('%+.3f', $y);
		$out .= sprintf "| %s | %s | %s | %s |\n", $s eq 'total' ? '**total**' : $s, $x // '-', $y, $d;
	}
	return $out;
}

my @peers = grep { exists $r{"peer_${_}_note"} } qw(bare floor unshare bwrap crun runc nspawn firejail lxc);
my @sc = sort { $a <=> $b } map { /^scale_(\d+)_new$/ ? $1 : () } keys %r;

# The median of a scale step's creations (steps-scale-N.tab's total), or '-'.
sub scale_total {
	my $n = shift;
	for (split /\n/, slurp("$dir/steps-scale-$n.tab")) {
		my ($step, $med) = split;
		return $med if $step eq 'total';
	}
	return '-';
}

# STEP's median (ms) in the steps table FILE (steps.pl's), or '-'.
sub step_med {
	my ($file, $step) = @_;
	for (split /\n/, slurp($file)) {
		my ($s, $med) = split;
		return $med if $s eq $step;
	}
	return '-';
}

# The targets (issue 22, and issue 10's storm): what, what this run measured, and
# whether it met it.
# The host's cgroup mounts in a word, for the one-screen summary (the tables keep the list).
sub cgroup_shape {
	my @m = split ' ', shift // '';
	my @v1 = grep { !/^cgroup2/ } @m;
	return !@m ? 'unknown' : !@v1 ? 'pure cgroup v2' : @v1 < @m ? 'hybrid cgroups' : 'cgroup v1';
}

my @targets = (
	[ 'login through the module, warm: <= 2 ms', msv('login_warm_med'), met(v('login_warm_med'), 2) ],
	[ 'login through the module, cold: <= 10 ms', msv('login_cold_med'), met(v('login_cold_med'), 10) ],
	[ 'ssh end to end, warm: ratio <= 1.01', v('e2e_warm_ratio_med'), met(v('e2e_warm_ratio_med'), 1.01) ],
	[ 'ssh end to end, cold: <= 10 ms added', msv('e2e_cold_diff_med'), met(v('e2e_cold_diff_med'), 10) ],
);
if (@sc) {
	my ($first, $n) = ($sc[0], $sc[-1]);
	my ($a, $b) = (scale_total($first), scale_total($n));
	push @targets, [ "host memory per idle container, $n running: <= 1 MiB",
	    v("scale_${n}_host_kib") . " KiB each, " . v("scale_${n}_running") . " running",
	    $n >= 1000 && v("scale_${n}_running") eq $n ? met(v("scale_${n}_host_kib"), 1024) :
	    'not measured (fewer than 1000 ran)' ];
	push @targets, [ "a start with up to $n running vs up to $first: within 30 %", "$b vs $a ms",
	    num($a) && num($b) && $a > 0 ? met($b / $a, 1.3) : 'not measured' ];
} else {
	push @targets, [ 'host memory per idle container: <= 1 MiB', '-', 'not measured (BENCH_PARTS without scale)' ],
	    [ 'a start among 1000 running: within 30 % of the first', '-', 'not measured (BENCH_PARTS without scale)' ];
}
push @targets,
    [ 'storm of 50 users: p95 < 1 s', v('storm_users_ok') . '/' . v('storm_users_total') . ', p95 ' .
      v('storm_users_p95') . ' ms', met(v('storm_users_p95'), 1000) ],
    [ 'storm of 50 logins of one user: p95 < 1 s', v('storm_one_ok') . '/' . v('storm_one_total') .
      ', p95 ' . v('storm_one_p95') . ' ms', met(v('storm_one_p95'), 1000) ],
    exists $r{v2_plain_move_n} ?
    [ 'cold login on a pure cgroup v2 host: no grace-period wait',
      'first process: ' . msv_of(step_med("$dir/steps-v2-plain.tab", 'cgroup-join')) . '; a move (a login\'s join): ' .
      msv('v2_plain_move_med') . ', ' . msv('v2_favordynmods_move_med') . ' with favordynmods',
      met(step_med("$dir/steps-v2-plain.tab", 'cgroup-join'), 1) . ' for the start; a login\'s join waits ' .
      'without favordynmods' ] :
    [ 'cold login on a pure cgroup v2 host: no grace-period wait', '-',
      'not measured (BENCH_PARTS without v2; this host: ' . cgroup_shape(v('cgroups')) . ')' ];

if ($table) {
	printf "%-44s %s\n", 'figure (median / p95, ms)', 'value';
	printf "%-44s %s\n", 'login path cold (pam_warren, real module)', ms('login_cold');
	printf "%-44s %s\n", 'login path warm', ms('login_warm');
	printf "%-44s %s\n", 'ssh e2e warm: jailed / plain', ms('e2e_warm_jailed') . '  |  ' . ms('e2e_warm_plain');
	printf "%-44s %s (added %s ms)\n", 'ssh e2e warm: ratio per pair', v('e2e_warm_ratio_med'), v('e2e_warm_diff_med');
	printf "%-44s %s (added %s ms)\n", 'ssh e2e cold: ratio per pair', v('e2e_cold_ratio_med'), v('e2e_cold_diff_med');
	for my $t (qw(users one plain)) {
		printf "%-44s %s/%s ok, p95 %s ms\n", "storm $t", v("storm_${t}_ok"), v("storm_${t}_total"), v("storm_${t}_p95");
	}
	for my $k (sort grep { /^scale_\d+_new$/ } keys %r) {
		my ($n) = $k =~ /(\d+)/;
		printf "%-44s %s ms, %s failed, host %s KiB/container\n", "scale to $n",
		    v("scale_${n}_create_ms"), v("scale_${n}_failed"), v("scale_${n}_host_kib");
	}
	printf "%-44s %s\n", "peer $_", exists $r{"peer_${_}_med"} ? ms("peer_$_") : 'failed: ' . v("peer_${_}_error") for @peers;
	printf "%-44s %s  |  %s\n", 'cold login: no binds / ' . v('binds_n') . ' binds', ms('binds_none_cold'),
	    ms('binds_n_cold') if exists $r{binds_n};
	printf "%-44s %s  |  %s  |  warm %s\n", 'fleet cold: image here / on the store + lease',
	    ms('fleet_local_cold'), ms('fleet_store_cold'), ms('fleet_store_warm') if exists $r{fleet_store_cold_n};
	printf "%-44s %s\n", 'fleet cold: on the store + lease over TLS', ms('fleet_tls_cold')
	    if exists $r{fleet_tls_cold_n};
	printf "\n%-58s %-28s %s\n", 'target', 'measured', '';
	printf "%-58s %-28s %s\n", @$_ for @targets;
	exit 0;
}

my $o = '';
$o .= "# warren benchmarks\n\n";
$o .= "Written by `sudo make bench` (tests/bench/run.sh) on " . v('date') . ", commit " . v('commit') .
    ". Every figure below is that run's output; re-run to refresh. Times are milliseconds, " .
    "median / p95 (nearest rank) unless said otherwise.\n\n";
$o .= "## Machine\n\n| | |\n|---|---|\n";
$o .= "| $_->[0] | " . v($_->[1]) . " |\n" for (['OS', 'os'], ['kernel', 'kernel'], ['CPU', 'cpu'],
    ['memory', 'mem'], ['cgroup mounts', 'cgroups'], ['sshd', 'sshd'], ['image', 'image']);

$o .= "\n## Headline\n\n";
$o .= "- **ssh login, warm container: ratio " . v('e2e_warm_ratio_med') . "** (jailed / not jailed, median of " .
    v('e2e_warm_ratio_n') . " interleaved pairs), " . v('e2e_warm_diff_med') . " ms added per login.\n";
$o .= "- ssh login, cold container (built during the login): ratio " . v('e2e_cold_ratio_med') . ", " .
    v('e2e_cold_diff_med') . " ms added.\n";
$o .= "- Login path through pam_warren alone: cold " . ms('login_cold') . " ms, warm " . ms('login_warm') . " ms.\n";
$o .= "- Storm of " . v('storm_users_total') . " users at once: " . v('storm_users_ok') . " logged in, p95 " .
    v('storm_users_p95') . " ms (not jailed, the same storm: p95 " . v('storm_plain_p95') . " ms).\n";
if (@sc) {
	my $n = $sc[-1];
	$o .= "- $n idle containers with network: " . v("scale_${n}_running") . " running, " .
	    v("scale_${n}_host_kib") . " KiB of host memory each (MemAvailable drop / containers).\n";
}

$o .= "\n## 1. Login path (pam_warren through libpam, tests/bench/pamdrive.c)\n\n";
$o .= "pamdrive does what sshd does around PAM: in a forked \"monitor\" that has looked the user " .
    "up (as sshd's has, before PAM), `pam_start`, `pam_setcred` and `pam_open_session` " .
    "(pam_warren verifies a running container from the helper's ticket, or runs the helper, " .
    "which finds or builds the container; then it sets up the monitor's view); then a forked " .
    "\"post-auth child\" calls " .
    "`pam_setcred`, where pam_warren joins the container (cgroup, setns, credentials), and " .
    "exits. The PAM stack holds pam_warren's two lines only, so the figure is what warren adds. " .
    "Cold: the container is stopped (untimed) before each login. Network nat, the default 10G disk " .
    "image, idmapped overlays, cgroup limits: the default config. Production build.\n\n";
$o .= "| | runs | open_session (monitor) | join (post-auth child) | total |\n|---|---:|---:|---:|---:|\n";
for my $k (qw(cold warm)) {
	$o .= "| $k | " . v("login_${k}_n") . " | " . ms("login_${k}_open") . " | " . ms("login_${k}_join") .
	    " | **" . ms("login_$k") . "** |\n";
}
$o .= "\n### Cold login, step by step (bench build: `-DWARREN_BENCH`, helper/lib/benchmark.h)\n\n";
$o .= "The same logins with the bench build's step timers: each step is the time from the mark " .
    "before it to its own. The timers cost a write each; production builds have none.\n\n";
$o .= steps_table("$dir/steps-cold.tab");
$o .= "\n### Warm login, step by step\n\n" . steps_table("$dir/steps-warm.tab");
for my $k (qw(cold warm)) {
	my $s = slurp("$dir/strace-$k.txt");
	next unless $s;
	$o .= "\n### strace -c -f, 10 $k logins (pamdrive, helper, builder, init start): top syscalls by time\n\n" .
	    "| syscall | calls | seconds (all 10) |\n|---|---:|---:|\n";
	for (split /\n/, $s) {
		my ($c, $t, $name) = split;
		$o .= "| $name | $c | $t |\n" if $name;
	}
}

$o .= "\n## 2. End to end: `ssh -o BatchMode=yes USER\@127.0.0.1 true` through a real sshd\n\n";
$o .= "OpenSSH's sshd on 127.0.0.1 in a netns of the bench (tests/lib/fixture.sh), ed25519 keys. " .
    "Jailed user wbj vs not-jailed user wbn on the same sshd and PAM service, alternating " .
    "(interleaved pairs); the ratio and the difference are taken per pair.\n\n";
$o .= "| container | pairs | jailed | not jailed | added per pair | ratio per pair | failed |\n|---|---:|---:|---:|---:|---:|---:|\n";
for my $k (qw(warm cold)) {
	$o .= "| $k | " . v("e2e_${k}_jailed_n") . " | " . ms("e2e_${k}_jailed") . " | " . ms("e2e_${k}_plain") .
	    " | " . ms("e2e_${k}_diff") . " | **" . v("e2e_${k}_ratio_med") . "** / " . v("e2e_${k}_ratio_p95") .
	    " | " . v("e2e_${k}_failed") . " |\n";
}

$o .= "\n## 3. Scale: idle containers, network on\n\n";
$o .= "One pamdrive login per user (one at a time, the bench build: its step timers show which step " .
    "grows), each leaving an idle container (idle_timeout 2 h); " .
    "network nat (a veth on the bridge each), disk = \"max\" (no disk image: 1000 images of 10G " .
    "would need 10 TB allocated). Host memory: the drop of MemAvailable since before the first " .
    "container, divided by the containers running. RSS and PSS: supervisor + init.\n\n";
$o .= "| containers | new | time to create the new | per container | failed | host KiB / container | RSS KiB (sup+init) | PSS KiB | memory cgroup KiB | loop devices | bridge ports |\n" .
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
for my $n (@sc) {
	my $per = num(v("scale_${n}_create_ms")) && v("scale_${n}_new") > 0 ?
	    sprintf('%.1f', v("scale_${n}_create_ms") / v("scale_${n}_new")) : '-';
	$o .= "| " . v("scale_${n}_running") . " | " . v("scale_${n}_new") . " | " . v("scale_${n}_create_ms") .
	    " ms | $per ms | " . v("scale_${n}_failed") . " | " . v("scale_${n}_host_kib") . " | " .
	    v("scale_${n}_rss_kib") . " | " . v("scale_${n}_pss_kib") . " | " . v("scale_${n}_cgroup_kib") .
	    " | " . v("scale_${n}_loops") . " | " . v("scale_${n}_bridge_ports") . " |\n";
}
if (v('scale_0_busy') ne '-') {
	$o .= "\nThe machine's CPU while they idle (nothing else running; /proc/stat over " .
	    "BENCH_IDLE_S, 10 s; per cent of one CPU): before the first, " .
	    v('scale_0_busy') . " %; " . join('; ', map { "$_ running, " . v("scale_${_}_busy") . " %" } @sc) .
	    ".\n";
}
$o .= "\nStopping all " . v('scale_stop_n') . " (4 at a time): " . v('scale_stop_ms') . " ms.\n";
# What an admin waits for with them all running.
if (grep { v("scale_${_}_ls_med") ne '-' } @sc) {
	$o .= "\n`warrenctl ls` and `warrenctl gc` (nothing to collect) with them running, in ms " .
	    "(median / p95 of 5 and 3 runs):\n\n| containers | ls | rows listed | gc | failed runs |\n" .
	    "|---:|---:|---:|---:|---:|\n";
	for my $n (@sc) {
		$o .= "| " . v("scale_${n}_running") . " | " . ms("scale_${n}_ls") . " | " .
		    v("scale_${n}_ls_rows") . " | " . ms("scale_${n}_gc") . " | " . v("scale_${n}_ctl_failed") . " |\n";
	}
}
# Where the host memory went (per container, /proc/meminfo since before the first).
my @mi = qw(AnonPages Cached SReclaimable SUnreclaim KernelStack PageTables Percpu VmallocUsed);
if (grep { v("scale_${_}_mi_AnonPages") ne '-' } @sc) {
	$o .= "\nWhere the host memory went, per container (KiB: the growth of each /proc/meminfo " .
	    "field since before the first container, divided by the containers running; the kernel's " .
	    "part is SUnreclaim, KernelStack, PageTables, Percpu and VmallocUsed):\n\n| containers | " .
	    join(' | ', @mi) . " |\n|---:|" . join('', map { '---:|' } @mi) . "\n";
	for my $n (@sc) {
		$o .= "| " . v("scale_${n}_running") . " | " . join(' | ', map { v("scale_${n}_mi_$_") } @mi) . " |\n";
	}
	my ($top) = grep { -s "$dir/slab-$_.txt" } reverse @sc;
	if ($top) {
		$o .= "\nThe kernel caches that grew most, KiB per container at $top (/proc/slabinfo): " .
		    join(', ', map { my ($c, $k) = split; "$c $k" } grep { /\S/ } split /\n/, slurp("$dir/slab-$top.txt")) . ".\n";
	}
}
# Steps of the creations, per scale step: the ones over 0.5 ms anywhere.
my (%st, @so);
for my $n (@sc) {
	for (split /\n/, slurp("$dir/steps-scale-$n.tab")) {
		my ($step, $med) = split;
		push @so, $step unless exists $st{$step};
		$st{$step}{$n} = $med;
	}
}
if (@so) {
	$o .= "\nA creation's steps (median ms) while the containers already running grow:\n\n| step | " .
	    join(' | ', map { "creating " . (v("scale_${_}_running") ne '-' ? "up to $_" : $_) } @sc) . " |\n|---|" .
	    join('', map { '---:|' } @sc) . "\n";
	for my $s (@so) {
		next unless grep { ($st{$s}{$_} // 0) > 0.5 } @sc;
		$o .= "| $s | " . join(' | ', map { $st{$s}{$_} // '-' } @sc) . " |\n";
	}
}

$o .= "\n## 4. Storm: simultaneous ssh logins\n\n";
$o .= "All started at once (MaxStartups raised to 200 in the bench's sshd, so that sshd itself " .
    "drops none); cold containers, disk = \"max\" (the first logins of 50 users would each make a " .
    "10G disk image, 500G, more than this host's disk).\n\n| storm | ok | median | p95 | wall |\n|---|---:|---:|---:|---:|\n";
for ([ 'users', 'different users, each container built' ], [ 'one', 'one user (one container, built once)' ],
    [ 'plain', 'one user, not jailed (baseline)' ]) {
	my ($t, $what) = @$_;
	$o .= "| " . v("storm_${t}_total") . " logins, $what | " . v("storm_${t}_ok") . " | " . v("storm_${t}_med") .
	    " | " . v("storm_${t}_p95") . " | " . v("storm_${t}_wall") . " ms |\n";
}

$o .= "\n## 5. Peers: start to `/bin/true` on the same image\n\n";
$o .= "Each from Debian's package, run inside the bench's netns, 3 warm-up runs then the " .
    "timed ones (tests/bench/timeit.c: fork, exec, wait). warren's figure to compare is its " .
    "cold login path above: it builds all of what the last column lists.\n\n";
$o .= "| runtime | runs | median / p95 | what it does not set up that warren does |\n|---|---:|---:|---|\n";
for my $p (@peers) {
	my $t = exists $r{"peer_${p}_med"} ? ms("peer_$p") : 'failed: ' . v("peer_${p}_error");
	$o .= "| $p | " . v("peer_${p}_n") . " | $t | " . v("peer_${p}_note") . " |\n";
}
$o .= "| **warren cold** | " . v('login_cold_n') . " | " . ms('login_cold') . " | (user ns with a 65536 range, idmapped image, overlays for root and home, disk image, cgroup limits, veth + nftables, seccomp, init) |\n";
$o .= "| warren warm (join) | " . v('login_warm_n') . " | " . ms('login_warm') . " | |\n";

if (exists $r{binds_n}) {
	my $n = v('binds_n');
	my $per = (v('binds_n_cold_med') ne '?' && v('binds_none_cold_med') ne '?') ?
	    sprintf('%.3f', (v('binds_n_cold_med') - v('binds_none_cold_med')) / $n) : '?';
	$o .= "\n## 6. Binds: what each adds to a cold start (issue 20)\n\n" .
	    "Cold logins through pam_warren as in 1, with no binds and with $n read-only binds of " .
	    "directories in the defaults, in alternating blocks of 5. Each bind's source is opened " .
	    "component by component, cloned and staged by the builder, then attached by the " .
	    "container's first process.\n\n| binds | runs | cold login |\n|---:|---:|---:|\n" .
	    "| 0 | " . v('binds_none_cold_n') . " | " . ms('binds_none_cold') . " |\n" .
	    "| $n | " . v('binds_n_cold_n') . " | " . ms('binds_n_cold') . " |\n\n" .
	    "Per bind, from the medians: **$per ms** (target: at most 0.3 ms). " .
	    "Steps with $n binds (bench build):\n\n" . steps_table("$dir/steps-binds.tab");
}

if (exists $r{fleet_store_cold_n}) {
	my $added = (v('fleet_store_cold_med') ne '?' && v('fleet_local_cold_med') ne '?') ?
	    sprintf('%.1f', v('fleet_store_cold_med') - v('fleet_local_cold_med')) : '?';
	# TLS (etcd's certificate checked, the client's presented) adds its context and its
	# handshake to warren-lease's start, once a login.
	my $tls_added = (exists $r{fleet_tls_cold_n} && v('fleet_tls_cold_med') ne '?' &&
			 v('fleet_local_cold_med') ne '?') ?
	    sprintf('; over TLS **%.1f ms**', v('fleet_tls_cold_med') - v('fleet_local_cold_med')) : '';
	$o .= "\n## 7. Fleet: what her lease and the store add to a login (issue 19)\n\n" .
	    "Cold logins through pam_warren as in 1, both users with a 1G disk image: wbj's on " .
	    "this host, wbf's on a fleet's store (a directory bound over itself: the store's " .
	    "own file system is not measured) with her lease taken in a real etcd on loopback " .
	    "(one member), in alternating blocks of 5; then warm logins of wbf.\n\n" .
	    "| | runs | login |\n|---|---:|---:|\n" .
	    "| cold, image on this host | " . v('fleet_local_cold_n') . " | " . ms('fleet_local_cold') . " |\n" .
	    "| cold, image on the store, lease taken | " . v('fleet_store_cold_n') . " | " . ms('fleet_store_cold') . " |\n" .
	    (exists $r{fleet_tls_cold_n} ? "| cold, image on the store, lease taken over TLS (client " .
	     "certificate, etcd's checked) | " . v('fleet_tls_cold_n') . " | " . ms('fleet_tls_cold') . " |\n" : '') .
	    "| warm, fleet (no etcd call) | " . v('fleet_store_warm_n') . " | " . ms('fleet_store_warm') . " |\n\n" .
	    "Added to a cold login by the fleet, from the medians: **$added ms** (issue 19: at most " .
	    "about 5 ms for the lease on loopback; this also holds warren-lease's start, the " .
	    "direct-I/O loop device and the idmapped mount of the image)$tls_added. Steps of wbf's cold " .
	    "logins (bench build):\n\n" . steps_table("$dir/steps-fleet.tab") .
	    "\nThe same steps side by side with wbj's (her image on this host, no lease; bench " .
	    "build), medians: the lease's own steps, and what the other steps pay beside it " .
	    "(warren-lease starts while the helper prepares the host side, on the same CPUs):\n\n" .
	    steps_compare("$dir/steps-fleet-local.tab", "$dir/steps-fleet.tab");
}

if (exists $r{v2_plain_move_n}) {
	$o .= "\n## 8. A pure cgroup v2 host (the cgroup v2 lane's guest)\n\n" .
	    "Debian's kernel " . v('v2_kernel') . " under qemu (" . v('v2_accel') . ", 2 vCPUs), busybox " .
	    "as init, cgroup2 alone (nsdelegate), the bench build (tests/bench/v2-guest.sh): 25 cold " .
	    "starts of a container (`warren-helper ensure`, network none, no disk image) 300 ms apart, " .
	    "as logins come, from the helper's start to its answer; and 25 moves of a forked process " .
	    "into a cgroup through cgroup.procs (tests/bench/cgmove.c), as a login's post-auth child " .
	    "joins her container. Then both again with cgroup2 remounted with `favordynmods`. A move " .
	    "takes the kernel's cgroup_threadgroup_rwsem for writing, which waits for an RCU grace " .
	    "period unless another move just did, or favordynmods keeps it ready; a fork into a " .
	    "cgroup (`CLONE_INTO_CGROUP`, the container's first process) takes only its read side.\n\n" .
	    "| cgroup2 | a move (ms) | runs | start: first process's join | start: clone | start total |\n" .
	    "|---|---:|---:|---:|---:|---:|\n";
	for my $p (qw(plain favordynmods)) {
		my $t = "$dir/steps-v2-$p.tab";
		my ($total) = map { (split)[1] } grep { /^total / } split /\n/, slurp($t);
		$o .= "| $p | " . ms("v2_${p}_move") . " | " . v("v2_${p}_move_n") . " | " .
		    step_med($t, 'cgroup-join') . " | " . step_med($t, 'clone-namespaces') . " | " .
		    ($total // '-') . " |\n";
	}
	$o .= "\nA cold start's steps without favordynmods:\n\n" . steps_table("$dir/steps-v2-plain.tab");
}

$o .= "\n## Targets (issue 22)\n\n| target | measured | |\n|---|---|---|\n";
$o .= "| $_->[0] | $_->[1] | $_->[2] |\n" for @targets;

my $analysis = slurp("$FindBin::Bin/analysis.md");
$o .= "\n$analysis" if $analysis;
print $o;
