/* disk.c - per-user ext4 images for the disk limit (see disk.h). */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "storage/disk.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/text.h"
#include "policy/reslimits.h"
#include "lib/tool.h"

/* Run the e2fsprogs tool ARGV; what it said (stdout and stderr: its reason, when it
 * fails) into SAID as one line of a log, safe for a terminal.  Its exit status, or -errno. */
static int run_saying(const char *const argv[], char *said, size_t len)
{
	int r = tool_output_all(argv, said, len);
	size_t n;

	for (char *p = said; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	n = strlen(said);
	while (n > 0 && said[n - 1] == ' ')
		said[--n] = '\0';
	text_mask(said, '?');
	return r;
}

/* Bytes FROM to SIZE of the image FD (at PATH) allocated on the host's disk now: a sparse
 * image would promise space the host may not have when the user comes to write, and one
 * user filling her disk could then make another's writes fail. */
static int allocate(int fd, const char *path, uint64_t from, uint64_t size, struct error *err)
{
	char want[32], have[32];
	struct statvfs vfs;

	if (fallocate(fd, 0, (off_t)from, (off_t)(size - from)) == 0)
		return 0;
	if (errno == ENOSPC && fstatvfs(fd, &vfs) == 0)
		return error_set(err, -ENOSPC, "a disk image of %s does not fit: %s has %s free; "
				 "lower the disk limit or free space there",
				 size_format_mib(size - from, want, sizeof(want)), path,
				 size_format_mib((uint64_t)vfs.f_bavail * vfs.f_frsize, have, sizeof(have)));
	return error_errno(err, -errno, "cannot allocate %s", path);
}

int disk_create(const char *path, uint64_t size, bool mmp, struct error *err)
{
	const char *mkfs[] = { "/sbin/mkfs.ext4", "-q", "-F", "-m", "0", "-E",
			       "root_owner=0:0,nodiscard", "-O", mmp ? "mmp" : "^mmp", path, NULL };
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	char said[256];
	int r;

	if (fd < 0)
		return error_errno(err, -errno, "cannot create %s", path);
	if ((r = allocate(fd, path, 0, size, err)) < 0) {
		unlink(path);
		return r;
	}
	if ((r = run_saying(mkfs, said, sizeof(said))) != 0) {
		unlink(path);
		return error_set(err, -EIO, "mkfs.ext4 %s failed (exit %d): %s", path, r,
				 said[0] ? said : "it said nothing");
	}
	/* mke2fs zeroes its tables by punching holes in a file: fill them again. */
	if ((r = allocate(fd, path, 0, size, err)) < 0) {
		unlink(path);
		return r;
	}
	return 0;
}

int disk_resize(const char *path, uint64_t have, uint64_t size, struct error *err)
{
	char kib[32], said[256];
	const char *fsck[] = { "/sbin/e2fsck", "-f", "-p", path, NULL };
	const char *resize[] = { "/sbin/resize2fs", path, kib, NULL };
	int r;

	snprintf(kib, sizeof(kib), "%lluK", (unsigned long long)(size / 1024));
	if ((r = run_saying(fsck, said, sizeof(said))) > 1)
		return error_set(err, -EIO, "e2fsck %s failed (exit %d): %s; the disk was not resized",
				 path, r, said[0] ? said : "it said nothing");
	if (size > have) {
		_cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0)
			return error_errno(err, -errno, "cannot open %s", path);
		if ((r = allocate(fd, path, have, size, err)) < 0)
			return r;
	}
	if ((r = tool_run(resize)) != 0) {
		if (size > have && truncate(path, (off_t)have) < 0)
			log_warning(-errno, "cannot give %s back its size", path);
		return error_set(err, -ENOSPC, "cannot resize %s to %s: %s", path, kib,
				 size < have ? "the user's files need more than that; raise disk "
					       "or free space first"
					     : "resize2fs failed");
	}
	if (size < have && truncate(path, (off_t)size) < 0)
		return error_errno(err, -errno, "cannot shrink %s", path);
	if (size > have) {
		_cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

		/* resize2fs, too, may leave holes where it zeroed. */
		if (fd < 0 || (r = allocate(fd, path, 0, size, err)) < 0)
			return fd < 0 ? error_errno(err, -errno, "cannot open %s", path) : r;
	}
	log_info("resized %s from %lluK to %s", path, (unsigned long long)(have / 1024), kib);
	return 0;
}

