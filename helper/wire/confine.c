/* confine.c - the one confinement of a process entering a container (see confine.h). */
#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "wire/confine.h"
#include "wire/creds.h"
#include "wire/sysfilter.h"

int confine_join(const struct confine_plan *p, int init_pidfd, gid_t gid, struct error *err)
{
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWNET | CLONE_NEWCGROUP;
	int r;

	/* Where the kernel has time namespaces every container has its own (rootfs.c). */
	if (access("/proc/self/ns/time", F_OK) == 0)
		flags |= CLONE_NEWTIME;
	if (setns(init_pidfd, flags) < 0)
		return error_errno(err, -errno, "cannot enter the container's namespaces");
	/* Host supplementary groups mean nothing inside but those mapped there: keep the
	 * user's own and those the helper named (identity-mapped). */
	if ((r = creds_become_ns_root(gid, p->groups, gid == (gid_t)-1 ? 0 : p->n_groups)) < 0)
		return error_errno(err, r, "cannot become the container's root");
	if (chdir("/") < 0)
		return error_errno(err, -errno, "cannot change to the container's /");
	return 0;
}

/* Step 2: the LSM label of P's container.  None yet: an AppArmor profile or an SELinux
 * context goes on here, after the namespaces (so that it names the container's) and
 * before the filter (which may deny the calls that set it). */
static int lsm_label(const struct confine_plan *p, struct error *err)
{
	(void)p;
	(void)err;
	return 0;
}

int confine(const struct confine_plan *p, int init_pidfd, uid_t uid, gid_t gid,
	    struct error *err)
{
	int r;

	if (init_pidfd >= 0 && (r = confine_join(p, init_pidfd, gid, err)) < 0)
		return r;
	if ((r = lsm_label(p, err)) < 0)
		return r;
	/* The container's syscall filter: every process of it runs under it. */
	if ((r = sysfilter_apply(&p->filter, err)) < 0)
		return r;
	/* Root inside, where granted (sudo), holds no more than the container's bounding
	 * set; where not, setuid binaries in the image give nothing. */
	if ((r = creds_bound_container()) < 0)
		return error_errno(err, r, "cannot bound the capabilities of the container's root");
	if (uid != (uid_t)-1) {
		if ((r = creds_drop_to_user(uid, gid, p->groups, p->n_groups)) < 0)
			return error_errno(err, r, "cannot become uid %u inside the container",
					   (unsigned)uid);
	} else if (!p->root && (r = creds_no_new_privs()) < 0) {
		return error_errno(err, r, "cannot set no_new_privs");
	}
	return 0;
}
