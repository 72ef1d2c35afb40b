/* nsjoin.h - join a running container's namespaces as its root (module and helper). */
#ifndef WARREN_NSJOIN_H
#define WARREN_NSJOIN_H

#include <sys/types.h>

#include "lib/errors.h"

/* setns() into every namespace of the process behind INIT_PIDFD, keep only group GID and
 * the N groups EXTRA (identity-mapped) and become root *of the container*
 * (creds_become_ns_root). */
int nsjoin_as_container_root(int init_pidfd, gid_t gid, const gid_t *extra, unsigned n,
			     struct error *err);

#endif
