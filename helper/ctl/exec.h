/* exec.h - warrenctl enter, exec, stop, gc and reset: the commands that act on containers,
 * which they do only through warren-helper's verbs (which take the user's lock). */
#ifndef WARREN_CTL_EXEC_H
#define WARREN_CTL_EXEC_H

#include <stdbool.h>
#include <stddef.h>

/* The program NAME of warren's (warren-helper, warren-mkimage...): beside this warrenctl
 * or in helper/ there (a build tree), if it is root's alone, else the installed one;
 * into BUF. */
const char *ctl_program_path(const char *name, char *buf, size_t len);

/* Run CMD (NULL: a login shell) in USER's container (started if need be), as USER or,
 * with AS_ROOT, as root inside, by executing `warren-helper enter|enter-root`: its
 * relayed pty keeps the admin's terminal out of the container's reach.  The helper is
 * the one beside this warrenctl (a build tree), else the installed one.  Returns only
 * if it cannot be executed (an exit status then). */
int ctl_exec(const char *config_path, const char *user, bool as_root, char **cmd);

/* warren-helper gc, the same way (see warrenctl(8)). */
/* Stop USER's container (every recorded one if USER is NULL) by `warren-helper stop`
 * (its programs asked to end first, STOP_GRACE_S; it says what it did).  An exit
 * status: 0 when all are stopped or were not running. */
int ctl_stop(const char *config_path, const char *user);
int ctl_gc(const char *config_path);

/* warrenctl reset: USER's root layer (with HOME, her home too) dropped by `warren-helper
 * reset`.  HOME asks for her name to be typed unless YES; a running container is
 * refused unless STOP, which stops it first (ctl_stop).  An exit status. */
int ctl_reset(const char *config_path, const char *user, bool home, bool yes, bool stop);

#endif
