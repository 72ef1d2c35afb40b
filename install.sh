#!/bin/bash
# install.sh - build and install warren on this machine, or take it off again.
#
# Idempotent: every step looks before it acts, so a second run changes nothing.
# Order matters for safety: the module, helper and config are in place before
# /etc/pam.d/sshd names the module, and on --uninstall the PAM lines go before the
# module does (a `session required` line naming a missing module refuses every login).
set -euo pipefail

usage() {
	cat <<'EOF'
usage: sudo ./install.sh [--no-deps] [--no-image] [--no-pam]
       sudo ./install.sh --uninstall [--no-pam]
       ./install.sh --help

Installs warren: Debian packages it needs, `make` and `make install`, /etc/warren/warren.conf
(only if absent), /var/lib/warren, the group `warren`, the default base image
/var/lib/warren/images/default, the two pam_warren lines at the end of /etc/pam.d/sshd
(the original is saved once as /etc/pam.d/sshd.warren-backup), and on a systemd host
/etc/systemd/system/user@.service.d/warren.conf, which starts no systemd user manager
for a jailed user.

make runs here as root: a source tree that anyone but root (or the admin who ran sudo)
owns any part of, or that is writable by group or others, in it or above it, is refused.

  --no-deps     do not apt-get install build and runtime dependencies
  --no-image    do not build the base image (debootstrap, ~1 min, needs the Debian mirror)
  --no-pam      do not touch /etc/pam.d/sshd
  --uninstall   unwire PAM (restore the backup), `make uninstall`; keeps warren.conf and
                /var/lib/warren (user data is never deleted)
  --help        this text

Environment: PREFIX (default /usr), SYSCONFDIR (/etc), LIBEXECDIR ($PREFIX/libexec), MANDIR,
PAMDIR are passed to make (e.g. `sudo PREFIX=/usr/local ./install.sh`); WARREN_MIRROR is
passed to warren-mkimage.
EOF
}

SRCDIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
PREFIX=${PREFIX:-/usr}
SYSCONFDIR=${SYSCONFDIR:-/etc}
LIBEXECDIR=${LIBEXECDIR:-$PREFIX/libexec}
# This script installs onto the running system; a staging DESTDIR makes no sense here.
unset DESTDIR
MAKEVARS=("PREFIX=$PREFIX" "SYSCONFDIR=$SYSCONFDIR" "LIBEXECDIR=$LIBEXECDIR")

CONF=$SYSCONFDIR/warren/warren.conf
STATEDIR=/var/lib/warren
IMAGE_DIR=$STATEDIR/images/default
RUNDIR=/run/warren
GROUP=warren
PAM_FILE=/etc/pam.d/sshd
PAM_BACKUP=/etc/pam.d/sshd.warren-backup
PAM_COMMENT='# warren: keep these two lines last (see pam_warren(8))'
PAM_AUTH='auth optional pam_warren.so'
PAM_SESSION='session required pam_warren.so'
SSHD_CONFIG=/etc/ssh/sshd_config
USER_MANAGER_DROPIN=/etc/systemd/system/user@.service.d/warren.conf
SUBID_COUNT=65536
DEPS=(build-essential pkg-config libpam0g-dev libcap-dev libconfig-dev libseccomp-dev
	libmnl-dev libnftables-dev libcmocka-dev libssl-dev libjson-c-dev openssh-server
	debootstrap uidmap nftables rsync)

# ---------------------------------------------------------------- reporting

STEP=start
TMPFILES=()

