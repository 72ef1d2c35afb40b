/* disk.h - the disk limit: a user's persistent layers in an ext4 image of that size.
 *
 * Her image (root's, 0600; layout.h says where) is made when a user first gets a disk limit,
 * grown or shrunk (never below what is used) when the limit changes (storage.h), and
 * mounted through a loop device only inside a private mount namespace: no host mount,
 * and the loop device detaches itself when the last reference goes.
 * This works on every filesystem, needing no quota support from it.
 */
#ifndef WARREN_DISK_H
#define WARREN_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/errors.h"

/* A new image at PATH (created, never replacing a file) of SIZE bytes with an empty
 * ext4 whose root is root's; with MMP, ext4's multi-mount protection on (a fleet's: the
 * kernel then refuses to mount it while another host has it mounted). */
int disk_create(const char *path, uint64_t size, bool mmp, struct error *err);

/* Grow or shrink the image at PATH from HAVE to SIZE bytes (e2fsck, resize2fs);
 * shrinking below what its files use is refused and leaves it as it was. */
int disk_resize(const char *path, uint64_t have, uint64_t size, struct error *err);

/* IMAGE mounted at DISK_PRIVATE_TARGET (layout.h) in a new mount namespace of the calling process
 * (a process of its own: the image is never mounted on the host, and it goes with the
 * process); SHARED as disk_mount's.  ERR says which step failed. */
int disk_mount_private(const char *image, bool shared, struct error *err);

/* Detach every loop device backed by IMAGE (an absolute path); how many.  For a
 * container that is gone (gc): a mounted one would only go on its unmount. */
int disk_release(const char *image);

/* Attach IMAGE to a free loop device (auto-clearing) and mount its ext4 on TARGET.
 * DEVDIR is a devtmpfs of our own (the caller's /dev may be anything).  SHARED: the
 * image is on a fleet's store, which other hosts write: the loop device does direct I/O
 * (where the store's file system takes it), so that ext4's multi-mount protection reads
 * the other hosts' updates of its block, not this host's cache of it. */
int disk_mount(const char *image, const char *target, const char *devdir, bool shared);

/* The images in DISKS_DIR (USER.ext4): their number, their sizes, the part of those not
 * allocated yet (images are sparse), and the free space of their filesystem.  When
 * UNALLOCATED exceeds FREE the host has promised more than it has: a user may get
 * ENOSPC below her limit. */
struct disk_usage {
	unsigned images;
	uint64_t size;
	uint64_t unallocated;
	uint64_t free;
};
int disk_overcommit(const char *disks_dir, struct disk_usage *ret);

/* Does this host's mkfs.ext4 make images with multi-mount protection (a fleet's)?  It
 * makes a small sparse one in a private directory of /tmp and reads its superblock:
 * 1 if so, 0 if not, -errno if it could not tell. */
int disk_mmp_works(void);

#endif
