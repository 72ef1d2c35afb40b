/* join.c - the two privileged moves of a jailed login.
 *
 * In sshd's monitor (host root, stays on the host): a private mount namespace in which
 * /dev/pts and /dev/ptmx are the container's devpts, so ptys it allocates exist inside,
 * and in which the user's shell and sftp-server are warren-refuse: a child that was
 * never joined to the container (broken PAM wiring) cannot get a host shell.
 *
 * In sshd's post-auth child (root, after initgroups, before sshd drops to the user):
 * join the container's cgroups and namespaces, then become root *of the container*,
 * so that sshd's following setresuid(user) leaves no capability behind (sshd checks:
 * "was able to restore old [e]uid").
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <security/pam_ext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <syslog.h>
#include <unistd.h>
#include <utmp.h>

#include "lib/cleanup.h"
#include "wire/confine.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/benchmark.h"
#include "pam_warren.h"

/* Where distributions keep sftp-server (Debian's first). */
static const char *const sftp_servers[] = {
	"/usr/lib/openssh/sftp-server",
	"/usr/libexec/openssh/sftp-server",
	"/usr/lib/ssh/sftp-server",
	"/usr/libexec/sftp-server",
};

/* Cover an executable at PATH (if it is one, and not covered already: /bin/sh and
 * /usr/bin/sh are one file on a merged /usr) with the refuse stub, or, if even that is
 * missing (a broken install), with /dev/null, which cannot be executed at all. */
static int guard_executable(const char *refuse, const char *path)
{
	struct stat st, stub;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (access(refuse, X_OK) < 0)
		refuse = "/dev/null";
	if (stat(refuse, &stub) == 0 && stub.st_dev == st.st_dev && stub.st_ino == st.st_ino)
		return 0;
	if (mount(refuse, path, NULL, MS_BIND, NULL) < 0)
		return -errno;
	return 0;
}

/* Everything sshd could run for a session that never joined its container: the
 * user's shell, /bin/sh, every shell /etc/shells lists (sshd runs the shell it looked
 * up, which NSS trouble may have hidden from us), and sftp-server. */
static int guard_programs(const char *refuse, const char *shell)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int r;

	if ((r = guard_executable(refuse, shell)) < 0 || (r = guard_executable(refuse, "/bin/sh")) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(sftp_servers); i++)
		if ((r = guard_executable(refuse, sftp_servers[i])) < 0)
			return r;
	if (!(f = fopen("/etc/shells", "re")))
		return 0;
	while ((n = getline(&line, &size, f)) > 0) {
		line[strcspn(line, " \t\n")] = '\0';
		if (line[0] == '/' && (r = guard_executable(refuse, line)) < 0)
			return r;
	}
	return 0;
}

int monitor_guard(pam_handle_t *pamh, const char *helper, const char *shell)
{
	char refuse[300];
	const char *slash = strrchr(helper, '/');
	int r;

	snprintf(refuse, sizeof(refuse), "%.*s/warren-refuse", slash ? (int)(slash - helper) : 1,
		 slash ? helper : ".");
	if (!shell || !*shell)
		shell = "/bin/sh"; /* what sshd runs for an empty shell field */
	/* Slave, not private: the host's later mounts still reach the monitor. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot give sshd a private mount namespace: %m");
		return -errno;
	}
	if ((r = guard_programs(refuse, shell)) < 0) {
		errno = -r;
		pam_syslog(pamh, LOG_ERR, "cannot cover the host's shells and sftp-server with %s: %m",
			   refuse);
		return r;
	}
	/* And no network: the monitor opens no socket from here on (/dev/log is a path),
	 * and a post-auth child that never joins its container's network namespace, as
	 * when the auth line is missing, cannot forward to or from the host's. */
	if (unshare(CLONE_NEWNET) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot give sshd an empty network namespace: %m");
		return -errno;
	}
	return 0;
}

/* The container's ptys are /dev/pts/N of a devpts of its own, named like the host's:
 * in the host's utmp, who, w, write, wall and pkill -t would take them for the host's
 * own /dev/pts/N, someone else's terminal.  sshd records them in this monitor
 * (mm_answer_pty -> record_login, by the name openpty gave: PAM_TTY plays no part), so
 * here the host's utmp is the container's own, a file beside its devpts, root's
 * (/run/warren/users/USER/utmp: `who FILE` reads it).  wtmp and lastlog stay the
 * host's: the record of who logged in, when. */
