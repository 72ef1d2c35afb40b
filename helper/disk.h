/* disk.h - the disk limit: a user's persistent layers in an ext4 image of that size.
 *
 * STATE_DIR/disks/USER.ext4 (root's, 0600) is made when a user first gets a disk limit,
 * grown or shrunk (never below what is used) when the limit changes, and mounted
 * through a loop device only inside the container's build namespace: no host mount,
 * and the loop device detaches itself when the container's last reference goes.
 * This works on every filesystem, needing no quota support from it.
 */
#ifndef WARREN_DISK_H
#define WARREN_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"

/* Make, or resize to SIZE, the image of USER under STATE_DIR; SIZE may be
 * UINT64_MAX (no limit): an existing image is then used as it is.  *RET_PATH gets the
 * image's path if the user's layers live in one, "" if they are a plain directory. */
int disk_prepare(const char *state_dir, const char *user, uint64_t size, char *ret_path,
		 unsigned long path_len, struct error *err);

/* Attach IMAGE to a free loop device (auto-clearing) and mount its ext4 on TARGET.
 * DEVDIR is a devtmpfs of our own (the caller's /dev may be anything). */
int disk_mount(const char *image, const char *target, const char *devdir);

#endif
