/* build.c - the builder (see build.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/build.h"
#include "lib/cleanup.h"
#include "wire/creds.h"
#include "storage/disk.h"
#include "storage/hostdirs.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "storage/layers.h"
#include "lib/log.h"
#include "storage/reset.h"
#include "container/rootfs.h"
#include "container/step.h"
#include "storage/stack.h"
#include "storage/storage.h"
#include "lib/state.h"
#include "container/keeper.h"
#include "container/leave.h"
#include "container/supervisor.h"
#include "lib/tool.h"
#include "lib/benchmark.h"

static int write_id_maps(pid_t pid, const struct user_spec *u)
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

/* A clone of the mount(s) at PATH on TARGET, idmapped through CHILD's user namespace,
 * with ATTRS (MOUNT_ATTR_*) set too. */
static int mount_idmapped(const char *path, pid_t child, bool recursive, uint64_t attrs,
			  const char *target)
{
	_cleanup_close_ int userns = -EBADF;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | attrs };
	char ns[64];

	snprintf(ns, sizeof(ns), "/proc/%d/ns/user", child);
	userns = open(ns, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return -errno;
	attr.userns_fd = (unsigned long long)userns;
	return mount_clone(AT_FDCWD, path, recursive, &attr, target);
}

/* The image, idmapped through the container's user namespace so that host root's
 * files are root's inside (and nobody's write target: read-only, nodev; nosuid unless
 * root inside is granted: no setuid binary of the image leads there). */
static int mount_idmapped_image(const char *image, pid_t child, bool root, const char *target)
{
	return mount_idmapped(image, child, true,
			      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | (root ? 0 : MOUNT_ATTR_NOSUID),
			      target);
}

/* A fleet's disk image, mounted at BUILD_DISK with the container's ids on disk, seen at
 * BUILD_STATE through the container's user namespace (her files' owners on the host are
 * this host's subordinate ids for them); BUILD_DISK then goes, before her mount namespace
 * is made from the build's. */
static int mount_idmapped_disk(pid_t child)
{
	int r = mount_idmapped(BUILD_DISK, child, false, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID,
			       BUILD_STATE);

	if (r < 0)
		return r;
	return umount2(BUILD_DISK, MNT_DETACH) < 0 ? -errno : 0;
}

/* The image and her layers over it (stack.h), each as the image is mounted; a fleet's
 * disk image too. */
static int mount_idmapped_stack(const struct build_request *req, pid_t child, struct error *err)
{
	const bool root = req->u->limits[LIMIT_ROOT] != 0;
	char path[PATH_MAX], target[64];
	int r;

	if (req->disk_idmapped && (r = mount_idmapped_disk(child)) < 0)
		return error_errno(err, r, "idmapped disk image %s", req->disk_image);

	if ((r = mount_idmapped_image(req->image, child, root, BUILD_IMAGE)) < 0)
		return error_errno(err, r, "idmapped image %s", req->image);
	for (unsigned i = 0; i < req->u->n_layers; i++) {
		snprintf(target, sizeof(target), BUILD_LAYER "%u", i);
		stack_layer_path(req->image, req->u->layers[i], path, sizeof(path));
		if (mkdir(target, 0755) < 0 ||
		    (r = mount_idmapped_image(path, child, root, target)) < 0)
			return error_errno(err, r < 0 ? r : -errno, "idmapped layer %s", path);
	}
	return 0;
}

static void kill_and_reap(int pidfd)
{
	(void)pidfd_kill(pidfd, SIGKILL);
	waitid(P_PIDFD, (id_t)pidfd, NULL, WEXITED);
}

/* A user namespace mapping 0 to UID and GID, for idmapping a mount: its fd, held open
 * after the child that made it is gone.  -errno on failure. */
static int userns_mapping_root_to(uid_t uid, gid_t gid)
{
	struct clone_args args = { .flags = CLONE_NEWUSER | CLONE_PIDFD, .exit_signal = SIGCHLD };
	char path[64], map[32];
	int pidfd = -EBADF, fd = -EBADF, r = 0;
	pid_t pid;

	args.pidfd = (unsigned long long)(uintptr_t)&pidfd;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Only its namespace is wanted: it is killed, or dies with the builder. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if ((r = write_file(path, map)) == 0) {
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		r = write_file(path, map);
	}
	if (r == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			r = -errno;
	}
	kill_and_reap(pidfd);
	close(pidfd);
	return r < 0 ? r : fd;
}

/* The image's home template at BUILD_SKEL, idmapped so that its files (host root's)
 * are the user's, as useradd's copy of /etc/skel would make them: a new home's
 * dotfiles are hers to change, not root's to replace.  Read-only, nosuid, nodev. */
