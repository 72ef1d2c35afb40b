/* sessions.h - the SSH logins a running container holds, and the max_sessions bound. */
#ifndef WARREN_SESSIONS_H
#define WARREN_SESSIONS_H

#include <sys/types.h>

#include "container.h"
#include "errors.h"
#include "spec.h"

/* Admit one more login of U into C, asked for by ASKER (the sshd monitor that runs
 * pam_warren): refused, with the numbers and the fix, if U already has her
 * max_sessions.  A login is a process in the container's cgroup running ASKER's
 * program: sshd's post-auth child, which joined; the processes it starts run the
 * user's programs, and no program inside is the host's sshd. */
int sessions_admit(const struct container *c, const struct user_spec *u, pid_t asker,
		   struct error *err);

#endif
