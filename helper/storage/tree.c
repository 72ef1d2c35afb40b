/* tree.c - a user's directory trees, walked as root (see tree.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/strv.h"
#include "storage/tree.h"

/* A tree deeper than this is not a user's layers; refusing it bounds the recursion. */
#define TREE_MAX_DEPTH 256
#define XATTR_LIST_MAX_LEN 65536
#define XATTR_VALUE_MAX_LEN 65536

static int differ(struct error *err, const char *path, const char *what)
{
	return error_set(err, -EXDEV, "the copy differs at %s: %s", path[0] ? path : ".", what);
}

/* NAME's xattrs in both dirs alike (names in any order, and values)?  Read without
 * following a symlink: through the directory's /proc/self/fd path, whose last component
 * is not followed.  1 alike, 0 not, -errno. */
static int xattrs_equal(int sdir, int ddir, const char *name)
{
	/* Static: too big for the stack of a recursion, and used up before it recurses. */
	static char slist[XATTR_LIST_MAX_LEN], dlist[XATTR_LIST_MAX_LEN];
	static char sval[XATTR_VALUE_MAX_LEN], dval[XATTR_VALUE_MAX_LEN];
	char spath[FD_PATH_MAX + 256], dpath[FD_PATH_MAX + 256];
	ssize_t ns, nd;

	snprintf(spath, sizeof(spath), "/proc/self/fd/%d/%s", sdir, name);
	snprintf(dpath, sizeof(dpath), "/proc/self/fd/%d/%s", ddir, name);
	ns = llistxattr(spath, slist, sizeof(slist));
	if (ns < 0)
		return errno == ENOTSUP ? 0 : -errno;
	nd = llistxattr(dpath, dlist, sizeof(dlist));
	if (nd != ns)
		return 0;
	for (char *k = slist; k < slist + ns; k += strlen(k) + 1) {
		ssize_t a = lgetxattr(spath, k, sval, sizeof(sval));
		ssize_t b = lgetxattr(dpath, k, dval, sizeof(dval));

		if (a < 0)
			return -errno;
		if (b != a || memcmp(sval, dval, (size_t)a) != 0)
			return 0;
	}
	return 1;
}

