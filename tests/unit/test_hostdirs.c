/* test_hostdirs.c - bind sources opened on a temporary tree (issue 20): links followed only
 * where root alone could have put them, a missing directory made hers, the part of a path
 * root is denied opened as her, and a staged bind's flags.  Most of it needs root (links
 * and directories of other owners); as a user those tests skip. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/cleanup.h"
#include "storage/hostdirs.h"

#define NOBODY 65534

static char T[64];
static const gid_t her_groups[] = { 4242 };
static const struct hostdir_creds her = { .uid = NOBODY, .gid = NOBODY, .groups = her_groups,
					  .n_groups = 1 };

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

/* T/REL, into a static buffer (one at a time). */
static const char *at(const char *rel)
{
	static char buf[2][256];
	static int i;

	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", T, rel);
	return buf[i];
}

static void mkdir_mode(const char *rel, mode_t mode, uid_t uid)
{
	assert_int_equal(mkdir(at(rel), mode), 0);
	assert_int_equal(chmod(at(rel), mode), 0);
	if (uid)
		assert_int_equal(chown(at(rel), uid, uid), 0);
}

static void link_owned(const char *target, const char *rel, uid_t uid)
{
	assert_int_equal(symlink(target, at(rel)), 0);
	if (uid)
		assert_int_equal(lchown(at(rel), uid, uid), 0);
}

/* The tree every test starts from:
 *   T/real/data          the directory the binds want
 *   T/admin/  (root 0755) data -> T/real/data, rel -> ../real/data, loop1 <-> loop2
 *   T/shared/ (root 1777) data -> T/real/data (root's, but others may replace it)
 *   T/handin/ (root 0755) wtb/ (nobody's), and a user's link in a root directory
 *   T/mine/   (nobody 0755) data -> T/real/data (root's link in her directory) */
