/* warren-helper.c - the only part of warren that builds or stops containers.
 *
 * Its verbs are one table (verbs[], below), as OpenSSH's monitor answers a fixed table of
 * requests: each row says what the verb takes (its arguments and its one flag), whether
 * the user's name must be one warren can use in a path, the capabilities it may ever
 * hold (creds.h), and its handler; main() checks a call against its row, and usage is
 * made from the rows.  A verb for a jailed user runs its phases in order - the user, the
 * policy, her spec, her container, the answer - and this is the one place that logs a
 * failure and sends it on.
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
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "policy/config.h"
#include "container/container.h"
#include "wire/confine.h"
#include "wire/creds.h"
#include "container/enter.h"
#include "lib/log.h"
#include "lib/names.h"
#include "policy/policy.h"
#include "wire/protocol.h"
#include "wire/ticket.h"
#include "lib/events.h"
#include "container/gc.h"
#include "container/supervisor.h"
#include "policy/spec.h"
#include "policy/usermgr.h"
#include "lib/benchmark.h"
#include "lib/layout.h"
#include "lib/text.h"

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

/* Signals 32 and 33, glibc's own (pthread cancellation, set*id across threads): a
 * helper started by posix_spawn (pam_warren's spawn.c) gets them ignored, which glibc's
 * spawn sets in its child and exec keeps, and would hand that on to everything it
 * starts, her container's init and programs too.  Back to the default of a fork+exec;
 * glibc's sigaction refuses these numbers, the kernel's does not. */
static void reset_libc_signals(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} dfl = { .handler = NULL /* SIG_DFL */ };

	for (int sig = 32; sig <= 33; sig++)
		(void)syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
}

/* HACKING.md §5.1: whoever started us, and whatever they passed, is not trusted.  Only
 * root may use the helper at all, so that even a setuid install grants nothing;
 * the environment is dropped (but for a checked TERM) and no inherited fd beyond
 * stdio survives. */
