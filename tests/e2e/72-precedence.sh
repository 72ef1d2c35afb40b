#!/bin/bash
# 72-precedence.sh - warren.conf(5), PRECEDENCE, through real logins, one key of each kind
# at once: a limit (pids, memory), network, seccomp, layers and root.  Each is set in
# wta's users entry, in the groups wtga (listed first) and wtgb (later), and in defaults,
# each level with a value of its own; what her container gets says which level decided:
#   wta (her entry; in both groups)           -> her users entry
#   wtb (in both; NSS lists wtgb first)       -> wtga, the first in the file
#   wtc (in wtgb only)                        -> wtgb
#   wtexempt (in neither; jailed here)        -> defaults
# then, with wtga setting none of the five and the defaults gone:
#   wtb (in both)                             -> wtgb, the later group
#   wtexempt                                  -> the built-in values
#   wta (her entry: root = true)              -> her users entry, against false everywhere else
# warrenctl explain names the same source for each.  (Every key at every level, through
# the parser, is tests/unit/test_precedence.c's.)
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 39

# wtgb first in /etc/group: NSS lists it before wtga for members of both.
groupadd wtgb && groupadd wtga && usermod -aG wtgb,wtga wta && usermod -aG wtgb,wtga wtb &&
	usermod -aG "$JAIL_GROUP,wtgb" wtc || diag "cannot make the groups"
check "NSS lists wtgb before wtga for wtb (the file's order must decide, not this)" \
	bash -c 'id -nG wtb | tr " " "\n" | grep -n "^wtg" | tr "\n" " " | grep -q "wtgb.*wtga"'

# Layers: a directory each beside the base image (as warrenctl image layer leaves them),
# with a file that names it.
images=$T/images
install -d -m 0755 "$images"
ln -s "$IMAGE" "$images/default"
for l in lu lg1 lg2 ld; do
	install -d -m 0755 "$images/$l/usr/share/wt-layer"
	echo "$l" >"$images/$l/usr/share/wt-layer/$l"
done
# Profile files: each denies a call the others allow (x86_64 numbers in the probe).
profile() { printf '# level %s\n%s\n' "$1" "$2" >"$T/$1.seccomp" && chmod 0644 "$T/$1.seccomp"; }
profile u sysfs
profile g1 sched_rr_get_interval
profile d ioprio_get
# The gateway's service: isolated containers reach it (defaults' isolated_ports lists it),
# nat ones do not, none has no route.
listener_pid=
in_ns perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "0.0.0.0:7001",
	Listen => 5, ReuseAddr => 1) or die "$!"; while ($c = $s->accept) { print $c "gateway\n"; close $c }' \
	>/dev/null 2>&1 &
listener_pid=$!
trap 'kill "$listener_pid" 2>/dev/null; fixture_finish' EXIT

