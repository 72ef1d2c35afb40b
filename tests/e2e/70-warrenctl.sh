#!/bin/bash
# warrenctl check-config and explain, end to end: real files (root-owned, in a temp dir),
# a real temporary user and groups through NSS.  No sshd, no containers.
set -u
cd "$(dirname "$0")/../.."
ctl=./warrenctl
user=wtx ga=wtxa gb=wtxb
n=0 failed=0

ok() { # ok COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
has() { # has TEXT NEEDLE - does TEXT contain the line or substring NEEDLE?
	case "$1" in *"$2"*) return 0 ;; esac
	printf 'expected: %s\nin: %s\n' "$2" "$1" | sed 's/^/# /'
	return 1
}
# run VAR CMD... - CMD's stdout and stderr into VAR, its exit status into VAR_rc
run() {
	local __var=$1 __out __rc
	shift
	__out=$("$@" 2>&1)
	__rc=$?
	printf -v "$__var" '%s' "$__out"
	printf -v "${__var}_rc" '%s' "$__rc"
}

echo "1..26"
if [ "$(id -u)" -ne 0 ] || [ ! -x "$ctl" ]; then
	for i in $(seq 1 26); do
		echo "ok $i # SKIP needs root (a root-owned config, a test user) and a built $ctl"
	done
	exit 0
fi

cleanup() {
	userdel "$user" >/dev/null 2>&1
	groupdel "$ga" >/dev/null 2>&1
	groupdel "$gb" >/dev/null 2>&1
	[ -n "${dir:-}" ] && rm -rf "$dir"
}
cleanup # leftovers of an interrupted run
trap cleanup EXIT
dir=$(mktemp -d /tmp/warrenctl-test.XXXXXX)
chmod 0755 "$dir"

conf() { # conf NAME TEXT - a root-owned 0644 config in $dir
	printf '%s' "$2" >"$dir/$1"
	chown root:root "$dir/$1"
	chmod 0644 "$dir/$1"
}

# --- check-config
conf good.conf 'jail_groups = [ "wtxa" ];
defaults = { io_weight = 200; };
groups = (
  { name = "wtxb"; memory = "768M"; cpus = 0.25; },
  { name = "wtxa"; memory = "256M"; cpus = 2; pids = 100; disk = "1G"; }
);
users = ( { name = "wtx"; memory = "2G"; } );
'
run out $ctl check-config "$dir/good.conf"
ok $((out_rc != 0)) "check-config: a good config exits 0"
has "$out" "$dir/good.conf: ok"; ok $? "check-config: a good config prints FILE: ok"

conf bad.conf 'jail_groups = [ "wtxa" ];
groups = (
  { name = "wtxb"; memory = "12Q"; }
);
'
run out $ctl check-config "$dir/bad.conf"
ok $((out_rc != 1)) "check-config: a broken config exits 1"
has "$out" "$dir/bad.conf:3: groups[0].memory: \"12Q\" is not a size; expected a number with an optional K, M, G or T suffix (e.g. \"512M\"), or \"max\""
ok $? "check-config: the error names file, line, key and the accepted form"
has "$out" "refuses every login but root's: no earlier version of it ever loaded"
ok $? "check-config: says what the error would do (no good copy: all but root refused)"

conf unsafe.conf 'jail_groups = [ "wtxa" ];
'
chmod 0664 "$dir/unsafe.conf"
run out $ctl check-config "$dir/unsafe.conf"
has "$out" "is writable by group or others (mode 0664); fix: chmod go-w $dir/unsafe.conf"
ok $((out_rc != 1 || $? != 0)) "check-config: a group-writable config is refused with the fix"

run out $ctl check-config "$dir/missing.conf"
has "$out" "$dir/missing.conf: does not exist"
ok $((out_rc != 1 || $? != 0)) "check-config: a missing file exits 1 and says so"

run out $ctl --config "$dir/good.conf" check-config
has "$out" "$dir/good.conf: ok"
ok $((out_rc != 0 || $? != 0)) "check-config: --config FILE works as FILE"

# Not root: the same checks, the root-owned file is fine to read.
if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$ctl" 2>/dev/null; then
	run out setpriv --reuid=65534 --regid=65534 --clear-groups $ctl check-config "$dir/good.conf"
	ok $((out_rc != 0)) "check-config: works for a user other than root"
