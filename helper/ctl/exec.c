/* exec.c - warrenctl enter, exec, stop, gc and reset (see exec.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "ctl/exec.h"
#include "lib/layout.h"
#include "lib/names.h"
#include "wire/protocol.h"
#include "lib/state.h"

#define INSTALLED_DIR LIBEXECDIR "/warren"

const char *ctl_program_path(const char *name, char *buf, size_t len)
{
	static const char *const beside[] = { "", "/helper" };
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')))
			*slash = '\0'; /* our directory */
		for (size_t i = 0; slash && i < ELEMENTSOF(beside); i++) {
			snprintf(buf, len, "%s%s/%s", self, beside[i], name);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
			    !(st.st_mode & 022))
				return buf;
		}
	}
	snprintf(buf, len, "%s/%s", INSTALLED_DIR, name);
	return buf;
}

static const char *helper_path(char *buf, size_t len)
{
	return ctl_program_path("warren-helper", buf, len);
}

int ctl_gc(const char *config_path)
{
	char helper[PATH_MAX + 32];
	const char *argv[] = { helper_path(helper, sizeof(helper)), "--config", config_path, "gc",
			       NULL };

	execv(argv[0], (char *const *)argv);
	fprintf(stderr, "warrenctl: cannot run %s: %s\n", argv[0], strerror(errno));
	return 1;
}

/* Run `warren-helper --config CONFIG_PATH VERB USER [FLAG]` and wait: its exit status,
 * or -1 if it could not be run (said on stderr). */
static int run_helper(const char *config_path, const char *verb, const char *user,
		      const char *flag)
{
	char helper[PATH_MAX + 32];
	const char *argv[] = { helper_path(helper, sizeof(helper)), "--config", config_path, verb,
			       user, flag, NULL };
	int status;
	pid_t pid;

	if ((pid = fork()) < 0) {
		perror("warrenctl: fork");
		return -1;
	}
	if (pid == 0) {
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "warrenctl: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(HELPER_EXIT_ERROR);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int ctl_stop(const char *config_path, const char *user)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int status = 0;

	if (user)
		return run_helper(config_path, "stop", user, NULL) == HELPER_EXIT_OK ? 0 : 1;
	if (!(d = opendir(RUNTIME_USERS)))
		return errno == ENOENT ? 0 : 1;
	while ((e = readdir(d)))
		if (name_is_valid(e->d_name) &&
		    run_helper(config_path, "stop", e->d_name, NULL) != HELPER_EXIT_OK)
			status = 1;
	return status;
}

int ctl_exec(const char *config_path, const char *user, bool as_root, char **cmd)
{
	char helper[PATH_MAX + 32];
	const char *argv[256];
	int n = 0;

	argv[n++] = helper_path(helper, sizeof(helper));
	argv[n++] = "--config";
	argv[n++] = config_path;
	argv[n++] = as_root ? "enter-root" : "enter";
	argv[n++] = user;
	argv[n++] = "--";
	for (; cmd && *cmd && n < (int)(sizeof(argv) / sizeof(argv[0])) - 1; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	execv(argv[0], (char *const *)argv);
	fprintf(stderr, "warrenctl: cannot run %s: %s\n", argv[0], strerror(errno));
	return 1;
}

/* "Type USER to go on": dropping a home cannot be undone. */
static bool confirmed(const char *user)
{
	char line[128];

	fprintf(stderr, "warrenctl: this deletes the home of %s, all her files, for good.\n"
		"Type her user name to go on: ", user);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return strcmp(line, user) == 0;
}

static bool container_running(const char *user)
{
	struct container_state st;

	return state_read(user, &st) == 0 && state_is_live(&st);
}

int ctl_reset(const char *config_path, const char *user, bool home, bool yes, bool stop)
{
	int r;

	if (home && !yes && !confirmed(user)) {
		fprintf(stderr, "warrenctl: not confirmed; nothing was changed (--yes skips the "
			"question)\n");
		return 1;
	}
	if (container_running(user)) {
		if (!stop) {
			fprintf(stderr, "warrenctl: the container of %s is running; her programs and "
				"logins would lose the files under them.  Stop it and reset: "
				"warrenctl reset %s --stop%s\n", user, user, home ? " --home" : "");
			return 1;
		}
		if (ctl_stop(config_path, user) != 0)
			return 1;
	}
	r = run_helper(config_path, "reset", user, home ? "--home" : NULL);
	if (r == HELPER_EXIT_NOT_JAILED) {
		fprintf(stderr, "warrenctl: %s is not jailed by %s: warren resets only the layers of "
			"jailed users\n", user, config_path);
		return 1;
	}
	if (r != HELPER_EXIT_OK)
		return 1; /* the helper said why */
	printf("%s: %s\n", user, home ? "root layer and home dropped; her next login starts "
	       "afresh" : "root layer dropped (packages, system changes); her home is kept");
	return 0;
}
