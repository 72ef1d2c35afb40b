/* usermgr.h - would a systemd user manager start on the host for a jailed login?
 *
 * pam_systemd in a login's session stack has logind start a user manager for her, on
 * the host, outside her container; it runs the units she keeps in her home
 * (~/.config/systemd/user).  With home = "host" that home is the one she writes from
 * inside, so what she writes there would run outside at her next login: such a login is
 * refused where a manager would start (warren.conf(5), BINDS AND HOME).  warrenctl doctor
 * asks the same for sshd's service.
 *
 * A manager would start if the session stack of the login's PAM service (its file in
 * /etc/pam.d, with what it includes: "@include", and "include" or "substack" of the
 * session type) calls pam_systemd, unless install.sh's drop-in for user@.service holds
 * back the managers of jailed users.  Whether systemd runs right now is not asked: a
 * host booted with systemd tomorrow must not start running her units. */
#ifndef WARREN_USERMGR_H
#define WARREN_USERMGR_H

#include <stddef.h>

#define USERMGR_PAM_DIR "/etc/pam.d"
/* install.sh's, on a systemd host: ExecCondition= asks warren-helper check-user. */
#define USERMGR_DROPIN "/etc/systemd/system/user@.service.d/warren.conf"

/* Is SERVICE a name that can be a file of USERMGR_PAM_DIR (1 to 64 of A-Z a-z 0-9 _ . -,
 * not starting with '.')? */
int usermgr_service_valid(const char *service);

/* 1 if a user manager would start for a login through PAM service SERVICE, with WHY
 * (LEN) naming the file and line that call pam_systemd; 0 if none would (WHY: why not);
 * -errno (-ENOENT: SERVICE has no file) with WHY saying what.  ROOT prefixes every path
 * ("" on the host; a test's tree). */
int usermgr_would_start(const char *root, const char *service, char *why, size_t len);

#endif
