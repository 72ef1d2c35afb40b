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

#include "lib/errors.h"
#include "lib/tool.h"
#include "policy/reslimits.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define WARREN_CGROUP "warren"

#define CGROUP_CPU_PERIOD_US 100000
/* The most hierarchies a container is placed in (one per controller on v1). */
#define CGROUP_SET_MAX 8

struct cgroup_ops {
	const char *name;
	/* The directory of USER's cgroup for CONTROLLER on this kind of hierarchy into
	 * BUF, or -ENOENT if CONTROLLER is not available there. */
	int (*locate)(const char *controller, const char *user, char *buf, size_t len);
	/* Make DIR (its parent first), so that CONTROLLER applies in it. */
	int (*create)(const char *dir, const char *controller);
	/* Write CONTROLLER's part of LIMITS in DIR. */
	int (*apply)(const char *dir, const char *controller, const limit_values limits);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* Where the unified hierarchy is mounted (/sys/fs/cgroup, or its "unified" directory on a
 * hybrid host), or NULL. */
const char *cgroup_v2_root(void);
/* Is the cgroup2 mount at MNT in MOUNTS (/proc/mounts' text) mounted with favordynmods: 1,
 * 0, or -ENOENT (none there).  Without it, every move of a process into a v2 cgroup
 * through cgroup.procs waits for an RCU grace period (the threadgroup rwsem's writer):
 * the join of every login, on a pure v2 host. */
int cgroup_v2_favordynmods(const char *mounts, const char *mnt);

/* USER's cgroups: one entry per controller found (on v2 they share a dir). */
struct cgroup_set {
	int n;
	char dirs[CGROUP_SET_MAX][256];
	const struct cgroup_ops *ops[CGROUP_SET_MAX];
	const char *controllers[CGROUP_SET_MAX];
	int counter; /* the entry whose pids.current counts the container's tasks */
};

/* Is DIR listed before index I in CG (a shared v2 dir)? */
bool cgroup_dir_seen(const struct cgroup_set *cg, int i);
/* Apply LIMITS; a limit whose controller this host lacks is -EOPNOTSUPP (io_weight
 * alone is a hint and is skipped where unsupported).  ERR names the controller. */
int cgroup_apply_limits(const struct cgroup_set *cg, const limit_values limits, struct error *err);
/* Write VALUE to DIR/FILE. */
int cgroup_write(const char *dir, const char *file, const char *value);
/* An I/O weight: VALUE into DIR/FILE, or, where FILE does not exist (another I/O
 * scheduler), WEIGHT on BFQ's scale into DIR/BFQ_FILE; where neither exists it is
 * skipped: a weight is a hint, not a limit. */
int cgroup_write_io_weight(const char *dir, const char *file, const char *value,
			   const char *bfq_file, uint64_t weight);
/* Can the swap bound of LIMITS be kept where the kernel ACCOUNTS swap or not?  Without
 * swap accounting (cgroup v1 without memory.memsw.*, v2 without memory.swap.max: a
 * kernel before 6.1 booted with swapaccount=0, or built without it), a container's memory goes
 * to swap past its memory limit without bound, so any swap limit, "0" included, would
 * be a promise not kept: only swap = "max" says that is accepted.  0, or -EOPNOTSUPP
 * (pure). */
int cgroup_swap_check(const limit_values limits, bool accounted);
/* "max" (for LIMIT_UNLIMITED) or the decimal value into BUF. */
const char *cgroup_value(uint64_t v, char *buf, size_t len);

/* Unit conversions of the writers (pure).  CPU time per PERIOD_US for CPUS thousandths
 * of a core (cpu.max, cpu.cfs_quota_us); LIMIT_UNLIMITED stays so. */
uint64_t cgroup_cpu_quota_us(uint64_t cpus, uint64_t period_us);
/* io_weight (1..10000, v2's io.weight) on cgroup v1's blkio.weight and BFQ's 10..1000
 * scale: linear on each side of the shared default 100, so 1 -> 10, 100 -> 100,
 * 10000 -> 1000, and the order of weights is kept. */
unsigned cgroup_io_weight_v1(uint64_t weight);

int cgroup_resolve(const char *user, struct cgroup_set *ret);
int cgroup_create(const struct cgroup_set *cg);
int cgroup_attach(const struct cgroup_set *cg, pid_t pid);
/* For the first process of a container, which enters CG as it is made: *RET_V2_DIR gets
 * an fd of CG's v2 directory for clone3's CLONE_INTO_CGROUP (-EBADF if CG has none), and
 * FDS (CGROUP_SET_MAX of them) each v1 dir's "tasks", which the process writes itself,
 * from anywhere (a user namespace too: cgroup_join_self); -EBADF for the rest.  0, or
 * -errno (none left open).  Born into its v2 cgroup, it never migrates there: a write to
 * cgroup.procs takes cgroup_threadgroup_rwsem for writing, whose every first taking
 * after a quiet spell waits for an RCU grace period (5-20 ms on 2 cores, every cold
 * login of a pure v2 host); a fork into a cgroup takes only its read side. */
int cgroup_open_join(const struct cgroup_set *cg, int fds[], int *ret_v2_dir);
/* The caller, single-threaded, joins through FDS: "0" (itself) into each.  On v1,
 * "tasks" moves it without cgroup_threadgroup_rwsem's write side. */
int cgroup_join_self(const int fds[]);
void cgroup_close_join(int fds[]);
int cgroup_task_count(const struct cgroup_set *cg, long *ret);
/* A cgroup counter file's TEXT ("123\n"): 0, or -EBADMSG (pure, fuzzed). */
int cgroup_parse_count(const char *text, long *ret);
/* SIGKILL every task left in USER's cgroups (a stopped container's sessions: their
 * sshd processes live outside its pid namespace) until they are empty. */
int cgroup_kill_all(const struct cgroup_set *cg);
/* cgroup_each_proc: lib/tool.h (pam_warren counts her logins with it too). */
/* SIG, once, to every task in CG's cgroups but SPARE (0: none). */
void cgroup_signal_all(const struct cgroup_set *cg, int sig, pid_t spare);
/* SIGTERM to every task in CG's cgroups but INIT, then up to GRACE_S seconds for them to
 * go (only INIT left, or CG unreadable): her programs asked to end before a stop
 * (warrenctl stop, a takeover "always"). */
void cgroup_ask_to_end(const struct cgroup_set *cg, pid_t init, unsigned grace_s);
/* That grace period for warren-helper stop (and so warrenctl stop) and for a takeover. */
#define STOP_GRACE_S 5
/* Remove USER's cgroups, including any the container made below them. */
int cgroup_destroy(const struct cgroup_set *cg);

/* Shared by the ops: is NAME listed in the space-separated file PATH? */
int cgroup_file_lists(const char *path, const char *name);

#endif
