/* ctl_log.h - warrenctl log: warren's record of events (events.h), read back. */
#ifndef WARREN_CTL_LOG_H
#define WARREN_CTL_LOG_H

#include <stdbool.h>

/* The last CTL_LOG_LINES events (of USER only, unless USER is NULL) recorded under the
 * state dir of the config at CONFIG_PATH (or of its last good copy, when it is broken),
 * oldest first; as text lines, or a JSON array of {time, user, event, detail} with JSON.
 * An exit status: 0, or 1 with the reason on stderr. */
int ctl_log(const char *config_path, const char *user, bool json);

#define CTL_LOG_LINES 100

#endif
