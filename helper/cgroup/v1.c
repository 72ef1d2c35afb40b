/* cgroup-v1.c - a controller on its own v1 hierarchy at /sys/fs/cgroup/CONTROLLER. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"

/* v1 calls the io controller blkio. */
static const char *v1_name(const char *controller)
{
	return strcmp(controller, "io") ? controller : "blkio";
}

static int v1_locate(const char *controller, const char *user, char *buf, size_t len)
{
	char mnt[128];
	struct statfs sfs;

	snprintf(mnt, sizeof(mnt), CGROUP_ROOT "/%s", v1_name(controller));
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

/* v1 writes -1 for "no limit". */
static const char *v1_value(uint64_t v, char *buf, size_t len)
{
	if (v == LIMIT_UNLIMITED)
		return "-1";
	return cgroup_value(v, buf, len);
}

static int v1_apply_memory(const char *dir, const limit_values l)
{
	uint64_t memory = l[LIMIT_MEMORY], swap = l[LIMIT_SWAP], memsw = LIMIT_UNLIMITED;
	char path[320], v[32];
	int r;

	if (memory != LIMIT_UNLIMITED && swap != LIMIT_UNLIMITED)
		memsw = memory + swap;
	snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", dir);
	if (access(path, F_OK) < 0) {
		/* No swap accounting (kernel booted without it): memory alone is enforced,
		 * which is what swap = "max" says, and only that. */
		if ((r = cgroup_swap_check(l, false)) < 0)
			return r;
		return cgroup_write(dir, "memory.limit_in_bytes", v1_value(memory, v, sizeof(v)));
	}
	/* memsw may never be below memory: lift it, set memory, then set it. */
	if ((r = write_file(path, "-1")) < 0 ||
	    (r = cgroup_write(dir, "memory.limit_in_bytes", v1_value(memory, v, sizeof(v)))) < 0)
		return r;
	return write_file(path, v1_value(memsw, v, sizeof(v)));
}

static int v1_apply(const char *dir, const char *controller, const limit_values l)
{
	char v[32];
	int r;

	if (!strcmp(controller, "pids"))
		return cgroup_write(dir, "pids.max", cgroup_value(l[LIMIT_PIDS], v, sizeof(v)));
	if (!strcmp(controller, "memory"))
		return v1_apply_memory(dir, l);
	if (!strcmp(controller, "cpu")) {
		snprintf(v, sizeof(v), "%d", CGROUP_CPU_PERIOD_US);
		if ((r = cgroup_write(dir, "cpu.cfs_period_us", v)) < 0)
			return r;
		return cgroup_write(dir, "cpu.cfs_quota_us",
				    v1_value(cgroup_cpu_quota_us(l[LIMIT_CPUS], CGROUP_CPU_PERIOD_US), v,
					     sizeof(v)));
	}
	if (!strcmp(controller, "io")) {
		snprintf(v, sizeof(v), "%u", cgroup_io_weight_v1(l[LIMIT_IO_WEIGHT]));
		return cgroup_write_io_weight(dir, "blkio.weight", v, "blkio.bfq.weight",
					      l[LIMIT_IO_WEIGHT]);
	}
	return 0;
}

const struct cgroup_ops cgroup_v1_ops = { .name = "v1", .locate = v1_locate,
				       .create = v1_create, .apply = v1_apply };
