/* lastgood.h - the last version of the config that loaded cleanly, kept so that a broken
 * config refuses only the users it may jail, not every user (an admin who must fix it
 * among them).
 *
 * The copy lives beside the config, DIR/.NAME.last-good (root's, 0600): one comment line
 * with the source's mtime and an FNV-1a hash of its text, then the text as it was:
 *   # warren last-good: mtime 1732860000.123456789 fnv1a64 0123456789abcdef of PATH
 */
#ifndef WARREN_LASTGOOD_H
#define WARREN_LASTGOOD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "policy/config.h"

struct lastgood_info {
	struct timespec mtime; /* of the config file the copy was taken from */
	uint64_t hash;         /* text_hash() (text.h) of its text */
};

/* The copy's path for the config at CONFIG_PATH into BUF; NULL if it does not fit. */
const char *lastgood_path(const char *config_path, char *buf, size_t len);


/* A copy's TEXT: its first line into *INFO, *RET_BODY at the config's text after it;
 * -EINVAL if the line is not ours or the hash is not the text's (pure, fuzzed). */
int lastgood_parse(const char *text, struct lastgood_info *info, const char **ret_body);

/* Keep TEXT, read from CONFIG_PATH with mtime MTIME and loaded cleanly, as the copy;
 * nothing is written when the copy already holds TEXT. */
int lastgood_save(const char *config_path, const char *text, const struct timespec *mtime);

/* The copy of CONFIG_PATH, parsed into *RET, with *INFO from its first line; -ENOENT if
 * there is none, -EINVAL if it is not one (it is then not used). */
int lastgood_load(const char *config_path, struct warren_config **ret, struct lastgood_info *info);

/* Is TEXT the copy's text?  1 if it differs, 0 if not, -ENOENT if there is no copy. */
int lastgood_differs(const char *config_path, const char *text);

#endif
