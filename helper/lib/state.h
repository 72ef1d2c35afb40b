/* state.h - a running container's record, RUNTIME_USERS/USER/state (layout.h): its
 * init, its supervisor and its pid namespace; its mtime is the last login. */
#ifndef WARREN_STATE_H
#define WARREN_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>


struct container_state {
	pid_t init_pid;
	pid_t supervisor_pid;
	unsigned long long pidns_ino; /* tells our init from a recycled pid */
	unsigned long long pts_dev;   /* her devpts instance (its st_dev); 0 in the record
				       * of a container that an older version started */
};

int state_read(const char *user, struct container_state *ret);
/* A record's TEXT ("INIT SUPERVISOR PIDNS-INODE [PTS-DEV]"): 0, or -EBADMSG (pure,
 * fuzzed). */
int state_parse(const char *text, struct container_state *ret);
int state_write(const char *user, const struct container_state *st);
/* The inode of PID's pid namespace (a container's id): 0, or -errno (PID gone, or a
 * zombie whose namespaces are gone). */
int state_pidns_inode(pid_t pid, unsigned long long *ret);
/* From /proc/PID/stat: its parent (RET_PPID) and its start time in clock ticks after boot
 * (RET_START; with the pid, a process for good), either may be NULL.  0 or -errno. */
int proc_stat_read(pid_t pid, pid_t *ret_ppid, unsigned long long *ret_start);
/* Is ST's init still the child of the recorded supervisor (a recycled pid is not)?
 * True for a zombie init, which its supervisor reaps only under the user's lock. */
bool state_supervised(const struct container_state *st);
/* Is ST's container running: its init alive in the recorded pid namespace, and still
 * the child of the recorded supervisor?  (No pidfd: for a look, not for a signal.) */
bool state_is_live(const struct container_state *st);
/* A pidfd of ST's init, if it is still that running init (its pid namespace is the
 * recorded one), or -errno (-ESRCH: gone or recycled).  With the user's lock held, the
 * pid cannot have been recycled (the supervisor reaps only under it); the inode
 * double-checks.  Reading another uid's /proc/PID/ns takes sys_ptrace. */
int state_open_init(const struct container_state *st);
/* Is ST's supervisor alive and still init's parent (a recycled pid is not)? */
bool state_supervisor_alive(const struct container_state *st);
int state_touch(const char *user);
int state_last_login(const char *user, struct timespec *ret);
int state_remove(const char *user);

#endif