step() { # step NAME TEXT - start a step; its NAME is what a failure reports
	STEP=$1
	printf '\n==> %s\n' "$2"
}
say() { printf '    %s\n' "$*"; }
warn() { printf '    WARNING: %s\n' "$*" >&2; }
die() {
	printf 'install.sh: step "%s" failed: %s\n' "$STEP" "$*" >&2
	exit 1
}
on_err() {
	local rc=$?
	# A failing command substitution reports once, in the main shell.
	[ "$BASH_SUBSHELL" -eq 0 ] || exit "$rc"
	printf 'install.sh: step "%s" failed (a command exited %d; see above)\n' "$STEP" "$rc" >&2
	exit "$rc"
}
cleanup() { [ ${#TMPFILES[@]} -eq 0 ] || rm -rf -- "${TMPFILES[@]}"; }
loud() { # loud LINE... - a warning an admin must not scroll past
	{
		echo '    ****************************************************************'
		printf '    ** WARNING: %s\n' "$1"
		shift
		[ $# -eq 0 ] || printf '    **          %s\n' "$@"
		echo '    ****************************************************************'
	} >&2
}

# ---------------------------------------------------------------- PAM editing
#
# One awk program, four modes, over a PAM service file:
#   check  exit 0 iff a pam_warren auth line and session line exist and each comes after
#          every other line of its stack (an @include may hold any stack, so it counts too)
#   wire   print the file with the warren auth/session lines (the admin's own, or ours if
#          none) and our comment moved to the end
#   strip  print the file without any pam_warren line and without our comment
#   has    exit 0 iff any active line names pam_warren.so
# PAM types are case-insensitive, a leading '-' only silences a missing module, '#'
# comments run to the end of the line, and a control may be a bracketed [k=v ...] list.
# shellcheck disable=SC2016 # awk's $0, not the shell's
PAM_AWK='
function parse(line,   l, f, n, i) {
	ptype = ""; pmod = ""
	l = line; sub(/#.*/, "", l)
	n = split(l, f)
	if (n == 0) return
	ptype = tolower(f[1]); sub(/^-/, "", ptype)
	i = 2
	if (substr(f[2], 1, 1) == "[")
		while (i < n && index(f[i], "]") == 0) i++
	i++
	if (i <= n) { pmod = f[i]; sub(/.*\//, "", pmod) }
}
function flush_blanks() { for (; blanks > 0; blanks--) print "" }
function emit(line) {
	if (line ~ /^[ \t]*$/) { blanks++; return }
	flush_blanks(); print line
}
{
	parse($0)
	ours = (pmod == "pam_warren.so")
	if (mode == "has" && ours) { found = 1; exit }
	if (index($0, comment) == 1) next
	if (ours && mode == "strip") next
	if (ours && ptype == "auth") { wa[++nwa] = $0; if (!fwa) fwa = NR; next }
	if (ours && ptype == "session") { ws[++nws] = $0; if (!fws) fws = NR; next }
	if (ptype == "auth" || ptype == "@include") lasta = NR
	if (ptype == "session" || ptype == "@include") lasts = NR
	if (mode == "wire" || mode == "strip") emit($0)
}
END {
	if (mode == "has") exit !found
	if (mode == "check") exit !(fwa && fws && fwa > lasta && fws > lasts)
	if (mode != "wire") exit 0
	if (!nwa) wa[++nwa] = auth
	if (!nws) ws[++nws] = session
	print ""
	print comment
	for (i = 1; i <= nwa; i++) print wa[i]
	for (i = 1; i <= nws; i++) print ws[i]
}'

pam_awk() { # pam_awk MODE FILE
	awk -v mode="$1" -v comment="$PAM_COMMENT" -v auth="$PAM_AUTH" -v session="$PAM_SESSION" \
		"$PAM_AWK" "$2"
}

tmpfile_beside() { # tmpfile_beside VAR FILE - VAR := a new temp file in FILE's directory
	local t # (same filesystem, so the final rename is atomic)
	t=$(mktemp -- "$(dirname -- "$2")/.$(basename -- "$2").warren.XXXXXX")
	TMPFILES+=("$t")
	printf -v "$1" '%s' "$t"
}

replace_atomically() { # replace_atomically NEW FILE - NEW (a tmpfile_beside FILE) becomes FILE
	chown --reference="$2" -- "$1"
	chmod --reference="$2" -- "$1"
	sync -- "$1"
	mv -f -- "$1" "$2"
}

pam_wire() { # pam_wire FILE BACKUP
	local f backup=$2 new
	[ -f "$1" ] || die "$1 does not exist (is openssh-server installed?)"
	f=$(readlink -f -- "$1") # edit the file itself, should it be a symlink
	if pam_awk check "$f"; then
		say "$f: pam_warren lines already last in the auth and session stacks"
		return 0
	fi
	tmpfile_beside new "$f"
	pam_awk wire "$f" >"$new"
	if [ -e "$backup" ]; then
		say "backup $backup already exists; kept as is"
	else
		cp -p -- "$f" "$backup"
		say "saved the original as $backup"
	fi
	replace_atomically "$new" "$f"
	pam_awk check "$f" || die "$f still does not end with the pam_warren lines"
	say "$f: pam_warren is now last in the auth and session stacks"
}

pam_unwire() { # pam_unwire FILE BACKUP
	local f backup=$2 new old
	[ -f "$1" ] || { say "$1 does not exist; nothing to unwire"; return 0; }
	f=$(readlink -f -- "$1")
	if ! pam_awk has "$f"; then
		say "$f names no pam_warren module; left as is"
		[ ! -e "$backup" ] || say "(backup $backup kept)"
		return 0
	fi
	tmpfile_beside new "$f"
	pam_awk strip "$f" >"$new"
	if [ -f "$backup" ] && ! pam_awk has "$backup"; then
		tmpfile_beside old "$f"
		pam_awk strip "$backup" >"$old"
		if cmp -s -- "$new" "$old"; then
			# Nothing but the warren lines changed since install: the backup is exact.
			mv -f -- "$backup" "$f"
			say "restored $f from $backup"
			return 0
		fi
		say "$f was edited since install; removing only the warren lines"
		say "(backup $backup kept for comparison: it lacks your later edits)"
	fi
	replace_atomically "$new" "$f"
	say "removed the pam_warren lines from $f"
}

# Files in /etc/pam.d that still name pam_warren.so (our backup aside).
pam_users_of_module() {
	local f
	for f in /etc/pam.d/*; do
		if [ -f "$f" ] && [ "$f" != "$PAM_BACKUP" ] && pam_awk has "$f"; then
			printf '%s\n' "$f"
		fi
	done
}

# ---------------------------------------------------------------- systemd
#
# pam_systemd (Debian's common-session) has logind start a systemd user manager on the
# host for each user who logs in, jailed ones too: it would run units from her host home,
# outside her container.  A drop-in for user@.service skips it for a jailed user (the
# helper decides, as for her login), so that her login is still a logind session but no
# manager of hers runs; everybody else's starts as before.

systemd_running() { [ -d /run/systemd/system ]; }

user_manager_dropin_text() {
	cat <<EOF
# warren (install.sh; warrenctl doctor looks for it): no systemd user manager on the host
# for a jailed user.  Her logins are still logind sessions (pam_systemd); the manager
# would run units from her host home outside her container.  Exit 3 of check-user means
# "not jailed": only then does the manager start (an error skips it: fail closed).
[Service]
ExecCondition=+/bin/sh -c 'u=\$\$(id -nu "\$\$1") && $LIBEXECDIR/warren/warren-helper check-user "\$\$u"; test \$\$? -eq 3' warren-user-manager %i
EOF
}

install_user_manager_dropin() {
	local new
	if ! systemd_running; then
		say "systemd is not running here: no user manager to hold back"
		return 0
	fi
	if [ -f "$USER_MANAGER_DROPIN" ] && [ "$(cat -- "$USER_MANAGER_DROPIN")" = "$(user_manager_dropin_text)" ]; then
		say "$USER_MANAGER_DROPIN is up to date"
		return 0
	fi
	if [ -e "$USER_MANAGER_DROPIN" ] && [ ! -e "$USER_MANAGER_DROPIN.warren-backup" ]; then
		cp -p -- "$USER_MANAGER_DROPIN" "$USER_MANAGER_DROPIN.warren-backup"
		say "saved the earlier $USER_MANAGER_DROPIN as $USER_MANAGER_DROPIN.warren-backup"
	fi
	install -d -m 0755 -- "$(dirname -- "$USER_MANAGER_DROPIN")"
	tmpfile_beside new "$USER_MANAGER_DROPIN"
	user_manager_dropin_text >"$new"
	chmod 0644 -- "$new"
	mv -f -- "$new" "$USER_MANAGER_DROPIN"
	systemctl daemon-reload
	say "wrote $USER_MANAGER_DROPIN: jailed users get no systemd user manager on the host"
}

uninstall_user_manager_dropin() {
	if [ ! -e "$USER_MANAGER_DROPIN" ]; then
		say "no $USER_MANAGER_DROPIN"
		return 0
	fi
	rm -f -- "$USER_MANAGER_DROPIN"
	rmdir -- "$(dirname -- "$USER_MANAGER_DROPIN")" 2>/dev/null || true
	! systemd_running || systemctl daemon-reload
	say "removed $USER_MANAGER_DROPIN"
}

# ---------------------------------------------------------------- checks

check_kernel() {
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	minor=${minor%%[!0-9]*}
	if [ "${major:-0}" -lt 5 ] || { [ "$major" -eq 5 ] && [ "${minor:-0}" -lt 19 ]; }; then
		loud "kernel $(uname -r) is older than 5.19: warren needs idmapped overlay layers;" \
			"containers will not start (jailed logins are refused)."
	else
		say "kernel $(uname -r): ok (>= 5.19)"
	fi
}

# The effective UsePAM: `sshd -T` if it can run, else the first UsePAM line (sshd keeps the
# first value it reads; Debian's sshd_config includes sshd_config.d/*.conf at its top).
sshd_option() { # sshd_option NAME(lowercase)
	local sshd v f
	sshd=$(command -v sshd || echo /usr/sbin/sshd)
	if [ -x "$sshd" ] && v=$("$sshd" -T -f "$SSHD_CONFIG" 2>/dev/null | awk -v k="$1" '$1 == k && !n++ { print $2 }') &&
		[ -n "$v" ]; then
		printf '%s\n' "$v"
		return 0
	fi
	for f in "$SSHD_CONFIG".d/*.conf "$SSHD_CONFIG"; do
		[ -r "$f" ] || continue
		v=$(awk -v k="$1" 'tolower($1) == "match" { exit } tolower($1) == k { print tolower($2); exit }' "$f")
		if [ -n "$v" ]; then
			printf '%s\n' "$v"
			return 0
		fi
	done
	return 0
}

check_sshd() {
	local usepam service
	if [ ! -f "$SSHD_CONFIG" ]; then
		loud "$SSHD_CONFIG not found: is openssh-server installed? warren works through sshd's PAM."
		return 0
	fi
	usepam=$(sshd_option usepam)
	if [ "$usepam" = yes ]; then
		say "sshd: UsePAM yes"
	else
		loud "sshd does not use PAM (UsePAM ${usepam:-not set, default no})." \
			"pam_warren never runs: jailed users would get a HOST shell." \
			"Set 'UsePAM yes' in $SSHD_CONFIG and reload sshd."
	fi
	# internal-sftp runs inside sshd's own process, executing nothing: for a session
	# whose post-auth child never joined its container (a missing or bypassed auth
	# line), it would serve the host's files, where every other way in is guarded.
	local f where=
	for f in "$SSHD_CONFIG" "$SSHD_CONFIG".d/*.conf; do
		[ -r "$f" ] || continue
		where+=$(awk -v f="$f" '!/^[[:space:]]*#/ && tolower($0) ~ /internal-sftp/ { printf " %s:%d", f, NR }' "$f")
	done
	if [ -n "$where" ]; then
		loud "sshd serves internal-sftp (at$where)." \
			"It runs inside sshd and is contained only while pam_warren's auth line runs;" \
			"use 'Subsystem sftp /usr/lib/openssh/sftp-server' (Debian's default) instead."
	else
		say "sshd: no internal-sftp"
	fi
	service=$(sshd_option pamservicename)
	if [ -n "$service" ] && [ "$service" != sshd ]; then
		loud "sshd uses PAM service '$service' (PAMServiceName): wire pam_warren into" \
			"/etc/pam.d/$service as well; install.sh only edits $PAM_FILE."
	fi
}

# Members of group warren: listed members and users whose primary group it is.
warren_members() {
	local entry gid
	entry=$(getent group "$GROUP") || return 0
	gid=$(cut -d: -f3 <<<"$entry")
	{
		cut -d: -f4 <<<"$entry" | tr ',' '\n'
		getent passwd | awk -F: -v g="$gid" '$4 == g { print $1 }'
	} | sed '/^$/d' | sort -u
}

has_subid_range() { # has_subid_range FILE USER UID - an entry of >= SUBID_COUNT ids?
	[ -r "$1" ] || return 1
	awk -F: -v u="$2" -v id="$3" -v n="$SUBID_COUNT" \
		'($1 == u || $1 == id) && $3 + 0 >= n { ok = 1 } END { exit !ok }' "$1"
}

next_free_subid() { # first id past every range in /etc/subuid and /etc/subgid (>= 100000)
	cat /etc/subuid /etc/subgid 2>/dev/null |
		awk -F: 'BEGIN { m = 100000 } NF >= 3 && $2 + $3 > m { m = $2 + $3 } END { print m }'
}

check_subids() {
	local user uid start missing=0 members=0
	start=$(next_free_subid)
	while read -r user; do
		[ -n "$user" ] || continue
		uid=$(id -u -- "$user" 2>/dev/null) || continue
		[ "$uid" != 0 ] || continue # root is never jailed
		members=$((members + 1))
		if has_subid_range /etc/subuid "$user" "$uid" && has_subid_range /etc/subgid "$user" "$uid"; then
			continue
		fi
		warn "$user is in group $GROUP but has no range of $SUBID_COUNT ids in /etc/subuid" \
			"and /etc/subgid: their logins will be refused. Fix:"
		printf '        usermod --add-subuids %s --add-subgids %s %s\n' \
			"$start-$((start + SUBID_COUNT - 1))" "$start-$((start + SUBID_COUNT - 1))" "$user" >&2
		start=$((start + SUBID_COUNT))
		missing=$((missing + 1))
	done < <(warren_members)
	if [ "$members" -eq 0 ]; then
		say "group $GROUP has no members yet"
	elif [ "$missing" -eq 0 ]; then
		say "all $members members of group $GROUP have subordinate uid and gid ranges"
	fi
}

# ---------------------------------------------------------------- install steps

install_deps() {
	local p missing=()
	if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
		die "no dpkg/apt-get: install the dependencies yourself (${DEPS[*]}) and use --no-deps"
	fi
	# Where the kernel runs AppArmor every container gets a profile, loaded with its
	# parser (warren.conf(5) apparmor): without it such logins are refused.
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		DEPS+=(apparmor)
	fi
	for p in "${DEPS[@]}"; do
		[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "all installed: ${DEPS[*]}"
		return 0
	fi
	say "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

# make runs in the source tree as root: whoever can write it (a file, a directory, or a
# directory above, which can swap the tree for another) runs code as root.  Root and the
# admin who ran sudo (SUDO_UID: she can run anything as root already) may own it; nobody
# else may, and nothing in it or above it may be writable by group or others (above it,
# a sticky directory of root's such as /tmp is fine: others cannot rename in it).
source_tree_problem() { # prints the first path that others can write, and why
	local owners=(0) uid_test=(! -uid 0) d st u m
	if [[ ${SUDO_UID:-} =~ ^[0-9]+$ ]]; then
		owners+=("$SUDO_UID")
		uid_test+=(! -uid "$SUDO_UID")
	fi
	find "$SRCDIR" \( -type d -o -type f \) \( \( "${uid_test[@]}" \) -o -perm /022 \) \
		-printf '%p (owner uid %U, mode %m)\n' -quit
	d=$(dirname -- "$SRCDIR")
	while :; do
		st=$(stat -L -c '%u %a' -- "$d") || { echo "$d (cannot inspect it)"; return; }
		u=${st% *} m=$((8#${st#* }))
		if [[ " ${owners[*]} " != *" $u "* ]] || { ((m & 8#022)) && ! ((m & 8#1000 && u == 0)); }; then
			printf '%s (owner uid %s, mode %o: a directory above the tree)\n' "$d" "$u" "$m"
			return
		fi
		[ "$d" = / ] && return
		d=$(dirname -- "$d")
	done
}

check_source_tree() {
	local bad
	bad=$(source_tree_problem | head -n 1)
	[ -z "$bad" ] && return 0
	echo "install.sh: others than root can write the source tree $SRCDIR, and make runs there as" \
		"root: $bad; fix: chown -R root:root $SRCDIR && chmod -R go-w $SRCDIR (and the" \
		"directories above it), or clone it again as root into a directory only root can write" >&2
	exit 1
}

check_build_tools() {
	local t
	for t in make cc pkg-config; do
		command -v "$t" >/dev/null || die "$t not found (install build-essential pkg-config, or drop --no-deps)"
	done
}

check_pkgconfig_pam() {
	[ -n "${PAMDIR:-}" ] && return 0
	[ -n "$(pkg-config --variable=libdir pam 2>/dev/null)" ] ||
		die "pkg-config cannot find pam (install libpam0g-dev, or set PAMDIR)"
}

# `make install` into a staging dir, then compare with the live files: only install when
# something differs, so a second run leaves every installed file (and its mtime) alone.
install_files() {
	local stage f rel
	stage=$(mktemp -d)
	TMPFILES+=("$stage")
	make -s -C "$SRCDIR" "${MAKEVARS[@]}" DESTDIR="$stage" install >/dev/null
	while IFS= read -r -d '' f; do
		rel=${f#"$stage"}
		if [ ! -f "$rel" ] || ! cmp -s -- "$f" "$rel" ||
			[ "$(stat -c %a -- "$f")" != "$(stat -c %a -- "$rel")" ]; then
			say "installing (at least $rel differs)"
			make -C "$SRCDIR" "${MAKEVARS[@]}" install
			return 0
		fi
	done < <(find "$stage" -type f -print0)
	say "installed files are up to date"
}

install_config() {
	local src=$SRCDIR/conf/warren.conf owner mode
	if [ -e "$CONF" ] || [ -L "$CONF" ]; then
		say "$CONF exists; not touched (the new default is $CONF.example)"
		[ -e "$CONF" ] || die "$CONF is a dangling symlink"
		read -r owner mode < <(stat -L -c '%u %a' -- "$CONF")
		if [ "$owner" != 0 ] || (( 8#$mode & 8#022 )); then
			loud "$CONF is not root-owned or is group/other-writable (owner uid $owner, mode $mode):" \
				"warren refuses such a config, so jailed logins will be refused." \
				"Fix: chown root:root $CONF; chmod 0644 $CONF"
		fi
		return 0
	fi
	[ -f "$src" ] || die "$src is missing from the source tree"
	install -d -m 0755 -o root -g root -- "$(dirname -- "$CONF")"
	install -m 0644 -o root -g root -- "$src" "$CONF"
	say "wrote $CONF (root:root 0644)"
}

ensure_dir() { # ensure_dir DIR MODE - root-owned DIR with MODE
	local dir=$1 mode=$2 cur
	if [ ! -d "$dir" ]; then
		[ ! -e "$dir" ] || die "$dir exists and is not a directory"
		install -d -m "$mode" -o root -g root -- "$dir"
		say "created $dir ($mode)"
		return 0
	fi
	cur=$(stat -L -c '%u:%g %a' -- "$dir")
	if [ "$cur" != "0:0 ${mode#0}" ]; then
		chown root:root -- "$dir"
		chmod "$mode" -- "$dir"
		say "fixed $dir: was $cur, now root:root $mode"
	else
		say "$dir ok"
	fi
}

install_group() {
	if getent group "$GROUP" >/dev/null; then
		say "group $GROUP exists"
	else
		groupadd --system "$GROUP"
		say "created system group $GROUP"
	fi
}

install_image() {
	local mk=$LIBEXECDIR/warren/warren-mkimage
	if [ -d "$IMAGE_DIR" ]; then
		say "$IMAGE_DIR exists; not rebuilt (remove it and rerun to rebuild)"
		return 0
	fi
	[ -x "$mk" ] || die "$mk is not installed"
	say "building with debootstrap (about 1-2 minutes, ~200 MB, needs the Debian mirror)"
	"$mk" "$IMAGE_DIR"
}

print_hints() {
	local start
	start=$(next_free_subid)
	cat <<EOF

Done. To jail a user (their next SSH login lands in their own container):
    usermod -aG $GROUP USER
    usermod --add-subuids START-END --add-subgids START-END USER    ($SUBID_COUNT ids each)
e.g. the next free range here: --add-subuids $start-$((start + SUBID_COUNT - 1)) --add-subgids $start-$((start + SUBID_COUNT - 1))
Configuration: $CONF (see warren.conf(5)); no sshd restart is needed.
EOF
}

do_install() {
	step preflight "Checking the machine"
	check_kernel

	if [ "$OPT_DEPS" = 1 ]; then
		step deps "Installing build and runtime dependencies"
		install_deps
	fi

	step build "Building (make)"
	check_build_tools
	check_pkgconfig_pam
	make -C "$SRCDIR" "${MAKEVARS[@]}"

	step install "Installing (make install, PREFIX=$PREFIX)"
	install_files

	step config "Configuration $CONF"
	install_config

	step state "State directories under $STATEDIR"
	ensure_dir "$STATEDIR" 0755
	ensure_dir "$STATEDIR/images" 0755
	ensure_dir "$STATEDIR/users" 0700

	step group "System group $GROUP"
	install_group

	step image "Base image $IMAGE_DIR"
	if [ "$OPT_IMAGE" = 1 ]; then
		install_image
	elif [ -d "$IMAGE_DIR" ]; then
		say "--no-image: skipped ($IMAGE_DIR exists)"
	else
		warn "--no-image: $IMAGE_DIR does not exist; jailed logins are refused until it does"
	fi

	step pam "PAM wiring of $PAM_FILE"
	if [ "$OPT_PAM" = 1 ]; then
		pam_wire "$PAM_FILE" "$PAM_BACKUP"
	else
		say "--no-pam: skipped; $PAM_FILE must end with:"
		say "  $PAM_AUTH"
		say "  $PAM_SESSION"
	fi

	step systemd "systemd user managers of jailed users"
	install_user_manager_dropin

	step sshd "Checking sshd"
	check_sshd

	step subids "Subordinate ids of the members of group $GROUP"
	check_subids

	print_hints
}

do_uninstall() {
	local users left
	step pam "Unwiring PAM"
	if [ "$OPT_PAM" = 1 ]; then
		pam_unwire "$PAM_FILE" "$PAM_BACKUP"
	else
		say "--no-pam: $PAM_FILE not touched"
	fi
	# Removing the module while a PAM file still names it refuses every login of that service.
	users=$(pam_users_of_module)
	[ -z "$users" ] || die "still naming pam_warren.so: $(echo "$users" | tr '\n' ' ')- remove those lines first;" \
		"the module stays installed so logins keep working"

	step systemd "systemd user managers"
	uninstall_user_manager_dropin

	step uninstall "Removing installed files (make uninstall)"
	check_pkgconfig_pam
	make -C "$SRCDIR" "${MAKEVARS[@]}" uninstall

	step left "What was left in place"
	left=0
	if [ -e "$CONF" ]; then say "$CONF (your configuration)"; left=1; fi
	local good
	good="$(dirname "$CONF")/.$(basename "$CONF").last-good"
	if [ -e "$good" ]; then say "$good (the last version of it that loaded cleanly)"; left=1; fi
	if [ -e "$STATEDIR" ]; then
		say "$STATEDIR (base images and every user's files: user data is never deleted by uninstall)"
		left=1
	fi
	if [ -e "$PAM_BACKUP" ]; then say "$PAM_BACKUP"; left=1; fi
	if getent group "$GROUP" >/dev/null; then say "group $GROUP"; left=1; fi
	if [ -d "$RUNDIR" ]; then
		say "$RUNDIR: containers still running stop by themselves after idle_timeout"
		left=1
	fi
	if [ "$left" = 1 ]; then
		say "Remove them by hand if you want them gone (rm -r $STATEDIR deletes all user data)."
	else
		say "nothing"
	fi
}

main() {
	local mode=install
	OPT_DEPS=1 OPT_IMAGE=1 OPT_PAM=1
	while [ $# -gt 0 ]; do
		case $1 in
		--no-deps) OPT_DEPS=0 ;;
		--no-image) OPT_IMAGE=0 ;;
		--no-pam) OPT_PAM=0 ;;
		--uninstall) mode=uninstall ;;
		-h | --help) usage; exit 0 ;;
		*) usage >&2; exit 2 ;;
		esac
		shift
	done
	[ "$(id -u)" = 0 ] || { echo "install.sh: must be run as root (sudo ./install.sh)" >&2; exit 1; }
	[ -f "$SRCDIR/Makefile" ] || { echo "install.sh: no Makefile in $SRCDIR" >&2; exit 1; }
	check_source_tree
	umask 022
	set -E
	trap on_err ERR
	trap cleanup EXIT
	"do_$mode"
}

# Sourcing (tests) defines the functions without running anything.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main "$@"
fi
