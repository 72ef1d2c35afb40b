/* netalloc.h - each user's slot (address, veth name) in the bridged network: stable
 * across her container's restarts, unique among all users, and decided under one lock
 * for all logins, so that concurrent logins of different users never share a slot.
 *
 * STATE_DIR/network/slots (root's, 0600) has a line "USER SLOT" per user ever given a
 * slot; it is rewritten whole (new file, fsync, rename) before a new slot is used, so a
 * crash never leaves a slot in use that the file does not record.  Slots stay with their
 * user: an address is never handed to someone else. */
#ifndef WARREN_NETALLOC_H
#define WARREN_NETALLOC_H

#include <stdint.h>

#include "lib/errors.h"

/* In TEXT (the file's contents), USER's slot, or the lowest one nobody has (below
 * NSLOTS).  0: *RET_SLOT is USER's; 1: it is a free one to record for her; -ENOSPC: all
 * are taken; -EBADMSG: a line is not "USER SLOT" (*RET_LINE says which). */
int netalloc_find(const char *text, const char *user, uint32_t nslots, uint32_t *ret_slot,
		  unsigned *ret_line);

/* USER's slot under STATE_DIR, recorded if new.  ERR names the file and the fix. */
int netalloc_get(const char *state_dir, const char *user, uint32_t nslots, uint32_t *ret_slot,
		 struct error *err);

/* USER's recorded slot under STATE_DIR, without giving her one: -ENOENT if she has none
 * yet (warrenctl explain). */
int netalloc_lookup(const char *state_dir, const char *user, uint32_t *ret_slot);

#endif
