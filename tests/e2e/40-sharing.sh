#!/bin/bash
# 40-sharing.sh - concurrent logins of one user share one container; different users
# have different containers.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 6

# The first login stays (in `head -n 1`) until the test releases it.
hold bg wta -- 'readlink /proc/self/ns/pid; exec head -n 1 >/dev/null'
for _ in $(seq 300); do [ -s "$T/bg.out" ] && break; sleep 0.1; done
ns1=$(head -n 1 "$T/bg.out")
check "a first login of wta runs head -n 1" grep -q '^pid:\[' "$T/bg.out" || diag_file "$T/bg.out"

out=$(tssh wta -- 'readlink /proc/self/ns/pid; hostname; ps ax -o args' 2>&1)
check "a second login of wta shares its pid namespace ($ns1)" test "$(head -n 1 <<<"$out")" = "$ns1" ||
	diag "$out"
check "the second login sees the first one's head -n 1" grep -qx 'head -n 1' <<<"$out" || diag "$out"
release bg
rc=$?
check "the first login ends normally (exit $rc)" test "$rc" -eq 0

b=$(tssh wtb -- 'readlink /proc/self/ns/pid; hostname' 2>&1)
diff_ns() { [[ $(head -n 1 <<<"$b") == pid:* && $(head -n 1 <<<"$b") != "$ns1" ]]; }
check "wtb has another pid namespace" diff_ns || diag "$b"
check "wta's hostname is wta, wtb's is wtb" test "$(sed -n 2p <<<"$out") $(sed -n 2p <<<"$b")" = "wta wtb"

fixture_finish
