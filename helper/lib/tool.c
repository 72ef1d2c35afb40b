/* tool.c - run a host tool (see tool.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/tool.h"

/* Start ARGV with stdin on /dev/null, stdout on OUT (or /dev/null if OUT < 0), and
 * stderr there too with BOTH_OUT (else on /dev/null); its pid, or -errno. */
static pid_t spawn(const char *const argv[], int out, bool both_out)
{
	char *const envp[] = { NULL };
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* A tool does not outlive whoever waits for it (a helper killed on a timeout). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		if (null < 0 || dup2(null, 0) < 0 || dup2(out >= 0 ? out : null, 1) < 0 ||
		    dup2(both_out && out >= 0 ? out : null, 2) < 0)
			_exit(127);
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	return pid;
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int tool_run(const char *const argv[])
{
	pid_t pid = spawn(argv, -1, false);

	return pid < 0 ? pid : wait_status(pid);
}

/* tool_output(), and tool_output_all() with BOTH_OUT. */
static int output(const char *const argv[], bool both_out, char *buf, size_t len)
{
	char sink[512];
	int pipefd[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = spawn(argv, pipefd[1], both_out);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return pid;
	}
	/* All of it read (a tool blocked on a full pipe would never exit), LEN-1 kept. */
	for (;;) {
		bool room = got + 1 < len;

		n = read(pipefd[0], room ? buf + got : sink, room ? len - 1 - got : sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (room)
			got += (size_t)n;
	}
	close(pipefd[0]);
	buf[got] = '\0';
	return wait_status(pid);
}

int tool_output(const char *const argv[], char *buf, size_t len)
{
	return output(argv, false, buf, len);
}

int tool_output_all(const char *const argv[], char *buf, size_t len)
{
	return output(argv, true, buf, len);
}

int tool_remove_tree(const char *path)
{
	const char *rm[] = { "/bin/rm", "-rf", "--one-file-system", "--", path, NULL };

	return tool_run(rm) == 0 ? 0 : -EIO;
}

pid_t tool_fork_reporting(int *ret_fd)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	close(pipefd[pid == 0 ? 0 : 1]);
	*ret_fd = pipefd[pid == 0 ? 1 : 0];
	return pid;
}

int error_send(int fd, const struct error *e)
{
	return write_all(fd, e, sizeof(*e));
}

int error_recv(int fd, bool eof_ok, const char *who, struct error *err)
{
	struct error child = { 0 };
	ssize_t n;

	while ((n = read(fd, &child, sizeof(child))) < 0 && errno == EINTR)
		;
	if (n == 0 && eof_ok)
		return 0;
	if (n != (ssize_t)sizeof(child) || (eof_ok && !error_is_set(&child)))
		return error_set(err, -EPROTO, "%s died", who);
	if (!error_is_set(&child))
		return 0;
	child.msg[sizeof(child.msg) - 1] = '\0';
	return error_set(err, child.code, "%s", child.msg);
}

int pidfd_of(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : fd;
}

int pidfd_kill(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int cgroup_each_proc(const char *dir, void (*fn)(long pid, void *data), void *data)
{
	_cleanup_fclose_ FILE *f = NULL;
	char path[PATH_MAX];
	long pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!(f = fopen(path, "re")))
		return -errno;
	while (fscanf(f, "%ld", &pid) == 1)
		fn(pid, data);
	return ferror(f) ? -EIO : 0;
}
