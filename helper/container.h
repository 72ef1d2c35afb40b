/* container.h - a user's container: find it, build it, stop it. */
#ifndef WARREN_CONTAINER_H
#define WARREN_CONTAINER_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "config.h"
#include "idmap.h"

/* Everything about the user the container needs, looked up once on the host (NSS). */
struct user_info {
	char name[33];
	uid_t uid;
	gid_t gid;
	char group[33]; /* name of the primary group */
	char home[PATH_MAX];
	char shell[PATH_MAX];
	char gecos[256];
	char uid_map[256];
	char gid_map[256];
	uid_t root_uid; /* host IDs of the container's root: the subordinate bases */
	gid_t root_gid;
	struct cgroup_limits limits; /* resolved from the config for this user */
	uint64_t disk;               /* bytes of persistent layers; UINT64_MAX: no limit */
	unsigned idle_timeout;
};

/* What a login needs to join a running container. */
struct container {
	int init_pidfd;
	struct cgroup_set cg;
	char pts[256];
	gid_t gid;
};

int container_ensure(const struct warren_config *cfg, const struct user_info *u, struct container *ret);
/* Run ARGV (NULL: the user's login shell) as the user in the ensured container C;
 * returns its exit status (0..255) or -errno if it could not be started. */
int container_enter(const struct container *c, const struct user_info *u, char *const argv[]);
int container_stop(const char *user);

/* Set up the namespaces' filesystem from inside the new user namespace and exec
 * warren-init (rootfs.c).  Runs as the container's root; never returns on success. */
int rootfs_setup_and_exec(const struct user_info *u, int exe_fd);
const char *rootfs_failed_step(void);

/* The build namespace (a private mount namespace of the host's, see container.c)
 * stages what the container's root may not reach on the host on a tmpfs here. */
#define BUILD_MNT RUNTIME_DIR "/mnt"
#define BUILD_IMAGE BUILD_MNT "/image" /* the image, idmapped and read-only */
#define BUILD_STATE BUILD_MNT "/state" /* bind of STATE_DIR/users/USER */
#define BUILD_PTS BUILD_MNT "/pts"     /* bind of the host-side devpts instance */
#define BUILD_ROOT BUILD_MNT "/root"   /* the overlay root, before pivot_root */

/* supervisor.c: watch the container from the host until it stops, then clean up.
 * Runs in the process that built it (the parent of init); never returns. */
__attribute__((noreturn)) void supervisor_run(const char *user, int init_pidfd,
					      const struct cgroup_set *cg, unsigned idle_timeout);
/* Remove the host-side remains of USER's stopped container (lock held). */
int container_cleanup(const char *user, const struct cgroup_set *cg);

/* warren-init (init.c, its own static binary) is pid 1 inside. */
#define INIT_NAME "warren-init"

#endif
