/* build.h - the builder: the process that makes a user's container and then stays on as
 * its supervisor.
 *
 * Processes of a build:
 *   helper (host root)      container.c: takes the user's lock, with a fleet starts
 *                           warren-lease, which takes her lease and keeps it
 *                           (keeper.h), prepares state dirs, cgroup and the host-side
 *                           devpts, starts the builder, waits for its report, records
 *                           state
 *   builder (host root)     here: with a fleet, waits for her lease first; unshares a
 *                           private "build" mount namespace, clones G,
 *                           writes G's id maps, puts G in its cgroup, mounts the
 *                           idmapped image and the binds G needs, releases G; then
 *                           leaves the build namespace and stays on as G's parent: the
 *                           supervisor (supervisor.c)
 *   G (container root)      rootfs.c: builds the root filesystem in its own mount
 *                           namespace and execs warren-init as pid 1
 */
#ifndef WARREN_BUILD_H
#define WARREN_BUILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "container/keeper.h"
#include "lib/errors.h"
#include "net/net.h"
#include "policy/spec.h"

struct build_request {
	const struct user_spec *u;
	const char *image;      /* the base image (checked by the caller) */
	const char *layers_dir; /* STATE_DIR/users/USER: the layers, when there is no disk */
	const char *disk_image; /* the user's disk image, or "" */
	bool disk_idmapped;     /* its ids the container's (a fleet's: storage.h) */
	const char *store;      /* the fleet's store, where the builder makes or resizes it
				 * once her lease is held; NULL: no fleet */
	const char *state_dir;  /* the config's (for the record of events) */
	const struct cgroup_set *cg;
	const struct net_plan *net;
	int init_exe_fd;        /* warren-init, opened on the host */
	struct keeper keeper;   /* warren-lease, taking her lease; KEEPER_NONE: no fleet */
	int supervisor_exe_fd;  /* warren-supervisor, opened on the host */
	int devpts_fd;          /* her devpts, a detached mount (the builder mounts it) */
};

/* Fork the builder for REQ.  LOCK_FD (the user's lock) is not inherited by it.  On
 * success *RET_INIT is init's pid (in our pid namespace) and *RET_SUPERVISOR the
 * builder's, which now supervises the container, and *RET_HANDOVER the fd of the
 * handover: one byte written there tells the supervisor that a login took the
 * container; closed without it (the helper killed on pam_warren's timeout, or a login
 * refused after the build), the supervisor stops the container at once. */
int build_start(const struct build_request *req, int lock_fd, pid_t *ret_init,
		pid_t *ret_supervisor, int *ret_handover, struct error *err);

#endif
