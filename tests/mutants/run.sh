#!/bin/bash
# tests/mutants/run.sh [PATCH...] - `make mutants`: does the suite catch deliberate bugs, and
# with the check that is meant to?
#
#   sudo make mutants                    every tests/mutants/M*.diff
#   sudo MUTANTS=M3,M9 make mutants      some of them (by number, or the file's name)
#   sudo MUTANTS_FULL=1 make mutants     the whole suite per mutant (tests/run.sh all)
#   tests/mutants/run.sh PATCH...        these patch files
#   MUTANTS_ALLOW_RED=1   go on when the unchanged tree fails (its failures never count)
#   MUTANTS_KEEP=1        keep the copy of a mutant that was not killed (test.log in it)
#
# Each mutant's header names the checks that must catch it ("# kills: FILE: DESCRIPTION",
# tests/lib/mutants.sh).  First the unchanged tree is copied under $TMPDIR (/tmp), built,
# and tested: the unit tests and every file the chosen mutants name.  It must be green and
# have every named check, or the run stops.  Then each mutant: a copy of that build, the
# patch applied exactly (git apply, no fuzz: one that does not apply is "broken"), built,
# tested the same way with the files its own header names.  It is killed only when a named
# check that passed on the unchanged tree fails; other new failures are "missed" (a header
# to fix, or a flaky test), and failures the unchanged tree has too never count.  End-to-end
# files take the machine-wide lock one at a time (WARREN_TEST_LOCK_WAIT, here 3600 s unless
# set).  Root only when a named file is not a unit test.  The copies are removed; the exit
# status is 0 when every mutant was killed.  Not part of `make test` or CI.
set -u
args=()
for a in "$@"; do args+=("$(realpath -m -- "$a")"); done
cd "$(dirname "$0")/../.." || exit 1
set -- "${args[@]}"
. tests/lib/mutants.sh
export WARREN_TEST_LOCK_WAIT=${WARREN_TEST_LOCK_WAIT:-3600}
full=${MUTANTS_FULL:-}

# The patches: the arguments, or $MUTANTS, or all (M1 M2 ... M10, in order).
if [ $# -eq 0 ]; then
	if [ -n "${MUTANTS:-}" ]; then
		for m in ${MUTANTS//,/ }; do
			m=${m%.diff}
			m=${m##*/}
			p=$(compgen -G "tests/mutants/$m.diff" || compgen -G "tests/mutants/$m-*.diff")
			[ -n "$p" ] && [ "$(wc -l <<<"$p")" -eq 1 ] ||
				{ echo "make mutants: MUTANTS names \"$m\": no such mutant (or several) in tests/mutants/"; exit 2; }
			set -- "$@" "$p"
		done
	else
		mapfile -t all < <(ls tests/mutants/M*.diff 2>/dev/null | sort -V)
		set -- "${all[@]}"
	fi
fi
[ $# -gt 0 ] || { echo "make mutants: no mutants"; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/warren-mutants.XXXXXX") || exit 2
# Searchable by all, as a clone is: some checks run warrenctl from the tree as nobody.
chmod 0755 "$work" || exit 2
trap 'rm -rf "$work"' EXIT
units=$(ls tests/unit/test_*.c 2>/dev/null | sed 's/\.c$//')
killed=0 survived=0 missed=0 undecided=0 broken=0 started=$SECONDS

# verdict NAME VERDICT [SECONDS]: print it and count it.
verdict() {
	echo "$1: ${2}${3:+ ($3 s)}"
	case $2 in
	killed*) killed=$((killed + 1)) ;;
	survived*) survived=$((survived + 1)) ;;
	missed*) missed=$((missed + 1)) ;;
	undecided*) undecided=$((undecided + 1)) ;;
	*) broken=$((broken + 1)) ;;
	esac
}

# what [FILE...]: what run_tests runs, in words.
what() {
	if [ -n "$full" ]; then
		echo "the whole suite"
	else
		echo "the unit tests${1:+ and $*}"
	fi
}

# run_tests DIR [FILE...]: the tests of DIR's tree into DIR/test.log, results into DIR/results.
run_tests() {
	local dir=$1
	shift
	if [ -n "$full" ]; then
		(cd "$dir" && tests/run.sh all) >"$dir/test.log" 2>&1
	else
		(cd "$dir" && tests/run.sh unit "$@") >"$dir/test.log" 2>&1
	fi
	local rc=$?
	tap_results <"$dir/test.log" >"$dir/results"
	return $rc
}

