/* cgroup.h - one cgroup per user container, on cgroup v1, v2 or a hybrid of both.
 *
 * Every controller warren uses is looked up on its own (hybrid hosts mix v1 and v2) and
 * handled by that hierarchy's ops (crun's shape).  USER's cgroup is WARREN_CGROUP/USER
 * at the root of each hierarchy, wherever the helper itself runs.
 */
#ifndef WARREN_CGROUP_H
#define WARREN_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "protocol.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define WARREN_CGROUP "warren"

struct cgroup_ops {
	const char *name;
	/* The directory of USER's cgroup for CONTROLLER on this kind of hierarchy into
	 * BUF, or -ENOENT if CONTROLLER is not available there. */
	int (*locate)(const char *controller, const char *user, char *buf, size_t len);
	/* Make DIR (its parent first), so that CONTROLLER applies in it. */
	int (*create)(const char *dir, const char *controller);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

struct cgroup_set {
	int n;
	char dirs[REPLY_MAX_CGROUPS][256];
	const struct cgroup_ops *ops[REPLY_MAX_CGROUPS];
	const char *controllers[REPLY_MAX_CGROUPS];
	int counter; /* the dir whose pids.current counts the container's tasks */
};

int cgroup_resolve(const char *user, struct cgroup_set *ret);
int cgroup_create(const struct cgroup_set *cg);
int cgroup_attach(const struct cgroup_set *cg, pid_t pid);
int cgroup_task_count(const struct cgroup_set *cg, long *ret);
/* Remove USER's cgroups, including any the container made below them. */
int cgroup_destroy(const struct cgroup_set *cg);

/* Shared by the ops: is NAME listed in the space-separated file PATH? */
int cgroup_file_lists(const char *path, const char *name);

#endif
