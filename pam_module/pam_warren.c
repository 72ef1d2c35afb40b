/* pam_warren.c - PAM entry points: put a jailed user's sshd login into her container.
 *
 *   auth     optional  pam_warren.so   (last: its setcred is the post-auth child's hook)
 *   session  required  pam_warren.so   (last)
 *
 * sshd (HACKING.md §2) calls, in its root monitor, pam_setcred then pam_open_session; then
 * the post-auth child, forked from the monitor, calls pam_setcred again before it drops
 * to the user.  The module never exits or prints - except the post-auth child's
 * _exit() when it cannot join: sshd ignores setcred failures of key logins, so
 * returning an error there would hand out a host shell.
 */
#include <errno.h>
#include <pwd.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "lib/benchmark.h"
#include "pam_warren.h"

#ifdef WARREN_BENCH
int bench_fd = -1; /* the bench build's step marks (benchmark.h) */
#endif

#define DATA_SESSION "pam_warren_session"
#define DATA_SETCRED "pam_warren_setcred_pid"

static void parse_options(pam_handle_t *pamh, int argc, const char **argv,
			  struct module_options *opt)
{
	*opt = (struct module_options){ .helper = DEFAULT_HELPER,
					.timeout_ms = HELPER_TIMEOUT_DEFAULT_S * 1000 };
	for (int i = 0; i < argc; i++) {
		char *end;
		long secs;

		if (!strncmp(argv[i], "timeout=", 8)) {
			errno = 0;
			secs = strtol(argv[i] + 8, &end, 10);
			if (errno || end == argv[i] + 8 || *end || secs < 1 || secs > HELPER_TIMEOUT_MAX_S)
				pam_syslog(pamh, LOG_ERR, "timeout=%s: expected 1 to %d seconds; using %d",
					   argv[i] + 8, HELPER_TIMEOUT_MAX_S, HELPER_TIMEOUT_DEFAULT_S);
			else
				opt->timeout_ms = (int)secs * 1000;
		} else if (!strncmp(argv[i], "config=", 7) && argv[i][7] == '/')
			opt->config = argv[i] + 7;
		else if (!strncmp(argv[i], "helper=", 7) && argv[i][7] == '/')
			opt->helper = argv[i] + 7;
		else if (!strcmp(argv[i], "debug"))
			opt->debug = true;
		else if (!strcmp(argv[i], "refuse_jailed"))
			opt->refuse_jailed = true;
		else
			pam_syslog(pamh, LOG_ERR, "unknown option: %s", argv[i]);
	}
}

static void session_free(pam_handle_t *pamh, void *data, int error_status)
{
	struct warren_session *s = data;

	(void)pamh;
	(void)error_status;
	if (s->init_pidfd >= 0)
		close(s->init_pidfd);
	for (int i = 0; i < s->n_cgroups; i++)
		close(s->cgroup_fds[i]);
	if (s->pids_current_fd >= 0)
		close(s->pids_current_fd);
	if (s->pids_max_fd >= 0)
		close(s->pids_max_fd);
	sysfilter_program_free(&s->confine.compiled);
	free(s);
}

static void cleanup_free(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

static struct warren_session *session_new(void)
{
	struct warren_session *s = calloc(1, sizeof(*s));

	if (s) {
		s->opener = getpid();
		s->init_pidfd = -1;
		s->pids_current_fd = s->pids_max_fd = -1;
	}
	return s;
}

/* The user, if she is one warren may have to act on (root never is). */
static const struct passwd *target_user(pam_handle_t *pamh)
{
	const struct passwd *pw;
	const char *user = NULL;

	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || !user)
		return NULL;
	pw = pam_modutil_getpwnam(pamh, user);
	if (!pw || pw->pw_uid == 0)
		return NULL;
	return pw;
}

/* Positively root (uid 0), as opposed to a user whose lookup failed. */
static bool user_is_root(pam_handle_t *pamh)
{
	const struct passwd *pw;
	const char *user = NULL;

	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || !user)
		return false;
	pw = pam_modutil_getpwnam(pamh, user);
	return pw && pw->pw_uid == 0;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

/* The post-auth child without a session record: our session line never ran.  Refuse
 * (by exiting) unless the helper says this user is not jailed. */
