/* ticket.h - a warm login that pam_warren verifies itself, without starting the helper.
 *
 * A login to a running container costs the helper's start (fork, exec, its libraries,
 * its capability drops) and its policy (the config, NSS), though nothing is built.  So
 * after it answers a login, the helper leaves a ticket, RUNTIME_USERS/USER/ticket
 * (layout.h; root's, 0600, in a tree only root can write): its answer, the container
 * it answered with, and what the answer was decided from, each file's identity (device,
 * inode, size, mtime, ctime) taken before the policy read it: the config, the helper
 * itself, /etc/passwd, /etc/group and /etc/nsswitch.conf; and the answer's seccomp filter,
 * built, with the identity of the profile file it was built from, if any (so that the
 * module builds none: libseccomp costs a fresh process a millisecond).
 *
 * At the next login pam_warren takes the ticket only if every one of those files is
 * the same (and the subordinate ranges, and nss-systemd's sources), her uid is the same, and, under her lock, the container is still the one
 * recorded (state.h: init in its pid namespace, its supervisor alive); it admits the
 * login (sessions.h), touches the record (the idle clock) and records the join, as the
 * helper would.  Anything else, and any doubt, and it runs the helper as before: the
 * helper stays the only one that builds, changes or refuses a container.
 *
 * The helper leaves no ticket where its answer depends on more than those files:
 * users or groups from other NSS sources (sss, ldap: the membership that decides who is
 * jailed can change with no file changing; nss-systemd with records of its own: userdb
 * drop-ins, systemd-homed), home = "host" (the PAM stack is read), an AppArmor profile
 * (the helper makes sure it is loaded at every login); nor while one of the files has
 * just changed (ticket_inputs_settled).
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
#include "wire/sysfilter.h"

/* The files an answer is decided from: TICKET_CONFIG is the config at its path,
 * TICKET_HELPER the helper (pam_warren's helper option, the helper's /proc/self/exe);
 * the subordinate ranges, which the helper checks her maps against at every login;
 * where nss-systemd finds users and groups besides the files: its drop-in directories
 * and the directory of its services (systemd-homed's and others'); and libseccomp, whose
 * tables the ticket's filter was built with (an update of it alone changes the filter). */
enum { TICKET_CONFIG, TICKET_HELPER, TICKET_PASSWD, TICKET_GROUP, TICKET_NSSWITCH,
       TICKET_SUBUID, TICKET_SUBGID, TICKET_USERDB_ETC, TICKET_USERDB_RUN,
       TICKET_USERDB_HOST, TICKET_USERDB_LOCAL, TICKET_USERDB_USR, TICKET_USERDB_LIB,
       TICKET_USERDB_SERVICES, TICKET_LIBSECCOMP, TICKET_INPUTS };
/* nss-systemd's drop-in directories, in its order (TICKET_USERDB_ETC to _LIB). */
extern const char *const ticket_userdb_dirs[TICKET_USERDB_LIB - TICKET_USERDB_ETC + 1];

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
	/* The answer's seccomp filter, built (sysfilter.h), so that the module need not
	 * build it at each login; from a profile file (the answer's seccomp=PATH) that was
	 * SECCOMP_FILE when it was read ("absent" for a built-in profile). */
	struct ticket_input seccomp_file;
	unsigned short filter_len;
	struct sock_filter filter[BPF_MAXINSNS];
};

/* The identity of each file in IN: CONFIG, HELPER (a path, or NULL for the running
 * program), and the others.  0, or -errno for one that cannot be looked at (absence is
 * a state, not an error). */
int ticket_inputs_read(const char *config, const char *helper, struct ticket_input in[TICKET_INPUTS]);
bool ticket_inputs_same(const struct ticket_input a[TICKET_INPUTS],
			const struct ticket_input b[TICKET_INPUTS]);
bool ticket_input_same(const struct ticket_input *a, const struct ticket_input *b);
/* What an answer is decided from: the files, and when they were looked at. */
struct ticket_basis {
	struct ticket_input in[TICKET_INPUTS];
	struct timespec at;
};
/* The files of the running program (ticket_inputs_read with HELPER NULL), now. */
int ticket_basis_read(const char *config, struct ticket_basis *ret);

/* Did every file of IN last change well before NOW, the time IN was read?  A file's
 * times come from a coarse clock: two changes of the same size within one tick, one
 * before IN was read and one after the policy read it, would look like none.  (git's
 * "racily clean" files.) */
bool ticket_inputs_settled(const struct ticket_input in[TICKET_INPUTS], struct timespec now);
bool ticket_input_settled(const struct ticket_input *in, struct timespec now);

/* Where /etc/nsswitch.conf (PATH) sends passwd, group and initgroups. */
enum ticket_nss {
	TICKET_NSS_OTHER,         /* anything else, or a file that cannot be read */
	TICKET_NSS_FILES,         /* passwd and group: files; no initgroups line */
	TICKET_NSS_FILES_SYSTEMD, /* the same, or files then systemd (Debian's default) */
};
enum ticket_nss ticket_nss_sources(const char *path);
/* May an answer decided from IN (read just now) be kept in a ticket, as far as users and
 * groups go: NSS of files alone; or files and systemd where systemd has nothing of its
 * own to add (no drop-in directory, and in SERVICES, its services directory, none but
 * its own multiplexer, NSS bridge and dynamic users)? */
bool ticket_users_local(const struct ticket_input in[TICKET_INPUTS], const char *nsswitch,
			const char *services);

/* The identity of the seccomp profile NAME names (a path; "absent" for a built-in
 * profile, which is no file), into *RET: 0, or -errno. */
int ticket_seccomp_read(const char *name, struct ticket_input *ret);

/* T as text (BUF, LEN): 0, -ENOSPC, -EINVAL (a value that does not fit a line); and
 * back (TEXT changed in place): 0, -EBADMSG.  Pure (tests/unit/test_ticket.c). */
int ticket_format(const struct warm_ticket *t, char *buf, size_t len);
int ticket_parse(char *text, struct warm_ticket *t);

/* The size of a buffer that holds any ticket as text. */
#define TICKET_TEXT_MAX (sizeof(struct warm_ticket) * 2 + 4096)

/* Write T as USER's ticket (replacing any), root's and 0600; or remove it. */
int ticket_write(const struct warm_ticket *t);
int ticket_remove(const char *user);
/* USER's ticket, if it is a regular file of root's that no one else may read or write,
 * in her runtime directory, and well formed: 0, or -errno / -EBADMSG. */
int ticket_read(const char *user, struct warm_ticket *t);

#endif
