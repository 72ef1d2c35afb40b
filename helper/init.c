/* init.c - warren-init, pid 1 of every container (a static binary: it runs inside the
 * image, which has none of warren's libraries).
 *
 * It holds the pid namespace alive and reaps: sessions are children of sshd processes
 * outside the namespace, so when those go, their children are reparented here.
 * It has no host privilege and no say in the container's lifetime: the supervisor on
 * the host decides when it is idle and kills it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_NAME "warren-init"

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(void)
{
	sigset_t all;
	int fd;

	prctl(PR_SET_NAME, INIT_NAME, 0, 0, 0);
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close_range(3, ~0U, 0);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		siginfo_t si;

		reap_all();
		if (sigwaitinfo(&all, &si) < 0)
			continue;
		if (si.si_signo == SIGTERM || si.si_signo == SIGINT)
			return 0;
	}
}
