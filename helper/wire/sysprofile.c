/* sysprofile.c - built-in and file syscall profiles (see sysprofile.h). */
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "wire/sysprofile.h"

/* Longer than any syscall name (the longest is about 25 characters). */
#define NAME_MAX_LEN 64

/* Does NAME exist on one of the ABIs this host runs?  libseccomp knows every
 * architecture's names; one of none of ours (arm_fadvise64_64) would deny nothing. */
static bool name_on_host(const char *name)
{
	static const uint32_t x86[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 };

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		return seccomp_syscall_resolve_name(name) >= 0;
	for (size_t i = 0; i < ELEMENTSOF(x86); i++)
		if (seccomp_syscall_resolve_name_arch(x86[i], name) >= 0)
			return true;
	return false;
}

static bool name_chars_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return n > 0 && n <= NAME_MAX_LEN && !s[n];
}

/* "base NAME": the built-in profile the file adds to. */
static int parse_base(const char *arg, const char *file, int line, bool names_seen,
		      struct sysfilter_profile *p, bool *base_seen, struct error *err)
{
	if (*base_seen)
		return error_set(err, -EINVAL, "%s:%d: a second base line; fix: keep one "
				 "\"base default\" or \"base strict\"", file, line);
	if (names_seen)
		return error_set(err, -EINVAL, "%s:%d: the base line comes after syscall names; "
				 "fix: move it above them", file, line);
	if (!strcmp(arg, "default"))
		p->base = SYSFILTER_DEFAULT;
	else if (!strcmp(arg, "strict"))
		p->base = SYSFILTER_STRICT;
	else
		return error_set(err, -EINVAL, "%s:%d: unknown base \"%.64s\"; fix: \"base "
				 "default\" or \"base strict\"", file, line, arg);
	*base_seen = true;
	return 0;
}

/* What io_uring does as operations of its own (IORING_OP_*), so that a filter allowing it
 * cannot keep these denied: file I/O, opens and closes, stat, xattrs, the directory
 * calls, sockets, splice, epoll_ctl, futexes, waitid. */
static const char *const IO_URING_REACHES[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
	"preadv2", "pwritev2", "fsync", "fdatasync", "sync_file_range", "fallocate",
	"ftruncate", "truncate", "truncate64", "ftruncate64", "fadvise64", "fadvise64_64",
	"madvise", "splice", "tee", "poll", "ppoll", "ppoll_time64", "epoll_ctl",
	"open", "openat", "openat2", "creat", "close", "statx", "stat", "lstat", "fstat",
	"newfstatat", "stat64", "lstat64", "fstat64", "fstatat64",
	"setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr",
	"rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir", "mkdir", "mkdirat",
	"symlink", "symlinkat", "link", "linkat",
	"socket", "socketcall", "connect", "accept", "accept4", "bind", "listen", "shutdown",
	"sendmsg", "recvmsg", "sendto", "recvfrom", "send", "recv",
	"futex", "futex_time64", "futex_waitv", "waitid",
};

static bool io_uring_reaches(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(IO_URING_REACHES); i++)
		if (!strcmp(IO_URING_REACHES[i], name))
			return true;
	return false;
}

/* "allow ARG": only io_uring's denial can be taken back. */
static int parse_allow(const char *arg, const char *file, int line, struct sysfilter_profile *p,
		       struct error *err)
{
	if (strcmp(arg, "io_uring") != 0)
		return error_set(err, -EINVAL, "%s:%d: only io_uring can be allowed, not \"%.64s\"; "
				 "fix: \"allow io_uring\", or remove the line", file, line, arg);
	if (p->allow_io_uring)
		return error_set(err, -EINVAL, "%s:%d: a second \"allow io_uring\"; fix: remove "
				 "this line", file, line);
	if (p->n_extra > 0)
		return error_set(err, -EINVAL, "%s:%d: \"allow io_uring\" comes after syscall "
				 "names; fix: move it above them", file, line);
	p->allow_io_uring = true;
	return 0;
}

/* One syscall NAME to deny on top. */
static int parse_name(const char *name, const char *file, int line, struct sysfilter_profile *p,
		      struct error *err)
{
	int nr;

