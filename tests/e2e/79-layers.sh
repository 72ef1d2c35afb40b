#!/bin/bash
# 79-layers.sh - warrenctl image build/layer/ls/rm and per-group layers: a layer built
# from a local package over the base image is seen by the members of the group that
# lists it and by nobody else, read-only even to root inside; ls tells a container that
# runs an older stack; a layer in use cannot be removed; a missing layer refuses the
# login; of two layers with the same file she sees the first listed one's; a layer build
# killed half-way leaves nothing in place, running or mounted, and its re-run succeeds
# and removes what it left, as a killed image build's; the base image build's script ends
# on SIGTERM by pid; image rm waits for a running build, whose lock is root's alone;
# image refuses a user other than root; an image built with debootstrap (its package
# cache kept between builds on one machine) is one a user logs into.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/lib/fixture.sh

fixture_start 43

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

# The base image, as a fingerprint of its tree (names, sizes, times, modes, owners), to
# compare after the layers' builds: a layer's build never changes it.
fingerprint() { find "$IMAGE/" -xdev -printf '%P %s %T@ %C@ %m %U %G %l\n' | sort | sha256sum; }
base_before=$(fingerprint)
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
check "the base image is as it was before both builds (its tree's names, sizes, times, modes, owners)" \
	test "$(fingerprint)" = "$base_before"

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
# Whoever can open the lock file can hold the lock and keep every build and image rm
# waiting: the builds made it root's alone.
check "the images directory's build lock, made by the layer build, is root's alone (0600)" \
	test "$(stat -c '%u %a' "$images/.build-lock" 2>&1)" = "0 600" || diag "$(ls -la "$images")"
# While a build holds the images directory's lock (a layer build's --from image is its
# overlay's lower directory), image rm waits for it: the test holds the lock here.
exec {lock}>>"$images/.build-lock"
flock -x "$lock"
ctl image rm cs101 >"$T/rm.log" 2>&1 {lock}>&- &
rm_pid=$!
for ((i = 0; i < 40; i++)); do grep -q 'a build runs' "$T/rm.log" && break; sleep 0.25; done
check "image rm while a build holds the images directory's lock says it waits, and removes nothing" \
	bash -c 'grep -q "a build runs in $1; waiting for it" "$2" && test -d "$1/cs101"' - "$images" "$T/rm.log" ||
	diag "$(cat "$T/rm.log")"
# A layer build waiting for the lock: its --from image, removed meanwhile, is looked at
# under the lock and refused by name (review 30: it was looked at before).
mkdir -p "$images/gone/etc"
ctl image layer cs103 --from gone --deb "$T/cs101.deb" >"$T/gone.log" 2>&1 {lock}>&- &
gone_pid=$!
for ((i = 0; i < 40; i++)); do grep -q 'another build runs' "$T/gone.log" && break; sleep 0.25; done
rm -rf "${images:?}/gone"
exec {lock}>&-
wait "$rm_pid"
wait "$gone_pid"
rc=$?
check "a layer build whose --from image went while it waited for the lock: refused by name (exit $rc), nothing made" \
	bash -c '[ "$1" -ne 0 ] && grep -q "gone is not a base image" "$2" && [ ! -e "$3/cs103" ]' - "$rc" "$T/gone.log" "$images" ||
	diag "$(cat "$T/gone.log")"
out=$(cat "$T/rm.log")
check "image rm once nothing uses it: removed, with its record" \
	bash -c 'test ! -e "$1/cs101" -a ! -e "$1/.cs101.meta"' - "$images" || diag "$out"

config '"cs101"'
log_mark
out=$(tssh wta -- true 2>&1)
check "a login whose group lists a layer that is not there is refused" test $? -ne 0
check "with the layer, its path and the fix in the log" \
	wait_log "layer $images/cs101.*warrenctl image layer cs101" 5 || diag "$(log_since)"

