/* ticket.h - a warm login that pam_warren verifies itself, without starting the helper.
 *
 * A login to a running container costs the helper's start (fork, exec, its libraries,
 * its capability drops) and its policy (the config, NSS), though nothing is built.  So
 * after it answers a login, the helper leaves a ticket, RUNTIME_USERS/USER/ticket
 * (layout.h; root's, 0600, in a tree only root can write): its answer, the container
 * it answered with, and what the answer was decided from, each file's identity (device,
 * inode, size, mtime, ctime) taken before the policy read it: the config, the helper
 * itself, /etc/passwd, /etc/group and /etc/nsswitch.conf.
 *
 * At the next login pam_warren takes the ticket only if every one of those files is
 * the same, her uid is the same, and, under her lock, the container is still the one
 * recorded (state.h: init in its pid namespace, its supervisor alive); it admits the
 * login (sessions.h), touches the record (the idle clock) and records the join, as the
 * helper would.  Anything else, and any doubt, and it runs the helper as before: the
 * helper stays the only one that builds, changes or refuses a container.
 *
 * The helper leaves no ticket where its answer depends on more than those files:
 * users or groups from other NSS sources (sss, ldap: the membership that decides who is
 * jailed can change with no file changing), home = "host" (the PAM stack is read), an
 * AppArmor profile (the helper makes sure it is loaded at every login).
 */
#ifndef WARREN_TICKET_H
#define WARREN_TICKET_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "lib/errors.h"
#include "wire/protocol.h"

/* The files an answer is decided from: TICKET_CONFIG is the config at its path,
 * TICKET_HELPER the helper (pam_warren's helper option, the helper's /proc/self/exe). */
enum { TICKET_CONFIG, TICKET_HELPER, TICKET_PASSWD, TICKET_GROUP, TICKET_NSSWITCH,
       TICKET_INPUTS };

struct ticket_input {
	bool absent; /* no such file (a state, compared like the others) */
	unsigned long long dev, ino, size;
	struct timespec mtim, ctim;
};

struct warm_ticket {
	char user[64];
	uid_t uid;
	char config[PATH_MAX];
	struct ticket_input in[TICKET_INPUTS];
	char state_dir[PATH_MAX];                /* where the join is recorded (events.h) */
	pid_t init_pid, supervisor_pid;          /* the container: state.h's record */
	unsigned long long pidns_ino;
	uint64_t max_sessions;                   /* UINT64_MAX: no bound */
	char counter[PROTOCOL_PATH_MAX];         /* the cgroup that counts her logins */
	char reply[PROTOCOL_MSG_MAX];            /* the answer's lines (protocol.h) */
};

/* The identity of each file in IN: CONFIG, HELPER (a path, or NULL for the running
 * program), and the NSS files.  0, or -errno for one that cannot be looked at (absence
 * is a state, not an error). */
int ticket_inputs_read(const char *config, const char *helper, struct ticket_input in[TICKET_INPUTS]);
bool ticket_inputs_same(const struct ticket_input a[TICKET_INPUTS],
			const struct ticket_input b[TICKET_INPUTS]);

/* May an answer decided from PATH's NSS configuration (/etc/nsswitch.conf) be kept in a
 * ticket: passwd and group come from files alone (or files and systemd)?  False for
 * anything else, a file that cannot be read included. */
bool ticket_nss_local(const char *path);

/* T as text (BUF, LEN): 0, -ENOSPC, -EINVAL (a value that does not fit a line); and
 * back (TEXT changed in place): 0, -EBADMSG.  Pure (tests/unit/test_ticket.c). */
int ticket_format(const struct warm_ticket *t, char *buf, size_t len);
int ticket_parse(char *text, struct warm_ticket *t);

/* Write T as USER's ticket (replacing any), root's and 0600; or remove it. */
int ticket_write(const struct warm_ticket *t);
int ticket_remove(const char *user);
/* USER's ticket, if it is a regular file of root's that no one else may read or write,
 * in her runtime directory, and well formed: 0, or -errno / -EBADMSG. */
int ticket_read(const char *user, struct warm_ticket *t);

#endif
