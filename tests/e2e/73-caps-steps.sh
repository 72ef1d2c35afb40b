#!/bin/bash
# 73-caps-steps.sh - warren-helper(8), Capabilities, after every step and not only before
# the first: a test build of the helper (this tree, with -DWARREN_CAPS_TRACE, which only
# adds a record) writes the five capability sets the kernel reports after each change;
# tests/lib/capsteps.pl holds every record to the man page's own table of steps, of what
# each verb holds, and of what the supervisor and enter's relay keep.  Each verb is run:
# logins (ensure: a new container with its network, then a running one), enter and
# enter-root (a new container with a disk image, then a running one), stop, gc, collect,
# migrate, reset, check-user.  The production build has none of the record's code.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 19

check "the helper and the supervisor as built and installed have no trace of the record (no file or variable turns it on)" \
	bash -c '! grep -q "event=%s step=" "$1" && ! grep -q "event=%s step=" "$2"' - "$HELPER" "$SUPERVISOR"

# The test build: this tree's objects, creds.c compiled again with the record's path.
B=$T/capsbuild
LOG=$T/caps.log
mkdir -m 0755 "$B"
cp -a "$REPO/Makefile" "$REPO/helper" "$REPO/pam_module" "$REPO/warren-init" "$B/" &&
	touch "$B/helper/wire/creds.c" &&
	make -s -C "$B" CFLAGS="-O2 -g -DWARREN_CAPS_TRACE='\"$LOG\"'" warren-helper warren-supervisor >"$T/capsbuild.log" 2>&1
check "a test build of the helper and the supervisor that record their capabilities" \
	bash -c 'grep -q "event=%s step=" "$1" && grep -q "event=%s step=" "$2"' - "$B/warren-helper" "$B/warren-supervisor" ||
	diag_file "$T/capsbuild.log"
TR=$B/warren-helper

write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 60; disk = \"max\"; network = \"none\"; };
users = ( { name = \"wta\"; network = \"nat\"; }, { name = \"wtb\"; disk = \"128M\"; } );"
write_pam "helper=$TR"

# Her cgroups are on v2 where the unified hierarchy has a controller warren uses
# (cgroup/cgroup.c): acting as her root then holds dac_override too (warren-helper(8)).
V2=
v2root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$v2root" ] && grep -qwE 'pids|memory|cpu|io' "$v2root/cgroup.controllers" 2>/dev/null && V2=--v2
# trun ARGS...: the test build, as helper_stop runs the helper (sshd's namespaces).
trun() { nsenter --mount="/proc/$SSHD_PID/ns/mnt" --net="/run/netns/$NS" timeout 60 "$TR" --config "$CONF" "$@"; }
# steps DESC EXPECT... -- CMD...: run CMD with a fresh record; every record must keep
# the promise, and EXPECT (VERB:step,step) says which steps must have been raised.
steps() {
	local desc=$1 expect=() out
	shift
	while [ "$1" != -- ]; do expect+=(--expect "$1"); shift; done
	shift
	: >"$LOG"
	"$@" >"$T/steps.out" 2>&1 </dev/null
	out=$(perl tests/lib/capsteps.pl conf/warren-helper.8 "$LOG" $V2 "${expect[@]}" 2>&1)
	check "$desc: $(grep -v '^PROBLEM' <<<"$out" | cut -d: -f2- | tr '\n' ';' | sed 's/^ //; s/;$//')" \
		test -s "$LOG" -a -z "$(grep '^PROBLEM' <<<"$out")" || { diag "$out"; diag_file "$T/steps.out" 5; diag_file "$LOG" 30; }
}

steps "a first login (ensure, a new container with network nat): prepare, net, build, then her login admitted" \
	ensure:prepare,net,build,examine -- tssh wta -- true
check "and its supervisor kept kill, net_admin and sys_admin (checked above, recorded once)" \
	test "$(grep -c 'event=keep' "$LOG")" = 1
# Her second login: pam_warren verifies it from the helper's ticket (64-warm.sh), so no
# helper runs at all; without the ticket, the helper's own warm path.
: >"$LOG"
tssh wta -- true >/dev/null 2>&1
check "her second login, her ticket taken: no helper ran (nothing recorded)" test ! -s "$LOG"
rm -f /run/warren/users/wta/ticket
steps "her next login, the ticket gone (ensure, the container runs): examine" ensure:examine -- tssh wta -- true
steps "enter (the container runs): examine, enter, then the relay keeps kill" \
	enter:examine,enter -- trun enter wta -- true
check "the relay's keep was recorded from inside the container" \
	grep -q 'event=keep step=0000000000000020 .* enter wta' "$LOG"
steps "enter-root: the same" enter-root:examine,enter -- trun enter-root wta -- true
steps "stop: cleanup (inside it, looking at her processes adds nothing)" stop:cleanup -- trun stop wta
steps "enter of a new container with a disk image (wtb): prepare, build, enter" \
	enter:prepare,build,enter -- trun enter wtb -- true
trun stop wtb >/dev/null 2>&1
steps "gc: cleanup" gc:cleanup -- trun gc
steps "collect (nothing of hers runs): cleanup" collect:cleanup -- trun collect wta
steps "check-user: no capability at all" -- trun check-user wta
check "check-user held none, permitted or bounding" \
	grep -q 'event=limit step=0000000000000000 label=- rc=0 Inh=0000000000000000 Prm=0000000000000000 Eff=0000000000000000 Bnd=0000000000000000 .* check-user wta' "$LOG"
write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 60; disk = \"max\"; network = \"none\"; };
users = ( { name = \"wta\"; disk = \"128M\"; } );"
steps "migrate (her layers into a disk image): migrate and cleanup, as one step" \
	migrate:migrate+cleanup -- trun migrate wta
check "the migration itself went through" test -f "$STATE/disks/wta.ext4" || diag_file "$T/steps.out"
steps "reset: migrate and cleanup, as one step" reset:migrate+cleanup -- trun reset wta
steps "a login into the image (ensure): prepare, build, examine" \
	ensure:prepare,build,examine -- tssh wta -- true
helper_stop wta >/dev/null 2>&1
write_pam
fixture_finish
