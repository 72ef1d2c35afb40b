/* fsutil.c - fd-relative file operations that never follow a symlink. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"

int open_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (flags & O_CREAT)
		how.mode = 0600;
	fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

int mkdir_owned(int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	_cleanup_close_ int fd = -EBADF;
	struct stat st;

	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((st.st_uid != uid || st.st_gid != gid) && fchown(fd, uid, gid) < 0)
		return -errno;
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) < 0)
		return -errno;
	return TAKE_FD(fd);
}

int ensure_root_dir(const char *path, mode_t mode)
{
	int fd = mkdir_owned(AT_FDCWD, path, mode, 0, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int open_root_dir(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_uid != 0 || (st.st_mode & 022))
		return -EPERM;
	return TAKE_FD(fd);
}

/* Can only root change what directory DIR (ST) holds?  Root's, and not writable by group
 * or others unless sticky (then only an entry's owner may rename or remove it, and
 * open_root_path checks the entry is root's next). */
static int root_dir_check(const char *dir, const struct stat *st, struct error *err)
{
	if (!S_ISDIR(st->st_mode))
		return error_set(err, -ENOTDIR, "%s is not a directory; fix: correct the path", dir);
	if (st->st_uid != 0)
		return error_set(err, -EPERM, "its directory %s is owned by uid %u, not root: its "
				 "owner can swap the file; fix: chown root %s, or keep the file in a "
				 "directory of root's", dir, (unsigned)st->st_uid, dir);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX))
		return error_set(err, -EPERM, "its directory %s is writable by group or others "
				 "(mode %04o): they can swap the file; fix: chmod go-w %s", dir,
				 (unsigned)(st->st_mode & 07777), dir);
	return 0;
}

int open_root_path(const char *path, struct error *err)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int dir = -EBADF;
	char *comp, *next, *save = NULL;
	struct stat st;
	int fd, r;

	if (!copy)
		return error_set(err, -ENOMEM, "out of memory");
	if (path[0] != '/')
		return error_set(err, -EINVAL, "is not an absolute path; fix: name it from /");
	dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || fstat(dir, &st) < 0)
		return error_errno(err, -errno, "cannot inspect /");
	if ((r = root_dir_check("/", &st, err)) < 0)
		return r;
	/* Each directory below /, by its name as PATH spells it (COPY's offsets are PATH's). */
	for (comp = strtok_r(copy, "/", &save); comp; comp = next) {
		char d[PATH_MAX];
		int sub;

		if (!strcmp(comp, ".") || !strcmp(comp, ".."))
			return error_set(err, -EINVAL, "has a \"%s\" in it; fix: name the file by its "
					 "plain path", comp);
		if (!(next = strtok_r(NULL, "/", &save)))
			break;
		snprintf(d, sizeof(d), "%.*s", (int)(comp - copy + (ptrdiff_t)strlen(comp)), path);
		sub = openat(dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return error_errno(err, -errno, "cannot open its directory %s", d);
		closep(&dir);
		dir = sub;
		if (fstat(dir, &st) < 0)
			return error_errno(err, -errno, "cannot inspect its directory %s", d);
		if (S_ISLNK(st.st_mode))
			return error_set(err, -ELOOP, "its directory %s is a symbolic link; fix: name "
					 "the file by its real path", d);
		if ((r = root_dir_check(d, &st, err)) < 0)
			return r;
	}
	if (!comp)
		return error_set(err, -EISDIR, "names no file; fix: correct the path");
	/* Not a symlink, not a FIFO that would hang (O_NONBLOCK; the caller's fstat refuses
	 * what is not a regular file). */
	fd = openat(dir, comp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno == ELOOP)
		return error_set(err, -ELOOP, "is a symbolic link (warren reads the file itself, "
				 "never a link, that whoever can change it would choose); fix: name the "
				 "file it points to");
	if (fd < 0)
		return error_errno(err, -errno, "cannot be opened");
	return fd;
}

int mkdir_p_beneath(int rootfd, const char *path, mode_t mode)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int cur = -EBADF;
	char *save = NULL, *comp;

	if (!copy)
		return -ENOMEM;
	cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return -errno;
	for (comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		int next;

		if (!strcmp(comp, ".") || !strcmp(comp, ".."))
			return -EINVAL;
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(cur, comp, mode) < 0 && errno != EEXIST)
				return -errno;
			next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0)
			return -errno;
		close(cur);
		cur = next;
	}
	return TAKE_FD(cur);
}

int mount_beneath(int rootfd, const char *rel, const char *src, const char *fstype,
		  unsigned long flags, const char *data)
{
	_cleanup_close_ int target = mkdir_p_beneath(rootfd, rel, 0755);
	char p[FD_PATH_MAX];

	if (target < 0)
		return target;
	return mount(src, fd_path(target, p), fstype, flags, data) < 0 ? -errno : 0;
}

