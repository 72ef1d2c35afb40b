/* relay.h - a command's terminal or stdio, relayed for warren-helper enter.
 *
 * The command runs code the user controls (her profile, her programs) for an admin.
 * Handing it the admin's terminal would let anything it leaves behind read what root
 * types next, or write on root's screen: so it gets a fresh pty of the container's
 * devpts (or pipes, when the caller has no terminal) and only bytes cross, only while
 * it runs.  Once it has exited, what it left holds a pty nobody is on the other side
 * of (machinectl shell and lxc-attach do the same).
 */
#ifndef WARREN_RELAY_H
#define WARREN_RELAY_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "container/termfilter.h"
#include "lib/errors.h"

/* One direction: bytes read from FROM, written to TO. */
struct relay_channel {
	int from, to;
	char buf[4096];
	size_t len, off;
	bool eof;
	bool close_on_eof; /* TO is the command's stdin pipe: EOF goes on to it */
	bool filter;       /* TO is the caller's terminal: through TF (termfilter.h) */
	struct term_filter tf;
};

struct relay {
	bool pty;                   /* a pty (the caller's stdin and stdout are terminals) */
	int child_fds[3];           /* the command's stdin, stdout, stderr */
	struct relay_channel ch[3]; /* in, out, err (err unused with a pty) */
	int n_ch;
	int master;                 /* the pty's master, or -1 */
	bool raw;                   /* the caller's terminal is in raw mode: restore SAVED */
	struct termios saved;
};

/* Nothing open yet: relay_close() does nothing. */
void relay_init(struct relay *r);
/* Before forking the command: a pty from PTMX (the container's devpts' ptmx, its slave
 * owned by UID, with MODE) if the caller has a terminal, else pipes.  What goes to a
 * terminal of the caller's (stdout, stderr) passes through term_filter.  A command run as
 * root inside gets a pty of root's, 0600: one of the user's would let her processes
 * read what the admin types there and write to the admin's terminal. */
int relay_open(struct relay *r, const char *ptmx, uid_t uid, mode_t mode, struct error *err);
/* In the command's process: a session of its own, the relay's ends as 0, 1 and 2 (and
 * the pty as its controlling terminal). */
int relay_child_stdio(const struct relay *r);
/* In the caller: relay until the command PID has exited and its output is drained,
 * then restore the terminal and close everything.  -errno if the relay failed. */
int relay_run(struct relay *r, pid_t pid);
/* Close what relay_open opened (relay_run does it itself). */
void relay_close(struct relay *r);

#endif
