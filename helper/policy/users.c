/* users.c - groups of a user through NSS, and the jail decision built on them (HACKING.md §2). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
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
 * which leaves out, without a word, the groups of a source that is down.  Every jail
 * group must resolve: a source that is down may answer "no such group" rather than fail
 * (nss-pam-ldapd while nslcd is unreachable: UNAVAIL with errno ENOENT; a module missing
 * from nsswitch.conf: no answer and no error), and its members must not be let out. */
static int jail_group_lists(const char *group, const char *user, struct error *err)
{
	_cleanup_free_ char *buf = NULL;
	struct group gr;
	int r = group_lookup(group, 0, &gr, &buf);

	if (r < 0)
		return error_errno(err, r, "cannot tell whether %s is jailed: jail group \"%s\" "
				   "cannot be looked up", user, group);
	if (r == 0)
		return error_set(err, -ENOENT, "cannot tell whether %s is jailed: jail group \"%s\" "
				 "does not resolve (its group source is down or its NSS module missing, "
				 "or the group is gone); fix: bring its source back (check the group "
				 "line of /etc/nsswitch.conf), or take it out of jail_groups", user, group);
	return strv_contains(gr.gr_mem, user);
}

/* The next entry of the passwd (KIND 'u') or group ('g') enumeration, its name and id into
 * NAME (LEN) and *RET_ID: 1, 0 at its end, -errno. */
static int next_entry(char kind, char **buf, size_t *size, char *name, size_t len,
		      unsigned long *ret_id)
{
	for (;;) {
		struct passwd pw, *pres = NULL;
		struct group gr, *gres = NULL;
		char *bigger;
		int r = kind == 'u' ? getpwent_r(&pw, *buf, *size, &pres) :
				      getgrent_r(&gr, *buf, *size, &gres);

		if (r == 0 && (pres || gres)) {
			snprintf(name, len, "%s", pres ? pres->pw_name : gres->gr_name);
			*ret_id = pres ? pres->pw_uid : gres->gr_gid;
			return 1;
		}
		if (r == 0 || r == ENOENT)
			return 0;
		if (r != ERANGE || *size >= GROUP_BUF_MAX)
			return -r;
		/* The entry stays next: read it again into a larger buffer. */
		if (!(bigger = realloc(*buf, *size * 2)))
			return -ENOMEM;
		*buf = bigger;
		*size *= 2;
	}
}

int users_id_taken(char kind, unsigned long lo, unsigned long hi, char *name, size_t len,
		       unsigned long *ret_id)
{
	_cleanup_free_ char *buf = malloc(GROUP_BUF_MIN);
	size_t size = GROUP_BUF_MIN;
	unsigned long id = 0;
	int r;

	if (!buf)
		return -ENOMEM;
	if (kind == 'u')
		setpwent();
	else
		setgrent();
	while ((r = next_entry(kind, &buf, &size, name, len, &id)) > 0 && (id < lo || id >= hi))
		;
	if (kind == 'u')
		endpwent();
	else
		endgrent();
	if (r > 0)
		*ret_id = id;
	return r;
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
		    char ***ret_groups, struct error *err)
{
	_cleanup_(strv_freep) char **groups = NULL;
	bool listed = false;
	int r;

	*ret = false;
	*ret_groups = NULL;
	/* Root and exempt users first: their logins must not depend on NSS answering. */
	if (config_jail_verdict(policy, pw->pw_uid, pw->pw_name, NULL, NULL) != JAIL_NO_GROUP)
		return 0;
	r = user_group_names(pw, &groups);
	if (r < 0)
		return error_errno(err, r, "cannot read the groups of %s", pw->pw_name);
	/* Each jail group is looked up even when her list already jails her: a group that
	 * does not resolve may be one of hers, with keys before the others' (PRECEDENCE). */
	for (char **g = policy->jail_groups; g && *g; g++) {
		if ((r = jail_group_lists(*g, pw->pw_name, err)) < 0)
			return r;
		listed = listed || r > 0;
	}
	*ret = listed || config_jail_verdict(policy, pw->pw_uid, pw->pw_name, groups, NULL) == JAIL_YES;
	*ret_groups = TAKE_PTR(groups);
	return 0;
}
