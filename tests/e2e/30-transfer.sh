#!/bin/bash
# 30-transfer.sh - scp (sftp protocol), scp -O (legacy, runs scp inside) and sftp put land
# in the container's home: visible inside, in wta's home upper layer on the host, and not
# in the host's /home/wta.  Downloads read the container's files.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 13

host_home=$(getent passwd wta | cut -d: -f6)
upper=$STATE/users/wta/home

lands() { # lands HOW FILE: the three views of an uploaded file
	local how=$1 f=$2 inside
	inside=$(tssh wta -- "cat ~/$f" 2>&1)
	check "$how: ~/$f inside has the content" test "$inside" = "content of $f" || diag "$inside"
	check "$how: $f is in wta's home upper layer on the host" grep -qx "content of $f" "$upper/$f"
	check "$how: $f is not in the host's $host_home" test ! -e "$host_home/$f"
}

for f in up-scp up-scp-O up-sftp; do echo "content of $f" >"$T/$f"; done

check "scp (sftp protocol) upload" tscp wta "$T/up-scp" R:up-scp
lands "scp" up-scp

check "scp -O (legacy protocol, scp inside) upload" tscp wta -O "$T/up-scp-O" R:up-scp-O
lands "scp -O" up-scp-O

check "sftp put" tsftp wta <<<"put $T/up-sftp up-sftp"
lands "sftp" up-sftp

tssh wta -- 'echo made inside >~/made-inside' >/dev/null 2>&1
tscp wta R:made-inside "$T/down" >/dev/null 2>&1
check "scp download reads the container's file" grep -qx 'made inside' "$T/down"

fixture_finish
