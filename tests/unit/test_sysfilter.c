/* test_sysfilter.c - the container's syscall deny-list (helper/sysfilter.c): built and
 * exported, then loaded in a child (with no_new_privs: no root needed) and tried. */
#include <errno.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>

#include "bpf_eval.h"

#include "lib/cleanup.h"
#include "wire/sysfilter.h"

static const struct sysfilter_profile builtin_default = { .base = SYSFILTER_DEFAULT };
static const struct sysfilter_profile builtin_strict = { .base = SYSFILTER_STRICT };

static void test_export(void **state)
{
	struct error err = { 0 };
	int fd = memfd_create("filter", MFD_CLOEXEC);
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(sysfilter_export(&builtin_default, fd, &err), 0);
	assert_int_equal(fstat(fd, &st), 0);
	/* BPF instructions of 8 bytes, and more than a handful of them. */
	assert_true(st.st_size > 8 * 40 && st.st_size % 8 == 0);
	close(fd);
}

/* In a child: load PROFILE's filter, then run CHECK; the child's exit status is CHECK's. */
static int in_child_with(const struct sysfilter_profile *profile, int (*check)(void))
{
	struct error err = { 0 };
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sysfilter_apply(profile, &err) < 0)
			_exit(100);
		_exit(check());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int in_filtered_child(int (*check)(void))
{
	return in_child_with(&builtin_default, check);
}

/* 0 if CALL failed with errno WANT, else a code naming the failure. */
#define EXPECT(code, call, want)                                                         \
	do {                                                                              \
		errno = 0;                                                                \
		if ((call) != -1 || errno != (want))                                       \
			return (code);                                                    \
	} while (0)

static int denied_calls(void)
{
	char status[4096];
	FILE *f;
	size_t n;

	EXPECT(1, syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), EPERM);
	EXPECT(2, syscall(SYS_add_key, "user", "t", "x", 1, KEY_SPEC_PROCESS_KEYRING), EPERM);
	EXPECT(3, mount("none", "/tmp", "tmpfs", 0, NULL), EPERM);
	EXPECT(4, syscall(SYS_fsopen, "tmpfs", 0), EPERM);
	EXPECT(5, unshare(CLONE_NEWUSER), EPERM);
	EXPECT(6, syscall(SYS_clone3, NULL, 0), ENOSYS);
	EXPECT(7, syscall(SYS_userfaultfd, 0), EPERM);
	EXPECT(8, syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), EPERM);
	EXPECT(9, syscall(SYS_bpf, 0, NULL, 0), EPERM);
	EXPECT(10, syscall(SYS_init_module, NULL, 0, ""), EPERM);
	/* io_uring as on a kernel without it, so that programs fall back. */
	EXPECT(11, syscall(SYS_io_uring_setup, 1, NULL), ENOSYS);
	EXPECT(12, syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0), ENOSYS);
	/* Faked terminal input: EPERM before the kernel could say ENOTTY for /dev/null. */
	{
		char c = 'x';
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		EXPECT(13, ioctl(fd, TIOCSTI, &c), EPERM);
		EXPECT(14, syscall(SYS_ioctl, fd, (1UL << 32) | TIOCSTI, &c), EPERM);
		EXPECT(15, ioctl(fd, TCGETS, &c), ENOTTY); /* other ioctls reach the kernel */
		close(fd);
	}
	/* What is not denied still works. */
	if (getpid() <= 0 || unshare(0) != 0)
		return 20;
	f = fopen("/proc/self/status", "r");
	if (!f)
		return 21;
	n = fread(status, 1, sizeof(status) - 1, f);
	fclose(f);
	status[n] = '\0';
	return strstr(status, "\nSeccomp:\t2\n") ? 0 : 22;
}

static void test_denied(void **state)
{
	assert_int_equal(in_filtered_child(denied_calls), 0);
}

static int strict_calls(void);

/* pam_warren's way: the filter built beforehand (sysfilter_compile) is the exported one,
 * instruction for instruction, and loaded (sysfilter_load) it denies what the built-in
 * filter denies; strict's too. */
