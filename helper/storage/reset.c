/* reset.c - drop a user's root layer, and on request her home (see reset.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "storage/disk.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "storage/layers.h"
#include "lib/log.h"
#include "wire/protocol.h"
#include "storage/reset.h"
#include "lib/tool.h"

/* The layers a reset may drop, and the names they are set aside as. */
static const struct {
	const char *layer, *aside;
} droppable[] = {
	{ "root", ".root.reset" },
	{ "home", ".home.reset" },
};

void reset_finish(const char *mine_path)
{
	char path[4200];
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(droppable); i++) {
		snprintf(path, sizeof(path), "%s/%s", mine_path, droppable[i].aside);
		if (lstat(path, &st) < 0)
			continue;
		if (tool_remove_tree(path) < 0)
			log_warning(0, "cannot remove %s, a layer set aside by a reset", path);
	}
}

/* Steps 1-4 in the layers directory at MINE_PATH. */
static int reset_in(const char *mine_path, const struct user_spec *u, bool home,
		    bool container_ids, struct error *err)
{
	_cleanup_close_ int mine = open(mine_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	size_t n = home ? 2 : 1;
	int r;

	if (mine < 0)
		return error_errno(err, -errno, "cannot open the layers of %s", u->name);
	reset_finish(mine_path);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (fstatat(mine, droppable[i].aside, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return error_set(err, -EEXIST, "%s/%s is still there; remove it by hand, then "
					 "reset again", mine_path, droppable[i].aside);
		if (renameat(mine, droppable[i].layer, mine, droppable[i].aside) < 0 &&
		    errno != ENOENT)
			return error_errno(err, -errno, "cannot set the %s layer of %s aside",
					   droppable[i].layer, u->name);
	}
	/* The new, empty layers are in place before the old ones go. */
	if ((r = layers_prepare(mine, u, container_ids, err)) < 0)
		return error_wrap(err, "reset of %s", u->name);
	reset_finish(mine_path);
	for (size_t i = 0; i < n; i++)
		if (fstatat(mine, droppable[i].aside, &(struct stat){ 0 }, AT_SYMLINK_NOFOLLOW) == 0)
			return error_set(err, -EIO, "the old %s layer of %s is out of use but could not "
					 "be removed: %s/%s", droppable[i].layer, u->name, mine_path,
					 droppable[i].aside);
	return 0;
}

/* The reset of the layers in IMAGE: in a mount namespace of its own, so that the image is
 * never mounted on the host.  Its result goes to STATUS_FD. */
__attribute__((noreturn)) static void image_child(pid_t parent, const char *image,
						   const struct user_spec *u, bool home,
						   bool container_ids, int status_fd)
{
	struct error err = { 0 };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	if (disk_mount_private(image, container_ids, &err) == 0)
		reset_in(DISK_PRIVATE_TARGET, u, home, container_ids, &err);
	(void)error_send(status_fd, &err);
	_exit(error_is_set(&err) ? 1 : 0);
}

static int reset_image(const char *image, const struct user_spec *u, bool home,
		       bool container_ids, struct error *err)
{
	_cleanup_close_ int status = -EBADF;
	pid_t parent = getpid(), pid = tool_fork_reporting(&status);
	char who[128];
	int r;

	if (pid < 0)
		return error_errno(err, pid, "cannot start the reset");
	if (pid == 0)
		image_child(parent, image, u, home, container_ids, TAKE_FD(status));
	snprintf(who, sizeof(who), "the reset of %s", u->name);
	r = error_recv(status, false, who, err);
	waitpid(pid, NULL, 0);
	return r;
}

int reset_layers(const char *state_dir, const char *store, const struct user_spec *u, bool home,
		 struct error *err)
{
	char image[4200], mine[4200], name[64];
	struct stat st;

	layout_disk(store ? store : state_dir, u->name, false, image, sizeof(image));
	if (store) {
		/* The store checked as a login checks it: a store that is not mounted, or
		 * cannot be read, is no "nothing to drop". */
		_cleanup_close_ int disks = layout_open_store_disks(store, err);

		if (disks < 0)
			return disks;
		layout_disk_name(u->name, false, name, sizeof(name));
		if (fstatat(disks, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT ? 0 /* never started in the fleet */
					       : error_errno(err, -errno, "%s", image);
	} else if (lstat(image, &st) < 0) {
		st.st_mode = 0;
	}
	if (st.st_mode) {
		if (!S_ISREG(st.st_mode))
			return error_set(err, -EINVAL, "%s is not a regular file", image);
		/* Another host's running container has it mounted: mmp refuses the mount. */
		return reset_image(image, u, home, store != NULL, err);
	}
	layout_user_layers(state_dir, u->name, mine, sizeof(mine));
	if (lstat(mine, &st) < 0 && errno == ENOENT)
		return 0; /* never started: nothing to drop */
	return reset_in(mine, u, home, false, err);
}
