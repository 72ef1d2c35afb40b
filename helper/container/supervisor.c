/* supervisor.c - the host-side parent of a container's init.
 *
 * It decides idleness from the host (the container cannot fake it): the container's
 * pids cgroup counts every process inside and every sshd session process that joined,
 * so "only init left" for idle_timeout seconds, with no login in that time, means
 * nobody is using it.  Then it kills init (the kernel takes the rest of the pid
 * namespace, the mounts and the network namespace with it) and removes what lives on
 * the host: the cgroups, the devpts mount and the runtime state.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/delegate.h"
#include "lib/cleanup.h"
#include "wire/creds.h"
#include "lib/events.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/names.h"
#include "net/net.h"
#include "lib/state.h"
#include "lib/tool.h"
#include "container/supervisor.h"

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

/* Already where a supervisor belongs on the v2 hierarchy: its root, or (a systemd host)
 * the scope its container was given, which the helper entered before it forked us? */
static bool v2_placed(void)
{
	char text[4096];

	if (read_file("/proc/self/cgroup", text, sizeof(text)) < 0)
		return false;
	return !strncmp(text, "0::/\n", 5) || strstr(text, "\n0::/\n") != NULL ||
	       !strncmp(text, "0::/" DELEGATE_SLICE "/", sizeof("0::/" DELEGATE_SLICE));
}

/* Into the root cgroup of every cgroup hierarchy mounted here (whole hierarchies only).
 * The builder has one thread: on v1, "0" into "tasks" moves it without the write side
 * of cgroup_threadgroup_rwsem, which waits for an RCU grace period (5-20 ms on a
 * 2-core host) when no other migration just took it; v2 has no such file, and is
 * skipped where we are at its root already. */
