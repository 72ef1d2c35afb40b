/* protocol.h - what pam_warren and warren-helper say to each other.
 *
 * The module runs `warren-helper [--config FILE] ensure USER` with its stdout on one
 * end of an AF_UNIX SOCK_SEQPACKET pair.  The helper answers with one message: text
 * lines "KEY VALUE", and (on success) the pidfd of the container's init as
 * SCM_RIGHTS, so the module never has to trust a pid (DESIGN §5.3).
 */
#ifndef WARREN_PROTOCOL_H
#define WARREN_PROTOCOL_H

/* Exit codes of warren-helper. */
#define HELPER_EXIT_OK 0         /* container ready / done */
#define HELPER_EXIT_ERROR 1      /* refused or failed: no login */
#define HELPER_EXIT_USAGE 2
#define HELPER_EXIT_NOT_JAILED 3 /* not ours: the module returns PAM_IGNORE */

/* Reply lines (ensure):
 *   cgroup PATH   a cgroup directory the session joins (one per hierarchy)
 *   pts PATH      host-side mount of the container's devpts instance
 *   gid N         the group the session keeps inside (identity-mapped)
 *   error TEXT    why the login is refused (also logged by the helper)
 */
#define REPLY_MAX 4096
#define REPLY_MAX_CGROUPS 8

#define RUNTIME_DIR "/run/warren"

#endif