static int sanitize_process(void)
{
	char term[64];

	if (creds_require_root() < 0)
		return -EPERM;
	reset_libc_signals();
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

/* A login the helper decides on, for warren's record of events (events.h): its user
 * and the state dir of the config that decided it; state_dir "" when there is none. */
static struct {
	char user[64];
	char state_dir[4096];
	/* ensure: the files its answer is decided from, before anything read them
	 * (ticket.h); basis_valid: they could all be looked at. */
	bool ensure;
	struct ticket_basis basis;
	bool basis_valid;
} login;

/* An ensure that did not end in her container (refused, or she is not jailed now):
 * pam_warren must not take the ticket an earlier answer left. */
static void void_ticket(void)
{
	if (login.ensure && name_is_valid(login.user))
		(void)ticket_remove(login.user);
}

/* The failure at the top: logged once, recorded for a login, and sent to pam_warren as
 * the refusal's reason. */
static int refuse(const struct error *err)
{
	struct helper_reply reply;

	log_failure(err);
	void_ticket();
	event_record(login.state_dir, login.user, "refused", "%s", err->msg);
	helper_reply_init(&reply);
	snprintf(reply.error, sizeof(reply.error), "%s", err->msg);
	(void)protocol_send_reply(STDOUT_FILENO, &reply);
	return HELPER_EXIT_ERROR;
}

/* NAME for a message: control characters (C1 too), bytes that are not UTF-8 and quotes
 * shown as '?', cut to fit. */
static const char *printable(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s", name);
	text_mask(buf, '?');
	for (char *p = buf; *p; p++)
		if (*p == '"')
			*p = '?';
	return buf;
}

/* One call of a verb, checked against its row. */
struct call {
	enum helper_verb verb;
	const char *user;  /* NULL for a verb without one (gc) */
	char *const *args; /* what follows USER (enter's command) */
	bool flag;         /* the row's flag was given (--keep, --home) */
};

static int run_gc(const struct call *c)
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
static int run_collect(const struct call *c)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	struct config_error cerr = { 0 };
	struct error err = { 0 };
	char what[128] = "";
	int r;

	if (config_load(arg_config, &cfg, &policy, &cerr) < 0 && !policy)
		return HELPER_EXIT_ERROR;
	r = CAPS_STEP(CAPS_CLEANUP, &err,
		      container_collect(cfg ? cfg : policy, c->user, what, sizeof(what)));
	if (r < 0) {
		error_errno(&err, r, "cannot collect what the login of %s left", c->user);
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	if (r > 0)
		log_info("removed what the abandoned login of %s left:%s", c->user, what);
	return HELPER_EXIT_OK;
}

/* stop: her programs and logins asked to end first (SIGTERM, up to STOP_GRACE_S), then
 * her container; what it did on stdout, for the admin (warrenctl stop shows it). */
static int run_stop(const struct call *c)
{
	struct error err = { 0 };
	int r = CAPS_STEP(CAPS_CLEANUP, &err, container_stop(c->user, STOP_GRACE_S, &err));

	if (r < 0) {
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	printf("%s: %s\n", c->user, r > 0 ? "stopped" : "not running");
	return HELPER_EXIT_OK;
}

/* enter and enter-root, once the container is ready: the command (after an optional
 * "--") inside, as the user or as root inside. */
static int run_enter(const struct call *c, struct container *ct, const struct user_spec *u)
{
	char *const *cmd = c->args;
	struct error err = { 0 };
	int r;

	container_handover(ct); /* the admin's command takes it */
	if (cmd[0] && !strcmp(cmd[0], "--"))
		cmd++;
	r = CAPS_STEP(CAPS_ENTER, &err, container_enter(ct, u, cmd, c->verb == HELPER_ENTER_ROOT,
							 &err));
	if (r < 0)
		log_failure(&err);
	return r < 0 ? HELPER_EXIT_ERROR : r;
}

/* ensure, once the container is ready: pam_warren's answer, and the login recorded; a
 * container built for it is handed over once the module has the answer (protocol.h). */
static int answer_login(const struct call *c, struct container *ct, const struct user_spec *u)
{
	struct helper_reply reply;
	struct error err = { 0 };
	int r;

	container_reply(ct, &reply);
	if ((r = protocol_send_reply(STDOUT_FILENO, &reply)) < 0) {
		error_errno(&err, r, "cannot answer pam_warren for %s", c->user);
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	if ((r = protocol_wait_ack(STDOUT_FILENO)) != 1) {
		error_set(&err, r < 0 ? r : -ETIMEDOUT, "pam_warren gave up on the login of %s "
			  "before it took the answer", c->user);
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	container_handover(ct);
	bench_mark("answered");
	event_record(login.state_dir, c->user, "joined", "container %llu", ct->id);
	if (login.basis_valid)
		container_leave_ticket(ct, u, arg_config, login.state_dir, &login.basis);
	else
		(void)ticket_remove(u->name);
	bench_mark("ticket-left");
	return HELPER_EXIT_OK;
}

/* ensure, enter, enter-root, for a jailed user: her container, running (built if need
 * be), then THEN.  ensure is run by pam_warren in sshd's monitor, our parent: its login
 * is admitted under her lock.  container_ensure raises for each of its steps. */
static int with_container(const struct call *c, const struct warren_config *cfg,
			  const struct user_spec *u,
			  int (*then)(const struct call *, struct container *, const struct user_spec *))
{
	struct container ct;
	struct error err = { 0 };
	int r = container_ensure(cfg, u, c->verb == HELPER_ENSURE ? getppid() : 0, &ct, &err);

	bench_mark("ensured");
	return r < 0 ? refuse(&err) : then(c, &ct, u);
}

static int act_ensure(const struct call *c, const struct warren_config *cfg,
		      const struct user_spec *u)
{
	return with_container(c, cfg, u, answer_login);
}

static int act_enter(const struct call *c, const struct warren_config *cfg,
		     const struct user_spec *u)
{
	return with_container(c, cfg, u, run_enter);
}

/* migrate and reset, on a stopped container (--keep, --home). */
static int act_migrate(const struct call *c, const struct warren_config *cfg,
		       const struct user_spec *u)
{
	struct error err = { 0 };
	int r = CAPS_STEP(CAPS_MIGRATE | CAPS_CLEANUP, &err,
			  container_migrate(cfg, u, c->flag, &err));

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

static int act_reset(const struct call *c, const struct warren_config *cfg,
		     const struct user_spec *u)
{
	const char *what = c->flag ? "root layer and home dropped" : "root layer dropped";
	struct error err = { 0 };
	int r = CAPS_STEP(CAPS_MIGRATE | CAPS_CLEANUP, &err, container_reset(cfg, u, c->flag, &err));

	if (r < 0) {
		log_failure(&err);
		return HELPER_EXIT_ERROR;
	}
	log_info("reset %s: %s", u->name, what);
	event_record(cfg->state_dir, u->name, "reset", "%s", what);
	return HELPER_EXIT_OK;
}

typedef int verb_act(const struct call *c, const struct warren_config *cfg,
		     const struct user_spec *u);

/* A verb for a jailed user: the user, the policy, her spec, then ACT (check-user has
 * none: the policy is its answer, exit OK or NOT_JAILED). */
static int run_jailed(const struct call *c, verb_act *act)
{
	struct policy policy = { 0 };
	struct passwd pwbuf, *pw = NULL;
	struct error err = { 0 };
	struct user_spec u;
	char buf[16384], shown[96];
	const char *user = c->user;
	int r;

	/* Before NSS and the policy read them: a change from here on voids the ticket. */
	if (c->verb == HELPER_ENSURE) {
		login.ensure = true;
		snprintf(login.user, sizeof(login.user), "%s", user);
		login.basis_valid = ticket_basis_read(arg_config, &login.basis) == 0;
	}
	if (getpwnam_r(user, &pwbuf, buf, sizeof(buf), &pw) != 0 || !pw) {
		error_set(&err, -ENOENT, "no such user %s", printable(user, shown, sizeof(shown)));
		return refuse(&err);
	}
	r = policy_decide(arg_config, pw, &policy, &err);
	bench_mark("policy");
	if (c->verb == HELPER_ENSURE || c->verb == HELPER_CHECK_USER) {
		snprintf(login.user, sizeof(login.user), "%s", user);
		snprintf(login.state_dir, sizeof(login.state_dir), "%s", policy.state_dir);
	}
	if (r < 0 || !policy.jailed || !act) {
		bool jailed = policy.jailed;

		policy_done(&policy);
		if (r < 0)
			return refuse(&err);
		if (!jailed)
			void_ticket();
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
	if (r >= 0 && c->verb == HELPER_ENSURE)
		r = home_host_allowed(&u, &err);
	bench_mark("spec");
	if (r >= 0)
		r = act(c, policy.cfg, &u);
	else
		r = refuse(&err);
	policy_done(&policy);
	return r;
}

/* The verbs (protocol.h's), each checked against its row before it runs. */
static const struct verb_row {
	const char *args;    /* its arguments, for usage */
	int min_args;        /* after the verb: USER and what follows */
	int max_args;        /* (-1: any number, a command) */
	const char *flag;    /* the one flag it takes after USER, or NULL */
	bool valid_name;     /* USER must be a name warren uses in paths, jailed or not */
	uint64_t caps;       /* what it may ever hold (caps_limit): the union of its steps' */
	int (*run)(const struct call *c); /* its work without the user's spec, or */
	verb_act *act;       /* its work for a jailed user, with her spec (run_jailed) */
} verbs[HELPER__VERBS] = {
	[HELPER_ENSURE] = { "USER", 1, 1, NULL, false,
			    CAPS_LSM | CAPS_PREPARE | CAPS_NET | CAPS_BUILD | CAPS_CLEANUP |
			    CAPS_EXAMINE, NULL, act_ensure },
	/* A question, nothing to build. */
	[HELPER_CHECK_USER] = { "USER", 1, 1, NULL, false, 0, NULL, NULL },
	[HELPER_ENTER] = { "USER [CMD [ARG...]]", 1, -1, NULL, false,
			   CAPS_LSM | CAPS_PREPARE | CAPS_NET | CAPS_BUILD | CAPS_CLEANUP | CAPS_ENTER,
			   NULL, act_enter },
	[HELPER_ENTER_ROOT] = { "USER [CMD [ARG...]]", 1, -1, NULL, false,
				CAPS_LSM | CAPS_PREPARE | CAPS_NET | CAPS_BUILD | CAPS_CLEANUP |
				CAPS_ENTER,
				NULL, act_enter },
	[HELPER_STOP] = { "USER", 1, 1, NULL, true, CAPS_CLEANUP, run_stop, NULL },
	/* Her layers made again, the old ones removed (rm, as root). */
	[HELPER_MIGRATE] = { "USER [--keep]", 1, 2, "--keep", true, CAPS_MIGRATE | CAPS_CLEANUP,
			     NULL, act_migrate },
	[HELPER_RESET] = { "USER [--home]", 1, 2, "--home", true, CAPS_MIGRATE | CAPS_CLEANUP,
			   NULL, act_reset },
	[HELPER_GC] = { "", 0, 0, NULL, false, CAPS_CLEANUP, run_gc, NULL },
	[HELPER_COLLECT] = { "USER", 1, 1, NULL, true, CAPS_CLEANUP, run_collect, NULL },
};

/* What VERB may ever hold here: its row's, less the lsm step's mac_admin where the kernel
 * runs no AppArmor (no step would raise it: spec.c leaves her profile unset). */
static uint64_t verb_caps(enum helper_verb verb)
{
	uint64_t caps = verbs[verb].caps;

	return confine_apparmor_enabled() ? caps : caps & ~CAPS_LSM;
}

static int usage(void)
{
	for (int v = 0; v < HELPER__VERBS; v++)
		fprintf(stderr, "%s warren-helper [--config FILE] %s%s%s%s\n", v ? "      " : "usage:",
			v == HELPER_ENSURE ? "[--service PAM-SERVICE] " : "",
			helper_verb_name((enum helper_verb)v), verbs[v].args[0] ? " " : "",
			verbs[v].args);
	return HELPER_EXIT_USAGE;
}

/* ARGV (after the options: the verb and its arguments) as a call of its row, or -EINVAL. */
static int call_parse(int argc, char **argv, struct call *ret)
{
	const struct verb_row *row;
	enum helper_verb verb;
	int n = argc - 1;

	if (argc < 1 || helper_verb_parse(argv[0], &verb) < 0)
		return -EINVAL;
	row = &verbs[verb];
	*ret = (struct call){ .verb = verb, .user = n ? argv[1] : NULL,
			      .args = argv + (n ? 2 : 1) };
	if (n < row->min_args || (row->max_args >= 0 && n > row->max_args))
		return -EINVAL;
	if (row->flag && n == 2) {
		if (strcmp(argv[2], row->flag))
			return -EINVAL;
		ret->flag = true;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "service", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct call call;
	int c;

	/* A container's stop, exec'd by its supervisor with what it hands over. */
	if (argc > 1 && !strcmp(argv[1], SUPERVISOR_STOP_FLAG))
		return supervisor_stop_main(argc - 2, argv + 2);
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
	if (call_parse(argc - optind, argv + optind, &call) < 0)
		return usage();
	if ((c = caps_limit(verb_caps(call.verb))) < 0) {
		struct error err = { 0 };

		error_errno(&err, c, "warren-helper cannot limit its capabilities");
		return refuse(&err);
	}
	/* A name warren cannot use in a path may still be a user it has nothing to do
	 * with (user@domain from SSSD): only the verbs that deal with her container need a
	 * valid one, and run_jailed refuses her only if she is jailed. */
	if (verbs[call.verb].valid_name && !name_is_valid(call.user)) {
		struct error err = { 0 };

		error_set(&err, -EINVAL, "invalid user name");
		return refuse(&err);
	}
	if (verbs[call.verb].run)
		return verbs[call.verb].run(&call);
	return run_jailed(&call, verbs[call.verb].act);
}