int disk_release(const char *image)
{
	_cleanup_closedir_ DIR *d = opendir("/sys/block");
	struct dirent *e;
	struct stat st;
	int n = 0;

	/* By the file, not its name: a loop device's backing_file is the path in the mount
	 * namespace that attached it, and a builder's is gone (the path then starts at the
	 * root of the mount the image is on: the store's, a state_dir's own disk). */
	if (!d || stat(image, &st) < 0)
		return 0;
	while ((e = readdir(d))) {
		struct loop_info64 info;
		char path[300];
		_cleanup_close_ int loop = -EBADF;

		if (strncmp(e->d_name, "loop", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if ((loop = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    ioctl(loop, LOOP_GET_STATUS64, &info) < 0 || info.lo_device != st.st_dev ||
		    info.lo_inode != st.st_ino)
			continue;
		if (ioctl(loop, LOOP_CLR_FD, 0) == 0)
			n++;
	}
	return n;
}

int disk_mount(const char *image, const char *target, const char *devdir, bool shared)
{
	_cleanup_close_ int ctl = -EBADF, file = -EBADF, loop = -EBADF;
	/* Direct I/O is a wish: a backing file that cannot do it gets buffered I/O (older
	 * kernels fall back by themselves, newer ones refuse: then again without). */
	struct loop_config cfg = {
		.info = { .lo_flags = LO_FLAGS_AUTOCLEAR | (shared ? LO_FLAGS_DIRECT_IO : 0) },
	};
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
		if (errno == EINVAL && (cfg.info.lo_flags & LO_FLAGS_DIRECT_IO)) {
			cfg.info.lo_flags &= ~(uint32_t)LO_FLAGS_DIRECT_IO;
			if (ioctl(loop, LOOP_CONFIGURE, &cfg) == 0)
				break;
		}
		if (errno != EBUSY)
			return -errno;
		close(TAKE_FD(loop));
	}
	if (loop < 0)
		return -EBUSY;
	if (shared) {
		struct loop_info64 info;

		if (ioctl(loop, LOOP_GET_STATUS64, &info) == 0 && !(info.lo_flags & LO_FLAGS_DIRECT_IO))
			log_warning(0, "%s: its loop device does buffered I/O (the store's file system "
				    "takes no direct I/O): multi-mount protection may read this "
				    "host's cache of its block, not another host's writes; the "
				    "fleet lease still keeps hosts apart", image);
	}
	/* noinit_itable: ext4's lazy init zeroes the inode tables it left uninitialized,
	 * which the loop device turns into holes punched in the image, and the allocation
	 * that keeps one user's image from failing another's writes would wear away.
	 * errors=remount-ro, shared: when multi-mount protection finds another host's
	 * writes, ext4 records an error; by default it then goes on writing. */
	if (mount(dev, target, "ext4", MS_NOSUID | MS_NODEV,
		  shared ? "noinit_itable,errors=remount-ro" : "noinit_itable") < 0) {
		int r = -errno;

		ioctl(loop, LOOP_CLR_FD, 0);
		return r;
	}
	return 0;
}

int disk_overcommit(const char *disks_dir, struct disk_usage *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct disk_usage u = { 0 };
	struct statvfs vfs;
	struct dirent *e;
	int fd = open(disks_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstatvfs(fd, &vfs) < 0 || !(d = fdopendir(fd))) {
		int r = -errno;

		close(fd);
		return r;
	}
	u.free = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	while ((e = readdir(d))) {
		struct stat st;

		/* USER.ext4 only: a .new image is a copy in progress, not a promise yet. */
		if (!layout_is_disk_name(e->d_name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		u.images++;
		u.size += (uint64_t)st.st_size;
		if ((uint64_t)st.st_size > (uint64_t)st.st_blocks * 512)
			u.unallocated += (uint64_t)st.st_size - (uint64_t)st.st_blocks * 512;
	}
	*ret = u;
	return 0;
}

int disk_mount_private(const char *image, bool shared, struct error *err)
{
	int r;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("warren-disk", DISK_PRIVATE_MNT, "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=0700,size=64k") < 0 ||
	    mkdir(DISK_PRIVATE_TARGET, 0700) < 0 || mkdir(DISK_PRIVATE_DEV, 0700) < 0 ||
	    mount("warren-dev", DISK_PRIVATE_DEV, "devtmpfs", MS_NOSUID | MS_NOEXEC, NULL) < 0)
		return error_errno(err, -errno, "cannot set up a mount namespace for %s", image);
	if ((r = disk_mount(image, DISK_PRIVATE_TARGET, DISK_PRIVATE_DEV, shared)) < 0)
		return error_errno(err, r, "cannot mount %s", image);
	return 0;
}

/* ext4's superblock, 1024 bytes into the file system: its incompatible features' word,
 * and the one that says multi-mount protection is on. */
#define EXT4_SUPER_OFFSET 1024
#define EXT4_INCOMPAT_OFFSET 0x60
#define EXT4_INCOMPAT_MMP 0x0100u

int disk_mmp_works(void)
{
	char dir[] = "/tmp/warren-mmp.XXXXXX", path[64];
	const char *mkfs[] = { "/sbin/mkfs.ext4", "-q", "-F", "-O", "mmp", path, NULL };
	unsigned char word[4];
	int fd, r;

	if (!mkdtemp(dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/probe.ext4", dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 16 << 20) < 0)
		r = -errno;
	else if ((r = tool_run(mkfs)) != 0)
		r = r < 0 ? r : r == 127 ? -ENOENT : 0; /* not started, or the feature refused */
	else if (pread(fd, word, sizeof(word), EXT4_SUPER_OFFSET + EXT4_INCOMPAT_OFFSET) != 4)
		r = -EIO;
	else
		r = ((unsigned)word[0] | (unsigned)word[1] << 8) & EXT4_INCOMPAT_MMP ? 1 : 0;
	if (fd >= 0)
		close(fd);
	unlink(path);
	rmdir(dir);
	return r;
}
