/* cgroup-v1.c - a controller on its own v1 hierarchy at /sys/fs/cgroup/CONTROLLER. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "fsutil.h"

static int v1_locate(const char *controller, const char *user, char *buf, size_t len)
{
	char mnt[128];
	struct statfs sfs;

	snprintf(mnt, sizeof(mnt), CGROUP_ROOT "/%s", controller);
	if (statfs(mnt, &sfs) < 0 || sfs.f_type != CGROUP_SUPER_MAGIC)
		return -ENOENT;
	snprintf(buf, len, "%s/" WARREN_CGROUP "/%s", mnt, user);
	return 0;
}

static int v1_create(const char *dir, const char *controller)
{
	char parent[256];
	char *slash;
	int r;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if ((r = ensure_root_dir(parent, 0755)) < 0)
		return r;
	return ensure_root_dir(dir, 0755);
}

const struct cgroup_ops cgroup_v1_ops = {
	.name = "v1",
	.locate = v1_locate,
	.create = v1_create,
};
