/* sessions.c - the logins a running container holds (see sessions.h). */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "sessions.h"

struct running {
	const struct stat *exe;
	long n;
};

/* One more if PID runs R's file (gone meanwhile, or a kernel thread: not a login). */
static void count_if_running(long pid, void *data)
{
	struct running *r = data;
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	if (stat(path, &st) == 0 && st.st_dev == r->exe->st_dev && st.st_ino == r->exe->st_ino)
		r->n++;
}

/* How many processes in DIR's cgroup.procs run the file EXE is. */
static int count_running(const char *dir, const struct stat *exe, long *ret)
{
	struct running r = { .exe = exe };
	int k = cgroup_each_proc(dir, count_if_running, &r);

	*ret = r.n;
	return k;
}

int sessions_admit(const struct container *c, const struct user_spec *u, pid_t asker,
		   struct error *err)
{
	uint64_t max = u->limits[LIMIT_MAX_SESSIONS];
	struct stat exe;
	char path[64];
	long n = 0;
	int r;

	if (max == LIMIT_UNLIMITED)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)asker);
	if (stat(path, &exe) < 0)
		return error_errno(err, -errno, "cannot tell the logins of %s apart: %s", u->name,
				   path);
	if ((r = count_running(c->cg.dirs[c->cg.counter], &exe, &n)) < 0)
		return error_errno(err, r, "cannot count the logins of %s in %s", u->name,
				   c->cg.dirs[c->cg.counter]);
	if ((uint64_t)n >= max)
		return error_set(err, -EUSERS, "%s already has %ld logins to her container, and "
				 "max_sessions is %llu: close one, or raise max_sessions in "
				 "warren.conf", u->name, n, (unsigned long long)max);
	return 0;
}