# Two layers that hold the same file, /usr/share/warren-order/which ("a" in la, "b" in
# lb): she sees the first listed one's.  lb's package script first waits on a fifo (in
# its build's tree: the test holds the build there); its warrenctl is killed (SIGKILL, by
# pid) while it waits: nothing of it is in place, nothing of it runs or stays mounted,
# the login of a member whose group lists lb is refused, la is untouched, and the build
# run again succeeds and removes what the killed one left.
ctl stop wta >/dev/null 2>&1
mkdeb() { # mkdeb NAME WHICH [POSTINST]: $T/NAME.deb
	local d=$T/$1
	mkdir -p "$d/DEBIAN" "$d/usr/share/warren-order"
	printf 'Package: %s\nVersion: 1\nArchitecture: all\nMaintainer: warren tests <root@localhost>\nDescription: one of two layers with the same file (a warren test)\n' \
		"$1" >"$d/DEBIAN/control"
	echo "$2" >"$d/usr/share/warren-order/which"
	if [ -n "${3:-}" ]; then
		printf '#!/bin/sh\n%s\n' "$3" >"$d/DEBIAN/postinst"
		chmod 0755 "$d/DEBIAN/postinst"
	fi
	dpkg-deb --build --root-owner-group "$d" "$T/$1.deb" >/dev/null
}
mkdeb order-a a
mkdeb order-b b 'mkfifo /warren-gate && read go </warren-gate; rm -f /warren-gate'
out=$(ctl image layer la --from default --deb "$T/order-a.deb" 2>&1) || diag "$out"
tree() { find "$1/" -printf '%P %s %T@ %m %U %G %l\n' | sort | sha256sum; }
la_before=$(tree "$images/la")
# gate: the fifo lb's package script waits on, once it waits (up to 120 s), as the
# script sees it (through its root: the overlay's fifo is not the one in the upper
# directory); the build's directory into $left
gate() {
	local f i pid
	for ((i = 0; i < 480; i++)); do
		for f in "$images"/.mklayer.*/rw/upper/warren-gate; do
			pid=$(pgrep -f "order-b.postinst" | head -n 1)
			[ -p "$f" ] && [ -n "$pid" ] && [ -p "/proc/$pid/root/warren-gate" ] &&
				{ left=${f%/rw/upper/warren-gate}; fifo=/proc/$pid/root/warren-gate; return 0; }
		done
		sleep 0.25
	done
	return 1
}
"$REPO/warrenctl" --config "$CONF" image layer lb --from default --deb "$T/order-b.deb" >"$T/lb-killed.log" 2>&1 &
build=$!
left= fifo=
gate
kill -KILL "$build"
wait "$build" 2>/dev/null
check "a layer build whose package script waits, its warrenctl killed (SIGKILL): no layer lb in place, nor its record" \
	test -n "$left" -a ! -e "$images/lb" -a ! -e "$images/.lb.meta" || diag "$(cat "$T/lb-killed.log")"
build_procs() { pgrep -af -- "${left:-/nonexistent}|/tmp/warren-debs|warren-mklayer $images/lb"; }
for ((i = 0; i < 40; i++)); do [ -z "$(build_procs)" ] && break; sleep 0.25; done
check "nothing of the killed build runs on (the build script, the sandbox, dpkg and the package script)" \
	test -z "$(build_procs)" || diag "$(build_procs)"
check "and nothing of it stays mounted" bash -c '! grep -qF "$1" /proc/self/mountinfo' - "$images" ||
	diag "$(grep -F "$images" /proc/self/mountinfo)"
check "the layer la, built before, is as it was" test -d "$images/la" -a "$(tree "$images/la")" = "$la_before"
config '"la", "lb"'
log_mark
out=$(tssh wta -- cat /usr/share/warren-order/which 2>&1)
check "a member of wtga, whose group lists la and lb, sees no half of lb: her login is refused ($out)" \
	test "$(printf '%s' "$out" | tr -d '\r')" != b
check "with lb, its path and the fix in the log" \
	wait_log "layer $images/lb.*warrenctl image layer lb" 5 || diag "$(log_since)"
