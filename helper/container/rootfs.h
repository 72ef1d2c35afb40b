/* rootfs.h - the container side of a build: its filesystem, made from inside its new
 * user namespace, and the exec of warren-init as pid 1. */
#ifndef WARREN_ROOTFS_H
#define WARREN_ROOTFS_H

#include <stdint.h>

#include "lib/errors.h"
#include "lib/layout.h"
#include "net/net.h"
#include "wire/protocol.h"
#include "policy/spec.h"

/* warren-init (init.c, its own static binary) is pid 1 inside. */
#define INIT_NAME "warren-init"

/* Set up the namespaces' filesystem and network (NET) and exec warren-init from EXE_FD.
 * BINDS_STAGED: the binds of U the builder staged at BUILD_BINDS (bit I: U->binds[I]).
 * Runs as the container's root (host: the user's subordinate range); returns only on
 * failure. */
int rootfs_setup_and_exec(const struct user_spec *u, const struct net_plan *net, int exe_fd,
			  uint64_t binds_staged, struct error *err);

#endif
