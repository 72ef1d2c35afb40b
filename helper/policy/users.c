/* users.c - groups of a user through NSS, and the jail decision built on them (HACKING.md §2). */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/strv.h"
#include "policy/users.h"

/* Large LDAP groups list thousands of members in gr_mem: grow, but not without bound. */
#define GROUP_BUF_MIN 8192
#define GROUP_BUF_MAX (16 * 1024 * 1024)

/* getgrouplist reports how many it has when the array is too small. */
int user_gids(const struct passwd *pw, gid_t **ret, int *ret_n)
{
	_cleanup_free_ gid_t *gids = NULL;
	int n = 64;

	for (;;) {
		int want = n;

		free(gids);
		gids = calloc((size_t)n, sizeof(gid_t));
		if (!gids)
			return -ENOMEM;
		if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &n) >= 0)
			break;
		if (n <= want)
			n = want * 2;
		if (n > 65536)
			return -E2BIG;
	}
	*ret = TAKE_PTR(gids);
	*ret_n = n;
	return 0;
}

/* The group named NAME (or, NAME being NULL, with GID) into *GR, its strings in *RET_BUF
 * (free it): 1 if there is one, 0 if NSS knows no such group, -errno if it failed. */
static int group_lookup(const char *name, gid_t gid, struct group *gr, char **ret_buf)
{
	size_t size = GROUP_BUF_MIN;

	for (;;) {
		_cleanup_free_ char *buf = malloc(size);
		struct group *res = NULL;
		int r;

		if (!buf)
			return -ENOMEM;
		r = name ? getgrnam_r(name, gr, buf, size, &res) : getgrgid_r(gid, gr, buf, size, &res);
		if (r == ERANGE && size < GROUP_BUF_MAX) {
			size *= 2;
			continue;
		}
		/* getgrgid_r(3): these mean "no such group" on some libcs. */
		if (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM) {
			if (r != 0 || !res)
				return 0;
			*ret_buf = TAKE_PTR(buf);
			return 1;
		}
		return -r;
	}
}

int group_name(gid_t gid, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	struct group gr;
	int r = group_lookup(NULL, gid, &gr, &buf);

	*ret = NULL;
	if (r <= 0)
		return r;
	return (*ret = strdup(gr.gr_name)) ? 0 : -ENOMEM;
}

/* Does jail group GROUP list USER as a member?  A second source beside getgrouplist(3),
 * which leaves out, without a word, the groups of a source that is down: a jail group
 * that cannot be looked up is an error, so that nobody is let out for it. */
static int jail_group_lists(const char *group, const char *user)
{
	_cleanup_free_ char *buf = NULL;
	struct group gr;
	int r = group_lookup(group, 0, &gr, &buf);

	if (r <= 0)
		return r;
	return strv_contains(gr.gr_mem, user);
}

int user_group_names(const struct passwd *pw, char ***ret)
{
	_cleanup_free_ gid_t *gids = NULL;
	_cleanup_(strv_freep) char **names = NULL;
	int n, k = 0, r;

	r = user_gids(pw, &gids, &n);
	if (r < 0)
		return r;
	names = calloc((size_t)n + 1, sizeof(char *));
	if (!names)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		char *name = NULL;

		r = group_name(gids[i], &name);
		if (r < 0)
			return r;
		if (name && strv_contains(names, name))
			free(name);
		else if (name)
			names[k++] = name;
	}
	*ret = TAKE_PTR(names);
	return 0;
}

int user_jail_check(const struct warren_config *policy, const struct passwd *pw, bool *ret,
		    char ***ret_groups)
{
	_cleanup_(strv_freep) char **groups = NULL;
	int r;

	*ret = false;
	*ret_groups = NULL;
	/* Root and exempt users first: their logins must not depend on NSS answering. */
	if (config_jail_verdict(policy, pw->pw_uid, pw->pw_name, NULL, NULL) != JAIL_NO_GROUP)
		return 0;
	r = user_group_names(pw, &groups);
	if (r < 0)
		return r;
	*ret = config_jail_verdict(policy, pw->pw_uid, pw->pw_name, groups, NULL) == JAIL_YES;
	for (char **g = policy->jail_groups; !*ret && g && *g; g++) {
		if ((r = jail_group_lists(*g, pw->pw_name)) < 0)
			return r;
		*ret = r > 0;
	}
	*ret_groups = TAKE_PTR(groups);
	return 0;
}
