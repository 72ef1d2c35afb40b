/* pam_warren.h - shared between the module's files. */
#ifndef PAM_WARREN_H
#define PAM_WARREN_H

#include <security/pam_modules.h>
#include <stdbool.h>
#include <sys/types.h>

#include "protocol.h"

#define DEFAULT_HELPER LIBEXECDIR "/warren/warren-helper"

struct module_options {
	const char *config; /* NULL: the helper's default */
	const char *helper;
	bool debug;
};

/* What open_session learnt, kept with pam_set_data for setcred in sshd's post-auth
 * child (a fork of the monitor: it inherits this memory and these fds). */
struct warren_session {
	pid_t opener;     /* the monitor */
	bool jailed;
	bool refused; /* open_session refused it: the child must not go on */
	bool joined;
	int init_pidfd;
	int cgroup_fds[REPLY_MAX_CGROUPS]; /* cgroup.procs of each of the user's cgroups */
	int n_cgroups;
	gid_t gid;
	char pts[256];
};

/* spawn.c: run the helper; returns its exit status (>= 0) or -errno.  On exit 0 of
 * "ensure", S is filled from its reply; on other exits REASON gets its error text. */
int helper_run(pam_handle_t *pamh, const struct module_options *opt, const char *verb,
	       const char *user, struct warren_session *s, char *reason, size_t reason_len);

/* join.c */
/* Give the monitor a private mount namespace in which SHELL and sftp-server are
 * warren-refuse (beside HELPER); then, once the container is ready, its devpts. */
int monitor_guard(pam_handle_t *pamh, const char *helper, const char *shell);
int monitor_devpts(pam_handle_t *pamh, const struct warren_session *s);
int session_join(pam_handle_t *pamh, const struct warren_session *s);

#endif
