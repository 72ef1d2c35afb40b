#!/bin/bash
# 30-transfer.sh - scp (sftp protocol), scp -O (legacy, runs scp inside), sftp put and
# rsync land in the container's home: visible inside, in wta's home upper layer on the
# host, and not in the host's /home/wta.  Downloads read the container's files.  ssh -L
# reaches a port inside the container, not the one on the host's loopback.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 18

host_home=$(getent passwd wta | cut -d: -f6)
upper=$STATE/users/wta/home

lands() { # lands HOW FILE: the three views of an uploaded file
	local how=$1 f=$2 inside
	inside=$(tssh wta -- "cat ~/$f" 2>&1)
	check "$how: ~/$f inside has the content" test "$inside" = "content of $f" || diag "$inside"
	check "$how: $f is in wta's home upper layer on the host" grep -qx "content of $f" "$upper/$f"
	check "$how: $f is not in the host's $host_home" test ! -e "$host_home/$f"
}

for f in up-scp up-scp-O up-sftp up-rsync; do echo "content of $f" >"$T/$f"; done

check "scp (sftp protocol) upload" tscp wta "$T/up-scp" R:up-scp
lands "scp" up-scp

check "scp -O (legacy protocol, scp inside) upload" tscp wta -O "$T/up-scp-O" R:up-scp-O
lands "scp -O" up-scp-O

check "sftp put" tsftp wta <<<"put $T/up-sftp up-sftp"
lands "sftp" up-sftp

if command -v rsync >/dev/null; then
	rsh="ssh ${SSH_COMMON[*]} -o UserKnownHostsFile=$T/known_hosts -i $T/keys/wta -p $PORT"
	check "rsync upload (rsync runs inside)" \
		in_ns timeout 30 rsync -e "$rsh" "$T/up-rsync" wta@127.0.0.1:up-rsync
	lands "rsync" up-rsync
else
	for i in 1 2 3 4; do skip "rsync" "rsync is not installed on this host"; done
fi

# ssh -L: the same port listens inside the container and on the sshd's loopback; the
# forward must reach the one inside.  (perl-base is in every image and on every host.)
listen='use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:8000",
	Listen => 1, ReuseAddr => 1) or die "listen: $!"; print "up\n"; $|=1;
	while (my $c = $s->accept) { print $c "$ARGV[0]\n"; close $c }'
in_ns perl -e "$listen" host >"$T/host-listener" 2>&1 &
hostl=$!
# The listener inside runs while its login is held (until release).
hold inside wta -- "perl -e '$listen' container & head -n 1 >/dev/null; kill \$!"
for i in $(seq 300); do grep -q up "$T/inside.out" && grep -q up "$T/host-listener" && break; sleep 0.1; done
tssh wta -N -L 9000:127.0.0.1:8000 >/dev/null 2>&1 &
fwd=$!
got=
for i in $(seq 250); do # while the forward comes up (tssh gives it 30 s)
	got=$(in_ns perl -MIO::Socket::INET -e '$c = IO::Socket::INET->new("127.0.0.1:9000") or exit 1; print scalar <$c>' 2>/dev/null) && break
	sleep 0.1
done
check "ssh -L 9000:127.0.0.1:8000 reaches the listener inside the container" test "$got" = container || diag "got: $got"
kill "$fwd" "$hostl" 2>/dev/null
wait "$fwd" "$hostl" 2>/dev/null
release inside

tssh wta -- 'echo made inside >~/made-inside' >/dev/null 2>&1
tscp wta R:made-inside "$T/down" >/dev/null 2>&1
check "scp download reads the container's file" grep -qx 'made inside' "$T/down"

fixture_finish
