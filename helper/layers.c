/* layers.c - a user's persistent layers (see layers.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "layers.h"

int layers_prepare(int mine, const struct user_spec *u, struct error *err)
{
	static const char *const layers[] = { "root", "home" };
	_cleanup_close_ int work = -EBADF;
	int fd;

	if (fchown(mine, 0, 0) < 0 || fchmod(mine, 0711) < 0)
		return error_errno(err, -errno, "cannot prepare the state dir of %s", u->name);
	if ((work = mkdir_owned(mine, "work", 0711, 0, 0)) < 0)
		return error_errno(err, work, "cannot prepare the work dir of %s", u->name);
	for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
		bool home = !strcmp(layers[i], "home");

		fd = mkdir_owned(mine, layers[i], home ? 0700 : 0755, home ? u->uid : u->root_uid,
				 home ? u->gid : u->root_gid);
		if (fd < 0)
			return error_errno(err, fd, "cannot prepare layer %s of %s", layers[i], u->name);
		close(fd);
		fd = mkdir_owned(work, layers[i], 0700, u->root_uid, u->root_gid);
		if (fd < 0)
			return error_errno(err, fd, "cannot prepare work dir %s of %s", layers[i],
					   u->name);
		close(fd);
	}
	return 0;
}

int layers_prepare_state_dir(const char *state_dir, const struct user_spec *u, bool layers,
			     struct error *err)
{
	_cleanup_close_ int top = -EBADF, users = -EBADF, mine = -EBADF;

	top = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return error_errno(err, -errno, "state_dir %s", state_dir);
	if ((users = mkdir_owned(top, "users", 0700, 0, 0)) < 0 ||
	    (mine = mkdir_owned(users, u->name, 0711, 0, 0)) < 0)
		return error_errno(err, users < 0 ? users : mine, "cannot prepare %s/users/%s",
				   state_dir, u->name);
	return layers ? layers_prepare(mine, u, err) : 0;
}
