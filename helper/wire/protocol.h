/* protocol.h - what pam_warren and warren-helper say to each other, in one place.
 *
 * The module runs `warren-helper [--config FILE] [--service NAME] VERB USER` (helper_argv,
 * NAME: the login's PAM service, for the checks that depend on its stack) with its
 * stdout on one end of an AF_UNIX SOCK_SEQPACKET pair.  The helper's exit status is
 * the verb's answer (HELPER_EXIT_*); "ensure" also answers with one message: text lines
 * "KEY VALUE" and, on success, the pidfd of the container's init as SCM_RIGHTS, so
 * that the module never has to trust a pid (HACKING.md §5.3).  Both sides use the
 * functions here, and the receiving side validates every line (OpenSSH's monitor
 * answers a fixed table of requests and checks each).
 *
 * Reply lines:
 *   cgroup PATH   a cgroup directory the session joins (one per hierarchy), below
 *                 /sys/fs/cgroup/
 *   pts_dev N     the device of the container's devpts instance (st_dev, decimal, not 0):
 *                 the module takes that devpts from the container (pam_warren, join.c)
 *   gid N         the group the session keeps inside (identity-mapped)
 *   confine root=0|1 groups=[N[,N]...] apparmor=LABEL seccomp=NAME
 *                 how the session is confined (confine.h): root=1, the user may become
 *                 root inside (no no_new_privs); groups, her supplementary groups it keeps
 *                 besides gid (identity-mapped), at most CONFINE_GROUPS_MAX, comma-
 *                 separated, maybe none; apparmor, the AppArmor profile the session's
 *                 programs run under (warren-USER, loaded by the helper), or "-" for
 *                 none; seccomp, its syscall filter: default, strict, or the absolute
 *                 path of a profile file, which the module reads itself (sysprofile.h),
 *                 last (a path may hold blanks).  A later field comes before seccomp.
 *   error TEXT    why the login is refused (also logged by the helper); alone
 */
#ifndef WARREN_PROTOCOL_H
#define WARREN_PROTOCOL_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/errors.h"
#include "lib/layout.h"
#include "wire/confine.h"

enum helper_verb {
	HELPER_ENSURE,     /* pam_warren, at session open: the container, ready to join */
	HELPER_CHECK_USER, /* is the user jailed? (exit OK or NOT_JAILED) */
	HELPER_ENTER,      /* run a command as the user inside (admins, tests) */
	HELPER_STOP,       /* stop the user's container */
	HELPER_MIGRATE,    /* move the user's layers into a disk image (admins) */
	HELPER_ENTER_ROOT, /* run a command as root inside the user's container (admins) */
	HELPER_GC,         /* remove what containers that no longer run left (admins) */
	HELPER_RESET,      /* drop the user's root layer, and maybe her home (admins) */
	HELPER_COLLECT,    /* the same for one user: what a login that gave up left (pam_warren) */
	HELPER__VERBS
};

/* Exit codes of warren-helper. */
#define HELPER_EXIT_OK 0         /* container ready / done */
#define HELPER_EXIT_ERROR 1      /* refused or failed: no login */
#define HELPER_EXIT_USAGE 2
#define HELPER_EXIT_NOT_JAILED 3 /* not ours: the module returns PAM_IGNORE */

#define PROTOCOL_MAX_CGROUPS 8
#define PROTOCOL_PATH_MAX 256
#define PROTOCOL_MSG_MAX 4096

struct helper_reply {
	char error[ERROR_MSG_MAX]; /* why it was refused; "" on success */
	int n_cgroups;
	char cgroups[PROTOCOL_MAX_CGROUPS][PROTOCOL_PATH_MAX];
	unsigned long long pts_dev;
	gid_t gid;
	struct confinement confine;
	int init_pidfd;            /* -EBADF when none */
};

/* The verb's name on the command line, and back (-EINVAL for an unknown name). */
const char *helper_verb_name(enum helper_verb v);
int helper_verb_parse(const char *name, enum helper_verb *ret);

/* The helper's command line into ARGV (NULL-terminated, at most 7 entries and NULL):
 * HELPER [--config CONFIG] [--service SERVICE] VERB USER.  CONFIG may be NULL (the
 * helper's default); SERVICE, the PAM service of the login, may be NULL (none known). */
#define HELPER_ARGV_MAX 8
void helper_argv(const char *helper, const char *config, const char *service,
		 enum helper_verb verb, const char *user, const char *argv[HELPER_ARGV_MAX]);

/* An empty reply (no fd). */
void helper_reply_init(struct helper_reply *r);
/* Close the reply's fd, if it has one. */
void helper_reply_done(struct helper_reply *r);

/* Send R as one message on FD: a refusal if R->error is set, else the lines above with
 * R->init_pidfd attached.  When FD is not a socket (the helper run by hand) the text is
 * written and the fd dropped. */
int protocol_send_reply(int fd, const struct helper_reply *r);

/* R as the text of one message (the lines above, no fd) into BUF (LEN): 0, -ENOSPC. */
int protocol_reply_format(const struct helper_reply *r, char *buf, size_t len);
/* TEXT (one message's, changed in place) into R, every line checked: a refusal alone,
 * or a complete success (with HAS_FD: a success comes with a pidfd).  0 or -EPROTO. */
int protocol_reply_parse(char *text, bool has_fd, struct helper_reply *r);

/* Wait up to TIMEOUT_MS for one message on FD and check it into *RET: a refusal with
 * its text, or a success with at least one cgroup, a pts_dev, a gid, a confinement and
 * a pidfd, every value of the form above.  Returns 1 for such a message; 0 if the helper closed the
 * socket without one (see its exit status); -ETIMEDOUT, -errno, or -EPROTO for a
 * message that is not one of those (any fd it carried is closed then). */
int protocol_recv_reply(int fd, int timeout_ms, struct helper_reply *ret);

/* The handover of a new container.  pam_warren, once it holds a complete reply, sends
 * one byte back on FD (protocol_send_ack); the helper waits for it (protocol_wait_ack)
 * before it tells the container's supervisor that a login took the container.  A
 * helper killed on the module's timeout never does, and the supervisor stops the
 * container at once: nothing is left running for a login that gave up.
 * protocol_wait_ack: 1 acknowledged (or FD is not a socket: the helper run by hand), 0
 * the module closed the socket without it, -errno. */
int protocol_send_ack(int fd);
int protocol_wait_ack(int fd);

#endif
