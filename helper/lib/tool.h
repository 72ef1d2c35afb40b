/* tool.h - child processes: a host tool (mkfs.ext4, e2fsck, resize2fs, cp, rm) run the
 * safe way (a fixed argv, an empty environment, no shell: HACKING.md §5.4), children of our
 * own that report back, and processes held by pidfd. */
#ifndef WARREN_TOOL_H
#define WARREN_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/errors.h"

/* Run ARGV[0] with ARGV and wait; its stdio is /dev/null.  Returns its exit status
 * (128 + signal if it was killed), or -errno if it could not be started. */
int tool_run(const char *const argv[]);
/* The same, with its standard output into BUF (LEN, NUL-terminated; the rest of a
 * longer one is read and dropped). */
int tool_output(const char *const argv[], char *buf, size_t len);
/* The same, with its standard error into BUF too (a tool's messages, apparmor_parser's). */
int tool_output_all(const char *const argv[], char *buf, size_t len);

/* Remove the tree at PATH as `rm -rf --one-file-system` does: no symlink is followed, no
 * FIFO or device opened, no other filesystem entered (a user's layers hold anything she
 * planted, HACKING.md §5.2).  0, or -EIO. */
int tool_remove_tree(const char *path);

/* Fork a child that reports back to its parent over a pipe (close-on-exec): in the
 * child *RET_FD is the pipe's write end, in the parent its read end, and the other end
 * is closed in each.  Returns what fork() does, or -errno. */
pid_t tool_fork_reporting(int *ret_fd);

/* A child's report: its failure E, or its success (E holds no error), written whole on
 * FD (errors.h: it is smaller than PIPE_BUF, so one write, never mixed with another). */
int error_send(int fd, const struct error *e);
/* The report of the process WHO (for a message: "the builder") on FD into ERR: 0 if it
 * succeeded, its code (its message in ERR) if it failed, -EPROTO ("WHO died") if the pipe
 * ended without a whole report.  With EOF_OK a pipe that ends without any is a success
 * (its write end was close-on-exec: the child exec'd). */
int error_recv(int fd, bool eof_ok, const char *who, struct error *err);

/* A pidfd of PID, or -errno. */
int pidfd_of(pid_t pid);
/* FN(pid, DATA) for each process DIR's cgroup.procs lists now (DIR: a cgroup
 * directory): 0, or -errno.  A pid may be gone by the time FN looks at it. */
int cgroup_each_proc(const char *dir, void (*fn)(long pid, void *data), void *data);
/* Signal SIG to the process behind PIDFD (never a pid: it cannot have been recycled):
 * 0, or -errno. */
int pidfd_kill(int pidfd, int sig);

#endif