static int contents_equal(int sdir, int ddir, const char *name)
{
	_cleanup_close_ int s = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int d = openat(ddir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char a[65536], b[65536];

	if (s < 0 || d < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(s, a, sizeof(a)), m;

		if (n < 0)
			return -errno;
		/* The copy is ours and not being written: a full read of it gives N too. */
		m = n ? read(d, b, (size_t)n) : read(d, b, 1);
		if (m != n || memcmp(a, b, (size_t)n) != 0)
			return 0;
		if (n == 0)
			return 1;
	}
}

static int compare_dir(int src, int dst, const char *path, int depth, struct error *err);

/* Entry NAME of SDIR against the same in DDIR; PATH is its path, for messages. */
static int compare_entry(int sdir, int ddir, const char *name, const char *path, int depth,
			 struct error *err)
{
	struct stat s, d;
	int r;

	if (fstatat(sdir, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return error_errno(err, -errno, "cannot inspect %s", path);
	if (fstatat(ddir, name, &d, AT_SYMLINK_NOFOLLOW) < 0)
		return differ(err, path, "missing in the copy");
	if (s.st_mode != d.st_mode || s.st_uid != d.st_uid || s.st_gid != d.st_gid)
		return differ(err, path, "type, mode or owner");
	/* Hard links count for regular files; overlayfs links its whiteouts (0:0 character
	 * devices) to one in its work dir, which is not part of a layer. */
	if (S_ISREG(s.st_mode) && (s.st_size != d.st_size || s.st_nlink != d.st_nlink))
		return differ(err, path, "size or number of hard links");
	if ((S_ISCHR(s.st_mode) || S_ISBLK(s.st_mode)) && s.st_rdev != d.st_rdev)
		return differ(err, path, "device number");
	if (!S_ISLNK(s.st_mode) && (s.st_mtim.tv_sec != d.st_mtim.tv_sec ||
				    s.st_mtim.tv_nsec != d.st_mtim.tv_nsec))
		return differ(err, path, "modification time");
	if ((r = xattrs_equal(sdir, ddir, name)) < 0)
		return error_errno(err, r, "cannot read the xattrs of %s", path);
	if (r == 0)
		return differ(err, path, "extended attributes");
	if (S_ISLNK(s.st_mode)) {
		char a[PATH_MAX], b[PATH_MAX];
		ssize_t na = readlinkat(sdir, name, a, sizeof(a)), nb = readlinkat(ddir, name, b, sizeof(b));

		if (na < 0 || na != nb || memcmp(a, b, (size_t)na) != 0)
			return differ(err, path, "symlink target");
	} else if (S_ISREG(s.st_mode)) {
		r = contents_equal(sdir, ddir, name);
		if (r < 0)
			return error_errno(err, r, "cannot read %s", path);
		if (r == 0)
			return differ(err, path, "contents");
	} else if (S_ISDIR(s.st_mode)) {
		_cleanup_close_ int sd = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int dd = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (sd < 0 || dd < 0)
			return error_errno(err, -errno, "cannot open %s", path);
		return compare_dir(sd, dd, path, depth + 1, err);
	}
	return 0;
}

/* The names in DIR (not . and ..), sorted; *RET_N of them. */
static int list_dir(int dir, char ***ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	int fd = dup(dir);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		char **grown;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		grown = realloc(names, (n + 2) * sizeof(char *));
		if (!grown || !(grown[n] = strdup(e->d_name))) {
			names = grown ? grown : names;
			names[n] = NULL;
			strv_free(names);
			return -ENOMEM;
		}
		names = grown;
		names[++n] = NULL;
	}
	*ret = names;
	*ret_n = n;
	return 0;
}

static int compare_dir(int src, int dst, const char *path, int depth, struct error *err)
{
	_cleanup_(strv_freep) char **s = NULL, **d = NULL;
	size_t ns = 0, nd = 0;
	int r;

	if (depth > TREE_MAX_DEPTH)
		return error_set(err, -ELOOP, "%s is nested too deep to copy", path);
	if ((r = list_dir(src, &s, &ns)) < 0 || (r = list_dir(dst, &d, &nd)) < 0)
		return error_errno(err, r, "cannot list %s", path[0] ? path : ".");
	/* Every entry of SRC is looked up in DST by name: equal counts mean no extra ones. */
	if (ns != nd)
		return differ(err, path, "a different number of entries");
	for (size_t i = 0; i < ns; i++) {
		char sub[4096];

		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "/" : "", s[i]);
		if ((r = compare_entry(src, dst, s[i], sub, depth, err)) < 0)
			return r;
	}
	return 0;
}

int tree_compare(int src, int dst, const char *name, struct error *err)
{
	return compare_dir(src, dst, name, 0, err);
}

static int usage_dir(int dir, int depth, uint64_t *bytes, uint64_t *inodes)
{
	_cleanup_(strv_freep) char **names = NULL;
	size_t n = 0;
	int r;

	if (depth > TREE_MAX_DEPTH)
		return -ELOOP;
	if ((r = list_dir(dir, &names, &n)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int sub = -EBADF;
		struct stat st;

		if (fstatat(dir, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		*bytes += (uint64_t)st.st_blocks * 512;
		*inodes += 1;
		if (!S_ISDIR(st.st_mode))
			continue;
		sub = openat(dir, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return -errno;
		if ((r = usage_dir(sub, depth + 1, bytes, inodes)) < 0)
			return r;
	}
	return 0;
}

int tree_usage(int dir, uint64_t *ret_bytes, uint64_t *ret_inodes)
{
	return usage_dir(dir, 0, ret_bytes, ret_inodes);
}
