#!/bin/bash
# test_includes.sh - the tree's floor plan (HACKING.md), held by its includes (no root, no
# build).  helper/'s folders are layers, each including only its own and lower ones:
#   0 lib   1 wire   2 policy   3 cgroup, net, storage, fleet (not each other)   4 container
#   5 ctl   6 the programs at the top of helper/
# pam_module/ (inside sshd) includes only wire/ and lib/.  No include cycle, of any
# length, between files; every source that is not a program has its own header.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
plan 5

rank_of() { # rank_of PATH: the layer of a file under helper/ or pam_module/
	case $1 in
	helper/lib/*) echo 0 ;;
	helper/wire/*) echo 1 ;;
	helper/policy/*) echo 2 ;;
	helper/cgroup/* | helper/net/* | helper/storage/* | helper/fleet/*) echo 3 ;;
	helper/container/*) echo 4 ;;
	helper/ctl/*) echo 5 ;;
	helper/*/*) echo unplaced ;;
	helper/*) echo 6 ;;
	pam_module/*) echo pam ;;
	esac
}

# "FILE INCLUDED" for every quoted include, INCLUDED as a path from the tree's top.
includes=$(grep -H '^#include "' helper/*.[ch] helper/*/*.[ch] pam_module/*.[ch] |
	sed -E 's|^([^:]+):#include "([^"]+)".*|\1 \2|' |
	while read -r f inc; do
		if [ -e "helper/$inc" ]; then echo "$f helper/$inc"
		elif [ -e "$(dirname "$f")/$inc" ]; then echo "$f $(dirname "$f")/$inc"
		else echo "$f ?$inc"; fi
	done)

unplaced=$(find helper -mindepth 2 -name '*.[ch]' | while read -r f; do
	[ "$(rank_of "$f")" = unplaced ] && echo "$f"; done)
if [ -z "$unplaced" ] && ! grep -q ' ?' <<<"$includes"; then
	ok "every source is in a folder of the plan, every include names a file of the tree"
else
	not_ok "every source is in a folder of the plan, every include names a file of the tree"
	diag "$unplaced"
	diag "$(grep ' ?' <<<"$includes")"
fi

bad=
while read -r f inc; do
	a=$(rank_of "$f") b=$(rank_of "$inc")
	[ "$(dirname "$f")" = "$(dirname "$inc")" ] && continue
	case $a in
	pam) [ "$b" = 0 ] || [ "$b" = 1 ] || bad+="$f includes $inc (the module: wire/ and lib/ only)"$'\n' ;;
	[0-6]) [[ $b =~ ^[0-6]$ ]] && { [ "$b" -lt "$a" ] || [ "$a" = 6 ]; } ||
		bad+="$f (layer $a) includes $inc (layer $b)"$'\n' ;;
	esac
done <<<"$includes"
if [ -z "$bad" ]; then
	ok "each folder includes only its own and lower layers; the module only wire/ and lib/"
else
	not_ok "each folder includes only its own and lower layers; the module only wire/ and lib/"
	diag "$bad"
fi

# Cycles between files (a.c and a.h are one node): tsort names a loop if there is one.
loops=$(awk '{ a = $1; b = $2; sub(/\.[ch]$/, "", a); sub(/\.[ch]$/, "", b);
	if (a != b) print a, b }' <<<"$includes" | sort -u | tsort 2>&1 >/dev/null)
if [ -z "$loops" ]; then
	ok "no include cycle between files, of any length"
else
	not_ok "no include cycle between files, of any length"
	diag "$loops"
fi
# ... and the check above sees one: a cycle of three.
probe=$(printf 'a b\nb c\nc a\n' | tsort 2>&1 >/dev/null)
check "(tsort reports a cycle of three)" grep -q 'loop' <<<"$probe"

# Programs (at the top of helper/) need no header of their own; cgroup/v1.c and v2.c
# each implement cgroup.h's ops table, and the module's files share pam_warren.h.
missing=
for c in helper/*/*.c; do
	case $c in helper/cgroup/v1.c | helper/cgroup/v2.c) continue ;; esac
	[ -e "${c%.c}.h" ] || missing+=" $c"
done
if [ -z "$missing" ]; then
	ok "every source that is not a program has its own header"
else
	not_ok "every source that is not a program has its own header"
	diag "without one:$missing"
fi
tap_status
