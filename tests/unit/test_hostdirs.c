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
	/* Nor a '..' that leaves where only she may look. */
	assert_int_equal(open_without_dac(at("home/her/../../real/data"), msg, sizeof(msg)), -ELOOP);
	assert_non_null(strstr(msg, "a symbolic link or '..' on the way, where only she may look"));
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

/* "." and ".." in a path: the walk's messages name where it is. */
static void test_dots(void **state)
{
	char path[4200], want[512];
	struct error err = { 0 };

	assert_is(hostdir_open(at("real/./data"), -1, &her, &err), "real/data");
	assert_is(hostdir_open(at("real/data/../data"), -1, &her, &err), "real/data");
	assert_refused("real/./none", -1, -ENOENT, "@/real/none does not exist");
	assert_refused("real/data/../none", -1, -ENOENT, "@/real/none does not exist");
	/* At the top, ".." stays at "/". */
	memset(want, 'n', 256);
	want[256] = '\0';
	snprintf(path, sizeof(path), "/tmp/../%s", want);
	err = (struct error){ 0 };
	assert_int_equal(hostdir_open(path, -1, &her, &err), -ENAMETOOLONG);
	assert_string_equal(err.msg, "/: a component is too long");
	/* NAME_MAX is one component's most; a byte more is too long. */
	memset(want, 'n', 255);
	want[255] = '\0';
	snprintf(path, sizeof(path), "%s/real/%s", T, want);
	assert_int_equal(hostdir_open(path, -1, &her, &err), -ENOENT);
	snprintf(path, sizeof(path), "%s/real/%sn", T, want);
	err = (struct error){ 0 };
	assert_int_equal(hostdir_open(path, -1, &her, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "/real: a component is too long"));
}

/* An absolute path shorter than PATH_MAX; no other. */
static void test_path_bounds(void **state)
{
	static char path[8192];
	struct error err = { 0 };
	size_t n = 1;

	assert_int_equal(hostdir_open("tmp", -1, &her, &err), -EINVAL);
	assert_string_equal(err.msg, "tmp is not an absolute path");
	assert_int_equal(hostdir_open("", -1, &her, &err), -EINVAL);
	path[0] = '/';
	while (n < 4095) {
		path[n++] = '.';
		path[n++] = '/';
	}
	path[4095] = '\0';
	assert_is(hostdir_open(path, -1, &her, &err), "../..");
	path[4095] = '.';
	path[4096] = '\0';
	err = (struct error){ 0 };
	assert_int_equal(hostdir_open(path, -1, &her, &err), -EINVAL);
}

/* Forty links on one path are followed (HOSTDIR_LINKS_MAX); the one more is not.  A
 * directory other users may write (without group write) is not root's alone either. */
static void test_links_bound(void **state)
{
	struct error err = { 0 };
	char rel[64], target[64];

	need_root();
	for (int i = 0; i < HOSTDIR_LINKS_MAX; i++) {
		snprintf(rel, sizeof(rel), "admin/c%d", i);
		if (i + 1 < HOSTDIR_LINKS_MAX)
			snprintf(target, sizeof(target), "c%d", i + 1);
		else
			snprintf(target, sizeof(target), "../real/data");
		link_owned(target, rel, 0);
	}
	assert_is(hostdir_open(at("admin/c0"), -1, &her, &err), "real/data");
	link_owned("c0", "admin/c-1", 0);
	assert_refused("admin/c-1", -1, -ELOOP, "more than 40 symbolic links");

	assert_int_equal(chmod(at("admin"), 0757), 0);
	assert_refused("admin/data", -1, -ELOOP, "(uid 0, mode 0757): not followed");
	assert_int_equal(chmod(at("admin"), 0755), 0);
}

