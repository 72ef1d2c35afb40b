/* supervisor.h - the host-side parent of a container's init, and the cleanup of what a
 * stopped container leaves on the host. */
#ifndef WARREN_SUPERVISOR_H
#define WARREN_SUPERVISOR_H

#include "cgroup.h"
#include "errors.h"

/* Leave what this process inherited from the login that started it, which it will
 * outlive as a container's builder and supervisor: the login's cgroups (a session
 * scope that logind may kill, or count the container in) for the root of every
 * hierarchy, its audit login uid, and its rlimits (pam_limits') for the host's defaults
 * (pid 1's), which the container's init inherits in turn.  Trouble is logged as a
 * warning: none of it is a reason to refuse the login. */
void supervisor_leave_login(void);

/* Watch USER's container (init behind INIT_PIDFD) from the host until it stops, stop
 * it after IDLE_TIMEOUT seconds idle or on SIGTERM, then clean up.  Runs in the process
 * that built it (init's parent); never returns. */
__attribute__((noreturn)) void supervisor_run(const char *user, int init_pidfd,
					      const struct cgroup_set *cg, unsigned idle_timeout);

/* Remove the host-side remains of USER's stopped container (lock held): its sessions,
 * cgroups, devpts mount and runtime state.  Every step is tried; the first failure is
 * recorded in ERR and the later ones are logged as warnings. */
int container_cleanup(const char *user, const struct cgroup_set *cg, struct error *err);

#endif
