#!/bin/bash
# 50-untouched.sh - users outside the jailed groups (wtc) and exempt users (wtexempt, in
# the jailed group but in exempt_users) land on the host exactly as without warren.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 10

host_comm=$(cat /proc/1/comm)
no_container() { [ -z "$(container_leftovers "$1")" ] && [ ! -e "/run/warren/users/$1" ]; }
for u in wtc wtexempt; do
	out=$(tssh "$u" -- 'hostname; echo @@; cat /proc/self/uid_map; echo @@; cat /proc/1/comm' 2>"$T/err")
	rc=$?
	check "$u logs in (exit $rc)" test "$rc" -eq 0 || diag_file "$T/err" 5
	check "$u: hostname is the host's ($HOST_NAME)" test "$(section "$out" 1)" = "$HOST_NAME"
	check "$u: uid_map is the host's identity map" test "$(section "$out" 2 | norm)" = "0 0 4294967295"
	check "$u: pid 1 is the host's ($host_comm)" test "$(section "$out" 3)" = "$host_comm"
	check "$u: no container was made" no_container "$u"
done

fixture_finish