# Read every header and check every patch against the tree before anything runs.
names=() files=()
for patch in "$@"; do
	name=$(basename "$patch" .diff)
	kills=$work/$name.kills
	if ! [ -f "$patch" ]; then
		verdict "$name" "broken: no such file $patch"
		continue
	elif ! mutant_kills "$patch" >"$kills"; then
		verdict "$name" "broken: its header names no check (\"# kills: FILE: DESCRIPTION\")"
		continue
	fi
	bad=
	while IFS=$'\t' read -r f _; do
		[ -f "$f" ] || [ -f "$f.c" ] || bad="${bad:+$bad, }$f"
	done <"$kills"
	if [ -n "$bad" ]; then
		verdict "$name" "broken: its header names a test that does not exist: $bad"
		continue
	elif ! out=$(git apply --check "$patch" 2>&1); then
		verdict "$name" "broken: does not apply to this tree: $(head -n 2 <<<"$out" | paste -sd' ')"
		continue
	fi
	names+=("$name:$(cd "$(dirname "$patch")" && pwd)/$(basename "$patch")")
	mapfile -t -O "${#files[@]}" files < <(mutant_files "$kills")
done
[ ${#names[@]} -gt 0 ] || { echo "$killed killed, $survived survived, $missed missed, $undecided undecided, $broken broken"; exit 1; }
mapfile -t files < <(printf '%s\n' "${files[@]}" | sed '/^$/d' | sort -u)
if [ "$(id -u)" -ne 0 ] && { [ -n "$full" ] || [ ${#files[@]} -gt 0 ]; }; then
	echo "make mutants: needs root (it runs $(what "${files[@]}"))"
	exit 2
fi

# The unchanged tree, built once: every mutant starts from a copy of this build, so that
# only what its patch touches is compiled again.
build=$work/build
mkdir "$build"
git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -cf - -T - 2>/dev/null | tar xf - -C "$build"
# A repository of its own (an index of the sources, no commit), as a checkout is: the
# real-host lane copies the tree into its guest by git ls-files, and skips elsewhere.
(cd "$build" && git init -q && git add -A) || { echo "make mutants: cannot index the copy"; exit 2; }
echo "# the unchanged tree: building in $build"
# shellcheck disable=SC2086
if ! (cd "$build" && make -s -j"$(nproc)" all $units) >"$work/build.log" 2>&1; then
	echo "make mutants: the unchanged tree does not build:"
	tail -n 20 "$work/build.log"
	exit 2
fi
echo "# the unchanged tree: $(what "${files[@]}")"
base=$work/base
cp -a "$build" "$base"
t0=$SECONDS
if ! run_tests "$base" "${files[@]}"; then
	echo "# the unchanged tree fails: $(tail -n 1 "$base/test.log")"
	grep -E '^not ok' "$base/test.log" | cut -c1-150 | sed 's/^/#   /'
	[ -n "${MUTANTS_ALLOW_RED:-}" ] || {
		echo "make mutants: the unchanged tree is not green, so no failure could be told from a kill;"
		echo "fix it first (or MUTANTS_ALLOW_RED=1: its failures then never count)"
		exit 2
	}
else
	echo "# the unchanged tree: $(tail -n 1 "$base/test.log") ($((SECONDS - t0)) s)"
fi
cp "$base/results" "$work/base.results"
rm -rf "$base"

for entry in "${names[@]}"; do
	name=${entry%%:*} patch=${entry#*:}
	kills=$work/$name.kills
	t0=$SECONDS
	pre=$(mutant_precheck "$kills" "$work/base.results")
	if [ -n "$pre" ]; then
		verdict "$name" "$pre"
		continue
	fi
	mapfile -t own < <(mutant_files "$kills")
	echo "# $name: $(what "${own[@]}")"
	copy=$work/$name
	cp -a "$build" "$copy"
	# The copy is a repository of its own; git apply must not go looking above it.
	if ! out=$(cd "$copy" && GIT_CEILING_DIRECTORIES=$work git apply "$patch" 2>&1); then
		verdict "$name" "broken: does not apply: $(head -n 2 <<<"$out" | paste -sd' ')"
		rm -rf "$copy"
		continue
	fi
	# shellcheck disable=SC2086
	if ! (cd "$copy" && make -s -j"$(nproc)" all $units) >"$copy/build.log" 2>&1; then
		verdict "$name" "broken: does not build: $(grep -m 1 -E 'error' "$copy/build.log" | cut -c1-150)"
		rm -rf "$copy"
		continue
	fi
	run_tests "$copy" "${own[@]}"
	v=$(mutant_verdict "$kills" "$work/base.results" "$copy/results")
	verdict "$name" "$v" $((SECONDS - t0))
	if [ "${v%%:*}" != killed ] && [ -n "${MUTANTS_KEEP:-}" ]; then
		keep=$(mktemp -d "${TMPDIR:-/tmp}/warren-mutant-$name.XXXXXX")
		mv "$copy" "$keep/tree" && echo "#   kept: $keep/tree (test.log there)"
	fi
	rm -rf "$copy"
done
echo "$killed killed, $survived survived, $missed missed, $undecided undecided, $broken broken" \
	"($# mutants, $((SECONDS - started)) s)"
[ "$killed" -eq $# ]
