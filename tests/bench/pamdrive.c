/* pamdrive.c - the login path of sshd through the real pam_warren, timed (make bench).
 *
 *   pamdrive SERVICE CONFDIR USER N [STOP-CMD...]
 *
 * N times: (if STOP-CMD is given, run it first, untimed: a cold start each time), then
 * fork a "monitor" that does what sshd's monitor does - the user looked up (untimed, as
 * sshd's is before PAM), pam_start, pam_setcred, pam_open_session - and forks a "post-auth child" that calls pam_setcred (where
 * pam_warren joins the container) and exits.  Prints one line per login:
 *   I OPEN_US JOIN_US TOTAL_US
 * OPEN: setcred + open_session in the monitor; JOIN: the child's fork, setcred, exit;
 * TOTAL: both, the time warren adds to a login (the stack holds pam_warren only).
 * With WARREN_BENCH_LOG set, the driver appends its own marks there too (benchmark.h
 * format), so that tests/bench/steps.pl can break a login down by step.
 * PAMDRIVE_PAUSE_MS (default 100) between logins: logins back to back would find
 * kernel state that real ones, spaced apart, do not (a cgroup migration shortly after
 * another skips the RCU grace period the first one waits for).
 */
#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int mark_fd = -1;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void mark(long long ns, const char *step)
{
	char line[128];
	int n;

	if (mark_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%lld %d %s\n", ns, (int)getpid(), step);
	if (n > 0)
		(void)!write(mark_fd, line, (size_t)n);
}

static int no_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR;
}

static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The monitor: returns 0 and the two times, or the step that failed. */
static int monitor(const char *svc, const char *confdir, const char *user, long long t[3])
{
	struct pam_conv conv = { no_conv, NULL };
	pam_handle_t *pamh = NULL;
	pid_t child;
	int r;

	/* sshd's monitor looked the user up before PAM (getpwnamallow): NSS is set up. */
	(void)getpwnam(user);
	t[0] = now_ns();
	mark(t[0], "driver-start");
	if ((r = pam_start_confdir(svc, user, &conv, confdir, &pamh)) != PAM_SUCCESS)
		return 10;
	mark(now_ns(), "driver-pam-started");
	/* Its result is not looked at, as sshd does for a key login (pam_warren ignores
	 * this call but for a note; a stack of its line only then ends in PAM_PERM_DENIED). */
	(void)pam_setcred(pamh, PAM_ESTABLISH_CRED);
	if ((r = pam_open_session(pamh, 0)) != PAM_SUCCESS)
		return 12;
	t[1] = now_ns();
	mark(t[1], "driver-opened");
	child = fork();
	if (child < 0)
		return 13;
	if (child == 0) {
		r = pam_setcred(pamh, PAM_ESTABLISH_CRED);
		_exit(r == PAM_SUCCESS ? 0 : 1);
	}
	if (wait_status(child) != 0)
		return 14;
	t[2] = now_ns();
	mark(t[2], "driver-joined");
	pam_close_session(pamh, 0);
	pam_end(pamh, PAM_SUCCESS);
	return 0;
}

static int run_stop(char **cmd)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		execv(cmd[0], cmd);
		_exit(127);
	}
	return wait_status(pid);
}

int main(int argc, char **argv)
{
	const char *log = getenv("WARREN_BENCH_LOG");
	int n, pause_ms;

	if (argc < 5 || (n = atoi(argv[4])) < 1) {
		fprintf(stderr, "usage: pamdrive SERVICE CONFDIR USER N [STOP-CMD...]\n");
		return 2;
	}
	if (log && *log)
		mark_fd = open(log, O_WRONLY | O_APPEND | O_CLOEXEC);
	setvbuf(stdout, NULL, _IOLBF, 0);
	pause_ms = getenv("PAMDRIVE_PAUSE_MS") ? atoi(getenv("PAMDRIVE_PAUSE_MS")) : 100;
	for (int i = 0; i < n; i++) {
		int p[2], st, r;
		long long t[3];
		pid_t pid;

		if (argc > 5 && run_stop(argv + 5) != 0) {
			fprintf(stderr, "pamdrive: the stop command failed\n");
			return 1;
		}
		if (pause_ms > 0)
			usleep((useconds_t)pause_ms * 1000);
		if (pipe(p) < 0 || (pid = fork()) < 0)
			return 1;
		if (pid == 0) {
			close(p[0]);
			st = monitor(argv[1], argv[2], argv[3], t);
			if (st == 0)
				(void)!write(p[1], t, sizeof(t));
			_exit(st);
		}
		close(p[1]);
		st = read(p[0], t, sizeof(t)) == (ssize_t)sizeof(t) ? 0 : -1;
		close(p[0]);
		if ((r = wait_status(pid)) != 0 || st < 0) {
			/* 10 pam_start, 11 setcred, 12 open_session, 13 fork, 14 the join */
			fprintf(stderr, "pamdrive: login %d of %s failed (step %d; see the syslog)\n", i,
				argv[3], r);
			return 1;
		}
		printf("%d %lld %lld %lld\n", i, (t[1] - t[0]) / 1000, (t[2] - t[1]) / 1000,
		       (t[2] - t[0]) / 1000);
	}
	return 0;
}
