/* main.c - warren-helper: the only part of warren that builds or stops containers.
 *
 *   warren-helper [--config FILE] [--service PAM-SERVICE] ensure USER
 *                                                  (pam_warren, at session open)
 *   warren-helper [--config FILE] check-user USER  (exit 0 jailed, 3 not jailed)
 *   warren-helper [--config FILE] enter USER [CMD [ARG...]]
 *                                                  (as the user, inside; for admins, tests)
 *   warren-helper stop USER
 *   warren-helper [--config FILE] collect USER  (pam_warren, after its timeout)
 *   warren-helper [--config FILE] migrate USER [--keep]
 *                                                  (layers into a disk image, no time limit)
 *   warren-helper [--config FILE] reset USER [--home]
 *                                                  (her root layer dropped; her home too)
 *
 * Each verb runs its phases in order - the user, the policy, her spec, her container,
 * the answer - and this is the one place that logs a failure and sends it on.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "policy/config.h"
#include "container/container.h"
#include "wire/creds.h"
#include "container/enter.h"
#include "lib/log.h"
#include "lib/names.h"
#include "policy/policy.h"
#include "wire/protocol.h"
#include "lib/events.h"
#include "container/gc.h"
#include "policy/spec.h"
#include "policy/usermgr.h"
#include "lib/benchmark.h"

#ifdef WARREN_BENCH
int bench_fd = -1;
#endif

static const char *arg_config = WARREN_DEFAULT_CONFIG;
/* The PAM service of the login (pam_warren's --service): whose stack may start a
 * systemd user manager.  Without one, sshd's, where jailed users log in. */
static const char *arg_service = "sshd";

