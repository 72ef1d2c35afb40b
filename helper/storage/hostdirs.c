/* hostdirs.c - bind sources opened safely, and staged (see hostdirs.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/events.h"
#include "lib/fsutil.h"
#include "lib/log.h"
#include "storage/hostdirs.h"

/* A walk from / to the directory: the directory reached (CUR, and its path for
 * messages) and the components still to go (REST, '/'-separated, links' targets
 * spliced in front as they are followed). */
struct walk {
	int cur;
	char at[PATH_MAX];
	char rest[2 * PATH_MAX];
	int links;
};

/* NAME in DIR as a directory, neither following a link nor leaving by a magic one:
 * ELOOP says NAME is a link. */
static int open_dir_at(int dir, const char *name, unsigned long long resolve)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | resolve,
	};
	int fd = (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* The next component of W->rest into NAME (LEN), taken off W->rest; 0 when none is left. */
static int next_component(struct walk *w, char *name, size_t len)
{
	char *p = w->rest;
	size_t n;

	p += strspn(p, "/");
	n = strcspn(p, "/");
	if (n == 0)
		return 0;
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(name, p, n);
	name[n] = '\0';
	p += n + strspn(p + n, "/");
	memmove(w->rest, p, strlen(p) + 1);
	return 1;
}

static bool rest_is_empty(const struct walk *w)
{
	return w->rest[0] == '\0';
}

/* W->at + "/" + NAME into BUF, for a message. */
static const char *path_of(const struct walk *w, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", strcmp(w->at, "/") ? w->at : "", name);
	return buf;
}

static void step_into(struct walk *w, int fd, const char *name)
{
	char next[PATH_MAX], *slash = strrchr(w->at, '/');

	close(w->cur);
	w->cur = fd;
	if (strcmp(name, "..") != 0)
		snprintf(w->at, sizeof(w->at), "%s", path_of(w, name, next, sizeof(next)));
	else if (slash == w->at) /* "/x" -> "/", and "/" stays */
		w->at[1] = '\0';
	else
		*slash = '\0';
}

/* NAME in W->cur is a link: follow it if it and W->cur are root's and not writable by
 * group or others, by putting its target in front of what is left to walk. */
static int follow_link(struct walk *w, const char *name, struct error *err)
{
	char where[PATH_MAX], target[PATH_MAX], rest[2 * PATH_MAX];
	struct stat dir, link;
	ssize_t n;

	path_of(w, name, where, sizeof(where));
	if (fstat(w->cur, &dir) < 0 || fstatat(w->cur, name, &link, AT_SYMLINK_NOFOLLOW) < 0)
		return error_errno(err, -errno, "%s is a symbolic link that cannot be inspected", where);
	/* DESIGN §5.2: a link that anyone but root could have put there, or that anyone
	 * could replace, may point anywhere. */
	if (link.st_uid != 0)
		return error_set(err, -ELOOP, "%s is a symbolic link of uid %u, not root's: not "
				 "followed", where, (unsigned)link.st_uid);
	if (dir.st_uid != 0 || (dir.st_mode & (S_IWGRP | S_IWOTH)))
		return error_set(err, -ELOOP, "%s is a symbolic link in %s, which is not root's alone "
				 "(uid %u, mode %04o): not followed", where, w->at,
				 (unsigned)dir.st_uid, (unsigned)(dir.st_mode & 07777));
	if (++w->links > HOSTDIR_LINKS_MAX)
		return error_set(err, -ELOOP, "%s: more than %d symbolic links", where,
				 HOSTDIR_LINKS_MAX);
	n = readlinkat(w->cur, name, target, sizeof(target) - 1);
	if (n < 0)
		return error_errno(err, -errno, "cannot read the symbolic link %s", where);
	target[n] = '\0';
	if ((size_t)snprintf(rest, sizeof(rest), "%s/%s", target, w->rest) >= sizeof(rest))
		return error_set(err, -ENAMETOOLONG, "%s: the path is too long with its link's target",
				 where);
	memcpy(w->rest, rest, sizeof(rest));
	if (target[0] == '/') {
		int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (root < 0)
			return error_errno(err, -errno, "cannot open /");
		close(w->cur);
		w->cur = root;
		snprintf(w->at, sizeof(w->at), "/");
	}
	return 0;
}

/* Pass FD (or, FD < 0, the error -FD) to the other end of SOCK. */
static int send_fd(int sock, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	int code = fd < 0 ? fd : 0;
	struct iovec iov = { .iov_base = &code, .iov_len = sizeof(code) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* The fd (or -errno) send_fd passed. */
static int recv_fd(int sock)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	int code = -EPROTO, fd = -EBADF;
	struct iovec iov = { .iov_base = &code, .iov_len = sizeof(code) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);

	if (n != (ssize_t)sizeof(code))
		return n < 0 ? -errno : -EPROTO;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (code < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return code < 0 ? code : -EPROTO;
	}
	return fd;
}

/* The child's part of open_as_her: become HER for good, open REL below DIR. */
__attribute__((noreturn)) static void open_as_her_child(int dir, const char *rel,
							const struct hostdir_creds *her, int sock)
{
	int fd;

	/* Groups first: once the uid is not root, setgroups is no longer allowed.  All
	 * three ids hers: FUSE lets in only a process whose real, effective and saved
	 * ids are the mount's owner's. */
	if (setgroups(her->n_groups, her->groups) < 0 ||
	    setresgid(her->gid, her->gid, her->gid) < 0 ||
	    setresuid(her->uid, her->uid, her->uid) < 0)
		fd = -errno;
	else if (setresuid(0, 0, 0) == 0)
		fd = -EPERM; /* the drop must be for good */
	else
		fd = open_dir_at(dir, rel, RESOLVE_BENEATH);
	_exit(send_fd(sock, fd) < 0 ? 1 : 0);
}

/* REL (no link in it followed) below DIR, opened by a child process as HER: where root
 * is denied, she may not be (root_squash, FUSE without allow_other).  Bounded in time: a
 * file system of hers (FUSE) may never answer, and would hold the builder. */
static int open_as_her(int dir, const char *rel, const struct hostdir_creds *her)
{
	_cleanup_close_pair_ int sv[2] = { -EBADF, -EBADF };
	struct pollfd p = { .events = POLLIN };
	int fd, status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		open_as_her_child(dir, rel, her, sv[1]);
	close(TAKE_FD(sv[1]));
	p.fd = sv[0];
	while ((fd = poll(&p, 1, HOSTDIR_HER_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	if (fd > 0)
		fd = recv_fd(sv[0]);
	else
		fd = fd == 0 ? -ETIMEDOUT : -errno;
	/* A fatal signal ends a request FUSE is waiting on. */
	if (fd == -ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* The directory NAME made in W->cur, hers, with MODE: only where W->cur is root's (a
 * directory she or others own could hold anything by the time it is used).  EEXIST is
 * no error: whoever made it, the walk goes on into it by the rules. */
static int make_hers(struct walk *w, const char *name, int mode, const struct hostdir_creds *her,
		     struct error *err)
{
	_cleanup_close_ int fd = -EBADF;
	char where[PATH_MAX];
	struct stat st;

	path_of(w, name, where, sizeof(where));
	if (fstat(w->cur, &st) < 0)
		return error_errno(err, -errno, "cannot inspect %s", w->at);
	if (st.st_uid != 0)
		return error_set(err, -EPERM, "%s does not exist, and is not made: its parent %s is "
				 "not root's (uid %u)", where, w->at, (unsigned)st.st_uid);
	if (mkdirat(w->cur, name, 0700) < 0)
		return errno == EEXIST ? 0 : error_errno(err, -errno, "cannot make %s", where);
	/* Mode first, while it is root's; then hers (a directory keeps setgid on chown). */
	fd = openat(w->cur, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, (mode_t)mode) < 0 || fchown(fd, her->uid, her->gid) < 0)
		return error_errno(err, -errno, "cannot make %s hers", where);
	return 0;
}

/* One component of the walk: into it, past a link, or on as her. 1: go on; 0: the
 * walk has ended in W->cur; -errno. */
static int walk_step(struct walk *w, int create, const struct hostdir_creds *her,
		     struct error *err)
{
	char name[NAME_MAX + 1], where[PATH_MAX], rel[2 * PATH_MAX + NAME_MAX + 2];
	int fd, r;

	if ((r = next_component(w, name, sizeof(name))) <= 0)
		return r < 0 ? error_set(err, r, "%s: a component is too long", w->at) : 0;
	if (!strcmp(name, "."))
		return 1;
	fd = open_dir_at(w->cur, name, 0);
	if (fd == -ENOENT && create >= 0 && rest_is_empty(w)) {
		if ((r = make_hers(w, name, create, her, err)) < 0)
			return r;
		fd = open_dir_at(w->cur, name, 0);
	}
	if (fd >= 0) {
		step_into(w, fd, name);
		return 1;
	}
	path_of(w, name, where, sizeof(where));
	switch (fd) {
	case -ELOOP:
		return follow_link(w, name, err) < 0 ? err->code : 1;
	case -ENOENT:
		return error_set(err, fd, "%s does not exist", where);
	case -ENOTDIR:
		return error_set(err, fd, "%s is not a directory", where);
	case -EACCES:
	case -EPERM:
		break;
	default:
		return error_errno(err, fd, "cannot open %s", where);
	}
	/* Denied to root: the rest is hers to open, or nobody's. */
	snprintf(rel, sizeof(rel), "%s%s%s", name, w->rest[0] ? "/" : "", w->rest);
	fd = open_as_her(w->cur, rel, her);
	if (fd == -ELOOP || fd == -EXDEV)
		return error_set(err, -ELOOP, "%s/%s: a symbolic link or '..' on the way, where only "
				 "she may look: not followed", strcmp(w->at, "/") ? w->at : "", rel);
	if (fd == -ETIMEDOUT)
		return error_set(err, fd, "%s/%s: opening it as uid %u took more than %d s (a file system "
				 "that does not answer)", strcmp(w->at, "/") ? w->at : "", rel,
				 (unsigned)her->uid, HOSTDIR_HER_TIMEOUT_MS / 1000);
	if (fd < 0)
		return error_errno(err, fd, "%s/%s cannot be opened by root, nor by uid %u",
				   strcmp(w->at, "/") ? w->at : "", rel, (unsigned)her->uid);
	close(w->cur);
	w->cur = fd;
	return 0;
}

int hostdir_open(const char *path, int create, const struct hostdir_creds *her,
		 struct error *err)
{
	struct walk w = { .cur = -EBADF, .at = "/" };
	int r;

	if (path[0] != '/' || strlen(path) >= sizeof(w.rest) / 2)
		return error_set(err, -EINVAL, "%s is not an absolute path", path);
	snprintf(w.rest, sizeof(w.rest), "%s", path);
	w.cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.cur < 0)
		return error_errno(err, -errno, "cannot open /");
	while ((r = walk_step(&w, create, her, err)) > 0)
		;
	if (r < 0) {
		close(w.cur);
		return r;
	}
	return w.cur;
}

int hostdir_stage(int fd, bool write, bool exec, const char *target)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (write ? 0 : MOUNT_ATTR_RDONLY) |
			    (exec ? 0 : MOUNT_ATTR_NOEXEC),
		.propagation = MS_PRIVATE,
	};

	return mount_clone(fd, "", true, &attr, target);
}

bool hostdir_below(const char *to, const char *dir, const char **ret_rel)
{
	size_t len = strlen(dir);

	if (strncmp(to, dir, len) != 0 || to[len] != '/' || !to[len + 1])
		return false;
	if (ret_rel)
		*ret_rel = to + len + 1;
	return true;
}

static const struct user_spec *order_spec; /* qsort's comparison has no context */

static int order_cmp(const void *a, const void *b)
{
	const struct bind_spec *v = order_spec->binds;

	return strcmp(v[*(const unsigned *)a].to, v[*(const unsigned *)b].to);
}

void hostdir_bind_order(const struct user_spec *u, unsigned order[BINDS_MAX])
{
	/* strcmp puts a directory before everything below it: "/d" < "/d/x", and
	 * "/d-x" < "/d/x" does not come between. */
	for (unsigned i = 0; i < u->n_binds; i++)
		order[i] = i;
	order_spec = u;
	qsort(order, u->n_binds, sizeof(order[0]), order_cmp);
	order_spec = NULL;
}

/* Bind I of U: its source opened and checked (FDS: the sources staged so far, by index,
 * -EBADF where none), then staged at DIR/I.  0, or -errno with ERR saying why. */
static int stage_one(const struct user_spec *u, unsigned i, const int fds[BINDS_MAX], const char *dir,
		     int *ret_fd, struct error *err)
{
	const struct bind_spec *b = &u->binds[i];
	const struct hostdir_creds her = { .uid = u->uid, .gid = u->gid, .groups = u->groups,
					   .n_groups = u->n_groups };
	_cleanup_close_ int fd = -EBADF, below = -EBADF;
	char target[PATH_MAX];
	const char *rel;
	int r;

	if (b->problem)
		return error_set(err, -EINVAL, "%s", b->problem);
	/* Below another bind: mounted on a directory of that one's source, never made
	 * there (her container's root may not write the host's directory). */
	for (unsigned j = 0; j < u->n_binds; j++)
		if (fds[j] >= 0 && hostdir_below(b->to, u->binds[j].to, &rel) &&
		    (below = open_beneath(fds[j], rel, O_PATH | O_DIRECTORY)) < 0)
			return error_errno(err, below, "it is below the bind at %s, whose source %s has "
					   "no directory %s", u->binds[j].to, u->binds[j].from, rel);
	if ((fd = hostdir_open(b->from, b->create, &her, err)) < 0)
		return fd;
	snprintf(target, sizeof(target), "%s/%u", dir, i);
	if (mkdir(target, 0755) < 0)
		return error_errno(err, -errno, "cannot make %s", target);
	if ((r = hostdir_stage(fd, b->write, b->exec, target)) < 0)
		return error_errno(err, r, "cannot clone %s", b->from);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Her home from the host, at HOME_DIR, read-write: a home she cannot have refuses her. */
static int stage_home(const struct user_spec *u, const char *home_dir, struct error *err)
{
	const struct hostdir_creds her = { .uid = u->uid, .gid = u->gid, .groups = u->groups,
					   .n_groups = u->n_groups };
	_cleanup_close_ int fd = hostdir_open(u->home, BIND_NO_CREATE, &her, err);
	int r;

	if (fd < 0)
		return error_wrap(err, "home = \"host\": her home cannot be bound");
	if (mkdir(home_dir, 0755) < 0)
		return error_errno(err, -errno, "cannot make %s", home_dir);
	if ((r = hostdir_stage(fd, true, true, home_dir)) < 0)
		return error_errno(err, r, "home = \"host\": cannot clone %s", u->home);
	return 0;
}

int hostdir_stage_binds(const struct user_spec *u, const char *dir, const char *home_dir,
			const char *state_dir, uint64_t *ret_staged, struct error *err)
{
	int fds[BINDS_MAX], r = 0;
	unsigned order[BINDS_MAX];
	uint64_t staged = 0;

	if (u->limits[LIMIT_HOME] == HOME_HOST && (r = stage_home(u, home_dir, err)) < 0)
		return r;
	if (u->n_binds && mkdir(dir, 0755) < 0)
		return error_errno(err, -errno, "cannot make %s", dir);
	hostdir_bind_order(u, order);
	for (unsigned i = 0; i < BINDS_MAX; i++)
		fds[i] = -EBADF;
	for (unsigned k = 0; k < u->n_binds && r == 0; k++) {
		const struct bind_spec *b = &u->binds[order[k]];
		struct error why = { 0 };

		if (stage_one(u, order[k], fds, dir, &fds[order[k]], &why) == 0) {
			staged |= UINT64_C(1) << order[k];
		} else if (b->required) {
			r = error_set(err, why.code, "the bind of %s at %s (%s, line %d) is required and "
				      "cannot be made: %s; fix: make it there, or required = false",
				      b->from, b->to, b->source, b->line, why.msg);
		} else {
			log_warning(0, "bind of %s at %s (%s, line %d) skipped for %s: %s", b->from, b->to,
				    b->source, b->line, u->name, why.msg);
			event_record(state_dir, u->name, "bind-skipped", "%s from %s (%s, line %d): %s",
				     b->to, b->from, b->source, b->line, why.msg);
		}
	}
	for (unsigned i = 0; i < BINDS_MAX; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (r == 0)
		*ret_staged = staged;
	return r;
}
