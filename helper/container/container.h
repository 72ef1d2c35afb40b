/* container.h - a user's container, from the helper's side: find it, build it (under
 * the user's lock), stop it. */
#ifndef WARREN_CONTAINER_H
#define WARREN_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "policy/config.h"
#include "lib/errors.h"
#include "wire/protocol.h"
#include "wire/ticket.h"
#include "policy/spec.h"

/* What a login needs to join a running container. */
struct container {
	int init_pidfd;
	unsigned long long id; /* its pid namespace's inode (events.h) */
	struct cgroup_set cg;
	unsigned long long pts_dev; /* her devpts (st_dev), 0 if unknown */
	gid_t gid;
	struct confinement confine; /* the session's (confine.h) */
	/* A container this helper built: its handover to the supervisor (build.h), -EBADF for
	 * one that was running.  Closed without container_handover(), it is stopped. */
	int handover_fd;
};

/* The running container of U, or a new one built from CFG and U.  ADMIT > 0: the sshd
 * monitor of a login, admitted under the same lock (sessions.h), or refused. */
int container_ensure(const struct warren_config *cfg, const struct user_spec *u, pid_t admit,
		     struct container *ret, struct error *err);
/* Stop USER's container, if it runs, and remove whatever a crash left of one: SIGTERM to
 * everything in it but init (her programs, and her logins' sshd processes: the sessions
 * end), up to GRACE_S seconds for them to go, then init killed (the kernel takes the
 * rest) and its supervisor's cleanup waited for.  Under her lock: no login joins
 * meanwhile.  1 if it ran, 0 if not. */
int container_stop(const char *user, unsigned grace_s, struct error *err);
/* If USER's container does not run, remove what one left on the host: its runtime
 * record, cgroups, a loop device of her disk image (storage.h), her host-side veth,
 * her lock file.  WHAT (LEN) lists what was there (" cgroups lock" ...).  1 if
 * anything was, 0 if nothing (or the container runs), -errno if she cannot be locked. */
int container_collect(const struct warren_config *cfg, const char *user, char *what, size_t len);
/* Move U's plain-directory layers into a disk image of her limit, with no time limit;
 * her container must be stopped.  KEEP: the old layers stay, renamed (migrate.h). */
int container_migrate(const struct warren_config *cfg, const struct user_spec *u, bool keep,
		      struct error *err);
/* Drop U's root layer (and, with HOME, her home) for new empty ones; her container must
 * be stopped (reset.h). */
int container_reset(const struct warren_config *cfg, const struct user_spec *u, bool home,
		    struct error *err);
/* Tell C's supervisor that a login took it (a container this helper built; nothing
 * otherwise).  Until then, and if the helper dies first, it is not kept. */
void container_handover(struct container *c);
/* C as pam_warren's answer (the reply borrows C's pidfd). */
void container_reply(const struct container *c, struct helper_reply *ret);
/* After C was the answer to a login of U (decided from CONFIG and the files of BASIS,
 * read before the policy read them: ticket.h), leave the ticket that lets pam_warren
 * verify her next warm login itself; or, where her answer depends on more than those
 * files, or one changed since, remove any.  Best effort: without a ticket, the helper
 * runs. */
void container_leave_ticket(const struct container *c, const struct user_spec *u,
			    const char *config, const char *state_dir,
			    const struct ticket_basis *basis);

#endif
