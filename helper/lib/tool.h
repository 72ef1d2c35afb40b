/* tool.h - child processes: a host tool (mkfs.ext4, e2fsck, resize2fs, cp, rm) run the
 * safe way (a fixed argv, an empty environment, no shell: DESIGN §5.4), and children of
 * our own that report back. */
#ifndef WARREN_TOOL_H
#define WARREN_TOOL_H

#include <stddef.h>
#include <sys/types.h>

/* Run ARGV[0] with ARGV and wait; its stdio is /dev/null.  Returns its exit status
 * (128 + signal if it was killed), or -errno if it could not be started. */
int tool_run(const char *const argv[]);
/* The same, with its standard output into BUF (LEN, NUL-terminated; the rest of a
 * longer one is read and dropped). */
int tool_output(const char *const argv[], char *buf, size_t len);

/* Remove the tree at PATH as `rm -rf --one-file-system` does: no symlink is followed, no
 * FIFO or device opened, no other filesystem entered (a user's layers hold anything she
 * planted, DESIGN §5.2).  0, or -EIO. */
int tool_remove_tree(const char *path);

/* Fork a child that reports back to its parent over a pipe (close-on-exec): in the
 * child *RET_FD is the pipe's write end, in the parent its read end, and the other end
 * is closed in each.  Returns what fork() does, or -errno. */
pid_t tool_fork_reporting(int *ret_fd);

#endif
