#!/bin/bash
# tests/fuzz/run.sh - `make fuzz`: each target of tests/fuzz under libFuzzer, with ASan and
# UBSan, for FUZZ_SECONDS (default 60) each, starting from tests/fuzz/corpus/TARGET.  New
# inputs go to a temporary copy of the corpus (say which to keep: it prints where); a
# crash is kept there too, and fails the run.  Needs clang; not part of CI.
set -u
cd "$(dirname "$0")/../.." || exit 1
seconds=${FUZZ_SECONDS:-60}
command -v clang >/dev/null || { echo "make fuzz: needs clang (apt-get install clang)"; exit 2; }
work=$(mktemp -d /tmp/warren-fuzz.XXXXXX)
find Makefile helper pam_module tests conf -type f \( -name '*.[ch]' -o -name '*.sh' -o \
	-name '*.map' -o -name Makefile -o -path 'tests/fuzz/corpus/*' -o -path 'conf/*' \) |
	tar cf - -T - | tar xf - -C "$work"
flags='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined'
export LSAN_OPTIONS=suppressions=$(pwd)/tests/fuzz/lsan.supp:print_suppressions=0
targets=$(ls tests/fuzz/fuzz_*.c | sed 's/\.c$/-libfuzzer/')
# The objects instrumented for coverage; each target linked with libFuzzer's main.
if ! make -C "$work" -s CC=clang CFLAGS="$flags -fsanitize=fuzzer-no-link" $targets \
	>"$work/build.log" 2>&1; then
	echo "make fuzz: the build failed (see $work/build.log)"
	exit 1
fi
status=0
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	corpus=$work/corpus/${t#fuzz_}
	mkdir -p "$corpus" "$work/crashes/$t"
	cp tests/fuzz/corpus/"${t#fuzz_}"/* "$corpus"/
	before=$(ls "$corpus" | wc -l)
	if (cd "$work" && "tests/fuzz/$t-libfuzzer" -max_total_time="$seconds" -artifact_prefix="$work/crashes/$t/" \
		"$corpus" >"$work/$t.log" 2>&1); then
		echo "$t: no crash in ${seconds} s; corpus $before -> $(ls "$corpus" | wc -l) inputs ($corpus)"
	else
		echo "$t: CRASH - the input is in $work/crashes/$t/, the report in $work/$t.log"
		status=1
	fi
done
echo "make fuzz: work dir $work (delete it when done)"
exit $status
