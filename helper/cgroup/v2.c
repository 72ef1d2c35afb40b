/* cgroup-v2.c - controllers on the unified hierarchy (pure v2 hosts, or the v2 half of
 * a hybrid one at /sys/fs/cgroup/unified). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/delegate.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"

const char *cgroup_v2_root(void)
{
	static const char *const candidates[] = { CGROUP_ROOT, CGROUP_ROOT "/unified" };
	struct statfs sfs;

	for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
		if (statfs(candidates[i], &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
			return candidates[i];
	return NULL;
}

static int v2_locate(const char *controller, const char *user, char *buf, size_t len)
{
	const char *root = cgroup_v2_root();
	char path[128];

	if (!root)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	if (cgroup_file_lists(path, controller) != 1)
		return -ENOENT;
	if (delegate_systemd_owns(root)) {
		char scope[256];

		delegate_scope_dir(root, user, scope, sizeof(scope));
		snprintf(buf, len, "%s/" DELEGATE_CONTAINER, scope);
	} else {
		snprintf(buf, len, "%s/" WARREN_CGROUP "/%s", root, user);
	}
	return 0;
}

/* Let children of DIR use CONTROLLER (v2 delegates top-down); a no-op if it already is. */
static int v2_enable(const char *dir, const char *controller)
{
	char path[300], op[64];

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	if (cgroup_file_lists(path, controller) == 1)
		return 0;
	snprintf(op, sizeof(op), "+%s", controller);
	return write_file(path, op);
}

/* On a systemd host: DIR is in the scope systemd delegated to its container, which the
 * caller enters (delegate.h).  The root's attributes are systemd's: never touched. */
static int v2_create_delegated(const char *root, const char *dir, const char *controller)
{
	char scope[256], *slash;
	int r;

	snprintf(scope, sizeof(scope), "%s", dir);
	if (!(slash = strrchr(scope, '/')))
		return -EINVAL;
	*slash = '\0';
	if ((r = delegate_enter_scope(root, scope)) < 0 || (r = v2_enable(scope, controller)) < 0)
		return r;
	return ensure_root_dir(dir, 0755);
}

static int v2_create(const char *dir, const char *controller)
{
	const char *root = cgroup_v2_root();
	char parent[256];
	int r;

	if (!root)
		return -ENOENT;
	if (delegate_systemd_owns(root))
		return v2_create_delegated(root, dir, controller);
	snprintf(parent, sizeof(parent), "%s/" WARREN_CGROUP, root);
	if ((r = v2_enable(root, controller)) < 0 || (r = ensure_root_dir(parent, 0755)) < 0 ||
	    (r = v2_enable(parent, controller)) < 0)
		return r;
	return ensure_root_dir(dir, 0755);
}

static int v2_apply(const char *dir, const char *controller, const limit_values l)
{
	char v[64], q[32];
	int r;

	if (!strcmp(controller, "pids"))
		return cgroup_write(dir, "pids.max", cgroup_value(l[LIMIT_PIDS], v, sizeof(v)));
	if (!strcmp(controller, "memory")) {
		if ((r = cgroup_write(dir, "memory.max", cgroup_value(l[LIMIT_MEMORY], v, sizeof(v)))) < 0)
			return r;
		r = cgroup_write(dir, "memory.swap.max", cgroup_value(l[LIMIT_SWAP], v, sizeof(v)));
		/* No memory.swap.max (no swap accounting): only swap = "max" is kept there. */
		return r == -ENOENT ? cgroup_swap_check(l, false) : r;
	}
	if (!strcmp(controller, "cpu")) {
		snprintf(v, sizeof(v), "%s %d",
			 cgroup_value(cgroup_cpu_quota_us(l[LIMIT_CPUS], CGROUP_CPU_PERIOD_US), q,
				      sizeof(q)),
			 CGROUP_CPU_PERIOD_US);
		return cgroup_write(dir, "cpu.max", v);
	}
	if (!strcmp(controller, "io")) {
		snprintf(v, sizeof(v), "default %u", (unsigned)l[LIMIT_IO_WEIGHT]);
		return cgroup_write_io_weight(dir, "io.weight", v, "io.bfq.weight",
					      l[LIMIT_IO_WEIGHT]);
	}
	return 0;
}

const struct cgroup_ops cgroup_v2_ops = { .name = "v2", .locate = v2_locate,
				       .create = v2_create, .apply = v2_apply };

int cgroup_v2_favordynmods(const char *mounts, const char *mnt)
{
	int found = -ENOENT;

	/* Lines of /proc/mounts: "SOURCE MOUNTPOINT TYPE OPTIONS 0 0" (a mount point with a
	 * blank in it is written with \040: never ours). The last mount at MNT counts. */
	for (const char *line = mounts; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char one[1024], src[256], at[256], type[32], opts[1024];

		snprintf(one, sizeof(one), "%.*s", (int)(len < sizeof(one) ? len : 0), line);
		if (sscanf(one, "%255s %255s %31s %1023s", src, at, type, opts) == 4 &&
		    !strcmp(at, mnt) && !strcmp(type, "cgroup2")) {
			found = 0;
			for (char *save = NULL, *o = strtok_r(opts, ",", &save); o;
			     o = strtok_r(NULL, ",", &save))
				if (!strcmp(o, "favordynmods"))
					found = 1;
		}
		line = end ? end + 1 : NULL;
	}
	return found;
}