static void test_compiled(void **state)
{
	const struct sysfilter_profile *profiles[] = { &builtin_default, &builtin_strict };
	int (*checks[])(void) = { denied_calls, strict_calls };

	for (int i = 0; i < 2; i++) {
		struct sysfilter_program prog;
		struct error err = { 0 };
		int fd = memfd_create("filter", MFD_CLOEXEC), status;
		struct stat st;
		char *exported;
		pid_t pid;

		assert_true(fd >= 0);
		assert_int_equal(sysfilter_export(profiles[i], fd, &err), 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_non_null(exported = malloc((size_t)st.st_size));
		assert_int_equal(pread(fd, exported, (size_t)st.st_size, 0), st.st_size);
		close(fd);
		assert_int_equal(sysfilter_compile(profiles[i], &prog, &err), 0);
		assert_int_equal(prog.len * sizeof(struct sock_filter), (size_t)st.st_size);
		assert_memory_equal(prog.insns, exported, (size_t)st.st_size);
		free(exported);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sysfilter_load(&prog, &err) < 0)
				_exit(100);
			_exit(checks[i]());
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		sysfilter_program_free(&prog);
		assert_int_equal(prog.len, 0);
	}
	/* Nothing built: nothing loaded, and an error says so. */
	{
		struct sysfilter_program none = { 0 };
		struct error err = { 0 };

		assert_int_equal(sysfilter_load(&none, &err), -EINVAL);
	}
}

/* What strict denies on top, and that the default allows it. */
static int strict_calls(void)
{
	EXPECT(1, syscall(SYS_ptrace, PTRACE_PEEKDATA, getppid(), NULL, NULL), EPERM);
	EXPECT(2, syscall(SYS_process_vm_readv, getppid(), NULL, 0, NULL, 0, 0), EPERM);
	EXPECT(3, syscall(SYS_io_uring_setup, 1, NULL), ENOSYS);
	EXPECT(4, unshare(0), EPERM);
	EXPECT(5, setns(0, 0), EPERM);
	return denied_calls() == 20 ? 0 : 30; /* the rest as default, unshare(0) now denied */
}

static int default_allows_strict_calls(void)
{
	/* Each reaches the kernel, which answers for itself (not EPERM). */
	errno = 0;
	if (syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0) < 0 && errno == EPERM)
		return 2;
	return unshare(0) == 0 ? 0 : 3;
}

static void test_strict(void **state)
{
	assert_int_equal(in_child_with(&builtin_strict, strict_calls), 0);
	assert_int_equal(in_filtered_child(default_allows_strict_calls), 0);
}

/* --- The exported filter, run by bpf_eval on every ABI whatever this kernel enables --- */

/* The ABIs a filter on this machine must cover: the kernel hands x32 calls over as x86_64
 * ones with bit 30 set in the number (libseccomp's x32 numbers carry it). */
