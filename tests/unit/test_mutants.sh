#!/bin/bash
# test_mutants.sh - make mutants judges honestly (tests/lib/mutants.sh, tests/mutants/run.sh):
# a mutant is killed only when the check its header names newly fails; a failure the
# unchanged tree has too is never a kill; a patch that no longer applies is broken; a red
# unchanged tree stops the run.  The runner itself runs on a tiny tree of its own here (a
# shell "calc" with one unit test), so no root and no e2e.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/mutants.sh
plan 22
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The caller's choices are not this test's.
unset MUTANTS MUTANTS_FULL MUTANTS_ALLOW_RED MUTANTS_KEEP

# --- the judging functions on results written by hand --------------------------------

cat >"$tmp/log" <<'EOF'
# --- tests/unit/test_a
1..2
ok 1 - parses a config
not ok 2 - refuses a bad key
# --- tests/e2e/10-x.sh
1..3
ok 1 - lands in the container
ok 2 - lands again # SKIP no image
not ok 3 # SKIP cmocka says it so
not ok - tests/e2e/10-x.sh: stopped after 420 s (exit 124)
12 passed, 2 failed, 2 skipped
EOF
tap_results <"$tmp/log" >"$tmp/res"
check "results are read per file: passes, failures, skips, the runner's own lines" \
	test "$(cat "$tmp/res")" = "$(printf '%s\t%s\t%s\n' \
		ok tests/unit/test_a 'parses a config' fail tests/unit/test_a 'refuses a bad key' \
		ok tests/e2e/10-x.sh 'lands in the container' skip tests/e2e/10-x.sh 'lands again' \
		skip tests/e2e/10-x.sh '' fail tests/e2e/10-x.sh 'tests/e2e/10-x.sh: stopped after 420 s (exit 124)')"

cat >"$tmp/h.diff" <<'EOF'
# M0: a bug, in words
# kills: tests/e2e/76-sessions.sh: max_sessions = 2, three: logins at once
# kills: tests/unit/test_config.c: limits
diff --git a/f b/f
--- a/f
+++ b/f
@@ -1 +1 @@
-# kills: tests/unit/test_x: not a header line
+b
EOF
mutant_kills "$tmp/h.diff" >"$tmp/kills"
check "the header names its checks (file, then the start of a description; .c dropped)" \
	test "$(cat "$tmp/kills")" = "$(printf '%s\t%s\n' tests/e2e/76-sessions.sh \
		'max_sessions = 2, three: logins at once' tests/unit/test_config limits)"
check "only e2e files are run for it (the unit tests always are)" \
	test "$(mutant_files "$tmp/kills")" = tests/e2e/76-sessions.sh
check_not "a patch without a header names nothing" mutant_kills <(sed '1,3d' "$tmp/h.diff")
mkdir "$tmp/apply" && echo '# kills: tests/unit/test_x: not a header line' >"$tmp/apply/f"
check "git apply ignores the header and applies the diff exactly" \
	bash -c "cd '$tmp/apply' && GIT_CEILING_DIRECTORIES='$tmp' git apply '$tmp/h.diff' && test \"\$(cat f)\" = b"

# verdict BASE MUT KILLS: the verdict's first word for result files written inline.
verdict_of() {
	printf '%b' "$1" >"$tmp/v.base"
	printf '%b' "$2" >"$tmp/v.mut"
	printf '%b' "$3" >"$tmp/v.kills"
	mutant_verdict "$tmp/v.kills" "$tmp/v.base" "$tmp/v.mut" | cut -d: -f1
}
F='tests/e2e/f.sh'
check "a named check that passed and now fails: killed" \
	test "$(verdict_of "ok\t$F\tholds\nok\t$F\tstops\n" "ok\t$F\tholds\nfail\t$F\tstops (7 s)\n" "$F\tstops\n")" = killed
check "a named check that fails on the unchanged tree too is no kill" \
	test "$(verdict_of "fail\t$F\tstops\nok\t$F\tholds\n" "fail\t$F\tstops\nok\t$F\tholds\n" "$F\tstops\n")" = survived
check "nor is another check the unchanged tree fails: the named one passing, it survived" \
	test "$(verdict_of "fail\t$F\tflaky\nok\t$F\tstops\n" "fail\t$F\tflaky\nok\t$F\tstops\n" "$F\tstops\n")" = survived
check "a new failure that is not the named check: missed, not killed" \
	test "$(verdict_of "ok\t$F\tholds\nok\t$F\tstops\n" "fail\t$F\tholds\nok\t$F\tstops\n" "$F\tstops\n")" = missed
check "the named check not reached, nothing new failing: undecided" \
	test "$(verdict_of "ok\t$F\tstops\n" "skip\t$F\t\n" "$F\tstops\n")" = undecided
check "before running: a named check the unchanged tree lacks is broken, one it skips undecided" \
	test "$(printf "$F\tgone\n" >"$tmp/k1"; printf "skip\t$F\tstops\n" >"$tmp/b1"
		mutant_precheck "$tmp/k1" "$tmp/b1" | cut -d: -f1
		printf "$F\tstops\n" >"$tmp/k1"; mutant_precheck "$tmp/k1" "$tmp/b1" | cut -d: -f1)" = "broken
