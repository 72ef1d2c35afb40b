/* nss_wtfail.c - an NSS module for tests that plays a group backend (LDAP, SSSD) that is
 * down: every group lookup fails with NSS_STATUS_UNAVAIL and EIO.  Built as
 * libnss_wtfail.so.2 by tests/e2e/65-trouble.sh and named only in an nsswitch.conf that
 * the test binds in a mount namespace of its own. */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <stddef.h>
#include <sys/types.h>

enum nss_status _nss_wtfail_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
				       int *errnop);
enum nss_status _nss_wtfail_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
				       int *errnop);
enum nss_status _nss_wtfail_initgroups_dyn(const char *user, gid_t group, long *start, long *size,
					   gid_t **groups, long limit, int *errnop);

enum nss_status _nss_wtfail_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
				       int *errnop)
{
	*errnop = EIO;
	return NSS_STATUS_UNAVAIL;
}

enum nss_status _nss_wtfail_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
				       int *errnop)
{
	*errnop = EIO;
	return NSS_STATUS_UNAVAIL;
}

enum nss_status _nss_wtfail_initgroups_dyn(const char *user, gid_t group, long *start, long *size,
					   gid_t **groups, long limit, int *errnop)
{
	*errnop = EIO;
	return NSS_STATUS_UNAVAIL;
}
