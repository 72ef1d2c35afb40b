/* main.c - warren-helper: the only part of warren that builds or stops containers.
 *
 *   warren-helper [--config FILE] ensure USER      (pam_warren, at session open)
 *   warren-helper [--config FILE] check-user USER  (exit 0 jailed, 3 not jailed)
 *   warren-helper [--config FILE] enter USER [CMD [ARG...]]
 *                                                  (as the user, inside; for admins, tests)
 *   warren-helper stop USER
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "container.h"
#include "fsutil.h"
#include "idmap.h"
#include "log.h"
#include "names.h"
#include "protocol.h"
#include "reslimits.h"
#include "reply.h"
#include "users.h"

static const char *arg_config = WARREN_DEFAULT_CONFIG;

/* DESIGN §5.1: whoever started us, and whatever they passed, is not trusted.  Only
 * root may use the helper at all, so that even a setuid install grants nothing;
 * the environment is dropped and no inherited fd beyond stdio survives. */
static int sanitize_process(void)
{
	if (getuid() != 0 || geteuid() != 0)
		return -EPERM;
	clearenv();
	umask(022);
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return -EBADF;
	close_range(3, ~0U, 0);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: warren-helper [--config FILE] ensure|check-user|stop USER\n"
			"       warren-helper [--config FILE] enter USER [CMD [ARG...]]\n");
	return HELPER_EXIT_USAGE;
}

static int read_subid(const char *file, const struct passwd *pw, unsigned long id,
		      struct subid_range *ret)
{
	_cleanup_free_ char *text = malloc(1 << 20);
	int r;

	if (!text)
		return -ENOMEM;
	r = read_file(file, text, 1 << 20);
	if (r >= 0)
		r = subid_find(text, pw->pw_name, id, ret);
	if (r < 0)
		return log_error_errno(r, "%s has no range of %lu ids for %s; fix: usermod "
					  "--add-sub%cids START-END %s", file, WARREN_ID_SPAN,
				       pw->pw_name, strstr(file, "gid") ? 'g' : 'u', pw->pw_name);
	return 0;
}

/* Copy S into DST (LEN) with ':' and newlines blanked: it becomes a passwd field. */
static void copy_field(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
	for (char *p = dst; *p; p++)
		if (*p == ':' || *p == '\n')
			*p = ' ';
}

/* The user's effective limits (users > first matching group > defaults), in the
 * kernel's units. */
static int user_limits_load(const struct warren_config *cfg, const struct passwd *pw,
			    struct user_info *u)
{
	struct limits_effective eff;
	char **groups = NULL;
	int r = user_group_names(pw, &groups);

	if (r < 0)
		return log_error_errno(r, "cannot read the groups of %s", pw->pw_name);
	limits_resolve(cfg, pw->pw_name, groups, &eff);
	strv_free(groups);
	u->limits = (struct cgroup_limits){
		.memory = eff.v[LIMIT_MEMORY].value,
		.swap = eff.v[LIMIT_SWAP].value,
		.cpu_quota_us = limit_cpu_quota_us(eff.v[LIMIT_CPUS].value, CGROUP_CPU_PERIOD_US),
		.pids = eff.v[LIMIT_PIDS].value,
		.io_weight = (unsigned)eff.v[LIMIT_IO_WEIGHT].value,
	};
	u->disk = eff.v[LIMIT_DISK].value;
	u->idle_timeout = (unsigned)eff.v[LIMIT_IDLE_TIMEOUT].value;
	return 0;
}

