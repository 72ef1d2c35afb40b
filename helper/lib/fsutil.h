/* fsutil.h - fd-relative file operations that never follow a symlink (HACKING.md §5.2). */
#ifndef WARREN_FSUTIL_H
#define WARREN_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/errors.h"

/* openat2(dirfd, rel, flags | O_CLOEXEC) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS: REL may not leave DIRFD nor pass through any symlink. */
int open_beneath(int dirfd, const char *rel, int flags);

/* Make (or find) directory NAME in DIRFD, owned UID:GID with MODE, and return an
 * O_DIRECTORY fd of it.  Ownership and mode are applied through the fd, so a
 * symlink or a non-directory in its place is refused, never followed. */
int mkdir_owned(int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid);

/* mkdir_owned() for a root-owned directory at an absolute PATH, without keeping an fd. */
int ensure_root_dir(const char *path, mode_t mode);

/* Open the directory PATH (the config names it: a symlink is the admin's choice) if it
 * is root's and not writable by group or others (HACKING.md §4: warren works in it as root);
 * -EPERM if it is not. */
int open_root_dir(const char *path);

/* Open the file at PATH (absolute) for reading, as one only root can change: every
 * directory from / down to it root's and not writable by group or others (a sticky one,
 * such as /tmp, may be: only root may then rename or remove root's entries there), no
 * symlink on the way nor the file itself one, each component opened from the fd of the
 * one before (so that what was checked is what is opened).  The file itself is the
 * caller's to fstat.  Every fault is ERR's, naming the directory or the file and the fix. */
int open_root_path(const char *path, struct error *err);

/* Walk PATH (absolute or relative) below ROOTFD one component at a time with
 * O_NOFOLLOW, creating missing directories with MODE; return an O_PATH fd of it. */
int mkdir_p_beneath(int rootfd, const char *path, mode_t mode);

/* mount(2) onto ROOTFD/REL, a directory made (0755) if missing, never through a symlink. */
int mount_beneath(int rootfd, const char *rel, const char *src, const char *fstype,
		  unsigned long flags, const char *data);

/* Clone the mount tree at PATH below DIRFD ("" for DIRFD itself), and what is mounted
 * below it if RECURSIVE, as a detached tree; give all of it ATTR (mount_setattr(2)); and
 * attach it at TARGET.  A bind with its flags set before it is visible anywhere. */
struct mount_attr;
int mount_clone(int dirfd, const char *path, bool recursive, struct mount_attr *attr,
		const char *target);

int write_all(int fd, const void *buf, size_t len);
/* Write TEXT to an existing file at PATH (kernel files: /proc, cgroupfs). */
int write_file(const char *path, const char *text);
/* The same for REL beneath DIRFD (open_beneath). */
int write_file_beneath(int dirfd, const char *rel, const char *text);
/* A /proc of this process's own, its sysctls (a dirfd of its "sys"): a proc instance made
 * for it and never attached anywhere, gone with the fd.  The host's /proc keeps a dentry
 * per namespace that looked up a sysctl through it, all under the same names, and each
 * lookup there compares them all: namespaces' sysctls written through it cost what the
 * containers add up to (issue 22).  What a sysctl file shows is the network namespace or
 * user namespace of whoever looks it up.  -errno: none (such a kernel, no capability). */
int proc_sys_private(void);
/* Replace NAME in DIRFD (or the path NAME, with AT_FDCWD) with a new root-only (0600)
 * file holding PARTS (NULL-terminated, written one after the other): written as a new
 * file beside it, made afresh and never through a symlink, then renamed over NAME, so
 * that a reader sees the old text or the new, never a part.  The new file is NAME.new,
 * or, with WRITE_PRIVATE, NAME.PID (writers no lock keeps apart); with WRITE_DURABLE it
 * is on disk before the rename (a crash leaves the old text or the new). */
#define WRITE_PRIVATE 1u
#define WRITE_DURABLE 2u
int write_replace(int dirfd, const char *name, const char *const parts[], unsigned flags);
/* write_replace() of TEXT at PATH, as NAME.new, not synced (runtime files). */
int write_new_file(const char *path, const char *text);
/* Read at most LEN-1 bytes of PATH into BUF, NUL-terminated; returns the length. */
int read_file(const char *path, char *buf, size_t len);

/* A file of the admin's that a config key names (seccomp = "/path", apparmor = "/path"):
 * whoever can write it decides what every container of its group may do, so it is read
 * as root's config is: opened without following a symlink (whoever can write its
 * directory would choose the file) nor blocking on a FIFO, a regular file owned by root,
 * not writable by group or others, at most MAX bytes, text without a NUL, unchanged
 * while read.  WHAT names it in messages ("seccomp profile"), KEY is the config key. */
struct admin_file {
	const char *what;
	const char *key;
	size_t max;
};
/* Read the admin's file PATH (checked as above) into *RET_TEXT (NUL-terminated, the
 * caller frees); every fault is ERR's, "PATH: what is wrong; fix: ...". */
int read_admin_file(const char *path, const struct admin_file *kind, char **ret_text,
		    struct error *err);

/* "/proc/self/fd/N": how a process names a directory it holds but may not reach by path. */
#define FD_PATH_MAX 32
const char *fd_path(int fd, char buf[FD_PATH_MAX]);

#endif
