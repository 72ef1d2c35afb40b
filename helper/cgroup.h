/* cgroup.h - one cgroup per user container, on cgroup v1, v2 or a hybrid of both.
 *
 * Every controller warren uses is looked up on its own (hybrid hosts mix v1 and v2) and
 * handled by that hierarchy's ops (crun's shape).  USER's cgroup is WARREN_CGROUP/USER
 * at the root of each hierarchy, wherever the helper itself runs.
 */
#ifndef WARREN_CGROUP_H
#define WARREN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "protocol.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define WARREN_CGROUP "warren"

/* Limits in the kernel's units.  CGROUP_UNLIMITED lifts one. */
#define CGROUP_UNLIMITED UINT64_MAX
#define CGROUP_CPU_PERIOD_US 100000
struct cgroup_limits {
	uint64_t memory;       /* bytes */
	uint64_t swap;         /* bytes of swap on top of memory */
	uint64_t cpu_quota_us; /* CPU time per CGROUP_CPU_PERIOD_US */
	uint64_t pids;
	unsigned io_weight;    /* 1..10000 (v2 scale) */
};

struct cgroup_ops {
	const char *name;
	/* The directory of USER's cgroup for CONTROLLER on this kind of hierarchy into
	 * BUF, or -ENOENT if CONTROLLER is not available there. */
	int (*locate)(const char *controller, const char *user, char *buf, size_t len);
	/* Make DIR (its parent first), so that CONTROLLER applies in it. */
	int (*create)(const char *dir, const char *controller);
	/* Write CONTROLLER's part of LIMITS in DIR. */
	int (*apply)(const char *dir, const char *controller, const struct cgroup_limits *limits);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* USER's cgroups: one entry per controller found (on v2 they share a dir). */
struct cgroup_set {
	int n;
	char dirs[REPLY_MAX_CGROUPS][256];
	const struct cgroup_ops *ops[REPLY_MAX_CGROUPS];
	const char *controllers[REPLY_MAX_CGROUPS];
	int counter; /* the entry whose pids.current counts the container's tasks */
};

/* Is DIR listed before index I in CG (a shared v2 dir)? */
bool cgroup_dir_seen(const struct cgroup_set *cg, int i);
/* Apply LIMITS; a limit whose controller this host lacks is -EOPNOTSUPP, named in
 * *RET_WHAT (io_weight alone is a hint and is skipped where unsupported). */
int cgroup_apply_limits(const struct cgroup_set *cg, const struct cgroup_limits *limits,
			const char **ret_what);
/* Write VALUE to DIR/FILE. */
int cgroup_write(const char *dir, const char *file, const char *value);
/* "max" or the decimal value into BUF. */
const char *cgroup_value(uint64_t v, char *buf, size_t len);

int cgroup_resolve(const char *user, struct cgroup_set *ret);
int cgroup_create(const struct cgroup_set *cg);
int cgroup_attach(const struct cgroup_set *cg, pid_t pid);
int cgroup_task_count(const struct cgroup_set *cg, long *ret);
/* SIGKILL every task left in USER's cgroups (a stopped container's sessions: their
 * sshd processes live outside its pid namespace) until they are empty. */
int cgroup_kill_all(const struct cgroup_set *cg);
/* Remove USER's cgroups, including any the container made below them. */
int cgroup_destroy(const struct cgroup_set *cg);

/* Shared by the ops: is NAME listed in the space-separated file PATH? */
int cgroup_file_lists(const char *path, const char *name);

#endif
