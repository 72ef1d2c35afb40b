/* watch.h - what a container's supervisor does for as long as the container lives: it
 * watches it from the host.  warren-supervisor (a small static program, so that an idle
 * container costs the host little) runs it; when the container is to stop, it hands the
 * stop to the helper (supervisor.h), which alone links what the cleanup needs. */
#ifndef WARREN_WATCH_H
#define WARREN_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "container/keeper.h"
#include "lib/errors.h"

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

/* How a watch ended: init is gone or killed (not reaped: only the stop reaps it, under
 * the lock, so that its pid cannot be recycled before), and why. */
struct watch_end {
	int lock;                 /* her lock, held */
	char why[320];            /* for the log and her record: "idle", "asked to", ... */
	struct error lost;        /* set: the keeper gave up, and its reason */
};

/* The descriptors a supervisor is handed, inherited across exec: init's pidfd, then
 * (to warren-supervisor) the helper that built the container or (to the helper's stop)
 * her lock, then the keeper's report and hold pipes and its pidfd, if there is a keeper. */
enum { SUP_FD_INIT = 3, SUP_FD_PASSED, SUP_FD_REPORT, SUP_FD_HOLD, SUP_FD_KEEPER };
#define SUP_FDS_WITH_KEEPER 5
#define SUP_FDS_WITHOUT_KEEPER 2

/* Watch container C from the host until it is to stop: after C->idle_timeout seconds
 * idle, on SIGTERM, when its fleet lease's keeper gave up (before the lease's TTL runs
 * out: another host may take it then; the kill comes before her lock, which a login may
 * hold), or when another host asks for it (takeover: "idle" only with no process but
 * init inside, decided under her lock, else refused; "always" after SIGTERM to her
 * programs and STOP_GRACE_S).  Init is killed then.  First drops every capability but
 * those the watch and the stop need (kill, net_admin, sys_admin), bounding set too; one
 * that cannot stops the container at once. */
void supervisor_watch(const struct supervised *c, struct watch_end *ret);

/* Keep only the capabilities a supervisor and its stop need (kill, net_admin, sys_admin),
 * the bounding set too: the stop, exec'd as root, gets no more.  0 or -errno. */
int supervisor_keep_caps(void);

/* FROM[i] at fd SUP_FD_INIT + i, inherited across exec; the rest stay as they were. */
int supervisor_place_fds(const int *from, int n);

/* A number of ours on a command line: digits only, at most MAX. */
int supervisor_number_arg(const char *s, unsigned long long max, unsigned long long *ret);

/* What a supervisor was handed is what its command line says: INIT_PID is an unreaped
 * child of this process and SUP_FD_INIT a pidfd of it; with KEEPER_PID (not 0),
 * SUP_FD_KEEPER is a pidfd of that keeper (the helper's child, not ours: keeper.h) and
 * the keeper's other descriptors are pipes. */
bool supervisor_handed(pid_t init_pid, pid_t keeper_pid);

#endif
