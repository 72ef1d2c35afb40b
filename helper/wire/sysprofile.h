/* sysprofile.h - which syscall filter a container runs under: one of the built-in
 * profiles, or an admin's profile file (config key seccomp = "/path", warren.conf(5)).
 *
 * A profile file denies calls on top of a built-in base, one syscall name a line:
 *
 *     # the web group: no tracing, no uname
 *     base strict          optional, once, before any name: "default" (the default) or "strict"
 *     ptrace
 *     uname                # a comment may follow a name
 *
 * and it may take back one denial of both bases, io_uring's (ENOSYS), with a line
 *
 *     allow io_uring       optional, once: io_uring_setup, io_uring_enter, io_uring_register
 *
 * io_uring performs reads, writes, opens, connects, sends and more as operations of its
 * own, out of a filter's sight: a file that allows it may deny none of the calls it can
 * stand in for (IO_URING_REACHES in sysprofile.c), since that denial would not hold.
 *
 * Blank lines and '#' comments are ignored.  A name must exist on one of the ABIs the
 * host runs (x86_64, x32 and i386 on amd64); the filter denies it on each that has it.
 * The file is read as root's config is (owned by root, not writable by group or others,
 * not a symlink, at most SYSPROFILE_FILE_MAX bytes); every fault is refused with
 * "FILE:LINE: what is wrong; fix: ...", and the login with it: never "no filter". */
#ifndef WARREN_SYSPROFILE_H
#define WARREN_SYSPROFILE_H

#include <stdbool.h>

#include "lib/errors.h"

/* The built-in profiles, in the order of the config key's choices (reslimits.c). */
enum sysfilter_base {
	SYSFILTER_DEFAULT,
	SYSFILTER_STRICT,
};

#define SYSPROFILE_EXTRA_MAX 512
#define SYSPROFILE_FILE_MAX (64 * 1024)

/* A plain value (no pointers): it is resolved on the host and carried through fork
 * into the namespaces where the file is out of sight. */
struct sysfilter_profile {
	enum sysfilter_base base;
	bool allow_io_uring; /* "allow io_uring": the base's ENOSYS for it taken back */
	int n_extra;
	/* libseccomp's numbers of the calls denied on top; a negative one stands for a call
	 * of another ABI only (i386's vm86), which libseccomp places where it exists. */
	int extra[SYSPROFILE_EXTRA_MAX];
};

/* NAME is "default", "strict", or the absolute path of a profile file: into *RET. */
int sysprofile_get(const char *name, struct sysfilter_profile *ret, struct error *err);

/* Read the profile file PATH (with the checks above) into *RET. */
int sysprofile_read(const char *path, struct sysfilter_profile *ret, struct error *err);

/* The text of a profile file (NUL-terminated; FILE names it in messages) into *RET. */
int sysprofile_parse(const char *text, const char *file, struct sysfilter_profile *ret,
		     struct error *err);

#endif