static int monitor_utmp(pam_handle_t *pamh, const char *user)
{
	char path[PROTOCOL_PATH_MAX + 8];
	_cleanup_close_ int fd = -EBADF;
	struct stat st;

	if (stat(_PATH_UTMP, &st) < 0 && errno == ENOENT)
		return 0; /* no utmp on this host: sshd records nothing there */
	user_run_path(user, RUN_UTMP, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0 || mount(path, _PATH_UTMP, NULL, MS_BIND, NULL) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot give sshd the container's utmp %s: %m", path);
		return -errno;
	}
	return 0;
}

/* Her devpts, cloned from her container's mount namespace, the only one where it is
 * mounted (the helper never mounts it on the host: every new mount namespace would copy
 * it), as a detached tree: its fd, or -errno.  The monitor joins her namespace for the
 * clone alone, never through a symlink of hers, and comes back (its root is its
 * namespace's, as setns leaves it; its working directory is put back); one that could
 * not come back ends there, before sshd does anything in her namespace. */
static int container_devpts(pam_handle_t *pamh, const struct warren_session *s)
{
	_cleanup_close_ int own = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int root = -EBADF, pts = -EBADF;
	int tree, e;

	if (own < 0 || cwd < 0)
		return -errno;
	if (setns(s->init_pidfd, CLONE_NEWNS) < 0)
		return -errno;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	pts = root < 0 ? -errno : open_beneath(root, "dev/pts", O_PATH | O_DIRECTORY);
	tree = pts < 0 ? pts : open_tree(pts, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	e = tree < 0 && pts >= 0 ? -errno : tree;
	if (setns(own, CLONE_NEWNS) < 0 || fchdir(cwd) < 0) {
		pam_syslog(pamh, LOG_CRIT, "cannot return from a container's mount namespace: %m");
		_exit(EXIT_FAILURE);
	}
	return e;
}

int monitor_devpts(pam_handle_t *pamh, const struct warren_session *s, const char *user)
{
	_cleanup_close_ int tree = container_devpts(pamh, s);
	struct statfs sf;
	struct stat st;

	if (tree < 0) {
		errno = -tree;
		pam_syslog(pamh, LOG_ERR, "cannot take the devpts of %s's container: %m", user);
		return tree;
	}
	/* What is at /dev/pts in there must be the instance the helper made: root inside
	 * could have mounted another over it (and only a devpts makes ptmx a ptmx). */
	if (fstatfs(tree, &sf) < 0 || fstat(tree, &st) < 0 || sf.f_type != DEVPTS_SUPER_MAGIC ||
	    (unsigned long long)st.st_dev != s->pts_dev) {
		pam_syslog(pamh, LOG_ERR, "/dev/pts in %s's container is not the devpts warren made "
			   "for it (something is mounted over it there): unmount that inside, or "
			   "stop the container (warren-helper stop %s)", user, user);
		return -EPERM;
	}
	if (move_mount(tree, "", AT_FDCWD, "/dev/pts", MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
	    mount("/dev/pts/ptmx", "/dev/ptmx", NULL, MS_BIND, NULL) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot give sshd the container's devpts: %m");
		return -errno;
	}
	return monitor_utmp(pamh, user);
}

/* The pids files of DIR, if it is the cgroup with the pids controller. */
static void take_pids_files(struct warren_session *s, const char *dir)
{
	char path[PROTOCOL_PATH_MAX + 16];

	if (s->pids_max_fd >= 0)
		return;
	snprintf(path, sizeof(path), "%s/pids.max", dir);
	s->pids_max_fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/pids.current", dir);
	s->pids_current_fd = s->pids_max_fd < 0 ? -1 : open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (s->pids_current_fd < 0 && s->pids_max_fd >= 0) {
		close(s->pids_max_fd);
		s->pids_max_fd = -1;
	}
}

/* A number from FD's file (from its start), or "max" as -1; -errno on failure. */
static long long read_count(int fd)
{
	char buf[32], *end;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long long v;

	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	if (!strncmp(buf, "max", 3))
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	return errno || end == buf || v < 0 ? -EBADMSG : v;
}

/* A process moved into a cgroup is not refused at pids.max as a fork is: a login that
 * joined a container already at its limit ends rather than stay one above it.
 * 0, or -EUSERS when over the limit (or -errno). */
static int within_pids_max(pam_handle_t *pamh, const struct warren_session *s)
{
	long long cur, max;

	if (s->pids_max_fd < 0)
		return 0; /* no pids controller: nothing to exceed */
	if ((max = read_count(s->pids_max_fd)) == -1)
		return 0;
	if (max < 0 || (cur = read_count(s->pids_current_fd)) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot read the container's pids.current and pids.max");
		return max < 0 ? (int)max : (int)cur;
	}
	if (cur <= max)
		return 0;
	pam_syslog(pamh, LOG_ERR, "the container is at its process limit (pids = %lld): this "
		   "login cannot join it; end some of its processes, or raise pids in warren.conf",
		   max);
	return -EUSERS;
}

/* Is FILTER (a ticket's) for the profile of C, read just now: is its file still the one
 * the filter was built from?  (A change between the ticket's look and this read.) */
static bool filter_current(const struct warm_filter *filter, const struct confinement *c)
{
	struct ticket_input now;

	return filter->prog.len && ticket_seccomp_read(c->seccomp, &now) == 0 &&
	       ticket_input_same(&filter->source, &now);
}

int session_take_reply(pam_handle_t *pamh, struct warren_session *s, struct helper_reply *reply,
		       struct warm_filter *filter)
{
	struct error err = { 0 };
	/* The filter now, on the host: a profile file is out of sight once in the container.
	 * The helper has read it too; one that went bad since refuses the login all the same.
	 * Built here too (or taken from her ticket): the post-auth child, a fresh copy of
	 * this process, only loads it. */
	int r = confine_ready(&reply->confine, &s->confine, &err);

	if (r >= 0 && filter_current(filter, &reply->confine)) {
		s->confine.compiled = filter->prog;
		filter->prog = (struct sysfilter_program){ 0 };
	} else if (r >= 0) {
		r = sysfilter_compile(&s->confine.filter, &s->confine.compiled, &err);
	}
	if (r < 0) {
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
		snprintf(reply->error, sizeof(reply->error), "%s", err.msg);
		return err.code;
	}
	for (int i = 0; i < reply->n_cgroups; i++) {
		char path[PROTOCOL_PATH_MAX + 16];
		int fd;

		take_pids_files(s, reply->cgroups[i]);
		snprintf(path, sizeof(path), "%s/tasks", reply->cgroups[i]);
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			snprintf(path, sizeof(path), "%s/cgroup.procs", reply->cgroups[i]);
			fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			pam_syslog(pamh, LOG_ERR, "cannot open %s: %m", path);
			return -errno;
		}
		s->cgroup_fds[s->n_cgroups++] = fd;
	}
	s->pts_dev = reply->pts_dev;
	s->gid = reply->gid;
	s->init_pidfd = TAKE_FD(reply->init_pidfd);
	return 0;
}

int session_join(pam_handle_t *pamh, const struct warren_session *s)
{
	struct error err = { 0 };
	int r;

	/* The cgroup first: the fds were opened on the host, so they work from anywhere,
	 * and from here on everything this session does is the container's to pay.
	 * "0" is the writer itself.  On cgroup v1 it goes into "tasks", which moves the
	 * writing thread - all of this process: sshd has no threads - and the kernel
	 * does that without taking cgroup_threadgroup_rwsem for writing, whose
	 * percpu_down_write waits for an RCU grace period (5 to 20 ms on a 2-core host)
	 * whenever no other migration just did; cgroup.procs (v2) always takes it. */
	for (int i = 0; i < s->n_cgroups; i++)
		if (write_all(s->cgroup_fds[i], "0", 1) < 0) {
			pam_syslog(pamh, LOG_ERR, "cannot join the container's cgroup: %m");
			return -errno;
		}
	if ((r = within_pids_max(pamh, s)) < 0)
		return r;
	bench_mark("child-cgroup-joined");
	/* The container's confinement, as for every process of it (confine.h); the drop to
	 * her uid is sshd's, next. */
	if ((r = confine(&s->confine, s->init_pidfd, (uid_t)-1, s->gid, &err)) < 0) {
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
		return r;
	}
	bench_mark("child-confined");
	return 0;
}
