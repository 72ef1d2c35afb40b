/* stack.h - a user's image stack: the shared base image with the image layers her group
 * gives her (config `layers`) over it, the first listed on top, then her own layers.
 *
 * A layer is a directory beside the base image: IMAGES/NAME, where IMAGES is the base
 * image's parent directory (/var/lib/warren/images), made by `warrenctl image layer`.
 * Like the base image it is mounted read-only and idmapped into each container, so one
 * copy serves every member of the group.
 *
 * A start records the stack it was built from, each directory by identity (inode and
 * change time), in RUNTIME_DIR/users/USER/stack, so that `warrenctl ls` can tell the
 * containers that run an older stack (a layer rebuilt or the config changed since).
 */
#ifndef WARREN_STACK_H
#define WARREN_STACK_H

#include <stddef.h>

#include "lib/errors.h"
#include "policy/spec.h"

/* IMAGE's parent directory, where the layers live, into BUF. */
const char *stack_images_dir(const char *image, char *buf, size_t len);
/* The directory of layer NAME beside IMAGE, into BUF. */
const char *stack_layer_path(const char *image, const char *name, char *buf, size_t len);

/* Can U's stack be used: the image a root-owned directory no one else may write, with
 * /etc/skel as a directory (no symlink on the way), and each of her layers one too? */
int stack_check(const char *image, const struct user_spec *u, struct error *err);

/* "NAME:INODE:CTIME ..." of IMAGE and the NULL-terminated LAYERS now (a missing one
 * as NAME:-), into BUF: a stack's identity. */
const char *stack_identity(const char *image, char *const *layers, char *buf, size_t len);

/* Record U's stack as her container starts with it; read it back (-errno if none). */
int stack_record(const char *image, const struct user_spec *u);
int stack_recorded(const char *user, char *buf, size_t len);

#endif
