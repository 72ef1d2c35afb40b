/* rootfs.c - the container's filesystem, built from inside its user namespace.
 *
 * Runs as the container's root (host: the user's subordinate range), so nothing done
 * here carries host privilege; a user who controls their own upper layer can at most
 * confuse their own container.  Mount targets are still resolved below the new root
 * without following symlinks, so the tree is what the image and warren say it is.
 * The overlay is mounted inside the userns with userxattr over the idmapped image, so no
 * upper file is ever owned by host root (HACKING.md §3.3).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "container/bindmount.h"
#include "lib/cleanup.h"
#include "wire/creds.h"
#include "lib/fsutil.h"
#include "container/rootfs.h"
#include "container/step.h"
#include "lib/benchmark.h"
#include "wire/confine.h"

/* An overlay whose upper and work dirs are BUILD_STATE/UPPER and BUILD_STATE/work/UPPER.
 * They are named by path, not fd: overlayfs only takes layers from the mounter's own
 * mount namespace, and the build namespace bound them there for us. */
static int overlay_mount(int rootfd, const char *rel, const char *lower, const char *upper,
			 unsigned long flags)
{
	char opts[512];

	_cleanup_close_ int fd = -EBADF;
	struct statvfs vfs;
	int r;

	snprintf(opts, sizeof(opts),
		 "lowerdir=%s,upperdir=" BUILD_STATE "/%s,workdir=" BUILD_STATE "/work/%s,userxattr",
		 lower, upper, upper);
	if (rootfd < 0)
		r = mount("warren", BUILD_ROOT, "overlay", flags, opts) < 0 ? -errno : 0;
	else
		r = mount_beneath(rootfd, rel, "warren", "overlay", flags, opts);
	if (r < 0 || (flags & MS_RDONLY))
		return r;
	/* An upper layer the overlay cannot write to (an idmapped one it cannot map through)
	 * makes it come up read-only without an error: her writes would fail later, and
	 * silently lose what she meant to keep.  Refuse now. */
	fd = rootfd < 0 ? open(BUILD_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			: open_beneath(rootfd, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return rootfd < 0 ? -errno : fd;
	if (fstatvfs(fd, &vfs) < 0)
		return -errno;
	return vfs.f_flag & ST_RDONLY ? -EROFS : 0;
}

/* Bind host device node /dev/NAME onto an empty file in the container's /dev. */
static int bind_device(int devfd, const char *name)
{
	char src[64], p[FD_PATH_MAX];
	_cleanup_close_ int fd = openat(devfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	snprintf(src, sizeof(src), "/dev/%s", name);
	if (mount(src, fd_path(fd, p), NULL, MS_BIND, NULL) < 0)
		return -errno;
	return 0;
}

/* The options of a tmpfs of the container's, MODE and at most its memory limit: where
 * swap is not accounted (cgroup v1 without memsw), a tmpfs page swapped out leaves the
 * memory cgroup, and without a size a file in /tmp could take swap without bound. */
static const char *tmpfs_options(const struct user_spec *u, const char *mode, char *buf,
				 size_t len)
{
	uint64_t mem = u->limits[LIMIT_MEMORY];

	if (mem == LIMIT_UNLIMITED)
		snprintf(buf, len, "mode=%s", mode);
	else
		snprintf(buf, len, "mode=%s,size=%" PRIu64, mode, mem);
	return buf;
}

static int dev_setup(int rootfd, const struct user_spec *u)
{
	char opts[64];
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "ptmx", "pts/ptmx" },     { "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
	};
	_cleanup_close_ int devfd = -EBADF;
	int r;

	r = mount_beneath(rootfd, "dev", "warren-dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
			  "mode=0755,size=256k");
	if (r < 0)
		return r;
	devfd = open_beneath(rootfd, "dev", O_RDONLY | O_DIRECTORY);
	if (devfd < 0)
		return devfd;
	for (size_t i = 0; i < ELEMENTSOF(nodes); i++)
		if ((r = bind_device(devfd, nodes[i])) < 0)
			return r;
	for (size_t i = 0; i < ELEMENTSOF(links); i++)
		if (symlinkat(links[i][1], devfd, links[i][0]) < 0)
			return -errno;
	/* The devpts instance the helper mounted on the host: sshd's monitor allocates
	 * this container's ptys in it, so `tty` names a /dev/pts/N that exists here. */
	r = mount_beneath(devfd, "pts", BUILD_PTS, NULL, MS_BIND, NULL);
	if (r < 0)
		return r;
	return mount_beneath(devfd, "shm", "warren-shm", "tmpfs", MS_NOSUID | MS_NODEV,
			     tmpfs_options(u, "1777", opts, sizeof(opts)));
}

static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -errno;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}

/* ROOTFD/REL, if it exists (in /proc and /sys, what exists depends on the kernel):
 * -ENOENT if not, or the mount onto it of SRC (FSTYPE, FLAGS, DATA), then, for a
 * read-only bind, its remount read-only. */
static int mount_over(int rootfd, const char *rel, const char *src, const char *fstype,
		      unsigned long flags, const char *data)
{
	_cleanup_close_ int target = open_beneath(rootfd, rel, O_PATH | O_CLOEXEC), top = -EBADF;
	char p[FD_PATH_MAX];

	if (target < 0)
		return target;
	if (mount(src ? src : fd_path(target, p), fd_path(target, p), fstype, flags, data) < 0)
		return -errno;
	if (!(flags & MS_BIND) || !(flags & MS_RDONLY))
		return 0;
	/* A bind takes its flags only from a remount, of the new mount on top. */
	if ((top = open_beneath(rootfd, rel, O_PATH | O_CLOEXEC)) < 0)
		return top;
	if (mount(NULL, fd_path(top, p), NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
		return -errno;
	return 0;
}

/* Masked as runc's default profile does: what shows the host's memory, keys, timers
 * and firmware, or acts on the host (sysrq), and the kernel's tunables read-only. */
static int mask_host_files(int rootfd)
{
	static const char *const nulled[] = { "proc/kcore", "proc/keys", "proc/timer_list",
					      "proc/sched_debug", "proc/latency_stats" };
	static const char *const emptied[] = { "proc/acpi", "proc/scsi", "sys/firmware",
					       "sys/devices/virtual/powercap" };
	static const char *const frozen[] = { "proc/sys", "proc/sysrq-trigger", "proc/irq",
					      "proc/bus", "proc/fs" };
	const unsigned long ro = MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int empty = -EBADF;
	char p[FD_PATH_MAX];
	int r;

	for (size_t i = 0; i < ELEMENTSOF(nulled); i++)
		if ((r = mount_over(rootfd, nulled[i], "/dev/null", NULL, MS_BIND, NULL)) < 0 &&
		    r != -ENOENT)
			return r;
	/* One empty tmpfs, bound over the others: each file system costs the host memory
	 * per container, and more as containers add up (the kernel's shrinker info of
	 * every memory cgroup grows with the superblocks: issue 22). */
	for (size_t i = 0; i < ELEMENTSOF(emptied); i++) {
		if (empty < 0)
			r = mount_over(rootfd, emptied[i], "warren-masked", "tmpfs",
				       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k");
		else
			r = mount_over(rootfd, emptied[i], fd_path(empty, p), NULL,
				       MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r == 0 && empty < 0 &&
		    (empty = open_beneath(rootfd, emptied[i], O_PATH | O_CLOEXEC)) < 0)
			return empty;
	}
	for (size_t i = 0; i < ELEMENTSOF(frozen); i++)
		if ((r = mount_over(rootfd, frozen[i], NULL, NULL, ro, NULL)) < 0 && r != -ENOENT)
			return r;
	return 0;
}

/* Her runtime dir, /run/user/UID: where XDG_RUNTIME_DIR points (pam_systemd sets it so,
 * pam_warren where pam_systemd does not), a tmpfs of her own, 0700, as logind makes
 * one on a host.  Sockets of her programs (gpg-agent, tmux, dbus) go there. */
static int user_runtime_dir(int rootfd, const struct user_spec *u)
{
	char rel[32], opts[64], all[128];

	snprintf(rel, sizeof(rel), "run/user/%u", (unsigned)u->uid);
	snprintf(all, sizeof(all), "%s,uid=%u,gid=%u", tmpfs_options(u, "0700", opts, sizeof(opts)),
		 (unsigned)u->uid, (unsigned)u->gid);
	return mount_beneath(rootfd, rel, "warren-user-run", "tmpfs", MS_NOSUID | MS_NODEV, all);
}

/* The mounts that make a root filesystem a system: /proc, /dev, /tmp, /run, /sys. */
/* Her /proc (her pid namespace's), and a dirfd of its sys into *RET_SYS, for her
 * namespaces' sysctls to be written through while they are not yet read-only
 * (mask_host_files), never through the host's /proc (fsutil.h: proc_sys_private). */
static int proc_mount(int rootfd, int *ret_sys)
{
	int r = mount_beneath(rootfd, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			      NULL);

	if (r < 0)
		return r;
	return (*ret_sys = open_beneath(rootfd, "proc/sys", O_PATH | O_DIRECTORY)) < 0 ? *ret_sys : 0;
}

static int system_mounts(int rootfd, const struct user_spec *u)
{
	char opts[64];
	int r;

	if ((r = dev_setup(rootfd, u)) < 0)
		return r;
	if ((r = mount_beneath(rootfd, "tmp", "warren-tmp", "tmpfs", MS_NOSUID | MS_NODEV,
			       tmpfs_options(u, "1777", opts, sizeof(opts)))) < 0)
		return r;
	if ((r = mount_beneath(rootfd, "run", "warren-run", "tmpfs", MS_NOSUID | MS_NODEV,
			       tmpfs_options(u, "0755", opts, sizeof(opts)))) < 0 ||
	    (r = user_runtime_dir(rootfd, u)) < 0)
		return r;
	if ((r = mount_beneath(rootfd, "sys", "sysfs", "sysfs",
			       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) < 0)
		return r;
	return mask_host_files(rootfd);
}

/* Does the file FD (at offset 0) have a line starting with "KEY:"? */
static int file_has_entry(int fd, const char *key)
{
	char buf[1 << 16];
	size_t klen = strlen(key);
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, key, klen) && line[klen] == ':')
			return 1;
	return 0;
}

static int append_entry(const char *path, const char *key, const char *line)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = file_has_entry(fd, key);
	if (r != 0)
		return r < 0 ? r : 0;
	return write_all(fd, line, strlen(line));
}

/* The user resolves to her own name and group inside (the image does not know her). */
static int user_entries(const struct user_spec *u)
{
	char line[PATH_MAX * 2 + 400];
	int r;

	snprintf(line, sizeof(line), "%s:x:%u:%u:%s:%s:%s\n", u->name, u->uid, u->gid, u->gecos,
		 u->home, u->shell);
	r = append_entry("/etc/passwd", u->name, line);
	if (r < 0)
		return r;
	snprintf(line, sizeof(line), "%s:x:%u:\n", u->group, u->gid);
	if ((r = append_entry("/etc/group", u->group, line)) < 0)
		return r;
	/* Her groups that keep their gid inside, with her as a member: ls -l names them,
	 * and sudo or su inside give them back (initgroups). */
	for (unsigned i = 0; i < u->n_groups; i++) {
		if (!u->group_names[i][0])
			continue;
		snprintf(line, sizeof(line), "%s:x:%u:%s\n", u->group_names[i], (unsigned)u->groups[i],
			 u->name);
		if ((r = append_entry("/etc/group", u->group_names[i], line)) < 0)
			return r;
	}
	/* A shadow entry without a password ("*"): PAM's account check (sudo's) finds a
	 * valid account, and no password opens it. */
	snprintf(line, sizeof(line), "%s:*:19000:0:99999:7:::\n", u->name);
	r = append_entry("/etc/shadow", u->name, line);
	return r == -ENOENT ? 0 : r;
}

static int enter_root(int rootfd)
{
	if (fchdir(rootfd) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	/* The old root (the host's tree) is stacked below "."; detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return 0;
}

/* The bounds of the container's user namespace (/proc/sys/user), each per uid inside;
 * its sessions have no capability there to raise them again.
 * No user namespaces inside: a nested one would hand its creator capabilities over
 * fresh network and mount namespaces, and with them the kernel's larger attack
 * surface.  inotify and fanotify from the config (a kernel without fanotify has no
 * such file).  Above these, the kernel charges the whole container to its owner on
 * the host (build.c). */
static int user_ns_bounds(const struct user_spec *u, int sys, struct error *err)
{
	const struct {
		const char *file;
		uint64_t value;
		bool optional;
	} bounds[] = {
		{ "max_user_namespaces", 0, false },
		{ "max_inotify_instances", u->limits[LIMIT_INOTIFY_INSTANCES], false },
		{ "max_inotify_watches", u->limits[LIMIT_INOTIFY_WATCHES], false },
		{ "max_fanotify_groups", u->limits[LIMIT_INOTIFY_INSTANCES], true },
		{ "max_fanotify_marks", u->limits[LIMIT_INOTIFY_WATCHES], true },
	};
	char path[64], value[24];
	int r;

	for (size_t i = 0; i < ELEMENTSOF(bounds); i++) {
		snprintf(path, sizeof(path), "user/%s", bounds[i].file);
		snprintf(value, sizeof(value), "%" PRIu64, bounds[i].value);
		r = write_file_beneath(sys, path, value);
		if (r < 0 && !(r == -ENOENT && bounds[i].optional))
			return error_errno(err, r, "user namespace bounds: write %s", path);
	}
	return 0;
}

/* A time namespace of the container's own, entered before init is exec'd, in which
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME start at (about) zero: uptime inside is the
 * container's.  Owned by the container's user namespace, so that sessions, as its root,
 * may join it.  Skipped where the kernel has no time namespaces (before 5.6). */
static int own_time_ns(void)
{
	_cleanup_close_ int fd = -EBADF;
	struct timespec mono, boot;
	char offsets[128];
	int r;

	if (unshare(CLONE_NEWTIME) < 0)
		return errno == EINVAL ? 0 : -errno;
	/* Our uid changed (host root to the container's), which made us non-dumpable and
	 * our /proc files host root's; dumpable again, they are ours to write.  Only the
	 * container's root could trace us then, and exec resets it anyway. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return -errno;
	if (clock_gettime(CLOCK_MONOTONIC, &mono) < 0 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		return -errno;
	/* Whole seconds: the kernel refuses offsets that would take a clock below zero. */
	snprintf(offsets, sizeof(offsets), "monotonic %lld 0\nboottime %lld 0\n",
		 -(long long)mono.tv_sec, -(long long)boot.tv_sec);
	if ((r = write_file("/proc/self/timens_offsets", offsets)) < 0)
		return r;
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return setns(fd, CLONE_NEWTIME) < 0 ? -errno : 0;
}

static int private_mount_ns(void)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}

/* DST is TEXT (MODE), warren's: /run/warren-NAME of the container's, bound over it (DST
 * made a regular file first if the image has none, or a symlink, there). */
static int bind_own_file(const char *name, const char *dst, const char *text, mode_t mode)
{
	char src[64];
	_cleanup_close_ int fd = -EBADF;
	int r;

	snprintf(src, sizeof(src), "/run/warren-%s", name);
	if ((r = write_new_file(src, text)) < 0 || chmod(src, mode) < 0)
		return r < 0 ? r : -errno;
	fd = open(dst, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == ELOOP && unlink(dst) == 0)
		fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	return mount(src, dst, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

/* /etc/FILE is TEXT, for all to read. */
static int bind_etc_file(const char *file, const char *text)
{
	char dst[64];

	snprintf(dst, sizeof(dst), "/etc/%s", file);
	return bind_own_file(file, dst, text, 0644);
}

/* Root inside granted: sudo, where the image has it, takes her to root without a
 * password (she has none inside).  A file of this start's, bound over one in her
 * layer, so that revoking root leaves nothing behind that sudo would read. */
static int root_sudoers(const struct user_spec *u)
{
	char text[128];
	struct stat st;

	if (!u->limits[LIMIT_ROOT] || lstat("/etc/sudoers.d", &st) < 0 || !S_ISDIR(st.st_mode))
		return 0; /* not granted, or no sudo in the image */
	snprintf(text, sizeof(text), "# warren: root = true for %s\n%s ALL=(ALL:ALL) NOPASSWD: ALL\n",
		 u->name, u->name);
	return bind_own_file("sudoers", "/etc/sudoers.d/warren", text, 0440);
}

/* The network's files (net.h): hosts, and resolv.conf for a container on the bridge. */
static int net_files(const struct user_spec *u, const struct net_plan *net)
{
	const char *resolv = net_resolv(net);
	char hosts[512];
	int r;

	if (resolv && (r = bind_etc_file("resolv.conf", resolv)) < 0)
		return r;
	return bind_etc_file("hosts", net_hosts(net, u->name, hosts, sizeof(hosts)));
}

/* overlayfs's lowerdir for U's root: her layers as the builder mounted them, the first
 * on top, then the image (stack.h). */
static const char *lower_stack(const struct user_spec *u, char *buf, size_t len)
{
	buf[0] = '\0';
	for (unsigned i = 0; i < u->n_layers; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), BUILD_LAYER "%u:", i);
	snprintf(buf + strlen(buf), len - strlen(buf), "%s", BUILD_IMAGE);
	return buf;
}

/* Her home: the copy-on-write one of her layers, or with home = "host" hers from the host
 * (staged by the builder); then her binds, over it where they are below it. */
static int home_and_binds(int rootfd, const struct user_spec *u, uint64_t binds_staged,
			  struct error *err)
{
	int r;

	if (u->limits[LIMIT_HOME] == HOME_HOST)
		r = bindmount_attach(rootfd, u->home + 1, BUILD_HOSTHOME, true);
	else
		r = overlay_mount(rootfd, u->home + 1, BUILD_SKEL, "home", MS_NOSUID);
	if (r < 0)
		return error_errno(err, r, "%s home", u->limits[LIMIT_HOME] == HOME_HOST ? "host" : "overlay");
	bench_mark("overlay-home");
	if ((r = bindmount_all(rootfd, u, binds_staged, BUILD_BINDS, err)) < 0)
		return r;
	if (u->n_binds)
		bench_mark("binds");
	return 0;
}

static int open_root(int *ret_fd)
{
	return (*ret_fd = open(BUILD_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ? -errno : 0;
}

static int set_hostname(const char *name)
{
	return sethostname(name, strlen(name)) < 0 ? -errno : 0;
}

int rootfs_setup_and_exec(const struct user_spec *u, const struct net_plan *net, int exe_fd,
			  uint64_t binds_staged, struct error *err)
{
	_cleanup_close_ int rootfd = -EBADF, sys = -EBADF;
	char *const argv[] = { INIT_NAME, NULL };
	char *const envp[] = { NULL };
	/* nosuid unless root inside is granted: no setuid binary of the image leads there. */
	const unsigned long suid = u->limits[LIMIT_ROOT] ? 0 : MS_NOSUID;
	char lower[64 * (LAYERS_MAX + 1)];
	struct steps s = STEPS(err);

	/* Root of the new user namespace: host-wise the user's subordinate base. */
	STEP_AS(&s, 0, NULL, creds_become_ns_root((gid_t)-1, NULL, 0), "become container root");
	STEP_AS(&s, 0, NULL, own_time_ns(), "time namespace");
	STEP_AS(&s, 0, "ns-root-time-mnt", private_mount_ns(), "mount namespace");
	STEP_AS(&s, 0, "overlay-root", overlay_mount(-1, NULL, lower_stack(u, lower, sizeof(lower)),
						     "root", suid), "overlay root");
	STEP_AS(&s, 0, NULL, open_root(&rootfd), "open root");
	/* Her namespaces' sysctls through her own /proc, before anything of hers runs. */
	STEP_AS(&s, 0, NULL, proc_mount(rootfd, &sys), "/proc");
	STEP(&s, 0, "ns-bounds", user_ns_bounds(u, sys, err));
	STEP_AS(&s, 0, "net-inside", net_inside(net, sys, err), "network");
	/* Writable no longer: mask_host_files makes her /proc/sys read-only. */
	close(sys);
	sys = -EBADF;
	STEP_AS(&s, 0, "system-mounts", system_mounts(rootfd, u), "system mounts");
	/* Home and binds last, so that no other mount hides them. */
	STEP(&s, 0, NULL, home_and_binds(rootfd, u, binds_staged, err));
	STEP_AS(&s, 0, NULL, set_hostname(u->name), "hostname");
	STEP_AS(&s, 0, NULL, loopback_up(), "loopback");
	STEP_AS(&s, 0, "pivot-root", enter_root(rootfd), "pivot_root");
	STEP_AS(&s, 0, NULL, user_entries(u), "passwd and group entries");
	STEP_AS(&s, 0, NULL, net_files(u, net), "/etc/resolv.conf and /etc/hosts");
	STEP_AS(&s, 0, "etc-files", root_sudoers(u), "/etc/sudoers.d/warren");
	/* Last, init's confinement (it is in its namespaces, as their root): the filter
	 * denies the mounts made above, to init and all it reaps. */
	STEP(&s, 0, "seccomp", confine(&u->plan, -EBADF, (uid_t)-1, (gid_t)-1, err));
	if (s.r < 0)
		return s.r;
	fexecve(exe_fd, argv, envp);
	return error_errno(err, -errno, "exec " INIT_NAME);
}
