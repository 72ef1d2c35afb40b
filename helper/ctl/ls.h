/* ctl_ls.h - warrenctl ls and show: the running containers, what they use and their
 * limits. */
#ifndef WARREN_CTL_LS_H
#define WARREN_CTL_LS_H

#include <stdbool.h>

#include "policy/binds.h"
#include "policy/config.h"

/* A table (or with JSON, an array of objects) of the containers recorded under
 * /run/warren, with the config at CONFIG_PATH for their addresses.  An exit status. */
int ctl_ls(const char *config_path, bool json);

/* The containers sorted by CPU use over the last second (or BY_MEMORY, by memory), as
 * a table refreshed every second; ITERATIONS times, or until interrupted if 0 (one
 * iteration: a plain table, no screen clearing).  An exit status. */
int ctl_top(const char *config_path, bool by_memory, int iterations);

/* For warrenctl show: USER's container as it runs (its numbers, how often it met
 * net_conns and net_rate, uid and gid maps, the image stack it started from), its cgroup
 * directories and where her layers are under CFG's state_dir.  1, with the reason on
 * stderr, when her record cannot be read (the caller is not root), else 0. */
int ctl_show_container(const struct warren_config *cfg, const char *user);

/* For warrenctl show: each of V's binds (N, her binds now, binds.h) that is not shadowed,
 * with the options of the mount at its to in her running container, or "not in place". */
void ctl_show_binds(const char *user, const struct bind_spec *v, size_t n);

#endif