"$REPO/warrenctl" --config "$CONF" image layer lb --from default --deb "$T/order-b.deb" >"$T/lb.log" 2>&1 &
build=$!
killed=$left
gate && timeout 20 bash -c 'echo go >"$1"' - "$fifo" || kill -KILL "$build"
wait "$build"
rc=$?
left=$killed
check "the build run again succeeds (exit $rc), and removed what the killed one left ($left): no build directory stays" \
	bash -c '[ "$1" = 0 ] && [ -f "$2/lb/usr/share/warren-order/which" ] && [ ! -e "$2/lb/warren-gate" ] &&
		[ -n "$3" ] && [ ! -e "$3" ] && ! ls -d "$2"/.mklayer.?????? 2>/dev/null' - "$rc" "$images" "$left" ||
	diag "$(cat "$T/lb.log"; ls -la "$images")"
ctl stop wta >/dev/null 2>&1
out=$(tssh wta -- cat /usr/share/warren-order/which 2>&1)
ctl stop wta >/dev/null 2>&1
config '"lb", "la"'
out2=$(tssh wta -- cat /usr/share/warren-order/which 2>&1)
ctl stop wta >/dev/null 2>&1
check "layers = [ la, lb ], both with the same file: she sees la's ($out); [ lb, la ]: lb's ($out2)" \
	test "$(printf '%s %s' "$out" "$out2" | tr -d '\r')" = "a b"

# warrenctl image as another user than root: refused, saying why; nothing changes.
images_state() { ls -la --time-style=+%s "$images"; }
before=$(images_state)
check "warrenctl image ls, rm, layer and build as a user other than root: each refused, saying why" \
	nobody_refused 'needs root' "image ls" "image rm la" "image layer lc --from default --deb $T/order-a.deb" \
	"image build small2"
check "and the images directory is as it was (la there, no lc, no small2)" \
	test "$(images_state)" = "$before" -a -d "$images/la" || diag "$(images_state)"
config ''

# A base image build killed half-way: its warrenctl is killed (SIGKILL, by pid) while
# debootstrap waits on its mirror, a listener of the test's on loopback that takes the
# request and never answers.  Nothing of the build runs on, nothing is in place, and the
# next build (a layer's) removes what it left.  Builds in one images directory take
# turns, under its lock.
mirror_pid=
mirror_stop() { pid_alive "$mirror_pid" && kill -TERM "$mirror_pid" && wait "$mirror_pid" 2>/dev/null; mirror_pid=; }
perl -MIO::Socket::INET -e '
	my ($dir) = @ARGV;
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 8, ReuseAddr => 1)
		or die "mirror: listen: $!\n";
	open(my $f, ">", "$dir/mirror.port.new") or die; print $f $s->sockport, "\n"; close $f;
	rename("$dir/mirror.port.new", "$dir/mirror.port") or die;
	my @held;
	while (my $c = $s->accept) {
		while (my $l = <$c>) { last if $l =~ /^\r?\n$/ }
		open(my $m, ">>", "$dir/mirror.seen") or die; print $m "request\n"; close $m;
		if (-e "$dir/mirror.refuse") { print $c "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"; close $c }
		else { push @held, $c }
	}' "$T" &
mirror_pid=$!
for ((i = 0; i < 100; i++)); do [ -s "$T/mirror.port" ] && break; sleep 0.1; done
mirror=http://127.0.0.1:$(cat "$T/mirror.port" 2>/dev/null)/debian
# First the images directory's build lock is the test's (as another build would hold it):
# the build says it waits, and asks its mirror nothing until the lock is free.  A SIGTERM
# by pid to its build script (pid 1 of the build's PID namespace, under warrenctl's
# unshare) ends it there and then.
exec {lock}>>"$images/.build-lock"
flock -x "$lock"
WARREN_MIRROR=$mirror "$REPO/warrenctl" --config "$CONF" image build termed >"$T/termed.log" 2>&1 {lock}>&- &
build=$!
for ((i = 0; i < 120; i++)); do grep -q 'another build runs' "$T/termed.log" && break; sleep 0.25; done
check "an image build while another build holds the images directory's lock says it waits, and asks its mirror nothing" \
	bash -c 'grep -q "another build runs in $1; waiting for it" "$2" && [ ! -e "$3" ]' - "$images" "$T/termed.log" "$T/mirror.seen" ||
	diag "$(cat "$T/termed.log")"
