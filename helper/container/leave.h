/* leave.h - what a process that outlives the login that started it leaves behind. */
#ifndef WARREN_LEAVE_H
#define WARREN_LEAVE_H

/* Leave what this process inherited from the login that started it, which it will
 * outlive (a container's builder and supervisor, her lease's keeper): the login's
 * cgroups (a session scope that logind may kill, or count the container in) for the root
 * of every hierarchy (or, on a systemd host, the scope of her container, if the helper
 * entered it already), its audit login uid, and its rlimits (pam_limits') for the host's defaults
 * (pid 1's), which the container's init inherits in turn.  Trouble is logged as a
 * warning: none of it is a reason to refuse the login. */
void leave_login(void);

#endif
