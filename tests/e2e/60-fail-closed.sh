#!/bin/bash
# 60-fail-closed.sh - wiring mistakes refuse a jailed user's login, never hand out a host
# shell, and say why in syslog: no auth line, a missing helper, a broken config.  A broken
# config refuses whom its last good version jails and users with warren state; the
# others still log in, unless the config never loaded at all, or what is still readable of
# the broken file jails them.  A start
# that fails, and whose rollback fails too, is refused with its first failure as the reason.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 46

probe='hostname; cat /proc/self/uid_map'

# refused CASE ERE [USER]: USER's (wta's) login fails, shows no host identity, and the
# log says ERE.
refused() {
	local what=$1 ere=$2 user=${3:-wta} out rc
	log_mark
	out=$(tssh "$user" -- "$probe" 2>&1)
	rc=$?
	check "$what: $user's login fails (exit $rc)" test "$rc" -ne 0 || diag "$out"
	if grep -qx -e "$HOST_NAME" <<<"$out" || norm <<<"$out" | grep -qx '0 0 4294967295'; then
		not_ok "$what: no host shell"
		diag "$out"
	else
		ok "$what: no host shell"
	fi
	check "$what: syslog says why" wait_log "$ere" 5
	# The first line of defence held: the session ended in setcred, before sshd ran
	# anything (the shell guard is only for a missing auth line).
	[ "$what" = "no auth line" ] && return
	check "$what: the session ended before any command ran (no warren-refuse)" \
		bash -c '! grep -q "warren-refuse.*reached the host" <<<"$1"' - "$(log_since)"
}

out=$(tssh wta -- "$probe" 2>&1)
check "baseline: with the good wiring wta lands in its container" test "$(head -n 1 <<<"$out")" = wta ||
	diag "$out"

write_pam no-auth
refused "no auth line" 'pam_warren.*refusing the login of wta.*auth'
write_pam helper=/nonexistent/warren-helper
refused "helper missing" 'pam_warren.*refusing the login of wta.*/nonexistent/warren-helper'
# A refused session must not even forward ports: sshd does that itself, without running
# anything, so only the end of the session in setcred stops it (from the host's network).
# The host's listener says when it listens, and notes every connection it accepts.
listen='use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:8001",
	Listen => 1, ReuseAddr => 1) or die; $| = 1; print "up\n";
	while (my $c = $s->accept) { print "accepted\n"; print $c "host\n"; close $c }'
in_ns perl -e "$listen" >"$T/hostl.out" 2>&1 &
hostl=$!
for i in $(seq 300); do grep -qx up "$T/hostl.out" && break; sleep 0.1; done
tssh wta -N -L 9001:127.0.0.1:8001 >/dev/null 2>&1 &
fwd=$!
# Probe the forward, however slow ssh is, until the refused session has ended (its
# client exits; tssh stops it at 30 s with 124): nothing may come through meanwhile.
got=
for ((i = 0; i < 400; i++)); do
	got+=$(in_ns perl -MIO::Socket::INET -e '$c = IO::Socket::INET->new("127.0.0.1:9001") or exit 1; print scalar <$c>' 2>/dev/null)
	kill -0 "$fwd" 2>/dev/null || break
	sleep 0.1
done
ended=yes
kill -0 "$fwd" 2>/dev/null && { ended=no; kill "$fwd"; }
wait "$fwd"
rc=$?
check "helper missing: ssh -N -L forwards nothing from the host's network, and the session ends (exit $rc)" \
	bash -c '[ -z "$1" ] && [ "$2" = yes ] && [ "$3" -ne 124 ] && grep -qx up "$4" && ! grep -q accepted "$4"' \
	- "$got" "$ended" "$rc" "$T/hostl.out" || diag "got: $got" "ended: $ended" "listener: $(cat "$T/hostl.out")"
kill "$hostl" 2>/dev/null
wait "$hostl" 2>/dev/null
write_pam