script=$(pgrep -P "$(pgrep -P "$build")")
[ -n "$script" ] && kill -TERM "$script"
for ((i = 0; i < 40; i++)); do pid_alive "$script" || break; sleep 0.25; done
pid_alive "$script" && kill -KILL "$build" # it did not end: the way that does
wait "$build"
rc=$?
check "SIGTERM by pid to that build's script ($script): the build ends (exit $rc), no image, nothing of it runs on" \
	bash -c '[ -n "$1" ] && [ "$2" = 1 ] && [ ! -e "$3/termed" ] && ! pgrep -f -- "$3/termed"' - "$script" "$rc" "$images" ||
	diag "$(cat "$T/termed.log")"
exec {lock}>&-
WARREN_MIRROR=$mirror "$REPO/warrenctl" --config "$CONF" image build stalled >"$T/stalled.log" 2>&1 &
build=$!
for ((i = 0; i < 480; i++)); do [ -s "$T/mirror.seen" ] && break; pid_alive "$build" || break; sleep 0.25; done
left=$(ls -d "$images"/.mkimage.?????? 2>/dev/null)
kill -KILL "$build"
wait "$build" 2>/dev/null
check "an image build waiting on its mirror, its warrenctl killed (SIGKILL): no image stalled in place, nor its record" \
	test -s "$T/mirror.seen" -a -n "$left" -a ! -e "$images/stalled" -a ! -e "$images/.stalled.meta" ||
	diag "$(cat "$T/stalled.log"; ls -la "$images")"
image_procs() { pgrep -af -- "$images/(stalled|\.mkimage)|${mirror#http://}"; }
for ((i = 0; i < 40; i++)); do [ -z "$(image_procs)" ] && break; sleep 0.25; done
procs=$(image_procs)
check "nothing of the killed image build runs on (warren-mkimage, debootstrap, its download)" \
	test -z "$procs" || diag "$procs"
# What runs on would hold the images directory's build lock, and every build below would
# wait for it: the test's own leftovers (its directory and mirror in their command lines)
# are ended here, by pid.
[ -n "$procs" ] && kill -KILL $(cut -d' ' -f1 <<<"$procs") 2>/dev/null
# The next build, of either kind, removes what a killed one left: a layer build (refused
# once it has: its package is not there) the image build's; an image build a layer
# build's (a .mklayer.* directory as a killed layer build leaves).
out=$("$REPO/warrenctl" --config "$CONF" image layer lgone --from default --deb "$T/no-such.deb" 2>&1)
rc=$?
check "a layer build after it (exit $rc, its package not there) removed what the killed image build left ($left)" \
	bash -c '[ "$1" != 0 ] && [ -n "$2" ] && [ ! -e "$2" ] && grep -qF "removing $2" <<<"$3"' - "$rc" "$left" "$out" ||
	diag "$out"
left=$images/.mklayer.k1lled
mkdir -p "$left/rw/upper"
: >"$T/mirror.refuse"
out=$(WARREN_MIRROR=$mirror "$REPO/warrenctl" --config "$CONF" image build stalled 2>&1)
rc=$?
check "the next image build (exit $rc, its mirror refusing) removed what a killed layer build left ($left), and left nothing of its own" \
	bash -c '[ "$1" != 0 ] && [ -n "$3" ] && [ ! -e "$3" ] && ! ls -d "$2"/.mkimage.?????? 2>/dev/null &&
		[ ! -e "$2/stalled" ] && grep -qF "removing $3" <<<"$4"' - "$rc" "$images" "$left" "$out" ||
	diag "$out"
mirror_stop

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
