/* ctl_stop.h - warrenctl stop: end a user's container, its programs first. */
#ifndef WARREN_CTL_STOP_H
#define WARREN_CTL_STOP_H

/* Stop USER's container (every recorded one if USER is NULL): SIGTERM to everything in
 * it but init (her programs and her logins' sshd processes: the sessions end), up to
 * GRACE_S seconds for them to go, then its supervisor is asked to stop it (init killed,
 * the rest with it, the host cleaned up), which it has CTL_STOP_WAIT_S to do.  An exit
 * status: 0 when all are stopped (or were not running), 1 if one is still there. */
int ctl_stop(const char *user, int grace_s);

#define CTL_STOP_GRACE_S 5
#define CTL_STOP_WAIT_S 10

#endif
