#!/bin/bash
# tests/run.sh unit|all - run warren's test layers and print one closing line:
#   N passed, N failed, N skipped
# Every test program speaks TAP ("ok N - what", "not ok N - what", "ok N # SKIP why").
# A program that dies without a plan or with fewer results than planned counts as failed.
set -u
cd "$(dirname "$0")/.."
layer=${1:-all}
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_tap() { # run_tap NAME CMD... - run one TAP program, add its results to the totals
	local name=$1; shift
	echo "# --- $name"
	"$@" >"$log" 2>&1
	local rc=$?
	cat "$log"
	local p f s planned seen
	# cmocka reports a skipped test as "not ok N # SKIP": a skip either way.
	s=$(grep -ciE '^(not )?ok [0-9]+.*# *skip' "$log" | tr -d ' ')
	p=$(grep -E '^ok [0-9]+' "$log" | grep -civE '# *skip' | tr -d ' ')
	f=$(grep -E '^not ok [0-9]+' "$log" | grep -civE '# *skip' | tr -d ' ')
	planned=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$log" | head -n 1)
	seen=$((p + s + f))
	if [ -z "$planned" ] || [ "$seen" -lt "$planned" ]; then
		echo "not ok - $name: exited $rc after $seen of ${planned:-?} results"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name: exited $rc"
		f=$((f + 1))
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

for t in tests/unit/test_*; do
	[ -x "$t" ] && [ "${t%.c}" = "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP run_tap "$t" "$t"
done

if [ "$layer" = all ]; then
	for t in tests/e2e/[0-9]*.sh; do
		[ -f "$t" ] || continue
		run_tap "$t" bash "$t"
	done
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
