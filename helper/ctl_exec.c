/* ctl_exec.c - warrenctl enter and exec (see ctl_exec.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_exec.h"

#define INSTALLED_HELPER LIBEXECDIR "/warren/warren-helper"

/* warren-helper beside our own binary, if it is there and root's alone, else the
 * installed one, into BUF. */
static const char *helper_path(char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			*slash = '\0';
			snprintf(buf, len, "%s/warren-helper", self);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
			    !(st.st_mode & 022))
				return buf;
		}
	}
	snprintf(buf, len, "%s", INSTALLED_HELPER);
	return buf;
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
