/* users.h - a user as NSS sees them (local files, LDAP, SSSD): groups, and whether warren
 * jails them.  Shared by warren-helper and warrenctl so that both decide alike. */
#ifndef WARREN_USERS_H
#define WARREN_USERS_H

#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/errors.h"
#include "policy/config.h"

/* The names of PW's groups, primary first, then supplementary as getgrouplist(3) lists
 * them, into a NULL-terminated *RET (free with strv_free).  A gid without a name is
 * left out (it cannot match a configured group); a failing lookup is an error, never a
 * silently shorter list, because a missing jail group would let a login out. */
int user_group_names(const struct passwd *pw, char ***ret);

/* PW's gids as getgrouplist(3) lists them (her primary one too) into a new *RET of *RET_N. */
int user_gids(const struct passwd *pw, gid_t **ret, int *ret_n);

/* The name of GID into a new string in *RET, or NULL if NSS knows no such group. */
int group_name(gid_t gid, char **ret);

/* Is PW jailed under POLICY?  Root and exempt users are answered without NSS (and
 * *RET_GROUPS is NULL for them); for the others *RET_GROUPS gets the group names the
 * answer was made from, for the caller to use again (free with strv_free).  A user not
 * in a jail group by her group list is also looked for in each jail group's members.
 * Every jail group must resolve, for every user not answered without NSS: one that
 * cannot be looked up, or that NSS says does not exist (a source that is down may say
 * so), is an error naming the group and the fix, in *ERR: a group source that is down
 * must not let anyone out of her jail. */
int user_jail_check(const struct warren_config *policy, const struct passwd *pw, bool *ret,
		    char ***ret_groups, struct error *err);

/* The first account (KIND 'u', getpwent) or group ('g', getgrent) NSS lists with an id
 * in [LO, HI): 1 and its name and id in NAME (LEN) and *RET_ID, 0 if there is none,
 * -errno.  Sources that do not list their entries (LDAP or SSSD with enumeration off)
 * are not seen. */
int users_id_taken(char kind, unsigned long lo, unsigned long hi, char *name, size_t len,
		   unsigned long *ret_id);

#endif
