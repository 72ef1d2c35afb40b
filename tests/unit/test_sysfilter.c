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
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sysfilter.h"

static void test_export(void **state)
{
	struct error err = { 0 };
	int fd = memfd_create("filter", MFD_CLOEXEC);
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(sysfilter_export(SYSFILTER_DEFAULT, fd, &err), 0);
	assert_int_equal(fstat(fd, &st), 0);
	/* BPF instructions of 8 bytes, and more than a handful of them. */
	assert_true(st.st_size > 8 * 40 && st.st_size % 8 == 0);
	close(fd);
}

/* In a child: load PROFILE's filter, then run CHECK; the child's exit status is CHECK's. */
static int in_child_with(enum sysfilter_profile profile, int (*check)(void))
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
	return in_child_with(SYSFILTER_DEFAULT, check);
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

/* What strict denies on top, and that the default allows it. */
static int strict_calls(void)
{
	EXPECT(1, syscall(SYS_ptrace, PTRACE_PEEKDATA, getppid(), NULL, NULL), EPERM);
	EXPECT(2, syscall(SYS_process_vm_readv, getppid(), NULL, 0, NULL, 0, 0), EPERM);
	EXPECT(3, syscall(SYS_io_uring_setup, 1, NULL), EPERM);
	EXPECT(4, unshare(0), EPERM);
	EXPECT(5, setns(0, 0), EPERM);
	return denied_calls() == 20 ? 0 : 30; /* the rest as default, unshare(0) now denied */
}

static int default_allows_strict_calls(void)
{
	/* Each reaches the kernel, which answers for itself (not EPERM). */
	errno = 0;
	if (syscall(SYS_io_uring_setup, 1, NULL) != -1 || errno == EPERM)
		return 1;
	errno = 0;
	if (syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0) < 0 && errno == EPERM)
		return 2;
	return unshare(0) == 0 ? 0 : 3;
}

static void test_strict(void **state)
{
	assert_int_equal(in_child_with(SYSFILTER_STRICT, strict_calls), 0);
	assert_int_equal(in_filtered_child(default_allows_strict_calls), 0);
}

#if defined(__x86_64__)
/* keyctl through the i386 entry point (number 288 there): the compat ABI is covered. */
static int compat_keyctl(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(288L), "b"(0L), "c"(-3L), "d"(0L) : "memory");
	return r == -EPERM ? 0 : 1;
}

static void test_compat_abi(void **state)
{
	assert_int_equal(in_filtered_child(compat_keyctl), 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_strict),
#if defined(__x86_64__)
		cmocka_unit_test(test_compat_abi),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
