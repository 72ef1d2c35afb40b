/* state.c - runtime state under /run/warren (see state.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/state.h"

int runtime_prepare(void)
{
	static const struct {
		const char *path;
		mode_t mode;
	} dirs[] = {
		/* 0711: the build namespace's mount point below must be traversable by the
		 * container's (unprivileged) root while it mounts its overlay. */
		{ RUNTIME_DIR, 0711 },
		{ RUNTIME_DIR "/locks", 0700 },
		{ RUNTIME_DIR "/users", 0700 },
		{ RUNTIME_DIR "/mnt", 0711 },
	};

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		int r = ensure_root_dir(dirs[i].path, dirs[i].mode);

		if (r < 0)
			return r;
	}
	return 0;
}

const char *user_lock_path(const char *user, char *buf, size_t len)
{
	snprintf(buf, len, RUNTIME_DIR "/locks/%s", user);
	return buf;
}

/* Take the lock of NAME in RUNTIME_DIR/locks (blocking); the fd holds it.  Held, it is
 * still the file at its path: gc removes a user's lock file while holding it (a waiter
 * that then gets the old, unlinked one tries again with the new). */
static int take_lock(const char *name)
{
	char path[256];

	user_lock_path(name, path, sizeof(path));
	for (;;) {
		_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		struct stat held, now;

		if (fd < 0)
			return -errno;
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return -errno;
		if (fstat(fd, &held) < 0)
			return -errno;
		if (stat(path, &now) == 0 && now.st_dev == held.st_dev && now.st_ino == held.st_ino)
			return TAKE_FD(fd);
	}
}

int user_lock_remove(const char *user)
{
	char path[256];

	return unlink(user_lock_path(user, path, sizeof(path))) < 0 && errno != ENOENT ? -errno : 0;
}

int user_lock(const char *user)
{
	return take_lock(user);
}

int network_lock(void)
{
	/* Not a user name: those never start with a dot. */
	return take_lock(".network");
}

int sandbox_lock(void)
{
	return take_lock(".sandbox");
}

const char *user_run_path(const char *user, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, RUNTIME_DIR "/users/%s%s%s", user, file ? "/" : "", file ? file : "");
	return buf;
}

int user_rundir_create(const char *user)
{
	char path[256];

	return ensure_root_dir(user_run_path(user, NULL, path, sizeof(path)), 0700);
}

int user_rundir_remove(const char *user)
{
	char path[256];

	if (rmdir(user_run_path(user, "pts", path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (unlink(user_run_path(user, "stack", path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (unlink(user_run_path(user, "logins", path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	/* sshd's utmp of her logins (pam_warren's monitor_utmp). */
	if (unlink(user_run_path(user, "utmp", path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (rmdir(user_run_path(user, NULL, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int state_parse(const char *text, struct container_state *ret)
{
	struct container_state st;

	if (sscanf(text, "%d %d %llu", &st.init_pid, &st.supervisor_pid, &st.pidns_ino) != 3 ||
	    st.init_pid <= 1 || st.supervisor_pid <= 1)
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
	int r = read_file(user_run_path(user, "state", path, sizeof(path)), buf, sizeof(buf));

	return r < 0 ? r : state_parse(buf, ret);
}

int state_write(const char *user, const struct container_state *st)
{
	char path[256], buf[128];

	snprintf(buf, sizeof(buf), "%d %d %llu\n", st->init_pid, st->supervisor_pid, st->pidns_ino);
	return write_new_file(user_run_path(user, "state", path, sizeof(path)), buf);
}

int state_touch(const char *user)
{
	char path[256];

	if (utimensat(AT_FDCWD, user_run_path(user, "state", path, sizeof(path)), NULL,
		      AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

int state_last_login(const char *user, struct timespec *ret)
{
	char path[256];
	struct stat st;

	if (lstat(user_run_path(user, "state", path, sizeof(path)), &st) < 0)
		return -errno;
	*ret = st.st_mtim;
	return 0;
}

int state_remove(const char *user)
{
	char path[256];

	if (unlink(user_run_path(user, "state", path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
