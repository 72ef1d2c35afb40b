#!/bin/bash
# test_layout.sh - one owner for every path under the config's state_dir and under
# /run/warren: helper/lib/layout.c (HACKING.md, "Where things are kept").  No other
# source builds such a path, so that moving the per-user part (her layers, her disk
# image) to other storage changes that one file.  No root, no build.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
plan 3

# The C code of FILES, comments cut, "FILE:LINE:TEXT" a line.
code_of() {
	awk '{
		line = $0
		if (incomment) {
			if ((e = index(line, "*/")) == 0) next
			line = substr(line, e + 2); incomment = 0
		}
		while ((b = index(line, "/*")) > 0) {
			rest = substr(line, b + 2)
			if ((e = index(rest, "*/")) == 0) { line = substr(line, 1, b - 1); incomment = 1; break }
			line = substr(line, 1, b - 1) " " substr(rest, e + 2)
		}
		print FILENAME ":" FNR ":" line
	}' "$@"
}

# What builds a path below RUNTIME_DIR or the state_dir: RUNTIME_DIR or "/run/warren"
# followed by more path, a "%s/users" or "/disks/" of a format, one of those names as
# an argument (mkdir_owned(top, "users", ...)), a disk image's, a migration's or the
# slots' or events' names, the network lock's.
paths='RUNTIME_DIR *"/[A-Za-z.]|"/run/warren[/"]|%s/(users|disks|network|locks)|/(users|disks|network|locks)/|, "(users|disks|network|locks)",|%s\.ext4|"\.ext4"|pre-disk|"slots|events\.log|"\.network"'
builds() { grep -E "$paths"; }

sources=$(find helper pam_module -name '*.[ch]' ! -path helper/lib/layout.c ! -path helper/lib/layout.h | sort)
found=$(code_of $sources | builds)
if [ -z "$found" ]; then
	ok "no source but lib/layout.c builds a path under state_dir or /run/warren"
else
	not_ok "no source but lib/layout.c builds a path under state_dir or /run/warren"
	diag "$found"
fi

# ... and the check sees one: each kind of line it is for, in code; none in a comment.
probe=$(mktemp)
trap 'rm -f "$probe"' EXIT
cat >"$probe" <<'EOF'
	snprintf(path, sizeof(path), RUNTIME_DIR "/users/%s", user);
	d = opendir("/run/warren/locks");
	snprintf(path, sizeof(path), "%s/users/%s", state_dir, user);
	snprintf(path, sizeof(path), "%s/disks/%s.ext4", state_dir, user);
	snprintf(aside, sizeof(aside), ".%s.pre-disk", user);
	fd = openat(dir, "slots.lock", O_RDWR);
	users = mkdir_owned(top, "users", 0700, 0, 0);
	snprintf(path, sizeof(path), "%s/events.log", state_dir);
	return take_lock(".network");
	/* STATE_DIR/users/USER: said in a comment, which is fine */
	x = 1; /* "%s/users" in a trailing comment */
	/* a comment that starts here
	 * and goes on: "/run/warren/users"
	 */
EOF
n=$(code_of "$probe" | builds | wc -l)
check "(the check flags each of 9 lines that build such a path, and no comment)" test "$n" = 9

# The per-user part and the per-host part are told apart in layout.h, each function
# under its heading, so that the move of one does not take the other.
check "layout.h sets the per-user, persistent paths apart from the per-host ones" \
	bash -c 'h=helper/lib/layout.h
		u=$(grep -n "^/\* ---- Per user, persistent" "$h" | cut -d: -f1)
		p=$(grep -n "^/\* ---- Per host, persistent" "$h" | cut -d: -f1)
		[ -n "$u" ] && [ -n "$p" ] && [ "$u" -lt "$p" ] &&
		sed -n "$u,${p}p" "$h" | grep -q layout_user_layers &&
		sed -n "$u,${p}p" "$h" | grep -q layout_disk &&
		! sed -n "$u,${p}p" "$h" | grep -qE "network|events|lock"'
tap_status
