/* tree.h - directory trees that belong to a user, walked as root: by dirfd, never
 * following a symlink (HACKING.md §5.2), to a bounded depth. */
#ifndef WARREN_TREE_H
#define WARREN_TREE_H

#include <stdint.h>

#include "lib/errors.h"

/* Prove a copy: the same entries, types, owners, modes, timestamps, hard links, device
 * numbers, symlink targets, xattrs and contents.  Compare the tree below directory fd SRC with the one below DST (the directories
 * themselves are the caller's to compare); NAME is what messages call SRC.  0 if they
 * are alike, else -EXDEV with ERR naming the first difference (or -errno). */
int tree_compare(int src, int dst, const char *name, struct error *err);

/* What the tree below directory fd DIR takes on disk: *RET_BYTES (allocated blocks) and
 * *RET_INODES (entries), added to what they hold. */
int tree_usage(int dir, uint64_t *ret_bytes, uint64_t *ret_inodes);

#endif