/* create = "0" is a mode too: the directory is made, with no permission bits. */
static void test_create_mode_zero(void **state)
{
	struct error err = { 0 };
	struct stat st;

	need_root();
	assert_is(hostdir_open(at("handin/zero"), 0, &her, &err), "handin/zero");
	assert_int_equal(stat(at("handin/zero"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0);
	assert_int_equal(st.st_uid, NOBODY);
}

/* Below another bind's to, not the to itself; the binds mounted parents first. */
static void test_below_and_order(void **state)
{
	static const struct {
		const char *to, *dir, *rel;
	} below[] = {
		{ "/d/x", "/d", "x" },   { "/d/x/y", "/d", "x/y" }, { "/d", "/d", NULL },
		{ "/d/", "/d", NULL },   { "/dx/y", "/d", NULL },   { "/d-x", "/d", NULL },
		{ "/e/x", "/d", NULL },  { "/", "/d", NULL },
	};
	static struct user_spec u;
	static const char *const tos[] = { "/d/x", "/d-x", "/d", "/a/b", "/a", "/d/x/y", "/c" };
	static const char *const want[] = { "/a", "/a/b", "/c", "/d", "/d-x", "/d/x", "/d/x/y" };
	unsigned order[BINDS_MAX];

	for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++) {
		const char *rel = NULL;

		assert_int_equal(hostdir_below(below[i].to, below[i].dir, &rel), below[i].rel != NULL);
		assert_int_equal(hostdir_below(below[i].to, below[i].dir, NULL), below[i].rel != NULL);
		if (below[i].rel)
			assert_string_equal(rel, below[i].rel);
	}
	u.n_binds = sizeof(tos) / sizeof(tos[0]);
	for (unsigned i = 0; i < u.n_binds; i++)
		snprintf(u.binds[i].to, sizeof(u.binds[i].to), "%s", tos[i]);
	hostdir_bind_order(&u, order);
	for (unsigned i = 0; i < u.n_binds; i++)
		assert_string_equal(u.binds[order[i]].to, want[i]);
}

static void set_bind(struct user_spec *u, unsigned i, const char *from, const char *to,
		     bool required)
{
	struct bind_spec *b = &u->binds[i];

	*b = (struct bind_spec){ .write = true, .exec = true, .required = required,
				 .create = BIND_NO_CREATE, .line = (int)i + 1, .shadowed_by = -1 };
	snprintf(b->from, sizeof(b->from), "%s", from);
	snprintf(b->to, sizeof(b->to), "%s", to);
	snprintf(b->source, sizeof(b->source), "defaults");
}

/* A user's binds staged (in a mount namespace of the test's own): parents first, those
 * that cannot be made skipped (and recorded) unless required, a bind below one whose
 * source lacks its directory skipped; her home only with home = "host".  Exit codes
 * name the check that failed. */
static int stage_binds_child(void)
{
	static struct user_spec u;
	struct error err = { 0 };
	char real[256], data[256], none[256], dir[256], home_dir[256], log[8192];
	uint64_t staged = 0;
	FILE *f;
	size_t n;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	snprintf(u.name, sizeof(u.name), "her");
	u.uid = u.gid = NOBODY;
	u.limits[LIMIT_HOME] = HOME_OVERLAY;
	snprintf(real, sizeof(real), "%s/real", T);
	snprintf(data, sizeof(data), "%s/real/data", T);
	snprintf(none, sizeof(none), "%s/real/none", T);
	set_bind(&u, 0, data, "/data/data", false); /* below 1, whose source has data/ */
	set_bind(&u, 1, real, "/data", false);
	set_bind(&u, 2, none, "/none", false);       /* no source: skipped */
	set_bind(&u, 3, data, "/data/missing", false); /* below 1, whose source has no missing/ */
	set_bind(&u, 4, data, "/x/y", false);
	set_bind(&u, 5, none, "/x", false);          /* skipped: nothing staged above 4 */
	set_bind(&u, 6, data, "/z", false);
	u.binds[6].problem = "its to is her home or below it";
	u.n_binds = 7;
	snprintf(dir, sizeof(dir), "%s/binds", T);
	snprintf(home_dir, sizeof(home_dir), "%s/home-stage", T);
	if (hostdir_stage_binds(&u, dir, home_dir, T, &staged, &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		return 11;
	}
	if (staged != 0x13)
		return 12;
	if (access(at("binds/0/data"), F_OK) == 0 || access(at("binds/1/data"), F_OK) != 0 ||
	    access(at("binds/2"), F_OK) == 0 || access(at("binds/4/file"), F_OK) == 0 ||
	    access(at("binds/6"), F_OK) == 0 || access(at("binds/4/file-in-data"), F_OK) != 0 ||
	    access(at("home-stage"), F_OK) == 0)
		return 13;
	if (!(f = fopen(at("events.log"), "re")))
		return 14;
	n = fread(log, 1, sizeof(log) - 1, f);
	log[n] = '\0';
	fclose(f);
	if (!strstr(log, " her bind-skipped /none from ") || !strstr(log, " her bind-skipped /data/missing") ||
	    !strstr(log, "(defaults, line 3)") || !strstr(log, " her bind-skipped /z from ") ||
	    !strstr(log, "its to is her home or below it"))
		return 15;
	/* Required: the login is refused, and nothing is said staged. */
	u.binds[2].required = true;
	staged = 0x80;
	snprintf(dir, sizeof(dir), "%s/binds2", T);
	if (hostdir_stage_binds(&u, dir, home_dir, T, &staged, &err) != -ENOENT || staged != 0x80 ||
	    !strstr(err.msg, "is required and cannot be made") ||
	    !strstr(err.msg, "/real/none does not exist"))
		return 16;
	/* Nothing after the refusal is staged: /x/y comes after /none. */
	if (access(at("binds2/4"), F_OK) == 0)
		return 18;
	/* home = "host": her home is staged read-write at HOME_DIR. */
	u.binds[2].required = false;
	u.limits[LIMIT_HOME] = HOME_HOST;
	snprintf(u.home, sizeof(u.home), "%s", data);
	snprintf(dir, sizeof(dir), "%s/binds3", T);
	err = (struct error){ 0 };
	if (hostdir_stage_binds(&u, dir, home_dir, T, &staged, &err) != 0 || staged != 0x13 ||
	    access(at("home-stage/file-in-data"), F_OK) != 0)
		return 17;
	if (close(open(at("home-stage/written"), O_CREAT | O_WRONLY, 0644)) < 0)
		return 19;
	return 0;
}

static void test_stage_binds(void **state)
{
	pid_t pid;
	int status;

	need_root();
	assert_int_equal(close(open(at("real/data/file-in-data"), O_CREAT | O_WRONLY, 0644)), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(stage_binds_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
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
		cmocka_unit_test_setup_teardown(test_dots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_mode_zero, setup, teardown),
		cmocka_unit_test(test_below_and_order),
		cmocka_unit_test_setup_teardown(test_stage_binds, setup, teardown),
	};

	return cmocka_run_group_tests_name("hostdirs", tests, NULL, NULL);
}
