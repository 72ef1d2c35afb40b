/* leave.c - a process that outlives the login that started it leaves it (leave.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cgroup/delegate.h"
#include "container/leave.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/log.h"

/* Already where a supervisor belongs on the v2 hierarchy: its root, or (a systemd host)
 * the scope its container was given, which the helper entered before it forked us? */
static bool v2_placed(void)
{
	char text[4096];

	if (read_file("/proc/self/cgroup", text, sizeof(text)) < 0)
		return false;
	return !strncmp(text, "0::/\n", 5) || strstr(text, "\n0::/\n") != NULL ||
	       !strncmp(text, "0::/" DELEGATE_SLICE "/", sizeof("0::/" DELEGATE_SLICE));
}

/* Into the root cgroup of every cgroup hierarchy mounted here (whole hierarchies only).
 * The builder has one thread: on v1, "0" into "tasks" moves it without the write side
 * of cgroup_threadgroup_rwsem, which waits for an RCU grace period (5-20 ms on a
 * 2-core host) when no other migration just took it; v2 has no such file, and is
 * skipped where we are at its root already. */
static void leave_login_cgroups(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	char pid[16], root[PATH_MAX], point[PATH_MAX], fstype[32], path[PATH_MAX + 16];
	const char *dash;
	size_t size = 0;
	bool v1;
	int r;

	if (!f) {
		log_warning(-errno, "cannot leave the login's cgroups: /proc/self/mountinfo");
		return;
	}
	snprintf(pid, sizeof(pid), "%d", getpid());
	while (getline(&line, &size, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE ... */
		if (!(dash = strstr(line, " - ")) || sscanf(dash, " - %31s", fstype) != 1 ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2)
			continue;
		if ((strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")) || strcmp(root, "/"))
			continue;
		if (!strcmp(fstype, "cgroup2") && v2_placed())
			continue;
		v1 = !strcmp(fstype, "cgroup");
		snprintf(path, sizeof(path), "%s/%s", point, v1 ? "tasks" : "cgroup.procs");
		if ((r = write_file(path, v1 ? "0" : pid)) < 0)
			log_warning(r, "cannot leave the login's cgroup in %s", point);
	}
}

/* Resource RES as pid 1 has it; without CAP_SYS_RESOURCE (a confined root), a hard
 * limit cannot be raised: then ours stays, and the soft one is pid 1's below it. */
static int take_init_limit(int res)
{
	struct rlimit lim, cur;

	if (prlimit(1, (enum __rlimit_resource)res, NULL, &lim) < 0 || getrlimit(res, &cur) < 0)
		return -errno;
	if (setrlimit(res, &lim) == 0)
		return 0;
	if (errno != EPERM || lim.rlim_max <= cur.rlim_max)
		return -errno;
	lim.rlim_max = cur.rlim_max;
	if (lim.rlim_cur > lim.rlim_max)
		lim.rlim_cur = lim.rlim_max;
	return setrlimit(res, &lim) < 0 ? -errno : 0;
}

void leave_login(void)
{
	char id[16];
	int r;

	leave_login_cgroups();
	/* "Unset": the kernel allows it with CAP_AUDIT_CONTROL; a kernel without audit has
	 * no such file. */
	if (read_file("/proc/self/loginuid", id, sizeof(id)) >= 0 && strtoul(id, NULL, 10) != UINT32_MAX &&
	    (r = write_file("/proc/self/loginuid", "4294967295")) < 0)
		log_warning(r, "cannot reset the audit login uid");
	for (int res = 0; res < RLIM_NLIMITS; res++)
		if ((r = take_init_limit(res)) < 0)
			log_warning(r, "cannot take pid 1's resource limit %d", res);
}
