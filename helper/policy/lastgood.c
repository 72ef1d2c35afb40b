/* lastgood.c - the last config that loaded cleanly (see lastgood.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/text.h"
#include "policy/lastgood.h"

#define HEADER_FORMAT "# warren last-good: mtime %lld.%09ld fnv1a64 %016" PRIx64 " of %s\n"

const char *lastgood_path(const char *config_path, char *buf, size_t len)
{
	const char *slash = strrchr(config_path, '/');
	int dir = slash ? (int)(slash - config_path + 1) : 0;
	int n = snprintf(buf, len, "%.*s.%s.last-good", dir, config_path,
			 slash ? slash + 1 : config_path);

	return n < 0 || (size_t)n >= len ? NULL : buf;
}

int lastgood_parse(const char *text, struct lastgood_info *info, const char **ret_body)
{
	const char *body = strchr(text, '\n');
	long long sec;
	long nsec;

	if (!body || sscanf(text, "# warren last-good: mtime %lld.%ld fnv1a64 %" SCNx64, &sec, &nsec,
			    &info->hash) != 3 || text_hash(body + 1) != info->hash)
		return -EINVAL;
	info->mtime = (struct timespec){ .tv_sec = (time_t)sec, .tv_nsec = nsec };
	*ret_body = body + 1;
	return 0;
}

/* The copy's whole text and its header, read with the config's own checks (root's, no
 * symlink); *RET_BODY (if not NULL) points at the config's text in it. */
static int copy_read(const char *config_path, char **ret_text, const char **ret_body,
		     struct lastgood_info *info)
{
	char path[4096], *text = NULL;
	const char *body;
	struct config_error err;
	int r;

	if (!lastgood_path(config_path, path, sizeof(path)))
		return -ENAMETOOLONG;
	r = config_read_text(path, &text, NULL, &err);
	if (r < 0)
		return r == -ENOENT ? -ENOENT : -EINVAL;
	if ((r = lastgood_parse(text, info, &body)) < 0) {
		free(text);
		return r;
	}
	*ret_text = text;
	if (ret_body)
		*ret_body = body;
	return 0;
}

int lastgood_differs(const char *config_path, const char *text)
{
	_cleanup_free_ char *copy = NULL;
	struct lastgood_info info;
	const char *body;
	int r = copy_read(config_path, &copy, &body, &info);

	if (r < 0)
		return -ENOENT;
	return strcmp(body, text) != 0;
}

int lastgood_save(const char *config_path, const char *text, const struct timespec *mtime)
{
	char path[4096], header[4400];

	if (lastgood_differs(config_path, text) == 0)
		return 0;
	if (!lastgood_path(config_path, path, sizeof(path)))
		return -ENAMETOOLONG;
	snprintf(header, sizeof(header), HEADER_FORMAT, (long long)mtime->tv_sec, mtime->tv_nsec,
		 text_hash(text), config_path);
	/* A name of our own: concurrent logins save it too. */
	return write_replace(AT_FDCWD, path, (const char *const[]){ header, text, NULL },
			     WRITE_PRIVATE | WRITE_DURABLE);
}

int lastgood_load(const char *config_path, struct warren_config **ret, struct lastgood_info *info)
{
	_cleanup_free_ char *text = NULL;
	struct config_error err;
	char path[4096];
	int r = copy_read(config_path, &text, NULL, info);

	if (r < 0)
		return r;
	/* The whole file (its header is a comment), so that lines count as in the copy. */
	if (config_parse_string(text, lastgood_path(config_path, path, sizeof(path)), ret, NULL,
				&err) < 0)
		return -EINVAL;
	return 0;
}
