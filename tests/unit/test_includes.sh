#!/bin/bash
# test_includes.sh - the tree's structure, as issue 6 set it (no root, no build):
#   no two files include each other (a.c includes b.h while b.c includes a.h), and
#   every helper/ source that is not a program's main has its own header.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
plan 2

# "a b" for each a.c (or a.h) that includes "b.h", by base name.
edges=$(grep -H '^#include "' helper/*.[ch] pam_module/*.[ch] |
	sed -E 's|^[a-z_]+/([A-Za-z0-9_-]+)\.[ch]:#include "([A-Za-z0-9_-]+)\.h".*|\1 \2|' |
	awk '$1 != $2' | sort -u)
cycles=$(awk '{ e[$1 " " $2] = 1 } END { for (k in e) { split(k, p, " ");
	if ((p[2] " " p[1]) in e && p[1] < p[2]) print p[1] " <-> " p[2] } }' <<<"$edges")
if [ -z "$cycles" ]; then
	ok "no two files include each other"
else
	not_ok "no two files include each other"
	diag "$cycles"
fi

# Programs (their main) need no header of their own; cgroup-v1.c and cgroup-v2.c each
# implement cgroup.h's ops table, and the module's files share pam_warren.h.
missing=
for c in helper/*.c; do
	case $(basename "$c" .c) in main | init | refuse | warrenctl | cgroup-v1 | cgroup-v2) continue ;; esac
	[ -e "${c%.c}.h" ] || missing+=" $c"
done
if [ -z "$missing" ]; then
	ok "every helper source has its own header"
else
	not_ok "every helper source has its own header"
	diag "without one:$missing"
fi
tap_status
