/* relay.c - a command's terminal or stdio, relayed (see relay.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "container/relay.h"

enum { CH_IN, CH_OUT, CH_ERR };

static void channel_init(struct relay_channel *c, int from, int to)
{
	memset(c, 0, sizeof(*c));
	c->from = from;
	c->to = to;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

static int open_pty(struct relay *r, const char *ptmx, uid_t uid, mode_t mode, struct error *err)
{
	int slave, unlock = 0;

	r->master = open(ptmx, O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	if (r->master < 0)
		return error_errno(err, -errno, "cannot open a pty: %s", ptmx);
	/* The slave by the master, not by a path in the container's devpts. */
	if (ioctl(r->master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(r->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return error_errno(err, -errno, "cannot open a pty's slave: %s", ptmx);
	for (int i = 0; i < 3; i++)
		r->child_fds[i] = slave;
	if (fchown(slave, uid, (gid_t)-1) < 0 || fchmod(slave, mode) < 0 ||
	    set_nonblock(r->master) < 0)
		return error_errno(err, -errno, "cannot set up a pty of %s", ptmx);
	channel_init(&r->ch[CH_IN], STDIN_FILENO, r->master);
	channel_init(&r->ch[CH_OUT], r->master, STDOUT_FILENO);
	r->n_ch = 2;
	return 0;
}

static int open_pipes(struct relay *r, struct error *err)
{
	int p[3][2];

	for (int i = 0; i < 3; i++) {
		if (pipe2(p[i], O_CLOEXEC) < 0)
			return error_errno(err, -errno, "pipes");
		/* Ours: in's write end, out's and err's read ends. */
		r->child_fds[i] = p[i][i == CH_IN ? 0 : 1];
		if (set_nonblock(p[i][i == CH_IN ? 1 : 0]) < 0)
			return error_errno(err, -errno, "pipes");
	}
	channel_init(&r->ch[CH_IN], STDIN_FILENO, p[CH_IN][1]);
	r->ch[CH_IN].close_on_eof = true;
	channel_init(&r->ch[CH_OUT], p[CH_OUT][0], STDOUT_FILENO);
	channel_init(&r->ch[CH_ERR], p[CH_ERR][0], STDERR_FILENO);
	r->n_ch = 3;
	return 0;
}

void relay_init(struct relay *r)
{
	memset(r, 0, sizeof(*r));
	r->master = -1;
	for (int i = 0; i < 3; i++) {
		r->child_fds[i] = -1;
		r->ch[i].from = r->ch[i].to = -1;
	}
}

int relay_open(struct relay *r, const char *ptmx, uid_t uid, mode_t mode, struct error *err)
{
	int ret;

	relay_init(r);
	r->pty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	ret = r->pty ? open_pty(r, ptmx, uid, mode, err) : open_pipes(r, err);
	/* The command's output is the user's: what reaches a terminal is filtered. */
	for (int i = CH_OUT; ret >= 0 && i < r->n_ch; i++) {
		r->ch[i].filter = isatty(r->ch[i].to);
		term_filter_init(&r->ch[i].tf);
	}
	return ret;
}

int relay_child_stdio(const struct relay *r)
{
	if (setsid() < 0)
		return -errno;
	if (r->pty && ioctl(r->child_fds[0], TIOCSCTTY, 0) < 0)
		return -errno;
	for (int i = 0; i < 3; i++)
		if (dup2(r->child_fds[i], i) < 0)
			return -errno;
	/* Nor any other fd: the helper's own are close-on-exec, but this is the place to
	 * be sure of it. */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
		return -errno;
	return 0;
}

/* Our ends that are not the caller's fds 0-2. */
static bool ours(int fd)
{
	return fd > STDERR_FILENO;
}

/* The command's stdin, stdout and stderr (one pty slave, or three pipe ends). */
static void close_child_fds(struct relay *r)
{
	for (int i = 0; i < 3; i++) {
		if (r->child_fds[i] >= 0 && (i == 0 || r->child_fds[i] != r->child_fds[i - 1]))
			close(r->child_fds[i]);
		r->child_fds[i] = -1;
	}
}

void relay_close(struct relay *r)
{
	close_child_fds(r);
	for (int i = 0; i < r->n_ch; i++) {
		if (ours(r->ch[i].from) && r->ch[i].from != r->master)
			close(r->ch[i].from);
		if (ours(r->ch[i].to) && r->ch[i].to != r->master)
			close(r->ch[i].to);
	}
	r->n_ch = 0;
	if (r->master >= 0)
		close(r->master);
	r->master = -1;
	if (r->raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &r->saved);
	r->raw = false;
}

/* The caller's terminal, raw, so that every key reaches the command's pty as typed
 * (^C included: it is the command's terminal that makes it a signal). */
static int caller_tty_raw(struct relay *r)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &r->saved) < 0)
		return -errno;
	raw = r->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
		return -errno;
	r->raw = true;
	return 0;
}

