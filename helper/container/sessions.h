/* sessions.h - the SSH logins a running container holds, and the max_sessions bound. */
#ifndef WARREN_SESSIONS_H
#define WARREN_SESSIONS_H

#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "lib/errors.h"
#include "policy/spec.h"

/* Admit one more login of U into her container (its cgroups CG), asked for by ASKER (the
 * sshd monitor that runs pam_warren); the caller holds her lock.  Refused, with the
 * numbers and the fix, if U already has her max_sessions.
 *
 * A login is an sshd monitor: admitted ones are recorded (state.h, "logins") until
 * their monitor is gone, so that logins admitted but not joined yet count as well as
 * joined ones; a joined login is a process in the container's cgroup running ASKER's
 * program (sshd's post-auth child, which the monitor forked; no program inside is the
 * host's sshd), and its parent is its monitor. */
int sessions_admit(const struct cgroup_set *cg, const struct user_spec *u, pid_t asker,
		   struct error *err);

#endif