static int setup(void **state)
{
	char target[256];

	snprintf(T, sizeof(T), "/tmp/warren-test-XXXXXX");
	assert_non_null(mkdtemp(T));
	assert_int_equal(chmod(T, 0755), 0);
	mkdir_mode("real", 0755, 0);
	mkdir_mode("real/data", 0755, 0);
	mkdir_mode("admin", 0755, 0);
	mkdir_mode("shared", 01777, 0);
	mkdir_mode("handin", 0755, 0);
	snprintf(target, sizeof(target), "%s/real/data", T);
	link_owned(target, "admin/data", 0);
	link_owned("../real/data", "admin/rel", 0);
	link_owned("loop2", "admin/loop1", 0);
	link_owned("loop1", "admin/loop2", 0);
	link_owned("/etc", "admin/etc", 0);
	link_owned(target, "shared/data", 0);
	if (geteuid() == 0) {
		mkdir_mode("handin/wtb", 0700, NOBODY);
		link_owned("/etc", "handin/wtc", NOBODY);
		mkdir_mode("mine", 0755, NOBODY);
		link_owned(target, "mine/data", 0);
	}
	assert_int_equal(close(open(at("real/file"), O_CREAT | O_WRONLY, 0644)), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", T);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* FD is the directory T/REL. */
static void assert_is(int fd, const char *rel)
{
	struct stat a, b;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(at(rel), &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	close(fd);
}

/* MSG with each '@' replaced by T, into WANT (LEN). */
static const char *with_t(const char *msg, char *want, size_t len)
{
	size_t o = 0;

	for (const char *p = msg; *p && o + sizeof(T) < len; p++)
		o += (size_t)(*p == '@' ? snprintf(want + o, len - o, "%s", T)
					: snprintf(want + o, len - o, "%c", *p));
	return want;
}

/* hostdir_open(T/REL) fails with CODE, its message holding MSG ('@': T). */
static void assert_refused(const char *rel, int create, int code, const char *msg)
{
	struct error err = { 0 };
	char want[512];

	with_t(msg, want, sizeof(want));
	assert_int_equal(hostdir_open(at(rel), create, &her, &err), code);
	print_message("# %s\n", err.msg);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

static void test_plain(void **state)
{
	struct error err = { 0 };

	assert_is(hostdir_open(at("real/data"), -1, &her, &err), "real/data");
	assert_is(hostdir_open("/", -1, &her, &err), "../..");
	assert_refused("real/none", -1, -ENOENT, "@/real/none does not exist");
	assert_refused("real/none/deeper", -1, -ENOENT, "@/real/none does not exist");
	assert_refused("real/file", -1, -ENOTDIR, "@/real/file is not a directory");
	assert_refused("real/file/x", -1, -ENOTDIR, "@/real/file is not a directory");
}

/* An admin's links, in a directory only root may write, are followed: absolute,
 * relative with "..", and on the way to somewhere deeper. */
static void test_admin_links(void **state)
{
	struct error err = { 0 };

	need_root();
	assert_is(hostdir_open(at("admin/data"), -1, &her, &err), "real/data");
	assert_is(hostdir_open(at("admin/rel"), -1, &her, &err), "real/data");
	assert_int_equal(mkdir(at("real/data/sub"), 0755), 0);
	assert_is(hostdir_open(at("admin/rel/sub"), -1, &her, &err), "real/data/sub");
	assert_refused("admin/loop1", -1, -ELOOP, "more than 40 symbolic links");
}

/* A link anyone but root could have put there, or replaced, is not followed. */
static void test_links_refused(void **state)
{
	need_root();
	/* wta replaced wtb's hand-in directory with a link to /etc (issue 20, test 5). */
	assert_refused("handin/wtc", -1, -ELOOP,
		       "@/handin/wtc is a symbolic link of uid 65534, not root's: not followed");
	assert_refused("shared/data", -1, -ELOOP,
		       "@/shared/data is a symbolic link in @/shared, which is not root's alone "
		       "(uid 0, mode 1777): not followed");
	assert_refused("mine/data", -1, -ELOOP, "@/mine/data is a symbolic link in");
	/* Group-writable is not root's alone either. */
	assert_int_equal(chmod(at("admin"), 0775), 0);
	assert_refused("admin/data", -1, -ELOOP, "(uid 0, mode 0775): not followed");
	assert_int_equal(chmod(at("admin"), 0755), 0);
}

/* create: a missing last component is made hers with the mode, where its parent is
 * root's; an existing one is left as it is. */
static void test_create(void **state)
{
	struct error err = { 0 };
	struct stat st;

	need_root();
	umask(022);
	assert_is(hostdir_open(at("handin/wta"), 02770, &her, &err), "handin/wta");
	assert_int_equal(stat(at("handin/wta"), &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_gid, NOBODY);
	assert_int_equal(st.st_mode & 07777, 02770);
	/* Through an admin's link to its parent. */
	assert_is(hostdir_open(at("admin/data/new"), 0700, &her, &err), "real/data/new");
	/* Her own directory, as it was: not made again, not given away. */
	assert_int_equal(chown(at("handin/wtb"), NOBODY, 0), 0);
	assert_is(hostdir_open(at("handin/wtb"), 0755, &her, &err), "handin/wtb");
	assert_int_equal(stat(at("handin/wtb"), &st), 0);
	assert_true(st.st_gid == 0 && (st.st_mode & 07777) == 0700);
	/* Only the last component, only under a parent of root's. */
	assert_refused("handin/x/y", 0700, -ENOENT, "@/handin/x does not exist");
	assert_refused("mine/new", 0700, -EPERM,
		       "@/mine/new does not exist, and is not made: its parent @/mine is not "
		       "root's (uid 65534)");
	/* A link where it would be made is still a link. */
	assert_refused("handin/wtc", 0700, -ELOOP, "is a symbolic link of uid 65534");
}

/* Root denied (root_squash, FUSE without allow_other): a child that has dropped the
 * capabilities that let root past permissions plays that root. */
static int open_without_dac(const char *path, char *msg, size_t len)
{
	const cap_value_t dac[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
	int pipefd[2], code = 0;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct error err = { 0 };
		cap_t caps = cap_get_proc();
		int fd;

		if (!caps || cap_set_flag(caps, CAP_EFFECTIVE, 2, dac, CAP_CLEAR) < 0 ||
		    cap_set_proc(caps) < 0)
			_exit(2);
		fd = hostdir_open(path, -1, &her, &err);
		if (fd >= 0) {
			struct stat st;

			fstat(fd, &st);
			snprintf(err.msg, sizeof(err.msg), "%lu", (unsigned long)st.st_ino);
		}
		code = fd < 0 ? fd : 0;
		(void)!write(pipefd[1], &code, sizeof(code));
		(void)!write(pipefd[1], err.msg, sizeof(err.msg));
		_exit(0);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &code, sizeof(code)), sizeof(code));
	assert_true(read(pipefd[0], msg, len) > 0);
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	return code;
}

static void test_root_denied(void **state)
{
	char msg[512], ino[32];
	struct stat st;

	need_root();
	/* Her home, 0700: root (without DAC capabilities) may not look in; she may. */
	mkdir_mode("home", 0755, 0);
	mkdir_mode("home/her", 0700, NOBODY);
	mkdir_mode("home/her/data", 0755, NOBODY);
	assert_int_equal(stat(at("home/her/data"), &st), 0);
	snprintf(ino, sizeof(ino), "%lu", (unsigned long)st.st_ino);
	assert_int_equal(open_without_dac(at("home/her/data"), msg, sizeof(msg)), 0);
	assert_string_equal(msg, ino);
	/* What she may not open either. */
	assert_int_equal(chmod(at("home/her/data"), 0), 0);
	mkdir_mode("home/her/data2", 0700, 0);
	assert_int_equal(open_without_dac(at("home/her/data2/x"), msg, sizeof(msg)), -EACCES);
	print_message("# %s\n", msg);
	assert_non_null(strstr(msg, "/home/her/data2/x cannot be opened by root, nor by uid 65534"));
	/* Where only she may look, no link is followed, not even root's. */
	link_owned(at("real/data"), "home/her/link", 0);
	assert_int_equal(open_without_dac(at("home/her/link"), msg, sizeof(msg)), -ELOOP);
	assert_non_null(strstr(msg, "/home/her/link: a symbolic link or '..' on the way, where only "
				    "she may look: not followed"));
	/* With them, root opens her directory itself; and refuses the link, hers to replace. */
	assert_is(hostdir_open(at("home/her/data"), -1, &her, &(struct error){ 0 }), "home/her/data");
	assert_refused("home/her/link", -1, -ELOOP, "@/home/her/link is a symbolic link in @/home/her, "
		       "which is not root's alone (uid 65534, mode 0700)");
}

/* Staged: nosuid, nodev always; ro and noexec as asked; in a mount namespace of the
 * test's own. */
static void test_stage(void **state)
{
	pid_t pid;
	int status;

	need_root();
	mkdir_mode("stage-ro", 0755, 0);
	mkdir_mode("stage-rw", 0755, 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct error err = { 0 };
		char line[4096], *opts;
		FILE *f;
		int fd, found = 0;

		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(10);
		fd = hostdir_open(at("real/data"), -1, &her, &err);
		if (fd < 0 || hostdir_stage(fd, false, false, at("stage-ro")) < 0 ||
		    hostdir_stage(fd, true, true, at("stage-rw")) < 0)
			_exit(11);
		if (open(at("stage-ro/f"), O_CREAT | O_WRONLY, 0644) >= 0 || errno != EROFS)
			_exit(12);
		if (open(at("stage-rw/f"), O_CREAT | O_WRONLY, 0644) < 0)
			_exit(13);
		f = fopen("/proc/self/mountinfo", "re");
		while (f && fgets(line, sizeof(line), f)) {
			bool ro = strstr(line, at("stage-ro ")) != NULL;

			if (!ro && !strstr(line, at("stage-rw ")))
				continue;
			opts = strstr(line, ro ? at("stage-ro ") : at("stage-rw "));
			opts = strchr(opts, ' ') + 1;
			opts[strcspn(opts, " ")] = '\0';
			/* Then the atime flag of the source's mount. */
			if (strncmp(opts, ro ? "ro,nosuid,nodev,noexec," : "rw,nosuid,nodev,",
				    ro ? 23 : 16) != 0) {
				fprintf(stderr, "# %s\n", line);
				_exit(14 + ro);
			}
			found++;
		}
		_exit(found == 2 ? 0 : 16);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(at("real/data/f"), F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage, setup, teardown),
	};

	return cmocka_run_group_tests_name("hostdirs", tests, NULL, NULL);
}