static const struct {
	const char *name;
	uint32_t scmp_arch, audit_arch;
} abis[] = {
#if defined(__x86_64__)
	{ "x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64 },
	{ "i386", SCMP_ARCH_X86, AUDIT_ARCH_I386 },
	{ "x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64 },
#endif
};

/* What the README, warren.conf(5) and warren-helper(8) promise every container is denied
 * (EPERM), written from their words: keyrings, bpf, perf, userfaultfd, modules, kexec,
 * every mount call old and new, swap, reboot, the clocks (the 64-bit time calls of i386
 * too), accounting, the kernel log, quotas, file handles, port I/O and vm86. */
static const char *const promised_denied[] = {
	"keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
	"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
	"mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
	"open_tree", "move_mount", "mount_setattr",
	"swapon", "swapoff", "reboot",
	"settimeofday", "stime", "adjtimex", "clock_settime", "clock_adjtime",
	"clock_settime64", "clock_adjtime64",
	"acct", "syslog", "quotactl", "quotactl_fd", "open_by_handle_at",
	"iopl", "ioperm", "vm86", "vm86old",
};

/* The rest of the deny-list (sysfilter.c's "denied"): calls of old kernels or none (the
 * dcookie lookup, the NFS server's control, a.out libraries), denied all the same. */
static const char *const denied_too[] = {
	"lookup_dcookie", "nfsservctl", "uselib",
};

/* strict's promise, on top: tracing, other processes' memory, kcmp, file handles, and
 * namespaces altogether. */
static const char *const promised_strict[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "name_to_handle_at",
	"unshare", "setns",
};

/* io_uring, in both: ENOSYS, as on a kernel without it, so that programs fall back; a
 * profile file's "allow io_uring" lets it through. */
static const char *const promised_enosys[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register",
};

/* What a program needs and no profile takes away. */
static const char *const promised_allowed[] = {
	"read", "write", "openat", "close", "execve", "getpid", "mmap", "wait4", "kill",
	"socket", "connect", "ioctl", "clock_gettime", "gettimeofday", "setuid", "chroot",
};

struct exported {
	struct sock_filter prog[BPF_MAXINSNS];
	size_t len;
};

static void export_filter(const struct sysfilter_profile *profile, struct exported *ret)
{
	struct error err = { 0 };
	_cleanup_close_ int fd = memfd_create("filter", MFD_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	assert_int_equal(sysfilter_export(profile, fd, &err), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, ret->prog, sizeof(ret->prog));
	assert_true(n > 0 && n % sizeof(struct sock_filter) == 0);
	ret->len = n / sizeof(struct sock_filter);
}

/* The filter's answer for NAME with first argument ARG0 on ABI I; 0 if NAME is not a call
 * of that ABI. */
static int64_t answer(const struct exported *f, size_t i, const char *name, uint64_t arg0,
		      uint64_t arg1)
{
	struct bpf_call call = { .arch = abis[i].audit_arch, .args = { arg0, arg1 } };
	int64_t r;

	call.nr = seccomp_syscall_resolve_name_arch(abis[i].scmp_arch, name);
	if (call.nr < 0)
		return 0;
	r = bpf_eval(f->prog, f->len, &call);
	if (r < 0)
		fail_msg("%s on %s: the filter does not evaluate", name, abis[i].name);
	return r;
}

/* Every name in NAMES answers WANT on every ABI that has it, and exists on one at least. */
static void expect_on_every_abi(const struct exported *f, const char *const *names, size_t n,
				uint64_t want)
{
	for (size_t k = 0; k < n; k++) {
		int found = 0;

		for (size_t i = 0; i < ELEMENTSOF(abis); i++) {
			int64_t r = answer(f, i, names[k], 0, 0);

			if (r == 0)
				continue;
			found = 1;
			if ((uint64_t)r != want)
				fail_msg("%s on %s: the filter answers %#llx, not %#llx", names[k],
					 abis[i].name, (unsigned long long)r, (unsigned long long)want);
		}
		if (!found && ELEMENTSOF(abis) > 0)
			fail_msg("%s is a call of no ABI here: the table is wrong", names[k]);
	}
}

static void test_abi_table(void **state)
{
	static struct exported def, strict;

	export_filter(&builtin_default, &def);
	export_filter(&builtin_strict, &strict);
	expect_on_every_abi(&def, promised_denied, ELEMENTSOF(promised_denied),
			    SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&def, promised_allowed, ELEMENTSOF(promised_allowed), SECCOMP_RET_ALLOW);
	expect_on_every_abi(&def, denied_too, ELEMENTSOF(denied_too), SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&strict, denied_too, ELEMENTSOF(denied_too), SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&strict, promised_denied, ELEMENTSOF(promised_denied),
			    SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&strict, promised_strict, ELEMENTSOF(promised_strict),
			    SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&strict, promised_allowed, ELEMENTSOF(promised_allowed),
			    SECCOMP_RET_ALLOW);
	expect_on_every_abi(&def, promised_enosys, ELEMENTSOF(promised_enosys),
			    SECCOMP_RET_ERRNO | ENOSYS);
	expect_on_every_abi(&strict, promised_enosys, ELEMENTSOF(promised_enosys),
			    SECCOMP_RET_ERRNO | ENOSYS);
}

/* A profile file's "allow io_uring" takes back just that, on either base. */
static void test_abi_allow_io_uring(void **state)
{
	static struct exported def, strict;
	struct sysfilter_profile p;
	struct error err = { 0 };

	assert_int_equal(sysprofile_parse("allow io_uring\nuname\n", "p", &p, &err), 0);
	assert_true(p.allow_io_uring);
	export_filter(&p, &def);
	assert_int_equal(sysprofile_parse("base strict\nallow io_uring\n", "p", &p, &err), 0);
	export_filter(&p, &strict);
	expect_on_every_abi(&def, promised_enosys, ELEMENTSOF(promised_enosys), SECCOMP_RET_ALLOW);
	expect_on_every_abi(&def, promised_denied, ELEMENTSOF(promised_denied),
			    SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&strict, promised_enosys, ELEMENTSOF(promised_enosys), SECCOMP_RET_ALLOW);
	expect_on_every_abi(&strict, promised_strict, ELEMENTSOF(promised_strict),
			    SECCOMP_RET_ERRNO | EPERM);
}

/* ioctl(TIOCSTI) and ioctl(TIOCLINUX), which push input into a terminal another process
 * reads, are EPERM in every profile, however the upper half of the 64-bit command is set;
 * other ioctls pass. */
static void test_abi_tiocsti(void **state)
{
	static struct exported def, strict;
	const uint64_t eperm = SECCOMP_RET_ERRNO | EPERM;

	export_filter(&builtin_default, &def);
	export_filter(&builtin_strict, &strict);
	for (size_t i = 0; i < ELEMENTSOF(abis); i++) {
		const struct exported *f[] = { &def, &strict };

		for (size_t k = 0; k < ELEMENTSOF(f); k++) {
			assert_int_equal(answer(f[k], i, "ioctl", 0, TIOCSTI), eperm);
			assert_int_equal(answer(f[k], i, "ioctl", 7, (1ULL << 32) | TIOCSTI), eperm);
			assert_int_equal(answer(f[k], i, "ioctl", 0, TIOCLINUX), eperm);
			assert_int_equal(answer(f[k], i, "ioctl", 0, TCGETS), SECCOMP_RET_ALLOW);
			assert_int_equal(answer(f[k], i, "ioctl", 0, TIOCSWINSZ), SECCOMP_RET_ALLOW);
			/* The whole 32-bit command is compared: another one that shares its low
			 * half is another ioctl. */
			assert_int_equal(answer(f[k], i, "ioctl", 0, (1ULL << 16) | TIOCSTI), SECCOMP_RET_ALLOW);
			assert_int_equal(answer(f[k], i, "ioctl", 0, 0x80000000ULL | TIOCLINUX),
					 SECCOMP_RET_ALLOW);
		}
	}
}

/* No new user namespace, however asked for: clone and unshare with CLONE_NEWUSER among
 * other flags are EPERM, without it they pass; clone3 (whose flags a filter cannot read)
 * is ENOSYS so that the C library falls back to clone. */
static void test_abi_user_namespaces(void **state)
{
	static struct exported f;
	const uint64_t eperm = SECCOMP_RET_ERRNO | EPERM, enosys = SECCOMP_RET_ERRNO | ENOSYS;

	export_filter(&builtin_default, &f);
	for (size_t i = 0; i < ELEMENTSOF(abis); i++) {
		assert_int_equal(answer(&f, i, "unshare", CLONE_NEWUSER, 0), eperm);
		assert_int_equal(answer(&f, i, "unshare", CLONE_NEWUSER | CLONE_NEWNS, 0), eperm);
		assert_int_equal(answer(&f, i, "unshare", CLONE_NEWNS, 0), SECCOMP_RET_ALLOW);
		assert_int_equal(answer(&f, i, "clone", CLONE_NEWUSER | SIGCHLD, 0), eperm);
		assert_int_equal(answer(&f, i, "clone", CLONE_NEWUSER | CLONE_NEWPID, 0), eperm);
		assert_int_equal(answer(&f, i, "clone", CLONE_VM | CLONE_THREAD, 0), SECCOMP_RET_ALLOW);
		assert_int_equal(answer(&f, i, "clone", SIGCHLD, 0), SECCOMP_RET_ALLOW);
		assert_int_equal(answer(&f, i, "clone3", 0, 0), enosys);
	}
}

/* Every name of a profile file is denied on top (EPERM), the last one too, on either base
 * and every ABI that has it. */
static void test_abi_profile_extra(void **state)
{
	static const char *const extra[] = { "getcwd", "uname", "sethostname" };
	static struct exported def, strict;
	struct sysfilter_profile p;
	struct error err = { 0 };

	assert_int_equal(sysprofile_parse("getcwd\nuname\nsethostname\n", "p", &p, &err), 0);
	export_filter(&p, &def);
	expect_on_every_abi(&def, extra, ELEMENTSOF(extra), SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&def, promised_allowed, ELEMENTSOF(promised_allowed), SECCOMP_RET_ALLOW);
	assert_int_equal(sysprofile_parse("base strict\ngetcwd\nuname\nsethostname", "p", &p, &err), 0);
	export_filter(&p, &strict);
	expect_on_every_abi(&strict, extra, ELEMENTSOF(extra), SECCOMP_RET_ERRNO | EPERM);
	expect_on_every_abi(&strict, promised_strict, ELEMENTSOF(promised_strict), SECCOMP_RET_ERRNO | EPERM);
}

/* A call from an ABI the filter was not built for is not let through. */
static void test_abi_foreign(void **state)
{
	static struct exported f;
	struct bpf_call call = { .arch = AUDIT_ARCH_AARCH64, .nr = 39 };
	int64_t r;

	export_filter(&builtin_default, &f);
	r = bpf_eval(f.prog, f.len, &call);
	assert_true(r >= 0);
	assert_int_not_equal(r & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW);
}

#if defined(__x86_64__)
/* The same live, through the i386 entry point, where this kernel has it. */
static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

static int i386_getpid(void)
{
	return int80(20, 0, 0, 0) == getpid() ? 0 : 1;
}

static int compat_keyctl(void)
{
	return int80(288, 0, -3, 0) == -EPERM ? 0 : 1;
}

static void test_compat_abi_live(void **state)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL); /* cmocka's handler would catch it */
		_exit(i386_getpid());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		/* The kernel was built or booted without the i386 entry point (ia32_emulation=0):
		 * no process reaches it, so there is nothing to deny; test_abi_table checked
		 * the filter's i386 rules. */
		print_message("# i386 entry point off on this kernel (getpid by int 0x80 got signal %d): "
			      "nothing to deny there; the filter's i386 rules are checked by test_abi_table\n",
			      WTERMSIG(status));
		return;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(in_filtered_child(compat_keyctl), 0);
}
#endif

/* A profile file: comments, blank lines, a base, and names, one of them i386's only. */
static void test_profile_parse(void **state)
{
	struct sysfilter_profile p;
	struct error err = { 0 };

	assert_int_equal(sysprofile_parse("# web\n\nbase strict\nuname   # no uname\n\tgetcwd\nvm86\n",
					  "w.seccomp", &p, &err), 0);
	assert_int_equal(p.base, SYSFILTER_STRICT);
	assert_int_equal(p.n_extra, 3);
	assert_int_equal(p.extra[0], SYS_uname);
	assert_int_equal(p.extra[1], SYS_getcwd);
	assert_int_equal(sysprofile_parse("", "e", &p, &err), 0);
	assert_int_equal(p.base, SYSFILTER_DEFAULT);
	assert_int_equal(p.n_extra, 0);
	assert_int_equal(sysprofile_get("strict", &p, &err), 0);
	assert_int_equal(p.base, SYSFILTER_STRICT);
	assert_int_equal(sysprofile_get("default", &p, &err), 0);
	assert_int_equal(p.base, SYSFILTER_DEFAULT);
}

/* Every fault refused with FILE:LINE and the fix. */
static const struct {
	const char *text, *msg;
} bad_profiles[] = {
	{ "uname\nptrase\n", "p:2: unknown syscall \"ptrase\" (on x86_64, x32 and i386); fix: " },
	{ "# arm's only\narm_fadvise64_64\n", "p:2: unknown syscall \"arm_fadvise64_64\"" },
	{ "Ptrace\n", "p:1: \"Ptrace\" is not a syscall name; fix: one name a line" },
	{ "ptrace(2)\n", "p:1: \"ptrace(2)\" is not a syscall name" },
	{ "ptrace kill\n", "p:1: expected one syscall name, \"base default|strict\" or \"allow "
	  "io_uring\" a line" },
	{ "base\n", "p:1: expected one syscall name" },
	{ "allow\n", "p:1: expected one syscall name" },
	{ "base strict uname\n", "p:1: expected one syscall name" },
	{ "allow io_uring uname\n", "p:1: expected one syscall name" },
	{ "allow ptrace\n", "p:1: only io_uring can be allowed, not \"ptrace\"; fix: " },
	{ "allow io_uring\nallow io_uring\n", "p:2: a second \"allow io_uring\"; fix: remove" },
	{ "uname\nallow io_uring\n", "p:2: \"allow io_uring\" comes after syscall names; fix: " },
	/* A denial io_uring would go around (IORING_OP_CONNECT, _OPENAT...) is not kept. */
	{ "allow io_uring\nuname\nconnect\n", "p:3: \"connect\" cannot be denied while io_uring "
	  "is allowed (io_uring does the same as an operation of its own" },
	{ "base strict\nallow io_uring\nopenat\n", "p:3: \"openat\" cannot be denied while" },
	{ "base strict\nbase strict\n", "p:2: a second base line" },
	{ "uname\nbase strict\n", "p:2: the base line comes after syscall names; fix: move it" },
	{ "base none\n", "p:1: unknown base \"none\"; fix: \"base default\" or \"base strict\"" },
	{ "uname\n\nuname\n", "p:3: \"uname\" is listed twice; fix: remove this line" },
};

static void test_profile_errors(void **state)
{
	char long_line[400];

	for (size_t i = 0; i < ELEMENTSOF(bad_profiles); i++) {
		struct sysfilter_profile p;
		struct error err = { 0 };

		assert_int_equal(sysprofile_parse(bad_profiles[i].text, "p", &p, &err), -EINVAL);
		if (strncmp(err.msg, bad_profiles[i].msg, strlen(bad_profiles[i].msg)) != 0)
			fail_msg("profile %zu: got \"%s\"", i, err.msg);
	}
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	{
		struct sysfilter_profile p;
		struct error err = { 0 };

		assert_int_equal(sysprofile_parse(long_line, "p", &p, &err), -EINVAL);
		assert_string_equal(err.msg, "p:1: line too long; fix: one syscall name a line");
	}
}

/* What io_uring does as an operation of its own (sysprofile.c): none of it can be denied
 * while io_uring is allowed, and each can be when it is not.  Written out again on
 * purpose: a name dropped from sysprofile.c's list must fail here. */
static const char *const io_uring_ops[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
	"preadv2", "pwritev2", "fsync", "fdatasync", "sync_file_range", "fallocate",
	"ftruncate", "truncate", "truncate64", "ftruncate64", "fadvise64", "fadvise64_64",
	"madvise", "splice", "tee", "poll", "ppoll", "ppoll_time64", "epoll_ctl",
	"open", "openat", "openat2", "creat", "close", "statx", "stat", "lstat", "fstat",
	"newfstatat", "stat64", "lstat64", "fstat64", "fstatat64",
	"setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr",
	"rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir", "mkdir", "mkdirat",
	"symlink", "symlinkat", "link", "linkat",
	"socket", "socketcall", "connect", "accept", "accept4", "bind", "listen", "shutdown",
	"sendmsg", "recvmsg", "sendto", "recvfrom", "send", "recv",
	"futex", "futex_time64", "futex_waitv", "waitid",
};

static void test_profile_io_uring_ops(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(io_uring_ops); i++) {
		char text[96];
		struct sysfilter_profile p;
		struct error err = { 0 };
		int r;

		snprintf(text, sizeof(text), "allow io_uring\n%s\n", io_uring_ops[i]);
		assert_int_equal(sysprofile_parse(text, "p", &p, &err), -EINVAL);
		if (strstr(err.msg, "unknown syscall"))
			continue; /* a call of none of this host's ABIs */
		if (!strstr(err.msg, "cannot be denied while io_uring is allowed"))
			fail_msg("%s with io_uring allowed: %s", io_uring_ops[i], err.msg);
		snprintf(text, sizeof(text), "%s\n", io_uring_ops[i]);
		r = sysprofile_parse(text, "p", &p, &err);
		if (r != 0 || p.n_extra != 1)
			fail_msg("%s without io_uring allowed: %d, %s", io_uring_ops[i], r, err.msg);
	}
}

