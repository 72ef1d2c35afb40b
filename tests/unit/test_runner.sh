#!/bin/bash
# test_runner.sh - tests/lib/runner.sh counts honestly: a program that prints more
# results than planned, fewer, none, exits non-zero, or hangs, fails; a skip is a skip,
# and under WARREN_TEST_STRICT=1 it fails the run, but for a kernel feature the host
# lacks (skip_host).  No root.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/runner.sh
plan 9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# counts NAME SECS SCRIPT - run SCRIPT through run_tap alone; print "P F S summary-rc"
counts() {
	local name=$1 secs=$2 rc
	printf '%s\n' "$3" >"$tmp/$name.sh"
	runner_start
	run_tap "$name" "$secs" bash "$tmp/$name.sh" >/dev/null
	runner_summary >/dev/null
	rc=$?
	rm -f "$log"
	echo "$passed $failed $skipped $rc"
}

check "a clean program: its passes, nothing failed" \
	test "$(counts clean 10 'echo 1..2; echo ok 1 - a; echo ok 2 - b')" = "2 0 0 0"
check "more results than planned fail" \
	test "$(counts over 10 'echo 1..1; echo ok 1 - a; echo ok 2 - b')" = "2 1 0 1"
check "fewer results than planned fail" \
	test "$(counts under 10 'echo 1..3; echo ok 1 - a')" = "1 1 0 1"
check "no plan fails" test "$(counts noplan 10 'echo ok 1 - a')" = "1 1 0 1"
check "a non-zero exit without a failure fails" \
	test "$(counts exit 10 'echo 1..1; echo ok 1 - a; exit 3')" = "1 1 0 1"
start=$SECONDS
check "a program past its time is stopped and fails" \
	test "$(counts hang 2 'echo 1..1; sleep 30; echo ok 1 - a')" = "0 1 0 1"
check "and it is stopped in time ($((SECONDS - start)) s for a 2 s bound)" test $((SECONDS - start)) -le 10
skips='echo 1..2; echo ok 1 - a; echo "ok 2 # SKIP no qemu"'
check "a skip is counted as a skip, not a pass; strict mode fails it" \
	test "$(WARREN_TEST_STRICT= counts skip 10 "$skips") $(WARREN_TEST_STRICT=1 counts skip 10 "$skips")" = "1 0 1 0 1 1 1 1"
hostskip='echo 1..3; echo ok 1 - a; echo "ok 2 - io # SKIP not on this host: no io.weight"; echo "ok 3 # SKIP no image"'
check "strict mode fails a skip, but not one for a feature the host lacks" \
	test "$(WARREN_TEST_STRICT=1 counts hostskip 10 "$hostskip")" = "1 1 2 1"
tap_status
