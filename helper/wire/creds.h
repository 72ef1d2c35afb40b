/* creds.h - every change of credentials warren makes, each followed by a check that it
 * took (OpenSSH's permanently_set_uid, bubblewrap's drop_privs).  Shared by the helper
 * and the PAM module.  Each returns 0, or -errno (-EPERM when the check fails). */
#ifndef WARREN_CREDS_H
#define WARREN_CREDS_H

#include <sys/capability.h>
#include <stdint.h>
#include <sys/types.h>

/* Is this process root in every uid (real, effective, saved)?  The helper refuses to
 * run otherwise, so that even a setuid install grants its caller nothing. */
int creds_require_root(void);

/* Supplementary groups a process of a container keeps besides its own, at most: hers
 * that keep their gid inside (spec.h). */
#define CREDS_GROUPS_MAX 64

/* Become root of the user namespace just entered or created, with GID and the N groups
 * EXTRA as the supplementary groups (none if GID is (gid_t)-1).  Host root is unmapped
 * in a container: a process that stayed "host root" there and then changed uid would
 * keep its capabilities, so every way into a container passes through here. */
int creds_become_ns_root(gid_t gid, const gid_t *extra, unsigned n);

/* From a container's root to UID:GID for good, with GID and EXTRA (N) as supplementary
 * groups: the ids are set, regaining root must fail, and no_new_privs is set so that no
 * setuid binary of the image gives it back. */
int creds_drop_to_user(uid_t uid, gid_t gid, const gid_t *extra, unsigned n);

/* Host root acting as UID:GID for a moment: the effective ids only (the real and saved
 * stay root, so creds_act_as_root() can come back), with exactly EFFECTIVE (a mask of
 * permitted capabilities) effective: CAP_SYS_ADMIN, which hosts that forbid unprivileged
 * user namespaces require of their creator, and what else the moment needs.  For
 * creating a namespace that UID owns. */
int creds_act_as(uid_t uid, gid_t gid, uint64_t effective);

/* Back from creds_act_as(): every id root again, and every permitted capability
 * effective again (the kernel restores them on the way back to euid 0), verified. */
int creds_act_as_root(void);

/* Keep only the N capabilities KEEP, permitted and effective, and nothing else in any
 * set, the bounding set included; verified.  For a long-lived root process that only
 * needs a few (the supervisor); N 0 keeps none (warren-lease). */
int creds_keep_only(const cap_value_t *keep, int n);

/* The bounding set of a process entering a container (as its root): Docker's default
 * capabilities at most (chown, dac_override, fowner, fsetid, kill, setgid, setuid,
 * setpcap, setfcap, net_bind_service, net_raw, sys_chroot, mknod, audit_write), so
 * that a root inside reached through sudo never holds sys_admin, sys_ptrace, net_admin
 * and the rest, even over the container's own namespaces; verified. */
int creds_bound_container(void);

/* PR_SET_NO_NEW_PRIVS, verified. */
int creds_no_new_privs(void);

/* The helper's capabilities, step by step (HACKING.md §5.6).  At start it keeps only the
 * union its verb needs (caps_limit: permitted and bounding sets, nothing effective);
 * each step raises its few around itself and restores what was effective before.
 * Sets are masks of CAP_BIT(CAP_...).  Each call verifies the sets it changed by
 * reading them back (libcap) and returns -EPERM if they are not what was asked. */
#define CAP_BIT(c) (UINT64_C(1) << (c))

/* Each step's capabilities (the helper's verbs are unions of them, main.c). */
/* The host side of a new container: cgroup limits, her layers or disk image (chown to
 * her subordinate ids, loop devices, mkfs), the runtime dir and its devpts. */
#define CAPS_PREPARE (CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_FOWNER) | CAP_BIT(CAP_DAC_OVERRIDE) | \
		      CAP_BIT(CAP_DAC_READ_SEARCH) | CAP_BIT(CAP_SYS_ADMIN))
/* The host side of her network: veth, bridge, nftables. */
#define CAPS_NET (CAP_BIT(CAP_NET_ADMIN) | CAP_BIT(CAP_SYS_ADMIN))
/* Building: namespaces owned by her subordinate root (act as it), the maps, idmapped
 * mounts, back to the host's mount namespace (setns: sys_chroot), the supervisor's own
 * drop (setpcap) and its leaving the login (its audit login uid: audit_control), killing
 * what a failed build left. */
