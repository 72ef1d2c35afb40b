/* sysfilter.c - the container's syscall deny-list (see sysfilter.h). */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "wire/sysfilter.h"

static const char *const denied[] = {
	/* Kernel keyrings, bpf, perf, userfaultfd: large attack surface, no use here. */
	"keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
	/* Modules and kexec. */
	"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
	/* Mounts, old API and new. */
	"mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
	"open_tree", "move_mount", "mount_setattr",
	/* The machine's own: swap, reboot, clocks (i386's 64-bit time calls too), accounting,
	 * the kernel log, quotas. */
	"swapon", "swapoff", "reboot", "settimeofday", "clock_settime", "clock_adjtime",
	"clock_settime64", "clock_adjtime64", "adjtimex", "stime", "acct", "syslog", "quotactl",
	"quotactl_fd", "lookup_dcookie", "nfsservctl", "uselib",
	/* File handles walk around mount points (CVE-2014-3519 in Docker). */
	"open_by_handle_at",
	/* Port I/O and vm86. */
	"iopl", "ioperm", "vm86", "vm86old",
};

/* io_uring: its own path into the kernel, the largest source of its recent privilege
 * escalations (Docker denies it since moby#46762), and a way around a profile file's
 * denials (its operations open, connect, send...).  ENOSYS, as for a kernel without it,
 * so that programs (liburing's users) fall back to plain calls.  A profile file may
 * allow it again (sysprofile.h). */
static const char *const io_uring[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register",
};

/* strict, on top: tracing and reading other processes' memory, comparing kernel objects,
 * and namespaces altogether. */
static const char *const denied_strict[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "name_to_handle_at",
	"unshare", "setns",
};

/* Ioctls on a terminal that push or act on what another process of the terminal's
 * session reads: TIOCSTI fakes input (an admin's exec --root shell, a su from it: the
 * CVE-2016-7545 class; Linux 6.2 can turn it off, Debian 12's 6.1 cannot), TIOCLINUX
 * does the same on a virtual console (CVE-2023-28100 in flatpak).  The command is an
 * unsigned int: the kernel ignores the upper half of the 64-bit argument. */
static const unsigned long denied_ioctls[] = { TIOCSTI, TIOCLINUX };

static int deny_all(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n,
		    struct error *err)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]), r;

		/* A call this libseccomp does not know exists nowhere we run. */
		if (nr == __NR_SCMP_ERROR)
			continue;
		if ((r = seccomp_rule_add(ctx, action, nr, 0)) < 0)
			return error_errno(err, r, "seccomp: rule for %s", names[i]);
	}
	return 0;
}

static int deny_ioctls(scmp_filter_ctx ctx, struct error *err)
{
	for (size_t i = 0; i < ELEMENTSOF(denied_ioctls); i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, denied_ioctls[i]));

		if (r < 0)
			return error_errno(err, r, "seccomp: rule for ioctl %#lx", denied_ioctls[i]);
	}
	return 0;
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int build(const struct sysfilter_profile *profile, scmp_filter_ctx *ret, struct error *err)
{
	_cleanup_(ctx_releasep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return error_set(err, -ENOMEM, "seccomp_init failed");
	/* The compat ABIs of x86_64 get the same rules (a 32-bit caller would else go past). */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		if ((r = seccomp_arch_add(ctx, SCMP_ARCH_X86)) < 0 && r != -EEXIST)
			return error_errno(err, r, "seccomp: the i386 ABI");
		if ((r = seccomp_arch_add(ctx, SCMP_ARCH_X32)) < 0 && r != -EEXIST)
			return error_errno(err, r, "seccomp: the x32 ABI");
	}
	/* no_new_privs is the caller's to decide (creds.h), not the filter's. */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
		return error_errno(err, r, "seccomp: attribute");
	if ((r = deny_all(ctx, SCMP_ACT_ERRNO(EPERM), denied, ELEMENTSOF(denied), err)) < 0 ||
	    (profile->base == SYSFILTER_STRICT &&
	     (r = deny_all(ctx, SCMP_ACT_ERRNO(EPERM), denied_strict, ELEMENTSOF(denied_strict),
			   err)) < 0) ||
	    (!profile->allow_io_uring &&
	     (r = deny_all(ctx, SCMP_ACT_ERRNO(ENOSYS), io_uring, ELEMENTSOF(io_uring), err)) < 0) ||
	    (r = deny_ioctls(ctx, err)) < 0)
		return r;
	/* No new user namespace: its root would hold every capability over fresh network and
	 * mount namespaces, and the kernel's surface with them.  (strict: unshare is gone.) */
	if ((profile->base != SYSFILTER_STRICT &&
	     (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
				   SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))) < 0) ||
	    (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				  SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))) < 0 ||
	    (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0)) < 0)
		return error_errno(err, r, "seccomp: user namespace rules");
	/* The profile file's, on top (-EEXIST: a call the base already answers otherwise, clone3). */
	for (int i = 0; i < profile->n_extra; i++)
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), profile->extra[i], 0)) < 0 &&
		    r != -EEXIST)
			return error_errno(err, r, "seccomp: rule for syscall %d", profile->extra[i]);
	*ret = TAKE_PTR(ctx);
	return 0;
}

int sysfilter_apply(const struct sysfilter_profile *profile, struct error *err)
{
	_cleanup_(ctx_releasep) scmp_filter_ctx ctx = NULL;
	int r;

	if ((r = build(profile, &ctx, err)) < 0)
		return r;
	if ((r = seccomp_load(ctx)) < 0)
		return error_errno(err, r, "cannot load the seccomp filter");
	return 0;
}

int sysfilter_export(const struct sysfilter_profile *profile, int fd, struct error *err)
{
	_cleanup_(ctx_releasep) scmp_filter_ctx ctx = NULL;
	int r;

	if ((r = build(profile, &ctx, err)) < 0)
		return r;
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return error_errno(err, r, "cannot export the seccomp filter");
	return 0;
}

int sysfilter_compile(const struct sysfilter_profile *profile, struct sysfilter_program *ret,
		      struct error *err)
{
	_cleanup_close_ int fd = memfd_create("warren-filter", MFD_CLOEXEC);
	struct stat st;
	ssize_t n;
	int r;

	*ret = (struct sysfilter_program){ 0 };
	if (fd < 0)
		return error_errno(err, -errno, "cannot build the seccomp filter (memfd)");
	if ((r = sysfilter_export(profile, fd, err)) < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return error_errno(err, -errno, "cannot build the seccomp filter");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return error_set(err, -E2BIG, "the seccomp filter has %lld bytes: not a program "
				 "the kernel takes", (long long)st.st_size);
	if (!(ret->insns = malloc((size_t)st.st_size)))
		return error_set(err, -ENOMEM, "cannot build the seccomp filter");
	n = pread(fd, ret->insns, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		sysfilter_program_free(ret);
		return error_errno(err, n < 0 ? -errno : -EIO, "cannot read the seccomp filter back");
	}
	ret->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return 0;
}

int sysfilter_load(const struct sysfilter_program *p, struct error *err)
{
	struct sock_fprog prog = { .len = p->len, .filter = p->insns };

	if (!p->len)
		return error_set(err, -EINVAL, "no seccomp filter was built");
	/* As libseccomp's seccomp_load with our attributes: no flag (no TSYNC, no log). */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return error_errno(err, -errno, "cannot load the seccomp filter");
	return 0;
}

void sysfilter_program_free(struct sysfilter_program *p)
{
	free(p->insns);
	*p = (struct sysfilter_program){ 0 };
}
