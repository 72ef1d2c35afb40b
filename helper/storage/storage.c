/* storage.c - where a user's persistent layers live (see storage.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "storage/disk.h"
#include "lib/fsutil.h"
#include "storage/layers.h"
#include "lib/log.h"
#include "storage/migrate.h"
#include "policy/reslimits.h"
#include "storage/storage.h"

/* STATE_DIR (made if missing), and its users/ and disks/ (root's alone). */
static int open_dirs(const char *state_dir, int *ret_users, int *ret_disks, struct error *err)
{
	_cleanup_close_ int top = state_dir_open(state_dir, err), users = -EBADF, disks = -EBADF;

	if (top < 0)
		return top;
	if ((users = mkdir_owned(top, "users", 0700, 0, 0)) < 0 ||
	    (disks = mkdir_owned(top, "disks", 0700, 0, 0)) < 0)
		return error_errno(err, users < 0 ? users : disks, "cannot prepare %s", state_dir);
	*ret_users = TAKE_FD(users);
	*ret_disks = TAKE_FD(disks);
	return 0;
}

static bool has_layers(int users, const char *user)
{
	return layer_has_data(users, user, "root") || layer_has_data(users, user, "home");
}

/* The image exists: check it, set aside layers a migration left beside it, resize. */
static int use_image(const char *state_dir, int users, const char *path, const struct stat *st,
		     const char *user, uint64_t size, struct error *err)
{
	int r;

	if (!S_ISREG(st->st_mode) || st->st_uid != 0)
		return error_set(err, -EPERM, "%s must be a regular file owned by root", path);
	if (has_layers(users, user) && (r = migrate_set_aside(state_dir, users, user, err)) < 0)
		return r;
	if (size != LIMIT_UNLIMITED && (uint64_t)st->st_size != size)
		return disk_resize(path, (uint64_t)st->st_size, size, err);
	return 0;
}

/* Sparse images can promise more than the filesystem holds: say so at each start. */
static void warn_overcommit(const char *state_dir)
{
	char dir[4200], promised[32], avail[32];
	struct disk_usage u;

	snprintf(dir, sizeof(dir), "%s/disks", state_dir);
	if (disk_overcommit(dir, &u) < 0 || u.unallocated <= u.free)
		return;
	log_warning(0, "the %u disk images in %s may still grow by %s, more than the %s free on "
		    "their filesystem: users may get \"No space left\" below their limits; free "
		    "space there or lower disk limits", u.images, dir,
		    size_format_mib(u.unallocated, promised, sizeof(promised)),
		    size_format_mib(u.free, avail, sizeof(avail)));
}

int storage_prepare(const char *state_dir, const char *user, uint64_t size, unsigned time_limit,
		    char *ret_image, size_t image_len, struct error *err)
{
	_cleanup_close_ int users = -EBADF, disks = -EBADF;
	char path[4200], name[64];
	struct stat st;
	int r;

	ret_image[0] = '\0';
	if ((r = open_dirs(state_dir, &users, &disks, err)) < 0)
		return r;
	snprintf(name, sizeof(name), "%s.ext4", user);
	snprintf(path, sizeof(path), "%s/disks/%s", state_dir, name);
	if (strlen(path) >= image_len)
		return error_set(err, -ENAMETOOLONG, "%s: the path is too long", path);
	if (fstatat(disks, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		r = use_image(state_dir, users, path, &st, user, size, err);
	else if (errno != ENOENT)
		return error_errno(err, -errno, "%s", path);
	else if (size == LIMIT_UNLIMITED)
		return 0; /* no limit, no image: plain directories */
	else if (has_layers(users, user))
		/* Never hide files a user already has under an empty new disk. */
		r = migrate_to_disk(state_dir, users, disks, user, size, time_limit, false, err);
	else
		r = disk_create(path, size, err);
	if (r < 0)
		return r;
	warn_overcommit(state_dir);
	strcpy(ret_image, path);
	return 0;
}

int storage_release(const char *state_dir, const char *user)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/disks/%s.ext4", state_dir, user);
	return disk_release(path);
}

void storage_started(const char *state_dir, const char *user)
{
	_cleanup_close_ int top = open(state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int users = top < 0 ? -EBADF : openat(top, "users", O_RDONLY | O_DIRECTORY |
									  O_NOFOLLOW | O_CLOEXEC);

	if (users >= 0)
		migrate_forget_old(state_dir, users, user);
}

int storage_migrate(const char *state_dir, const char *user, uint64_t size, bool keep,
		    struct error *err)
{
	_cleanup_close_ int users = -EBADF, disks = -EBADF;
	char name[64];
	struct stat st;
	int r;

	if (size == LIMIT_UNLIMITED)
		return error_set(err, -EINVAL, "the disk limit of %s is \"max\": her layers stay plain "
				 "directories; set a size first", user);
	if ((r = open_dirs(state_dir, &users, &disks, err)) < 0)
		return r;
	snprintf(name, sizeof(name), "%s.ext4", user);
	if (fstatat(disks, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return error_set(err, -EEXIST, "%s already has a disk image, %s/disks/%s", user,
				 state_dir, name);
	if (!has_layers(users, user))
		return error_set(err, -ENOENT, "%s has no layers in %s/users/%s to move", user,
				 state_dir, user);
	return migrate_to_disk(state_dir, users, disks, user, size, 0, keep, err);
}
