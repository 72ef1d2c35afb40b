/* layers.h - a user's persistent layers: STATE_DIR/users/USER/{root,home,work}, or the
 * same three at the root of her disk image (disk.h).
 *
 * root/ and work/ belong to the container's root, home/ (the merged home's root dir) to
 * the user; the directory holding them is root's but traversable (0711), so that the
 * container's root reaches its layers through the build namespace's mount of it. */
#ifndef WARREN_LAYERS_H
#define WARREN_LAYERS_H

#include <stdbool.h>

#include "lib/errors.h"
#include "policy/spec.h"

/* Open STATE_DIR, making it (root's, 0755) if it is missing.  It must be a directory
 * owned by root and not writable by group or others: warren works in it as root. */
int state_dir_open(const char *state_dir, struct error *err);

/* Is the directory USERS/USER/LAYER (USERS: an fd of STATE_DIR/users) there and not empty? */
bool layer_has_data(int users, const char *user, const char *layer);

/* Make (or fix the owners and modes of) the layers in the directory MINE. */
int layers_prepare(int mine, const struct user_spec *u, struct error *err);

/* Make STATE_DIR/users/USER (root's), and the layers in it if LAYERS (the user has no
 * disk image). */
int layers_prepare_state_dir(const char *state_dir, const struct user_spec *u, bool layers,
			     struct error *err);

#endif
