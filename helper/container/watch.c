/* watch.c - a container's supervisor watching it from the host (watch.h).
 *
 * It decides idleness from the host (the container cannot fake it): the container's
 * pids cgroup counts every process inside and every sshd session process that joined,
 * so "only init left" for idle_timeout seconds, with no login in that time, means
 * nobody is using it.  Then it kills init (the kernel takes the rest of the pid
 * namespace, the mounts and the network namespace with it); the stop (supervisor.c)
 * removes what lives on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container/watch.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/state.h"
#include "lib/tool.h"
#include "wire/creds.h"

static volatile sig_atomic_t stop_requested;

static void on_term(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static time_t monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Idle: nothing but init in the cgroup, and no login within IDLE_TIMEOUT. */
static bool container_idle(const char *user, const struct cgroup_set *cg, unsigned idle_timeout)
{
	struct timespec last, now;
	long tasks;

	if (cgroup_task_count(cg, &tasks) < 0 || tasks > 1)
		return false;
	if (state_last_login(user, &last) < 0)
		return false;
	/* To the nanosecond: a login that just touched the state is never "idle". */
	clock_gettime(CLOCK_REALTIME, &now);
	return (now.tv_sec - last.tv_sec) * 1000000000LL + (now.tv_nsec - last.tv_nsec) >=
	       (long long)idle_timeout * 1000000000LL;
}

enum wake { WAKE_TICK, WAKE_INIT_EXITED, WAKE_LEASE_LOST };

/* Sleep until init exits, the lease's keeper reports (REPORT_FD; -EBADF: none) or one
 * tick passed. */
static enum wake sleep_tick(int pidfd, int report_fd, int ms)
{
	struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN },
			       { .fd = report_fd, .events = POLLIN } };

	if (poll(p, report_fd >= 0 ? 2 : 1, ms) <= 0)
		return WAKE_TICK;
	if (p[0].revents)
		return WAKE_INIT_EXITED;
	return p[1].revents ? WAKE_LEASE_LOST : WAKE_TICK;
}

/* What the supervisor does for as long as the container lives, and all it may do:
 * signal the container's processes (other uids: CAP_KILL), unmount its devpts
 * (CAP_SYS_ADMIN), remove its network port and firewall elements (CAP_NET_ADMIN).
 * Its files and cgroups are root's own, which needs no capability. */
static const cap_value_t supervisor_caps[] = { CAP_KILL, CAP_SYS_ADMIN, CAP_NET_ADMIN };

int supervisor_keep_caps(void)
{
	return creds_keep_only(supervisor_caps, (int)ELEMENTSOF(supervisor_caps));
}

/* Who asks for her container (takeover), as the keeper reported it. */
struct asked {
	int mode;                    /* 0, KEEPER_ASKED_IDLE or KEEPER_ASKED_ALWAYS */
	char host[256];
};

/* The keeper of C reported: a request of another host (into *ASKED; "always" asks her
 * programs to end first), or it gave up (into *LOST): the fence, her container's init
 * killed at once, before her lock is taken (a login may hold it past the TTL). */
static void keeper_reported(const struct supervised *c, struct asked *asked, struct error *lost)
{
	struct error said = { 0 };
	int r = keeper_read(c->keeper, &said);

	if (r == KEEPER_ASKED_IDLE || r == KEEPER_ASKED_ALWAYS) {
		asked->mode = r;
		snprintf(asked->host, sizeof(asked->host), "%.255s", said.msg);
		if (r == KEEPER_ASKED_ALWAYS) {
			log_info("%s takes the container of %s over (takeover always): SIGTERM to her "
				 "programs first", asked->host, c->user);
			cgroup_ask_to_end(c->cg, c->init_pid, STOP_GRACE_S);
		}
		return;
	}
	*lost = said;
	error_wrap(&said, "stopping the container of %s", c->user);
	log_failure(&said);
	(void)pidfd_kill(c->init_pidfd, SIGKILL);
}

/* How often an idle container is looked at: a twentieth of IDLE_TIMEOUT, from 5 s to a
 * minute (it stops at most that much after its timeout), or half a second for timeouts
 * under 20 s.  Init's exit, a stop and the lease's keeper wake the supervisor at once
 * whatever the tick; a session's processes are seen at any tick, and one that came and
 * went between two ticks came with a login, which keeps it from idle for the whole
 * timeout.  A host of 1000 idle containers with the default 300 s timeout wakes 67
 * supervisors a second, not 200 (issue 22). */
static int watch_tick_ms(unsigned idle_timeout)
{
	unsigned ms = idle_timeout * (1000 / 20);

	if (idle_timeout < 20)
		return 500;
	return ms < 5000 ? 5000 : ms > 60000 ? 60000 : (int)ms;
}

