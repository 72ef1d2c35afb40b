/* nsjoin.c - join a running container's namespaces as its root. */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <unistd.h>

#include "nsjoin.h"

int nsjoin_as_container_root(int init_pidfd, gid_t gid, const char **ret_step)
{
	*ret_step = "enter the container's namespaces";
	if (setns(init_pidfd, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
				      CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP) < 0)
		return -errno;
	/* Host supplementary groups mean nothing inside (unmapped); keep the user's own. */
	*ret_step = "become the container's root";
	if (setgroups(1, &gid) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return 0;
}