good=$(default_config)
write_config "${good/jail_groups = \[ \"wtjail\" \];/jail_groups = 5;}"
grep -q '^jail_groups = 5;' "$CONF" || diag "the broken config was not written: $(cat "$CONF")"
line=$(grep -n '^jail_groups' "$CONF" | cut -d: -f1)
refused "config: jail_groups = 5" "warren.*warren\\.conf:$line"
out=$(tssh wtc -- 'hostname' 2>&1)
check "config: jail_groups = 5: wtc (jailed by no version of it) logs in to the host" \
	test "$out" = "$HOST_NAME" || diag "$out"

write_config "$good
bogus_key = 1;"
line=$(grep -n '^bogus_key' "$CONF" | cut -d: -f1)
refused "config: an unknown key" "warren.*warren\\.conf:$line.*bogus_key|warren.*bogus_key.*warren\\.conf:$line"

write_config "${good/idle_timeout = 3;/idle_timeout = 0;}"
line=$(grep -n 'idle_timeout' "$CONF" | cut -d: -f1)
refused "config: defaults.idle_timeout = 0" "warren.*warren\\.conf:$line"
out=$(tssh wtc -- 'hostname' 2>&1)
check "config with only a bad idle_timeout: wtc (not jailed) still lands on the host" \
	test "$out" = "$HOST_NAME" || diag "$out"
write_config "$good"

# The first failure: wtb's layer directory is a file.  The second, in the rollback: her
# runtime dir holds something cleanup does not remove, so removing it fails.
install -d -m 0700 "$STATE/users" && : >"$STATE/users/wtb"
install -d -m 0700 /run/warren/users/wtb && : >/run/warren/users/wtb/junk
refused "a failed start whose rollback fails too" \
	"pam_warren.*refusing the login of wtb: .*users/wtb: Not a directory" wtb
check "the reason is not the rollback's failure" \
	bash -c "! grep 'refusing the login of wtb' <<<\"\$1\" | grep -q 'not empty'" - "$(log_since)"
check "the rollback's failure is logged as a warning of its own" \
	wait_log "warren-helper.*while undoing the failed start of wtb.*Directory not empty" 5
rm -f "$STATE/users/wtb"
rm -rf /run/warren/users/wtb

# wta, out of the jail group but with her layers still there, is jailed while the
# config is broken: she cannot slip out by a group change and a typo.
broken=${good/jail_groups = \[ \"wtjail\" \];/jail_groups = 5;}
gpasswd -d wta "$JAIL_GROUP" >/dev/null
write_config "$broken"
refused "config broken, wta out of the jail group but with state" "warren.*wta is jailed and the config is broken"
gpasswd -a wta "$JAIL_GROUP" >/dev/null

# No good copy (the config never loaded): nobody but root can be told apart.
rm -f "$T/.warren.conf.last-good"
refused "config broken, no good copy" "warren.*no earlier version of it ever loaded"
refused "config broken, no good copy, wtc too" "warren.*no earlier version of it ever loaded.*wtc" wtc
write_config "$good"

# Whom what is still readable of a broken file jails: the file now jails wtgb too, and
# another key is out of range (an unknown top-level key would not do: it may be a misspelt
# jail_groups).  wtc, in wtgb only, whom no version that loaded jails and who has no state,
# is refused all the same.
groupadd wtgb && usermod -aG wtgb wtc
out=$(tssh wtc -- hostname 2>&1)
check "wtc, in wtgb, which the good config does not jail, logs in to the host ($out), and the config's good copy is kept" \
	test "$out" = "$HOST_NAME" -a -f "$T/.warren.conf.last-good"
broken=${good/jail_groups = \[ \"wtjail\" \];/jail_groups = [ \"wtjail\", \"wtgb\" ];}
write_config "${broken/idle_timeout = 3;/idle_timeout = 0;}"
grep -q '^jail_groups = \[ "wtjail", "wtgb" \];' "$CONF" || diag "the broken config was not written: $(cat "$CONF")"
refused "config broken after a jail_groups that adds wtgb: wtc" "warren.*wtc is jailed and the config is broken" wtc
write_config "$good"

fixture_finish
