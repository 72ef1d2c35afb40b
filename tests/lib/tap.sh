# tests/lib/tap.sh - tiny TAP producer for warren's shell tests (source it; bash only).
# shellcheck shell=bash
#
#   plan N                  print the plan "1..N"
#   ok DESC / not_ok DESC   one result
#   check DESC CMD...       run CMD (output captured): ok if it exits 0, else not ok + its output
#   check_not DESC CMD...   the opposite: ok if CMD fails
#   skip DESC REASON        "ok N # SKIP REASON"
#   skip_host DESC WHAT     "ok N # SKIP not on this host: WHAT": the host lacks a kernel
#                           feature the check needs, and another lane checks it (name it)
#   skip_all REASON N       plan N, N skips with REASON, exit 0 (a script that cannot run)
#   skip_rest REASON        skip every planned result not yet printed
#   diag TEXT... / diag_file FILE   diagnostics as "# ..." lines (stdout, after the result)
#   tap_status              0 if every result so far passed and the plan was met, else 1
# Results are numbered automatically.  TAP_FAILED counts failures.

TAP_N=0
TAP_PLANNED=0
TAP_FAILED=0

plan() {
	TAP_PLANNED=$1
	echo "1..$1"
}

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

skip() { # skip DESC REASON
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

skip_host() { # skip_host DESC WHAT
	skip "$1" "not on this host: $2"
}

diag() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<<"$*"
}

diag_file() { # diag_file FILE [MAXLINES]: the file's last lines as diagnostics
	[ -s "$1" ] || return 0
	tail -n "${2:-40}" "$1" | sed 's/\r//g; s/^/#   /'
}

check() { # check DESC CMD...: ok when CMD exits 0
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $* (exit $rc)"
		[ -n "$out" ] && diag "$out"
	fi
	return "$rc"
}

check_not() { # check_not DESC CMD...: ok when CMD fails
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag "command unexpectedly succeeded: $*"
	[ -n "$out" ] && diag "$out"
	return 1
}

skip_all() { # skip_all REASON N
	local i
	echo "1..$2"
	for ((i = 1; i <= $2; i++)); do
		echo "ok $i # SKIP $1"
	done
	exit 0
}

skip_rest() { # skip_rest REASON
	while [ "$TAP_N" -lt "$TAP_PLANNED" ]; do
		skip "not run" "$1"
	done
}

tap_status() {
	[ "$TAP_FAILED" -eq 0 ] && [ "$TAP_N" -eq "$TAP_PLANNED" ]
}
