/* nsjoin.h - join a running container's namespaces as its root (module and helper). */
#ifndef WARREN_NSJOIN_H
#define WARREN_NSJOIN_H

#include <sys/types.h>

/* setns() into every namespace of the process behind INIT_PIDFD, keep only group GID
 * (identity-mapped) and become root *of the container*: host root is unmapped there,
 * and a later setuid away from an unmapped uid would keep every capability.  On
 * failure returns -errno and *RET_STEP names what failed. */
int nsjoin_as_container_root(int init_pidfd, gid_t gid, const char **ret_step);

#endif
