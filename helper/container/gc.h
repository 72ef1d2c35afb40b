/* gc.h - warren-helper gc: what containers that no longer run left on the host. */
#ifndef WARREN_GC_H
#define WARREN_GC_H

#include "policy/config.h"

/* Every user with a runtime record, a lock file or a cgroup of warren's whose container
 * does not run: what is left of it removed (container_collect), one line per user on
 * stdout.  An exit status: 0, or 1 if a user could not be looked at. */
int gc_run(const struct warren_config *cfg);

#endif
