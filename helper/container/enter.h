/* enter.h - warren-helper enter: run a command as the user inside her container. */
#ifndef WARREN_ENTER_H
#define WARREN_ENTER_H

#include <stdbool.h>

#include "container/container.h"
#include "lib/errors.h"
#include "policy/spec.h"

/* Run ARGV (NULL or empty: the user's login shell) as U in the ensured container C, or
 * with AS_ROOT as root inside (Docker's bounding set, no_new_privs, the container's
 * filter: root of her namespaces, nothing on the host); returns its exit status
 * (0..255), or -errno with ERR filled if it could not start. */
int container_enter(const struct container *c, const struct user_spec *u, char *const argv[],
		    bool as_root, struct error *err);

#endif
