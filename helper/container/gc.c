/* gc.c - warren-helper gc (see gc.h). */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "lib/cleanup.h"
#include "lib/layout.h"
#include "container/container.h"
#include "container/gc.h"
#include "cgroup/delegate.h"
#include "lib/names.h"
#include "wire/protocol.h"
#include "lib/strv.h"

/* The user names among DIR's entries of TYPE (DT_DIR: a cgroup or a runtime record;
 * DT_REG: a lock file), added to *USERS. */
static void names_in(const char *dir, unsigned char type, char ***users)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_type == type && name_is_valid(e->d_name) && !strv_contains(*users, e->d_name))
			(void)strv_push(users, e->d_name);
}

/* The users of the scopes in systemd's SLICE directory (cgroup/delegate.h), added to *USERS. */
static void scopes_in(const char *slice, char ***users)
{
	_cleanup_closedir_ DIR *d = opendir(slice);
	struct dirent *e;
	char user[64];

	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && delegate_scope_user(e->d_name, user, sizeof(user)) &&
		    name_is_valid(user) && !strv_contains(*users, user))
			(void)strv_push(users, user);
}

int gc_run(const struct warren_config *cfg)
{
	_cleanup_(strv_freep) char **users = NULL;
	struct cgroup_set cg;
	int status = 0, n = 0;

	names_in(RUNTIME_USERS, DT_DIR, &users);
	names_in(RUNTIME_LOCKS, DT_REG, &users);
	/* The warren cgroup of each hierarchy: a probe name's parent. */
	if (cgroup_resolve("warren-gc-probe", &cg) == 0)
		for (int i = 0; i < cg.n; i++)
			names_in(dirname(cg.dirs[i]), DT_DIR, &users);
	scopes_in(CGROUP_ROOT "/" DELEGATE_SLICE, &users);
	for (char **u = users; u && *u; u++) {
		char what[128];
		int r = container_collect(cfg, *u, what, sizeof(what));

		if (r < 0) {
			fprintf(stderr, "warren-helper gc: cannot look at %s: %s\n", *u, strerror(-r));
			status = 1;
		} else if (r > 0) {
			printf("%s: removed%s\n", *u, what);
			n++;
		}
	}
	printf("gc: %d user%s cleaned up\n", n, n == 1 ? "" : "s");
	return status;
}
