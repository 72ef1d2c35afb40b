/* creds.h - every change of credentials warren makes, each followed by a check that it
 * took (OpenSSH's permanently_set_uid, bubblewrap's drop_privs).  Shared by the helper
 * and the PAM module.  Each returns 0, or -errno (-EPERM when the check fails). */
#ifndef WARREN_CREDS_H
#define WARREN_CREDS_H

#include <sys/capability.h>
#include <sys/types.h>

/* Is this process root in every uid (real, effective, saved)?  The helper refuses to
 * run otherwise, so that even a setuid install grants its caller nothing. */
int creds_require_root(void);

/* Become root of the user namespace just entered or created, with GID as the only
 * supplementary group (none if GID is (gid_t)-1).  Host root is unmapped in a
 * container: a process that stayed "host root" there and then changed uid would keep
 * its capabilities, so every way into a container passes through here. */
int creds_become_ns_root(gid_t gid);

/* From a container's root to UID:GID for good: the ids are set, regaining root must
 * fail, and no_new_privs is set so that no setuid binary of the image gives it back. */
int creds_drop_to_user(uid_t uid, gid_t gid);

/* Host root acting as UID:GID for a moment: the effective ids only (the real and saved
 * stay root, so creds_act_as_root() can come back), with CAP_SYS_ADMIN effective, which
 * hosts that forbid unprivileged user namespaces require of their creator.  For
 * creating a namespace that UID owns. */
int creds_act_as(uid_t uid, gid_t gid);

/* Back from creds_act_as(): every id root again, and every permitted capability
 * effective again (the kernel restores them on the way back to euid 0), verified. */
int creds_act_as_root(void);

/* Keep only the N capabilities KEEP, permitted and effective, and nothing else in any
 * set, the bounding set included; verified.  For a long-lived root process that only
 * needs a few (the supervisor). */
int creds_keep_only(const cap_value_t *keep, int n);

/* The bounding set of a process entering a container (as its root): Docker's default
 * capabilities at most (chown, dac_override, fowner, fsetid, kill, setgid, setuid,
 * setpcap, setfcap, net_bind_service, net_raw, sys_chroot, mknod, audit_write), so
 * that a root inside reached through sudo never holds sys_admin, sys_ptrace, net_admin
 * and the rest, even over the container's own namespaces; verified. */
int creds_bound_container(void);

/* PR_SET_NO_NEW_PRIVS, verified. */
int creds_no_new_privs(void);

#endif
