#!/bin/bash
# 65-trouble.sh - when something around warren goes wrong, jailed logins are refused with a
# reason and nothing is left behind: a helper that hangs or crashes, a group backend
# (LDAP, SSSD) that is down, a supervisor killed by hand, a missing image or subuid range.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 67

# refused USER WHAT ERE: USER's login fails, and the test syslog says ERE.
refused() {
	local out rc
	out=$(tssh "$1" -- hostname 2>&1)
	rc=$?
	check "$2: $1's login is refused (exit $rc), no host shell" \
		test "$rc" -ne 0 -a "$out" != "$HOST_NAME" || diag "$out"
	check "$2: the log says why" wait_log "$3" 5
}

# held_up NAME: wait (60 s at most) until the held login NAME says "held", or ends.
held_up() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q held "$T/$1.out" 2>/dev/null && return 0
		kill -0 "${HELD[$1]}" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# A helper that hangs: the login waits no longer than timeout=, and the helper and what
# it started are killed.
printf '#!/bin/bash\nexec -a warren-test-hang sleep 600\n' >"$T/hang-helper"
chmod 0755 "$T/hang-helper"
write_pam "helper=$T/hang-helper" timeout=2
log_mark
t0=$SECONDS
refused wta "a hung helper" "pam_warren.*refusing the login of wta: warren-helper ensure did not answer in time"
check "it waited for the timeout, not for ever ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 15
check "the hung helper was killed" bash -c '! pgrep -f warren-test-han[g]'

printf '#!/bin/sh\nkill -SEGV $$\n' >"$T/crash-helper"
chmod 0755 "$T/crash-helper"
write_pam "helper=$T/crash-helper"
log_mark
refused wta "a crashing helper" "pam_warren.*refusing the login of wta: warren-helper ensure was killed by a signal"
write_pam

# The group backend is down: the helper cannot tell whether wta is in a jail group, so she
# is refused, never "not jailed"; root and exempt users are answered without NSS.
mkdir -m 0755 "$T/nss"
cc -shared -fPIC -O2 -o "$T/nss/libnss_wtfail.so.2" tests/lib/nss_wtfail.c
printf 'passwd: files\ngroup: wtfail [UNAVAIL=return] files\n' >"$T/nss/nsswitch.conf"
nss_down() { # CMD... with every group lookup failing, in a mount namespace of its own
	unshare -m bash -c 'mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf && shift &&
		LD_LIBRARY_PATH=$T/nss exec "$@"' - "$T/nss" "$@"
}
out=$(T=$T nss_down "$HELPER" --config "$CONF" check-user wta 2>&1)
rc=$?
check "group backend down: wta is refused (exit $rc), not taken for 'not jailed' (3)" test "$rc" -eq 1
check "with the reason" grep -q "cannot read the groups of wta" <<<"$out" || diag "$out"
T=$T nss_down "$HELPER" --config "$CONF" check-user wtexempt >/dev/null 2>&1
rc=$?
check "an exempt user is still answered: not jailed (exit $rc)" test "$rc" -eq 3
# Local files answer, the other source (a jail group kept there) is down: getgrouplist
# drops that source's groups without a word, so wtc would look "not jailed".
printf 'passwd: files\ngroup: files wtfail\n' >"$T/nss/nsswitch.conf"
write_config "$(default_config | sed 's/^jail_groups = .*/jail_groups = [ "wtjail", "wtremote" ];/')"
out=$(T=$T nss_down "$HELPER" --config "$CONF" check-user wtc 2>&1)
rc=$?
check "a jail group whose source is down: wtc (in no local jail group) is refused (exit $rc)" \
	test "$rc" -eq 1 || diag "$out"
out=$(T=$T nss_down "$HELPER" --config "$CONF" check-user wta 2>&1)
rc=$?
check "and wta, in the local jail group, is refused too (exit $rc): whether wtremote's keys are hers is unknown" \
	test "$rc" -eq 1 || diag "$out"
# A source that is down but answers "no such group" (nss-pam-ldapd while nslcd is down:
# UNAVAIL with errno ENOENT), and a module that is missing: glibc reports both as "no
# such group", without an error.  Every jail group must resolve.
cc -shared -fPIC -O2 -DMODULE=wtenoent -DFAIL_ERRNO=ENOENT -o "$T/nss/libnss_wtenoent.so.2" \
	tests/lib/nss_wtfail.c
