/* supervisor.h - the host-side parent of a container's init, and the cleanup of what a
 * stopped container leaves on the host. */
#ifndef WARREN_SUPERVISOR_H
#define WARREN_SUPERVISOR_H

#include "cgroup/cgroup.h"
#include <stdbool.h>

#include "container/keeper.h"
#include "lib/errors.h"

/* Leave what this process inherited from the login that started it, which it will
 * outlive as a container's builder and supervisor: the login's cgroups (a session
 * scope that logind may kill, or count the container in) for the root of every
 * hierarchy, its audit login uid, and its rlimits (pam_limits') for the host's defaults
 * (pid 1's), which the container's init inherits in turn.  Trouble is logged as a
 * warning: none of it is a reason to refuse the login. */
void supervisor_leave_login(void);

/* One container, as its supervisor sees it. */
struct supervised {
	const char *user;
	int init_pidfd;
	pid_t init_pid;           /* spared by the SIGTERM before a takeover "always" */
	const struct cgroup_set *cg;
	unsigned idle_timeout;    /* seconds */
	const char *state_dir;    /* where its stop is recorded (events.h) */
	unsigned long long id;    /* its pid namespace's inode: the container's id */
	bool abandoned;           /* no login took it (build.h): stop it at once */
	struct keeper *keeper;    /* her fleet lease's keeper (keeper.h), or one with no pid */
};

/* Watch container C from the host until it stops, stop it after C->idle_timeout seconds
 * idle, on SIGTERM, or when its fleet lease's keeper gave up (before the lease's TTL
 * runs out: another host may take it then; the kill comes before her lock, which a login
 * may hold), or when another host asks for it (takeover: "idle" only with no process
 * but init inside, decided under her lock, else refused; "always" after SIGTERM to her
 * programs and STOP_GRACE_S), then clean up, release the lease and record the stop.  Runs in the process that built
 * it (init's parent); never returns. */
__attribute__((noreturn)) void supervisor_run(const struct supervised *c);

/* The supervisor's command line: warren-helper --supervise STATE-DIR INIT-PID ID
 * IDLE-TIMEOUT ABANDONED KEEPER-PID USER, the descriptors at 3 (init's pidfd), 4 and 5
 * (the keeper's pipes, if any). */
#define SUPERVISE_FLAG "--supervise"

/* Become C's supervisor: this process (init's parent) execs the helper afresh, so that
 * an idle container holds the helper's libraries and no more, not the heap, stack and
 * relocated pages of a helper that built it (issue 22: 0.6 MiB each).  If the exec
 * fails, supervisor_run here.  Never returns. */
__attribute__((noreturn)) void supervisor_exec(const struct supervised *c);

/* warren-helper --supervise (ARGV after the flag): check that what the builder handed
 * over is its container's (init and the keeper are children of this process, the
 * descriptors theirs), then supervisor_run.  Returns only when refused. */
int supervisor_main(int argc, char **argv);

/* Remove the host-side remains of USER's stopped container (lock held): its sessions,
 * cgroups, devpts mount and runtime state.  Every step is tried; the first failure is
 * recorded in ERR and the later ones are logged as warnings. */
int container_cleanup(const char *user, const struct cgroup_set *cg, struct error *err);

#endif