static int user_info_load(const struct passwd *pw, struct user_info *u)
{
	struct subid_range ru, rg;
	struct group gr, *res = NULL;
	char buf[8192];
	int r;

	memset(u, 0, sizeof(*u));
	copy_field(u->name, sizeof(u->name), pw->pw_name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (pw->pw_dir[0] != '/' || !strcmp(pw->pw_dir, "/") || strstr(pw->pw_dir, "/..") ||
	    strchr(pw->pw_dir, ',') || strlen(pw->pw_dir) >= sizeof(u->home))
		return log_error(-EINVAL, "home directory of %s (%s) cannot be a container "
						"home; it must be an absolute path below /",
				       pw->pw_name, pw->pw_dir);
	copy_field(u->home, sizeof(u->home), pw->pw_dir);
	copy_field(u->shell, sizeof(u->shell), pw->pw_shell);
	copy_field(u->gecos, sizeof(u->gecos), pw->pw_gecos);
	if (getgrgid_r(pw->pw_gid, &gr, buf, sizeof(buf), &res) == 0 && res &&
	    name_is_valid(gr.gr_name))
		copy_field(u->group, sizeof(u->group), gr.gr_name);
	else
		copy_field(u->group, sizeof(u->group), pw->pw_name);
	if ((r = read_subid("/etc/subuid", pw, pw->pw_uid, &ru)) < 0 ||
	    (r = read_subid("/etc/subgid", pw, pw->pw_uid, &rg)) < 0)
		return r;
	if (idmap_format(u->uid, &ru, u->uid_map, sizeof(u->uid_map)) < 0 ||
	    idmap_format(u->gid, &rg, u->gid_map, sizeof(u->gid_map)) < 0)
		return log_error(-EINVAL, "cannot map the ids of %s", pw->pw_name);
	u->root_uid = (uid_t)ru.start;
	u->root_gid = (gid_t)rg.start;
	return 0;
}

static int reply_ensured(const struct container *c)
{
	char text[REPLY_MAX];
	size_t len = 0;

	for (int i = 0; i < c->cg.n; i++)
		if (!cgroup_dir_seen(&c->cg, i))
			len += (size_t)snprintf(text + len, sizeof(text) - len, "cgroup %s\n",
						c->cg.dirs[i]);
	snprintf(text + len, sizeof(text) - len, "pts %s\ngid %u\n", c->pts, c->gid);
	return reply_send(STDOUT_FILENO, text, c->init_pidfd);
}

static int refuse(const char *user)
{
	char text[REPLY_MAX];

	snprintf(text, sizeof(text), "error %s\n", log_last_error());
	(void)reply_send(STDOUT_FILENO, text, -1);
	(void)user;
	return HELPER_EXIT_ERROR;
}

/* Load the config; if it is broken, fall back to what still tells who is jailed so
 * that exactly those logins are refused, or to refusing everyone but root. */
static int load_policy(const struct passwd *pw, struct warren_config **ret_cfg, bool *ret_jailed)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	struct config_error err = { 0 };
	char msg[1024];
	int r;

	r = config_load(arg_config, &cfg, &policy, &err);
	if (r >= 0) {
		if ((r = user_is_jailed(cfg, pw, ret_jailed)) < 0)
			return log_error_errno(r, "cannot read the groups of %s", pw->pw_name);
		*ret_cfg = TAKE_PTR(cfg);
		return 0;
	}
	config_error_format(&err, msg, sizeof(msg));
	if (policy) {
		if ((r = user_is_jailed(policy, pw, ret_jailed)) < 0)
			return log_error_errno(r, "cannot read the groups of %s", pw->pw_name);
		if (!*ret_jailed)
			return 0;
		return log_error(-EINVAL, "%s is jailed and the config is broken: %s",
				 pw->pw_name, msg);
	}
	*ret_jailed = pw->pw_uid != 0;
	if (!*ret_jailed)
		return 0;
	return log_error(-EINVAL, "the config cannot tell whether %s is jailed: %s",
			 pw->pw_name, msg);
}

static int run_verb(const char *verb, const char *user, char *const cmd[])
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL;
	struct passwd pwbuf, *pw = NULL;
	struct user_info u;
	struct container c;
	char buf[16384];
	bool jailed = false;
	int r;

	if (!strcmp(verb, "stop"))
		return container_stop(user) < 0 ? HELPER_EXIT_ERROR : HELPER_EXIT_OK;
	if (getpwnam_r(user, &pwbuf, buf, sizeof(buf), &pw) != 0 || !pw) {
		log_error(-ENOENT, "no such user %s", user);
		return refuse(user);
	}
	if (load_policy(pw, &cfg, &jailed) < 0)
		return refuse(user);
	if (!jailed)
		return HELPER_EXIT_NOT_JAILED;
	if (!strcmp(verb, "check-user"))
		return HELPER_EXIT_OK;
	if ((r = user_info_load(pw, &u)) < 0 || (r = user_limits_load(cfg, pw, &u)) < 0 ||
	    (r = container_ensure(cfg, &u, &c)) < 0)
		return refuse(user);
	if (!strcmp(verb, "enter")) {
		if (cmd[0] && !strcmp(cmd[0], "--"))
			cmd++;
		return (r = container_enter(&c, &u, cmd)) < 0 ? HELPER_EXIT_ERROR : r;
	}
	if ((r = reply_ensured(&c)) < 0) {
		log_error_errno(r, "cannot answer pam_warren for %s", user);
		return HELPER_EXIT_ERROR;
	}
	return HELPER_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	if (sanitize_process() < 0) {
		fprintf(stderr, "warren-helper: must be run by root (pam_warren runs it)\n");
		return HELPER_EXIT_ERROR;
	}
	log_open("warren-helper");
	while ((c = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		if (c != 'c')
			return usage();
		arg_config = optarg;
	}
	if (argc - optind < 2 || (argc - optind > 2 && strcmp(argv[optind], "enter")))
		return usage();
	if (strcmp(argv[optind], "ensure") && strcmp(argv[optind], "check-user") &&
	    strcmp(argv[optind], "stop") && strcmp(argv[optind], "enter"))
		return usage();
	if (!name_is_valid(argv[optind + 1])) {
		log_error(-EINVAL, "invalid user name");
		return refuse(argv[optind + 1]);
	}
	return run_verb(argv[optind], argv[optind + 1], argv + optind + 2);
}