#define CAPS_BUILD (CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SYS_CHROOT) | CAP_BIT(CAP_SETUID) | \
		    CAP_BIT(CAP_SETGID) | CAP_BIT(CAP_AUDIT_CONTROL) | \
		    CAP_BIT(CAP_SETFCAP) | CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_KILL) | \
		    CAP_BIT(CAP_NET_ADMIN) | CAP_BIT(CAP_SYS_PTRACE) | CAP_BIT(CAP_CHOWN) | \
		    CAP_BIT(CAP_FOWNER) | CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_DAC_READ_SEARCH))
/* Stopping and removing a container: its processes (her ids), mounts, veth, cgroups. */
#define CAPS_CLEANUP (CAP_BIT(CAP_KILL) | CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_NET_ADMIN) | \
		      CAP_BIT(CAP_SYS_PTRACE) | CAP_BIT(CAP_DAC_OVERRIDE) | \
		      CAP_BIT(CAP_DAC_READ_SEARCH) | CAP_BIT(CAP_FOWNER))
/* Looking at processes of other ids or with more capabilities (/proc/PID/ns of her init,
 * /proc/PID/exe of the sshd processes that are her logins). */
#define CAPS_EXAMINE (CAP_BIT(CAP_SYS_PTRACE))
/* enter: into her namespaces (her mount namespace takes sys_chroot), the relayed pty
 * made hers, and the command's end. */
#define CAPS_ENTER (CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SYS_CHROOT) | CAP_BIT(CAP_SETUID) | \
		    CAP_BIT(CAP_SETGID) | \
		    CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_KILL) | CAP_BIT(CAP_SYS_PTRACE) | \
		    CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_FOWNER) | CAP_BIT(CAP_DAC_OVERRIDE))
/* Her AppArmor profile loaded into the kernel, where it runs AppArmor (apparmor.h:
 * apparmor_parser, which gets it from the helper's bounding set). */
#define CAPS_LSM (CAP_BIT(CAP_MAC_ADMIN))
/* migrate: her files copied as they are (cp --archive: owners, modes, xattrs, nodes). */
#define CAPS_MIGRATE (CAPS_PREPARE | CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_MKNOD) | \
		      CAP_BIT(CAP_SETFCAP) | CAP_BIT(CAP_KILL))

/* Keep PERMITTED only, in the permitted and bounding sets (so that no program run later
 * gets more), with the effective, inheritable and ambient sets empty.  Once, at start. */
int caps_limit(uint64_t permitted);

/* Make CAPS effective on top of what is (*RET_WAS gets that), for one step. */
int caps_raise(uint64_t caps, uint64_t *ret_was);

/* Back to WAS effective (what caps_raise gave), after the step. */
int caps_lower(uint64_t was);

/* A test build's record of capabilities (creds.c, WARREN_CAPS_TRACE) names each step by
 * its expression; nothing in any other build. */
#ifdef WARREN_CAPS_TRACE
void caps_trace_label(const char *label);
#define CAPS_TRACE_LABEL(label) caps_trace_label(label)
#else
#define CAPS_TRACE_LABEL(label) ((void)0)
#endif

/* EXPR (an int: >= 0, or -errno with ERR filled) as one step with CAPS effective, and
 * what was effective before after it; a failure to raise or lower is the step's. */
#define CAPS_STEP(caps, err, expr)                                                          \
	({                                                                                   \
		uint64_t was_;                                                               \
		int r_, l_;                                                                  \
		CAPS_TRACE_LABEL(#expr);                                                     \
		r_ = caps_raise((caps), &was_);                                              \
		if (r_ < 0) {                                                                \
			r_ = error_errno((err), r_, "cannot raise the capabilities of a step"); \
		} else {                                                                     \
			r_ = (expr);                                                         \
			if ((l_ = caps_lower(was_)) < 0 && r_ >= 0)                          \
				r_ = error_errno((err), l_, "cannot lower the capabilities "  \
						 "after a step");                             \
		}                                                                            \
		r_;                                                                          \
	})

#endif
