#!/bin/bash
# 00-fixture.sh - the end-to-end harness itself: sshd in the test netns, key login of an
# unjailed user, the syslog sink, scp/sftp plumbing.  WARREN_TEST_NO_MODULE=1 runs it
# through a PAM service without the warren lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 6

out=$(tssh wtc -- 'id -un; hostname' 2>&1)
check "wtc logs in with its key through the test sshd" test "$out" = "wtc
$HOST_NAME" || diag_file "$T/sshd.log" 10

check "sshd logged the key login (VERBOSE, stderr to sshd.log)" \
	grep -q 'Accepted publickey for wtc from 127.0.0.1' "$T/sshd.log"

# pam_unix logs "session opened" through syslog(3): it must reach the sink at the test /dev/log
for _ in $(seq 100); do grep -q "session opened for user wtc" "$T/syslog" && break; sleep 0.1; done # 10 s
check "syslog sink receives PAM's messages from the test sshd" \
	grep -q "$SVC.*session opened for user wtc" "$T/syslog"

check "sshd sees a private /dev with the sink's log socket" \
	nsenter --mount="/proc/$SSHD_PID/ns/mnt" test -S /dev/log

echo "fixture-upload" >"$T/upload.txt"
tscp wtc "$T/upload.txt" R:scp.txt >/dev/null 2>&1 && tsftp wtc >/dev/null 2>&1 <<<"put $T/upload.txt sftp.txt"
check "scp and sftp reach the test sshd" \
	grep -qx fixture-upload "$(getent passwd wtc | cut -d: -f6)/sftp.txt"

check "sshd runs the test's own PAM service (started through its name)" \
	grep -qF "pam_unix($SVC:session)" "$T/syslog"

fixture_finish
