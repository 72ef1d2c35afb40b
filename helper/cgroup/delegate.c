/* delegate.c - a scope per container from systemd, with Delegate=yes (see delegate.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/delegate.h"
#include "lib/fsutil.h"
#include "lib/tool.h"

/* systemd's bus tool, on the system bus (which logind needs too: every host with
 * pam_systemd runs one).  busctl does not take systemd's private socket for a call. */
#define BUSCTL "/usr/bin/busctl"
/* How long systemd may take to put us in a new scope, or to remove an empty one. */
#define SCOPE_WAIT_MS 10000

bool delegate_systemd_owns(const char *root)
{
	return root && !strcmp(root, CGROUP_ROOT) && access("/run/systemd/system/", F_OK) == 0;
}

void delegate_scope_dir(const char *root, const char *user, char *buf, size_t len)
{
	snprintf(buf, len, "%s/" DELEGATE_SLICE "/warren-%s.scope", root, user);
}

bool delegate_scope_user(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	if (n <= strlen("warren-.scope") || strncmp(name, "warren-", 7) ||
	    strcmp(name + n - 6, ".scope") || n - 13 >= len)
		return false;
	snprintf(buf, len, "%.*s", (int)(n - 13), name + 7);
	return true;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Is the caller in cgroup REL (a path such as "/warren.slice/warren-alice.scope")?  On
 * a pure v2 host /proc/self/cgroup is the one line "0::REL". */
static bool self_in(const char *rel)
{
	char text[4096], want[320];

	if (read_file("/proc/self/cgroup", text, sizeof(text)) < 0)
		return false;
	snprintf(want, sizeof(want), "0::%s\n", rel);
	return !strcmp(text, want);
}

/* Poll until DIR is gone, for SCOPE_WAIT_MS at most. */
static void wait_gone(const char *dir)
{
	for (int ms = 0; ms < SCOPE_WAIT_MS && access(dir, F_OK) == 0; ms += 10)
		sleep_ms(10);
}

/* StartTransientUnit(UNIT, "fail", [PIDs=[us], Delegate=yes, Slice=warren.slice, ...])
 * on systemd's bus, then wait until systemd has moved us into it (cgroup REL). */
static int start_scope(const char *unit, const char *rel)
{
	char pid[16], desc[128];
	const char *const argv[] = {
		BUSCTL, "--system", "--quiet", "call", "org.freedesktop.systemd1",
		"/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "StartTransientUnit",
		"ssa(sv)a(sa(sv))", unit, "fail", "5",
		"PIDs", "au", "1", pid,
		"Delegate", "b", "true",
		"Slice", "s", DELEGATE_SLICE,
		"Description", "s", desc,
		/* A scope that failed (its processes killed) goes too: the name is free again. */
		"CollectMode", "s", "inactive-or-failed",
		"0", NULL
	};
	int r;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(desc, sizeof(desc), "warren: a user's container (%s)", unit);
	if (access(BUSCTL, X_OK) < 0)
		return -errno;
	if ((r = tool_run(argv)) < 0)
		return r;
	if (r != 0)
		return -EREMOTEIO;
	for (int ms = 0; ms < SCOPE_WAIT_MS; ms += 10) {
		if (self_in(rel))
			return 0;
		sleep_ms(10);
	}
	return -ETIMEDOUT;
}

int delegate_enter_scope(const char *root, const char *scope)
{
	char sup[300], procs[320], rel[300], pid[16];
	const char *unit = strrchr(scope, '/');
	size_t n = strlen(root);
	int r;

	if (strncmp(scope, root, n) || scope[n] != '/' || !unit)
		return -EINVAL;
	snprintf(rel, sizeof(rel), "%s/" DELEGATE_SUPERVISOR, scope + n);
	if (self_in(rel))
		return 0;
	/* The scope of her last container ends with its supervisor, a moment after it
	 * let go of her lock: wait for systemd to take it away, then ask for a new one.
	 * Only one that stays (systemd gone from its bus) is joined as it is. */
	if (access(scope, F_OK) == 0)
		wait_gone(scope);
	if (access(scope, F_OK) < 0) {
		snprintf(rel, sizeof(rel), "%s", scope + n);
		if ((r = start_scope(unit + 1, rel)) < 0)
			return r;
	}
	/* The scope's own cgroup holds no process: its children have controllers (v2). */
	snprintf(sup, sizeof(sup), "%s/" DELEGATE_SUPERVISOR, scope);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", sup);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if ((r = ensure_root_dir(sup, 0755)) < 0)
		return r;
	return write_file(procs, pid);
}
