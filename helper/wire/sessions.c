/* sessions.c - the logins a running container holds (see sessions.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "wire/sessions.h"
#include "lib/state.h"
#include "lib/tool.h"

/* The distinct sshd monitors of her logins, each with its start time (pid reuse). */
struct logins {
	const struct stat *exe;
	struct monitor {
		pid_t pid;
		unsigned long long start;
	} *v;
	size_t n, cap;
	int error;
};

static bool logins_has(const struct logins *l, pid_t pid, unsigned long long start)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].pid == pid && l->v[i].start == start)
			return true;
	return false;
}

static void logins_add(struct logins *l, pid_t pid, unsigned long long start)
{
	struct monitor *v;

	if (logins_has(l, pid, start))
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;

		if (!(v = reallocarray(l->v, cap, sizeof(*v)))) {
			l->error = -ENOMEM;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct monitor){ pid, start };
}

/* A joined login: PID runs the asker's program.  The login is the monitor above it: the
 * admitted one among its nearest ancestors (sshd's post-auth child forks for her command
 * and its child runs sshd until it execs: that one's parent is no monitor), else, for a
 * login admitted before the record was kept, its parent. */
static void add_joined(long pid, void *data)
{
	struct logins *l = data;
	unsigned long long start;
	char path[64];
	struct stat st;
	pid_t up = (pid_t)pid, parent = 0;

	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	if (stat(path, &st) < 0 || st.st_dev != l->exe->st_dev || st.st_ino != l->exe->st_ino)
		return; /* gone meanwhile, a kernel thread, or her own program */
	for (int depth = 0; depth < 4; depth++) {
		if (proc_stat_read(up, &up, NULL) < 0 || up <= 1 || proc_stat_read(up, NULL, &start) < 0)
			break;
		if (logins_has(l, up, start))
			return;
		if (depth == 0)
			parent = up;
	}
	if (parent > 1 && proc_stat_read(parent, NULL, &start) == 0)
		logins_add(l, parent, start);
}

/* The admitted logins on record (PATH) whose monitor still runs. */
static int add_admitted(const char *path, struct logins *l)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	unsigned long long start, now;
	int pid;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fscanf(f, "%d %llu\n", &pid, &start) == 2)
		if (pid > 1 && proc_stat_read(pid, NULL, &now) == 0 && now == start)
			logins_add(l, pid, start);
	return 0;
}

static void logins_done(struct logins *l)
{
	free(l->v);
}

/* Record L's monitors (the ones gone are left out: the record does not grow). */
static int record_admitted(const char *path, const struct logins *l)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return -errno;
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%d %llu\n", (int)l->v[i].pid, l->v[i].start);
	r = fclose(f) == 0 ? 0 : -ENOMEM;
	return r < 0 ? r : write_new_file(path, text);
}

int sessions_admit(const char *user, const char *counter, uint64_t max, pid_t asker,
		   struct error *err)
{
	unsigned long long asker_start;
	char exe_path[64], record[256];
	struct stat exe;
	_cleanup_(logins_done) struct logins l = { .exe = &exe };
	int r;

	snprintf(exe_path, sizeof(exe_path), "/proc/%d/exe", (int)asker);
	if (stat(exe_path, &exe) < 0)
		return error_errno(err, -errno, "cannot tell the logins of %s apart: %s", user,
				   exe_path);
	if ((r = proc_stat_read(asker, NULL, &asker_start)) < 0)
		return error_errno(err, r, "cannot tell the logins of %s apart: /proc/%d/stat",
				   user, (int)asker);
	user_run_path(user, RUN_LOGINS, record, sizeof(record));
	if ((r = add_admitted(record, &l)) < 0 || (r = cgroup_each_proc(counter, add_joined, &l)) < 0 ||
	    (r = l.error) < 0)
		return error_errno(err, r, "cannot count the logins of %s in %s", user, counter);
	if ((uint64_t)l.n >= max)
		return error_set(err, -EUSERS, "%s already has %zu logins to her container, and "
				 "max_sessions is %llu: close one, or raise max_sessions in "
				 "warren.conf", user, l.n, (unsigned long long)max);
	logins_add(&l, asker, asker_start);
	if ((r = l.error) < 0 || (r = record_admitted(record, &l)) < 0)
		return error_errno(err, r, "cannot record the login of %s in %s", user, record);
	return 0;
}
