/* sandbox.c - warren-sandbox: where warren-mklayer runs a layer build's package scripts,
 * rather than as host root with the host's /dev, /proc and network.
 *
 *   warren-sandbox --lower DIR --rw DIR [--bind SRC:DEST]... [--host-net] -- CMD [ARG...]
 *
 * CMD runs as root of a user namespace of its own, whose ids 0..65535 are the scratch
 * range SANDBOX_IDS.. on the host: nobody's (no account, group or subordinate range in
 * it: checked), and one build's at a time.  Its other namespaces are its own too (mount,
 * pid, network, ipc, uts).  Its root, entered with pivot_root so that nothing of the
 * host's tree stays reachable, is the overlay of --lower (read-only) under RW/upper
 * (RW/work its workdir, RW/merged its mount point); it has a /proc of its pid namespace,
 * a /dev of its own (null zero full random urandom tty, a devpts, shm), loopback alone
 * for a network (--host-net: the host's, for apt to fetch with; no package script runs
 * then), /usr/sbin/policy-rc.d answering 101 (invoke-rc.d starts no service; the layer
 * keeps none of it), each SRC read-only at DEST, and warren's default syscall filter.
 * Both dirs are seen through idmapped mounts: root's files on disk are root's inside,
 * and what CMD writes in RW/upper is on disk as it is inside (root's, not the scratch
 * range's).  When CMD ends, its pid namespace ends, with every process it started.
 * The exit status is CMD's; 125 when the sandbox could not be made (the reason on
 * stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/state.h"
#include "policy/idmap.h"
#include "policy/users.h"
#include "wire/sysfilter.h"

/* 0xfffe0000..0xfffeffff: far above any account and the ranges useradd hands out. */
#define SANDBOX_IDS 4294836224UL
#define EXIT_SANDBOX 125
#define SANDBOX_BINDS_MAX 8

static const char *const policy_rc_d = "#!/bin/sh\n# warren-sandbox: no service starts in a layer build\nexit 101\n";

struct bind {
	const char *src, *dest;
	char staged[sizeof(SANDBOX_BIND) + 16]; /* where host root puts SRC for pid 1 to bind it */
	bool made;                      /* DEST did not exist: removed after CMD */
};

static struct {
	const char *lower, *rw;
	struct bind binds[SANDBOX_BINDS_MAX];
	int n_binds;
	bool host_net;
	char **cmd;
} arg;

__attribute__((noreturn, format(printf, 2, 3))) static void die(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("warren-sandbox: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err < 0)
		fprintf(stderr, ": %s", strerror(-err));
	fputc('\n', stderr);
	_exit(EXIT_SANDBOX);
}

static void parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lower", required_argument, NULL, 'l' }, { "rw", required_argument, NULL, 'r' },
		{ "bind", required_argument, NULL, 'b' },  { "host-net", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		char *colon;

		switch (c) {
		case 'l': arg.lower = optarg; break;
		case 'r': arg.rw = optarg; break;
		case 'n': arg.host_net = true; break;
		case 'b':
			colon = strchr(optarg, ':');
			if (!colon || colon[1] != '/' || arg.n_binds == SANDBOX_BINDS_MAX)
				die(0, "--bind SRC:/DEST (at most %d)", SANDBOX_BINDS_MAX);
			*colon = '\0';
			arg.binds[arg.n_binds] = (struct bind){ .src = optarg, .dest = colon + 2 };
			snprintf(arg.binds[arg.n_binds].staged, sizeof(arg.binds[0].staged),
				 SANDBOX_BIND "%d", arg.n_binds);
			arg.n_binds++;
			break;
		default:
			die(0, "usage: warren-sandbox --lower DIR --rw DIR [--bind SRC:DEST]... "
			    "[--host-net] -- CMD [ARG...]");
		}
	}
	if (!arg.lower || !arg.rw || optind >= argc)
		die(0, "usage: warren-sandbox --lower DIR --rw DIR [--bind SRC:DEST]... "
		    "[--host-net] -- CMD [ARG...]");
	arg.cmd = argv + optind;
}

/* The scratch range must be nobody's: an account or another range with ids in it would
 * share host ids with the build's processes (and could signal or trace them, or they it). */
