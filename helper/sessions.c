/* sessions.c - the logins a running container holds (see sessions.h). */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "sessions.h"

/* How many processes in DIR's cgroup.procs run the file EXE is. */
static int count_running(const char *dir, const struct stat *exe, long *ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	char path[300];
	long pid, n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!(f = fopen(path, "re")))
		return -errno;
	while (fscanf(f, "%ld", &pid) == 1) {
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
		/* Gone meanwhile, or a kernel thread: not a login. */
		if (stat(path, &st) == 0 && st.st_dev == exe->st_dev && st.st_ino == exe->st_ino)
			n++;
	}
	if (ferror(f))
		return -EIO;
	*ret = n;
	return 0;
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