void supervisor_watch(const struct supervised *c, struct watch_end *ret)
{
	const char *user = c->user;
	const struct cgroup_set *cg = c->cg;
	const unsigned idle_timeout = c->idle_timeout;
	const int init_pidfd = c->init_pidfd;
	struct sigaction sa = { .sa_handler = on_term };
	const int tick_ms = watch_tick_ms(idle_timeout);
	time_t idle_since = monotonic_now();
	struct error err = { 0 };
	struct asked asked = { 0 };
	enum wake wake;
	int r;

	*ret = (struct watch_end){ .lock = -EBADF, .why = "its init exited" };
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* A supervisor that kept every capability of root for days is not run: the
	 * container is stopped at once instead. */
	if ((r = supervisor_keep_caps()) < 0) {
		error_errno(&err, r, "the supervisor of %s cannot drop its capabilities; "
			    "stopping the container", user);
		log_failure(&err);
		stop_requested = 1;
	}
	/* Built for a login that gave up (pam_warren's timeout): nobody will use it. */
	if (c->abandoned)
		stop_requested = 1;
	else /* her fleet lease's record names this container from now on */
		keeper_note(c->keeper, c->id);

	while ((wake = sleep_tick(init_pidfd, c->keeper->report_fd, tick_ms)) != WAKE_INIT_EXITED) {
		/* Self-fencing: the keeper gives up while the lease still holds, so that her
		 * container is gone before another host may take the lease. */
		if (wake == WAKE_LEASE_LOST && !error_is_set(&ret->lost)) {
			keeper_reported(c, &asked, &ret->lost);
			if (error_is_set(&ret->lost) || asked.mode == KEEPER_ASKED_ALWAYS)
				stop_requested = 1;
		}
		if (!stop_requested && !asked.mode) {
			if (!container_idle(user, cg, idle_timeout)) {
				idle_since = monotonic_now();
				continue;
			}
			if (monotonic_now() - idle_since < (time_t)idle_timeout)
				continue;
		}
		/* Decide again under the lock: a login may be joining right now. */
		ret->lock = user_lock(user);
		if (asked.mode == KEEPER_ASKED_IDLE && !stop_requested) {
			long tasks = 0;

			/* A cgroup that cannot be counted counts as busy: refused, not stopped. */
			if (cgroup_task_count(cg, &tasks) < 0 || tasks > 1) {
				char reason[96];

				if (tasks > 1)
					snprintf(reason, sizeof(reason), "a session of hers is alive there "
						 "(%ld processes)", tasks - 1);
				else
					snprintf(reason, sizeof(reason), "her container's processes "
						 "cannot be counted there");
				keeper_refuse(c->keeper, reason);
				log_info("%s asks for the container of %s (takeover idle): refused, %s",
					 asked.host, user, reason);
				asked.mode = 0;
				close(TAKE_FD(ret->lock));
				continue;
			}
		}
		if (stop_requested || asked.mode || container_idle(user, cg, idle_timeout)) {
			if (c->abandoned)
				snprintf(ret->why, sizeof(ret->why), "its login gave up");
			else if (error_is_set(&ret->lost))
				snprintf(ret->why, sizeof(ret->why), "its fleet lease could not be renewed");
			else if (asked.mode)
				snprintf(ret->why, sizeof(ret->why), "taken over by %s, takeover %s",
					 asked.host, asked.mode == KEEPER_ASKED_ALWAYS ? "always" : "idle");
			else
				snprintf(ret->why, sizeof(ret->why), "%s",
					 stop_requested ? "asked to" : "idle");
			log_info("stopping the container of %s (%s)", user, ret->why);
			(void)pidfd_kill(init_pidfd, SIGKILL);
			break;
		}
		close(TAKE_FD(ret->lock));
		idle_since = monotonic_now();
	}
	if (ret->lock < 0)
		ret->lock = user_lock(user);
}

int supervisor_place_fds(const int *from, int n)
{
	int high[SUP_FDS_WITH_KEEPER];

	if (n > SUP_FDS_WITH_KEEPER)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if ((high[i] = fcntl(from[i], F_DUPFD_CLOEXEC, 16)) < 0)
			return -errno;
	for (int i = 0; i < n; i++)
		if (dup2(high[i], SUP_FD_INIT + i) < 0)
			return -errno;
	for (int i = 0; i < n; i++)
		close(high[i]);
	return 0;
}

int supervisor_number_arg(const char *s, unsigned long long max, unsigned long long *ret)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 20)
		return -EINVAL;
	errno = 0;
	*ret = strtoull(s, &end, 10);
	return errno || *ret > max ? -EINVAL : 0;
}

/* PID is a child of ours, not yet reaped. */
static bool our_child(pid_t pid)
{
	struct container_state st = { .init_pid = pid, .supervisor_pid = getpid() };

	return pid > 0 && state_supervised(&st);
}

/* FD is a pidfd of PID. */
static bool pidfd_is(int fd, pid_t pid)
{
	char path[64], text[1024], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_file(path, text, sizeof(text)) < 0 || !(p = strstr(text, "\nPid:")))
		return false;
	return strtol(p + 5, NULL, 10) == pid;
}

static bool is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

bool supervisor_handed(pid_t init_pid, pid_t keeper_pid)
{
	return our_child(init_pid) && pidfd_is(SUP_FD_INIT, init_pid) &&
	       (!keeper_pid || (pidfd_is(SUP_FD_KEEPER, keeper_pid) && is_pipe(SUP_FD_REPORT) &&
				is_pipe(SUP_FD_HOLD)));
}
