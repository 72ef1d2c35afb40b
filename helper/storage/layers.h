/* layers.h - a user's persistent layers: root, home and work in her layers directory
 * (layout.h: STATE_DIR/users/USER), or the same three at the root of her disk image
 * (disk.h).
 *
 * root/ and work/ belong to the container's root, home/ (the merged home's root dir) to
 * the user; the directory holding them is root's but traversable (0711), so that the
 * container's root reaches its layers through the build namespace's mount of it. */
#ifndef WARREN_LAYERS_H
#define WARREN_LAYERS_H

#include <stdbool.h>

#include "lib/errors.h"
#include "policy/spec.h"

/* Is the directory USERS/USER/LAYER (USERS: an fd of STATE_DIR/users) there and not empty? */
bool layer_has_data(int users, const char *user, const char *layer);

/* Make (or fix the owners and modes of) the layers in the directory MINE.  With
 * CONTAINER_IDS the owners are written as the container sees them (root is 0): a fleet
 * image, which is mounted idmapped through her user namespace (storage.h). */
int layers_prepare(int mine, const struct user_spec *u, bool container_ids, struct error *err);

/* Make U's layers directory (root's; layout.h says where), and the layers in it if
 * LAYERS (she has no disk image). */
int layers_prepare_state_dir(const char *state_dir, const struct user_spec *u, bool layers,
			     struct error *err);

#endif
