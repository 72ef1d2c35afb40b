/* layout.c - where warren keeps things on the host (see layout.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"

/* ---- Per host, runtime ---- */

int runtime_prepare(void)
{
	static const struct {
		const char *path;
		mode_t mode;
	} dirs[] = {
		/* 0711: the build namespace's mount point below must be traversable by the
		 * container's (unprivileged) root while it mounts its overlay. */
		{ RUNTIME_DIR, 0711 },
		{ RUNTIME_LOCKS, 0700 },
		{ RUNTIME_USERS, 0700 },
		{ RUNTIME_APPARMOR, 0700 },
		{ BUILD_MNT, 0711 },
	};

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		int r = ensure_root_dir(dirs[i].path, dirs[i].mode);

		if (r < 0)
			return r;
	}
	return 0;
}

const char *user_run_path(const char *user, enum run_file file, char *buf, size_t len)
{
	static const char *const names[] = {
		[RUN_DIR] = NULL,	  [RUN_STATE] = "state", [RUN_PTS] = "pts",
		[RUN_NET] = "net",	  [RUN_STACK] = "stack", [RUN_LOGINS] = "logins",
		[RUN_UTMP] = "utmp",	  [RUN_TICKET] = "ticket",
	};
	const char *name = (unsigned)file < ELEMENTSOF(names) ? names[file] : NULL;

	snprintf(buf, len, RUNTIME_USERS "/%s%s%s", user, name ? "/" : "", name ? name : "");
	return buf;
}

int user_rundir_create(const char *user)
{
	char path[256];

	return ensure_root_dir(user_run_path(user, RUN_DIR, path, sizeof(path)), 0700);
}