static void copy_window_size(const struct relay *r)
{
	struct winsize ws;

	if (r->pty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(r->master, TIOCSWINSZ, &ws);
}

/* Move what CH has, one step: read when its buffer is empty, else write.  0 on
 * progress or nothing to do, -EAGAIN when it would block. */
static int channel_step(struct relay_channel *c)
{
	ssize_t n;

	if (c->len == 0) {
		char raw[sizeof(c->buf) - TERM_FILTER_ROOM(0)];

		n = read(c->from, c->filter ? raw : c->buf, c->filter ? sizeof(raw) : sizeof(c->buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return -EAGAIN;
		/* EIO: a pty whose slave is closed everywhere. */
		if (n <= 0) {
			c->eof = true;
			if (c->close_on_eof)
				close(TAKE_FD(c->to));
			return 0;
		}
		c->len = c->filter ? term_filter(&c->tf, raw, (size_t)n, c->buf) : (size_t)n;
		c->off = 0;
		if (c->len == 0) /* all of it held back or dropped */
			return 0;
	}
	n = write(c->to, c->buf + c->off, c->len - c->off);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : (c->eof = true, 0);
	c->off += (size_t)n;
	if (c->off == c->len)
		c->len = 0;
	return 0;
}

/* After the command exited: what is buffered in its output, moved without waiting. */
static void drain(struct relay *r)
{
	for (int i = CH_OUT; i < r->n_ch; i++)
		for (int guard = 0; guard < 1024 && !r->ch[i].eof; guard++)
			if (channel_step(&r->ch[i]) == -EAGAIN && r->ch[i].len == 0)
				break;
}

/* The signals read from SFD: a resize goes to the pty; the others, which would end
 * the relay, go to the command instead, whose end ends it. */
static void handle_signal(struct relay *r, int sfd, pid_t pid)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			copy_window_size(r);
		else
			kill(pid, (int)si.ssi_signo);
	}
}

/* Move bytes until the command PID (PIDFD) has exited, then what it left in the pipes
 * or the pty; signals from SFD.  0, or -errno if polling failed. */
static int pump(struct relay *r, int pidfd, int sfd, pid_t pid)
{
	for (;;) {
		struct pollfd p[5];
		int n = 0, idx[3];

		p[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (int i = 0; i < r->n_ch; i++) {
			struct relay_channel *c = &r->ch[i];

			idx[i] = -1;
			if (c->eof)
				continue;
			idx[i] = n;
			p[n++] = c->len ? (struct pollfd){ .fd = c->to, .events = POLLOUT }
					: (struct pollfd){ .fd = c->from, .events = POLLIN };
		}
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents)
			handle_signal(r, sfd, pid);
		for (int i = 0; i < r->n_ch; i++)
			if (idx[i] >= 0 && p[idx[i]].revents)
				(void)channel_step(&r->ch[i]);
		if (p[0].revents) {
			drain(r);
			return 0;
		}
	}
}

int relay_run(struct relay *r, pid_t pid)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), sfd = -EBADF;
	sigset_t mask, old;
	int ret = 0;

	close_child_fds(r); /* the command's ends are its own now */
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, &old);
	/* A write to a command that closed its stdin fails rather than kill us. */
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (pidfd < 0 || sfd < 0)
		ret = -errno;
	else if (r->pty) {
		copy_window_size(r);
		ret = caller_tty_raw(r);
	}
	if (ret == 0)
		ret = pump(r, pidfd, sfd, pid);
	relay_close(r);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
