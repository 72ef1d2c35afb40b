#!/bin/bash
# 88-pty-reserve.sh - a container's ptys never draw on kernel.pty.reserve, the ptys the
# kernel keeps for the host once its pool (kernel.pty.max) is nearly used up (the
# security review's L1).  The kernel gives the reserve to a devpts instance made in the
# initial mount namespace (fs/devpts/inode.c), and nothing shows which instance may use
# it (not its mount options): the test fills the pool from inside a container and looks
# where the kernel stops it.  The container is started by `warren-helper enter` from
# this shell, in the initial mount namespace, where sshd runs on a real host (the
# fixture's sshd runs in a mount namespace of its own, where a login would pass either
# way).  Its `ptys` limit, L, is set halfway into the reserve: a container that may use
# the reserve stops at its own L (still leaving half of the reserve: the host never runs
# out, even with the bug), one that may not stops at max - reserve, well before L.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 3

max=$(cat /proc/sys/kernel/pty/max) reserve=$(cat /proc/sys/kernel/pty/reserve)
nr0=$(cat /proc/sys/kernel/pty/nr)
L=$((max - reserve / 2 - nr0))
line=$((max - reserve))
if [ "$reserve" -lt 16 ] || [ "$L" -gt 4096 ] || [ $((line - nr0)) -lt 16 ]; then
	# ptys takes at most 4096; a pool with no reserve to speak of, or already used up
	# to the reserve, leaves nothing to tell apart.
	why="room to test it (kernel.pty.max $max, reserve $reserve, $nr0 in use)"
	skip_host "a container's ptys stop at max - reserve" "$why"
	skip_host "the kernel says so" "$why"
	skip_host "root on the host still opens a pty" "$why"
	fixture_finish
fi

write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 30; disk = \"max\"; network = \"none\"; };
users = ( { name = \"wta\"; ptys = $L; memory = \"1G\"; } );"

# Inside: open /dev/ptmx until the kernel refuses (at most L + 10 times), say how many
# and the pool's count at that moment, then hold them until a line on stdin.
mkfifo -m 0600 "$T/hold.in"
exec {holding}<>"$T/hold.in"
"$HELPER" --config "$CONF" enter wta -- sh -c 'ulimit -n '$((L + 64))' 2>/dev/null ||
	{ echo "nofile $(ulimit -Hn)"; exit; }; exec perl -e '\''
	my ($n, $e, @k) = (0, "");
	while ($n < $ARGV[0] + 10) { open(my $f, "+<", "/dev/ptmx") or do { $e = "$!"; last }; push @k, $f; $n++ }
	open(my $nr, "<", "/proc/sys/kernel/pty/nr"); my $v = <$nr>; chomp $v;
	$| = 1; print "opened=$n nr=$v err=$e\n"; <STDIN>;'\'' '"$L" \
	<"$T/hold.in" >"$T/hold.out" 2>&1 &
held=$!
for ((i = 0; i < 300; i++)); do
	grep -q '^opened=\|^nofile' "$T/hold.out" && break
	kill -0 "$held" 2>/dev/null || break
	sleep 0.1
done
out=$(cat "$T/hold.out")
if grep -q '^nofile' <<<"$out"; then # one process must hold them all at once
	why="open files enough to hold $L ptys at once (hard limit: $(sed -n 's/^nofile //p' <<<"$out"))"
	skip_host "a container's ptys stop at max - reserve" "$why"
	skip_host "the kernel says so" "$why"
	skip_host "root on the host still opens a pty" "$why"
	wait "$held"
	fixture_finish
fi
opened=$(sed -n 's/^opened=\([0-9]*\) .*/\1/p' <<<"$out")
nr=$(sed -n 's/.* nr=\([0-9]*\) .*/\1/p' <<<"$out")
check "wta's container got $opened ptys (the pool then at $nr): stopped at the host's line, max - reserve = $line, not at its own ptys = $L" \
	test -n "$opened" -a -n "$nr" -a "${opened:-0}" -lt "$L" -a "${nr:-$max}" -lt $((line + reserve / 4)) ||
	diag "$out"
check "the kernel said so: No space left on device" grep -q 'err=No space left on device$' <<<"$out"
check "and root on the host still opens a pty while they are held" \
	perl -e 'open(my $f, "+<", "/dev/ptmx") or die "$!\n"'
echo >&"$holding"
exec {holding}>&-
wait "$held"
fixture_finish
