/* container.c - find a user's running container, or build one.
 *
 * Processes of a build:
 *   helper (P, host root)   takes the user's lock, prepares state dirs, cgroup and the
 *                           host-side devpts, forks B, waits for its word, records state
 *   builder (B, host root)  unshares a private "build" mount namespace, clones G, writes
 *                           G's id maps, puts G in its cgroup, mounts the idmapped image
 *                           and the binds G needs, releases G; then leaves the build
 *                           namespace and stays on as G's parent: the supervisor
 *   G (container root)      builds the root filesystem in its own mount namespace
 *                           (rootfs.c) and execs warren-init as pid 1
 * The user's lock serializes all of this per user only; different users never wait
 * on each other.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "disk.h"
#include "fsutil.h"
#include "log.h"
#include "state.h"

/* What the builder tells the helper: init's pid, or why it failed. */
struct build_report {
	int err;
	pid_t init_pid;
	char msg[400];
};

static int pidfd_open_checked(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : fd;
}

static bool pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

static int pidns_inode(pid_t pid, unsigned long long *ret)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
	if (stat(path, &st) < 0)
		return -errno;
	*ret = (unsigned long long)st.st_ino;
	return 0;
}

/* A pidfd of the init recorded in ST, if it is still that running init.  The pid
 * cannot have been recycled while we hold the lock and the state exists (the
 * supervisor reaps only under the lock); the pid namespace inode double-checks it. */
static int open_recorded_init(const struct container_state *st)
{
	_cleanup_close_ int fd = pidfd_open_checked(st->init_pid);
	unsigned long long ino;

	if (fd < 0)
		return fd;
	if (pidfd_exited(fd) || pidns_inode(st->init_pid, &ino) < 0 || ino != st->pidns_ino)
		return -ESRCH;
	return TAKE_FD(fd);
}

/* The recorded supervisor is alive and is still init's parent (a recycled pid is not). */
static bool supervisor_alive(const struct container_state *st)
{
	_cleanup_close_ int fd = pidfd_open_checked(st->supervisor_pid);
	char path[64], buf[2048], *ppid;

	if (fd < 0 || pidfd_exited(fd))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/status", st->init_pid);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(ppid = strstr(buf, "\nPPid:")))
		return false;
	return atoi(ppid + 6) == st->supervisor_pid;
}

/* The persistent layers in MINE (STATE_DIR/users/USER, or the root of the user's disk
 * image): root/ and work/ belong to the container's root, home/ (the merged home's
 * root dir) to the user.  MINE itself is root's but traversable (0711), so that the
 * container's root reaches its layers through the build namespace's mount of MINE. */
static int prepare_layers(int mine, const struct user_info *u)
{
	static const char *const layers[] = { "root", "home" };
	_cleanup_close_ int work = -EBADF;
	int fd;

	if (fchown(mine, 0, 0) < 0 || fchmod(mine, 0711) < 0)
		return log_error_errno(-errno, "cannot prepare the state dir of %s", u->name);
	if ((work = mkdir_owned(mine, "work", 0711, 0, 0)) < 0)
		return log_error_errno(work, "cannot prepare the work dir of %s", u->name);
	for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
		bool home = !strcmp(layers[i], "home");

		fd = mkdir_owned(mine, layers[i], home ? 0700 : 0755, home ? u->uid : u->root_uid,
				 home ? u->gid : u->root_gid);
		if (fd < 0)
			return log_error_errno(fd, "cannot prepare layer %s of %s", layers[i], u->name);
		close(fd);
		fd = mkdir_owned(work, layers[i], 0700, u->root_uid, u->root_gid);
		if (fd < 0)
			return log_error_errno(fd, "cannot prepare work dir %s of %s", layers[i], u->name);
		close(fd);
	}
	return 0;
}

/* STATE_DIR/users/ is root's alone; USER/ in it holds the layers (when there is no
 * disk image) and is the mount point of its build-namespace bind. */
