/* bindmount.h - her binds attached in her container (warren.conf(5), BINDS AND HOME): from
 * where the builder staged them (storage/hostdirs.h), in her new mount namespace, where
 * the kernel has locked their flags (read-only, nosuid, nodev, noexec): no process of
 * hers, root inside included, can clear them. */
#ifndef WARREN_BINDMOUNT_H
#define WARREN_BINDMOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/errors.h"
#include "policy/spec.h"

/* Attach the tree staged at SRC (a mount) at REL below ROOTFD: the directory made
 * there if CREATE, else it must exist; no symbolic link followed on the way. */
int bindmount_attach(int rootfd, const char *rel, const char *src, bool create);

/* U's staged binds (bit I of STAGED: U->binds[I], staged at DIR/I) at their to below
 * ROOTFD, in hostdir_bind_order: a bind below another one's is attached on a directory of
 * that one's source (the builder checked it is there), never made.  0, or -errno with
 * ERR naming the bind. */
int bindmount_all(int rootfd, const struct user_spec *u, uint64_t staged, const char *dir,
		  struct error *err);

#endif
