/* container.c - find a user's running container, or build one (see container.h).
 *
 * The user's lock (state.h) serializes finding, building, stopping and cleaning up per
 * user only; different users never wait on each other.  The build itself is the
 * builder's (build.h); what happens here is the host-side preparation around it, the
 * record of the result, and the rollback of a build that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/build.h"
#include "policy/apparmor.h"
#include "lib/cleanup.h"
#include "container/container.h"
#include "wire/creds.h"
#include "lib/events.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "storage/layers.h"
#include "lib/log.h"
#include "net/net.h"
#include "storage/reset.h"
#include "container/rootfs.h"
#include "wire/sessions.h"
#include "container/step.h"
#include "storage/stack.h"
#include "lib/state.h"
#include "lib/tool.h"
#include "storage/storage.h"
#include "container/supervisor.h"
#include "lib/benchmark.h"

_Static_assert(CGROUP_SET_MAX <= PROTOCOL_MAX_CGROUPS, "every cgroup must fit the reply");

/* In the child of new_devpts: a devpts instance, its options U's, as a detached mount
 * (its fd), or -errno.  Every step runs here, fsopen included: the kernel decides there
 * (at the mount's creation before devpts took the new mount API) whether the instance
 * may use the reserve. */
static int devpts_make(unsigned long long max)
{
	_cleanup_close_ int fs = fsopen("devpts", FSOPEN_CLOEXEC);
	char n[24];
	int m;

	if (fs < 0)
		return -errno;
	snprintf(n, sizeof(n), "%llu", max);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "warren-devpts", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "newinstance", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0620", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "max", n, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	return m < 0 ? -errno : m;
}

/* U's devpts as a detached mount: its fd, or -errno.  The kernel lets a devpts instance
 * draw on kernel.pty.reserve, the ptys it keeps for the host's admins once the pool is
 * nearly used up, when it is made in the initial mount namespace (fs/devpts/inode.c),
 * which is sshd's and so ours: made here, the containers together could take every pty
 * of the host (review L1).  So a child makes it in a mount namespace of its own, sharing
 * our fd table (CLONE_FILES), and puts the mount in SLOT, an fd we hold for it. */
static int devpts_detached(const struct user_spec *u)
{
	struct clone_args args = { .flags = CLONE_NEWNS | CLONE_FILES | CLONE_PIDFD,
				   .exit_signal = SIGCHLD };
	_cleanup_close_ int slot = open("/dev/null", O_RDONLY | O_CLOEXEC), pidfd = -EBADF;
	siginfo_t info = { 0 };
	struct statfs sf;
	pid_t pid;

	if (slot < 0)
		return -errno;
	args.pidfd = (unsigned long long)(uintptr_t)&pidfd;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int m = devpts_make(u->limits[LIMIT_PTYS]), r;

		if (m < 0)
			_exit(-m);
		r = dup3(m, slot, O_CLOEXEC) < 0 ? errno : 0;
		close(m); /* our table is the parent's: nothing of ours stays in it */
		_exit(r);
	}
	while (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0)
		if (errno != EINTR)
			return -errno;
	if (info.si_code != CLD_EXITED)
		return -ECHILD;
	if (info.si_status != 0)
		return -info.si_status;
	/* Fail closed: what SLOT holds now must be a devpts (the child's mount). */
	if (fstatfs(slot, &sf) < 0 || sf.f_type != DEVPTS_SUPER_MAGIC)
		return -EPROTO;
	return TAKE_FD(slot);
}

/* U's devpts, one instance per container, as a detached mount for the builder (its fd
 * into *RET_FD) and its device into *RET_DEV.  Its max is the user's own, and it never
 * takes from the host's reserve (devpts_detached).  It is never mounted in the host's
 * mount namespace: every mount there is copied into each new mount namespace, every
 * container's and every login's, which then cost more the more containers run.  A
 * login's monitor takes it from her container (pam_warren, join.c). */
static int make_devpts(const struct user_spec *u, int *ret_fd, unsigned long long *ret_dev,
		       struct error *err)
{
	_cleanup_close_ int m = devpts_detached(u);
	struct stat st;

	if (m < 0)
		return error_errno(err, m, "cannot make the devpts of %s (in a mount namespace "
				   "of its own, so that it leaves kernel.pty.reserve to the host)",
				   u->name);
	if (fstat(m, &st) < 0)
		return error_errno(err, -errno, "cannot inspect the devpts of %s", u->name);
	*ret_dev = (unsigned long long)st.st_dev;
	*ret_fd = TAKE_FD(m);
	return 0;
}