static void leave_login_cgroups(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	char pid[16], root[PATH_MAX], point[PATH_MAX], fstype[32], path[PATH_MAX + 16];
	const char *dash;
	size_t size = 0;
	bool v1;
	int r;

	if (!f) {
		log_warning(-errno, "cannot leave the login's cgroups: /proc/self/mountinfo");
		return;
	}
	snprintf(pid, sizeof(pid), "%d", getpid());
	while (getline(&line, &size, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE ... */
		if (!(dash = strstr(line, " - ")) || sscanf(dash, " - %31s", fstype) != 1 ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2)
			continue;
		if ((strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")) || strcmp(root, "/"))
			continue;
		if (!strcmp(fstype, "cgroup2") && v2_placed())
			continue;
		v1 = !strcmp(fstype, "cgroup");
		snprintf(path, sizeof(path), "%s/%s", point, v1 ? "tasks" : "cgroup.procs");
		if ((r = write_file(path, v1 ? "0" : pid)) < 0)
			log_warning(r, "cannot leave the login's cgroup in %s", point);
	}
}

/* Resource RES as pid 1 has it; without CAP_SYS_RESOURCE (a confined root), a hard
 * limit cannot be raised: then ours stays, and the soft one is pid 1's below it. */
static int take_init_limit(int res)
{
	struct rlimit lim, cur;

	if (prlimit(1, (enum __rlimit_resource)res, NULL, &lim) < 0 || getrlimit(res, &cur) < 0)
		return -errno;
	if (setrlimit(res, &lim) == 0)
		return 0;
	if (errno != EPERM || lim.rlim_max <= cur.rlim_max)
		return -errno;
	lim.rlim_max = cur.rlim_max;
	if (lim.rlim_cur > lim.rlim_max)
		lim.rlim_cur = lim.rlim_max;
	return setrlimit(res, &lim) < 0 ? -errno : 0;
}

void supervisor_leave_login(void)
{
	char id[16];
	int r;

	leave_login_cgroups();
	/* "Unset": the kernel allows it with CAP_AUDIT_CONTROL; a kernel without audit has
	 * no such file. */
	if (read_file("/proc/self/loginuid", id, sizeof(id)) >= 0 && strtoul(id, NULL, 10) != UINT32_MAX &&
	    (r = write_file("/proc/self/loginuid", "4294967295")) < 0)
		log_warning(r, "cannot reset the audit login uid");
	for (int res = 0; res < RLIM_NLIMITS; res++)
		if ((r = take_init_limit(res)) < 0)
			log_warning(r, "cannot take pid 1's resource limit %d", res);
}

/* What the supervisor does for as long as the container lives, and all it may do:
 * signal the container's processes (other uids: CAP_KILL), unmount its devpts
 * (CAP_SYS_ADMIN), remove its network port and firewall elements (CAP_NET_ADMIN).
 * Its files and cgroups are root's own, which needs no capability. */
static const cap_value_t supervisor_caps[] = { CAP_KILL, CAP_SYS_ADMIN, CAP_NET_ADMIN };

/* Her container met net_conns or net_rate (nft.h): a line in the record, once, at its
 * stop (her chain of limits goes with it), so that the admin learns whose container it
 * was when the host ran short of connections, after the fact too. */
static void record_net_limits(const struct supervised *c)
{
	struct nft_limit_hits h;

	if (net_limit_hits(c->user, &h) < 0 || (!h.conns && !h.rate))
		return;
	event_record(c->state_dir, c->user, "net-limited", "container %llu: %" PRIu64 " new "
		     "connections refused past net_conns (%" PRIu32 " open at once), %" PRIu64
		     " past net_rate (%" PRIu32 " per second)", c->id, h.conns, h.conns_max, h.rate,
		     h.rate_max);
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

void supervisor_run(const struct supervised *c)
{
	const char *user = c->user;
	const struct cgroup_set *cg = c->cg;
	const unsigned idle_timeout = c->idle_timeout;
	const int init_pidfd = c->init_pidfd;
	struct sigaction sa = { .sa_handler = on_term };
	int tick_ms = idle_timeout >= 20 ? 5000 : 500;
	time_t idle_since = monotonic_now();
	struct error err = { 0 }, lost = { 0 };
	struct asked asked = { 0 };
	char why[320] = "its init exited";
	enum wake wake;
	int lock = -EBADF, r;

	/* Where the builder supervises itself (supervisor_exec could not start the helper
	 * afresh), what the helper and the builder allocated and freed stays in its heap
	 * unless given back: 3.5 MiB of its 4 MiB of private memory, measured with a
	 * network (issue 22), which the idle container would hold for as long as it runs. */
	malloc_trim(0);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* A supervisor that kept every capability of root for days is not run: the
	 * container is stopped at once instead. */
	if ((r = creds_keep_only(supervisor_caps, (int)ELEMENTSOF(supervisor_caps))) < 0) {
		error_errno(&err, r, "the supervisor of %s cannot drop its capabilities; "
			    "stopping the container", user);
		log_failure(&err);
		err = (struct error){ 0 };
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
		if (wake == WAKE_LEASE_LOST && !error_is_set(&lost)) {
			keeper_reported(c, &asked, &lost);
			if (error_is_set(&lost) || asked.mode == KEEPER_ASKED_ALWAYS)
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
		lock = user_lock(user);
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
				close(TAKE_FD(lock));
				continue;
			}
		}
		if (stop_requested || asked.mode || container_idle(user, cg, idle_timeout)) {
			if (c->abandoned)
				snprintf(why, sizeof(why), "its login gave up");
			else if (error_is_set(&lost))
				snprintf(why, sizeof(why), "its fleet lease could not be renewed");
			else if (asked.mode)
				snprintf(why, sizeof(why), "taken over by %s, takeover %s", asked.host,
					 asked.mode == KEEPER_ASKED_ALWAYS ? "always" : "idle");
			else
				snprintf(why, sizeof(why), "%s", stop_requested ? "asked to" : "idle");
			log_info("stopping the container of %s (%s)", user, why);
			(void)pidfd_kill(init_pidfd, SIGKILL);
			break;
		}
		close(TAKE_FD(lock));
		idle_since = monotonic_now();
	}
	if (lock < 0)
		lock = user_lock(user);
	/* Reap only now, with the lock held: until then init's pid cannot be recycled,
	 * which is what makes the recorded pid safe to open (container.c). */
	waitid(P_PIDFD, (id_t)init_pidfd, NULL, WEXITED);
	record_net_limits(c);
	if (container_cleanup(user, cg, &err) < 0)
		log_warning(0, "%s", err.msg);
	/* Her lease last: her container is gone from this host, storage and all. */
	keeper_release(c->keeper);
	log_info("the container of %s is stopped", user);
	if (error_is_set(&lost))
		event_record(c->state_dir, user, "stopped", "container %llu (%s: %s)", c->id, why,
			     lost.msg);
	else
		event_record(c->state_dir, user, "stopped", "container %llu (%s)", c->id, why);
	_exit(0);
}

/* Note a cleanup failure: the first is the result, the others are warnings. */
static void cleanup_failed(struct error *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cleanup_failed(struct error *err, int r, const char *fmt, ...)
{
	char what[ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (error_is_set(err))
		log_warning(r, "%s", what);
	else
		error_errno(err, r, "%s", what);
}

int container_cleanup(const char *user, const struct cgroup_set *cg, struct error *err)
{
	struct error net = { 0 };
	char path[256];
	int r;

	/* Sessions still attached to a stopped container are over too. */
	if ((r = cgroup_kill_all(cg)) < 0)
		cleanup_failed(err, r, "cannot end the sessions left in cgroup %s", cg->dirs[0]);
	if ((r = cgroup_destroy(cg)) < 0)
		cleanup_failed(err, r, "cannot remove cgroup %s", cg->dirs[0]);
	/* (Where a container that an older version started has its devpts.) */
	if (umount2(user_run_path(user, RUN_PTS, path, sizeof(path)), MNT_DETACH) < 0 &&
	    errno != EINVAL && errno != ENOENT)
		cleanup_failed(err, -errno, "cannot unmount %s", path);
	if ((r = net_detach(user, &net)) < 0)
		cleanup_failed(err, r, "cannot take the network of %s down: %s", user, net.msg);
	/* Her runtime dir stays with a network record in it, for gc to try again. */
	if ((r = state_remove(user)) < 0 ||
	    (!error_is_set(&net) && (r = user_rundir_remove(user)) < 0))
		cleanup_failed(err, r, "cannot remove the runtime state of %s", user);
	return error_is_set(err) ? err->code : 0;
}

/* The supervisor afresh (supervisor_exec, supervisor_main): where its descriptors are. */
enum { SUP_FD_INIT = 3, SUP_FD_REPORT, SUP_FD_HOLD };

/* FROM[i] at fd SUP_FD_INIT + i, inherited across exec; the rest stay as they were. */
static int place_fds(const int *from, int n)
{
	int high[3];

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

void supervisor_exec(const struct supervised *c)
{
	char init_pid[16], id[24], idle[16], keeper_pid[16];
	const char *argv[] = { "warren-helper", SUPERVISE_FLAG, c->state_dir, init_pid, id, idle,
			       c->abandoned ? "1" : "0", keeper_pid, c->user, NULL };
	char *const envp[] = { NULL };
	int fds[] = { c->init_pidfd, c->keeper->report_fd, c->keeper->hold_fd };
	int n = c->keeper->pid > 0 ? 3 : 1, r;
	struct supervised here = *c;
	struct keeper keeper = *c->keeper;

	snprintf(init_pid, sizeof(init_pid), "%d", (int)c->init_pid);
	snprintf(id, sizeof(id), "%llu", c->id);
	snprintf(idle, sizeof(idle), "%u", c->idle_timeout);
	snprintf(keeper_pid, sizeof(keeper_pid), "%d", (int)c->keeper->pid);
	if ((r = place_fds(fds, n)) == 0) {
		/* This very binary (/proc/self/exe: the one that built the container, even if
		 * an upgrade replaced the file since), so that the two always agree. */
		execve("/proc/self/exe", (char *const *)argv, envp);
		r = -errno;
		here.init_pidfd = SUP_FD_INIT;
		if (n == 3)
			keeper.report_fd = SUP_FD_REPORT, keeper.hold_fd = SUP_FD_HOLD;
	}
	log_warning(r, "cannot start the supervisor of %s afresh; it goes on in its builder, "
		    "with the builder's memory", c->user);
	here.keeper = &keeper;
	supervisor_run(&here);
}

/* A number of ours on the command line: digits only, at most MAX. */
static int number_arg(const char *s, unsigned long long max, unsigned long long *ret)
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

int supervisor_main(int argc, char **argv)
{
	unsigned long long init_pid, id, idle, abandoned, keeper_pid;
	struct keeper keeper = KEEPER_NONE;
	struct cgroup_set cg;
	int r;

	/* Only root, as for every verb: a setuid install grants nothing here either. */
	if (creds_require_root() < 0) {
		fprintf(stderr, "warren-helper: must be run by root (pam_warren runs it)\n");
		return 1;
	}
	(void)prctl(PR_SET_NAME, "warren-helper", 0, 0, 0);
	log_open("warren-helper");
	if (argc != 7 || argv[0][0] != '/' || number_arg(argv[1], INT_MAX, &init_pid) < 0 ||
	    number_arg(argv[2], ~0ULL, &id) < 0 || number_arg(argv[3], UINT_MAX, &idle) < 0 ||
	    number_arg(argv[4], 1, &abandoned) < 0 || number_arg(argv[5], INT_MAX, &keeper_pid) < 0 ||
	    !name_is_valid(argv[6])) {
		log_warning(-EINVAL, "warren-helper " SUPERVISE_FLAG " is started by the builder of "
			    "a container only");
		return 1;
	}
	/* What the builder handed over is what it says: her init and her lease's keeper,
	 * children of this process, and their descriptors. */
	if (!our_child((pid_t)init_pid) || !pidfd_is(SUP_FD_INIT, (pid_t)init_pid) ||
	    (keeper_pid && (!our_child((pid_t)keeper_pid) || !is_pipe(SUP_FD_REPORT) ||
			    !is_pipe(SUP_FD_HOLD)))) {
		log_warning(-EBADF, "warren-helper " SUPERVISE_FLAG ": not handed a container of "
			    "%s by its builder", argv[6]);
		return 1;
	}
	close_range(keeper_pid ? SUP_FD_HOLD + 1 : SUP_FD_INIT + 1, ~0U, 0);
	clearenv();
	umask(022);
	if (keeper_pid)
		keeper = (struct keeper){ .pid = (pid_t)keeper_pid, .report_fd = SUP_FD_REPORT,
					  .hold_fd = SUP_FD_HOLD };
	if ((r = cgroup_resolve(argv[6], &cg)) < 0) {
		/* Without its cgroups it cannot tell idle from busy: the container stops. */
		log_warning(r, "the supervisor of %s finds no cgroup of hers; stopping her container",
			    argv[6]);
		(void)pidfd_kill(SUP_FD_INIT, SIGKILL);
	}
	supervisor_run(&(struct supervised){ .user = argv[6], .init_pidfd = SUP_FD_INIT,
					     .init_pid = (pid_t)init_pid, .cg = &cg,
					     .idle_timeout = (unsigned)idle, .state_dir = argv[0],
					     .id = id, .abandoned = abandoned, .keeper = &keeper });
}
