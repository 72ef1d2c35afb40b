/* confine.c - the one confinement of a process entering a container (see confine.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
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

/* Step 2's way to the kernel: the calling thread's /proc directory, opened before step 1
 * (a process that joins the container from outside has no pid in the container's
 * /proc), or -EBADF when P has no label.  A process already inside opens its own in the
 * container's /proc, where it has one. */
static int lsm_task_dir(const struct confine_plan *p, struct error *err)
{
	int fd;

	if (!p->apparmor[0])
		return -EBADF;
	fd = open("/proc/thread-self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return error_errno(err, -errno, "cannot open /proc/thread-self for the AppArmor "
				   "profile %s", p->apparmor);
	return fd;
}

/* Step 2: the LSM label of P's container, after the namespaces (so that it would name
 * the container's) and before the filter (which may deny the calls that set it).  The
 * AppArmor profile is asked for the next exec (AppArmor's change_onexec, as libapparmor's
 * aa_change_onexec writes it): init's own exec, the admin's command, and every program
 * sshd runs for a login, which all inherit it until then.  It was loaded on the host by
 * the helper (policy/apparmor.h); one that is not loaded fails here, and the caller with it.
 * The attribute is opened now, after the creds changed (the kernel takes a write only from
 * the opener's creds), through TASK_DIR, and the profile read back from it. */
static int lsm_label(const struct confine_plan *p, int task_dir, struct error *err)
{
	_cleanup_close_ int fd = -EBADF;
	char cmd[CONFINE_LABEL_MAX + 8], back[CONFINE_LABEL_MAX + 32];
	size_t n = strlen(p->apparmor);
	ssize_t got;
	int len;

	if (!p->apparmor[0])
		return 0;
	/* AppArmor's own attribute (Linux 5.8), else the one of the first major LSM. */
	fd = openat(task_dir, "attr/apparmor/exec", O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = openat(task_dir, "attr/exec", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return error_errno(err, -errno, "cannot ask for the AppArmor profile %s",
				   p->apparmor);
	len = snprintf(cmd, sizeof(cmd), "exec %s", p->apparmor);
	if (pwrite(fd, cmd, (size_t)len, 0) != len)
		return error_errno(err, -errno, "the kernel refuses the AppArmor profile %s (is it "
				   "loaded? aa-status lists the loaded ones); fix: log in again, "
				   "warren-helper loads it first", p->apparmor);
	/* "NAME (MODE)": the profile the next exec takes. */
	got = pread(fd, back, sizeof(back) - 1, 0);
	back[got > 0 ? got : 0] = '\0';
	if (strncmp(back, p->apparmor, n) || back[n] != ' ')
		return error_set(err, -EPERM, "the kernel did not take the AppArmor profile %s "
				 "(the next exec would take \"%.*s\")", p->apparmor,
				 (int)strcspn(back, "\n"), back);
	return 0;
}

int confine(const struct confine_plan *p, int init_pidfd, uid_t uid, gid_t gid,
	    struct error *err)
{
	_cleanup_close_ int task_dir = lsm_task_dir(p, err);
	int r;

	if (p->apparmor[0] && task_dir < 0)
		return task_dir;
	if (init_pidfd >= 0 && (r = confine_join(p, init_pidfd, gid, err)) < 0)
		return r;
	if ((r = lsm_label(p, task_dir, err)) < 0)
		return r;
	/* The container's syscall filter: every process of it runs under it. */
	r = p->compiled.len ? sysfilter_load(&p->compiled, err) : sysfilter_apply(&p->filter, err);
	if (r < 0)
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