int user_rundir_remove(const char *user)
{
	char path[256];

	if (rmdir(user_run_path(user, RUN_PTS, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (unlink(user_run_path(user, RUN_STACK, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (unlink(user_run_path(user, RUN_LOGINS, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (unlink(user_run_path(user, RUN_UTMP, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (unlink(user_run_path(user, RUN_TICKET, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	if (rmdir(user_run_path(user, RUN_DIR, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

const char *layout_apparmor_profile(const char *profile, char *buf, size_t len)
{
	snprintf(buf, len, RUNTIME_APPARMOR "/%s", profile);
	return buf;
}

const char *user_lock_path(const char *user, char *buf, size_t len)
{
	snprintf(buf, len, RUNTIME_LOCKS "/%s", user);
	return buf;
}

/* Take the lock of NAME in RUNTIME_LOCKS (blocking); the fd holds it.  Held, it is
 * still the file at its path: gc removes a user's lock file while holding it (a waiter
 * that then gets the old, unlinked one tries again with the new). */
static int take_lock(const char *name, bool wait)
{
	char path[256];

	user_lock_path(name, path, sizeof(path));
	for (;;) {
		_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		struct stat held, now;

		if (fd < 0)
			return -errno;
		while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0)
			if (errno != EINTR)
				return -errno;
		if (fstat(fd, &held) < 0)
			return -errno;
		if (stat(path, &now) == 0 && now.st_dev == held.st_dev && now.st_ino == held.st_ino)
			return TAKE_FD(fd);
	}
}

int user_lock(const char *user)
{
	return take_lock(user, true);
}

int user_lock_try(const char *user)
{
	return take_lock(user, false);
}

int user_lock_remove(const char *user)
{
	char path[256];

	return unlink(user_lock_path(user, path, sizeof(path))) < 0 && errno != ENOENT ? -errno : 0;
}

int network_lock(void)
{
	/* Not a user name: those never start with a dot. */
	return take_lock(".network", true);
}

int sandbox_lock(void)
{
	return take_lock(".sandbox", true);
}

/* ---- The config's state_dir ---- */

int layout_open_state_dir(const char *state_dir, struct error *err)
{
	int fd;

	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		return error_errno(err, -errno, "cannot make state_dir %s (its parent must exist)",
				   state_dir);
	fd = open_root_dir(state_dir);
	if (fd == -EPERM)
		return error_set(err, -EPERM, "state_dir %s must be owned by root and not writable by "
				 "group or others; fix: chown root: %s && chmod go-w %s", state_dir,
				 state_dir, state_dir);
	if (fd < 0)
		return error_errno(err, fd, "state_dir %s", state_dir);
	return fd;
}

/* STATE_DIR/NAME (root's, 0700), made if missing, in STATE_DIR, made if MAKE_TOP. */
static int open_below(const char *state_dir, const char *name, bool make_top, struct error *err)
{
	_cleanup_close_ int top = -EBADF;
	int fd;

	if (make_top)
		top = layout_open_state_dir(state_dir, err);
	else if ((top = open_root_dir(state_dir)) < 0)
		return error_errno(err, top, "state_dir %s", state_dir);
	if (top < 0)
		return top;
	if ((fd = mkdir_owned(top, name, 0700, 0, 0)) < 0)
		return error_errno(err, fd, "cannot prepare %s/%s", state_dir, name);
	return fd;
}

/* STATE_DIR/NAME[/ENTRY], into BUF. */
static const char *below(const char *state_dir, const char *name, const char *entry, char *buf,
			 size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", state_dir, name, entry ? "/" : "", entry ? entry : "");
	return buf;
}

/* The names of a user's entries in STATE_DIR/users and STATE_DIR/disks: her old layers
 * (KEEP: kept), her disk image (STAGED: a migration's copy in progress). */
#define ASIDE_NAME(user, keep) ".%s.pre-disk%s", (user), (keep) ? ".kept" : ""
#define DISK_NAME(user, staged) "%s.ext4%s", (user), (staged) ? ".new" : ""

/* STATE_DIR/NAME/ and the entry of the format FMT, into BUF. */
static const char *entry_below(const char *state_dir, const char *name, char *buf, size_t len,
			       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static const char *entry_below(const char *state_dir, const char *name, char *buf, size_t len,
			       const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s/%s/", state_dir, name);

	if (n >= 0 && (size_t)n < len) {
		va_start(ap, fmt);
		vsnprintf(buf + n, len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return buf;
}

/* ---- Per user, persistent ---- */

int layout_open_users(const char *state_dir, struct error *err)
{
	return open_below(state_dir, "users", true, err);
}

const char *layout_user_layers(const char *state_dir, const char *user, char *buf, size_t len)
{
	return below(state_dir, "users", user, buf, len);
}

const char *layout_aside_name(const char *user, bool keep, char *buf, size_t len)
{
	snprintf(buf, len, ASIDE_NAME(user, keep));
	return buf;
}

const char *layout_disk_name(const char *user, bool staged, char *buf, size_t len)
{
	snprintf(buf, len, DISK_NAME(user, staged));
	return buf;
}

const char *layout_aside(const char *state_dir, const char *user, bool keep, char *buf,
			 size_t len)
{
	return entry_below(state_dir, "users", buf, len, ASIDE_NAME(user, keep));
}

const char *layout_disk(const char *state_dir, const char *user, bool staged, char *buf,
			size_t len)
{
	return entry_below(state_dir, "disks", buf, len, DISK_NAME(user, staged));
}

int layout_open_disks(const char *state_dir, struct error *err)
{
	return open_below(state_dir, "disks", true, err);
}

/* Is the directory FD the root of a mount?  1, 0, or -errno.  statx says so where the
 * kernel tells (5.8); else its device differs from its parent's. */
static int is_mount_root(int fd)
{
	struct statx me, up;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &me) < 0)
		return -errno;
	if (me.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return !!(me.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	if (statx(fd, "..", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &up) < 0)
		return -errno;
	return me.stx_dev_major != up.stx_dev_major || me.stx_dev_minor != up.stx_dev_minor;
}

int layout_open_store_disks(const char *store, struct error *err)
{
	/* Never made: a store that is missing is a shared mount that is not there, and
	 * her data made on the host's own disk would differ from the other hosts'. */
	_cleanup_close_ int top = open_root_dir(store);
	int fd;

	if (top == -EPERM)
		return error_set(err, -EPERM, "the fleet's store %s must be owned by root and not "
				 "writable by group or others; fix: chown root: %s && chmod go-w %s",
				 store, store, store);
	if (top < 0)
		return error_errno(err, top, "the fleet's store %s (is the shared file system "
				   "mounted?)", store);
	/* The empty directory a shared mount that is not there leaves passes the checks
	 * above: her image would be made on this host's own disk. */
	if ((fd = is_mount_root(top)) <= 0)
		return fd < 0 ? error_errno(err, fd, "the fleet's store %s", store)
			      : error_set(err, -ENOTCONN, "the fleet's store %s is not a mount point; "
					  "mount the shared file system there (the same on every "
					  "login host)", store);
	if ((fd = mkdir_owned(top, "disks", 0700, 0, 0)) < 0)
		return error_errno(err, fd, "cannot prepare %s/disks", store);
	return fd;
}

const char *layout_store_staged_name(const char *user, const char *host, char *buf, size_t len)
{
	snprintf(buf, len, DISK_NAME(user, true));
	snprintf(buf + strlen(buf), len - strlen(buf), ":%s", host);
	return buf;
}

const char *layout_disks_dir(const char *state_dir, char *buf, size_t len)
{
	return below(state_dir, "disks", NULL, buf, len);
}

bool layout_is_disk_name(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && strcmp(name + len - 5, ".ext4") == 0;
}

/* ---- Per host, persistent ---- */

int layout_open_network(const char *state_dir, struct error *err)
{
	return open_below(state_dir, "network", false, err);
}

const char *layout_network_dir(const char *state_dir, char *buf, size_t len)
{
	return below(state_dir, "network", NULL, buf, len);
}

const char *layout_events_dir(const char *state_dir)
{
	return state_dir;
}

const char *layout_events(const char *state_dir, bool old, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", layout_events_dir(state_dir), old ? LAYOUT_EVENTS_OLD : LAYOUT_EVENTS);
	return buf;
}
