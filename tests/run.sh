#!/bin/bash
# tests/run.sh unit|all - run warren's test layers and print one closing line:
#   N passed, N failed, N skipped
# tests/run.sh unit FILE... - the unit tests, then only these (end-to-end scripts,
# tests/sanitizers.sh): what make mutants runs for a mutant whose header names them.
# How each program's TAP is counted: tests/lib/runner.sh.  Time bounds: unit 120 s,
# end-to-end 420 s per script, or what its line "# run.sh bound: N s" asks, plus what it
# may wait for the machine-wide end-to-end lock (WARREN_TEST_LOCK_WAIT,
# tests/lib/fixture.sh): waiting behind another run is no hang.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib/runner.sh
layer=${1:-all}
lock_secs=${WARREN_TEST_LOCK_WAIT:-300}
shift $(($# > 0))
runner_start
trap 'rm -f "$log"' EXIT

# An end-to-end script's bound: its own line "# run.sh bound: N s", or 420 s.
run_e2e() {
	local secs
	secs=$(sed -n 's/^# run\.sh bound: \([0-9]*\) s.*/\1/p' "$1" | head -n 1)
	run_tap "$1" $((${secs:-420} + lock_secs)) bash "$1"
}

# The tests there are sources: a stale binary of a removed test is not one.
for src in tests/unit/test_*.c tests/unit/test_*.sh; do
	[ -e "$src" ] || continue
	case $src in
	*.c) t=${src%.c}
		[ -x "$t" ] || { printf '# --- %s\n%s\n' "$t" "not ok - $t: not built (make check builds it)"; failed=$((failed + 1)); continue; }
		CMOCKA_MESSAGE_OUTPUT=TAP run_tap "$t" 120 "$t" ;;
	*.sh) run_tap "$src" 120 bash "$src" ;;
	esac
done

if [ "$layer" = all ]; then
	run_tap tests/sanitizers.sh 420 bash tests/sanitizers.sh
	for t in tests/e2e/[0-9]*.sh; do
		[ -f "$t" ] || continue
		run_e2e "$t"
	done
fi
for t in "$@"; do
	[ -f "$t" ] || { printf '# --- %s\nnot ok - %s: no such test\n' "$t" "$t"; failed=$((failed + 1)); continue; }
	run_e2e "$t"
done

runner_summary
