/* cgroup.c - find, create, join, count and remove a user's cgroups (see cgroup.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/tool.h"

/* The controllers a container is placed under (v2 names).  pids is required: its
 * hierarchical pids.current is how the supervisor sees that nothing is left; the
 * others are needed only where a limit asks for them (cgroup_apply_limits). */
static const char *const controllers[] = { "pids", "memory", "cpu", "io" };

int cgroup_file_lists(const char *path, const char *name)
{
	char buf[1024], *save = NULL;
	int r = read_file(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, name))
			return 1;
	return 0;
}

int cgroup_resolve(const char *user, struct cgroup_set *ret)
{
	struct cgroup_set cg = { .counter = -1 };

	for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
		const struct cgroup_ops *ops = &cgroup_v1_ops;
		int r = ops->locate(controllers[i], user, cg.dirs[cg.n], sizeof(cg.dirs[0]));

		if (r == -ENOENT) {
			ops = &cgroup_v2_ops;
			r = ops->locate(controllers[i], user, cg.dirs[cg.n], sizeof(cg.dirs[0]));
		}
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		cg.ops[cg.n] = ops;
		cg.controllers[cg.n] = controllers[i];
		if (!strcmp(controllers[i], "pids"))
			cg.counter = cg.n;
		cg.n++;
	}
	if (cg.counter < 0)
		return -ENOENT;
	*ret = cg;
	return 0;
}

bool cgroup_dir_seen(const struct cgroup_set *cg, int i)
{
	for (int j = 0; j < i; j++)
		if (!strcmp(cg->dirs[j], cg->dirs[i]))
			return true;
	return false;
}

int cgroup_write(const char *dir, const char *file, const char *value)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, value);
}

int cgroup_write_io_weight(const char *dir, const char *file, const char *value,
			   const char *bfq_file, uint64_t weight)
{
	char v[16];
	int r = cgroup_write(dir, file, value);

	if (r == -ENOENT) {
		snprintf(v, sizeof(v), "%u", cgroup_io_weight_v1(weight));
		r = cgroup_write(dir, bfq_file, v);
	}
	return r == -ENOENT ? 0 : r;
}

const char *cgroup_value(uint64_t v, char *buf, size_t len)
{
	if (v == LIMIT_UNLIMITED)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

uint64_t cgroup_cpu_quota_us(uint64_t cpus, uint64_t period_us)
{
	if (cpus == LIMIT_UNLIMITED)
		return LIMIT_UNLIMITED;
	return cpus * period_us / 1000;
}

unsigned cgroup_io_weight_v1(uint64_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	/* Two straight lines meeting at the default both scales share, 100. */
	if (weight <= 100)
		return (unsigned)(10 + (weight - 1) * 90 / 99);
	return (unsigned)(100 + (weight - 100) * 900 / 9900);
}

int cgroup_swap_check(const limit_values l, bool accounted)
{
	return accounted || l[LIMIT_SWAP] == LIMIT_UNLIMITED ? 0 : -EOPNOTSUPP;
}

/* Does LIMITS ask anything of CONTROLLER? */
static bool limits_need(const char *controller, const limit_values l)
{
	if (!strcmp(controller, "memory"))
		return l[LIMIT_MEMORY] != LIMIT_UNLIMITED || l[LIMIT_SWAP] != LIMIT_UNLIMITED;
	if (!strcmp(controller, "cpu"))
		return l[LIMIT_CPUS] != LIMIT_UNLIMITED;
	if (!strcmp(controller, "pids"))
		return l[LIMIT_PIDS] != LIMIT_UNLIMITED;
	return false; /* io: a weight is a hint, not a limit */
}

int cgroup_apply_limits(const struct cgroup_set *cg, const limit_values limits, struct error *err)
{
	for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
		int found = -1;

		for (int j = 0; j < cg->n; j++)
			if (!strcmp(cg->controllers[j], controllers[i]))
				found = j;
		if (found < 0) {
			if (limits_need(controllers[i], limits))
				return error_set(err, -EOPNOTSUPP, "cannot apply the %s limits: this host "
						 "has no %s cgroup controller", controllers[i],
						 controllers[i]);
			continue;
		}
		int r = cg->ops[found]->apply(cg->dirs[found], controllers[i], limits);
		char swap[32];

		if (r == -EOPNOTSUPP && !strcmp(controllers[i], "memory"))
			return error_set(err, r, "cannot apply the memory limits in %s: this host does "
					 "not account swap (no memory.memsw.* on cgroup v1, no "
					 "memory.swap.max on v2), so swap = \"%s\" would not be kept: "
					 "the container's memory would go to swap past its memory limit "
					 "without bound; fix: boot the kernel with swap accounting "
					 "(swapaccount=1, not 0; kernels from 6.1 on always account swap), "
					 "or set swap = \"max\" to accept that",
					 cg->dirs[found], limit_format(LIMIT_SWAP, limits[LIMIT_SWAP], swap,
								       sizeof(swap)));
		if (r < 0)
			return error_errno(err, r, "cannot apply the %s limits in %s", controllers[i],
					   cg->dirs[found]);
	}
	return 0;
}

