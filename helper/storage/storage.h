/* storage.h - where a user's persistent layers live, by her disk limit:
 *   disk = "max", no image yet       plain directories, STATE_DIR/users/USER
 *   disk = SIZE                      an ext4 image of SIZE, STATE_DIR/disks/USER.ext4
 *                                    (made, grown or shrunk to SIZE at each start)
 *   disk = SIZE, plain directories   moved into a new image first (migrate.h)
 *   disk = "max", an image           the image, as it is (not resized)
 * With a fleet (STORE, its shared store; NULL: none), her data is always an image of
 * SIZE, STORE/disks/USER.ext4: made with ext4 multi-mount protection, so that no two
 * hosts mount it at once (her fleet lease is the first guard, mmp the second), and with
 * the container's ids on disk, mounted idmapped through her user namespace, so that
 * hosts with other subordinate ranges for her see the same owners.  Data of hers this
 * host kept (plain layers, an image of its own) refuses the start rather than be hidden.
 */
#ifndef WARREN_STORAGE_H
#define WARREN_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/errors.h"

/* A login waits at most this long for a migration; longer ones are left to
 * `warren-helper migrate` (the module gives the helper 60 s in all). */
#define STORAGE_MIGRATE_LOGIN_SECONDS 40

/* Make USER's storage ready for a start with disk limit SIZE (LIMIT_UNLIMITED: "max"),
 * migrating within TIME_LIMIT seconds (0: none) if need be.  *RET_IMAGE gets the
 * image's path, or "" for plain directories.  With a fleet it only checks that her
 * image can be used (the store is there, she has a size and no data of hers on this
 * host) and names it: the image is made or resized by storage_prepare_shared. */
int storage_prepare(const char *state_dir, const char *store, const char *user, uint64_t size,
		    unsigned time_limit, char *ret_image, size_t image_len, struct error *err);

/* With a fleet, once her lease is held (her builder's first step): her image on STORE
 * made (and any a host left half made removed) or resized to SIZE.  Before it, a host
 * could resize an image another host runs, or make one beside another host's making. */
int storage_prepare_shared(const char *store, const char *user, uint64_t size, struct error *err);

/* USER's container started: what a migration set aside is proven unneeded. */
void storage_started(const char *state_dir, const char *user);
/* Detach the loop devices of USER's disk image (gc); how many. */
int storage_release(const char *state_dir, const char *store, const char *user);

/* `warren-helper migrate USER [--keep]`: move plain layers into an image of SIZE with no
 * time limit (container stopped, lock held); with KEEP the old layers stay, renamed. */
int storage_migrate(const char *state_dir, const char *store, const char *user, uint64_t size,
		    bool keep, struct error *err);

#endif