static int prepare_state_dir(const struct warren_config *cfg, const struct user_info *u,
			     bool layers)
{
	_cleanup_close_ int top = -EBADF, users = -EBADF, mine = -EBADF;

	top = open(cfg->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return log_error_errno(-errno, "state_dir %s", cfg->state_dir);
	if ((users = mkdir_owned(top, "users", 0700, 0, 0)) < 0 ||
	    (mine = mkdir_owned(users, u->name, 0711, 0, 0)) < 0)
		return log_error_errno(users < 0 ? users : mine, "cannot prepare %s/users/%s",
				       cfg->state_dir, u->name);
	return layers ? prepare_layers(mine, u) : 0;
}

/* The image is shared by everyone: it must be root's and writable by root only. */
static int check_image(const char *image)
{
	_cleanup_close_ int fd = open(image, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return log_error_errno(-errno, "image %s (build one with warren-mkimage)", image);
	if (fstat(fd, &st) < 0)
		return log_error_errno(-errno, "image %s", image);
	if (st.st_uid != 0 || (st.st_mode & 022))
		return log_error(-EPERM, "image %s must be owned by root and not writable by "
					       "group or others", image);
	if (faccessat(fd, "etc/skel", X_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return log_error_errno(-errno, "image %s has no /etc/skel (the home template)",
				       image);
	return 0;
}

static int mount_devpts(const char *user)
{
	char path[256];
	int r = ensure_root_dir(user_run_path(user, "pts", path, sizeof(path)), 0755);

	if (r < 0)
		return r;
	/* One devpts instance per container; ptys sshd opens for this user's logins are
	 * made here, so they exist inside the container. */
	if (mount("warren-devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,max=1024") < 0)
		return -errno;
	return 0;
}

int container_cleanup(const char *user, const struct cgroup_set *cg)
{
	char path[256];
	int r, ret = 0;

	/* Sessions still attached to a stopped container are over too. */
	if ((r = cgroup_kill_all(cg)) < 0)
		ret = log_error_errno(r, "cannot end the sessions left in cgroup %s", cg->dirs[0]);
	r = cgroup_destroy(cg);
	if (r < 0)
		ret = log_error_errno(r, "cannot remove cgroup %s", cg->dirs[0]);
	if (umount2(user_run_path(user, "pts", path, sizeof(path)), MNT_DETACH) < 0 &&
	    errno != EINVAL && errno != ENOENT)
		ret = log_error_errno(-errno, "cannot unmount %s", path);
	if ((r = state_remove(user)) < 0 || (r = user_rundir_remove(user)) < 0)
		ret = log_error_errno(r, "cannot remove runtime state of %s", user);
	return ret;
}

static int write_id_maps(pid_t pid, const struct user_info *u)
{
	char path[64];
	int r;

	/* Written by host root, so multi-line maps and setgroups stay allowed; the
	 * sessions that join later reset their groups to the identity-mapped one. */
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if ((r = write_file(path, u->uid_map)) < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return write_file(path, u->gid_map);
}

/* The image, idmapped through the container's user namespace so that host root's
 * files are root's inside (and nobody's write target: read-only, nodev). */
static int mount_idmapped_image(const char *image, pid_t child)
{
	_cleanup_close_ int userns = -EBADF, tree = -EBADF;
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV,
	};
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/user", child);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return -errno;
	attr.userns_fd = (unsigned long long)userns;
	tree = open_tree(AT_FDCWD, image, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -errno;
	if (move_mount(tree, "", AT_FDCWD, BUILD_IMAGE, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* In the build namespace: a tmpfs at BUILD_MNT holding binds of what the container's
 * root must reach but may not see on the host: its state dir and its devpts. */
static int stage_build_mounts(const struct warren_config *cfg, const struct user_info *u,
			      const char *disk_image)
{
	static const char *const dirs[] = { "image", "state", "pts", "root", "dev" };
	char src[PATH_MAX], dst[PATH_MAX];

	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	if (mount("warren-build", BUILD_MNT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=64k") < 0)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		snprintf(dst, sizeof(dst), BUILD_MNT "/%s", dirs[i]);
		if (mkdir(dst, 0755) < 0)
			return -errno;
	}
	if (disk_image[0]) {
		_cleanup_close_ int mine = -EBADF;
		int r;

		/* Loop devices from a devtmpfs of our own: sshd's /dev may be anything. */
		if (mount("warren-dev", BUILD_MNT "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, NULL) < 0)
			return -errno;
		r = disk_mount(disk_image, BUILD_STATE, BUILD_MNT "/dev");

		if (r < 0)
			return r;
		mine = open(BUILD_STATE, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (mine < 0)
			return -errno;
		if ((r = prepare_layers(mine, u)) < 0)
			return r;
	} else {
		snprintf(src, sizeof(src), "%s/users/%s", cfg->state_dir, u->name);
		if (mount(src, BUILD_STATE, NULL, MS_BIND | MS_NOSUID | MS_NODEV, NULL) < 0)
			return -errno;
	}
	user_run_path(u->name, "pts", src, sizeof(src));
	if (mount(src, BUILD_PTS, NULL, MS_BIND, NULL) < 0)
		return -errno;
	return 0;
}

/* G: wait until B has mapped and placed us, then become the container. */
__attribute__((noreturn)) static void container_child(const struct user_info *u, int go_fd,
						       int status_fd, int exe_fd)
{
	char c, msg[300];
	int r;

	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	r = rootfs_setup_and_exec(u, exe_fd);
	snprintf(msg, sizeof(msg), "%s: %s", rootfs_failed_step(), strerror(-r));
	(void)write_all(status_fd, msg, strlen(msg));
	_exit(1);
}

static pid_t clone_container(int *ret_pidfd)
{
	struct clone_args args = {
		.flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
			 CLONE_PIDFD,
		.pidfd = (unsigned long long)(uintptr_t)ret_pidfd,
		.exit_signal = SIGCHLD,
	};

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* B's part of the build; fills REP.  On success *ret_pidfd is init's pidfd. */
static void builder_build(const struct warren_config *cfg, const struct user_info *u,
			  const char *disk_image, const struct cgroup_set *cg, int exe_fd,
			  struct build_report *rep, int *ret_pidfd)
{
	_cleanup_close_pair_ int go[2] = { -EBADF, -EBADF };
	_cleanup_close_pair_ int status[2] = { -EBADF, -EBADF };
	int pidfd = -EBADF, r;
	const char *step = "";
	pid_t pid;
	ssize_t n;

#define BSTEP(what, expr)                                                                \
	do {                                                                             \
		step = what;                                                             \
		if ((r = (expr)) < 0)                                                    \
			goto fail;                                                       \
	} while (0)

	BSTEP("build namespace", stage_build_mounts(cfg, u, disk_image));
	BSTEP("pipes", pipe2(go, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0 ? -errno : 0);
	step = "clone namespaces";
	pid = clone_container(&pidfd);
	if (pid < 0) {
		r = -errno;
		goto fail;
	}
	if (pid == 0) {
		close(go[1]);
		close(status[0]);
		container_child(u, go[0], status[1], exe_fd);
	}
	close(TAKE_FD(go[0]));
	close(TAKE_FD(status[1]));
	BSTEP("id maps", write_id_maps(pid, u));
	BSTEP("join cgroup", cgroup_attach(cg, pid));
	BSTEP("idmapped image", mount_idmapped_image(cfg->image, pid));
	BSTEP("release", write_all(go[1], "x", 1));
	/* EOF: init was exec'd (the pipe is close-on-exec); text: why it was not. */
	n = read(status[0], rep->msg, sizeof(rep->msg) - 1);
	if (n != 0) {
		rep->msg[n > 0 ? n : 0] = '\0';
		rep->err = -EPROTO;
		goto kill;
	}
	rep->init_pid = pid;
	*ret_pidfd = pidfd;
	return;
fail:
	snprintf(rep->msg, sizeof(rep->msg), "%s: %s", step, strerror(-r));
	rep->err = r;
kill:
	if (pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)pidfd, NULL, WEXITED);
		close(pidfd);
	}
#undef BSTEP
}

__attribute__((noreturn)) static void builder_main(const struct warren_config *cfg,
						   const struct user_info *u,
						   const char *disk_image,
						   const struct cgroup_set *cg, int exe_fd,
						   int report_fd)
{
	struct build_report rep = { 0 };
	int hostmnt, devnull, pidfd = -EBADF;

	/* Leave sshd's session and its stdio: this process outlives the login. */
	setsid();
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(1);
	hostmnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (hostmnt < 0)
		_exit(1);
	builder_build(cfg, u, disk_image, cg, exe_fd, &rep, &pidfd);
	(void)write_all(report_fd, &rep, sizeof(rep));
	close(report_fd);
	close(exe_fd);
	if (rep.err < 0)
		_exit(1);
	/* Back to the host's mount namespace: the build namespace dies with this switch,
	 * and the supervisor must see the host's mounts to clean up. */
	if (setns(hostmnt, CLONE_NEWNS) < 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		_exit(1);
	}
	close(hostmnt);
	supervisor_run(u->name, pidfd, cg, u->idle_timeout);
}

/* warren-init lives beside warren-helper; open it for fexecve from inside the container. */
static int open_init_binary(void)
{
	char self[PATH_MAX], *slash;
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - sizeof(INIT_NAME) - 1);

	if (n < 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -EINVAL;
	strcpy(slash + 1, INIT_NAME);
	fd = open(self, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "cannot open %s", self);
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_uid != 0 || (st.st_mode & 022) || !S_ISREG(st.st_mode))
		return log_error(-EPERM, "%s must be a root-owned file writable only by root",
				       self);
	return TAKE_FD(fd);
}

static void fill_container(const struct user_info *u, const struct cgroup_set *cg, int pidfd,
			   struct container *ret)
{
	ret->init_pidfd = pidfd;
	ret->cg = *cg;
	ret->gid = u->gid;
	user_run_path(u->name, "pts", ret->pts, sizeof(ret->pts));
}

/* Build USER's container; the lock is held. */
static int container_create(const struct warren_config *cfg, const struct user_info *u,
			    int lock_fd, struct container *ret)
{
	_cleanup_close_ int exe = -EBADF;
	_cleanup_close_pair_ int report[2] = { -EBADF, -EBADF };
	struct container_state st = { 0 };
	struct build_report rep = { 0 };
	struct cgroup_set cg;
	char disk_image[PATH_MAX + 64];
	const char *what;
	long tasks = 0;
	int r, pidfd;
	pid_t pid;
	ssize_t n;

	if ((r = check_image(cfg->image)) < 0)
		return r;
	if ((r = cgroup_resolve(u->name, &cg)) < 0)
		return log_error_errno(r, "no usable pids cgroup controller for %s", u->name);
	/* Processes in the cgroup of a container we have no record of: refuse to mix. */
	if (cgroup_task_count(&cg, &tasks) == 0 && tasks > 0)
		return log_error(-EBUSY, "cgroup %s still has %ld tasks of an earlier "
					       "container; stop it with: warren-helper stop %s",
				       cg.dirs[cg.counter], tasks, u->name);
	if ((r = cgroup_create(&cg)) < 0)
		return log_error_errno(r, "cannot create cgroup %s", cg.dirs[0]);
	/* Limits apply before anything runs in the cgroup; a config change applies at
	 * the next start, when the cgroup is made anew. */
	if ((r = cgroup_apply_limits(&cg, &u->limits, &what)) < 0) {
		log_error_errno(r, "cannot apply the %s limits of %s%s", what, u->name,
				r == -EOPNOTSUPP ? " (this host lacks that cgroup controller)" : "");
		goto fail;
	}
	if ((r = disk_prepare(cfg->state_dir, u->name, u->disk, disk_image, sizeof(disk_image))) < 0 ||
	    (r = prepare_state_dir(cfg, u, !disk_image[0])) < 0)
		goto fail;
	if ((r = user_rundir_create(u->name)) < 0 || (r = mount_devpts(u->name)) < 0) {
		log_error_errno(r, "cannot mount the devpts of %s", u->name);
		goto fail;
	}
	exe = open_init_binary();
	if (exe < 0) {
		r = exe;
		goto fail;
	}
	if (pipe2(report, O_CLOEXEC) < 0) {
		r = log_error_errno(-errno, "cannot start the build of %s", u->name);
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		r = log_error_errno(-errno, "fork");
		goto fail;
	}
	if (pid == 0) {
		close(lock_fd); /* the supervisor takes the lock when it needs it */
		close(report[0]);
		builder_main(cfg, u, disk_image, &cg, exe, report[1]);
	}
	close(TAKE_FD(report[1]));
	n = read(report[0], &rep, sizeof(rep));
	if (n != (ssize_t)sizeof(rep) || rep.err < 0) {
		r = log_error(n == (ssize_t)sizeof(rep) ? rep.err : -EPROTO,
			      "cannot build the container of %s: %s", u->name,
			      n == (ssize_t)sizeof(rep) ? rep.msg : "builder died");
		goto fail;
	}
	pidfd = pidfd_open_checked(rep.init_pid);
	st.init_pid = rep.init_pid;
	st.supervisor_pid = pid;
	if (pidfd < 0 || (r = pidns_inode(rep.init_pid, &st.pidns_ino)) < 0 ||
	    (r = state_write(u->name, &st)) < 0) {
		r = log_error_errno(pidfd < 0 ? pidfd : r, "cannot record the container of %s",
				    u->name);
		if (pidfd >= 0)
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		return r; /* the supervisor cleans up once init is gone */
	}
	log_info("started the container of %s (init pid %d)", u->name, rep.init_pid);
	fill_container(u, &cg, pidfd, ret);
	return 0;
fail:
	container_cleanup(u->name, &cg);
	return r;
}

/* Wait (bounded) for PIDFD's process to exit. */
static void wait_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	(void)poll(&p, 1, 5000);
}

/* With the lock held and a state record: is the container usable, being cleaned up by
 * its supervisor (-EAGAIN), or orphaned (cleaned up here, then -ENOENT)? */
static int examine_recorded(const char *user, const struct container_state *st, int *ret_pidfd)
{
	_cleanup_close_ int pidfd = open_recorded_init(st);
	struct cgroup_set cg;
	int r;

	if (supervisor_alive(st)) {
		if (pidfd < 0)
			return -EAGAIN;
		*ret_pidfd = TAKE_FD(pidfd);
		return 0;
	}
	/* Supervisor gone (killed by hand?): nobody would ever clean up; do it now. */
	if (pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		wait_exited(pidfd);
	}
	if ((r = cgroup_resolve(user, &cg)) < 0)
		return r;
	container_cleanup(user, &cg);
	return -ENOENT;
}

int container_ensure(const struct warren_config *cfg, const struct user_info *u,
		     struct container *ret)
{
	int r;

	if ((r = runtime_prepare()) < 0)
		return log_error_errno(r, "cannot prepare " RUNTIME_DIR);
	for (int attempt = 0; attempt < 200; attempt++) {
		_cleanup_close_ int lock = user_lock(u->name);
		struct container_state st;
		struct cgroup_set cg;
		int pidfd = -EBADF;

		if (lock < 0)
			return log_error_errno(lock, "cannot lock %s", u->name);
		r = state_read(u->name, &st);
		if (r == 0)
			r = examine_recorded(u->name, &st, &pidfd);
		if (r == -EAGAIN) {
			usleep(25 * 1000); /* its supervisor is cleaning up: let it finish */
			continue;
		}
		if (r == 0) {
			if ((r = cgroup_resolve(u->name, &cg)) < 0) {
				close(pidfd);
				return log_error_errno(r, "no usable cgroup for %s", u->name);
			}
			(void)state_touch(u->name);
			fill_container(u, &cg, pidfd, ret);
			return 0;
		}
		if (r != -ENOENT && r != -EBADMSG)
			return log_error_errno(r, "cannot read the state of %s", u->name);
		return container_create(cfg, u, lock, ret);
	}
	return log_error(-ETIMEDOUT, "the old container of %s does not go away", u->name);
}

int container_stop(const char *user)
{
	struct container_state st;
	int r;

	if ((r = runtime_prepare()) < 0)
		return log_error_errno(r, "cannot prepare " RUNTIME_DIR);
	for (int attempt = 0; attempt < 400; attempt++) {
		_cleanup_close_ int lock = user_lock(user);
		int pidfd = -EBADF;

		if (lock < 0)
			return log_error_errno(lock, "cannot lock %s", user);
		r = state_read(user, &st);
		if (r == -ENOENT || r == -EBADMSG) {
			struct cgroup_set cg;

			/* Nothing running: remove whatever an earlier crash left behind. */
			if (cgroup_resolve(user, &cg) == 0)
				return container_cleanup(user, &cg);
			return 0;
		}
		if (r < 0)
			return log_error_errno(r, "cannot read the state of %s", user);
		r = examine_recorded(user, &st, &pidfd);
		if (r == 0) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			close(pidfd);
		} else if (r == -ENOENT) {
			return 0;
		}
		/* The supervisor reaps and cleans up under the lock: give it to it. */
		close(TAKE_FD(lock));
		usleep(25 * 1000);
	}
	return log_error(-ETIMEDOUT, "the container of %s does not stop", user);
}
