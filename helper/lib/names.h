/* names.h - strict validation of names that become paths (DESIGN §5.5). */
#ifndef WARREN_NAMES_H
#define WARREN_NAMES_H

#include <stdbool.h>

/* A user or group name warren will act on: 1..32 chars, first [A-Za-z_],
 * rest [A-Za-z0-9_.-]; never "." or ".." nor anything with '/'. */
bool name_is_valid(const char *name);

#endif
