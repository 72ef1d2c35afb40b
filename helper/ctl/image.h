/* ctl_image.h - warrenctl image: the base images and layers in the images directory (the
 * base image's parent, stack.h).
 *
 *   image ls [--json]                                   each, its kind, origin and users
 *   image build NAME [--suite S] [--packages a,b]       a base image (warren-mkimage)
 *   image layer NAME --from IMAGE [--packages a,b] [--deb FILE]...
 *                                                       a layer over IMAGE (warren-mklayer)
 *   image rm NAME                                       refused while anything uses it
 *
 * Each build records how it was made beside it, in IMAGES/.NAME.meta.
 */
#ifndef WARREN_CTL_IMAGE_H
#define WARREN_CTL_IMAGE_H

#include <stdbool.h>

#define CTL_IMAGE_DEBS_MAX 32

struct image_options {
	const char *suite, *packages, *from;
	const char *debs[CTL_IMAGE_DEBS_MAX];
	int n_debs;
};

/* `warrenctl image ARGS...` (N of them: the subcommand, then its NAME) under the config
 * at CONFIG_PATH; an exit status. */
int ctl_image(const char *config_path, char **args, int n, const struct image_options *o,
	      bool json);

#endif
