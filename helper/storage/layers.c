/* layers.c - a user's persistent layers (see layers.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "storage/layers.h"

bool layer_has_data(int users, const char *user, const char *layer)
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

int layers_prepare(int mine, const struct user_spec *u, bool container_ids, struct error *err)
{
	static const char *const layers[] = { "root", "home" };
	/* Her own ids are the same inside and out (idmap.h); only root's differ. */
	const uid_t root_uid = container_ids ? 0 : u->root_uid;
	const gid_t root_gid = container_ids ? 0 : u->root_gid;
	_cleanup_close_ int work = -EBADF;
	int fd;

	if (fchown(mine, 0, 0) < 0 || fchmod(mine, 0711) < 0)
		return error_errno(err, -errno, "cannot prepare the state dir of %s", u->name);
	if ((work = mkdir_owned(mine, "work", 0711, 0, 0)) < 0)
		return error_errno(err, work, "cannot prepare the work dir of %s", u->name);
	for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
		bool home = !strcmp(layers[i], "home");

		fd = mkdir_owned(mine, layers[i], home ? 0700 : 0755, home ? u->uid : root_uid,
				 home ? u->gid : root_gid);
		if (fd < 0)
			return error_errno(err, fd, "cannot prepare layer %s of %s", layers[i], u->name);
		close(fd);
		fd = mkdir_owned(work, layers[i], 0700, root_uid, root_gid);
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
	_cleanup_close_ int users = layout_open_users(state_dir, err), mine = -EBADF;
	char path[4200];

	if (users < 0)
		return users;
	if ((mine = mkdir_owned(users, u->name, 0711, 0, 0)) < 0)
		return error_errno(err, mine, "cannot prepare %s",
				   layout_user_layers(state_dir, u->name, path, sizeof(path)));
	return layers ? layers_prepare(mine, u, false, err) : 0;
}