for source in wtenoent wtmissing; do
	printf 'passwd: files\ngroup: files %s\n' "$source" >"$T/nss/nsswitch.conf"
	out=$(T=$T nss_down "$HELPER" --config "$CONF" check-user wtc 2>&1)
	rc=$?
	check "group source '$source': wtc (in no local jail group) is refused (exit $rc), not 'not jailed' (3)" \
		test "$rc" -eq 1 || diag "$out"
	check "group source '$source': the reason names the group and the fix" \
		grep -q 'jail group "wtremote" does not resolve.*take it out of jail_groups' <<<"$out" || diag "$out"
	out=$(T=$T nss_down "$HELPER" --config "$CONF" ensure wtc 2>&1)
	rc=$?
	check "group source '$source': her login (ensure) is refused (exit $rc), no host shell" \
		test "$rc" -eq 1 || diag "$out"
	T=$T nss_down "$HELPER" --config "$CONF" check-user wtexempt >/dev/null 2>&1
	rc=$?
	check "group source '$source': an exempt user is still answered: not jailed (exit $rc)" test "$rc" -eq 3
	out=$(T=$T nss_down "$REPO/warrenctl" --config "$CONF" doctor 2>&1)
	check "group source '$source': warrenctl doctor names the group that does not resolve" \
		grep -q '^PROBLEM *jail group "wtremote" does not resolve' <<<"$out" || diag "$out"
done
write_config "$(default_config)"

# A supervisor killed by hand: her container dies with it (nothing would stop it, clean
# up after it or renew her fleet lease), her open session with it; the next login finds
# the record, removes it, starts anew.
hold orphan wta -- 'echo held; exec sleep 1000'
held_up orphan
id1=$(init_identity wta)
read -r init sup _ </run/warren/users/wta/state
[ -n "$sup" ] && [ "$(cat "/proc/$sup/comm" 2>/dev/null)" = warren-supervis ] && kill -KILL "$sup"
for ((i = 0; i < 100; i++)); do
	kill -0 "$init" 2>/dev/null || kill -0 "${HELD[orphan]}" 2>/dev/null || break
	sleep 0.1
done
check "her container dies with its supervisor (init $init): her open session ends with it" \
	bash -c '! kill -0 "$1" 2>/dev/null && ! kill -0 "$2" 2>/dev/null' - "$init" "${HELD[orphan]}" ||
	diag "$(cat "$T/orphan.out")"
kill "${HELD[orphan]}" 2>/dev/null
wait "${HELD[orphan]}" 2>/dev/null
unset "HELD[orphan]"
out2=$(tssh wta -- hostname 2>&1)
id2=$(init_identity wta)
check "after its supervisor was killed, wta lands in a new container (init $id1, now $id2)" \
	test "$out2" = wta -a -n "$id1" -a -n "$id2" -a "$id1" != "$id2" || diag "$out2"
check "which is supervised again" bash -c '[ "$(cat "/proc/$(cut -d" " -f2 /run/warren/users/wta/state)/comm")" = warren-supervis ]'
helper_stop wta >/dev/null

# An odd user name (SSSD's user@domain): not a path warren can use, so she cannot be
# jailed - but a user warren has nothing to do with must not be refused for it.
odd='wt.odd@x'
useradd --badname -M -N -d /nonexistent -s /usr/sbin/nologin "$odd"
trap 'userdel "$odd" 2>/dev/null; fixture_finish' EXIT
"$HELPER" --config "$CONF" ensure "$odd" >/dev/null 2>&1
rc=$?
check "an odd name outside the jail groups is not jailed, not refused (exit $rc)" test "$rc" -eq 3
usermod -aG "$JAIL_GROUP" "$odd"
out=$("$HELPER" --config "$CONF" ensure "$odd" 2>&1)
rc=$?
check "an odd name in a jail group is refused (exit $rc)" test "$rc" -eq 1
check "with a reason that says what to do" grep -q 'user name "wt.odd@x" cannot be used for a container.*exempt_users' <<<"$out" ||
	diag "$out"
