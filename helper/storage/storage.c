/* storage.c - where a user's persistent layers live (see storage.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "storage/disk.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "storage/layers.h"
#include "lib/log.h"
#include "storage/migrate.h"
#include "policy/reslimits.h"
#include "storage/storage.h"

/* The directories of her layers and of her disk image (layout.h), made if missing. */
static int open_dirs(const char *state_dir, int *ret_users, int *ret_disks, struct error *err)
{
	_cleanup_close_ int users = layout_open_users(state_dir, err), disks = -EBADF;

	if (users < 0)
		return users;
	if ((disks = layout_open_disks(state_dir, err)) < 0)
		return disks;
	*ret_users = TAKE_FD(users);
	*ret_disks = TAKE_FD(disks);
	return 0;
}

static bool has_layers(int users, const char *user)
{
	return layer_has_data(users, user, "root") || layer_has_data(users, user, "home");
}

/* The image at PATH exists: is it root's, as warren made it? */
static int image_owned(const char *path, const struct stat *st, struct error *err)
{
	if (!S_ISREG(st->st_mode) || st->st_uid != 0)
		return error_set(err, -EPERM, "%s must be a regular file owned by root", path);
	return 0;
}

/* Make the image at PATH (of ST) SIZE big, if SIZE is one. */
static int resize_to(const char *path, const struct stat *st, uint64_t size, struct error *err)
{
	if (size != LIMIT_UNLIMITED && (uint64_t)st->st_size != size)
		return disk_resize(path, (uint64_t)st->st_size, size, err);
	return 0;
}

/* The image exists: check it, set aside layers a migration left beside it, resize. */
static int use_image(const char *state_dir, int users, const char *path, const struct stat *st,
		     const char *user, uint64_t size, struct error *err)
{
	int r;

	if ((r = image_owned(path, st, err)) < 0)
		return r;
	if (has_layers(users, user) && (r = migrate_set_aside(state_dir, users, user, err)) < 0)
		return r;
	return resize_to(path, st, size, err);
}

/* Sparse images can promise more than the filesystem holds: say so at each start. */
static void warn_overcommit(const char *state_dir)
{
	char dir[4200], promised[32], avail[32];
	struct disk_usage u;

	if (disk_overcommit(layout_disks_dir(state_dir, dir, sizeof(dir)), &u) < 0 ||
	    u.unallocated <= u.free)
		return;
	log_warning(0, "the %u disk images in %s may still grow by %s, more than the %s free on "
		    "their filesystem: users may get \"No space left\" below their limits; free "
		    "space there or lower disk limits", u.images, dir,
		    size_format_mib(u.unallocated, promised, sizeof(promised)),
		    size_format_mib(u.free, avail, sizeof(avail)));
}

/* Her images half made on the store (by this host or another) that no host can still be
 * making: her lease is held, and a host that lost hers while it made one finds its
 * name gone and fails (it links its own name, never this host's). */
static void reap_staged(const char *store, int disks, const char *user)
{
	_cleanup_close_ int fd = openat(disks, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char prefix[128], dir[4200];
	struct dirent *e;

	if (!d)
		return;
	fd = -EBADF; /* the DIR's now */
	layout_store_staged_name(user, "", prefix, sizeof(prefix));
	layout_disks_dir(store, dir, sizeof(dir));
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)) &&
		    unlinkat(disks, e->d_name, 0) == 0)
			log_info("removed %s/%s, an image of %s that a host left half made", dir,
				 e->d_name, user);
}

/* Her image made on the store, as NAME in DISKS (at PATH): made under a name of this
 * host's own, then linked into place, so that her image's name is never on a half-made
 * one, and a host that lost her lease while it made one cannot put its own in place of
 * this host's (its link fails: 1, and this host uses the image there, checked as any
 * image is).  A link is atomic on the shared file systems a store is on, NFS too. */
