#!/bin/bash
# tests/sanitizers.sh - warren built with AddressSanitizer and UndefinedBehaviorSanitizer
# in a copy of the tree, and run under them: the unit tests, the fuzz corpus replayed
# through every parser (tests/fuzz), and the helper and warrenctl on real configs.  Any
# memory error, leak or undefined behaviour fails.  warren-init is not built: it is a
# static binary, which ASan cannot make.  Part of `make test` (and so of CI).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
REPO=$(pwd)
units=$(ls tests/unit/test_*.c | sed 's/\.c$//')
plan $(($(wc -w <<<"$units") + 5))

copy=$(mktemp -d /tmp/warren-sanitize.XXXXXX)
# WARREN_KEEP_SANITIZE=1 keeps the copy, to look at.
trap '[ -n "${WARREN_KEEP_SANITIZE:-}" ] || rm -rf "$copy"' EXIT
# The sources alone: the normal build's objects and binaries would look up to date.
find Makefile helper pam_module tests conf -type f \( -name '*.[ch]' -o -name '*.sh' -o \
	-name '*.map' -o -name Makefile -o -path 'tests/fuzz/corpus/*' -o -path 'conf/*' \) |
	tar cf - -T - | tar xf - -C "$copy"
san='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
export LSAN_OPTIONS=suppressions=$REPO/tests/fuzz/lsan.supp:print_suppressions=0
if ! make -C "$copy" -s CFLAGS="-O1 -g $san" LDFLAGS="$san" warren-helper warrenctl pam_warren.so \
	$units tests/fuzz/fuzz_config-replay tests/fuzz/fuzz_hostfiles-replay >"$copy/build.log" 2>&1; then
	not_ok "the sanitizer build"
	diag "$(tail -n 20 "$copy/build.log")"
	skip_rest "no sanitizer build"
	exit 1
fi
ok "the sanitizer build (ASan + UBSan)"

# clean CMD...: CMD ran to its end under the sanitizers (its own exit status aside).
clean() {
	local out
	out=$("$@" 2>&1)
	if [ $? -eq 99 ] || grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' <<<"$out"; then
		grep -E -A12 'ERROR:|runtime error:' <<<"$out" | head -n 30
		return 1
	fi
}

for t in $units; do
	out=$(cd "$copy" && CMOCKA_MESSAGE_OUTPUT=TAP "./$t" 2>&1)
	rc=$?
	check "$(basename "$t") passes under the sanitizers" test "$rc" -eq 0 || diag "$(tail -n 15 <<<"$out")"
done

check "the fuzz corpus through the config loader" clean "$copy/tests/fuzz/fuzz_config-replay" tests/fuzz/corpus/config/*
check "the fuzz corpus through every host-file parser" \
	clean "$copy/tests/fuzz/fuzz_hostfiles-replay" tests/fuzz/corpus/hostfiles/*

# The config corpus as real files (root's, 0644, as the loader insists) through warrenctl,
# and the helper's own start (sanitizing itself, the policy) for root and for nobody.
if [ "$(id -u)" -eq 0 ]; then
	bad=
	for f in tests/fuzz/corpus/config/*; do
		install -m 0644 "$f" "$copy/warren.conf"
		clean "$copy/warrenctl" check-config --config "$copy/warren.conf" || bad+=" check-config:$f"
		clean "$copy/warrenctl" explain nobody --config "$copy/warren.conf" || bad+=" explain:$f"
	done
	check "warrenctl check-config and explain on each config of the corpus" test -z "$bad" || diag "$bad"
	install -m 0644 conf/warren.conf "$copy/warren.conf"
	check "warren-helper check-user (root, nobody) on the shipped config" \
		bash -c "$(declare -f clean); clean '$copy/warren-helper' --config '$copy/warren.conf' check-user root &&
			clean '$copy/warren-helper' --config '$copy/warren.conf' check-user nobody"
else
	skip "warrenctl on the config corpus" "needs root (the loader wants root's files)"
	skip "warren-helper check-user" "needs root (the helper refuses to run otherwise)"
fi
