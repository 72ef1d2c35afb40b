/* state.c - a running container's record (see state.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/state.h"
#include "lib/tool.h"

int state_parse(const char *text, struct container_state *ret)
{
	struct container_state st = { 0 };
	int n = sscanf(text, "%d %d %llu %llu", &st.init_pid, &st.supervisor_pid, &st.pidns_ino,
		       &st.pts_dev);

	if ((n != 3 && n != 4) || st.init_pid <= 1 || st.supervisor_pid <= 1 ||
	    (n == 4 && st.pts_dev == 0))
		return -EBADMSG;
	*ret = st;
	return 0;
}

int state_pidns_inode(pid_t pid, unsigned long long *ret)
{
	char path[64];
	struct stat s;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if (stat(path, &s) < 0)
		return -errno;
	*ret = (unsigned long long)s.st_ino;
	return 0;
}

int proc_stat_read(pid_t pid, pid_t *ret_ppid, unsigned long long *ret_start)
{
	char path[64], buf[1024], *p;
	unsigned long long start;
	int ppid, r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((r = read_file(path, buf, sizeof(buf))) < 0)
		return r;
	/* The name in parentheses may hold anything: the fields start after its last ')'.
	 * State is field 3, ppid 4, starttime 22. */
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 2, "%*c %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &ppid, &start) != 2)
		return -EBADMSG;
	if (ret_ppid)
		*ret_ppid = ppid;
	if (ret_start)
		*ret_start = start;
	return 0;
}

bool state_supervised(const struct container_state *st)
{
	char path[64], buf[4096], *ppid;

	snprintf(path, sizeof(path), "/proc/%d/status", st->init_pid);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(ppid = strstr(buf, "\nPPid:")))
		return false;
	return atoi(ppid + 6) == st->supervisor_pid;
}

bool state_is_live(const struct container_state *st)
{
	unsigned long long ino;

	return state_pidns_inode(st->init_pid, &ino) == 0 && ino == st->pidns_ino &&
	       state_supervised(st);
}

int state_read(const char *user, struct container_state *ret)
{
	char path[256], buf[128];
	int r = read_file(user_run_path(user, RUN_STATE, path, sizeof(path)), buf, sizeof(buf));

	return r < 0 ? r : state_parse(buf, ret);
}

int state_write(const char *user, const struct container_state *st)
{
	char path[256], buf[128];

	snprintf(buf, sizeof(buf), "%d %d %llu %llu\n", st->init_pid, st->supervisor_pid,
		 st->pidns_ino, st->pts_dev);
	return write_new_file(user_run_path(user, RUN_STATE, path, sizeof(path)), buf);
}

int state_touch(const char *user)
{
	char path[256];

	if (utimensat(AT_FDCWD, user_run_path(user, RUN_STATE, path, sizeof(path)), NULL,
		      AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

int state_last_login(const char *user, struct timespec *ret)
{
	char path[256];
	struct stat st;

	if (lstat(user_run_path(user, RUN_STATE, path, sizeof(path)), &st) < 0)
		return -errno;
	*ret = st.st_mtim;
	return 0;
}

int state_remove(const char *user)
{
	char path[256];

	if (unlink(user_run_path(user, RUN_STATE, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static bool pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

int state_open_init(const struct container_state *st)
{
	_cleanup_close_ int fd = pidfd_of(st->init_pid);
	unsigned long long ino;

	if (fd < 0)
		return fd;
	if (pidfd_exited(fd) || state_pidns_inode(st->init_pid, &ino) < 0 || ino != st->pidns_ino)
		return -ESRCH;
	return TAKE_FD(fd);
}

bool state_supervisor_alive(const struct container_state *st)
{
	_cleanup_close_ int fd = pidfd_of(st->supervisor_pid);

	return fd >= 0 && !pidfd_exited(fd) && state_supervised(st);
}
