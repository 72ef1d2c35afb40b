/* bindmount.c - her binds attached in her container (see bindmount.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "container/bindmount.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "storage/hostdirs.h"

int bindmount_attach(int rootfd, const char *rel, const char *src, bool create)
{
	_cleanup_close_ int target = -EBADF, tree = -EBADF;

	target = create ? mkdir_p_beneath(rootfd, rel, 0755) : open_beneath(rootfd, rel, O_PATH | O_DIRECTORY);
	if (target < 0)
		return target;
	/* A clone of the staged tree, with what is below it: its flags, locked, come too. */
	tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return -errno;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int bindmount_all(int rootfd, const struct user_spec *u, uint64_t staged, const char *dir,
		  struct error *err)
{
	unsigned order[BINDS_MAX];
	char src[128];
	int r;

	hostdir_bind_order(u, order);
	for (unsigned k = 0; k < u->n_binds; k++) {
		const struct bind_spec *b = &u->binds[order[k]];
		bool below = false;

		if (!(staged & (UINT64_C(1) << order[k])))
			continue;
		for (unsigned j = 0; j < u->n_binds; j++)
			below = below || ((staged & (UINT64_C(1) << j)) &&
					  hostdir_below(b->to, u->binds[j].to, NULL));
		snprintf(src, sizeof(src), "%s/%u", dir, order[k]);
		if ((r = bindmount_attach(rootfd, b->to + 1, src, !below)) < 0)
			return error_errno(err, r, "the bind of %s at %s (%s, line %d)", b->from, b->to,
					   b->source, b->line);
	}
	return 0;
}
