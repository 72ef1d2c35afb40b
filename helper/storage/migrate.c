/* migrate.c - a user's layers from plain directories into a disk image (see migrate.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "storage/disk.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "storage/migrate.h"
#include "wire/protocol.h"
#include "policy/reslimits.h"
#include "lib/tool.h"
#include "storage/tree.h"

/* The new image, inside the copy's private mount namespace. */
#define MIGRATE_TARGET DISK_PRIVATE_TARGET

/* Does the image have room for the layers in MINE?  ERR says how much is missing. */
static int check_room(int mine, const char *user, uint64_t size, struct error *err)
{
	static const char *const layers[] = { "root", "home" };
	uint64_t bytes = 0, inodes = 0, avail;
	char need[32], have[32], limit[32];
	struct statvfs vfs;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
		_cleanup_close_ int fd = openat(mine, layers[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
								      O_CLOEXEC);

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || (r = tree_usage(fd, &bytes, &inodes)) < 0)
			return error_errno(err, fd < 0 ? -errno : r, "cannot measure the layers of %s",
					   user);
	}
	if (statvfs(MIGRATE_TARGET, &vfs) < 0)
		return error_errno(err, -errno, "cannot measure the new disk of %s", user);
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (bytes <= avail && inodes <= vfs.f_favail)
		return 0;
	return error_set(err, -ENOSPC, "the files of %s take %s (%" PRIu64 " files), more than "
			 "disk = \"%s\" holds (%s free on it); raise her disk limit",
			 user, size_format_mib(bytes, need, sizeof(need)), inodes,
			 limit_format(LIMIT_DISK, size, limit, sizeof(limit)),
			 size_format_mib(avail, have, sizeof(have)));
}

