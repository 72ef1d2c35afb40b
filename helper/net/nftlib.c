/* nftlib.c - libnftables, loaded at its first use (see nftlib.h). */
#include <dlfcn.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "net/nftlib.h"

/* Allocations below this size stay in the heap (see nftlib_get). */
#define NFTLIB_HEAP_KEPT (32 << 20)

static struct nftlib lib;
static bool loaded;

/* One symbol of HANDLE into *SLOT; false if the library lacks it. */
static bool resolve(void *handle, const char *name, void *slot)
{
	void *sym = dlsym(handle, name);

	if (!sym)
		return false;
	/* POSIX: a function's address from dlsym may be used as a function pointer; copied
	 * in bytes, as the field is one. */
	memcpy(slot, &sym, sizeof(sym));
	return true;
}

const struct nftlib *nftlib_get(char *why, size_t len)
{
	static const struct {
		const char *name;
		size_t offset;
	} syms[] = {
#define SYM(field, name) { #name, offsetof(struct nftlib, field) }
		SYM(ctx_new, nft_ctx_new),
		SYM(ctx_free, nft_ctx_free),
		SYM(ctx_buffer_output, nft_ctx_buffer_output),
		SYM(ctx_buffer_error, nft_ctx_buffer_error),
		SYM(ctx_get_output_buffer, nft_ctx_get_output_buffer),
		SYM(ctx_get_error_buffer, nft_ctx_get_error_buffer),
		SYM(run_cmd_from_buffer, nft_run_cmd_from_buffer),
#undef SYM
	};
	void *handle;

	if (loaded)
		return &lib;
	/* RTLD_NOW: a missing symbol fails here, not in the middle of a firewall change. */
	if (!(handle = dlopen(NFTLIB_SONAME, RTLD_NOW | RTLD_LOCAL))) {
		const char *e = dlerror();

		snprintf(why, len, "cannot load %s (%s): install libnftables1", NFTLIB_SONAME,
			 e ? e : "unknown error");
		return NULL;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (!resolve(handle, syms[i].name, (char *)&lib + syms[i].offset)) {
			snprintf(why, len, "%s has no %s: is it libnftables? (install libnftables1)",
				 NFTLIB_SONAME, syms[i].name);
			dlclose(handle);
			return NULL;
		}
	/* Kept open for the process's life: its functions are in the table. */
	loaded = true;
	/* libnftables's caches are hash tables of 128 KiB, made and freed at every command:
	 * at glibc's default thresholds each is a fresh mapping, unmapped again, and every
	 * command pays for page faults and TLB shootdowns anew (in a helper here, medians:
	 * the firewall's transaction 3.45 ms, 2.9 with this; a listing 1.15, 0.9).  Kept in
	 * the heap, freed memory is reused.
	 * The processes that load it are short-lived: a helper, a stop, warrenctl. */
	(void)mallopt(M_MMAP_THRESHOLD, NFTLIB_HEAP_KEPT);
	(void)mallopt(M_TRIM_THRESHOLD, 2 * NFTLIB_HEAP_KEPT);
	return &lib;
}
