/* reset.h - drop a user's root layer (the packages and system changes she made), and on
 * request her home, keeping everything else: `warrenctl reset USER [--home]`.
 *
 * With her lock held and her container stopped, in her layers (STATE_DIR/users/USER, or
 * the root of her disk image, mounted in a private mount namespace only):
 *   1. a layer an earlier, interrupted reset set aside (.root.reset, .home.reset) goes;
 *   2. each layer to drop is renamed aside: LAYER -> .LAYER.reset (atomic);
 *   3. a new empty LAYER is made in its place (layers_prepare: owners and modes);
 *   4. the layers set aside are removed, without following anything planted in them.
 * Killed at any point, nothing is lost that the reset was not asked to drop: before 2
 * nothing changed, after it the old layer is out of use, the next start makes a missing
 * LAYER (3) and removes what is still set aside (reset_finish).
 */
#ifndef WARREN_RESET_H
#define WARREN_RESET_H

#include <stdbool.h>

#include "lib/errors.h"
#include "policy/spec.h"

/* Steps 1-4 for U (her layers under STATE_DIR: plain or in her disk image; with a fleet's
 * STORE, in her image there, its ids the container's: storage.h); HOME drops her home too. */
int reset_layers(const char *state_dir, const char *store, const struct user_spec *u, bool home,
		 struct error *err);

/* Step 4 for layers still set aside in the layers directory at MINE_PATH (a container
 * start after an interrupted reset). */
void reset_finish(const char *mine_path);

#endif