# The five levels' values, per kind (u: wta's entry, g1: wtga, g2: wtgb, d: defaults).
round1() {
	write_config "image = \"$images/default\";
state_dir = \"$STATE\";
jail_groups = [ \"$JAIL_GROUP\" ];
exempt_users = [ \"root\" ];
defaults = { idle_timeout = 60; disk = \"max\"; pids = 104; memory = \"230M\"; network = \"isolated\";
  seccomp = \"$T/d.seccomp\"; layers = [ \"ld\" ]; root = true; isolated_ports = [ \"7001/tcp\" ]; };
groups = (
  { name = \"wtga\"; pids = 102; memory = \"210M\"; network = \"isolated\"; seccomp = \"$T/g1.seccomp\";
    layers = [ \"lg1\" ]; root = true; },
  { name = \"wtgb\"; pids = 103; memory = \"220M\"; network = \"none\"; seccomp = \"strict\";
    layers = [ \"lg2\" ]; root = false; }
);
users = ( { name = \"wta\"; pids = 101; memory = \"200M\"; network = \"none\"; seccomp = \"$T/u.seccomp\";
  layers = [ \"lu\" ]; root = false; } );"
}
# Round 2: wtga is still listed first, and matches wtb, but sets none of the five; wta's
# entry says root = true, against her groups' false and the built-in false (a boolean has
# two values: round 1 cannot tell her entry from the built-in for it).
round2() {
	write_config "image = \"$images/default\";
state_dir = \"$STATE\";
jail_groups = [ \"$JAIL_GROUP\" ];
exempt_users = [ \"root\" ];
defaults = { idle_timeout = 60; disk = \"max\"; };
groups = (
  { name = \"wtga\"; io_weight = 200; },
  { name = \"wtgb\"; pids = 103; memory = \"220M\"; network = \"none\"; seccomp = \"strict\";
    layers = [ \"lg2\" ]; root = false; }
);
users = ( { name = \"wta\"; root = true; } );"
}

# What a login sees of each kind, as "kind=value" words.
probe='echo "nnp=$(awk "/^NoNewPrivs/ { print \$2 }" /proc/self/status)"
echo "sudo=$(sudo -n id -u 2>/dev/null || echo no)"
echo "net=$(ls /sys/class/net | tr "\n" "+")"
echo "gateway=$(timeout 3 bash -c "exec 3<>/dev/tcp/10.213.0.1/7001 && head -n 1 <&3" 2>/dev/null || echo no)"
echo "layers=$(ls /usr/share/wt-layer 2>/dev/null | tr "\n" "+")"
perl -e '\''@c = ([sysfs => 139, 3, 0, 0], [rr => 148, 0, "\0" x 16], [ioprio => 252, 1, 0],
	[ptrace => 101, 0, 0, 0, 0]);
	for (@c) { ($n, $nr, @a) = @$_; push @d, $n if syscall($nr, @a) < 0 && $! == 1 } print "denied=", join("+", @d), "+\n"'\'''
# cgfile USER CONTROLLER FILE: the file of USER's cgroup, v1 or v2
cgfile() {
	if [ -d "/sys/fs/cgroup/$2/warren/$1" ]; then cat "/sys/fs/cgroup/$2/warren/$1/$3"
	else cat "/sys/fs/cgroup/warren/$1/$4"; fi
}
declare -A seen
look() { # look USER: log in, probe; seen[USER] gets the words, with the cgroup's limits
	local out
	out=$(tssh "$1" -- "$probe" 2>&1)
	seen[$1]="$(tr -d '\r' <<<"$out" | tr '\n' ' ') pids=$(cgfile "$1" pids pids.max pids.max) memory=$(cgfile "$1" memory memory.limit_in_bytes memory.max)"
}
# expect USER LEVEL: each kind's value at LEVEL (u g1 g2 d builtin)
expect() {
	local u=$1 lv=$2 w=${seen[$1]:-nothing}
	local -A pids=([u]=101 [g1]=102 [g2]=103 [d]=104 [builtin]=512)
	local -A mem=([u]=$((200 << 20)) [g1]=$((210 << 20)) [g2]=$((220 << 20)) [d]=$((230 << 20)) [builtin]=$((1 << 30)))
	local -A net=([u]="net=lo+ gateway=no" [g1]="net=eth0+lo+ gateway=gateway" [g2]="net=lo+ gateway=no"
		[d]="net=eth0+lo+ gateway=gateway" [builtin]="net=eth0+lo+ gateway=no")
	local -A sc=([u]=sysfs+ [g1]=rr+ [g2]=ptrace+ [d]=ioprio+ [builtin]=+)
	local -A lay=([u]=lu+ [g1]=lg1+ [g2]=lg2+ [d]=ld+ [builtin]=)
	local -A root=([u]="nnp=1 sudo=no" [g1]="nnp=0 sudo=0" [g2]="nnp=1 sudo=no" [d]="nnp=0 sudo=0"
		[builtin]="nnp=1 sudo=no")
	has() { [[ " $w " == *" $1 "* ]]; }
	check "$u, $3: a limit (pids.max ${pids[$lv]}, memory ${mem[$lv]} bytes in her cgroup)" \
		bash -c '[[ " $1 " == *" pids=$2 "* && " $1 " == *" memory=$3 "* ]]' - "$w" "${pids[$lv]}" "${mem[$lv]}" || diag "$w"
	check "$u, $3: network (${net[$lv]})" has "${net[$lv]}" || diag "$w"
	check "$u, $3: seccomp (denied: ${sc[$lv]})" has "denied=${sc[$lv]}" || diag "$w"
	check "$u, $3: layers (${lay[$lv]:-none})" has "layers=${lay[$lv]}" || diag "$w"
	check "$u, $3: root (${root[$lv]})" has "${root[$lv]}" || diag "$w"
}
# sources USER WANT: warrenctl explain's source for the six keys, as "key:source ..."
sources() {
	"$REPO/warrenctl" explain "$1" --config "$CONF" 2>&1 |
		awk '$1 ~ /^(pids|memory|network|seccomp|layers|root)$/ { s = $0; sub(/.*\(/, "", s); sub(/\).*/, "", s); printf "%s:%s ", $1, s }'
}
src_check() { # src_check USER SOURCE
	local got want
	got=$(sources "$1")
	want="memory:$2 pids:$2 network:$2 root:$2 seccomp:$2 layers:$2 "
	check "warrenctl explain $1: each of them from $2" test "$got" = "$want" || diag "got: $got"
}

round1
look wta
look wtb
look wtc
look wtexempt
expect wta u "her users entry"
expect wtb g1 "first group in the file (wtga)"
expect wtc g2 "her only group (wtgb)"
expect wtexempt d "defaults"
src_check wta "user wta"
src_check wtb "group wtga"
src_check wtc "group wtgb"
src_check wtexempt defaults

for u in wta wtb wtc wtexempt; do helper_stop "$u" >/dev/null 2>&1; done
round2
look wtb
look wtexempt
look wta
expect wtb g2 "later group (wtga, first, sets none of them)"
expect wtexempt builtin "built-in values"
src_check wtb "group wtgb"
src_check wtexempt built-in
check "wta, her users entry: root = true over her group's false (nnp=0 sudo=0)" \
	bash -c '[[ " $1 " == *" nnp=0 sudo=0 "* ]]' - "${seen[wta]}" || diag "${seen[wta]}"
check "warrenctl explain wta: root from user wta" \
	bash -c '[[ " $1" == *" root:user wta "* ]]' - "$(sources wta)"

for u in wta wtb wtc wtexempt; do helper_stop "$u" >/dev/null 2>&1; done
kill "$listener_pid" 2>/dev/null
fixture_finish