int mount_clone(int dirfd, const char *path, bool recursive, struct mount_attr *attr,
		const char *target)
{
	_cleanup_close_ int tree = -EBADF;
	const unsigned deep = recursive ? AT_RECURSIVE : 0;

	tree = open_tree(dirfd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | deep |
			 (path[0] ? 0 : AT_EMPTY_PATH));
	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | deep, attr, sizeof(*attr)) < 0)
		return -errno;
	if (move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_file(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return write_all(fd, text, strlen(text));
}

int write_file_beneath(int dirfd, const char *rel, const char *text)
{
	_cleanup_close_ int fd = open_beneath(dirfd, rel, O_WRONLY);

	if (fd < 0)
		return fd;
	return write_all(fd, text, strlen(text));
}

int proc_sys_private(void)
{
	_cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC), mnt = -EBADF;

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	if ((mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			   MOUNT_ATTR_NOEXEC)) < 0)
		return -errno;
	return open_beneath(mnt, "sys", O_PATH | O_DIRECTORY);
}

int write_replace(int dirfd, const char *name, const char *const parts[], unsigned flags)
{
	char tmp[4200];
	_cleanup_close_ int fd = -EBADF;
	int n = flags & WRITE_PRIVATE ? snprintf(tmp, sizeof(tmp), "%s.%d", name, (int)getpid())
				       : snprintf(tmp, sizeof(tmp), "%s.new", name);
	int r = 0;

	if (n < 0 || n >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	(void)unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	for (const char *const *p = parts; r == 0 && *p; p++)
		r = write_all(fd, *p, strlen(*p));
	if (r == 0 && (flags & WRITE_DURABLE) && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dirfd, tmp, 0);
	return r;
}

int write_new_file(const char *path, const char *text)
{
	return write_replace(AT_FDCWD, path, (const char *const[]){ text, NULL }, 0);
}

int read_file(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t used = 0;

	if (fd < 0)
		return -errno;
	while (used + 1 < len) {
		ssize_t n = read(fd, buf + used, len - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	return (int)used;
}

/* The checks of KIND's file on FD (PATH): its size into *RET_SIZE. */
static int admin_file_check(int fd, const char *path, const struct admin_file *kind,
			    size_t *ret_size, struct error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return error_errno(err, -errno, "%s: cannot inspect the %s", path, kind->what);
	if (!S_ISREG(st.st_mode))
		return error_set(err, -EINVAL, "%s: the %s is not a regular file; fix: point %s at "
				 "a file", path, kind->what, kind->key);
	if (st.st_uid != 0)
		return error_set(err, -EPERM, "%s: the %s is owned by uid %u; fix: chown root:root %s",
				 path, kind->what, (unsigned)st.st_uid, path);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return error_set(err, -EPERM, "%s: the %s is writable by group or others (mode "
				 "%04o); fix: chmod go-w %s", path, kind->what,
				 (unsigned)(st.st_mode & 07777), path);
	if ((unsigned long long)st.st_size > kind->max)
		return error_set(err, -EFBIG, "%s: the %s is %lld bytes; fix: keep it under %zu",
				 path, kind->what, (long long)st.st_size, kind->max);
	*ret_size = (size_t)st.st_size;
	return 0;
}

int read_admin_file(const char *path, const struct admin_file *kind, char **ret_text,
		    struct error *err)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *text = NULL;
	size_t size = 0, got = 0;
	ssize_t n;
	int r;

	/* Not a symlink, not a FIFO that would hang the login (O_NONBLOCK, then refused as
	 * not regular). */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno == ELOOP)
		return error_set(err, -ELOOP, "%s: the %s is a symbolic link; fix: point %s at the "
				 "file itself", path, kind->what, kind->key);
	if (fd < 0)
		return error_errno(err, -errno, "%s: cannot open the %s", path, kind->what);
	if ((r = admin_file_check(fd, path, kind, &size, err)) < 0)
		return r;
	if (!(text = malloc(size + 2)))
		return error_set(err, -ENOMEM, "%s: out of memory", path);
	/* One byte more than fstat said, to notice a file being rewritten. */
	while (got < size + 1 && (n = read(fd, text + got, size + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_errno(err, -errno, "%s: cannot read the %s", path, kind->what);
		got += (size_t)n;
	}
	if (got != size)
		return error_set(err, -EAGAIN, "%s: the %s changed while read; fix: replace it "
				 "atomically (write a new file, then rename it)", path, kind->what);
	text[got] = '\0';
	if (strlen(text) != got)
		return error_set(err, -EINVAL, "%s: the %s contains a NUL byte; fix: a text file",
				 path, kind->what);
	*ret_text = TAKE_PTR(text);
	return 0;
}

const char *fd_path(int fd, char buf[FD_PATH_MAX])
{
	snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}
