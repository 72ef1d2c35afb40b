/* ctl_stop.c - warrenctl stop (see ctl_stop.h). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "lib/cleanup.h"
#include "lib/layout.h"
#include "ctl/stop.h"
#include "lib/names.h"
#include "wire/protocol.h"
#include "lib/state.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Only init left in CG (or CG unreadable: nothing to wait for). */
static bool only_init(const struct cgroup_set *cg)
{
	long tasks;

	return cgroup_task_count(cg, &tasks) < 0 || tasks <= 1;
}

static int stop_one(const char *user, int grace_s)
{
	struct container_state st;
	struct cgroup_set cg;
	double until;
	int sup;

	if (state_read(user, &st) < 0 || !state_is_live(&st)) {
		printf("%s: not running\n", user);
		return 0;
	}
	if (cgroup_resolve(user, &cg) == 0) {
		cgroup_signal_all(&cg, SIGTERM, st.init_pid);
		for (until = now_s() + grace_s; now_s() < until && !only_init(&cg);)
			usleep(100 * 1000);
	}
	/* The supervisor, by pidfd, once it is known to be still init's parent. */
	sup = (int)syscall(SYS_pidfd_open, st.supervisor_pid, 0);
	if (sup < 0 || !state_is_live(&st) ||
	    syscall(SYS_pidfd_send_signal, sup, SIGTERM, NULL, 0) < 0) {
		if (sup >= 0)
			close(sup);
		if (state_read(user, &st) < 0) {
			printf("%s: stopped\n", user);
			return 0;
		}
		fprintf(stderr, "warrenctl: cannot ask the supervisor of %s (pid %d) to stop: %s\n",
			user, st.supervisor_pid, strerror(errno));
		return 1;
	}
	close(sup);
	for (until = now_s() + CTL_STOP_WAIT_S; now_s() < until; usleep(100 * 1000))
		if (state_read(user, &st) == -ENOENT) {
			printf("%s: stopped\n", user);
			return 0;
		}
	fprintf(stderr, "warrenctl: the container of %s is still there after %d s; "
		"warren-helper stop %s kills it\n", user, CTL_STOP_WAIT_S, user);
	return 1;
}

int ctl_stop(const char *user, int grace_s)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int status = 0;

	if (user)
		return stop_one(user, grace_s);
	if (!(d = opendir(RUNTIME_USERS)))
		return errno == ENOENT ? 0 : 1;
	while ((e = readdir(d)))
		if (name_is_valid(e->d_name))
			status |= stop_one(e->d_name, grace_s);
	return status;
}
