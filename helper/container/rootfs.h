/* rootfs.h - the container side of a build: its filesystem, made from inside its new
 * user namespace, and the exec of warren-init as pid 1. */
#ifndef WARREN_ROOTFS_H
#define WARREN_ROOTFS_H

#include <stdint.h>

#include "lib/errors.h"
#include "net/net.h"
#include "wire/protocol.h"
#include "policy/spec.h"

/* The build namespace (a private mount namespace of the host's, see build.c) stages
 * what the container's root may not reach on the host on a tmpfs here; rootfs_setup
 * finds it there. */
#define BUILD_MNT RUNTIME_DIR "/mnt"
#define BUILD_IMAGE BUILD_MNT "/image" /* the image, idmapped and read-only */
#define BUILD_STATE BUILD_MNT "/state" /* the user's layers (layers.h) */
#define BUILD_PTS BUILD_MNT "/pts"     /* bind of the host-side devpts instance */
#define BUILD_ROOT BUILD_MNT "/root"   /* the overlay root, before pivot_root */
#define BUILD_SKEL BUILD_MNT "/skel"   /* the image's /etc/skel, idmapped to the user */
#define BUILD_LAYER BUILD_MNT "/layer"  /* + 0..LAYERS_MAX-1: her image layers, as the image */
#define BUILD_BINDS BUILD_MNT "/binds"  /* /0..BINDS_MAX-1: her binds, staged (hostdirs.h) */
#define BUILD_HOSTHOME BUILD_MNT "/hosthome" /* home = "host": her home from the host */

/* warren-init (init.c, its own static binary) is pid 1 inside. */
#define INIT_NAME "warren-init"

/* Set up the namespaces' filesystem and network (NET) and exec warren-init from EXE_FD.
 * BINDS_STAGED: the binds of U the builder staged at BUILD_BINDS (bit I: U->binds[I]).
 * Runs as the container's root (host: the user's subordinate range); returns only on
 * failure. */
int rootfs_setup_and_exec(const struct user_spec *u, const struct net_plan *net, int exe_fd,
			  uint64_t binds_staged, struct error *err);

#endif
