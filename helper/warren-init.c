/* init.c - warren-init, pid 1 of every container (a static binary: it runs inside the
 * image, which has none of warren's libraries).
 *
 * It holds the pid namespace alive and reaps: sessions are children of sshd processes
 * outside the namespace, so when those go, their children are reparented here.
 * It has no host privilege and no say in the container's lifetime: the supervisor on
 * the host decides when it is idle and kills it.  Reaping needs no capability, so it
 * keeps none, even of the container's root it runs as.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_NAME "warren-init"

/* Every capability gone, from the bounding set too, verified: 0, or -1. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -1;
	if (syscall(SYS_capset, &h, d) < 0 || syscall(SYS_capget, &h, d) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return -1;
	return prctl(PR_CAPBSET_READ, 0, 0, 0, 0) == 0 ? 0 : -1;
}

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
	/* Better no container (the login that started it cannot join a dead init) than
	 * one whose pid 1 kept root's capabilities. */
	if (drop_capabilities() < 0)
		return 1;
	/* Again, as G set it before: a change of credentials on the way here may have
	 * cleared it.  The supervisor's death kills the whole container (pid 1's death
	 * empties its pid namespace). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return 1;
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
