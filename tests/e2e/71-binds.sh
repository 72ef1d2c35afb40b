#!/bin/bash
# 71-binds.sh - host data inside the container (issue 20), through real SSH logins: a
# read-only dataset that root inside cannot make writable, a group's shared project
# directory, hand-in directories made per user with %u, a user's own host home (and the
# refusal where a systemd user manager would run what she writes there; her home a FUSE
# mount root may not read), a symbolic-link attack through a directory she may write, a
# missing source skipped or (required) refusing the login, nosuid/nodev/noexec, the more
# specific entry winning a path, and check-config's refusals, each with file:line and fix.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

# wtc's host home becomes a FUSE mount that root may not read (4), so sshd finds the keys
# beside the homes too, in a directory of root's that the users may read.
KEYS=/run/warren-test-keys-$$
FIXTURE_SSHD_EXTRA="AuthorizedKeysFile .ssh/authorized_keys $KEYS/%u"
FUSE_PID=
cleanup_binds() {
	if [ -n "$FUSE_PID" ] && pid_alive "$SSHD_PID"; then
		nsenter --mount="/proc/$SSHD_PID/ns/mnt" umount -l "$(getent passwd wtc | cut -d: -f6)" 2>/dev/null
	fi
	[ -n "$FUSE_PID" ] && pid_alive "$FUSE_PID" && kill "$FUSE_PID"
	FUSE_PID=
	rm -rf "$KEYS"
}
trap 'cleanup_binds; fixture_finish' EXIT

fixture_start 36

mkdir -m 0755 "$KEYS"
for u in "${TEST_USERS[@]}"; do install -m 0644 "$T/keys/$u.pub" "$KEYS/$u"; done
ctl() { in_ns "$REPO/warrenctl" --config "$CONF" "$@"; }
init_of() { cut -d" " -f1 "/run/warren/users/$1/state" 2>/dev/null; }

# The host's directories, as an admin makes them.  wta and wtb share a project (wtga);
# wta may also write the directory that holds everybody's "mine" (wtgb): the attacker.
# wtc is jailed here too (the fixture leaves her out of the jail group), in neither group.
groupadd wtga && groupadd wtgb && usermod -aG wtga,wtgb wta && usermod -aG wtga wtb &&
	usermod -aG "$JAIL_GROUP" wtc || diag "cannot make the groups"
