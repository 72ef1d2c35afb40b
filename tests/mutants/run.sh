#!/bin/bash
# tests/mutants/run.sh [PATCH...] - `make mutants`: does the suite catch deliberate bugs?
# Each patch here (default: all of tests/mutants/*.diff) is applied to a fresh copy of the
# tree, which is built and tested with `tests/run.sh all` (as root, one at a time: the
# end-to-end tests use fixed user names).  A mutant the suite fails on is killed; one it
# passes survived, which means a test is missing.  Not part of `make test` or CI: each
# mutant costs a whole run (about 6 minutes here).
set -u
cd "$(dirname "$0")/../.." || exit 1
repo=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "make mutants: needs root (it runs the whole suite)"; exit 2; }
[ $# -gt 0 ] || set -- tests/mutants/*.diff
killed=0 survived=0 broken=0
for patch in "$@"; do
	name=$(basename "$patch" .diff)
	copy=$(mktemp -d "/tmp/warren-mutant-$name.XXXXXX")
	git ls-files -co --exclude-standard | tar cf - -T - | tar xf - -C "$copy"
	# The binaries and the unit tests built, not run: the suite runs them.
	# An empty patch, or one that no longer applies to this tree, tests nothing.
	if ! [ -s "$patch" ] || ! patch -d "$copy" -p1 -s --forward --batch <"$patch" ||
		! (cd "$copy" && make -s all $(ls tests/unit/test_*.c | sed 's/\.c$//')) >"$copy/build.log" 2>&1; then
		echo "$name: BROKEN (does not apply or build; see $copy)"
		broken=$((broken + 1))
		continue
	fi
	echo "# $name: running the suite..."
	if (cd "$copy" && timeout 1800 tests/run.sh all >"$copy/test.log" 2>&1); then
		echo "$name: SURVIVED - the suite passes with this bug (log: $copy/test.log)"
		survived=$((survived + 1))
	else
		echo "$name: killed by: $(grep -E '^not ok' "$copy/test.log" | head -n 3 | cut -c1-110 | paste -sd'|')"
		killed=$((killed + 1))
		rm -rf "$copy"
	fi
done
echo "$killed killed, $survived survived, $broken broken"
[ "$survived" -eq 0 ] && [ "$broken" -eq 0 ]