static void check_scratch_ids(void)
{
	static const char *const files[] = { "/etc/subuid", "/etc/subgid" };
	const struct subid_range range = { .start = SANDBOX_IDS, .count = WARREN_ID_SPAN };
	char name[64];
	unsigned long id;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *text = malloc(1 << 20);

		if (!text)
			die(-ENOMEM, "%s", files[i]);
		if ((r = read_file(files[i], text, 1 << 20)) == -ENOENT)
			continue;
		if (r < 0)
			die(r, "cannot read %s", files[i]);
		if (subid_overlap(text, NULL, ULONG_MAX, &range, name, sizeof(name)))
			die(0, "the scratch ids %lu-%lu of layer builds are also %s's in %s; fix: give "
			    "%s another range", SANDBOX_IDS, SANDBOX_IDS + WARREN_ID_SPAN - 1, name,
			    files[i], name);
	}
	for (int k = 0; k < 2; k++) {
		r = users_id_taken(k ? 'g' : 'u', SANDBOX_IDS, SANDBOX_IDS + WARREN_ID_SPAN, name,
				   sizeof(name), &id);
		if (r < 0)
			die(r, "cannot list the accounts and groups");
		if (r > 0)
			die(0, "%s %s has the id %lu, one of the scratch ids %lu-%lu of layer builds; "
			    "fix: give it another id", k ? "group" : "user", name, id, SANDBOX_IDS,
			    SANDBOX_IDS + WARREN_ID_SPAN - 1);
	}
}

/* PATH, seen at TARGET through an idmapped mount of USERNS (in our own mount
 * namespace), with the extra mount attributes ATTR. */
