/* supervisor.c - a container's supervisor, as the helper starts it and stops it.
 *
 * The builder of a container becomes its supervisor: it leaves the login, and once the
 * login took the container it execs warren-supervisor, which watches the container
 * (watch.c) holding little of the host's memory.  When the container is to stop, that
 * one execs the helper again (warren-helper --supervisor-stop), which reaps init and
 * removes what lives on the host: the cgroups, the network port and firewall elements,
 * the runtime state.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/close_range.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/supervisor.h"
#include "lib/cleanup.h"
#include "lib/events.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/state.h"
#include "lib/text.h"
#include "lib/tool.h"
#include "net/net.h"
#include "wire/creds.h"

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

void supervisor_stop(const struct supervised *c, const struct watch_end *end)
{
	struct error err = { 0 };

	/* Reap only now, with the lock held: until then init's pid cannot be recycled,
	 * which is what makes the recorded pid safe to open (container.c). */
	waitid(P_PIDFD, (id_t)c->init_pidfd, NULL, WEXITED);
	record_net_limits(c);
	if (container_cleanup(c->user, c->cg, &err) < 0)
		log_warning(0, "%s", err.msg);
	/* Her lease last: her container is gone from this host, storage and all. */
	keeper_release(c->keeper);
	log_info("the container of %s is stopped", c->user);
	if (error_is_set(&end->lost))
		event_record(c->state_dir, c->user, "stopped", "container %llu (%s: %s)", c->id,
			     end->why, end->lost.msg);
	else
		event_record(c->state_dir, c->user, "stopped", "container %llu (%s)", c->id,
			     end->why);
	_exit(0);
}

/* Use the copy of FD at PLACED (*RET), and close FD itself unless it is that one. */
static void close_other(int fd, int placed, int *ret)
{
	if (fd != placed)
		close(fd);
	*ret = placed;
}

void supervisor_exec(const struct supervised *c, int exe_fd)
{
	char init_pid[16], id[24], idle[16], keeper_pid[16];
	const char *argv[] = { SUPERVISOR_NAME, c->state_dir, init_pid, id, idle,
			       c->abandoned ? "1" : "0", keeper_pid, c->user, NULL };
	char *const envp[] = { NULL };
	_cleanup_close_ int self = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	int fds[] = { c->init_pidfd, self, c->keeper->report_fd, c->keeper->hold_fd,
		      c->keeper->pidfd };
	int n = c->keeper->pid > 0 ? SUP_FDS_WITH_KEEPER : SUP_FDS_WITHOUT_KEEPER;
	int r = self < 0 ? -errno : 0;
	struct supervised here = *c;
	struct keeper keeper = *c->keeper;
	struct watch_end end;

	snprintf(init_pid, sizeof(init_pid), "%d", (int)c->init_pid);
	snprintf(id, sizeof(id), "%llu", c->id);
	snprintf(idle, sizeof(idle), "%u", c->idle_timeout);
	snprintf(keeper_pid, sizeof(keeper_pid), "%d", (int)c->keeper->pid);
	/* Out of the way of the descriptors placed first. */
	if (r == 0 && (exe_fd = fcntl(exe_fd, F_DUPFD_CLOEXEC, SUP_FD_KEEPER + 1)) < 0)
		r = -errno;
	/* The log's socket may have one of their numbers (the helper opened it after closing
	 * all but 0-2): placed over, syslog would close init's pidfd as its own. */
	log_close();
	if (r == 0 && (r = supervisor_place_fds(fds, n)) == 0) {
		/* Its stop is this very binary's (SUP_FD_PASSED: the helper that built the
		 * container, even if an upgrade replaced the file since), so that the two agree. */
		fexecve(exe_fd, (char *const *)argv, envp);
		r = -errno;
		/* Going on here: with the placed copies alone (the keeper sees the end of its
		 * input only once every copy of its stdin's write end is closed). */
		close_other(c->init_pidfd, SUP_FD_INIT, &here.init_pidfd);
		if (n == SUP_FDS_WITH_KEEPER) {
			close_other(c->keeper->report_fd, SUP_FD_REPORT, &keeper.report_fd);
			close_other(c->keeper->hold_fd, SUP_FD_HOLD, &keeper.hold_fd);
			close_other(c->keeper->pidfd, SUP_FD_KEEPER, &keeper.pidfd);
		}
	}
	log_open("warren-helper");
	log_warning(r, "cannot start the supervisor of %s (%s); it goes on in its builder, "
		    "with the builder's memory", c->user, SUPERVISOR_NAME);
	/* What the helper and the builder allocated and freed stays in the heap unless
	 * given back: 3.5 MiB of its 4 MiB of private memory, measured with a network
	 * (issue 22), which the idle container would hold for as long as it runs. */
	malloc_trim(0);
	here.keeper = &keeper;
	supervisor_watch(&here, &end);
	supervisor_stop(&here, &end);
}

/* FD holds USER's lock: it is her lock file, and taking it through FD succeeds at once
 * (FD held it, as the supervisor hands it over; or nobody did, and now FD does). */