int cgroup_create(const struct cgroup_set *cg)
{
	for (int i = 0; i < cg->n; i++) {
		int r = cg->ops[i]->create(cg->dirs[i], cg->controllers[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_attach(const struct cgroup_set *cg, pid_t pid)
{
	char path[300], buf[32];

	snprintf(buf, sizeof(buf), "%d", pid);
	for (int i = 0; i < cg->n; i++) {
		int r;

		if (cgroup_dir_seen(cg, i))
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dirs[i]);
		r = write_file(path, buf);
		if (r < 0)
			return r;
	}
	return 0;
}

void cgroup_close_join(int fds[])
{
	for (int i = 0; i < CGROUP_SET_MAX; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -EBADF;
		}
}

int cgroup_open_join(const struct cgroup_set *cg, int fds[], int *ret_v2_dir)
{
	char path[300];
	int r;

	*ret_v2_dir = -EBADF;
	for (int i = 0; i < CGROUP_SET_MAX; i++)
		fds[i] = -EBADF;
	for (int i = 0; i < cg->n; i++) {
		if (cgroup_dir_seen(cg, i))
			continue;
		if (cg->ops[i] == &cgroup_v2_ops) {
			*ret_v2_dir = open(cg->dirs[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (*ret_v2_dir < 0)
				goto fail;
			continue;
		}
		snprintf(path, sizeof(path), "%s/tasks", cg->dirs[i]);
		if ((fds[i] = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			goto fail;
	}
	return 0;
fail:
	r = -errno;
	cgroup_close_join(fds);
	if (*ret_v2_dir >= 0)
		close(*ret_v2_dir);
	*ret_v2_dir = -EBADF;
	return r;
}

int cgroup_join_self(const int fds[])
{
	for (int i = 0; i < CGROUP_SET_MAX; i++)
		if (fds[i] >= 0 && write(fds[i], "0", 1) != 1)
			return -errno;
	return 0;
}

int cgroup_parse_count(const char *text, long *ret)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno || end == text || n < 0 || (*end && *end != '\n'))
		return -EBADMSG;
	*ret = n;
	return 0;
}

int cgroup_task_count(const struct cgroup_set *cg, long *ret)
{
	char path[300], buf[64];
	int r;

	snprintf(path, sizeof(path), "%s/pids.current", cg->dirs[cg->counter]);
	r = read_file(path, buf, sizeof(buf));
	return r < 0 ? r : cgroup_parse_count(buf, ret);
}

/* Is PID listed in TEXT, a cgroup.procs? */
static bool procs_list(const char *text, long pid)
{
	for (const char *p = text; *p; p = strchrnul(p, '\n'), p += *p != '\0')
		if (strtol(p, NULL, 10) == pid)
			return true;
	return false;
}

/* SIG by pidfd to what DIR lists, but SPARE.  A pid read from the file may be gone and
 * reused by a host process before the signal: a pidfd pins the process, and only those
 * still listed after it was opened are signalled. */
static void signal_listed(const char *dir, int sig, pid_t spare)
{
	char path[300], before[8192], after[8192];
	int fds[512], n = 0;
	long pids[512];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (read_file(path, before, sizeof(before)) < 0)
		return;
	for (const char *p = before; *p && n < (int)ELEMENTSOF(fds); p = strchrnul(p, '\n'), p += *p != '\0') {
		long pid = strtol(p, NULL, 10);
		int fd = pid > 1 && pid != spare ? pidfd_of((pid_t)pid) : -1;

		if (fd >= 0) {
			pids[n] = pid;
			fds[n++] = fd;
		}
	}
	if (read_file(path, after, sizeof(after)) < 0)
		after[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (procs_list(after, pids[i]))
			(void)pidfd_kill(fds[i], sig);
		close(fds[i]);
	}
}

/* SIGKILL to all DIR holds: v2's cgroup.kill, or v1's list by pidfd. */
static void kill_listed(const char *dir)
{
	if (cgroup_write(dir, "cgroup.kill", "1") == 0) /* v2: the kernel does it all */
		return;
	signal_listed(dir, SIGKILL, 0);
}

void cgroup_signal_all(const struct cgroup_set *cg, int sig, pid_t spare)
{
	for (int i = 0; i < cg->n; i++)
		if (!cgroup_dir_seen(cg, i))
			signal_listed(cg->dirs[i], sig, spare);
}

static double monotonic_s(void)
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

void cgroup_ask_to_end(const struct cgroup_set *cg, pid_t init, unsigned grace_s)
{
	cgroup_signal_all(cg, SIGTERM, init);
	for (double until = monotonic_s() + grace_s; monotonic_s() < until && !only_init(cg);)
		usleep(100 * 1000);
}

int cgroup_kill_all(const struct cgroup_set *cg)
{
	for (int tries = 0; tries < 100; tries++) {
		long tasks = 0;

		if (cgroup_task_count(cg, &tasks) < 0 || tasks == 0)
			return 0;
		for (int i = 0; i < cg->n; i++)
			if (!cgroup_dir_seen(cg, i))
				kill_listed(cg->dirs[i]);
		usleep(20 * 1000);
	}
	return -EBUSY;
}

/* rmdir PARENT/NAME after its sub-cgroups; cgroupfs holds no symlinks or files to
 * delete, and DEPTH bounds what a container may have built below its own cgroup. */
static int rmdir_tree(int parent, const char *name, int depth)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;

	if (depth > 32)
		return -ELOOP;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d)
		return -errno;
	fd = -EBADF; /* owned by d now */
	while ((e = readdir(d))) {
		int r;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		r = rmdir_tree(dirfd(d), e->d_name, depth + 1);
		if (r < 0)
			return r;
	}
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int cgroup_destroy(const struct cgroup_set *cg)
{
	int ret = 0;

	for (int i = 0; i < cg->n; i++) {
		if (cgroup_dir_seen(cg, i))
			continue;
		/* A killed container's tasks leave the cgroup a moment after they die. */
		for (int tries = 0; tries < 100; tries++) {
			int r = rmdir_tree(AT_FDCWD, cg->dirs[i], 0);

			if (r != -EBUSY) {
				if (r < 0 && ret == 0)
					ret = r;
				break;
			}
			usleep(20 * 1000);
			if (tries == 99 && ret == 0)
				ret = r;
		}
	}
	return ret;
}
