/* state.h - runtime state under /run/warren: per-user lock and container record.
 *
 * /run/warren/locks/USER          flock()ed while a container of USER is built,
 *                                 looked up, stopped or cleaned up (per user only)
 * /run/warren/users/USER/state    "INIT_PID SUPERVISOR_PID PIDNS_INODE"; its mtime is
 *                                 the last login (the supervisor's idle clock)
 * /run/warren/users/USER/pts      host-side mount of the container's devpts
 * /run/warren/users/USER/net      the container's veth, address, MAC (net.h)
 * /run/warren/users/USER/stack    the image stack it started from (stack.h)
 * /run/warren/users/USER/logins   the sshd monitors of the logins admitted to it
 *                                 (sessions.h), "PID STARTTIME" a line
 * /run/warren/locks/.network      flock()ed while the bridge or firewall is set up
 * /run/warren/locks/.sandbox      flock()ed while a layer is built (warren-sandbox: its
 *                                 scratch ids are one range, for one build at a time)
 * /run/warren/mnt                 mount point used only inside build namespaces
 * Everything is root-owned and unreachable by users or containers.
 */
#ifndef WARREN_STATE_H
#define WARREN_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct container_state {
	pid_t init_pid;
	pid_t supervisor_pid;
	unsigned long long pidns_ino; /* tells our init from a recycled pid */
};

int runtime_prepare(void);
/* Take USER's lock (blocking); returns the fd that holds it. */
int user_lock(const char *user);
/* The path of USER's lock file, into BUF. */
const char *user_lock_path(const char *user, char *buf, size_t len);
/* Remove USER's lock file; only with her lock held (gc). */
int user_lock_remove(const char *user);
/* Take the lock of the bridged network's shared parts (bridge, firewall). */
int network_lock(void);
/* Take the lock of the layer build sandbox (warren-sandbox). */
int sandbox_lock(void);
/* Path of a file in USER's runtime dir, into BUF. */
const char *user_run_path(const char *user, const char *file, char *buf, size_t len);
int user_rundir_create(const char *user);
int user_rundir_remove(const char *user);

int state_read(const char *user, struct container_state *ret);
/* A record's TEXT ("INIT SUPERVISOR PIDNS-INODE"): 0, or -EBADMSG (pure, fuzzed). */
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
int state_touch(const char *user);
int state_last_login(const char *user, struct timespec *ret);
int state_remove(const char *user);

#endif
