/* sessions.h - the SSH logins a running container holds, and the max_sessions bound. */
#ifndef WARREN_SESSIONS_H
#define WARREN_SESSIONS_H

#include <stdint.h>
#include <sys/types.h>

#include "lib/errors.h"

/* Admit one more login of USER into her container, whose processes COUNTER (a cgroup
 * directory) lists, asked for by ASKER (the sshd monitor that runs pam_warren); the
 * caller holds her lock.  Refused (-EUSERS), with the numbers and the fix, if she
 * already has MAX (her max_sessions, not "max": that one needs no count).  The helper
 * admits a login, and so does pam_warren on a warm login it verifies itself (ticket.h).
 *
 * A login is an sshd monitor: admitted ones are recorded (state.h, "logins") until
 * their monitor is gone, so that logins admitted but not joined yet count as well as
 * joined ones; a joined login is a process in the container's cgroup running ASKER's
 * program (sshd's post-auth child, which the monitor forked; no program inside is the
 * host's sshd), and its parent is its monitor. */
int sessions_admit(const char *user, const char *counter, uint64_t max, pid_t asker,
		   struct error *err);

#endif