/* TERM, if it is a plain terminal name: enter's pty is the caller's kind of terminal. */
static void keep_term(char *buf, size_t len)
{
	const char *t = getenv("TERM");

	buf[0] = '\0';
	if (t && *t && strlen(t) < len && strspn(t, "abcdefghijklmnopqrstuvwxyz"
					       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_") == strlen(t))
		strcpy(buf, t);
}

/* DESIGN §5.1: whoever started us, and whatever they passed, is not trusted.  Only
 * root may use the helper at all, so that even a setuid install grants nothing;
 * the environment is dropped (but for a checked TERM) and no inherited fd beyond
 * stdio survives. */
static int sanitize_process(void)
{
	char term[64];

	if (creds_require_root() < 0)
		return -EPERM;
	keep_term(term, sizeof(term));
	clearenv();
	if (term[0] && setenv("TERM", term, 1) < 0)
		return -errno;
	umask(022);
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return -EBADF;
	close_range(3, ~0U, 0);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: warren-helper [--config FILE] [--service PAM-SERVICE] ensure USER\n"
			"       warren-helper [--config FILE] check-user|stop|collect USER\n"
			"       warren-helper [--config FILE] enter|enter-root USER [CMD [ARG...]]\n"
			"       warren-helper [--config FILE] migrate USER [--keep]\n"
			"       warren-helper [--config FILE] reset USER [--home]\n"
			"       warren-helper [--config FILE] gc\n");
	return HELPER_EXIT_USAGE;
}

/* A login the helper decides on, for warren's record of events (events.h): its user
 * and the state dir of the config that decided it; state_dir "" when there is none. */
static struct {
	char user[64];
	char state_dir[4096];
} login;

/* The failure at the top: logged once, recorded for a login, and sent to pam_warren as
 * the refusal's reason. */
static int refuse(const struct error *err)
{
	struct helper_reply reply;

	log_failure(err);
	event_record(login.state_dir, login.user, "refused", "%s", err->msg);
	helper_reply_init(&reply);
	snprintf(reply.error, sizeof(reply.error), "%s", err->msg);
	(void)protocol_send_reply(STDOUT_FILENO, &reply);
	return HELPER_EXIT_ERROR;
}

/* NAME for a message: control characters shown as '?', cut to fit. */
static const char *printable(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s", name);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"')
			*p = '?';
	return buf;
}

static int run_gc(void)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	struct config_error cerr = { 0 };
	char msg[1024];
	struct error err = { 0 };

	if (config_load(arg_config, &cfg, &policy, &cerr) < 0) {
		config_error_format(&cerr, msg, sizeof(msg));
		fprintf(stderr, "%s\nwarren-helper gc: needs a valid config (its state_dir)\n", msg);
		return HELPER_EXIT_ERROR;
	}
	if (CAPS_STEP(CAPS_CLEANUP, &err, gc_run(cfg)) < 0) {
		if (error_is_set(&err))
			log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	return HELPER_EXIT_OK;
}

/* collect: what a login that gave up (pam_warren's timeout) left of USER's container
 * while it was being built, unless her container runs (container_collect). */
static int run_collect(const char *user)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	struct config_error cerr = { 0 };
	struct error err = { 0 };
	char what[128] = "";
	int r;

	if (config_load(arg_config, &cfg, &policy, &cerr) < 0 && !policy)
		return HELPER_EXIT_ERROR;
	r = CAPS_STEP(CAPS_CLEANUP, &err,
		      container_collect((cfg ? cfg : policy)->state_dir, user, what, sizeof(what)));
	if (r < 0) {
		error_errno(&err, r, "cannot collect what the login of %s left", user);
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	if (r > 0)
		log_info("removed what the abandoned login of %s left:%s", user, what);
	return HELPER_EXIT_OK;
}

static int run_stop(const char *user)
{
	struct error err = { 0 };

	if (CAPS_STEP(CAPS_CLEANUP, &err, container_stop(user, &err)) < 0) {
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	return HELPER_EXIT_OK;
}

/* enter, once the container is ready: CMD (after an optional "--") inside, as the user
 * or (AS_ROOT) as root inside. */
static int run_enter(const struct container *c, const struct user_spec *u, char *const cmd[],
		     bool as_root)
{
	struct error err = { 0 };
	int r;

	if (cmd[0] && !strcmp(cmd[0], "--"))
		cmd++;
	r = CAPS_STEP(CAPS_ENTER, &err, container_enter(c, u, cmd, as_root, &err));
	if (r < 0)
		log_failure(&err);
	return r < 0 ? HELPER_EXIT_ERROR : r;
}

/* ensure, once the container is ready: pam_warren's answer, and the login recorded; a
 * container built for it is handed over once the module has the answer (protocol.h). */
static int answer_login(struct container *c, const char *user)
{
	struct helper_reply reply;
	struct error err = { 0 };
	int r;

	container_reply(c, &reply);
	if ((r = protocol_send_reply(STDOUT_FILENO, &reply)) < 0) {
		error_errno(&err, r, "cannot answer pam_warren for %s", user);
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	if ((r = protocol_wait_ack(STDOUT_FILENO)) != 1) {
		error_set(&err, r < 0 ? r : -ETIMEDOUT, "pam_warren gave up on the login of %s "
			  "before it took the answer", user);
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	container_handover(c);
	bench_mark("answered");
	event_record(login.state_dir, user, "joined", "container %llu", c->id);
	return HELPER_EXIT_OK;
}

/* migrate and reset, on a stopped container; FLAG: --keep, --home. */
static int run_admin_verb(enum helper_verb verb, const struct warren_config *cfg,
			  const struct user_spec *u, bool flag)
{
	struct error err = { 0 };
	int r;

	if (verb == HELPER_MIGRATE) {
		r = CAPS_STEP(CAPS_MIGRATE | CAPS_CLEANUP, &err, container_migrate(cfg, u, flag, &err));
	} else {
		r = CAPS_STEP(CAPS_MIGRATE | CAPS_CLEANUP, &err, container_reset(cfg, u, flag, &err));
		if (r == 0) {
			const char *what = flag ? "root layer and home dropped" : "root layer dropped";

			log_info("reset %s: %s", u->name, what);
			event_record(cfg->state_dir, u->name, "reset", "%s", what);
		}
	}
	if (r < 0)
		log_failure(&err);
	return r < 0 ? HELPER_EXIT_ERROR : HELPER_EXIT_OK;
}

/* home = "host" binds her host home, which host services read as her: refused for a
 * login whose PAM stack starts a systemd user manager, which would run what she writes
 * there (usermgr.h). */
static int home_host_allowed(const struct user_spec *u, struct error *err)
{
	char why[512];
	int r;

	if (u->limits[LIMIT_HOME] != HOME_HOST)
		return 0;
	r = usermgr_would_start("", arg_service, why, sizeof(why));
	if (r < 0)
		return error_set(err, r, "home = \"host\" for %s, and whether a systemd user manager "
				 "would start for her login cannot be told: %s", u->name, why);
	if (r > 0)
		return error_set(err, -EPERM, "home = \"host\" binds the host home of %s, and a "
				 "systemd user manager would start on the host for this login (%s), which "
				 "would run what she writes there (~/.config/systemd/user); fix: take "
				 "pam_systemd out of the session stack of PAM service %s (on a systemd "
				 "host, install.sh's user@.service drop-in), or home = \"overlay\" for her",
				 u->name, why, arg_service);
	return 0;
}

/* ensure, check-user, enter, migrate, reset: the user's container, for a jailed user. */
static int run_verb(enum helper_verb verb, const char *user, char *const cmd[])
{
	struct policy policy = { 0 };
	struct passwd pwbuf, *pw = NULL;
	struct error err = { 0 };
	struct user_spec u;
	struct container c;
	char buf[16384], shown[96];
	int r;

	if (getpwnam_r(user, &pwbuf, buf, sizeof(buf), &pw) != 0 || !pw) {
		error_set(&err, -ENOENT, "no such user %s", printable(user, shown, sizeof(shown)));
		return refuse(&err);
	}
	r = policy_decide(arg_config, pw, &policy, &err);
	bench_mark("policy");
	if (verb == HELPER_ENSURE || verb == HELPER_CHECK_USER) {
		snprintf(login.user, sizeof(login.user), "%s", user);
		snprintf(login.state_dir, sizeof(login.state_dir), "%s", policy.state_dir);
	}
	if (r < 0 || !policy.jailed || verb == HELPER_CHECK_USER) {
		bool jailed = policy.jailed;

		policy_done(&policy);
		if (r < 0)
			return refuse(&err);
		return jailed ? HELPER_EXIT_OK : HELPER_EXIT_NOT_JAILED;
	}
	if (!name_is_valid(user)) {
		policy_done(&policy);
		error_set(&err, -EINVAL, "the user name \"%s\" cannot be used for a container (it "
			  "becomes paths and the hostname): 1 to 32 of A-Z a-z 0-9 _ . -, starting "
			  "with a letter or _; rename the user, or list her in exempt_users",
			  printable(user, shown, sizeof(shown)));
		return refuse(&err);
	}
	r = user_spec_load(policy.cfg, pw, policy.groups, &u, &err);
	if (r >= 0 && verb == HELPER_ENSURE)
		r = home_host_allowed(&u, &err);
	bench_mark("spec");
	if (r >= 0 && (verb == HELPER_MIGRATE || verb == HELPER_RESET)) {
		r = run_admin_verb(verb, policy.cfg, &u, cmd[0] != NULL);
		policy_done(&policy);
		return r;
	}
	/* ensure is run by pam_warren in sshd's monitor, our parent: its login is admitted
	 * under her lock.  container_ensure raises for each of its steps. */
	if (r >= 0)
		r = container_ensure(policy.cfg, &u, verb == HELPER_ENSURE ? getppid() : 0, &c, &err);
	bench_mark("ensured");
	policy_done(&policy);
	if (r < 0)
		return refuse(&err);
	if (verb == HELPER_ENTER || verb == HELPER_ENTER_ROOT) {
		container_handover(&c); /* the admin's command takes it */
		return run_enter(&c, &u, cmd, verb == HELPER_ENTER_ROOT);
	}
	return answer_login(&c, user);
}

/* What each verb may ever hold (caps_limit): the union of its steps' (creds.h).  Parsing
 * the config, NSS answers and her files runs with none of them effective. */
static uint64_t verb_caps(enum helper_verb verb)
{
	switch (verb) {
	case HELPER_ENSURE:
		return CAPS_PREPARE | CAPS_NET | CAPS_BUILD | CAPS_CLEANUP | CAPS_EXAMINE;
	case HELPER_ENTER:
	case HELPER_ENTER_ROOT:
		return CAPS_PREPARE | CAPS_NET | CAPS_BUILD | CAPS_CLEANUP | CAPS_ENTER;
	case HELPER_MIGRATE:
	case HELPER_RESET: /* her layers made again, the old ones removed (rm, as root) */
		return CAPS_MIGRATE | CAPS_CLEANUP;
	case HELPER_STOP:
	case HELPER_GC:
	case HELPER_COLLECT:
		return CAPS_CLEANUP;
	default:
		return 0; /* check-user: a question, nothing to build */
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "service", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	enum helper_verb verb;
	const char *user;
	int c;

	if (sanitize_process() < 0) {
		fprintf(stderr, "warren-helper: must be run by root (pam_warren runs it)\n");
		return HELPER_EXIT_ERROR;
	}
	bench_mark("helper-start");
	log_open("warren-helper");
	while ((c = getopt_long(argc, argv, "+c:s:", opts, NULL)) != -1) {
		if (c == 'c')
			arg_config = optarg;
		else if (c == 's' && usermgr_service_valid(optarg))
			arg_service = optarg;
		else
			return usage();
	}
	if (argc - optind < 1 || helper_verb_parse(argv[optind], &verb) < 0)
		return usage();
	if ((c = caps_limit(verb_caps(verb))) < 0) {
		struct error err = { 0 };

		error_errno(&err, c, "warren-helper cannot limit its capabilities");
		return refuse(&err);
	}
	if (verb == HELPER_GC)
		return argc - optind == 1 ? run_gc() : usage();
	if (argc - optind < 2)
		return usage();
	if (argc - optind > 2 && verb != HELPER_ENTER && verb != HELPER_ENTER_ROOT &&
	    !(verb == HELPER_MIGRATE && argc - optind == 3 && !strcmp(argv[optind + 2], "--keep")) &&
	    !(verb == HELPER_RESET && argc - optind == 3 && !strcmp(argv[optind + 2], "--home")))
		return usage();
	user = argv[optind + 1];
	/* A name warren cannot use in a path may still be a user it has nothing to do
	 * with (user@domain from SSSD): only the verbs that deal with her container need a
	 * valid one, and run_verb refuses her only if she is jailed. */
	if (!name_is_valid(user) && (verb == HELPER_STOP || verb == HELPER_MIGRATE ||
				     verb == HELPER_RESET || verb == HELPER_COLLECT)) {
		struct error err = { 0 };

		error_set(&err, -EINVAL, "invalid user name");
		return refuse(&err);
	}
	if (verb == HELPER_STOP)
		return run_stop(user);
	if (verb == HELPER_COLLECT)
		return run_collect(user);
	return run_verb(verb, user, argv + optind + 2);
}
