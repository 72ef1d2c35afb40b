/* floor.c - the kernel floor of a container start (make bench): what any runtime must
 * pay at least, with nothing else around it.
 *
 *   floor IMAGE SUBID-BASE
 *
 * clone3 with new user, mount, pid, uts, ipc and net namespaces; the parent writes a
 * uid and gid map (0..65535 inside -> SUBID-BASE.. on the host); the child becomes
 * root inside, mounts a tmpfs, an overlay (IMAGE below, upper and work on the tmpfs,
 * userxattr) and /proc, sets the hostname, pivot_roots into the overlay and execs
 * /bin/true.  No idmapped mount, cgroup, network device, seccomp or init: the floor.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
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

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static void write_map(pid_t pid, const char *kind, const char *map)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, kind);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
		die(path);
	close(fd);
}

static void child(const char *image, int go)
{
	char opts[4096], c;

	if (read(go, &c, 1) != 1)
		_exit(1);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die("become root inside");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("private /");
	if (mount("floor", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		die("tmpfs");
	if (mkdir("/tmp/u", 0755) < 0 || mkdir("/tmp/w", 0755) < 0 || mkdir("/tmp/m", 0755) < 0)
		die("mkdir");
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=/tmp/u,workdir=/tmp/w,userxattr", image);
	if (mount("floor", "/tmp/m", "overlay", 0, opts) < 0)
		die("overlay");
	if (mount("proc", "/tmp/m/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("proc");
	if (sethostname("floor", 5) < 0)
		die("hostname");
	if (chdir("/tmp/m") < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("pivot_root");
	execl("/bin/true", "true", (char *)NULL);
	die("exec /bin/true");
}

int main(int argc, char **argv)
{
	struct clone_args args = {
		.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			 CLONE_NEWNET,
		.exit_signal = SIGCHLD,
	};
	char map[64];
	int go[2], st;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: floor IMAGE SUBID-BASE\n");
		return 2;
	}
	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		die("clone3");
	if (pid == 0) {
		close(go[1]);
		child(argv[1], go[0]);
	}
	close(go[0]);
	snprintf(map, sizeof(map), "0 %s 65536\n", argv[2]);
	write_map(pid, "uid_map", map);
	write_map(pid, "gid_map", map);
	if (write(go[1], "x", 1) != 1)
		die("release");
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("wait");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
