/* pam_warren.h - shared between the module's files. */
#ifndef PAM_WARREN_H
#define PAM_WARREN_H

#include <security/pam_modules.h>
#include <pwd.h>
#include <stdbool.h>
#include <sys/types.h>

#include "wire/protocol.h"
#include "wire/confine.h"
#include "wire/ticket.h"

#define DEFAULT_HELPER LIBEXECDIR "/warren/warren-helper"

struct module_options {
	const char *config; /* NULL: the helper's default */
	const char *helper;
	int timeout_ms;     /* how long a login waits for the helper */
	bool debug;
	bool refuse_jailed; /* account: refuse jailed users (cron, at, su on the host) */
	const char *service; /* the PAM service, for ensure (the helper checks its stack) */
};

#define HELPER_TIMEOUT_DEFAULT_S 60
#define HELPER_TIMEOUT_MAX_S 600

/* What open_session learnt, kept with pam_set_data for setcred in sshd's post-auth
 * child (a fork of the monitor: it inherits this memory and these fds). */
struct warren_session {
	pid_t opener;     /* the monitor */
	bool jailed;
	bool refused; /* open_session refused it: the child must not go on */
	bool joined;
	int init_pidfd;
	int cgroup_fds[PROTOCOL_MAX_CGROUPS]; /* how to join each of the user's cgroups:
						 v1 "tasks", else (v2) cgroup.procs */
	int n_cgroups;
	int pids_current_fd, pids_max_fd; /* of the cgroup that has the pids controller */
	gid_t gid;
	struct confine_plan confine; /* how it is confined (confine.h): its filter read on the host */
	unsigned long long pts_dev; /* her devpts (protocol.h) */
};

/* spawn.c: run the helper for VERB and USER; returns its exit status (>= 0) or -errno.
 * On exit 0 of "ensure", *REPLY is its complete answer (close its fd with
 * helper_reply_done); on a failure, REPLY->error says why. */
int helper_run(const struct module_options *opt, enum helper_verb verb, const char *user,
	       struct helper_reply *reply);

/* warm.c */
/* A ticket's built filter, and the identity of the profile file it was built from. */
struct warm_filter {
	struct sysfilter_program prog;
	struct ticket_input source;
};

/* Her running container, from the helper's ticket (ticket.h), the login admitted and
 * recorded as the helper would: 1 with *REPLY filled as the helper's answer (the init's
 * pidfd opened here) and *FILTER its seccomp filter, built; 0 if the ticket is missing,
 * stale or in any doubt, or the login would be refused: then the helper decides. */
int warm_login(pam_handle_t *pamh, const struct module_options *opt, const struct passwd *pw,
	       struct helper_reply *reply, struct warm_filter *filter);

/* join.c */
/* Take the helper's answer into S: open the cgroups' cgroup.procs (from here, on the
 * host, so that the fds work from anywhere later), and take its pidfd; its seccomp
 * filter built here, or *FILTER's taken (a ticket's: warm.c) if the profile just read
 * is still the file it was built from. */
int session_take_reply(pam_handle_t *pamh, struct warren_session *s, struct helper_reply *reply,
		       struct warm_filter *filter);
/* Give the monitor a private mount namespace in which SHELL and sftp-server are
 * warren-refuse (beside HELPER); then, once the container is ready, its devpts, and
 * its utmp over the host's (the container's pty names would be the host's there). */
int monitor_guard(pam_handle_t *pamh, const char *helper, const char *shell);
int monitor_devpts(pam_handle_t *pamh, const struct warren_session *s, const char *user);
int session_join(pam_handle_t *pamh, const struct warren_session *s);

#endif