static int mount_idmapped(const char *path, const char *target, int userns,
			  unsigned long long attr)
{
	_cleanup_close_ int tree = -EBADF;
	struct mount_attr a = {
		.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | attr,
		.userns_fd = (unsigned long long)userns,
	};

	tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 ||
	    mkdir(target, 0755) < 0 || move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* B's source, read-only where the scratch ids can reach it (B->staged), for pid 1 to
 * bind it in. */
static int stage_bind(const struct bind *b)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID };
	_cleanup_close_ int tree = -EBADF, fd = -EBADF;
	struct stat st;

	if (stat(b->src, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) ? mkdir(b->staged, 0755) < 0 :
	    (fd = open(b->staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return -errno;
	tree = open_tree(AT_FDCWD, b->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 ||
	    move_mount(tree, "", AT_FDCWD, b->staged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* Host root: the user namespace of CHILD gets the scratch range, and the two dirs
 * their idmapped mounts through it. */
static void map_and_mount(pid_t child)
{
	char path[64], map[64];
	_cleanup_close_ int userns = -EBADF;
	int r;

	snprintf(map, sizeof(map), "0 %lu %lu\n", SANDBOX_IDS, WARREN_ID_SPAN);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", child);
	if ((r = write_file(path, map)) < 0)
		die(r, "uid_map");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", child);
	if ((r = write_file(path, map)) < 0)
		die(r, "gid_map");
	snprintf(path, sizeof(path), "/proc/%d/ns/user", child);
	if ((userns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		die(-errno, "%s", path);
	/* The two dirs are seen, idmapped, on a tmpfs of our mount namespace whose path the
	 * scratch ids can walk: the dirs' own may be 0700. */
	if (mount("warren-sandbox", SANDBOX_MNT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0711") < 0)
		die(-errno, "tmpfs on %s", SANDBOX_MNT);
	if ((r = mount_idmapped(arg.lower, SANDBOX_LOWER, userns, MOUNT_ATTR_RDONLY)) < 0)
		die(r, "idmapped mount of %s", arg.lower);
	if ((r = mount_idmapped(arg.rw, SANDBOX_RW, userns, 0)) < 0)
		die(r, "idmapped mount of %s", arg.rw);
	for (int i = 0; i < arg.n_binds; i++)
		if ((r = stage_bind(&arg.binds[i])) < 0)
			die(r, "--bind %s", arg.binds[i].src);
}

/* The sandbox's /dev: the harmless nodes of the host's, bound; its own ptys and shm. */
static int dev_setup(int rootfd)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	_cleanup_close_ int devfd = -EBADF;
	int r;

	if ((r = mount_beneath(rootfd, "dev", "warren-dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
			       "mode=0755,size=256k")) < 0)
		return r;
	if ((devfd = open_beneath(rootfd, "dev", O_RDONLY | O_DIRECTORY)) < 0)
		return devfd;
	for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
		_cleanup_close_ int fd = openat(devfd, nodes[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		char src[32], p[FD_PATH_MAX];

		snprintf(src, sizeof(src), "/dev/%s", nodes[i]);
		if (fd < 0 || mount(src, fd_path(fd, p), NULL, MS_BIND, NULL) < 0)
			return -errno;
	}
	for (size_t i = 0; i < ELEMENTSOF(links); i++)
		if (symlinkat(links[i][1], devfd, links[i][0]) < 0)
			return -errno;
	if ((r = mount_beneath(devfd, "pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
			       "newinstance,ptmxmode=0666,mode=0620")) < 0)
		return r;
	return mount_beneath(devfd, "shm", "warren-shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
}

/* SRC (as staged) read-only at ROOTFD/DEST, which is made (a directory for a directory,
 * else an empty file) if it does not exist, and then removed after CMD. */
static int bind_in(int rootfd, struct bind *b)
{
	_cleanup_close_ int fd = open_beneath(rootfd, b->dest, O_PATH);
	char p[FD_PATH_MAX];
	struct stat st;

	if (stat(b->staged, &st) < 0)
		return -errno;
	if (fd == -ENOENT) {
		if (S_ISDIR(st.st_mode))
			fd = mkdir_p_beneath(rootfd, b->dest, 0755);
		else
			fd = open_beneath(rootfd, b->dest, O_WRONLY | O_CREAT | O_EXCL);
		b->made = fd >= 0;
	}
	if (fd < 0)
		return fd;
	if (mount(b->staged, fd_path(fd, p), NULL, MS_BIND, NULL) < 0)
		return -errno;
	/* Read-only: the remount takes the new mount, which a new lookup finds on top. */
	closep(&fd);
	if ((fd = open_beneath(rootfd, b->dest, O_PATH)) < 0)
		return fd;
	if (mount(NULL, fd_path(fd, p), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  NULL) < 0)
		return -errno;
	return 0;
}

/* Ours in the overlay; after CMD, taken out of RW/upper (policy_rc_d_remove). */
static int policy_rc_d_write(int rootfd)
{
	_cleanup_close_ int sbin = mkdir_p_beneath(rootfd, "usr/sbin", 0755), fd = -EBADF;

	if (sbin < 0)
		return sbin;
	fd = openat(sbin, "policy-rc.d", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0755);
	if (fd < 0 || fchmod(fd, 0755) < 0)
		return -errno;
	return write_all(fd, policy_rc_d, strlen(policy_rc_d));
}

/* Straight from the upper dir: whether ours was new or a copy of the image's, the image's
 * (if any) shows through again, and the layer holds none. */
static int policy_rc_d_remove(int upperfd)
{
	_cleanup_close_ int sbin = open_beneath(upperfd, "usr/sbin", O_PATH | O_DIRECTORY);

	if (sbin < 0)
		return sbin;
	return unlinkat(sbin, "policy-rc.d", 0) < 0 && errno != ENOENT ? -errno : 0;
}

static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

/* The new root (ROOTFD) in place of the host's, which is detached: from here on, nothing
 * of the host's tree is reachable (a chroot would leave it a chroot escape away). */
static int enter_root(int rootfd)
{
	if (fchdir(rootfd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

__attribute__((noreturn)) static void run_cmd(void)
{
	static const struct sysfilter_profile filter = { .base = SYSFILTER_DEFAULT };
	static char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root", "LC_ALL=C", "DEBIAN_FRONTEND=noninteractive", NULL,
	};
	struct error err = { 0 };

	if (setsid() < 0 || sysfilter_apply(&filter, &err) < 0)
		die(err.code, "the syscall filter: %s", err.msg);
	execvpe(arg.cmd[0], arg.cmd, env);
	die(-errno, "cannot run %s", arg.cmd[0]);
}

/* Reap every process of the namespace until CMD (pid CMD) ends: its exit status. */
static int wait_cmd(pid_t cmd)
{
	int status = 0;

	for (;;) {
		pid_t p = wait(&status);

		if (p == cmd)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (p < 0 && errno != EINTR)
			return EXIT_SANDBOX;
	}
}

/* Pid 1 of the sandbox: its root and its CMD; then what the build must not keep. */
__attribute__((noreturn)) static void sandbox_init(void)
{
	_cleanup_close_ int rootfd = -EBADF, upperfd = -EBADF;
	char path[PATH_MAX];
	pid_t cmd;
	int r, status;
	static const char opts[] = "lowerdir=" SANDBOX_LOWER ",upperdir=" SANDBOX_RW "/upper,workdir="
		SANDBOX_RW "/work,userxattr";

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || sethostname("warren-layer", 12) < 0)
		die(-errno, "pid 1");
	if (mount("warren-layer", SANDBOX_RW "/merged", "overlay", 0, opts) < 0)
		die(-errno, "the overlay of %s under %s/upper", arg.lower, arg.rw);
	if ((rootfd = open(SANDBOX_RW "/merged", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (upperfd = open(SANDBOX_RW "/upper", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die(-errno, "%s", SANDBOX_RW);
	if ((r = mount_beneath(rootfd, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			       NULL)) < 0 ||
			       (r = dev_setup(rootfd)) < 0)
		die(r, "/proc and /dev");
	for (int i = 0; i < arg.n_binds; i++)
		if ((r = bind_in(rootfd, &arg.binds[i])) < 0)
			die(r, "--bind %s:/%s", arg.binds[i].src, arg.binds[i].dest);
	if ((r = policy_rc_d_write(rootfd)) < 0)
		die(r, "/usr/sbin/policy-rc.d");
	if (!arg.host_net && (r = loopback_up()) < 0)
		die(r, "loopback");
	if ((r = enter_root(rootfd)) < 0)
		die(r, "pivot_root");
	if ((cmd = fork()) < 0)
		die(-errno, "fork");
	if (cmd == 0)
		run_cmd();
	status = wait_cmd(cmd);
	for (int i = 0; i < arg.n_binds; i++) {
		snprintf(path, sizeof(path), "/%s", arg.binds[i].dest);
		if (umount2(path, MNT_DETACH) < 0 || (arg.binds[i].made && remove(path) < 0))
			die(-errno, "cannot take %s out of the layer", path);
	}
	if ((r = policy_rc_d_remove(upperfd)) < 0)
		die(r, "cannot take /usr/sbin/policy-rc.d out of the layer");
	_exit(status);
}

/* In the new user namespace, once mapped: root there (the scratch range's first id),
 * the other namespaces, and their pid 1. */
__attribute__((noreturn)) static void sandbox_owner(void)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
		    (arg.host_net ? 0 : CLONE_NEWNET);
	int status;
	pid_t init;

	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die(-errno, "root of the sandbox's user namespace");
	/* After the change of credentials, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || unshare(flags) < 0)
		die(-errno, "the sandbox's namespaces");
	if ((init = fork()) < 0)
		die(-errno, "fork");
	if (init == 0)
		sandbox_init();
	if (waitpid(init, &status, 0) < 0)
		die(-errno, "wait");
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

int main(int argc, char **argv)
{
	_cleanup_close_ int lock = -EBADF;
	int ready[2], go[2], status, r;
	char byte = 0;
	pid_t owner, parent = getppid();

	close_range(3, ~0U, 0);
	/* The build ends with warren-mklayer (killed with warrenctl): its owner and init die
	 * with us, and with them every process of the build and our mounts. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		die(-errno, "the build that ran it is gone");
	parse_args(argc, argv);
	if (geteuid() != 0)
		die(0, "must run as root (warren-mklayer runs it)");
	if ((r = runtime_prepare()) < 0 || (lock = r = sandbox_lock()) < 0)
		die(r, "the lock of layer builds");
	check_scratch_ids();
	/* Our own mount namespace, for the idmapped mounts over the two dirs. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(-errno, "a mount namespace");
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		die(-errno, "pipe");
	if ((owner = fork()) < 0)
		die(-errno, "fork");
	if (owner == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || unshare(CLONE_NEWUSER) < 0 ||
		    write(ready[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1)
			die(-errno, "a user namespace");
		sandbox_owner();
	}
	if (read(ready[0], &byte, 1) != 1)
		die(0, "the sandbox's user namespace was not made");
	map_and_mount(owner);
	if (write(go[1], &byte, 1) != 1)
		die(-errno, "go");
	if (waitpid(owner, &status, 0) < 0)
		die(-errno, "wait");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
