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
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "sysfilter.h"

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
	assert_int_equal(in_child_with(&builtin_strict, strict_calls), 0);
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
	{ "ptrace kill\n", "p:1: expected one syscall name or \"base default|strict\" a line" },
	{ "base\n", "p:1: expected one syscall name" },
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
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_profile_parse),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_profile_file),
		cmocka_unit_test(test_profile_applied),
#if defined(__x86_64__)
		cmocka_unit_test(test_compat_abi),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
