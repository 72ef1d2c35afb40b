/* container.h - a user's container, from the helper's side: find it, build it (under
 * the user's lock), stop it. */
#ifndef WARREN_CONTAINER_H
#define WARREN_CONTAINER_H

#include <sys/types.h>

#include "cgroup.h"
#include "config.h"
#include "errors.h"
#include "protocol.h"
#include "spec.h"

/* What a login needs to join a running container. */
struct container {
	int init_pidfd;
	struct cgroup_set cg;
	char pts[256];
	gid_t gid;
};

/* The running container of U, or a new one built from CFG and U. */
int container_ensure(const struct warren_config *cfg, const struct user_spec *u,
		     struct container *ret, struct error *err);
/* Stop USER's container, if it runs, and remove whatever a crash left of one. */
int container_stop(const char *user, struct error *err);
/* C as pam_warren's answer (the reply borrows C's pidfd). */
void container_reply(const struct container *c, struct helper_reply *ret);

#endif
