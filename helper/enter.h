/* enter.h - warren-helper enter: run a command as the user inside her container. */
#ifndef WARREN_ENTER_H
#define WARREN_ENTER_H

#include "container.h"
#include "errors.h"
#include "spec.h"

/* Run ARGV (NULL or empty: the user's login shell) as U in the ensured container C;
 * returns its exit status (0..255), or -errno with ERR filled if it could not start. */
int container_enter(const struct container *c, const struct user_spec *u, char *const argv[],
		    struct error *err);

#endif