static int setcred_without_session(pam_handle_t *pamh, const struct module_options *opt,
				   const struct passwd *pw)
{
	struct helper_reply reply;
	int r = helper_run(opt, HELPER_CHECK_USER, pw->pw_name, &reply);

	helper_reply_done(&reply);
	if (r == HELPER_EXIT_NOT_JAILED)
		return PAM_IGNORE;
	pam_syslog(pamh, LOG_CRIT, "refusing the login of %s: pam_warren's session line did not "
				   "run (it must be the last session line)%s%s", pw->pw_name,
		   r == HELPER_EXIT_OK ? "" : "; ", r == HELPER_EXIT_OK ? "" : reply.error);
	_exit(1);
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	const struct passwd *pw;
	const void *data = NULL;
	struct warren_session *s;
	pid_t *mark;

	if (!(flags & (PAM_ESTABLISH_CRED | PAM_REINITIALIZE_CRED)))
		return PAM_IGNORE;
	parse_options(pamh, argc, argv, &opt);
	/* The session record first: what open_session decided holds even if a user
	 * lookup here were to fail. */
	if (pam_get_data(pamh, DATA_SESSION, &data) == PAM_SUCCESS && data) {
		s = (struct warren_session *)data;
		if (getpid() == s->opener || s->joined || (!s->jailed && !s->refused))
			return PAM_IGNORE;
		if (s->refused) {
			pam_syslog(pamh, LOG_CRIT, "ending a session refused at session open");
			_exit(1);
		}
		if (session_join(pamh, s) < 0) {
			pam_syslog(pamh, LOG_CRIT, "refusing a jailed login: it could not join "
						   "its container");
			_exit(1);
		}
		s->joined = true;
		if (opt.debug)
			pam_syslog(pamh, LOG_DEBUG, "session joined its container");
		return PAM_SUCCESS;
	}
	if (!(pw = target_user(pamh)))
		return PAM_IGNORE;
	/* No session yet: the monitor's call before open_session.  Note that the auth
	 * line is wired, which open_session insists on. */
	if (pam_get_data(pamh, DATA_SETCRED, &data) != PAM_SUCCESS || !data) {
		mark = malloc(sizeof(*mark));
		if (!mark)
			return PAM_BUF_ERR;
		*mark = getpid();
		if (pam_set_data(pamh, DATA_SETCRED, mark, cleanup_free) != PAM_SUCCESS) {
			free(mark);
			return PAM_SYSTEM_ERR;
		}
		return PAM_IGNORE;
	}
	if (*(const pid_t *)data == getpid())
		return PAM_IGNORE;
	return setcred_without_session(pamh, &opt, pw);
}

/* Refuse at open_session.  sshd may go on regardless (a restricted session), so the
 * refusal is remembered: the post-auth child's setcred ends it (pam_sm_setcred). */
static int refuse(pam_handle_t *pamh, struct warren_session *s, const char *user,
		  const char *reason)
{
	pam_syslog(pamh, LOG_ERR, "refusing the login of %s: %s", user, reason);
	s->refused = true;
	if (pam_set_data(pamh, DATA_SESSION, s, session_free) != PAM_SUCCESS)
		session_free(pamh, s, 0);
	return PAM_SESSION_ERR;
}