	if (!name_chars_ok(name))
		return error_set(err, -EINVAL, "%s:%d: \"%.64s\" is not a syscall name; fix: one "
				 "name a line (lower case, digits, '_'), '#' for comments, or "
				 "\"base default|strict\"", file, line, name);
	if (!name_on_host(name) || (nr = seccomp_syscall_resolve_name(name)) == __NR_SCMP_ERROR)
		return error_set(err, -EINVAL, "%s:%d: unknown syscall \"%s\" (on x86_64, x32 and "
				 "i386); fix: correct the name (see syscalls(2)) or remove the "
				 "line", file, line, name);
	if (p->allow_io_uring && io_uring_reaches(name))
		return error_set(err, -EINVAL, "%s:%d: \"%s\" cannot be denied while io_uring is "
				 "allowed (io_uring does the same as an operation of its own, out of "
				 "the filter's sight); fix: remove \"allow io_uring\" or this line",
				 file, line, name);
	for (int i = 0; i < p->n_extra; i++)
		if (p->extra[i] == nr)
			return error_set(err, -EINVAL, "%s:%d: \"%s\" is listed twice; fix: remove "
					 "this line", file, line, name);
	if (p->n_extra >= SYSPROFILE_EXTRA_MAX)
		return error_set(err, -E2BIG, "%s:%d: more than %d syscalls; fix: deny fewer",
				 file, line, SYSPROFILE_EXTRA_MAX);
	p->extra[p->n_extra++] = nr;
	return 0;
}

/* LINE (its comment cut, NUL-terminated) into P. */
static int parse_line(char *text, const char *file, int line, struct sysfilter_profile *p,
		      bool *base_seen, struct error *err)
{
	const char *ws = " \t";
	char *save = NULL, *word, *arg;

	text[strcspn(text, "#")] = '\0';
	if (!(word = strtok_r(text, ws, &save)))
		return 0;
	arg = strtok_r(NULL, ws, &save);
	if (!strcmp(word, "base") && arg && !strtok_r(NULL, ws, &save))
		return parse_base(arg, file, line, p->n_extra > 0, p, base_seen, err);
	if (!strcmp(word, "allow") && arg && !strtok_r(NULL, ws, &save))
		return parse_allow(arg, file, line, p, err);
	if (arg || !strcmp(word, "base") || !strcmp(word, "allow"))
		return error_set(err, -EINVAL, "%s:%d: expected one syscall name, \"base "
				 "default|strict\" or \"allow io_uring\" a line; fix: put each name "
				 "on its own line", file, line);
	return parse_name(word, file, line, p, err);
}

int sysprofile_parse(const char *text, const char *file, struct sysfilter_profile *ret,
		     struct error *err)
{
	struct sysfilter_profile p = { .base = SYSFILTER_DEFAULT };
	char buf[256];
	bool base_seen = false;
	int line = 1, r;

	for (const char *s = text; *s; line++) {
		size_t n = strcspn(s, "\n");

		if (n >= sizeof(buf))
			return error_set(err, -EINVAL, "%s:%d: line too long; fix: one syscall "
					 "name a line", file, line);
		memcpy(buf, s, n);
		buf[n] = '\0';
		if ((r = parse_line(buf, file, line, &p, &base_seen, err)) < 0)
			return r;
		s += n + (s[n] == '\n');
	}
	*ret = p;
	return 0;
}

int sysprofile_read(const char *path, struct sysfilter_profile *ret, struct error *err)
{
	/* Whoever can write the profile decides what every container of its group may call. */
	static const struct admin_file kind = { "seccomp profile", "seccomp", SYSPROFILE_FILE_MAX };
	_cleanup_free_ char *text = NULL;
	int r;

	if (path[0] != '/')
		return error_set(err, -EINVAL, "seccomp profile \"%.64s\" is not an absolute "
				 "path; fix: \"default\", \"strict\" or \"/etc/warren/NAME.seccomp\"",
				 path);
	if ((r = read_admin_file(path, &kind, &text, err)) < 0)
		return r;
	return sysprofile_parse(text, path, ret, err);
}

int sysprofile_get(const char *name, struct sysfilter_profile *ret, struct error *err)
{
	if (!strcmp(name, "default") || !strcmp(name, "strict")) {
		*ret = (struct sysfilter_profile){
			.base = name[0] == 's' ? SYSFILTER_STRICT : SYSFILTER_DEFAULT,
		};
		return 0;
	}
	return sysprofile_read(name, ret, err);
}