else
	n=$((n + 1)); echo "ok $n # SKIP nobody cannot run $ctl here"
fi

# --- usage
run out $ctl
ok $((out_rc != 2)) "no command: usage error, exit 2"
run out $ctl frobnicate
has "$out" 'unknown command "frobnicate"'; ok $((out_rc != 2 || $? != 0)) "unknown command: exit 2"
run out $ctl explain
ok $((out_rc != 2)) "explain without USER: exit 2"
run out $ctl --help
has "$out" "usage: warrenctl check-config [FILE]"; ok $((out_rc != 0 || $? != 0)) "--help: exit 0"

# --- explain: wtx is in wtxa and wtxb; the config lists wtxb first.
groupadd "$ga" && groupadd "$gb" &&
	useradd -M -N -d /nonexistent -s /usr/sbin/nologin -G "$ga,$gb" "$user"
ok $? "made the test user $user in $ga and $gb"
uid=$(id -u "$user")

run out $ctl explain "$user" --config "$dir/good.conf"
printf '%s\n' "$out" | sed 's/^/# /'
ok $((out_rc != 0)) "explain: exits 0"
header=$(printf '%s\n' "$out" | head -n 1)
has "$header" "user $user (uid $uid), groups: " && has "$header " " $ga " && has "$header " " $gb "
ok $? "explain: names the user, uid and groups"
has "$out" "jailed: yes (member of jail group \"$ga\")"; ok $? "explain: jailed through $ga"
expect="memory            2G       (user $user)
swap              0        (built-in)
cpus              0.25     (group $gb)
pids              100      (group $ga)
io_weight         200      (defaults)
disk              1G       (group $ga)
idle_timeout      300      (built-in)"
has "$out" "$expect"
ok $? "explain: users entry wins, first listed group next, then defaults, then built-in"
# warren.conf(5) apparmor: where the kernel runs no AppArmor, the key changes nothing.
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	has "$out" "(built-in): her container runs under the AppArmor profile warren-$user"
	ok $? "explain: the apparmor line names her profile (this kernel runs AppArmor)"
else
	has "$out" "apparmor          default  (built-in): no LSM"
	ok $? "explain: the apparmor line says no LSM (this kernel runs no AppArmor)"
fi

conf exempt.conf 'jail_groups = [ "wtxa" ];
exempt_users = [ "root", "wtx" ];
'
run out $ctl explain "$user" --config "$dir/exempt.conf"
has "$out" "jailed: no (exempt: listed in exempt_users)"
ok $((out_rc != 0 || $? != 0)) "explain: an exempt user is not jailed"

run out $ctl explain nosuchuserwtx --config "$dir/good.conf"
has "$out" "no such user nosuchuserwtx"
ok $((out_rc != 1 || $? != 0)) "explain: an unknown user exits 1"

run out $ctl explain "$user" --config "$dir/bad.conf"
has "$out" "$dir/bad.conf:3: groups[0].memory"
ok $((out_rc != 1 || $? != 0)) "explain: a broken config exits 1 with its error"

# --- the last good copy: the helper keeps one whenever a config loads cleanly.
cp "$dir/good.conf" "$dir/live.conf"
./warren-helper --config "$dir/live.conf" check-user "$user" >/dev/null 2>&1
copy=$dir/.live.conf.last-good
[ "$(stat -c '%u %a' "$copy" 2>/dev/null)" = "0 600" ] && tail -n +2 "$copy" | cmp -s - "$dir/live.conf"
ok $? "a clean load keeps a root-only copy of the config beside it"
printf '# one more line\n' >>"$dir/live.conf"
run out $ctl check-config "$dir/live.conf"
has "$out" "$dir/live.conf: differs from the last good version the helper loaded"
ok $((out_rc != 0 || $? != 0)) "check-config: says when the file differs from the last good copy"
printf 'defaults = { memory = "12Q"; };\n' >>"$dir/live.conf"
run out $ctl check-config "$dir/live.conf"
has "$out" "jailed by its last good version"
ok $((out_rc != 1 || $? != 0)) "check-config: a broken file with a good copy refuses only jailed users"
cp "$dir/good.conf" "$dir/live.conf"
run out $ctl check-config "$dir/live.conf"
[ "$out_rc" -eq 0 ] && [ "$out" = "$dir/live.conf: ok" ]
ok $? "check-config: the file as last loaded does not differ"
exit $failed
