/* disk.c - per-user ext4 images for the disk limit (see disk.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "disk.h"
#include "fsutil.h"
#include "log.h"

/* Run an e2fsprogs tool with a fixed argv and an empty environment (no shell);
 * returns its exit status. */
static int run_tool(const char *const argv[])
{
	char *const envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Is the directory USERS/USER/LAYER there with anything in it? */
static bool layer_has_data(int users, const char *user, const char *layer)
{
	char rel[128];
	_cleanup_close_ int fd = -EBADF;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;

	snprintf(rel, sizeof(rel), "%s/%s", user, layer);
	fd = open_beneath(users, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || !(d = fdopendir(fd)))
		return false;
	fd = -EBADF;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			return true;
	return false;
}

static int disk_create(const char *path, uint64_t size, struct error *err)
{
	const char *mkfs[] = { "/sbin/mkfs.ext4", "-q", "-F", "-m", "0", "-E", "root_owner=0:0",
			       path, NULL };
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return error_errno(err, -errno, "cannot create %s", path);
	if (ftruncate(fd, (off_t)size) < 0) {
		r = -errno;
		unlink(path);
		return error_errno(err, r, "cannot size %s", path);
	}
	if ((r = run_tool(mkfs)) != 0) {
		unlink(path);
		return error_set(err, -EIO, "mkfs.ext4 %s failed (exit %d)", path, r);
	}
	return 0;
}

static int disk_resize(const char *path, uint64_t have, uint64_t size, struct error *err)
{
	char kib[32];
	const char *fsck[] = { "/sbin/e2fsck", "-f", "-p", path, NULL };
	const char *resize[] = { "/sbin/resize2fs", path, kib, NULL };
	int r;

	snprintf(kib, sizeof(kib), "%lluK", (unsigned long long)(size / 1024));
	if ((r = run_tool(fsck)) > 1)
		return error_set(err, -EIO, "e2fsck %s failed (exit %d); the disk was not resized",
				 path, r);
	if (size > have && truncate(path, (off_t)size) < 0)
		return error_errno(err, -errno, "cannot grow %s", path);
	if ((r = run_tool(resize)) != 0) {
		if (size > have && truncate(path, (off_t)have) < 0)
			log_warning(-errno, "cannot give %s back its size", path);
		return error_set(err, -ENOSPC, "cannot resize %s to %s: %s", path, kib,
				 size < have ? "the user's files need more than that; raise disk "
					       "or free space first"
					     : "resize2fs failed");
	}
	if (size < have && truncate(path, (off_t)size) < 0)
		return error_errno(err, -errno, "cannot shrink %s", path);
	log_info("resized %s from %lluK to %s", path, (unsigned long long)(have / 1024), kib);
	return 0;
}

int disk_prepare(const char *state_dir, const char *user, uint64_t size, char *ret_path,
		 unsigned long path_len, struct error *err)
{
	_cleanup_close_ int top = -EBADF, users = -EBADF, disks = -EBADF;
	char path[4096 + 64], name[64];
	struct stat st;
	int r;

	ret_path[0] = '\0';
	top = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return error_errno(err, -errno, "state_dir %s", state_dir);
	if ((users = mkdir_owned(top, "users", 0700, 0, 0)) < 0 ||
	    (disks = mkdir_owned(top, "disks", 0700, 0, 0)) < 0)
		return error_errno(err, users < 0 ? users : disks, "cannot prepare %s", state_dir);
	snprintf(name, sizeof(name), "%s.ext4", user);
	snprintf(path, sizeof(path), "%s/disks/%s", state_dir, name);
	if (fstatat(disks, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return error_errno(err, -errno, "%s", path);
		if (size == UINT64_MAX)
			return 0; /* no limit, no image: a plain directory */
		/* Never hide files a user already has under an empty new disk. */
		if (layer_has_data(users, user, "root") || layer_has_data(users, user, "home"))
			return error_set(err, -EEXIST, "%s has files in %s/users/%s from before the disk "
					 "limit; move them into a disk image first, or set disk = \"max\" "
					 "for %s", user, state_dir, user, user);
		if ((r = disk_create(path, size, err)) < 0)
			return r;
	} else if (!S_ISREG(st.st_mode) || st.st_uid != 0) {
		return error_set(err, -EPERM, "%s must be a regular file owned by root", path);
	} else if (size != UINT64_MAX && (uint64_t)st.st_size != size) {
		if ((r = disk_resize(path, (uint64_t)st.st_size, size, err)) < 0)
			return r;
	}
	if (strlen(path) >= path_len)
		return error_set(err, -ENAMETOOLONG, "%s: the path is too long", path);
	strcpy(ret_path, path);
	return 0;
}

int disk_mount(const char *image, const char *target, const char *devdir)
{
	_cleanup_close_ int ctl = -EBADF, file = -EBADF, loop = -EBADF;
	struct loop_config cfg = { .info = { .lo_flags = LO_FLAGS_AUTOCLEAR } };
	char dev[300];

	snprintf(dev, sizeof(dev), "%s/loop-control", devdir);
	file = open(image, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	ctl = open(dev, O_RDWR | O_CLOEXEC);
	if (file < 0 || ctl < 0)
		return -errno;
	cfg.fd = (unsigned)file;
	/* Another process may take the free device first: try again. */
	for (int attempt = 0; attempt < 16; attempt++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0)
			return -errno;
		snprintf(dev, sizeof(dev), "%s/loop%d", devdir, n);
		loop = open(dev, O_RDWR | O_CLOEXEC);
		if (loop < 0)
			return -errno;
		if (ioctl(loop, LOOP_CONFIGURE, &cfg) == 0)
			break;
		if (errno != EBUSY)
			return -errno;
		close(TAKE_FD(loop));
	}
	if (loop < 0)
		return -EBUSY;
	if (mount(dev, target, "ext4", MS_NOSUID | MS_NODEV, NULL) < 0) {
		int r = -errno;

		ioctl(loop, LOOP_CLR_FD, 0);
		return r;
	}
	return 0;
}
