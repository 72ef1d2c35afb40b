/* confine.h - the one confinement of every process that enters a container: its init
 * (the container's first process, rootfs.c), the admin's enter and exec (enter.c) and an
 * SSH login (pam_warren's join.c).  One order, written once (confine()):
 *
 *   1. the container's namespaces, as its root with the user's group alone; a process
 *      that made them (the first) is in them already, and enter joins them before it
 *      forks its command (a new pid namespace takes only children)
 *   2. its LSM label, when there is one: the AppArmor profile of the user's container
 *      (policy/apparmor.h loads it on the host), taken at the process's next exec
 *   3. the syscall filter (sysfilter.h)
 *   4. the bounding set: Docker's capabilities at most (creds_bound_container)
 *   5. for a command run as the user, the drop to her ids for good, no_new_privs with
 *      it; else no_new_privs, unless root inside is granted (sudo must work: a login,
 *      whose uid sshd drops next, and init, which drops every capability itself)
 *
 * What decides it travels from the helper to pam_warren as one record (struct
 * confinement: protocol.h's "confine" line), and is made ready on the host, where a
 * profile file can be read (confine_ready). */
#ifndef WARREN_CONFINE_H
#define WARREN_CONFINE_H

#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "lib/errors.h"
#include "lib/fsutil.h"
#include "lib/names.h"
#include "wire/creds.h"
#include "wire/sysfilter.h"
#include "wire/sysprofile.h"

#define CONFINE_SECCOMP_MAX 256
/* Her supplementary groups that keep their gid inside (spec.h), at most. */
#define CONFINE_GROUPS_MAX CREDS_GROUPS_MAX
/* "warren-" and a user name (names.h: at most 32), with room to spare. */
#define CONFINE_LABEL_MAX 64
/* The AppArmor profile of USER's container is CONFINE_APPARMOR_PREFIX "USER". */
#define CONFINE_APPARMOR_PREFIX "warren-"

/* The confinement of a user's container, as the helper decides it from her spec. */
struct confinement {
	bool root;                         /* root inside granted: no no_new_privs */
	/* The groups every process of hers keeps besides her own (identity-mapped, so
	 * that group permissions work on bound directories, warren.conf(5) BINDS). */
	gid_t groups[CONFINE_GROUPS_MAX];
	unsigned n_groups;
	/* The AppArmor profile her programs run under, "" for none (no AppArmor here, or
	 * apparmor = "unconfined"). */
	char apparmor[CONFINE_LABEL_MAX];
	char seccomp[CONFINE_SECCOMP_MAX]; /* "default", "strict" or a profile file */
};

/* The same, ready to apply: its filter read. */
struct confine_plan {
	bool root;
	gid_t groups[CONFINE_GROUPS_MAX];
	unsigned n_groups;
	char apparmor[CONFINE_LABEL_MAX];
	struct sysfilter_profile filter;
	struct sysfilter_program compiled; /* FILTER built beforehand (pam_warren), or none */
};

/* Does the running kernel enforce AppArmor, and can profiles be loaded into it?  What
 * the kernel says (/sys/module/apparmor/parameters/enabled is Y, and securityfs shows
 * /sys/kernel/security/apparmor), never whether a package is installed.  (Inline, as
 * below: warrenctl and the spec ask, and link no part of the confinement.) */
static inline bool confine_apparmor_enabled(void)
{
	char on[8];

	return read_file("/sys/module/apparmor/parameters/enabled", on, sizeof(on)) > 0 &&
	       on[0] == 'Y' && access("/sys/kernel/security/apparmor", F_OK) == 0;
}

/* Is NAME a profile name confine() takes: the prefix and a user name (names.h)? */
static inline bool confine_label_valid(const char *name)
{
	size_t n = strlen(CONFINE_APPARMOR_PREFIX);

	return !strncmp(name, CONFINE_APPARMOR_PREFIX, n) && name_is_valid(name + n);
}

/* C's filter read (on the host: a profile file is out of sight inside) into *RET.
 * (Inline: warrenctl reads specs, and applies no confinement, nor links libcap.) */
static inline int confine_ready(const struct confinement *c, struct confine_plan *ret,
				struct error *err)
{
	ret->root = c->root;
	ret->n_groups = c->n_groups < CONFINE_GROUPS_MAX ? c->n_groups : CONFINE_GROUPS_MAX;
	for (unsigned i = 0; i < ret->n_groups; i++)
		ret->groups[i] = c->groups[i];
	memcpy(ret->apparmor, c->apparmor, sizeof(ret->apparmor));
	ret->compiled = (struct sysfilter_program){ 0 };
	return sysprofile_get(c->seccomp, &ret->filter, err);
}

/* Steps 1 to 5 for the calling process (root, on the host or in the namespaces):
 * with INIT_PIDFD >= 0 it first joins the namespaces of that container's init, keeping
 * GID and P's groups ((gid_t)-1: no group); with UID other than (uid_t)-1 it ends as
 * UID:GID with P's groups.  Each step is verified; the first that fails is ERR's (the
 * caller must not go on). */
int confine(const struct confine_plan *p, int init_pidfd, uid_t uid, gid_t gid,
	    struct error *err);

/* Step 1 alone (enter, before it forks): setns() into every namespace of the process
 * behind INIT_PIDFD, keep only group GID and P's groups (identity-mapped), become root
 * *of the container* (creds_become_ns_root), and go to its /. */
int confine_join(const struct confine_plan *p, int init_pidfd, gid_t gid, struct error *err);

#endif
