/* hostdirs.h - the host directories of a user's binds (policy/binds.h): their sources
 * opened on the host without being led astray by links, and staged as detached mounts
 * for her container to take.
 *
 * The helper opens a bind's source as root, and the path may run through directories
 * that users write (a hand-in directory, a group's project, her home): a link there
 * could name any directory of the host (DESIGN §5.2).  So a symbolic link is followed
 * only where the link and the directory holding it are root's and not writable by group
 * or others (an admin's /srv/data -> /mnt/data); any other refuses the bind.  Where root
 * is denied on the way (an NFS home exported with root_squash, a FUSE mount of hers
 * without allow_other), the rest of the path is opened by a child acting as her, with
 * her uid and groups, following no link at all. */
#ifndef WARREN_HOSTDIRS_H
#define WARREN_HOSTDIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/errors.h"
#include "policy/spec.h"

/* Links followed on one path, at most (the kernel's own bound is 40). */
#define HOSTDIR_LINKS_MAX 40
/* How long the part of a path opened as her may take (a FUSE daemon of hers may never
 * answer). */
#define HOSTDIR_HER_TIMEOUT_MS 10000

/* Who she is on the host, for the part of a path that root may not open. */
struct hostdir_creds {
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* her supplementary groups */
	size_t n_groups;
};

/* Open the directory PATH (absolute; ".." and "." only where a followed link's target
 * holds them) for HER, by the rules above.  CREATE >= 0: a missing last component is
 * made, hers (uid and primary gid) with that mode, where its parent is root's.  An
 * O_PATH fd of the directory; or -ENOENT (missing), -ELOOP (a link not followed, or
 * too many), -ENOTDIR, -EPERM (not to be created there), -EACCES (denied to root and to
 * her), -errno, each with ERR saying what and where. */
int hostdir_open(const char *path, int create, const struct hostdir_creds *her,
		 struct error *err);

/* Clone the directory FD (hostdir_open's), with what is mounted below it, as a detached
 * tree: nosuid and nodev, read-only unless WRITE, noexec unless EXEC, private (nothing
 * mounted later on either side reaches the other); and attach it at TARGET, an empty
 * directory of the caller's.  0 or -errno. */
int hostdir_stage(int fd, bool write, bool exec, const char *target);

/* U's binds (spec.h) staged in DIR, one directory per bind made there (DIR/0 for
 * U->binds[0], ...), parents before the binds below them; and, with home = "host", her
 * home at HOME_DIR (made).  A bind that cannot be made is skipped, with a line in syslog
 * and an event "bind-skipped" in STATE_DIR's record, unless it is required: then, as for
 * her home, the error is ERR's ("... is required and cannot be made: WHY; fix: ...").
 * A bind below another's is skipped where that one's source has no such directory.
 * *RET_STAGED: bit I set for each U->binds[I] staged.  The caller is host root, in a
 * mount namespace of its own (the build namespace). */
int hostdir_stage_binds(const struct user_spec *u, const char *dir, const char *home_dir,
			const char *state_dir, uint64_t *ret_staged, struct error *err);

/* Is TO below the directory DIR (not DIR itself)?  Then *RET_REL (if not NULL) points
 * at TO's part below it, after the '/'. */
bool hostdir_below(const char *to, const char *dir, const char **ret_rel);

/* The order in which U's binds are mounted: by to, so that a bind comes after those
 * above it.  ORDER gets U->n_binds indexes. */
void hostdir_bind_order(const struct user_spec *u, unsigned order[BINDS_MAX]);

#endif