/* The user could not be looked up: refuse, and make the post-auth child end. */
static int refuse_unknown(pam_handle_t *pamh)
{
	struct warren_session *s = session_new();

	if (!s)
		return PAM_BUF_ERR;
	(void)monitor_guard(pamh, DEFAULT_HELPER, "/bin/sh");
	return refuse(pamh, s, "(unknown)", "the user could not be looked up (NSS)");
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	const struct passwd *pw;
	const void *mark = NULL;
	const void *service = NULL;
	struct warren_session *s;
	struct helper_reply reply;
	struct warm_filter filter = { 0 };
	char reason[ERROR_MSG_MAX + 64];
	bool guarded;
	int r;

	parse_options(pamh, argc, argv, &opt);
	if (!(pw = target_user(pamh))) {
		/* Root, or a lookup that failed: sshd knew the user, so a failure here is
		 * NSS trouble, and nobody can tell whether the user is jailed. */
		if (!user_is_root(pamh))
			return refuse_unknown(pamh);
		return PAM_IGNORE;
	}
	if (!(s = session_new()))
		return PAM_BUF_ERR;
	/* home = "host" is refused where this service's stack starts a systemd user
	 * manager (warren.conf(5)): the helper reads it. */
	if (pam_get_item(pamh, PAM_SERVICE, &service) == PAM_SUCCESS)
		opt.service = service;
	/* Her container runs and nothing it was decided from changed: no helper. */
	if (warm_login(pamh, &opt, pw, &reply, &filter) == 1) {
		r = HELPER_EXIT_OK;
		bench_mark("warm-verified");
	} else {
		r = helper_run(&opt, HELPER_ENSURE, pw->pw_name, &reply);
	}
	if (r == HELPER_EXIT_OK && session_take_reply(pamh, s, &reply, &filter) < 0) {
		if (!reply.error[0])
			snprintf(reply.error, sizeof(reply.error), "cannot open the cgroups of the container");
		r = -EIO;
	}
	helper_reply_done(&reply);
	sysfilter_program_free(&filter.prog);
	if (r < 0 && !reply.error[0]) {
		errno = -r;
		snprintf(reply.error, sizeof(reply.error), "cannot run warren-helper: %m");
	}
	snprintf(reason, sizeof(reason), "%s", reply.error);
	if (r == HELPER_EXIT_NOT_JAILED) {
		/* Remembered, so that setcred in the child knows this was decided. */
		if (pam_set_data(pamh, DATA_SESSION, s, session_free) != PAM_SUCCESS) {
			session_free(pamh, s, 0);
			return PAM_SYSTEM_ERR;
		}
		return PAM_IGNORE;
	}
	/* Jailed, or nobody can tell: from here on, fail closed.  sshd goes on after a
	 * failed open_session (with a restricted session that may still run commands), so
	 * the guard comes first, whatever happens next. */
	bench_mark("reply-taken");
	guarded = monitor_guard(pamh, opt.helper, pw->pw_shell) == 0;
	bench_mark("monitor-guarded");
	if (r != HELPER_EXIT_OK)
		return refuse(pamh, s, pw->pw_name, reason);
	s->jailed = true;
	if (pam_get_data(pamh, DATA_SETCRED, &mark) != PAM_SUCCESS || !mark) {
		pam_get_item(pamh, PAM_SERVICE, &service);
		snprintf(reason, sizeof(reason), "pam_warren's auth line did not run; add "
			 "'auth optional pam_warren.so' as the last auth line of /etc/pam.d/%s",
			 service ? (const char *)service : "sshd");
		return refuse(pamh, s, pw->pw_name, reason);
	}
	if (!guarded || monitor_devpts(pamh, s, pw->pw_name) < 0)
		return refuse(pamh, s, pw->pw_name, "sshd's view of the container could not be set up");
	bench_mark("monitor-devpts");
	if (pam_set_data(pamh, DATA_SESSION, s, session_free) != PAM_SUCCESS) {
		session_free(pamh, s, 0);
		return PAM_SYSTEM_ERR;
	}
	/* Her runtime dir inside, which the container has (rootfs.c): pam_systemd names the
	 * same path where it runs, and where it does not, her programs still find one. */
	snprintf(reason, sizeof(reason), "XDG_RUNTIME_DIR=/run/user/%u", (unsigned)pw->pw_uid);
	if (pam_putenv(pamh, reason) != PAM_SUCCESS)
		pam_syslog(pamh, LOG_WARNING, "%s: cannot set %s", pw->pw_name, reason);
	if (opt.debug)
		pam_syslog(pamh, LOG_DEBUG, "%s: container ready", pw->pw_name);
	return PAM_SUCCESS;
}

/* account, with refuse_jailed: for a service that would run a user's programs on the
 * host without a login through sshd (cron, atd, su): jailed users are refused, and so
 * is anyone the helper cannot place (fail closed).  Without the option (sshd's file
 * needs no account line) it decides nothing. */
PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	const struct passwd *pw;
	const void *service = NULL;
	struct helper_reply reply;
	int r;

	parse_options(pamh, argc, argv, &opt);
	if (!opt.refuse_jailed)
		return PAM_IGNORE;
	pam_get_item(pamh, PAM_SERVICE, &service);
	if (!service)
		service = "this service";
	if (!(pw = target_user(pamh))) {
		if (user_is_root(pamh))
			return PAM_IGNORE;
		pam_syslog(pamh, LOG_ERR, "refusing %s: the user could not be looked up (NSS), so "
			   "nobody can tell whether she is jailed", (const char *)service);
		return PAM_PERM_DENIED;
	}
	r = helper_run(&opt, HELPER_CHECK_USER, pw->pw_name, &reply);
	helper_reply_done(&reply);
	if (r == HELPER_EXIT_NOT_JAILED)
		return PAM_IGNORE;
	if (r == HELPER_EXIT_OK)
		pam_syslog(pamh, LOG_NOTICE, "refusing %s for %s: a jailed user runs nothing on the "
			   "host (pam_warren refuse_jailed)", (const char *)service, pw->pw_name);
	else
		pam_syslog(pamh, LOG_ERR, "refusing %s for %s: cannot tell whether she is jailed: %s",
			   (const char *)service, pw->pw_name, reply.error);
	return PAM_PERM_DENIED;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* Nothing to undo: the monitor's mount namespace ends with it, and the container's
	 * supervisor notices by itself when the last session is gone. */
	return PAM_SUCCESS;
}
