/* ctl/fleet.h - warrenctl ls --fleet: every user's lease in the fleet's etcd. */
#ifndef WARREN_CTL_FLEET_H
#define WARREN_CTL_FLEET_H

#include <stdbool.h>

/* A table (with JSON, an array of objects) of the leases under the config's fleet at
 * CONFIG_PATH: user, host, since, boot id, container id, etcd lease.  An exit status: 1,
 * with the reason on stderr, when the config is broken, has no fleet group, or etcd
 * cannot be asked. */
int ctl_ls_fleet(const char *config_path, bool json);

#endif
