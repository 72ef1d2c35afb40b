#!/bin/bash
# test_libraries.sh - what each program maps when it starts (no root; the programs built).
# Every login starts warren-helper, and a warm one never touches the firewall: the helper
# links no libnftables (net/nftlib.c loads it at the firewall's first use), nor the fleet's
# OpenSSL and json-c (warren-lease runs those).  The soname nftlib.c loads is the one the
# build's libnftables has, so that the firewall's first use finds it.  The supervisor (one
# per container, all day) and warren-init (pid 1 inside, in her image) map no shared
# library at all.  warren-lease, which starts beside every cold fleet login, maps its six
# and no more (libcurl's 36 cost it 12 ms a start: issue 19).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
plan 5

# needed PROGRAM - the shared libraries PROGRAM names (DT_NEEDED), one a line.
needed() {
	readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

libs=$(needed warren-helper | tr '\n' ' ')
case " $libs" in
*" libnftables"* | *" libnftnl"* | *" libssl"* | *" libcrypto"* | *" libcurl"* | *" libjson-c"*)
	not_ok "warren-helper links no network or fleet library (it links: $libs)" ;;
*" libc.so"*)
	ok "warren-helper links no network or fleet library (it links: $libs)" ;;
*)
	not_ok "warren-helper's libraries can be read (readelf: '$libs')" ;;
esac

want=$(sed -n 's/^#define NFTLIB_SONAME "\(.*\)"$/\1/p' helper/net/nftlib.h)
dir=$(pkg-config --variable=libdir libnftables 2>/dev/null)
have=$(readelf -d "$dir/libnftables.so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
if [ -z "$dir" ] || [ -z "$have" ]; then
	not_ok "the build's libnftables names its soname ($dir/libnftables.so: none read)"
else
	check "net/nftlib.c loads the soname the build's libnftables has ($want, $have)" \
		test "$want" = "$have"
fi

for p in warren-supervisor warren-init; do
	libs=$(needed "$p" | tr '\n' ' ')
	# A program that is not there names nothing either: it must be a built ELF file.
	check "$p maps no shared library (it names: '$libs')" \
		bash -c 'readelf -h "$1" >/dev/null 2>&1 && test -z "$2"' - "$p" "$libs"
done

libs=$(needed warren-lease | sed 's/\.so.*//' | sort | tr '\n' ' ')
check "warren-lease links libc, libcap, libconfig, OpenSSL and json-c, nothing else (it links: $libs)" \
	test "$libs" = "libc libcap libconfig libcrypto libjson-c libssl "
