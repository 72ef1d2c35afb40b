/* spawn.c - run warren-helper the way pam_exec runs a helper: empty environment, only
 * stdio, default SIGCHLD, EINTR-safe wait, bounded in time.  Its answer arrives on a
 * SEQPACKET socket with the init's pidfd attached (protocol.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <security/pam_ext.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "cleanup.h"
#include "pam_warren.h"

#define HELPER_TIMEOUT_MS (60 * 1000)

__attribute__((noreturn)) static void exec_helper(const struct module_options *opt,
						  const char *verb, const char *user, int sock)
{
	const char *argv[7];
	char *const envp[] = { NULL };
	sigset_t none;
	int n = 0, null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0 || dup2(sock, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	close_range(3, ~0U, 0);
	/* Its own process group: on a timeout the helper and what it runs (mkfs, resize2fs)
	 * are killed together.  A container's supervisor leaves the group (setsid). */
	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	argv[n++] = opt->helper;
	if (opt->config) {
		argv[n++] = "--config";
		argv[n++] = opt->config;
	}
	argv[n++] = verb;
	argv[n++] = user;
	argv[n] = NULL;
	execve(opt->helper, (char *const *)argv, envp);
	_exit(127);
}

/* Receive the helper's one message; *RET_FD gets a passed fd if there was one. */
static ssize_t receive_reply(int sock, char *buf, size_t len, int *ret_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct pollfd p = { .fd = sock, .events = POLLIN };
	ssize_t n;

	*ret_fd = -EBADF;
	if (poll(&p, 1, HELPER_TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
	return n;
}

static int wait_helper(pid_t pid, bool kill_it)
{
	int status;

	if (kill_it)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

/* Fill S from an "ensure" reply; fds opened here are closed by the session cleanup. */
static int parse_reply(char *text, struct warren_session *s, char *reason, size_t reason_len)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char path[300];

		if (!strncmp(line, "error ", 6)) {
			snprintf(reason, reason_len, "%s", line + 6);
		} else if (!strncmp(line, "cgroup /sys/fs/cgroup/", 22) && !strstr(line, "..") &&
			   s->n_cgroups < REPLY_MAX_CGROUPS) {
			snprintf(path, sizeof(path), "%s/cgroup.procs", line + 7);
			s->cgroup_fds[s->n_cgroups] = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
			if (s->cgroup_fds[s->n_cgroups] < 0)
				return -errno;
			s->n_cgroups++;
		} else if (!strncmp(line, "pts " RUNTIME_DIR "/", strlen("pts " RUNTIME_DIR "/"))) {
			snprintf(s->pts, sizeof(s->pts), "%s", line + 4);
		} else if (!strncmp(line, "gid ", 4)) {
			s->gid = (gid_t)strtoul(line + 4, NULL, 10);
		}
	}
	return 0;
}

int helper_run(pam_handle_t *pamh, const struct module_options *opt, const char *verb,
	       const char *user, struct warren_session *s, char *reason, size_t reason_len)
{
	_cleanup_close_pair_ int sv[2] = { -EBADF, -EBADF };
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	char text[REPLY_MAX];
	int passed = -EBADF, r;
	ssize_t n;
	pid_t pid;

	snprintf(reason, reason_len, "warren-helper %s failed without a reason", verb);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* sshd may have a SIGCHLD handler that would reap our helper before we do. */
	sigaction(SIGCHLD, &dfl, &old);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		sigaction(SIGCHLD, &old, NULL);
		return r;
	}
	if (pid == 0)
		exec_helper(opt, verb, user, sv[1]);
	(void)setpgid(pid, pid); /* also here: no window in which the group does not exist */
	close(TAKE_FD(sv[1]));
	n = receive_reply(sv[0], text, sizeof(text), &passed);
	r = wait_helper(pid, n == -ETIMEDOUT);
	sigaction(SIGCHLD, &old, NULL);
	if (n == -ETIMEDOUT)
		snprintf(reason, reason_len, "warren-helper %s did not answer in time", verb);
	if (r == 127)
		snprintf(reason, reason_len, "cannot execute %s", opt->helper);
	if (n > 0 && r >= 0 && s && parse_reply(text, s, reason, reason_len) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot open the cgroup of %s: %m", user);
		r = -EIO;
	}
	if (s && r == HELPER_EXIT_OK) {
		if (passed < 0 || s->n_cgroups == 0 || !s->pts[0]) {
			snprintf(reason, reason_len, "incomplete answer from warren-helper");
			r = -EPROTO;
		}
		s->init_pidfd = TAKE_FD(passed);
	}
	if (passed >= 0)
		close(passed);
	return r;
}