/* Copy MINE's root/ and home/ into the mounted image, then prove the copy. */
static int copy_and_compare(const char *mine_path, int mine, struct error *err)
{
	static const char *const layers[] = { "root", "home" };
	char src_root[4300], src_home[4300];
	const char *cp[] = { "/bin/cp", "--archive", "--sparse=always", "--preserve=xattr",
			     "--no-dereference", "--target-directory=" MIGRATE_TARGET, src_root,
			     src_home, NULL };
	_cleanup_close_ int target = -EBADF;
	int r;

	snprintf(src_root, sizeof(src_root), "%s/root", mine_path);
	snprintf(src_home, sizeof(src_home), "%s/home", mine_path);
	if ((r = tool_run(cp)) != 0)
		return error_set(err, r < 0 ? r : -EIO, "copying %s into the disk image failed "
				 "(cp exit %d)", mine_path, r);
	target = open(MIGRATE_TARGET, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (target < 0)
		return error_errno(err, -errno, "cannot open the new disk");
	for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
		_cleanup_close_ int s = openat(mine, layers[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int d = openat(target, layers[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
								      O_CLOEXEC);
		struct stat a, b;

		if (s < 0 || d < 0 || fstat(s, &a) < 0 || fstat(d, &b) < 0)
			return error_errno(err, -errno, "cannot open layer %s to compare it", layers[i]);
		if (a.st_mode != b.st_mode || a.st_uid != b.st_uid || a.st_gid != b.st_gid)
			return error_set(err, -EXDEV, "the copy of layer %s has another owner or mode",
					 layers[i]);
		if ((r = tree_compare(s, d, layers[i], err)) < 0)
			return r;
	}
	return 0;
}

/* The copy's process: in a mount namespace of its own, so that the new image is never
 * mounted on the host.  Its result goes to STATUS_FD. */
__attribute__((noreturn)) static void copy_child(pid_t parent, const char *mine_path,
						  const char *image, const char *user, uint64_t size,
						  int status_fd)
{
	_cleanup_close_ int mine = -EBADF;
	struct error err = { 0 };

	/* Killed with its parent (cp with it, tool.h): a copy nobody waits for stops. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	if (disk_mount_private(image, false, &err) == 0) {
		mine = open(mine_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (mine < 0)
			error_errno(&err, -errno, "cannot open %s", mine_path);
		else if (check_room(mine, user, size, &err) == 0)
			copy_and_compare(mine_path, mine, &err);
	}
	/* The image is unmounted, and its loop device freed, with this namespace. */
	(void)error_send(status_fd, &err);
	_exit(error_is_set(&err) ? 1 : 0);
}

/* Run the copy, bounded by TIME_LIMIT seconds (0: none). */
static int run_copy(const char *mine_path, const char *image, const char *user, uint64_t size,
		    unsigned time_limit, struct error *err)
{
	_cleanup_close_ int status = -EBADF, pidfd = -EBADF;
	pid_t parent = getpid(), pid = tool_fork_reporting(&status);
	struct pollfd p;
	char who[128];
	int r;

	if (pid < 0)
		return error_errno(err, pid, "cannot start the copy");
	if (pid == 0)
		copy_child(parent, mine_path, image, user, size, TAKE_FD(status));
	pidfd = pidfd_of(pid);
	p = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	if (pidfd >= 0 && poll(&p, 1, time_limit ? (int)time_limit * 1000 : -1) == 0) {
		(void)pidfd_kill(pidfd, SIGKILL); /* and so cp (tool.h) */
		waitpid(pid, NULL, 0);
		return error_set(err, -ETIMEDOUT, "copying the layers of %s into her disk image takes "
				 "longer than a login may wait (%u s); nothing was changed; fix: "
				 "warren-helper migrate %s (no time limit)", user, time_limit, user);
	}
	snprintf(who, sizeof(who), "the copy of the layers of %s", user);
	r = error_recv(status, false, who, err);
	waitpid(pid, NULL, 0);
	return r;
}

int migrate_set_aside(const char *state_dir, int users, const char *user, struct error *err)
{
	char aside[128], path[4200];

	layout_aside_name(user, false, aside, sizeof(aside));
	layout_aside(state_dir, user, false, path, sizeof(path));
	if (renameat(users, user, users, aside) < 0)
		return error_errno(err, -errno, "cannot set the old layers of %s aside as %s "
				   "(if it exists from an earlier migration, remove it)", user, path);
	log_info("set the old layers of %s aside as %s; they go once her container has "
		 "started from the disk image", user, path);
	return 0;
}

int migrate_to_disk(const char *state_dir, int users, int disks, const char *user, uint64_t size,
		    unsigned time_limit, bool keep, struct error *err)
{
	char image[4200], staged[4200], mine[4200], staged_name[128], image_name[128], aside[128];
	char aside_path[4200], sz[32];
	int r;

	layout_disk_name(user, false, image_name, sizeof(image_name));
	layout_disk_name(user, true, staged_name, sizeof(staged_name));
	layout_disk(state_dir, user, false, image, sizeof(image));
	layout_disk(state_dir, user, true, staged, sizeof(staged));
	layout_user_layers(state_dir, user, mine, sizeof(mine));
	/* A copy an earlier attempt left unfinished is not trusted: start over. */
	if (unlinkat(disks, staged_name, 0) < 0 && errno != ENOENT)
		return error_errno(err, -errno, "cannot remove %s", staged);
	log_info("moving the layers of %s into a disk image of %s", user,
		 limit_format(LIMIT_DISK, size, sz, sizeof(sz)));
	if ((r = disk_create(staged, size, false, err)) < 0)
		return r;
	if ((r = run_copy(mine, staged, user, size, time_limit, err)) < 0) {
		unlinkat(disks, staged_name, 0);
		return error_wrap(err, "cannot move the layers of %s into a disk image", user);
	}
	/* The switch: from here on the image is what the container uses. */
	if (renameat(disks, staged_name, disks, image_name) < 0) {
		r = error_errno(err, -errno, "cannot put %s in place", image);
		unlinkat(disks, staged_name, 0);
		return r;
	}
	layout_aside_name(user, keep, aside, sizeof(aside));
	layout_aside(state_dir, user, keep, aside_path, sizeof(aside_path));
	if (renameat(users, user, users, aside) < 0)
		return error_errno(err, -errno, "the disk image of %s is in place, but her old layers "
				   "cannot be set aside as %s", user, aside_path);
	log_info("moved the layers of %s into %s; the old ones are in %s%s", user, image,
		 aside_path, keep ? " (kept: remove them by hand)" : " until her container "
		 "has started from the image");
	return 0;
}

void migrate_forget_old(const char *state_dir, int users, const char *user)
{
	char aside[128], path[4200];
	struct stat st;

	layout_aside_name(user, false, aside, sizeof(aside));
	layout_aside(state_dir, user, false, path, sizeof(path));
	if (fstatat(users, aside, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (tool_remove_tree(path) < 0)
		log_warning(0, "cannot remove the old layers of %s in %s", user, path);
	else
		log_info("removed the old layers of %s: her container started from her disk image",
			 user);
}
