/* migrate.h - move a user's layers between plain directories and a disk image when her
 * disk limit changes from "max" to a size, without losing anything on the way.
 *
 *   1. the layers (STATE_DIR/users/USER/{root,home}) are copied into a new image,
 *      DISKS/USER.ext4.new, mounted in a private mount namespace, keeping owners,
 *      modes, timestamps, xattrs (overlay's user.overlay.*), hard links and sparse files;
 *   2. the copy is compared with the original, entry by entry (treecmp.h);
 *   3. the image is switched in: renamed to DISKS/USER.ext4 (atomic);
 *   4. the old layers are set aside: STATE_DIR/users/.USER.pre-disk, removed after the
 *      container next started from the image (the copy is then proven), or kept as
 *      STATE_DIR/users/.USER.pre-disk.kept when asked to.
 * A migration killed at any point loses nothing: before step 3 the old layers are still
 * the ones used (and the next attempt starts over), after it the image is complete, and
 * old layers found beside an image are set aside then.
 * The reverse, a size back to "max", keeps using the image (it is then not resized). */
#ifndef WARREN_MIGRATE_H
#define WARREN_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/errors.h"

/* Steps 1-4 for USER into an image of SIZE bytes, with the user's lock held and her
 * container stopped.  STATE_DIR's users/ and disks/ are open as USERS and DISKS.  The
 * copy and its check are stopped after TIME_LIMIT seconds (0: no limit). */
int migrate_to_disk(const char *state_dir, int users, int disks, const char *user, uint64_t size,
		    unsigned time_limit, bool keep, struct error *err);

/* Old layers of USER left beside her image (a migration stopped between steps 3 and
 * 4): set them aside now. */
int migrate_set_aside(const char *state_dir, int users, const char *user, struct error *err);

/* After USER's container started from her image: remove the layers set aside. */
void migrate_forget_old(const char *state_dir, int users, const char *user);

#endif