static int mount_skel_as_user(const char *image, const struct user_spec *u)
{
	_cleanup_close_ int userns = userns_mapping_root_to(u->uid, u->gid);
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID,
	};
	char path[PATH_MAX];

	if (userns < 0)
		return userns;
	attr.userns_fd = (unsigned long long)userns;
	snprintf(path, sizeof(path), "%s/etc/skel", image);
	return mount_clone(AT_FDCWD, path, false, &attr, BUILD_SKEL);
}

/* The user's layers at BUILD_STATE: her disk image mounted there (and its layers
 * prepared), or a bind of her layers directory.  A fleet's image is mounted at BUILD_DISK
 * instead, for mount_idmapped_disk once her user namespace exists. */
static int stage_layers(const struct build_request *req, struct error *err)
{
	const char *at = req->disk_idmapped ? BUILD_DISK : BUILD_STATE;
	_cleanup_close_ int mine = -EBADF;
	int r;

	if (!req->disk_image[0]) {
		if (mount(req->layers_dir, BUILD_STATE, NULL, MS_BIND | MS_NOSUID | MS_NODEV, NULL) < 0)
			return error_errno(err, -errno, "bind %s", req->layers_dir);
		reset_finish(BUILD_STATE);
		return 0;
	}
	/* Loop devices from a devtmpfs of our own: sshd's /dev may be anything. */
	if (mount("warren-dev", BUILD_DEV, "devtmpfs", MS_NOSUID | MS_NOEXEC, NULL) < 0)
		return error_errno(err, -errno, "devtmpfs for the loop device");
	if ((r = disk_mount(req->disk_image, at, BUILD_DEV, req->disk_idmapped)) < 0)
		return error_errno(err, r, "mount %s%s", req->disk_image,
				   r == -EBUSY && req->disk_idmapped
					   ? " (mounted on another host: ext4's multi-mount protection)"
					   : "");
	bench_mark("disk-loop-mount");
	mine = open(at, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mine < 0)
		return error_errno(err, -errno, "open %s", at);
	if ((r = layers_prepare(mine, req->u, req->disk_idmapped, err)) < 0)
		return r;
	reset_finish(at);
	return 0;
}

/* In the build namespace: a tmpfs at BUILD_MNT holding what the container's root must
 * reach but may not see on the host: the user's layers, her devpts and her binds (the
 * ones staged into *BINDS_STAGED). */