static bool holds_user_lock(int fd, const char *user)
{
	char path[256];
	struct stat held, now;

	user_lock_path(user, path, sizeof(path));
	return fstat(fd, &held) == 0 && lstat(path, &now) == 0 && S_ISREG(now.st_mode) &&
	       held.st_dev == now.st_dev && held.st_ino == now.st_ino &&
	       flock(fd, LOCK_EX | LOCK_NB) == 0;
}

/* USER's record, if she has one, names this process as her container's supervisor and
 * INIT_PID as its init (a container whose login gave up may have none). */
static bool recorded_ours(const char *user, pid_t init_pid)
{
	struct container_state st;
	int r = state_read(user, &st);

	if (r == -ENOENT)
		return true;
	return r == 0 && st.supervisor_pid == getpid() && st.init_pid == init_pid;
}

/* A reason a supervisor gives, for the log and her record: one line that text_mask
 * keeps as it is (the supervisor masked it), shorter than MAX. */
static bool reason_arg(const char *s, size_t max)
{
	char masked[ERROR_MSG_MAX];

	if (strlen(s) >= max || strlen(s) >= sizeof(masked))
		return false;
	snprintf(masked, sizeof(masked), "%s", s);
	text_mask(masked, '?');
	return !strcmp(masked, s);
}

int supervisor_stop_main(int argc, char **argv)
{
	unsigned long long init_pid, id, keeper_pid;
	struct keeper keeper = KEEPER_NONE;
	struct watch_end end = { .lock = SUP_FD_PASSED };
	struct cgroup_set cg;
	int r;

	/* Only root, as for every verb: a setuid install grants nothing here either. */
	if (creds_require_root() < 0) {
		fprintf(stderr, "warren-helper: must be run by root (pam_warren runs it)\n");
		return 1;
	}
	/* Its cleanup runs to its end, as the supervisor's did (the exec reset its handlers). */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* (Not the file's name: before Linux 6.14 an exec by descriptor names it "4".) */
	(void)prctl(PR_SET_NAME, "warren-helper", 0, 0, 0);
	/* Only what was handed over stays open, before the log opens its socket (closed
	 * under it, syslog would close whatever took its number: her lock). */
	if (argc >= 4 && supervisor_number_arg(argv[3], INT_MAX, &keeper_pid) == 0 && keeper_pid)
		close_range(SUP_FD_KEEPER + 1, ~0U, 0);
	else
		close_range(SUP_FD_PASSED + 1, ~0U, 0);
	log_open("warren-helper");
	if ((argc != 6 && argc != 7) || argv[0][0] != '/' ||
	    supervisor_number_arg(argv[1], INT_MAX, &init_pid) < 0 ||
	    supervisor_number_arg(argv[2], ~0ULL, &id) < 0 ||
	    supervisor_number_arg(argv[3], INT_MAX, &keeper_pid) < 0 || !name_is_valid(argv[4]) ||
	    !reason_arg(argv[5], sizeof(end.why)) ||
	    (argc == 7 && !reason_arg(argv[6], sizeof(end.lost.msg)))) {
		log_warning(-EINVAL, "warren-helper " SUPERVISOR_STOP_FLAG " is started by the "
			    "supervisor of a container only");
		return 1;
	}
	/* Her init (dead or killed) is a child of this process, her lease's keeper's pidfd
	 * and pipes are here, it holds her lock, and her record says it is her supervisor:
	 * only her supervisor can be all that. */
	if (!supervisor_handed((pid_t)init_pid, (pid_t)keeper_pid) ||
	    !holds_user_lock(SUP_FD_PASSED, argv[4]) || !recorded_ours(argv[4], (pid_t)init_pid)) {
		log_warning(-EBADF, "warren-helper " SUPERVISOR_STOP_FLAG ": not handed a container "
			    "of %s by its supervisor", argv[4]);
		return 1;
	}
	clearenv();
	umask(022);
	if (keeper_pid)
		keeper = (struct keeper){ .pid = (pid_t)keeper_pid, .pidfd = SUP_FD_KEEPER,
					  .report_fd = SUP_FD_REPORT, .hold_fd = SUP_FD_HOLD };
	snprintf(end.why, sizeof(end.why), "%s", argv[5]);
	if (argc == 7)
		error_set(&end.lost, -ENOLINK, "%s", argv[6]);
	if ((r = cgroup_resolve(argv[4], &cg)) < 0) {
		/* Nothing to clean up with: her record stays, for her next login or gc. */
		log_warning(r, "the container of %s stopped, but its cgroups cannot be found; its "
			    "remains are left to warrenctl gc", argv[4]);
		keeper_release(&keeper);
		return 1;
	}
	supervisor_stop(&(struct supervised){ .user = argv[4], .init_pidfd = SUP_FD_INIT,
					      .init_pid = (pid_t)init_pid, .cg = &cg,
					      .state_dir = argv[0], .id = id, .keeper = &keeper },
			&end);
}