undecided"

# --- the runner on a tree of its own ------------------------------------------------

tree=$tmp/tree
mkdir -p "$tree/tests/lib" "$tree/tests/unit" "$tree/tests/mutants" "$tmp/scratch"
cp tests/run.sh "$tree/tests/"
cp tests/lib/runner.sh tests/lib/tap.sh tests/lib/mutants.sh "$tree/tests/lib/"
cp tests/mutants/run.sh "$tree/tests/mutants/"
printf 'all: calc\ncalc: calc.in\n\tcp calc.in calc\n' >"$tree/Makefile"
cat >"$tree/calc.in" <<'EOF'
#!/bin/bash
# calc OP A B
case $1 in
add) echo $(($2 + $3)) ;;
mul) echo $(($2 * $3)) ;;
esac
EOF
cat >"$tree/tests/unit/test_calc.sh" <<'EOF'
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
plan 3
check "adds" test "$(bash calc add 2 3)" = 5
check "multiplies" test "$(bash calc mul 2 3)" = 6
check "the tree is not marked red" test ! -e red
tap_status
EOF
git -C "$tree" init -q && git -C "$tree" add -A

# mutant NAME SED-EXPR HEADER...: tests/mutants/NAME.diff, calc.in changed by SED-EXPR.
mutant() {
	local name=$1 expr=$2
	shift 2
	sed -i "$expr" "$tree/calc.in"
	{ [ $# -gt 0 ] && printf '%s\n' "$@"; git -C "$tree" diff; } >"$tree/tests/mutants/$name.diff"
	git -C "$tree" checkout -q calc.in
}
T='# kills: tests/unit/test_calc.sh:'
mutant M1-adds-wrong 's/\$2 + \$3/$2 - $3/' '# M1: add subtracts' "$T adds"
mutant M2-stale 's/\$2 + \$3/$2 + $3 + 1/' "$T adds"
sed -i 's/^ # calc OP A B$/ # calculator OP A B/' "$tree/tests/mutants/M2-stale.diff"
mutant M3-harmless 's/^# calc OP A B$/# calc OP A B (two numbers)/' "$T multiplies"
mutant M4-names-another 's/\$2 \* \$3/$2 + $3/' "$T adds"
mutant M5-no-header 's/\$2 \* \$3/0/'
mutant M6-names-nothing-there 's/\$2 \* \$3/0/' "$T divides"
mutant M7-marks-red '$a touch red' "$T the tree is not marked red"

runner() { (cd "$tree" && TMPDIR=$tmp/scratch "$@" bash tests/mutants/run.sh) >"$tmp/out" 2>&1; }
line() { grep -E "^$1: " "$tmp/out" | cut -d: -f2 | sed 's/^ //'; }

runner env
rc=$?
check "killed: the named check newly fails" test "$(line M1-adds-wrong)" = killed
check "a patch that no longer applies exactly is broken (and said so)" \
	grep -q '^M2-stale: broken: does not apply to this tree' "$tmp/out"
check "survived: its check passes with the change" test "$(line M3-harmless)" = survived
check "missed: it breaks a check, but not the one it names" test "$(line M4-names-another)" = missed
check "no header, or a check the suite does not have: broken" \
	test "$(line M5-no-header) $(line M6-names-nothing-there)" = "broken broken"
check "the summary counts them, and not all killed is a failure" \
	test "$rc $(grep -oE '^[0-9]+ killed, [0-9]+ survived, [0-9]+ missed, [0-9]+ undecided, [0-9]+ broken' "$tmp/out")" \
	= "1 2 killed, 1 survived, 1 missed, 0 undecided, 3 broken"
[ "$TAP_FAILED" -eq 0 ] || diag_file "$tmp/out" 20
check "the copies under TMPDIR are removed" test -z "$(ls -A "$tmp/scratch")"

runner env MUTANTS=M1,M7-marks-red
rc=$?
check "MUTANTS runs those alone; all killed is a success" \
	test "$rc $(line M1-adds-wrong) $(line M7-marks-red) $(grep -c '^M[0-9]' "$tmp/out")" = "0 killed killed 2"

touch "$tree/red"
runner env MUTANTS=M1,M7
rc=$?
check "a red unchanged tree stops the run before any mutant" \
	test "$rc $(grep -c '^M[0-9]' "$tmp/out")" = "2 0"
runner env MUTANTS=M1,M7,M3 MUTANTS_ALLOW_RED=1 MUTANTS_KEEP=1
rc=$?
check "with MUTANTS_ALLOW_RED a check that fails without the mutant cannot kill it; others still do" \
	test "$rc $(line M1-adds-wrong) $(line M7-marks-red)" = "1 killed undecided"
check "MUTANTS_KEEP keeps a survivor's copy, with its test log, and nothing else" \
	test "$(cd "$tmp/scratch" && ls -d warren-mutant-*/tree/test.log | sed 's/\..*\//\//')" = "warren-mutant-M3-harmless/test.log"
[ "$TAP_FAILED" -eq 0 ] || diag_file "$tmp/out" 20
tap_status