static int stage_build_mounts(const struct build_request *req, uint64_t *binds_staged,
			      struct error *err)
{
	static const char *const dirs[] = { BUILD_IMAGE, BUILD_STATE, BUILD_PTS, BUILD_ROOT,
					    BUILD_DEV, BUILD_SKEL, BUILD_DISK };
	int r;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return error_errno(err, -errno, "build namespace");
	if (mount("warren-build", BUILD_MNT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=64k") < 0)
		return error_errno(err, -errno, "build namespace: tmpfs on " BUILD_MNT);
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0)
			return error_errno(err, -errno, "build namespace: mkdir %s", dirs[i]);
	if ((r = stage_layers(req, err)) < 0)
		return error_wrap(err, "build namespace");
	if ((r = mount_skel_as_user(req->image, req->u)) < 0)
		return error_errno(err, r, "build namespace: %s/etc/skel as %s's", req->image,
				   req->u->name);
	/* Her devpts, made detached by the helper: its only mount, until her mount
	 * namespace is made from this one. */
	if (move_mount(req->devpts_fd, "", AT_FDCWD, BUILD_PTS, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return error_errno(err, -errno, "build namespace: her devpts on " BUILD_PTS);
	close(req->devpts_fd); /* the supervisor, which this process becomes, needs it no more */
	/* Staged here, before her mount namespace is made from this one: there the
	 * kernel locks their flags. */
	if ((r = hostdir_stage_binds(req->u, BUILD_BINDS, BUILD_HOSTHOME, req->state_dir,
				     binds_staged, err)) < 0)
		return r;
	if (req->u->n_binds || req->u->limits[LIMIT_HOME] == HOME_HOST)
		bench_mark("stage-binds");
	return 0;
}

/* G: wait until the builder has mapped us, join the container's v1 cgroups through
 * JOIN (before anything of the container runs; the v2 one G was born in), then become
 * the container; on failure, tell the builder why over STATUS_FD (it reads EOF when
 * init was exec'd). */
__attribute__((noreturn)) static void container_child(const struct build_request *req, int go_fd,
						       int status_fd, const int join[],
						       uint64_t binds_staged)
{
	struct error err = { 0 };
	int r;
	char c;

	/* Her container dies with its supervisor: nothing would stop it, clean up after it
	 * or renew her fleet lease (a lease released by the supervisor's death while she
	 * still ran here would let another host start her a second container).  Set before
	 * the builder's word: a builder already dead never sends it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || read(go_fd, &c, 1) != 1)
		_exit(1);
	bench_mark("child-released");
	if ((r = cgroup_join_self(join)) < 0)
		error_errno(&err, r, "join cgroup");
	else {
		bench_mark("cgroup-join");
		rootfs_setup_and_exec(req->u, req->net, req->init_exe_fd, binds_staged, &err);
	}
	(void)error_send(status_fd, &err);
	_exit(1);
}

/* G, in the container's new namespaces, born in its v2 cgroup (V2_DIR, if >= 0); 0 in G,
 * its pid in the builder, or -errno.
 * A user namespace belongs to its creator's euid, and the kernel charges what every uid
 * inside holds of inotify, fanotify, mqueue, pending signals and locked memory to that
 * owner on the host too.  Created by host root, all containers and root itself would
 * draw from root's one budget (fs.inotify.max_user_instances is 128): so the builder
 * creates it acting as the user's subordinate root, which is each container's own.  The
 * kernel checks a fork into a cgroup as a write of its cgroup.procs by the caller, whose
 * ids are that subordinate root's then: so CAP_DAC_OVERRIDE too (it stays on the host's
 * side: G's credentials are its new user namespace's). */
static pid_t clone_container(const struct user_spec *u, int v2_dir, int *ret_pidfd)
{
	struct clone_args args = {
		.flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
			 CLONE_PIDFD,
		.pidfd = (unsigned long long)(uintptr_t)ret_pidfd,
		.exit_signal = SIGCHLD,
	};
	uint64_t caps = CAP_BIT(CAP_SYS_ADMIN);
	pid_t pid;
	int r;

	if (v2_dir >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (unsigned long long)v2_dir;
		caps |= CAP_BIT(CAP_DAC_OVERRIDE);
	}
	if ((r = creds_act_as(u->root_uid, u->root_gid, caps)) < 0) {
		(void)creds_act_as_root();
		return r;
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		return 0; /* G becomes the namespace's root once it is mapped */
	if (pid < 0)
		pid = -errno;
	if ((r = creds_act_as_root()) < 0) {
		if (pid > 0)
			kill_and_reap(*ret_pidfd);
		return r;
	}
	return pid;
}

/* Release G and wait for its word: EOF once init was exec'd (the pipe is
 * close-on-exec), or the error that stopped it. */
static int release_child(int go_fd, int status_fd, struct error *err)
{
	if (write_all(go_fd, "x", 1) < 0)
		return error_errno(err, -errno, "release the container's first process");
	return error_recv(status_fd, true, "the container's first process", err);
}

static int make_pipes(int go[2], int status[2])
{
	return pipe2(go, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0 ? -errno : 0;
}

/* The builder's part; on success *RET_PID and *RET_PIDFD are init's. */
static int builder_build(const struct build_request *req, pid_t *ret_pid, int *ret_pidfd,
			 struct error *err)
{
	_cleanup_close_pair_ int go[2] = { -EBADF, -EBADF };
	_cleanup_close_pair_ int status[2] = { -EBADF, -EBADF };
	int pidfd = -EBADF, join[CGROUP_SET_MAX];
	_cleanup_close_ int v2_dir = -EBADF;
	struct steps s = STEPS(err);
	uint64_t binds_staged = 0;
	pid_t pid;

	/* Her fleet image, made or resized only now that her lease is held (storage.h). */
	if (req->store)
		STEP(&s, 0, "fleet-image", storage_prepare_shared(req->store, req->u->name,
								  req->u->limits[LIMIT_DISK], err));
	STEP(&s, 0, "build-mounts", stage_build_mounts(req, &binds_staged, err));
	STEP_AS(&s, 0, NULL, make_pipes(go, status), "pipes");
	/* G is born in its v2 cgroup and joins its v1 ones itself (cgroup_open_join: no
	 * grace period to wait for on either), through files opened here, as host root. */
	STEP_AS(&s, 0, NULL, cgroup_open_join(req->cg, join, &v2_dir), "open the cgroups to join");
	if (s.r < 0)
		return s.r;
	pid = clone_container(req->u, v2_dir, &pidfd);
	if (pid > 0)
		bench_mark("clone-namespaces");
	if (pid < 0) {
		cgroup_close_join(join);
		return error_errno(err, pid, "clone namespaces as %u (%s's subordinate root)%s",
				   (unsigned)req->u->root_uid, req->u->name,
				   v2_dir >= 0 ? " into her cgroup" : "");
	}
	if (pid == 0) {
		close(go[1]);
		close(status[0]);
		container_child(req, go[0], status[1], join, binds_staged);
	}
	cgroup_close_join(join);
	close(TAKE_FD(go[0]));
	close(TAKE_FD(status[1]));
	STEP_AS(&s, 0, "id-maps", write_id_maps(pid, req->u), "id maps");
	STEP(&s, 0, "ping", net_ping_allow(pid, err));
	STEP_AS(&s, 0, "veth", net_attach(req->net, pid, err), "network");
	STEP(&s, 0, "idmapped-image", mount_idmapped_stack(req, pid, err));
	STEP(&s, 0, "init-exec", release_child(go[1], status[0], err));
	if (s.r < 0) {
		kill_and_reap(pidfd);
		close(pidfd);
		return s.r;
	}
	*ret_pid = pid;
	*ret_pidfd = pidfd;
	return 0;
}

/* A container's id: the inode of its pid namespace (0 if unreadable: the record of
 * its stop says so rather than nothing). */
static unsigned long long container_id(pid_t init)
{
	unsigned long long ino = 0;

	(void)state_pidns_inode(init, &ino);
	return ino;
}

/* Did a login take the container?  One byte from the helper says so; EOF (the helper
 * is gone without it) says no. */
static bool handed_over(int handover_fd)
{
	char byte;
	ssize_t n;

	while ((n = read(handover_fd, &byte, 1)) < 0 && errno == EINTR)
		;
	close(handover_fd);
	return n == 1;
}

__attribute__((noreturn)) static void builder_main(const struct build_request *req, int report_fd,
						   int handover_fd)
{
	struct error err = { 0 };
	struct keeper keeper = req->keeper;
	int hostmnt, devnull, pidfd = -EBADF;
	pid_t init_pid = 0;
	bool abandoned;

	/* Leave sshd's session and its stdio, and what else the login gave us: this
	 * process outlives the login. */
	setsid();
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(1);
	leave_login();
	bench_mark("builder-start");
	hostmnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (hostmnt < 0)
		_exit(1);
	/* Her fleet lease first, before anything of her data is touched: another host's
	 * lease, or an etcd that cannot be asked, refuses the login (keeper.h). */
	if (keeper.pid <= 0) {
		builder_build(req, &init_pid, &pidfd, &err);
	} else if (keeper_taken(&keeper, &err) == 0) {
		bench_mark("fleet-lease");
		builder_build(req, &init_pid, &pidfd, &err);
	}
	/* A report to a helper killed meanwhile must fail, not kill us: init would be left
	 * with nobody to stop it.  (Not before the build: init would inherit it.)  The
	 * report: the build's word, then init's pid. */
	signal(SIGPIPE, SIG_IGN);
	if (error_send(report_fd, &err) == 0 && !error_is_set(&err))
		(void)write_all(report_fd, &init_pid, sizeof(init_pid));
	close(report_fd);
	close(req->init_exe_fd);
	if (error_is_set(&err)) {
		keeper_release(&keeper);
		_exit(1);
	}
	/* Back to the host's mount namespace: the build namespace dies with this switch,
	 * and the supervisor must see the host's mounts to clean up. */
	if (setns(hostmnt, CLONE_NEWNS) < 0) {
		log_warning(-errno, "the builder of %s cannot return to the host's mount namespace; "
			    "stopping its container", req->u->name);
		(void)pidfd_kill(pidfd, SIGKILL);
		_exit(1);
	}
	close(hostmnt);
	abandoned = !handed_over(handover_fd);
	supervisor_exec(&(struct supervised){ .user = req->u->name, .init_pidfd = pidfd,
					     .init_pid = init_pid, .cg = req->cg,
					     .idle_timeout = (unsigned)req->u->limits[LIMIT_IDLE_TIMEOUT],
					     .state_dir = req->state_dir, .id = container_id(init_pid),
					     .abandoned = abandoned, .keeper = &keeper },
			req->supervisor_exe_fd);
}

int build_start(const struct build_request *req, int lock_fd, pid_t *ret_init,
		pid_t *ret_supervisor, int *ret_handover, struct error *err)
{
	_cleanup_close_pair_ int handover[2] = { -EBADF, -EBADF };
	_cleanup_close_ int report = -EBADF;
	pid_t pid, init_pid;
	int r;

	if (pipe2(handover, O_CLOEXEC) < 0)
		return error_errno(err, -errno, "cannot make the handover pipe");
	if ((pid = tool_fork_reporting(&report)) < 0)
		return error_errno(err, pid, "cannot fork the builder");
	if (pid == 0) {
		close(lock_fd); /* the supervisor takes the lock when it needs it */
		close(handover[1]);
		builder_main(req, TAKE_FD(report), handover[0]);
	}
	close(TAKE_FD(handover[0]));
	if ((r = error_recv(report, false, "the builder", err)) < 0)
		return r;
	if (read(report, &init_pid, sizeof(init_pid)) != (ssize_t)sizeof(init_pid))
		return error_set(err, -EPROTO, "the builder died");
	*ret_init = init_pid;
	*ret_supervisor = pid;
	*ret_handover = TAKE_FD(handover[1]);
	return 0;
}