/* The line's bound is exact (255 bytes are read, 256 are too long); the last line needs no
 * newline; the text ends at its NUL. */
static void test_profile_lines(void **state)
{
	static const char nul[] = "uname\ngetcwd\0vm86\n";
	char line[300];
	struct sysfilter_profile p;
	struct error err = { 0 };

	line[0] = '#';
	memset(line + 1, 'a', 254);
	strcpy(line + 255, "\nuname\n");
	assert_int_equal(sysprofile_parse(line, "p", &p, &err), 0);
	assert_int_equal(p.n_extra, 1);
	memset(line + 1, 'a', 255);
	strcpy(line + 256, "\nuname\n");
	assert_int_equal(sysprofile_parse(line, "p", &p, &err), -EINVAL);
	assert_string_equal(err.msg, "p:1: line too long; fix: one syscall name a line");
	assert_int_equal(sysprofile_parse(nul, "p", &p, &err), 0);
	assert_int_equal(p.n_extra, 2);
	assert_int_equal(p.extra[1], SYS_getcwd);
	assert_int_equal(sysprofile_parse("allow io_uring\nuname", "p", &p, &err), 0);
	assert_true(p.allow_io_uring);
	assert_int_equal(p.n_extra, 1);
}

/* Write TEXT to a new file PATH with MODE. */
static void write_profile(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* The file itself: read as root's config is, never through a symlink or a FIFO. */
static void test_profile_file(void **state)
{
	char dir[] = "/tmp/warren-sysprofile.XXXXXX", file[64], link[64], fifo[64];
	struct sysfilter_profile p;
	struct error err = { 0 };

	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/p", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	snprintf(fifo, sizeof(fifo), "%s/f", dir);
	write_profile(file, "uname\n", 0644);
	assert_int_equal(symlink(file, link), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(sysprofile_read(link, &p, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "/l: the seccomp profile is a symbolic link; fix: "));
	err = (struct error){ 0 };
	assert_int_equal(sysprofile_read(fifo, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/f: the seccomp profile is not a regular file"));
	err = (struct error){ 0 };
	assert_int_equal(sysprofile_get("web.seccomp", &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is not an absolute path"));
	err = (struct error){ 0 };
	if (geteuid() == 0) {
		char big[SYSPROFILE_FILE_MAX + 2];

		assert_int_equal(sysprofile_read(file, &p, &err), 0);
		assert_int_equal(p.n_extra, 1);
		assert_int_equal(chmod(file, 0664), 0);
		assert_int_equal(sysprofile_read(file, &p, &err), -EPERM);
		assert_non_null(strstr(err.msg, "writable by group or others (mode 0664); fix: chmod go-w"));
		err = (struct error){ 0 };
		assert_int_equal(chmod(file, 0644), 0);
		assert_int_equal(chown(file, 1234, 0), 0);
		assert_int_equal(sysprofile_read(file, &p, &err), -EPERM);
		assert_non_null(strstr(err.msg, "owned by uid 1234; fix: chown root:root"));
		err = (struct error){ 0 };
		memset(big, '#', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		unlink(link);
		write_profile(link, big, 0644);
		assert_int_equal(sysprofile_read(link, &p, &err), -EFBIG);
		assert_non_null(strstr(err.msg, "bytes; fix: keep it under 65536"));
	} else {
		assert_int_equal(sysprofile_read(file, &p, &err), -EPERM);
		assert_non_null(strstr(err.msg, "fix: chown root:root"));
	}
	unlink(file);
	unlink(link);
	unlink(fifo);
	rmdir(dir);
}

/* What a profile denies on top fails with EPERM, and the base's calls still do. */
static int profile_calls(void)
{
	struct utsname u;
	char cwd[64];

	EXPECT(1, uname(&u), EPERM);
	EXPECT(2, syscall(SYS_getcwd, cwd, sizeof(cwd)), EPERM);
	EXPECT(3, syscall(SYS_clone3, NULL, 0), ENOSYS); /* the base's answer stands */
	int r = denied_calls();

	return r ? 30 + r : 0;
}

static void test_profile_applied(void **state)
{
	struct sysfilter_profile p;
	struct error err = { 0 };

	assert_int_equal(sysprofile_parse("uname\ngetcwd\nclone3\nkeyctl\n", "p", &p, &err), 0);
	assert_int_equal(in_child_with(&p, profile_calls), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_compiled),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_profile_parse),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_profile_file),
		cmocka_unit_test(test_profile_applied),
		cmocka_unit_test(test_profile_io_uring_ops),
		cmocka_unit_test(test_profile_lines),
		cmocka_unit_test(test_abi_profile_extra),
		cmocka_unit_test(test_abi_table),
		cmocka_unit_test(test_abi_user_namespaces),
		cmocka_unit_test(test_abi_allow_io_uring),
		cmocka_unit_test(test_abi_tiocsti),
		cmocka_unit_test(test_abi_foreign),
#if defined(__x86_64__)
		cmocka_unit_test(test_compat_abi_live),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
