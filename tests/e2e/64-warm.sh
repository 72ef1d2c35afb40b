#!/bin/bash
# 64-warm.sh - a login to a running container is verified by pam_warren itself, from the
# ticket the helper left (ticket.h), and lands in that container, her idle clock set;
# a change to anything the answer was decided from (the config, /etc/group, /etc/subuid),
# an answer that is not her container (it voids the ticket), a stopped
# container, a ticket of another container or one that is not root's alone: each sends
# the login to the helper, which decides as it always did.  Through real logins, with
# the module's debug on (it says which way a login went).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 22

write_pam debug
TICKET=/run/warren/users/wta/ticket
VERIFIED="wta: her running container, verified by pam_warren"

# login USER: its hostname, and whether pam_warren verified it itself ("verified" or
# "helper"), as "HOSTNAME WAY"
login() {
	local out way=helper
	log_mark
	out=$(tssh "$1" -- hostname 2>&1)
	# The join is logged after open_session's line, by the session's own process.
	[ "$out" = "$1" ] && wait_log "session joined its container" 5 >/dev/null
	log_since | grep -q -- "${VERIFIED/wta/$1}" && way=verified
	echo "$out $way"
}
# last_login USER: the idle clock (her record's mtime, to the nanosecond)
last_login() { stat -c %y "/run/warren/users/$1/state"; }

out=$(login wta)
check "the first login lands in a new container, through the helper ($out)" test "$out" = "wta helper"
check "the helper left a ticket: root's alone, a regular file" \
	bash -c '[ "$(stat -c "%U %a %F" "$1")" = "root 600 regular file" ]' - "$TICKET"
init1=$(init_identity wta)
# pam_warren starts the helper with posix_spawn, whose child ignores glibc's own signals
# 32 and 33; the helper sets them back, and nothing of her container inherits that.
ign=$(awk '/^SigIgn:/ { print $2 }' "/proc/${init1%% *}/status" 2>/dev/null)
check "her container's init ignores neither of glibc's signals 32 and 33 (SigIgn ${ign:-?})" \
	bash -c '[ -n "$1" ] && (( (0x$1 & 0x180000000) == 0 ))' - "$ign"
before=$(last_login wta)
out=$(login wta)
check "the next login is verified by pam_warren, without the helper ($out)" test "$out" = "wta verified"
check "in the same container" test "$(init_identity wta)" = "$init1"
check "and her idle clock is set to it (last login $before, now $(last_login wta))" \
	test "$(last_login wta)" != "$before"
o=$(tssh wta -- 'echo out; exit 7')
rc=$?
check "a command's output and exit status come back as always ($o, $rc)" test "$o" = out -a "$rc" -eq 7

# The config: wta exempt now.  Her container still runs; the next login is the host's.
write_config "$(default_config | sed 's/"wtexempt" ]/"wtexempt", "wta" ]/')"
out=$(login wta)
check "with the config changed (wta exempt), the helper decides: a host login ($out)" \
	test "$out" = "$HOST_NAME helper"
check "and that answer voided her ticket" test ! -e "$TICKET"
write_config "$(default_config)"
out=$(login wta)
check "the config back: the helper answers with her running container ($out)" \
	test "$out" = "wta helper" -a "$(init_identity wta)" = "$init1"
out=$(login wta)
check "and leaves a new ticket, which the next login takes ($out)" test "$out" = "wta verified"

# /etc/group: wta out of the jail group while her container runs.
gpasswd -d wta "$JAIL_GROUP" >/dev/null
out=$(login wta)
check "out of the jail group (/etc/group changed): a host login ($out)" test "$out" = "$HOST_NAME helper"
gpasswd -a wta "$JAIL_GROUP" >/dev/null
out=$(login wta)
check "back in it: her container again, through the helper ($out)" test "$out" = "wta helper"

# /etc/subuid, which the helper checks her maps against: the same text, a new file.
cp -p /etc/subuid /etc/subuid.warren-test && mv -f /etc/subuid.warren-test /etc/subuid
out=$(login wta)
check "with /etc/subuid replaced, the helper answers ($out)" test "$out" = "wta helper"

# A ticket of another container: never taken.
sed -i -E 's/^container ([0-9]+) ([0-9]+) ([0-9]+)$/container \1 \2 1\3/' "$TICKET"
out=$(login wta)
check "a ticket naming another container is not taken: the helper answers ($out)" \
	test "$out" = "wta helper" -a "$(init_identity wta)" = "$init1"
# One that others may read, or that is not root's.
out=$(login wta) # a good ticket again
chmod 0644 "$TICKET"
out=$(login wta)
check "a ticket others may read is not taken ($out)" test "$out" = "wta helper"
chown wta "$TICKET"
out=$(login wta)
check "nor one that is not root's ($out)" test "$out" = "wta helper"
check "the helper wrote it anew, root's alone" \
	bash -c '[ "$(stat -c "%U %a" "$1")" = "root 600" ]' - "$TICKET"

# Stopped: the ticket goes with the container, and a new one starts through the helper.
check "warren-helper stop wta" helper_stop wta
check "the stop leaves no ticket" test ! -e "$TICKET"
out=$(login wta)
check "the next login starts a new container through the helper ($out)" \
	test "$out" = "wta helper" -a "$(init_identity wta)" != "$init1"
out=$(login wta)
check "whose next login is verified again ($out)" test "$out" = "wta verified"

fixture_finish
