/* warren-supervisor.c - the supervisor of one container, for as long as it runs.
 *
 * The builder of a container execs it once a login took the container (supervisor.h):
 *   warren-supervisor STATE-DIR INIT-PID ID IDLE-TIMEOUT ABANDONED KEEPER-PID USER
 * with init's pidfd at fd 3, the helper that built the container at 4 (O_PATH) and the
 * fleet keeper's pipes at 5 and 6 and its pidfd at 7.  A static program that links only what watching
 * needs: an idle container holds it for days, and hundreds run at once (issue 22).
 * When the container is to stop, it execs that helper for the stop, in place: the
 * helper then is init's parent and holds her lock, which it checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/supervisor.h"
#include "container/watch.h"
#include "lib/events.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/text.h"
#include "lib/tool.h"
#include "wire/creds.h"

/* FD is a program only root may change: the helper, as the builder hands it over. */
static bool root_program(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	       !(st.st_mode & 022);
}

/* Hand C's stop to the helper at HELPER (watch.h's descriptors, END's lock at
 * SUP_FD_PASSED); returns only if it cannot be started. */
static int exec_stop(const struct supervised *c, struct watch_end *end, int helper)
{
	char init_pid[16], id[24], keeper_pid[16];
	const char *argv[] = { "warren-helper", SUPERVISOR_STOP_FLAG, c->state_dir, init_pid, id,
			       keeper_pid, c->user, end->why,
			       error_is_set(&end->lost) ? end->lost.msg : NULL, NULL };
	char *const envp[] = { NULL };
	int fds[] = { c->init_pidfd, end->lock, c->keeper->report_fd, c->keeper->hold_fd,
		      c->keeper->pidfd };
	int r;

	snprintf(init_pid, sizeof(init_pid), "%d", (int)c->init_pid);
	snprintf(id, sizeof(id), "%llu", c->id);
	snprintf(keeper_pid, sizeof(keeper_pid), "%d", (int)c->keeper->pid);
	/* One line each, as the helper checks: the keeper's reason came from etcd. */
	text_mask(end->why, '?');
	text_mask(end->lost.msg, '?');
	if (end->lock < 0)
		return end->lock;
	/* Out of the way first: its place is the lock's. */
	if ((helper = fcntl(helper, F_DUPFD_CLOEXEC, SUP_FD_KEEPER + 1)) < 0)
		return -errno;
	/* Nothing may end the stop halfway (an exec keeps what is ignored). */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	log_close();
	if ((r = supervisor_place_fds(fds, c->keeper->pid > 0 ? SUP_FDS_WITH_KEEPER :
							       SUP_FDS_WITHOUT_KEEPER)) == 0) {
		fexecve(helper, (char *const *)argv, envp);
		r = -errno;
	}
	log_open(SUPERVISOR_NAME);
	return r;
}

int main(int argc, char **argv)
{
	unsigned long long init_pid, id, idle, abandoned, keeper_pid;
	struct keeper keeper = KEEPER_NONE;
	struct watch_end end;
	struct cgroup_set cg;
	struct supervised c;
	int r;

	/* Only root: it is started by the helper, never by anybody else. */
	if (creds_require_root() < 0) {
		fprintf(stderr, "warren-supervisor: must be run by root (warren-helper starts it)\n");
		return 1;
	}
	/* (Not the file's name: before Linux 6.14 an exec by descriptor names it "7".) */
	(void)prctl(PR_SET_NAME, SUPERVISOR_NAME, 0, 0, 0);
	/* Only what was handed over stays open, before the log opens its socket (closed
	 * under it, syslog would close whatever took its number: her lock). */
	if (argc >= 7 && supervisor_number_arg(argv[6], INT_MAX, &keeper_pid) == 0 && keeper_pid)
		close_range(SUP_FD_KEEPER + 1, ~0U, 0);
	else
		close_range(SUP_FD_PASSED + 1, ~0U, 0);
	log_open(SUPERVISOR_NAME);
	if (argc != 8 || argv[1][0] != '/' || supervisor_number_arg(argv[2], INT_MAX, &init_pid) < 0 ||
	    supervisor_number_arg(argv[3], ~0ULL, &id) < 0 ||
	    supervisor_number_arg(argv[4], UINT_MAX, &idle) < 0 ||
	    supervisor_number_arg(argv[5], 1, &abandoned) < 0 ||
	    supervisor_number_arg(argv[6], INT_MAX, &keeper_pid) < 0 || !name_is_valid(argv[7])) {
		log_warning(-EINVAL, SUPERVISOR_NAME " is started by the builder of a container only");
		return 1;
	}
	/* What the builder handed over is what it says: her init, a child of this process,
	 * her lease's keeper, and their descriptors; and the helper to stop with. */
	if (!supervisor_handed((pid_t)init_pid, (pid_t)keeper_pid) || !root_program(SUP_FD_PASSED)) {
		log_warning(-EBADF, SUPERVISOR_NAME ": not handed a container of %s by its builder",
			    argv[7]);
		return 1;
	}
	(void)fcntl(SUP_FD_PASSED, F_SETFD, FD_CLOEXEC);
	clearenv();
	umask(022);
	if (keeper_pid)
		keeper = (struct keeper){ .pid = (pid_t)keeper_pid, .pidfd = SUP_FD_KEEPER,
					  .report_fd = SUP_FD_REPORT, .hold_fd = SUP_FD_HOLD };
	c = (struct supervised){ .user = argv[7], .init_pidfd = SUP_FD_INIT,
				 .init_pid = (pid_t)init_pid, .cg = &cg,
				 .idle_timeout = (unsigned)idle, .state_dir = argv[1], .id = id,
				 .abandoned = abandoned, .keeper = &keeper };
	if ((r = cgroup_resolve(c.user, &cg)) < 0) {
		/* Without its cgroups it cannot tell idle from busy: the container stops. */
		log_warning(r, "the supervisor of %s finds no cgroup of hers; stopping her container",
			    c.user);
		(void)pidfd_kill(SUP_FD_INIT, SIGKILL);
		if ((r = supervisor_keep_caps()) < 0)
			log_warning(r, "the supervisor of %s cannot drop its capabilities", c.user);
		end = (struct watch_end){ .lock = user_lock(c.user), .why = "no cgroup" };
	} else {
		supervisor_watch(&c, &end);
	}
	r = exec_stop(&c, &end, SUP_FD_PASSED);
	/* Without the helper, her host-side remains stay for her next login or gc to
	 * remove; her lease goes with us. */
	log_warning(r, "the container of %s stopped (%s), but its stop cannot be handed to "
		    "warren-helper, which cleans up after it: warrenctl gc will", c.user, end.why);
	event_record(c.state_dir, c.user, "stopped", "container %llu (%s; not cleaned up)", c.id,
		     end.why);
	keeper_release(&keeper);
	return 1;
}
