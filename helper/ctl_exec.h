/* ctl_exec.h - warrenctl enter, exec and gc: the commands that run warren-helper. */
#ifndef WARREN_CTL_EXEC_H
#define WARREN_CTL_EXEC_H

#include <stdbool.h>

/* Run CMD (NULL: a login shell) in USER's container (started if need be), as USER or,
 * with AS_ROOT, as root inside, by executing `warren-helper enter|enter-root`: its
 * relayed pty keeps the admin's terminal out of the container's reach.  The helper is
 * the one beside this warrenctl (a build tree), else the installed one.  Returns only
 * if it cannot be executed (an exit status then). */
int ctl_exec(const char *config_path, const char *user, bool as_root, char **cmd);

/* warren-helper gc, the same way (see warrenctl(8)). */
int ctl_gc(const char *config_path);

#endif
