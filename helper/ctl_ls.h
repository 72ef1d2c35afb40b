/* ctl_ls.h - warrenctl ls: every running container, what it uses and its limits. */
#ifndef WARREN_CTL_LS_H
#define WARREN_CTL_LS_H

#include <stdbool.h>

/* A table (or with JSON, an array of objects) of the containers recorded under
 * /run/warren, with the config at CONFIG_PATH for their addresses.  An exit status. */
int ctl_ls(const char *config_path, bool json);

#endif
