/* nftlib.h - libnftables, loaded at its first use rather than when a program starts.
 *
 * Every login starts warren-helper, and a warm one (her container runs) never touches the
 * firewall; libnftables and the four libraries it needs (libnftnl, libxtables, libjansson,
 * libgmp) were half of the helper's start (issue 22: about 1.3 ms of a 4.7 ms exec here).
 * So nft.c and warrenctl doctor reach libnftables through this table, which dlopen(3)
 * fills the first time it is asked for.
 *
 * Loaded by its soname, from the directories the dynamic linker trusts: in a setuid
 * program (AT_SECURE) the linker ignores LD_LIBRARY_PATH for dlopen as for its start.
 * Only ever asked for in the host's mount namespace (the helper's, a copy of it for a
 * build, warrenctl's): never after a switch into a container's, whose files are hers.
 */
#ifndef WARREN_NFTLIB_H
#define WARREN_NFTLIB_H

#include <stddef.h>

#include <nftables/libnftables.h>

/* The soname the build linked against before (Debian 12, Ubuntu 24.04: libnftables1). */
#define NFTLIB_SONAME "libnftables.so.1"

/* The functions warren calls, each with the very type of the header's declaration. */
struct nftlib {
	__typeof__(nft_ctx_new) *ctx_new;
	__typeof__(nft_ctx_free) *ctx_free;
	__typeof__(nft_ctx_buffer_output) *ctx_buffer_output;
	__typeof__(nft_ctx_buffer_error) *ctx_buffer_error;
	__typeof__(nft_ctx_get_output_buffer) *ctx_get_output_buffer;
	__typeof__(nft_ctx_get_error_buffer) *ctx_get_error_buffer;
	__typeof__(nft_run_cmd_from_buffer) *run_cmd_from_buffer;
};

/* The loaded library, or NULL with WHY (LEN bytes) saying why it could not be loaded and
 * the fix (not logged: the caller's error says it).  Loaded once per process; later
 * calls return the same table. */
const struct nftlib *nftlib_get(char *why, size_t len);

#endif
