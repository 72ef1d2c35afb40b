/* stack.c - a user's image stack (see stack.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "storage/stack.h"
#include "lib/state.h"

const char *stack_images_dir(const char *image, char *buf, size_t len)
{
	const char *slash = strrchr(image, '/');
	int n = slash && slash != image ? (int)(slash - image) : 1;

	snprintf(buf, len, "%.*s", n, image);
	return buf;
}

const char *stack_layer_path(const char *image, const char *name, char *buf, size_t len)
{
	char dir[4096];

	snprintf(buf, len, "%s/%s", stack_images_dir(image, dir, sizeof(dir)), name);
	return buf;
}

/* WHAT (the image, or a layer) at PATH: a directory of root's alone.  Its fd. */
static int open_stack_dir(const char *what, const char *path, const char *fix,
			  struct error *err)
{
	int fd = open_root_dir(path);

	if (fd == -EPERM)
		return error_set(err, -EPERM, "%s %s must be owned by root and not writable by "
				 "group or others; fix: chown root: %s && chmod go-w %s", what, path,
				 path, path);
	if (fd < 0)
		return error_errno(err, fd, "%s %s (%s)", what, path, fix);
	return fd;
}

int stack_check(const char *image, const struct user_spec *u, struct error *err)
{
	_cleanup_close_ int fd = -EBADF, etc = -EBADF, skel = -EBADF;
	char path[4200], fix[128];

	if ((fd = open_stack_dir("image", image, "build one with: warrenctl image build NAME",
				 err)) < 0)
		return fd;
	/* Directories, not symlinks: the container is assembled from them by path, and a
	 * link would take /etc or the home template from wherever it points on the host. */
	if ((etc = openat(fd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (skel = openat(etc, "skel", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return error_errno(err, -errno, "image %s has no /etc/skel (the home template) "
				   "as a directory; /etc and /etc/skel may not be symlinks", image);
	for (unsigned i = 0; i < u->n_layers; i++) {
		int layer;

		snprintf(fix, sizeof(fix), "build it with: warrenctl image layer %s --from IMAGE",
			 u->layers[i]);
		layer = open_stack_dir("layer", stack_layer_path(image, u->layers[i], path,
								  sizeof(path)), fix, err);
		if (layer < 0)
			return error_wrap(err, "the layers of %s", u->name);
		close(layer);
	}
	return 0;
}

/* " NAME:INODE:CTIME" of the directory at PATH, appended to BUF at *OFF. */
static void append_identity(const char *name, const char *path, char *buf, size_t len,
			    size_t *off)
{
	struct stat st;
	int n;

	if (*off >= len)
		return;
	if (stat(path, &st) == 0)
		n = snprintf(buf + *off, len - *off, "%s%s:%llu:%lld.%09ld", *off ? " " : "", name,
			     (unsigned long long)st.st_ino, (long long)st.st_ctim.tv_sec,
			     st.st_ctim.tv_nsec);
	else
		n = snprintf(buf + *off, len - *off, "%s%s:-", *off ? " " : "", name);
	*off += n > 0 ? (size_t)n : 0;
}

const char *stack_identity(const char *image, char *const *layers, char *buf, size_t len)
{
	char path[4200];
	size_t off = 0;

	buf[0] = '\0';
	for (; layers && *layers; layers++)
		append_identity(*layers, stack_layer_path(image, *layers, path, sizeof(path)), buf,
				len, &off);
	append_identity(strrchr(image, '/') ? strrchr(image, '/') + 1 : image, image, buf, len,
			&off);
	return buf;
}

int stack_record(const char *image, const struct user_spec *u)
{
	char *names[LAYERS_MAX + 1] = { NULL }, id[2048], path[256];

	for (unsigned i = 0; i < u->n_layers; i++)
		names[i] = (char *)u->layers[i];
	stack_identity(image, names, id, sizeof(id));
	strcat(id, "\n");
	return write_new_file(user_run_path(u->name, RUN_STACK, path, sizeof(path)), id);
}

int stack_recorded(const char *user, char *buf, size_t len)
{
	char path[256];
	int r = read_file(user_run_path(user, RUN_STACK, path, sizeof(path)), buf, len);

	if (r < 0)
		return r;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