userdel "$odd"
# A name from NSS with an 8-bit CSI (C1, as UTF-8) and a byte that is not UTF-8: what
# reaches the admin's terminal through warrenctl log has neither.
odd=$'wt\xc2\x9b2J\xffz'
if useradd --badname -M -N -d /nonexistent -s /usr/sbin/nologin -G "$JAIL_GROUP" "$odd" 2>/dev/null; then
	"$HELPER" --config "$CONF" ensure "$odd" >/dev/null 2>&1
	out=$("$REPO/warrenctl" log --config "$CONF" 2>&1)
	check "warrenctl log: her refusal, with C1 and non-UTF-8 bytes masked" \
		bash -c 'grep -q "wt??2J?z refused the user name \"wt??2J?z\" cannot be used" <<<"$1" &&
			! LC_ALL=C grep -q $'"'"'[\x80-\x9f\xff]'"'"' <<<"$1"' - "$out" || diag "$out"
	userdel "$odd"
else
	skip "warrenctl log masks C1 and non-UTF-8 bytes" "useradd refuses the name here"
fi

# Missing pieces: the image, a subordinate range.
write_config "$(default_config | sed 's|^image = .*|image = "/nonexistent/warren-image";|')"
log_mark
refused wta "no image" "warren-helper.*image /nonexistent/warren-image \(build one with: warrenctl image build NAME\)"
# The same reason in warren's own record, which needs no syslog daemon.
out=$("$REPO/warrenctl" log wta --config "$CONF" 2>&1)
check "warrenctl log wta: the refusal, with its reason" \
	grep -q "wta refused .*image /nonexistent/warren-image (build one with: warrenctl image build NAME)" <<<"$out" ||
	diag "$out"
# She cannot push the record (everyone's history) out with refused logins: the same
# refusal again and again is one line a minute, with a count.
before=$(grep -c "wta refused .*image /nonexistent" "$STATE/events.log")
for i in $(seq 100); do "$HELPER" --config "$CONF" ensure wta >/dev/null 2>&1; done
after=$(grep -c "wta refused .*image /nonexistent" "$STATE/events.log")
check "100 more refusals of wta add at most one line to the record ($before, then $after)" \
	test "$after" -le $((before + 1))
# An image whose /etc is a symlink: the container would take its /etc, and its home
# template, from wherever that points on the host.
install -d -m 0755 "$T/linked-image" && ln -s /etc "$T/linked-image/etc"
write_config "$(default_config | sed "s|^image = .*|image = \"$T/linked-image\";|")"
log_mark
refused wta "an image whose /etc is a symlink" "warren-helper.*image $T/linked-image has no /etc/skel.*may not be symlinks"
write_config "$(default_config)"
# A primary group of gid 0: mapped to itself, it would make root's group hers inside.
gid=$(id -g wta)
usermod -g 0 wta
log_mark
refused wta "primary group root" "warren-helper.*the primary group of wta is root's \(gid 0\).*fix: usermod -g"
usermod -g "$gid" wta
line=$(grep "^wta:" /etc/subuid)
sed -i '/^wta:/d' /etc/subuid
log_mark
refused wta "no subuid range" "warren-helper.*/etc/subuid has no range of 65536 ids for wta; fix: usermod --add-subuids"
# A range that is not hers alone: one that meets wtb's, one that starts at an account's
# uid (nobody's, 65534), which would own her container's namespaces from the host.
echo "wta:$(($(subid_base wtb) + 1000)):65536" >>/etc/subuid
log_mark
refused wta "a range meeting wtb's" \
	"warren-helper.*the ids [0-9]+-[0-9]+ of wta in /etc/subuid are also wtb's there.*fix: give each a range"
sed -i '/^wta:/d' /etc/subuid
echo "wta:65534:65536" >>/etc/subuid
log_mark
refused wta "a range starting at nobody's uid" \
	"warren-helper.*the range of wta in /etc/subuid starts at 65534, the uid of user nobody, who would own her container"
