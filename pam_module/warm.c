/* warm.c - a login to her running container, verified here from the helper's ticket
 * (ticket.h) without starting the helper.  Any doubt, and the helper decides. */
#include <errno.h>
#include <security/pam_ext.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/events.h"
#include "lib/layout.h"
#include "lib/names.h"
#include "lib/state.h"
#include "pam_warren.h"
#include "wire/sessions.h"
#include "wire/ticket.h"

/* Is T still the answer for PW: her uid, the config this module names, and every file
 * the answer was decided from as it was? */
static bool ticket_current(const struct warm_ticket *t, const struct module_options *opt,
			   const struct passwd *pw)
{
	const char *config = opt->config ? opt->config : WARREN_DEFAULT_CONFIG;
	struct ticket_input now[TICKET_INPUTS];

	return t->uid == pw->pw_uid && !strcmp(t->config, config) &&
	       ticket_inputs_read(config, opt->helper, now) == 0 && ticket_inputs_same(t->in, now);
}

/* Under her lock: is T's container the one running (the record, init in its pid
 * namespace, the supervisor alive), and REPLY (T's answer) the one for it: its devpts,
 * her group, the cgroup that counts her logins among its own?  Its init's pidfd, or
 * -errno. */
static int ticket_container(const struct warm_ticket *t, const struct helper_reply *reply,
			    const struct passwd *pw)
{
	struct container_state st;
	bool counted = false;
	int pidfd, r;

	if ((r = state_read(t->user, &st)) < 0)
		return r;
	if (st.init_pid != t->init_pid || st.supervisor_pid != t->supervisor_pid ||
	    st.pidns_ino != t->pidns_ino)
		return -ESTALE;
	for (int i = 0; i < reply->n_cgroups; i++)
		counted = counted || !strcmp(reply->cgroups[i], t->counter);
	if (st.pts_dev != reply->pts_dev || reply->gid != pw->pw_gid || !counted)
		return -ESTALE;
	if ((pidfd = state_open_init(&st)) < 0)
		return pidfd;
	if (!state_supervisor_alive(&st)) {
		close(pidfd);
		return -ESRCH;
	}
	return pidfd;
}

/* Her lock, if it is free: a start, a stop or another login holds it briefly, or the
 * helper waits for it, bounded by the module's timeout.  The login admitted under it. */
static int admit(const struct warm_ticket *t, const struct helper_reply *reply,
		 const struct passwd *pw)
{
	_cleanup_close_ int lock = user_lock_try(pw->pw_name);
	struct error err = { 0 };
	int pidfd;

	if (lock < 0)
		return lock;
	if ((pidfd = ticket_container(t, reply, pw)) < 0)
		return pidfd;
	/* A login over her max_sessions: the helper counts again and refuses it, with the
	 * numbers in the log and the event recorded. */
	if (t->max_sessions != UINT64_MAX &&
	    sessions_admit(pw->pw_name, t->counter, t->max_sessions, getpid(), &err) < 0) {
		close(pidfd);
		return err.code < 0 ? err.code : -EUSERS;
	}
	(void)state_touch(pw->pw_name); /* the idle clock */
	return pidfd;
}

/* T's filter for REPLY's profile, if that profile is the one it was built from: into
 * *RET (a copy, and that file's identity: join.c looks again once it has read it). */
static int ticket_filter(const struct warm_ticket *t, const struct helper_reply *reply,
			 struct warm_filter *ret)
{
	struct ticket_input now;
	size_t size = t->filter_len * sizeof(struct sock_filter);
	int r;

	if ((r = ticket_seccomp_read(reply->confine.seccomp, &now)) < 0)
		return r;
	if (!ticket_input_same(&t->seccomp_file, &now))
		return -ESTALE;
	if (!(ret->prog.insns = malloc(size)))
		return -ENOMEM;
	memcpy(ret->prog.insns, t->filter, size);
	ret->prog.len = t->filter_len;
	ret->source = now;
	return 0;
}

int warm_login(pam_handle_t *pamh, const struct module_options *opt, const struct passwd *pw,
	       struct helper_reply *reply, struct warm_filter *filter)
{
	_cleanup_free_ struct warm_ticket *t = malloc(sizeof(*t));
	int pidfd;

	helper_reply_init(reply);
	*filter = (struct warm_filter){ 0 };
	/* A name the helper would not make paths of (NSS may return anything). */
	if (!t || !name_is_valid(pw->pw_name) || ticket_read(pw->pw_name, t) < 0 ||
	    !ticket_current(t, opt, pw))
		return 0;
	/* Its answer is checked as the helper's would be. */
	if (protocol_reply_parse(t->reply, true, reply) < 0 || reply->error[0] ||
	    ticket_filter(t, reply, filter) < 0 || (pidfd = admit(t, reply, pw)) < 0) {
		helper_reply_init(reply);
		sysfilter_program_free(&filter->prog);
		return 0;
	}
	/* After her lock: the record is written under a lock of its own (events.h). */
	event_record(t->state_dir, pw->pw_name, "joined", "container %llu", t->pidns_ino);
	reply->init_pidfd = pidfd;
	if (opt->debug)
		pam_syslog(pamh, LOG_DEBUG, "%s: her running container, verified by pam_warren "
			   "(the helper's ticket)", pw->pw_name);
	return 1;
}