static int create_in_store(const char *store, int disks, const char *user, const char *name,
			   const char *path, uint64_t size, struct error *err)
{
	char host[128], staged_name[256], dir[4200], staged[4400];
	struct utsname un;
	int r = 0, fd = -EBADF;

	if (uname(&un) < 0)
		return error_errno(err, -errno, "cannot tell this host's name");
	snprintf(host, sizeof(host), "%s", un.nodename);
	layout_store_staged_name(user, host, staged_name, sizeof(staged_name));
	snprintf(staged, sizeof(staged), "%s/%s", layout_disks_dir(store, dir, sizeof(dir)),
		 staged_name);
	if ((r = disk_create(staged, size, true, err)) < 0)
		return r;
	/* On the store's disks before its name says it is made. */
	if ((fd = openat(disks, staged_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 || fsync(fd) < 0)
		r = error_errno(err, -errno, "cannot write %s out", staged);
	else if (linkat(disks, staged_name, disks, name, 0) < 0)
		r = errno == EEXIST ? 1 : error_errno(err, -errno, "cannot link %s to %s", staged, path);
	if (fd >= 0)
		close(fd);
	if (unlinkat(disks, staged_name, 0) < 0 && r >= 0)
		log_warning(-errno, "cannot remove %s", staged);
	return r;
}

/* With a fleet her data is a disk image on the store, always: other hosts can use neither
 * plain directories nor this host's own image.  What this host kept of her is never
 * hidden under a new image: it refuses, naming it.  Checks only: the image is made or
 * resized once her lease is held (storage_prepare_shared). */
static int check_for_store(const char *state_dir, const char *store, const char *user,
			   uint64_t size, char *path, size_t len, struct error *err)
{
	_cleanup_close_ int users = -EBADF, local = -EBADF, disks = -EBADF;
	char name[64], here[4200];
	struct stat st;
	int r;

	if (size == LIMIT_UNLIMITED)
		return error_set(err, -EINVAL, "the data of %s lives in a disk image on the fleet's "
				 "store %s, which needs a size, and her disk limit is \"max\"; set disk "
				 "(disk = \"10G\", say) in defaults or in her group", user, store);
	if ((r = open_dirs(state_dir, &users, &local, err)) < 0)
		return r;
	layout_disk_name(user, false, name, sizeof(name));
	if (has_layers(users, user) || fstatat(local, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return error_set(err, -EEXIST, "%s has data on this host, in %s, that her image on the "
				 "fleet's store would hide; move it aside (mv %s %s.local), then copy "
				 "what she needs into her container once it runs",
				 user, has_layers(users, user)
					   ? layout_user_layers(state_dir, user, here, sizeof(here))
					   : layout_disk(state_dir, user, false, here, sizeof(here)),
				 here, here);
	/* The store is there (a mount point, root's) before her lease is asked for. */
	if ((disks = layout_open_store_disks(store, err)) < 0)
		return disks;
	layout_disk(store, user, false, path, len);
	return 0;
}

/* Her image on the store, NAME in DISKS (at PATH), exists: check it and resize it. */
static int use_shared(int disks, const char *name, const char *path, uint64_t size,
		      struct error *err)
{
	struct stat st;
	int r;

	if (fstatat(disks, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return error_errno(err, -errno, "%s", path);
	if ((r = image_owned(path, &st, err)) < 0)
		return r;
	return resize_to(path, &st, size, err);
}

int storage_prepare_shared(const char *store, const char *user, uint64_t size, struct error *err)
{
	_cleanup_close_ int disks = layout_open_store_disks(store, err);
	char name[64], path[4200];
	struct stat st;
	int r;

	if (disks < 0)
		return disks;
	layout_disk_name(user, false, name, sizeof(name));
	layout_disk(store, user, false, path, sizeof(path));
	reap_staged(store, disks, user);
	if (fstatat(disks, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		r = use_shared(disks, name, path, size, err);
	else if ((r = create_in_store(store, disks, user, name, path, size, err)) > 0)
		r = use_shared(disks, name, path, size, err); /* another host's link came first */
	if (r < 0)
		return r;
	warn_overcommit(store);
	return 0;
}

int storage_prepare(const char *state_dir, const char *store, const char *user, uint64_t size,
		    unsigned time_limit, char *ret_image, size_t image_len, struct error *err)
{
	_cleanup_close_ int users = -EBADF, disks = -EBADF;
	char path[4200], name[64];
	struct stat st;
	int r;

	ret_image[0] = '\0';
	if (store) {
		if ((r = check_for_store(state_dir, store, user, size, path, sizeof(path), err)) < 0)
			return r;
		if (strlen(path) >= image_len)
			return error_set(err, -ENAMETOOLONG, "%s: the path is too long", path);
		strcpy(ret_image, path);
		return 0;
	}
	if ((r = open_dirs(state_dir, &users, &disks, err)) < 0)
		return r;
	layout_disk_name(user, false, name, sizeof(name));
	layout_disk(state_dir, user, false, path, sizeof(path));
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
		r = disk_create(path, size, false, err);
	if (r < 0)
		return r;
	warn_overcommit(state_dir);
	strcpy(ret_image, path);
	return 0;
}

int storage_release(const char *state_dir, const char *store, const char *user)
{
	char path[PATH_MAX];

	return disk_release(layout_disk(store ? store : state_dir, user, false, path, sizeof(path)));
}

void storage_started(const char *state_dir, const char *user)
{
	struct error ignored = { 0 };
	_cleanup_close_ int users = layout_open_users(state_dir, &ignored);

	if (users >= 0)
		migrate_forget_old(state_dir, users, user);
}

int storage_migrate(const char *state_dir, const char *store, const char *user, uint64_t size,
		    bool keep, struct error *err)
{
	_cleanup_close_ int users = -EBADF, disks = -EBADF;
	char name[64], path[4200];
	struct stat st;
	int r;

	if (store)
		return error_set(err, -EINVAL, "with a fleet the data of %s is an image on the store, "
				 "%s, made at her first login; a migration makes an image on this host "
				 "only", user, store);
	if (size == LIMIT_UNLIMITED)
		return error_set(err, -EINVAL, "the disk limit of %s is \"max\": her layers stay plain "
				 "directories; set a size first", user);
	if ((r = open_dirs(state_dir, &users, &disks, err)) < 0)
		return r;
	if (fstatat(disks, layout_disk_name(user, false, name, sizeof(name)), &st,
		    AT_SYMLINK_NOFOLLOW) == 0)
		return error_set(err, -EEXIST, "%s already has a disk image, %s", user,
				 layout_disk(state_dir, user, false, path, sizeof(path)));
	if (!has_layers(users, user))
		return error_set(err, -ENOENT, "%s has no layers in %s to move", user,
				 layout_user_layers(state_dir, user, path, sizeof(path)));
	return migrate_to_disk(state_dir, users, disks, user, size, 0, keep, err);
}
