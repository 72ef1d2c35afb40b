/* nsjoin.c - join a running container's namespaces as its root. */
#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "wire/creds.h"
#include "wire/nsjoin.h"

int nsjoin_as_container_root(int init_pidfd, gid_t gid, const gid_t *extra, unsigned n,
			     struct error *err)
{
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWNET | CLONE_NEWCGROUP;
	int r;

	/* Where the kernel has time namespaces every container has its own (rootfs.c). */
	if (access("/proc/self/ns/time", F_OK) == 0)
		flags |= CLONE_NEWTIME;
	if (setns(init_pidfd, flags) < 0)
		return error_errno(err, -errno, "cannot enter the container's namespaces");
	/* Host supplementary groups mean nothing inside but those mapped there (identity):
	 * keep those, the user's own and the others the helper named. */
	if ((r = creds_become_ns_root(gid, extra, n)) < 0)
		return error_errno(err, r, "cannot become the container's root");
	if (chdir("/") < 0)
		return error_errno(err, -errno, "cannot change to the container's /");
	return 0;
}