/* The devpts of a container that an older version started, mounted on the host: its
 * device, or 0. */
static unsigned long long older_pts_dev(const char *user)
{
	char path[256];
	struct statfs sf;
	struct stat st;

	user_run_path(user, RUN_PTS, path, sizeof(path));
	if (statfs(path, &sf) < 0 || sf.f_type != DEVPTS_SUPER_MAGIC || stat(path, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev;
}

/* NAME (warren-init, warren-lease, warren-supervisor) lives beside warren-helper; open it
 * for fexecve. */
static int open_beside_helper(const char *name, struct error *err)
{
	char self[PATH_MAX], *slash;
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - strlen(name) - 1);

	if (n < 0)
		return error_errno(err, -errno, "cannot find warren-helper's own path");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return error_set(err, -EINVAL, "warren-helper's path %s has no directory", self);
	strcpy(slash + 1, name);
	fd = open(self, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error_errno(err, -errno, "cannot open %s", self);
	if (fstat(fd, &st) < 0)
		return error_errno(err, -errno, "cannot inspect %s", self);
	if (st.st_uid != 0 || (st.st_mode & 022) || !S_ISREG(st.st_mode))
		return error_set(err, -EPERM, "%s must be a root-owned file writable only by root",
				 self);
	return TAKE_FD(fd);
}

static void fill_container(const struct user_spec *u, const struct cgroup_set *cg, int pidfd,
			   const struct container_state *st, struct container *ret)
{
	ret->init_pidfd = pidfd;
	ret->id = st->pidns_ino;
	ret->pts_dev = st->pts_dev ? st->pts_dev : older_pts_dev(u->name);
	ret->handover_fd = -EBADF;
	ret->cg = *cg;
	ret->gid = u->gid;
	ret->confine = u->confine;
}

/* The user's cgroups, made afresh with her limits: a config change applies at the next
 * start.  Refuses to mix with processes of a container we have no record of. */
static int prepare_cgroups(const struct user_spec *u, struct cgroup_set *cg, struct error *err)
{
	long tasks = 0;
	int r;

	if ((r = cgroup_resolve(u->name, cg)) < 0)
		return error_errno(err, r, "no usable pids cgroup controller for %s", u->name);
	if (cgroup_task_count(cg, &tasks) == 0 && tasks > 0)
		return error_set(err, -EBUSY, "cgroup %s still has %ld tasks of an earlier container; "
				 "stop it with: warren-helper stop %s", cg->dirs[cg->counter], tasks,
				 u->name);
	if ((r = cgroup_create(cg)) < 0)
		return error_errno(err, r, "cannot create cgroup %s%s", cg->dirs[0],
				   r == -EREMOTEIO ? " (systemd refused its scope: see journalctl -p "
						     "warning; warren asks for it on the system bus)" : "");
	return 0;
}

/* Everything on the host the builder needs, once the cgroups exist: the limits, the
 * layers (or disk image), the runtime dir, and her devpts (into *DEVPTS, its device into
 * *PTS_DEV). */
static int prepare_host_side(const struct warren_config *cfg, const struct user_spec *u,
			     const struct cgroup_set *cg, char *disk_image, size_t disk_len,
			     int *devpts, unsigned long long *pts_dev, struct error *err)
{
	struct steps s = STEPS(err);

	/* Limits apply before anything runs in the cgroup. */
	STEP(&s, 0, "cgroup-limits", cgroup_apply_limits(cg, u->limits, err));
	STEP(&s, 0, "disk-image-check", storage_prepare(cfg->state_dir, config_store(cfg), u->name,
							u->limits[LIMIT_DISK],
							STORAGE_MIGRATE_LOGIN_SECONDS, disk_image,
							disk_len, err));
	STEP(&s, 0, "layers-dir", layers_prepare_state_dir(cfg->state_dir, u, !disk_image[0], err));
	STEP_AS(&s, 0, NULL, user_rundir_create(u->name), "cannot make the runtime dir of %s",
		u->name);
	STEP(&s, 0, "devpts", make_devpts(u, devpts, pts_dev, err));
	return s.r;
}

/* Record the container the builder reports (init INIT_PID, supervised by SUPERVISOR, her
 * devpts PTS_DEV) into *ST. */
static int record_container(const char *user, pid_t init_pid, pid_t supervisor,
			    unsigned long long pts_dev, int *ret_pidfd, struct container_state *st,
			    struct error *err)
{
	int pidfd = pidfd_of(init_pid), r;

	*st = (struct container_state){ .init_pid = init_pid, .supervisor_pid = supervisor,
					.pts_dev = pts_dev };

	if (pidfd < 0)
		return error_errno(err, pidfd, "cannot record the container of %s", user);
	if ((r = state_pidns_inode(init_pid, &st->pidns_ino)) < 0 || (r = state_write(user, st)) < 0) {
		/* The supervisor cleans up once init is gone. */
		(void)pidfd_kill(pidfd, SIGKILL);
		close(pidfd);
		return error_errno(err, r, "cannot record the container of %s", user);
	}
	*ret_pidfd = pidfd;
	return 0;
}

/* Build U's container; the lock is held.  A failure before the builder took over is
 * rolled back here, and the rollback never replaces the first cause in ERR. */
static int container_create(const struct warren_config *cfg, const struct user_spec *u,
			    int lock_fd, struct container *ret, struct error *err)
{
	char disk_image[PATH_MAX + 64] = "", layers_dir[PATH_MAX + 64];
	_cleanup_close_ int exe = -EBADF, supervisor_exe = -EBADF, devpts = -EBADF;
	_cleanup_(keeper_release) struct keeper keeper = KEEPER_NONE;
	struct error rollback = { 0 };
	struct steps s = STEPS(err);
	struct container_state st;
	struct net_plan net;
	struct cgroup_set cg;
	pid_t init_pid, supervisor;
	unsigned long long pts_dev = 0;
	int pidfd = -EBADF, handover = -EBADF, r;
	const char *name = u->name;

	/* Her subordinate ranges, hers alone: checked for a build, not every login (spec.h). */
	STEP(&s, 0, NULL, spec_check_ranges(u, err));
	STEP(&s, 0, NULL, stack_check(cfg->image, u, err));
	/* The cgroups too: the pure cgroup v2 lane refuses making them with owner rights alone. */
	STEP(&s, CAPS_PREPARE, "cgroup-create", prepare_cgroups(u, &cg, err));
	if (s.r < 0)
		return s.r; /* nothing made yet */
	/* With a fleet, warren-lease takes and keeps her lease (keeper.h): started now (in
	 * her container's scope on a systemd host: delegate.h), so that its start runs
	 * while the host side is prepared; the builder waits for the lease before it
	 * touches her image, and what is made meanwhile is undone if the lease is refused.
	 * Only here, on a start: a warm login asks no etcd.  (With the builder's
	 * capabilities: it leaves the login as the builder does.) */
	if (cfg->fleet.set) {
		_cleanup_close_ int lease_exe = -EBADF;

		STEP(&s, 0, NULL, lease_exe = open_beside_helper(LEASE_NAME, err));
		STEP(&s, CAPS_BUILD, "fleet-lease-start", keeper_spawn(lease_exe, cfg->path, name,
									&keeper, err));
	}
	STEP_AS(&s, CAPS_PREPARE, NULL, prepare_host_side(cfg, u, &cg, disk_image,
							  sizeof(disk_image), &devpts, &pts_dev,
							  err),
		"cannot start the container of %s", name);
	STEP_AS(&s, 0, NULL, net_plan(cfg, u, &net, err), "cannot give the container of %s its "
		"network", name);
	STEP_AS(&s, CAPS_NET, "net-host", net_host_prepare(&net, err), "cannot give the container "
		"of %s its network", name);
	STEP_AS(&s, CAPS_NET, "net-admit", net_admit(&net, name, err), "cannot give the container "
		"of %s its network", name);
	STEP(&s, 0, NULL, exe = open_beside_helper(INIT_NAME, err));
	STEP(&s, 0, NULL, supervisor_exe = open_beside_helper(SUPERVISOR_NAME, err));
	layout_user_layers(cfg->state_dir, name, layers_dir, sizeof(layers_dir));
	STEP_AS(&s, CAPS_BUILD, "built",
		build_start(&(struct build_request){ .u = u, .image = cfg->image,
						      .layers_dir = layers_dir,
						      .disk_image = disk_image,
						      .disk_idmapped = cfg->fleet.set,
						      .store = config_store(cfg),
						      .state_dir = cfg->state_dir, .cg = &cg,
						      .net = &net, .init_exe_fd = exe,
						      .keeper = keeper,
						      .supervisor_exe_fd = supervisor_exe,
						      .devpts_fd = devpts },
			    lock_fd, &init_pid, &supervisor, &handover, err),
		"cannot build the container of %s", name);
	if (s.r < 0)
		goto fail; /* (and her lease released, when we return) */
	/* Her builder holds her lease's keeper now, her supervisor after it. */
	keeper_let_go(&keeper);
	/* Its pid namespace is init's (her ids): reading /proc/PID/ns takes sys_ptrace. */
	STEP(&s, CAPS_BUILD, "recorded", record_container(name, init_pid, supervisor, pts_dev,
							    &pidfd, &st, err));
	if (s.r < 0) {
		close(handover); /* never handed over: its supervisor stops it */
		return s.r;
	}
	if ((r = stack_record(cfg->image, u)) < 0)
		log_warning(r, "cannot record the image stack of %s (warrenctl ls cannot tell if "
			    "it is older)", name);
	log_info("started the container of %s (init pid %d)", name, init_pid);
	event_record(cfg->state_dir, name, "started", "container %llu (init pid %d)",
		     st.pidns_ino, (int)init_pid);
	storage_started(cfg->state_dir, name);
	fill_container(u, &cg, pidfd, &st, ret);
	ret->handover_fd = handover;
	return 0;
fail:
	if (CAPS_STEP(CAPS_CLEANUP, &rollback, container_cleanup(name, &cg, &rollback)) < 0)
		log_warning(0, "while undoing the failed start of %s: %s", name, rollback.msg);
	return s.r;
}

/* Wait (bounded) for PIDFD's process to exit. */
static void wait_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	(void)poll(&p, 1, 5000);
}

/* Kill an orphaned container's init (if PIDFD: her ids, so CAP_KILL) and remove the rest. */
static int remove_orphan(const char *user, int pidfd, const struct cgroup_set *cg, struct error *err)
{
	if (pidfd >= 0) {
		(void)pidfd_kill(pidfd, SIGKILL);
		wait_exited(pidfd);
	}
	return container_cleanup(user, cg, err);
}

/* With the lock held and a state record: is the container usable, being cleaned up by
 * its supervisor (-EAGAIN), or orphaned (cleaned up here, then -ENOENT)? */
static int examine_recorded(const char *user, const struct container_state *st, int *ret_pidfd)
{
	_cleanup_close_ int pidfd = -EBADF;
	struct error cleanup = { 0 };
	struct cgroup_set cg;
	uint64_t was;
	bool alive;
	int r;

	/* Init's /proc/PID/ns is another uid's: looking at it takes sys_ptrace. */
	if ((r = caps_raise(CAPS_EXAMINE, &was)) < 0)
		return r;
	pidfd = state_open_init(st);
	alive = state_supervisor_alive(st);
	if ((r = caps_lower(was)) < 0)
		return r;
	if (alive) {
		if (pidfd < 0)
			return -EAGAIN;
		*ret_pidfd = TAKE_FD(pidfd);
		return 0;
	}
	/* Supervisor gone (killed by hand?): nobody would ever clean up; do it now. */
	if ((r = cgroup_resolve(user, &cg)) < 0)
		return r;
	if (CAPS_STEP(CAPS_CLEANUP, &cleanup, remove_orphan(user, pidfd, &cg, &cleanup)) < 0)
		log_warning(0, "while removing the orphaned container of %s: %s", user, cleanup.msg);
	return -ENOENT;
}

/* ADMIT's login into the container (sessions.h), with the lock still held. */
static int admit_login(const struct user_spec *u, const struct cgroup_set *cg, pid_t admit,
		       struct error *err)
{
	uint64_t max = u->limits[LIMIT_MAX_SESSIONS];

	if (admit <= 0 || max == LIMIT_UNLIMITED)
		return 0;
	return CAPS_STEP(CAPS_EXAMINE, err, sessions_admit(u->name, cg->dirs[cg->counter], max,
							    admit, err));
}

int container_ensure(const struct warren_config *cfg, const struct user_spec *u, pid_t admit,
		     struct container *ret, struct error *err)
{
	int r;

	if ((r = runtime_prepare()) < 0)
		return error_errno(err, r, "cannot prepare " RUNTIME_DIR);
	for (int attempt = 0; attempt < 200; attempt++) {
		_cleanup_close_ int lock = user_lock(u->name);
		struct container_state st;
		struct cgroup_set cg;
		int pidfd = -EBADF;

		if (lock < 0)
			return error_errno(err, lock, "cannot lock %s", u->name);
		bench_mark("locked");
		/* Her AppArmor profile, loaded (once: apparmor.h) before anything of hers runs
		 * or joins under it; under her lock, as two logins would write it at once. */
		if (u->confine.apparmor[0]) {
			r = CAPS_STEP(CAPS_LSM, err, aa_profile_ensure(u->confine.apparmor,
								       u->apparmor_rules, err));
			if (r < 0)
				return error_wrap(err, "AppArmor runs here and %s's container runs "
						  "only under her profile", u->name);
			bench_mark("apparmor");
		}
		r = state_read(u->name, &st);
		if (r == 0)
			r = examine_recorded(u->name, &st, &pidfd);
		bench_mark("examined");
		if (r == -EAGAIN) {
			usleep(25 * 1000); /* its supervisor is cleaning up: let it finish */
			continue;
		}
		if (r == 0) {
			if ((r = cgroup_resolve(u->name, &cg)) < 0) {
				close(pidfd);
				return error_errno(err, r, "no usable cgroup for %s", u->name);
			}
			if ((r = admit_login(u, &cg, admit, err)) < 0) {
				close(pidfd);
				return r;
			}
			fill_container(u, &cg, pidfd, &st, ret);
			if (!ret->pts_dev) {
				char pts[256];

				close(pidfd);
				user_run_path(u->name, RUN_PTS, pts, sizeof(pts));
				return error_set(err, -ESTALE, "the running container of %s was "
						 "started by an older warren and its devpts at %s "
						 "is gone; stop it with: warren-helper stop %s",
						 u->name, pts, u->name);
			}
			(void)state_touch(u->name);
			bench_mark("found-running");
			return 0;
		}
		if (r != -ENOENT && r != -EBADMSG)
			return error_errno(err, r, "cannot read the state of %s", u->name);
		if ((r = container_create(cfg, u, lock, ret, err)) < 0)
			return r;
		if ((r = admit_login(u, &ret->cg, admit, err)) < 0) {
			close(ret->init_pidfd);
			close(ret->handover_fd); /* never handed over: its supervisor stops it */
			return r;
		}
		return 0;
	}
	return error_set(err, -ETIMEDOUT, "the old container of %s does not go away", u->name);
}

/* SIGTERM to all of USER's running container (ST) but its init, and up to GRACE_S seconds
 * for them to go. */
static void ask_to_end(const char *user, const struct container_state *st, unsigned grace_s)
{
	struct cgroup_set cg;

	if (cgroup_resolve(user, &cg) == 0)
		cgroup_ask_to_end(&cg, st->init_pid, grace_s);
}

int container_stop(const char *user, unsigned grace_s, struct error *err)
{
	struct container_state st;
	bool ran = false;
	int r;

	if ((r = runtime_prepare()) < 0)
		return error_errno(err, r, "cannot prepare " RUNTIME_DIR);
	for (int attempt = 0; attempt < 400; attempt++) {
		_cleanup_close_ int lock = user_lock(user);
		int pidfd = -EBADF;

		if (lock < 0)
			return error_errno(err, lock, "cannot lock %s", user);
		r = state_read(user, &st);
		if (r == -ENOENT || r == -EBADMSG) {
			struct cgroup_set cg;

			/* Nothing running: remove whatever an earlier crash left behind. */
			if (cgroup_resolve(user, &cg) == 0 && container_cleanup(user, &cg, err) < 0)
				return error_wrap(err, "cannot clean up after %s", user);
			return ran;
		}
		if (r < 0)
			return error_errno(err, r, "cannot read the state of %s", user);
		r = examine_recorded(user, &st, &pidfd);
		if (r == 0) {
			if (!ran)
				ask_to_end(user, &st, grace_s);
			ran = true;
			(void)pidfd_kill(pidfd, SIGKILL);
			close(pidfd);
		} else if (r == -ENOENT) {
			return ran;
		}
		/* The supervisor reaps and cleans up under the lock: give it to it. */
		close(TAKE_FD(lock));
		usleep(25 * 1000);
	}
	return error_set(err, -ETIMEDOUT, "the container of %s does not stop", user);
}

/* Is USER's container running (an init we recorded, supervised)?  Lock held.  An
 * orphan found on the way is cleaned up (examine_recorded) and counts as not running. */
static bool container_runs(const char *user)
{
	struct container_state st;
	int pidfd = -EBADF, r;

	if (state_read(user, &st) < 0)
		return false;
	r = examine_recorded(user, &st, &pidfd);
	if (r == 0)
		close(pidfd);
	return r == 0 || r == -EAGAIN;
}

int container_collect(const struct warren_config *cfg, const char *user, char *what, size_t len)
{
	char path[256];
	struct stat st;
	/* Looked at before taking the lock, which makes the file if it is not there. */
	const bool had_lock = lstat(user_lock_path(user, path, sizeof(path)), &st) == 0;
	_cleanup_close_ int lock = user_lock(user);
	struct error err = { 0 };
	struct cgroup_set cg;
	bool record, cgroups = false, resolved;

	what[0] = '\0';
	if (lock < 0)
		return lock;
	/* What is there, for the report (looked at first: an orphan is cleaned up on the
	 * way to telling it from a running container); then all of it goes. */
	record = lstat(user_run_path(user, RUN_DIR, path, sizeof(path)), &st) == 0;
	resolved = cgroup_resolve(user, &cg) == 0;
	for (int i = 0; resolved && i < cg.n && !cgroups; i++)
		cgroups = lstat(cg.dirs[i], &st) == 0;
	if (container_runs(user))
		return 0;
	snprintf(what, len, "%s%s", record ? " runtime-record" : "", cgroups ? " cgroups" : "");
	if ((record || cgroups) && resolved && container_cleanup(user, &cg, &err) < 0)
		log_warning(0, "gc: %s", err.msg);
	if (storage_release(cfg->state_dir, config_store(cfg), user) > 0)
		snprintf(what + strlen(what), len - strlen(what), " loop-device");
	if (net_release_port(cfg->state_dir, user) > 0)
		snprintf(what + strlen(what), len - strlen(what), " veth");
	/* The lock file last, held: whoever waits on it tries the path again (state.c). */
	if (user_lock_remove(user) == 0 && had_lock)
		snprintf(what + strlen(what), len - strlen(what), " lock");
	return what[0] ? 1 : 0;
}

/* Take USER's lock for work on her layers, which needs her container stopped: the
 * lock's fd, or -errno with ERR set (-EBUSY: it runs; VERB says what was refused). */
static int lock_stopped(const char *user, const char *verb, struct error *err)
{
	int lock, r;

	if ((r = runtime_prepare()) < 0)
		return error_errno(err, r, "cannot prepare " RUNTIME_DIR);
	if ((lock = user_lock(user)) < 0)
		return error_errno(err, lock, "cannot lock %s", user);
	if (container_runs(user)) {
		close(lock);
		return error_set(err, -EBUSY, "the container of %s is running; stop it first "
				 "(warrenctl stop %s), then %s", user, user, verb);
	}
	return lock;
}

int container_migrate(const struct warren_config *cfg, const struct user_spec *u, bool keep,
		      struct error *err)
{
	_cleanup_close_ int lock = lock_stopped(u->name, "migrate", err);

	if (lock < 0)
		return lock;
	return storage_migrate(cfg->state_dir, config_store(cfg), u->name, u->limits[LIMIT_DISK],
			       keep, err);
}

int container_reset(const struct warren_config *cfg, const struct user_spec *u, bool home,
		    struct error *err)
{
	_cleanup_close_ int lock = lock_stopped(u->name, "reset", err);
	int r;

	if (lock < 0)
		return lock;
	/* Its layers are made anew, owned by her ids: hers alone (spec.h). */
	if ((r = spec_check_ranges(u, err)) < 0)
		return r;
	return reset_layers(cfg->state_dir, config_store(cfg), u, home, err);
}

void container_handover(struct container *c)
{
	if (c->handover_fd < 0)
		return;
	(void)write_all(c->handover_fd, "1", 1);
	close(c->handover_fd);
	c->handover_fd = -EBADF;
}

void container_reply(const struct container *c, struct helper_reply *ret)
{
	helper_reply_init(ret);
	for (int i = 0; i < c->cg.n; i++)
		if (!cgroup_dir_seen(&c->cg, i))
			snprintf(ret->cgroups[ret->n_cgroups++], sizeof(ret->cgroups[0]), "%s",
				 c->cg.dirs[i]);
	ret->pts_dev = c->pts_dev;
	ret->gid = c->gid;
	ret->confine = c->confine;
	ret->init_pidfd = c->init_pidfd;
}

/* May U's answer, decided from BASIS, be kept in a ticket (ticket.h)?  Not where it
 * depends on more than the ticket's files, nor while one of them has just changed. */
static bool ticket_allowed(const struct user_spec *u, const struct ticket_basis *basis)
{
	return u->limits[LIMIT_HOME] != HOME_HOST && !u->confine.apparmor[0] &&
	       ticket_inputs_settled(basis->in, basis->at) &&
	       ticket_users_local(basis->in, "/etc/nsswitch.conf", "/run/systemd/userdb");
}

/* C's seccomp filter, built, into T: its profile file looked at first (a change after
 * that voids the ticket), and only if it has not just changed (ticket_inputs_settled). */
static int ticket_filter(const struct container *c, struct timespec at, struct warm_ticket *t)
{
	struct sysfilter_program prog;
	struct confine_plan plan;
	struct error err = { 0 };
	int r;

	if ((r = ticket_seccomp_read(c->confine.seccomp, &t->seccomp_file)) < 0)
		return r;
	if (!ticket_input_settled(&t->seccomp_file, at))
		return -EAGAIN;
	if (confine_ready(&c->confine, &plan, &err) < 0 ||
	    sysfilter_compile(&plan.filter, &prog, &err) < 0)
		return err.code;
	memcpy(t->filter, prog.insns, prog.len * sizeof(struct sock_filter));
	t->filter_len = prog.len;
	sysfilter_program_free(&prog);
	return 0;
}

/* The ticket of C for U, with her lock held: its record still C's. */
static int ticket_fill(const struct container *c, const struct user_spec *u, const char *config,
		       const char *state_dir, const struct ticket_basis *basis,
		       struct warm_ticket *t)
{
	struct container_state st;
	struct helper_reply reply;
	int r;

	if ((r = state_read(u->name, &st)) < 0)
		return r;
	if (st.pidns_ino != c->id)
		return -ESTALE;
	snprintf(t->user, sizeof(t->user), "%s", u->name);
	t->uid = u->uid;
	snprintf(t->config, sizeof(t->config), "%s", config);
	memcpy(t->in, basis->in, sizeof(t->in));
	snprintf(t->state_dir, sizeof(t->state_dir), "%s", state_dir);
	t->init_pid = st.init_pid;
	t->supervisor_pid = st.supervisor_pid;
	t->pidns_ino = st.pidns_ino;
	t->max_sessions = u->limits[LIMIT_MAX_SESSIONS];
	snprintf(t->counter, sizeof(t->counter), "%s", c->cg.dirs[c->cg.counter]);
	container_reply(c, &reply);
	if ((r = protocol_reply_format(&reply, t->reply, sizeof(t->reply))) < 0)
		return r;
	return ticket_filter(c, basis->at, t);
}

void container_leave_ticket(const struct container *c, const struct user_spec *u,
			    const char *config, const char *state_dir,
			    const struct ticket_basis *basis)
{
	_cleanup_free_ struct warm_ticket *t = NULL;
	struct ticket_input now[TICKET_INPUTS];
	_cleanup_close_ int lock = -EBADF;
	int r;

	if (!ticket_allowed(u, basis) || ticket_inputs_read(config, NULL, now) < 0 ||
	    !ticket_inputs_same(basis->in, now)) {
		(void)ticket_remove(u->name);
		return;
	}
	/* Under her lock, if it is free (else another login or a stop is at work: no
	 * ticket this time), so that no stop removes her runtime dir meanwhile. */
	if ((lock = user_lock_try(u->name)) < 0)
		return;
	if (!(t = calloc(1, sizeof(*t))))
		return;
	r = ticket_fill(c, u, config, state_dir, basis, t);
	if (r >= 0)
		r = ticket_write(t);
	if (r < 0 && r != -ESTALE && r != -ENOENT && r != -EAGAIN)
		log_warning(r, "cannot leave the ticket of %s (her next login runs the helper)",
			    u->name);
	if (r < 0)
		(void)ticket_remove(u->name);
}