# A reset makes her layers anew, owned by her ids: refused too, nobody's layer left.
out=$(in_ns "$REPO/warrenctl" --config "$CONF" reset wta --yes 2>&1 </dev/null)
rc=$?
check "a reset with that range is refused (exit $rc), saying why" \
	bash -c '[ "$1" -ne 0 ] && grep -q "starts at 65534, the uid of user nobody" <<<"$2"' - "$rc" "$out" ||
	diag "$out"
check "and makes no layer owned by nobody" \
	bash -c '! find "$1" -maxdepth 3 -uid 65534 2>/dev/null | grep -q .' - "$STATE/users/wta" ||
	diag "$(find "$STATE/users/wta" -maxdepth 3 -uid 65534 2>/dev/null)"
sed -i '/^wta:/d' /etc/subuid
echo "$line" >>/etc/subuid
# An account or a group whose id lies inside her range: it would be one of her
# container's ids on the host (that user could signal or trace her processes).
base=$(subid_base wta)
gbase=$(awk -F: '$1 == "wta" { print $2; exit }' /etc/subgid)
trap 'userdel "$odd" 2>/dev/null; userdel wtinside 2>/dev/null; groupdel wtginside 2>/dev/null; fixture_finish' EXIT
useradd -M -N -u $((base + 1000)) -d /nonexistent -s /usr/sbin/nologin wtinside
log_mark
refused wta "an account inside her subuid range" \
	"warren-helper.*the range of wta in /etc/subuid \($base-$((base + 65535))\) holds $((base + 1000)), the uid of user wtinside.*fix: give wta a range above every account's and group's id"
userdel wtinside
groupadd -g $((gbase + 2000)) wtginside
log_mark
refused wta "a group inside her subgid range" \
	"warren-helper.*the range of wta in /etc/subgid \($gbase-$((gbase + 65535))\) holds $((gbase + 2000)), the gid of group wtginside"
groupdel wtginside
# Checked when her container starts, which lists every account and group: not at a login
# to it while it runs (its ids were checked at its start, and a directory is not listed
# at every login).  Her next start is refused again.
hold inrange wta -- 'echo held; exec head -n 1 >/dev/null'
held_up inrange
useradd -M -N -u $((base + 1000)) -d /nonexistent -s /usr/sbin/nologin wtinside
out=$(tssh wta -- 'echo LANDED' 2>&1)
check "an account made inside her range while her container runs: a login to it lands" \
	test "$out" = LANDED || diag "$out"
release inrange >/dev/null
helper_stop wta >/dev/null 2>&1
log_mark
refused wta "an account inside her subuid range, at her next start" \
	"warren-helper.*the range of wta in /etc/subuid \($base-$((base + 65535))\) holds $((base + 1000)), the uid of user wtinside"
