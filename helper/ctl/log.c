/* ctl_log.c - warrenctl log (see ctl_log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "policy/config.h"
#include "ctl/json.h"
#include "ctl/log.h"
#include "lib/events.h"
#include "policy/lastgood.h"
#include "lib/layout.h"
#include "lib/text.h"

/* The state dir to read: the config's, else (broken config) its last good copy's. */
static int state_dir_of(const char *config_path, char *buf, size_t len)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	struct config_error err = { 0 };
	struct lastgood_info info;
	char msg[1024];

	if (config_load(config_path, &cfg, &policy, &err) == 0 ||
	    lastgood_load(config_path, &cfg, &info) == 0) {
		snprintf(buf, len, "%s", cfg->state_dir);
		return 0;
	}
	config_error_format(&err, msg, sizeof(msg));
	fprintf(stderr, "%s\nwarrenctl: the config never loaded, so there is no state dir to read "
		"the record from; syslog (authpriv) has the helper's messages\n", msg);
	return -EINVAL;
}

/* Keep in RING (CTL_LOG_LINES, a circular buffer) the lines of PATH for USER.  A record
 * that is not there is none; one that cannot be read is -errno (not root: it is root's). */
static int collect(const char *path, const char *user, char **ring, size_t *n)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;

	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &size, f) > 0) {
		_cleanup_free_ char *copy = strdup(line);
		struct event e;

		if (!copy || !event_parse(copy, &e) || (user && strcmp(e.user, user)))
			continue;
		free(ring[*n % CTL_LOG_LINES]);
		ring[*n % CTL_LOG_LINES] = strdup(line);
		(*n)++;
	}
	return 0;
}

int ctl_log(const char *config_path, const char *user, bool json)
{
	char dir[4096], path[4200], *ring[CTL_LOG_LINES] = { NULL };
	size_t n = 0, first;

	if (state_dir_of(config_path, dir, sizeof(dir)) < 0)
		return 1;
	for (int k = 0; k < 2; k++) {
		int r;

		layout_events(dir, k == 0, path, sizeof(path));
		if ((r = collect(path, user, ring, &n)) < 0) {
			fprintf(stderr, "warrenctl: cannot read %s: %s%s\n", path, strerror(-r),
				r == -EACCES ? " (warren's record is root's: run warrenctl log as root)" : "");
			for (size_t i = 0; i < CTL_LOG_LINES; i++)
				free(ring[i]);
			return 1;
		}
	}
	first = n > CTL_LOG_LINES ? n - CTL_LOG_LINES : 0;
	if (json)
		putchar('[');
	for (size_t i = first; i < n; i++) {
		char *line = ring[i % CTL_LOG_LINES];
		struct event e;

		if (!json) {
			/* Written masked (events.c), but the file outlives versions of warren. */
			line[strcspn(line, "\n")] = '\0';
			text_mask(line, '?');
			puts(line);
		} else if (event_parse(line, &e)) {
			printf("%s\n  {\"time\": ", i > first ? "," : "");
			json_string(e.time);
			printf(", \"user\": ");
			json_string(e.user);
			printf(", \"event\": ");
			json_string(e.event);
			printf(", \"detail\": ");
			json_string(e.detail);
			putchar('}');
		}
	}
	if (json)
		printf("%s]\n", n > first ? "\n" : "");
	for (size_t i = 0; i < CTL_LOG_LINES; i++)
		free(ring[i]);
	return 0;
}
