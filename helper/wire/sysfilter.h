/* sysfilter.h - the syscall deny-list every process of a container runs under (libseccomp).
 *
 * In the spirit of Docker's default profile, from the other end: everything is allowed
 * but what gives a container's root (or its user) reach into the kernel it has no
 * business with - keys, bpf, perf, userfaultfd, modules, kexec, the mount API old and
 * new, swap, reboot, the clocks, the kernel log, file handles, port I/O - and new user
 * namespaces (clone and unshare with CLONE_NEWUSER; clone3, whose flags a filter cannot
 * read, answers ENOSYS so that the C library falls back to clone) - and ioctl TIOCSTI and
 * TIOCLINUX, which type into the input of whoever reads a terminal.  Denied calls fail
 * with EPERM, but io_uring's, which answer ENOSYS (as a kernel without it does) so that
 * programs fall back.  On x86_64 the filter covers the i386 and x32 ABIs too.  The
 * "strict" profile (config key seccomp) also denies ptrace, process_vm_*, kcmp, file
 * handles, unshare and setns.  A profile file (sysprofile.h) denies more on top of
 * either, and may allow io_uring again.
 * (Not "seccomp.h": with -Ihelper it would shadow libseccomp's.) */
#ifndef WARREN_SYSFILTER_H
#define WARREN_SYSFILTER_H

#include <linux/filter.h>

#include "lib/errors.h"
#include "wire/sysprofile.h"

/* Build PROFILE's filter and load it into the calling thread; its children inherit it.
 * The caller either has CAP_SYS_ADMIN in its user namespace or has set no_new_privs. */
int sysfilter_apply(const struct sysfilter_profile *profile, struct error *err);

/* The filter as BPF into the file FD (tests: built, not loaded). */
int sysfilter_export(const struct sysfilter_profile *profile, int fd, struct error *err);

/* PROFILE's filter built now, to be loaded later: pam_warren builds it in sshd's monitor
 * and its post-auth child, a fresh copy of the monitor, only loads it (building there
 * costs the child a millisecond of copied pages, issue 22). */
struct sysfilter_program {
	unsigned short len;          /* instructions; 0: none built */
	struct sock_filter *insns;
};
int sysfilter_compile(const struct sysfilter_profile *profile, struct sysfilter_program *ret,
		      struct error *err);
/* Load P as sysfilter_apply would load its profile's filter (the same conditions). */
int sysfilter_load(const struct sysfilter_program *p, struct error *err);
void sysfilter_program_free(struct sysfilter_program *p);

#endif
