# tests/lib/mutants.sh - how tests/mutants/run.sh reads a mutant and judges its run (source
# it; bash).  Kept apart so that tests/unit/test_mutants.sh proves the judging without root.
# shellcheck shell=bash
#
# A mutant's header, before its diff (git apply ignores text before the first "diff --git"
# or "--- " line), names the checks that must catch it, one or more lines:
#     # kills: tests/e2e/76-sessions.sh: max_sessions = 2, three logins at once
# FILE is a test as tests/run.sh names it (a unit test binary with or without its ".c"),
# then ": ", then the start of that check's TAP description.  Other "#" lines are comments.
#
#   mutant_kills PATCH          its named checks, "FILE<TAB>DESC" a line; 1 if it names none
#   mutant_files KILLS          the files those name that `make check` does not run anyway
#   tap_results <LOG            tests/run.sh output as "STATUS<TAB>FILE<TAB>DESC" lines,
#                               STATUS ok, fail or skip (a runner line such as "not ok -
#                               FILE: stopped after 420 s" is a fail of FILE too)
#   check_status RESULTS FILE DESC   fail, ok, skip or none: how the check(s) of FILE whose
#                               description starts with DESC came out in RESULTS
#   mutant_precheck KILLS BASE  before running a mutant, against the unchanged tree's results:
#                               prints "broken: ..." (a named check the suite does not have)
#                               or "undecided: ..." (none of them passes there), or nothing
#   mutant_verdict KILLS BASE MUT   prints "killed|survived|missed|undecided: DETAIL":
#       killed     a named check that passed on the unchanged tree fails on the mutant
#       missed     new failures, but none is a named check (the header is wrong, or flakes)
#       survived   every named check that could run passed: a test is missing
#       undecided  a named check was skipped or never reached, and nothing new failed
# A failure of the unchanged tree is never a kill: only failures new to the mutant count.

mutant_kills() { # PATCH
	awk '/^diff --git |^--- / { exit }
	     sub(/^# *kills: */, "") {
		i = index($0, ": ")
		if (i < 2) next
		f = substr($0, 1, i - 1); d = substr($0, i + 2)
		if (f ~ /^tests\/unit\/test_.*\.c$/) sub(/\.c$/, "", f)
		print f "\t" d; n++ }
	     END { exit n ? 0 : 1 }' "$1"
}

mutant_files() { # KILLS
	cut -f1 "$1" | grep -v '^tests/unit/' | sort -u
}

tap_results() {
	awk '{ sub(/\r$/, "") }
	     /^# --- / { file = substr($0, 7); next }
	     /^(not )?ok( |$)/ {
		st = ($0 ~ /^not /) ? "fail" : "ok"; d = $0
		sub(/^(not )?ok/, "", d); sub(/^ [0-9]+/, "", d); sub(/^ -( |$)/, "", d); sub(/^ +/, "", d)
		if (match(d, /# *[Ss][Kk][Ii][Pp]/)) { st = "skip"; d = substr(d, 1, RSTART - 1) }
		sub(/ +$/, "", d)
		print st "\t" file "\t" d }'
}

check_status() { # RESULTS FILE DESC
	awk -F'\t' -v f="$2" -v d="$3" '
		$2 == f && index($3, d) == 1 { seen[$1] = 1 }
		END { print seen["fail"] ? "fail" : seen["ok"] ? "ok" : seen["skip"] ? "skip" : "none" }' "$1"
}

mutant_precheck() { # KILLS BASE
	local file desc st usable=0 why=
	while IFS=$'\t' read -r file desc; do
		st=$(check_status "$2" "$file" "$desc")
		case $st in
		none) echo "broken: the unchanged tree has no check \"$file: $desc\" (header out of date?)"
			return ;;
		ok) usable=1 ;;
		skip) why="${why:+$why; }\"$file: $desc\" is skipped here" ;;
		fail) why="${why:+$why; }\"$file: $desc\" fails without the mutant too" ;;
		esac
	done <"$1"
	[ "$usable" -eq 1 ] || echo "undecided: $why"
}

mutant_verdict() { # KILLS BASE MUT
	local file desc st line killers='' new
	while IFS=$'\t' read -r file desc; do
		[ "$(check_status "$2" "$file" "$desc")" = ok ] || continue
		if [ "$(check_status "$3" "$file" "$desc")" = fail ]; then
			line=$(awk -F'\t' -v f="$file" -v d="$desc" \
				'$1 == "fail" && $2 == f && index($3, d) == 1 { print $2 ": " $3; exit }' "$3")
			killers="${killers:+$killers | }$line"
		fi
	done <"$1"
	if [ -n "$killers" ]; then
		echo "killed: by $killers"
		return
	fi
	# Failures of the mutant that the unchanged tree does not have, by file and description.
	new=$(awk -F'\t' 'NR == FNR { if ($1 == "fail") base[$2 "\t" $3] = 1; next }
		$1 == "fail" && !(($2 "\t" $3) in base) { print $2 ": " $3 }' "$2" "$3")
	if [ -n "$new" ]; then
		echo "missed: none of its checks failed, but these did: $(head -n 3 <<<"$new" | cut -c1-150 | paste -sd'|')"
		return
	fi
	while IFS=$'\t' read -r file desc; do
		[ "$(check_status "$2" "$file" "$desc")" = ok ] || continue
		st=$(check_status "$3" "$file" "$desc")
		if [ "$st" != ok ]; then
			echo "undecided: \"$file: $desc\" did not run on the mutant ($st)"
			return
		fi
	done <"$1"
	echo "survived: its checks pass with the bug in (a test is missing)"
}
