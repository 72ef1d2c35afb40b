/* nss_wtfail.c - an NSS module for tests that plays a group backend (LDAP, SSSD) that is
 * down: every group lookup fails with NSS_STATUS_UNAVAIL and EIO.  Built as
 * libnss_wtfail.so.2 by tests/e2e/65-trouble.sh and named only in an nsswitch.conf that
 * the test binds in a mount namespace of its own.
 *
 * Built with -DMODULE=wtenoent -DFAIL_ERRNO=ENOENT, it is nss-pam-ldapd while nslcd is
 * unreachable (UNAVAIL with errno ENOENT), which glibc reports as "no such group". */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <stddef.h>
#include <sys/types.h>

#ifndef MODULE
#define MODULE wtfail
#endif
#ifndef FAIL_ERRNO
#define FAIL_ERRNO EIO
#endif
#define NSS_FN_(module, fn) _nss_##module##_##fn
#define NSS_FN(module, fn) NSS_FN_(module, fn)

enum nss_status NSS_FN(MODULE, getgrgid_r)(gid_t gid, struct group *gr, char *buf, size_t len,
					   int *errnop);
enum nss_status NSS_FN(MODULE, getgrnam_r)(const char *name, struct group *gr, char *buf,
					   size_t len, int *errnop);
enum nss_status NSS_FN(MODULE, initgroups_dyn)(const char *user, gid_t group, long *start,
					       long *size, gid_t **groups, long limit, int *errnop);

enum nss_status NSS_FN(MODULE, getgrgid_r)(gid_t gid, struct group *gr, char *buf, size_t len,
					   int *errnop)
{
	*errnop = FAIL_ERRNO;
	return NSS_STATUS_UNAVAIL;
}

enum nss_status NSS_FN(MODULE, getgrnam_r)(const char *name, struct group *gr, char *buf,
					   size_t len, int *errnop)
{
	*errnop = FAIL_ERRNO;
	return NSS_STATUS_UNAVAIL;
}

enum nss_status NSS_FN(MODULE, initgroups_dyn)(const char *user, gid_t group, long *start,
					       long *size, gid_t **groups, long limit, int *errnop)
{
	*errnop = FAIL_ERRNO;
	return NSS_STATUS_UNAVAIL;
}
