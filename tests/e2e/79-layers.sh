#!/bin/bash
# 79-layers.sh - warrenctl image build/layer/ls/rm and per-group layers: a layer built
# from a local package over the base image is seen by the members of the group that
# lists it and by nobody else, read-only even to root inside; ls tells a container that
# runs an older stack; a layer in use cannot be removed; a missing layer refuses the
# login; an image built with debootstrap (its package cache kept between builds on one
# machine) is one a user logs into.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 23

ctl() { in_ns "$REPO/warrenctl" --config "$CONF" "$@"; }
# The images directory of this test: the base image (a link to the test image: the
# config may name one) and the layers built beside it.
images=$T/images
install -d -m 0755 "$images"
ln -s "$IMAGE" "$images/default"
config() { # config LAYERS-OF-wtga
	write_config "$(default_config | sed '/^image = /d; /^defaults/d')
image = \"$images/default\";
defaults = { idle_timeout = 60; disk = \"max\"; network = \"none\"; root = true; };
groups = ( { name = \"wtga\"; layers = [ $1 ]; } );"
}
config ''
groupadd wtga && usermod -aG wtga wta

# A package of the course's tools, built here: no mirror needed.
pkg=$T/pkg
mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin"
printf 'Package: cs101-tools\nVersion: 1.0\nArchitecture: all\nMaintainer: warren tests <root@localhost>\nDescription: the tools of course cs101 (a warren test)\n' >"$pkg/DEBIAN/control"
printf '#!/bin/sh\necho "hello from cs101"\n' >"$pkg/usr/bin/cs101-hello"
chmod 0755 "$pkg/usr/bin/cs101-hello"
dpkg-deb --build --root-owner-group "$pkg" "$T/cs101.deb" >/dev/null

out=$(ctl image layer cs101 --from default --deb "$T/cs101.deb" 2>&1)
check "image layer cs101 --from default --deb: built beside the image (exit $?)" \
	test -x "$images/cs101/usr/bin/cs101-hello" || diag "$out"
# A package whose scripts are not to be trusted (a course's .deb from a TA): its postinst
# writes through /proc/1/root and every other process's root it can see (the host's, were
# the build on the host's /proc), starts a daemon, and notes what it sees: the policy for
# services, the network (built outside the test's network namespace: the host's), its ids.
evil=$T/evil
marker=warren-escaped-$$
mkdir -p "$evil/DEBIAN" "$evil/usr/share/warren-evil"
printf 'Package: warren-evil\nVersion: 1\nArchitecture: all\nMaintainer: warren tests <root@localhost>\nDescription: a package that reaches for the host (a warren test)\n' \
	>"$evil/DEBIAN/control"
cat >"$evil/DEBIAN/postinst" <<POSTINST
#!/bin/sh
for root in /proc/1/root /proc/[0-9]*/root; do echo escaped >\$root/tmp/$marker; done 2>/dev/null
setsid sh -c 'sleep 600; : $marker-daemon' </dev/null >/dev/null 2>&1 &
seen=/usr/share/warren-evil/seen
/usr/sbin/policy-rc.d warren-evil start >/dev/null 2>&1; echo "policy-rc.d: \$?" >\$seen
echo "interfaces: \$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')" >>\$seen
echo "uid_map: \$(tr -s ' ' </proc/self/uid_map)" >>\$seen
exit 0
POSTINST
chmod 0755 "$evil/DEBIAN/postinst"
dpkg-deb --build --root-owner-group "$evil" "$T/evil.deb" >/dev/null
out=$("$REPO/warrenctl" --config "$CONF" image layer evil --from default --deb "$T/evil.deb" 2>&1)
rc=$?
daemon=$(pgrep -af -- "$marker-daemon")
check "image layer from a package whose postinst reaches for the host: built (exit $rc)" \
	test "$rc" -eq 0 -a -f "$images/evil/usr/share/warren-evil/seen" || diag "$out"
check "its writes through /proc/1/root and the other processes' roots left nothing on the host" \
	test ! -e "/tmp/$marker"
rm -f "/tmp/$marker"
check "the daemon it started did not outlive the build" test -z "$daemon" || diag "$daemon"
[ -n "$daemon" ] && pkill -f -- "$marker-daemon"
seen=$(cat "$images/evil/usr/share/warren-evil/seen" 2>&1)
check "it ran with a policy-rc.d that starts no service (101), loopback alone, not as host root" \
	bash -c 'grep -qx "policy-rc.d: 101" <<<"$1" && grep -qx "interfaces: lo " <<<"$1" &&
		grep -q "^uid_map: *0 [1-9][0-9]* 65536" <<<"$1"' - "$seen" || diag "$seen"
check "the layer keeps no policy-rc.d, and what the package made is root's on the host" \
	bash -c 'test ! -e "$1/usr/sbin/policy-rc.d" && [ "$(stat -c %u:%g "$1/usr/share/warren-evil/seen")" = 0:0 ]' \
	- "$images/evil" || diag "$(ls -ln "$images/evil/usr/share/warren-evil" 2>&1)"
ctl image rm evil >/dev/null 2>&1

out=$(ctl image layer cs102 --from nosuch --deb "$T/cs101.deb" 2>&1)
check "image layer --from an image that is not there: refused, nothing made" \
	bash -c '[ ! -e "$1" ] && grep -q "nosuch is not a base image" <<<"$2"' - "$images/cs102" "$out" ||
	diag "$out"

config '"cs101"'
out=$(tssh wta -- 'cs101-hello; dpkg -s cs101-tools | grep ^Status' 2>&1)
check "a member of wtga runs the layer's tool, and dpkg knows its package" \
	test "$(printf '%s\n' "$out" | tr -d '\r')" = "hello from cs101
Status: install ok installed" || diag "$out"
out=$(tssh wtb -- 'command -v cs101-hello || echo not-here' 2>&1)
check "a user outside wtga does not see it" test "$(printf '%s' "$out" | tr -d '\r')" = not-here ||
	diag "$out"
ctl exec wta --root -- sh -c 'echo changed >/usr/bin/cs101-hello' </dev/null >/dev/null 2>&1
check "root inside changes her own copy only: the layer is untouched" \
	grep -q "hello from cs101" "$images/cs101/usr/bin/cs101-hello"

out=$(ctl image ls --json 2>&1)
check "image ls --json: cs101 a layer from default, used by group wtga and one container" \
	perl -MJSON::PP -e 'my %i = map { $_->{name} => $_ } @{ decode_json($ARGV[0]) };
		my ($l, $d) = @i{qw(cs101 default)}; $l && $d or exit 1;
		exit !($l->{kind} eq "layer" && $l->{from} eq "default" && $l->{used_by} eq "group wtga" &&
			$l->{running} == 1 && $l->{built} =~ /^\d{4}-\d\d-\d\dT/ &&
			$d->{kind} eq "image" && $d->{used_by} eq "base image")' "$out" || diag "$out"
out=$(ctl image rm cs101 2>&1)
rc=$?
check "image rm of a layer in use is refused (exit $rc), and it stays" \
	bash -c '[ "$1" -ne 0 ] && grep -q "in use" <<<"$2" && test -d "$3"' - "$rc" "$out" "$images/cs101" ||
	diag "$out"

stack_field() { # stack_field USER: her stack and whether it is current, from ls --json
	ctl ls --json | perl -MJSON::PP -e 'for (@{ decode_json(join "", <STDIN>) }) {
		print "$_->{stack} ", (defined $_->{stack_current} ? ($_->{stack_current} ? "current" : "older") : "null")
		if $_->{user} eq $ARGV[0] }' "$1"
}
out=$(stack_field wta)
check "ls: her container runs the stack cs101 over default, the current one ($out)" \
	test "$out" = "cs101 default current"
out=$(ctl show wta 2>&1)
check "show: her layers and where they come from, and the stack her container runs" \
	bash -c 'grep -Eq "^layers +cs101 \(group wtga\)$" <<<"$1" && grep -qx "image stack: cs101 default" <<<"$1"' \
	- "$out" || diag "$out"
config ''
out=$(stack_field wta)
table=$(ctl ls 2>&1)
check "after the config dropped the layer, ls says her stack is older ($out)" \
	bash -c '[ "$1" = "cs101 default older" ] && grep -Eq "^wta .*cs101 default \(older\)$" <<<"$2"' \
	- "$out" "$table" || diag "$table"
ctl stop wta >/dev/null 2>&1
out=$(tssh wta -- 'dpkg -s cs101-tools >/dev/null 2>&1 && echo installed || echo not-installed' 2>&1)
check "her next container has no layer (her own changed copy of the tool stays hers)" \
	test "$(printf '%s' "$out" | tr -d '\r')" = not-installed || diag "$out"
check "and ls says so: default alone, current" test "$(stack_field wta)" = "default current"
ctl stop wta >/dev/null 2>&1
out=$(ctl image rm cs101 2>&1)
check "image rm once nothing uses it: removed, with its record" \
	bash -c 'test ! -e "$1/cs101" -a ! -e "$1/.cs101.meta"' - "$images" || diag "$out"

config '"cs101"'
log_mark
out=$(tssh wta -- true 2>&1)
check "a login whose group lists a layer that is not there is refused" test $? -ne 0
check "with the layer, its path and the fix in the log" \
	wait_log "layer $images/cs101.*warrenctl image layer cs101" 5 || diag "$(log_since)"

# A base image of our own, with one package more than the default set: debootstrap
# fetches from the Debian mirror (as the suite's own test image does), so outside the
# test's network namespace; what it fetched before on this machine comes from its cache.
ctl stop wta >/dev/null 2>&1
out=$("$REPO/warrenctl" --config "$CONF" image build small --packages bc 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -Eq "Couldn't download|Failed getting release|Temporary failure resolving" <<<"$out"; then
	for d in "image build: a Debian image with the packages asked for" "a user logs into it" \
		"image ls: it, as a base image with its packages"; do
		skip "$d" "debootstrap cannot reach the Debian mirror from here"
	done
else
	check "image build small --packages bc (exit $rc): a Debian image, with progress shown" \
		bash -c 'test -x "$1/usr/bin/bc" && grep -q "^I: Base system installed successfully" <<<"$2"' \
		- "$images/small" "$out" || diag "$out"
	write_config "$(default_config | sed '/^image = /d; /^defaults/d')
image = \"$images/small\";
defaults = { idle_timeout = 60; disk = \"max\"; network = \"none\"; };"
	out=$(tssh wta -- 'echo 6*7 | bc; . /etc/os-release; echo $VERSION_CODENAME' 2>&1)
	check "a user logs into it" test "$(printf '%s\n' "$out" | tr -d '\r')" = "42
bookworm" || diag "$out"
	out=$(ctl image ls --json 2>&1)
	check "image ls: it, as a base image with its packages" \
		perl -MJSON::PP -e 'my ($s) = grep { $_->{name} eq "small" } @{ decode_json($ARGV[0]) };
			exit !($s && $s->{kind} eq "image" && $s->{packages} eq "bc" && $s->{suite} eq "bookworm" &&
				$s->{used_by} eq "base image" && $s->{running} == 1)' "$out" || diag "$out"
fi

ctl stop wta >/dev/null 2>&1
ctl stop wtb >/dev/null 2>&1
fixture_finish