userdel wtinside
# pam_warren gives up on a real helper that is slow (timeout=3): nothing it built may be
# left.  wta's idle_timeout is 600 s, so only the fix stops a container nobody took.
# Just built: the helper waits for the record of events (we hold its lock) between the
# build and its answer; the container is stopped at once, never handed over.
write_config "$(default_config)
users = ( { name = \"wta\"; idle_timeout = 600; network = \"isolated\"; } );"
write_pam timeout=3
abandoned() { # abandoned WHAT LOCKFILE: wta's login with LOCKFILE held until the timeout
	local held login out i
	exec {held}>>"$2"
	flock "$held"
	log_mark
	tssh wta -- 'echo LANDED' {held}>&- >"$T/abandoned.out" 2>&1 &
	login=$!
	# Held until pam_warren has given up, however long ssh takes to get there: its
	# collect has started (the ensure it ran was killed) or the login has ended.
	for ((i = 0; i < 600; i++)); do
		pgrep -f -- "--config $CONF collect wta\$" >/dev/null && break
		kill -0 "$login" 2>/dev/null || break
		sleep 0.05
	done
	exec {held}>&-
	wait "$login"
	out=$(cat "$T/abandoned.out")
	check "$1: the login is refused at the timeout" bash -c '! grep -q LANDED <<<"$1"' - "$out" || diag "$out"
	check "$1: nothing of wta's container is left (processes, mounts, cgroups, state)" \
		wait_container_gone wta 30
}
abandoned "just built" "$STATE/events.log"
check "the log says why it stopped" wait_log "stopping the container of wta \(its login gave up\)" 20
# Half built: the helper waits for the network's slot lock, with wta's cgroups, runtime
# dir and devpts made; pam_warren's collect removes them.
mkdir -p -m 0755 "$STATE/network"
abandoned "half built" "$STATE/network/slots.lock"
check "the log says what was removed" wait_log "removed what the abandoned login of wta left:.*cgroups" 20
write_pam
write_config "$(default_config)"
out=$(tssh wta -- 'echo LANDED' 2>&1)
check "her next login lands" test "$out" = LANDED || diag "$out"

# A bridge with every port it can have (1023: the kernel's BR_MAX_PORTS numbers them from
# 1): her login with network is refused, the log says why and what to do.  The test fills
# the bridge of its network namespace with veths of its own, then takes them away.
helper_stop wta >/dev/null 2>&1
write_config "$(default_config)
users = ( { name = \"wta\"; network = \"isolated\"; } );"
tssh wta -- true >/dev/null 2>&1 # the bridge, made at her first start with network
helper_stop wta >/dev/null 2>&1
ports=$(ip -n "$NS" -o link show master warren0 2>/dev/null | wc -l)
for ((i = ports; i < 1023; i++)); do
	echo "link add wtfill$i master warren0 type veth peer name wtpeer$i"
done | ip -n "$NS" -batch - >/dev/null 2>&1
log_mark
out=$(tssh wta -- 'echo LANDED' 2>&1)
check "a bridge with all its 1023 ports taken: her login with network is refused" \
	bash -c '! grep -q LANDED <<<"$1"' - "$out" || diag "$out"
check "the log says the bridge is full, and the fix" \
	wait_log "bridge warren0 has 1023 ports, all a bridge can have: no more containers with network.*network = \"none\"" 5
for ((i = ports; i < 1023; i++)); do echo "link del wtfill$i"; done | ip -n "$NS" -batch - >/dev/null 2>&1
out=$(tssh wta -- 'echo LANDED' 2>&1)
check "with ports free again, her login lands" test "$out" = LANDED || diag "$out"
helper_stop wta >/dev/null 2>&1

# libnftables that cannot be loaded (a file that is no library bound over it, in a mount
# namespace of the helper's own): the helper loads it only to set up the firewall, so a
# login to her running container still lands; a cold one with network is refused, the
# log names the library and the fix, and nothing of the container is left.
nftlib=$(ldconfig -p | sed -n 's/^[[:space:]]*libnftables\.so\.1 (.*) => //p' | head -n 1)
printf '#!/bin/bash\nexec unshare -m bash -c %q - %q %q "$@"\n' \
	'mount --bind /dev/null "$1" && shift && exec "$@"' "$nftlib" "$HELPER" >"$T/nonft-helper"
chmod 0755 "$T/nonft-helper"
hold warm wta -- 'echo held; exec head -n 1 >/dev/null'
held_up warm
write_pam "helper=$T/nonft-helper"
out=$(tssh wta -- 'echo LANDED' 2>&1)
check "libnftables cannot be loaded ($nftlib): her login to her running container lands all the same" \
	test "$out" = LANDED || diag "$out"
write_pam
release warm >/dev/null
helper_stop wta >/dev/null 2>&1
write_pam "helper=$T/nonft-helper"
log_mark
refused wta "libnftables cannot be loaded, her container with network to start" \
	"cannot load libnftables\.so\.1 .*: install libnftables1"
check "nothing of her container is left" test -z "$(container_leftovers wta)" ||
	diag "$(container_leftovers wta)"
write_pam
out=$(unshare -m bash -c 'mount --bind /dev/null "$1" && shift && exec "$@"' - "$nftlib" \
	"$REPO/warrenctl" doctor --config "$CONF" 2>&1)
check "warrenctl doctor names the library as a problem, and the fix" \
	grep -Eq '^PROBLEM +cannot load libnftables\.so\.1 .*install libnftables1' <<<"$out" ||
	diag "$(grep -i nftables <<<"$out")"
out=$(tssh wta -- 'echo LANDED' 2>&1)
check "with the library back, her login lands" test "$out" = LANDED || diag "$out"
helper_stop wta >/dev/null 2>&1

fixture_finish
