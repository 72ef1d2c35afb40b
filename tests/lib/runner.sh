# tests/lib/runner.sh - count TAP programs' results for tests/run.sh (source it; bash).
# shellcheck shell=bash
#
#   runner_start             reset the totals
#   run_tap NAME SECS CMD... run one TAP program ("ok N - what", "not ok N - what",
#                            "ok N # SKIP why"), bounded to SECS, and add its results
#   runner_summary           print "N passed, N failed, N skipped"; 0 if nothing failed
# A program counts as failed when it dies without a plan, prints fewer or more results
# than planned, exits non-zero without a failure, or runs past its time (it is stopped:
# TERM, so that its trap cleans up, then KILL after 60 s).  With WARREN_TEST_STRICT=1
# (CI) every skipped result fails the run too: CI must not be green because nothing
# could run.  Except one kind: "# SKIP not on this host: ..." (tap.sh's skip_host), a
# check of a kernel feature this host lacks that another lane makes; those are listed.

runner_start() {
	passed=0 failed=0 skipped=0 host_skipped=0
	skippers=() host_skippers=()
	log=$(mktemp)
}

run_tap() {
	local name=$1 secs=$2
	shift 2
	echo "# --- $name"
	# TERM first: a script's trap cleans up what it made; KILL if that hangs too.
	timeout -k 60 "$secs" "$@" >"$log" 2>&1
	local rc=$?
	cat "$log"
	local p f s planned seen
	# cmocka reports a skipped test as "not ok N # SKIP": a skip either way.
	s=$(grep -ciE '^(not )?ok [0-9]+.*# *skip' "$log" | tr -d ' ')
	p=$(grep -E '^ok [0-9]+' "$log" | grep -civE '# *skip' | tr -d ' ')
	f=$(grep -E '^not ok [0-9]+' "$log" | grep -civE '# *skip' | tr -d ' ')
	planned=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$log" | head -n 1)
	seen=$((p + s + f))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok - $name: stopped after $secs s (exit $rc)"
		f=$((f + 1))
	elif [ -z "$planned" ] || [ "$seen" -lt "$planned" ]; then
		echo "not ok - $name: exited $rc after $seen of ${planned:-?} results"
		f=$((f + 1))
	elif [ "$seen" -gt "$planned" ]; then
		echo "not ok - $name: printed $seen results, planned $planned"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name: exited $rc"
		f=$((f + 1))
	fi
	local h
	h=$(grep -ciE '^(not )?ok [0-9]+.*# *skip not on this host:' "$log" | tr -d ' ')
	[ "$s" -gt "$h" ] && skippers+=("$name ($((s - h)))")
	[ "$h" -gt 0 ] && host_skippers+=("$name ($h)")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	host_skipped=$((host_skipped + h))
}

runner_summary() {
	[ "$host_skipped" -gt 0 ] &&
		echo "# skipped for a kernel feature this host lacks (another lane checks it): ${host_skippers[*]}"
	if [ -n "${WARREN_TEST_STRICT:-}" ] && [ "$skipped" -gt "$host_skipped" ]; then
		echo "# WARREN_TEST_STRICT: skipped results fail the run; skipped in: ${skippers[*]}"
		failed=$((failed + skipped - host_skipped))
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