SRC=$T/src
chmod 0755 "$T"
mkdir -m 0755 "$SRC" "$SRC/wta-data" "$SRC/handin" "$SRC/admin"
mkdir -m 0777 "$SRC/dataset" # writable by all: only the read-only bind keeps it so
mkdir -m 1777 "$SRC/scratch"
install -d -m 2770 -g wtga "$SRC/project"
install -d -m 0770 -g wtgb "$SRC/share"
echo dataset-readme >"$SRC/dataset/readme" && chmod 0666 "$SRC/dataset/readme"
echo wta-data >"$SRC/wta-data/which"
echo "$SRC/dataset" >"$SRC/dataset/which"
ln -s "$SRC/dataset" "$SRC/admin/data" # an admin's link: root's, in a directory of root's
binds_config() { # binds_config [MISSING-BIND-EXTRA [WTC-EXTRA]]
	write_config "$(default_config | sed '/^defaults/d')
defaults = { idle_timeout = 3; disk = \"max\"; network = \"none\";
  binds = ( { from = \"$SRC/dataset\"; to = \"/data\"; },
            { from = \"$SRC/scratch\"; to = \"/scratch\"; write = true; exec = false; },
            { from = \"$SRC/missing\"; to = \"/missing\"; ${1:-} } ); };
groups = (
  { name = \"wtga\"; root = true; binds = ( { from = \"$SRC/project\"; to = \"/project\"; write = true; } ); },
  { name = \"wtgb\"; binds = ( { from = \"$SRC/share\"; to = \"/share\"; write = true; } ); },
  { name = \"$JAIL_GROUP\"; binds = (
      { from = \"$SRC/handin/%u\"; to = \"/handin\"; write = true; create = \"0700\"; },
      { from = \"$SRC/share/%u\"; to = \"/mine\"; write = true; create = \"0700\"; },
      { from = \"$SRC/admin/data\"; to = \"/via-admin\"; } ); }
);
users = ( { name = \"wta\"; binds = ( { from = \"$SRC/wta-data\"; to = \"/data\"; } ); },
          { name = \"wtc\"; ${2:-} } );"
}
binds_config

# 5 first, before wtb's first login: wta, through her own bind of the directory that
# holds wtb's "mine", puts a link to /etc where wtb's directory is to be made.
log_mark
out=$(tssh wta -- 'ln -s /etc /share/wtb && ls -ld /share/wtb' 2>&1)
diag "wta: $out"
out=$(tssh wtb -- 'cat /mine/hostname 2>&1; echo @@; ls -A /mine 2>&1 | head -n 3; echo @@; cat /via-admin/readme' 2>&1)
check "5. a link another user put where wtb's bind source is: her login goes on, and her /mine is not the host's /etc" \
	bash -c '[ "$1" != "$3" ] && ! grep -q "^passwd$" <<<"$2"' - "$(section "$out" 1)" "$(section "$out" 2)" "$(cat /etc/hostname)" ||
	diag "$out"
log=$(ctl log wtb 2>&1)
check "5. the bind was refused and logged: a symbolic link not root's, not followed" \
	bash -c 'grep -F " bind-skipped /mine " <<<"$1" | grep -q "is a symbolic link of uid $2, not root" &&
		grep -q "bind of .* at /mine .* skipped for wtb: .* is a symbolic link of uid" "$3"' - "$log" "$(id -u wta)" "$T/syslog" ||
	{ diag "$log"; diag "$(grep -i bind "$T/syslog" | tail -n 5)"; }
check "5. an admin's root-owned link on the way of a source is followed" test "$(section "$out" 3)" = dataset-readme
check "5. and the link is still a link, to /etc; wtb was given nothing of the host's /etc" \
	bash -c '[ "$(readlink "$1/share/wtb")" = /etc ] && [ "$(stat -c %U /etc)" = root ]' - "$SRC"

# 1. A read-only bind: readable; writes fail with EROFS, for root inside too.
out=$(tssh wtb -- 'cat /data/readme; echo @@; touch /data/new 2>&1; echo @@
	sudo -n mount -o remount,rw,bind /data 2>&1 || echo remount-refused; echo @@
	sudo -n touch /data/new 2>&1' 2>&1)
check "1. a read-only bind is readable" test "$(section "$out" 1)" = dataset-readme
check "1. a write there fails with EROFS (the host directory is writable by all)" \
	bash -c 'grep -q "Read-only file system" <<<"$1" && [ ! -e "$2/dataset/new" ]' - "$(section "$out" 2)" "$SRC" ||
	diag "$out"
check "1. root inside (root = true) cannot make it writable, nor write it" \
	bash -c 'grep -q remount-refused <<<"$1" && grep -q "Read-only file system" <<<"$2" && [ ! -e "$3/dataset/new" ]' \
	- "$(section "$out" 3)" "$(section "$out" 4)" "$SRC" || diag "$out"
# Root of her user namespace, with every capability there and no syscall filter: the
# kernel locked the flag when her mount namespace was made.
tssh wtb -- 'sleep 20' >/dev/null 2>&1 &
hold=$!
for i in $(seq 50); do [ -n "$(init_of wtb)" ] && break; sleep 0.1; done
out=$(nsenter -t "$(init_of wtb)" -U -m sh -c \
	'mount -o remount,bind,rw /data 2>&1; touch /data/new 2>&1; mount -o remount,bind,nosuid,nodev,noexec,ro /data && echo same-flags' 2>&1)
check "1. and neither can a process with every capability of her user namespace: the read-only flag is locked" \
	bash -c '! [ -e "$2/dataset/new" ] && grep -q "Read-only file system" <<<"$1"' - "$out" "$SRC" || diag "$out"

# 2. A shared group directory (setgid, group wtga): wta writes, wtb reads and appends.
out=$(tssh wta -- 'umask 007; echo from-wta >/project/f && stat -c "%G %a" /project/f' 2>&1)
diag "wta: $out"
out=$(tssh wtb -- 'cat /project/f; echo from-wtb >>/project/f && echo appended; echo @@; ls -l /project/f; echo @@; id -Gn' 2>&1)
check "2. wtb (same group) reads wta's file and appends to it" \
	bash -c '[ "$(tr "\n" " " <<<"$1")" = "from-wta appended " ] && [ "$(tr "\n" " " <"$2/project/f")" = "from-wta from-wtb " ]' \
	- "$(section "$out" 1)" "$SRC" || diag "$out"
check "2. ls -l shows the group's name" test "$(section "$out" 2 | awk '{ print $4 }')" = wtga || diag "$out"
check "2. the new file took the setgid directory's group, on the host too" \
	bash -c '[ "$(stat -c %G "$1/project/f")" = wtga ] && [ "$(stat -c %U "$1/project/f")" = wta ]' - "$SRC"
out=$(tssh wtc -- 'test -e /project && echo has-project; id -Gn' 2>&1)
check "2. wtc, not in the group, has no such directory" bash -c '! grep -q has-project <<<"$1"' - "$out" || diag "$out"

# 3. %u with create: made on the host with her uid, gid and mode; what she writes is hers.
tssh wtb -- 'echo wtb-homework >/handin/hw-wtb.txt' >/dev/null 2>&1
out=$(tssh wta -- 'echo wta-homework >/handin/hw.txt; ls -A /handin' 2>&1)
check "3. her hand-in directory was made on the host: her uid, her primary gid, mode 0700" \
	test "$(stat -c '%U %G %a' "$SRC/handin/wta")" = "wta $(id -gn wta) 700"
check "3. what she writes there is hers on the host" test "$(stat -c %U "$SRC/handin/wta/hw.txt" 2>&1)" = wta
check "3. another student's hand-in is not visible to her" \
	bash -c '[ "$1" = hw.txt ] && [ -f "$2/handin/wtb/hw-wtb.txt" ]' - "$out" "$SRC" || diag "$out"

# 7. Every bind nosuid and nodev; exec = false is noexec.
out=$(tssh wta -- 'awk "\$5 ~ /^\/(data|scratch|project|share|handin|mine|via-admin)\$/ { print \$5, \$6 }" /proc/self/mountinfo | sort; echo @@
	cp /bin/true /scratch/t-$$ && /scratch/t-$$ 2>&1; echo "rc=$?"; rm -f /scratch/t-$$' 2>&1)
binds=$(section "$out" 1)
check "7. every bind is nosuid,nodev in mountinfo (7 binds of wta's)" \
	bash -c '[ "$(wc -l <<<"$1")" = 7 ] && ! grep -v "nosuid,nodev" <<<"$1"' - "$binds" || diag "$binds"
check "7. exec = false is noexec: a program there cannot be run" \
	bash -c 'grep -q "^/scratch [^ ]*noexec" <<<"$1" && grep -q "Permission denied" <<<"$2" &&
		! grep -q "^/data [^ ]*noexec" <<<"$1"' - "$binds" "$(section "$out" 2)" || diag "$out"

# 8. The same to from the defaults and from wta's users entry: hers wins; explain shows both.
out=$(tssh wta -- 'cat /data/which' 2>&1)
check "8. the users entry's /data wins over the defaults'" test "$out" = wta-data
out=$(ctl explain wta 2>&1)
check "8. explain shows both, the defaults' one shadowed" \
	bash -c 'grep -q "^bind  *\/data from $2\/wta-data, read-only (user wta, line [0-9]*)$" <<<"$1" &&
		grep -q "^bind  *\/data from $2\/dataset, read-only (defaults, line [0-9]*): shadowed by user wta$" <<<"$1"' \
	- "$out" "$SRC" || diag "$out"
out=$(ctl show wta 2>&1)
check "warrenctl show lists the binds in place" \
	bash -c 'grep -q "^  /data  *$2/wta-data  *ro,nosuid,nodev" <<<"$1" && grep -q "^  /scratch .*noexec" <<<"$1" &&
		grep -q "^  /missing .*not in place" <<<"$1"' - "$out" "$SRC" || diag "$out"

# 6. A missing source: skipped, said in warrenctl log; required = true refuses the login.
log=$(ctl log wta 2>&1)
check "6. a missing source: the login went on, and warrenctl log says which bind was skipped and why" \
	bash -c 'grep -F " bind-skipped /missing from $2/missing (defaults, line " <<<"$1" | grep -q "$2/missing does not exist"' \
	- "$log" "$SRC" || diag "$log"
binds_config "required = true;"
helper_stop wta >/dev/null 2>&1
log_mark
out=$(tssh wta -- 'echo landed' 2>&1)
check "6. with required = true her login is refused" bash -c '! grep -q landed <<<"$1"' - "$out"
check "6. with the reason" wait_log "refusing the login of wta: .*/missing.*is required and cannot be made: .*/missing does not exist"
binds_config

# 4. home = "host": wtc's real home, bound read-write.  Where a systemd user manager would
# start for her login (pam_systemd in the test service's session stack, as Debian ships
# common-session) it would run the units she writes into her home: refused.
home=$(getent passwd wtc | cut -d: -f6)
echo before-login >"$home/put-by-admin" && chown wtc: "$home/put-by-admin"
install -d -o wtc -g wtc -m 0700 "$home/sub" && echo sub-file >"$home/sub/f" && chown wtc: "$home/sub/f"
helper_stop wtc >/dev/null 2>&1
# And a bind from below her home: where root may not look (4's FUSE mount), opened as her.
binds_config "" 'home = "host"; binds = ( { from = "/home/%u/sub"; to = "/sub"; } );'
log_mark
out=$(tssh wtc -- 'echo landed' 2>&1)
if grep -q pam_systemd /etc/pam.d/common-session; then
	check "4. home = \"host\" where pam_systemd would start her user manager: the login is refused, with why" \
		bash -c '! grep -q landed <<<"$1" && grep -q "refusing the login of wtc: home = .host.*pam_systemd" "$2"' \
		- "$out" "$T/syslog" || { diag "$out"; diag "$(grep wtc "$T/syslog" | tail -n 5)"; }
else
	skip_host "4. home = \"host\" refused where pam_systemd would start a user manager" \
		"pam_systemd in common-session (test_usermgr covers the decision; the real-host lane has it)"
fi
write_pam no-pam-systemd
out=$(tssh wtc -- 'cat ~/put-by-admin; echo @@; echo from-inside >~/written; mkdir -p ~/.config/systemd/user &&
	printf "[Service]\nExecStart=/bin/touch /tmp/warren-test-unit-ran\n" >~/.config/systemd/user/evil.service && echo unit-written' 2>&1)
check "4. home = \"host\": a file put in her host home before the login is there" test "$(section "$out" 1)" = before-login ||
	diag "$out"
check "4. what she writes lands in her host home, hers" \
	bash -c '[ "$(cat "$1/written")" = from-inside ] && [ "$(stat -c %U "$1/written")" = wtc ]' - "$home"
skip_host "4. a user unit she writes does not run on the host at her next login" \
	"systemd to run one (the refusal above is what keeps a manager from starting; the real-host lane has systemd)"
# Her home a FUSE mount of hers without allow_other, which root may not read (as NFS with
# root_squash): bindfs, in sshd's mount namespace, where the helper looks.
helper_stop wtc >/dev/null 2>&1
if ! command -v bindfs >/dev/null; then
	skip "4. her home a FUSE mount root may not read still binds" "bindfs is not installed (apt-get install bindfs)"
elif [ ! -c /dev/fuse ]; then
	skip_host "4. her home a FUSE mount root may not read still binds" "FUSE (/dev/fuse)"
else
	# sshd's namespace has a /dev of its own (fixture.sh): the fuse device too, there.
	nsenter --mount="/proc/$SSHD_PID/ns/mnt" sh -c '[ -c /dev/fuse ] || mknod -m 0666 /dev/fuse c 10 229'
	nsenter --mount="/proc/$SSHD_PID/ns/mnt" runuser -u wtc -- bindfs --no-allow-other "$home" "$home" 2>"$T/bindfs.err"
	FUSE_PID=$(pgrep -u wtc -x bindfs | head -n 1)
	denied=$(nsenter --mount="/proc/$SSHD_PID/ns/mnt" ls "$home" 2>&1)
	out=$(tssh wtc -- 'cat ~/put-by-admin; cat /sub/f' 2>&1)
	check "4. her home a FUSE mount root may not read ($(head -c 60 <<<"$denied")): it still binds, and a bind from below it (opened as her)" \
		bash -c 'grep -q "Permission denied" <<<"$1" && [ "$(tr "\n" " " <<<"$2")" = "before-login sub-file " ]' \
		- "$denied" "$out" || { diag "$out"; diag_file "$T/bindfs.err"; diag "$(grep -i "wtc" "$T/syslog" | tail -n 4)"; }
	helper_stop wtc >/dev/null 2>&1
	cleanup_binds
fi
write_pam

# 9. check-config refuses each bad form with FILE:LINE and the fix.
bad() { # bad NAME BINDS-LINE: a config whose line 3 is the defaults' bind
	printf 'jail_groups = [ "%s" ];\ndefaults = { binds = (\n%s\n); };\n' "$JAIL_GROUP" "$2" >"$T/bad-$1.conf"
	chmod 0644 "$T/bad-$1.conf"
	"$REPO/warrenctl" check-config "$T/bad-$1.conf" 2>&1
}
refused() { # refused NAME LINE MESSAGE: check-config said FILE:LINE: MESSAGE, and failed
	local out rc
	out=$(bad "$1" "$2")
	rc=$?
	[ $rc -ne 0 ] && grep -qF "$T/bad-$1.conf:3: $3" <<<"$out" || { echo "exit $rc: $out"; return 1; }
}
check "9. a relative from, with the form expected" refused rel '{ from = "srv/data"; to = "/data"; }' \
	'defaults.binds[0].from: "srv/data" is not an absolute path; expected an absolute path, e.g. from = "/srv/datasets";'
check "9. a '..' component" refused dotdot '{ from = "/srv/../etc"; to = "/data"; }' \
	"defaults.binds[0].from: \"/srv/../etc\" has a '.' or '..' component; expected"
check "9. to under /proc" refused proc '{ from = "/srv"; to = "/proc/sys"; }' \
	'defaults.binds[0].to: "/proc/sys" is under /proc, /sys or /dev, which the container mounts itself; expected'
check "9. to under /sys" refused sys '{ from = "/srv"; to = "/sys"; }' 'defaults.binds[0].to: "/sys" is under /proc, /sys or /dev'
check "9. to under /dev" refused dev '{ from = "/srv"; to = "/dev/shm"; }' 'defaults.binds[0].to: "/dev/shm" is under /proc, /sys or /dev'
check "9. to /" refused root '{ from = "/srv"; to = "/"; }' 'defaults.binds[0].to: "/" is the root directory itself; expected'
check "9. an unknown key" refused key '{ from = "/srv"; to = "/d"; readonly = true; }' \
	'defaults.binds[0].readonly: unknown setting; expected one of: from, to, write, exec, create, required'
printf 'jail_groups = [ "%s" ];\nusers = ( { name = "wtc"; home = "host";\n  binds = ( { from = "/srv"; to = "%s/data"; } ); } );\n' \
	"$JAIL_GROUP" "$home" >"$T/bad-home.conf"
chmod 0644 "$T/bad-home.conf"
out=$("$REPO/warrenctl" check-config "$T/bad-home.conf" 2>&1)
check "9. to in her home where home = \"host\"" \
	bash -c 'grep -qF "$2:3: binds: to \"$3/data\" (user wtc), for user wtc: its to is her home or below it, which home = \"host\" binds from the host; fix:" <<<"$1"' \
	- "$out" "$T/bad-home.conf" "$home" || diag "$out"

wait "$hold" 2>/dev/null
cleanup_binds
fixture_finish
