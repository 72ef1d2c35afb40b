/* events.c - warren's own record of events (see events.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/errors.h"
#include "lib/events.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/log.h"

/* Blanks for control characters (no line of ours ends early), and, in a field, for
 * blanks too. */
static void flatten(char *s, bool field)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || (field && *s == ' '))
			*s = field ? '?' : ' ';
}

/* The record's fd, open for appending, locked; rotated first if it is full. */
static int open_record(int dir)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		_cleanup_close_ int fd = openat(dir, LAYOUT_EVENTS, O_WRONLY | O_APPEND | O_CREAT |
						O_NOFOLLOW | O_CLOEXEC, 0600);
		struct stat st;

		if (fd < 0 || flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0)
			return -errno;
		if (st.st_size < EVENTS_MAX || attempt > 0)
			return TAKE_FD(fd);
		/* Full: it becomes the old one (the one before goes), and a new one starts. */
		if (renameat(dir, LAYOUT_EVENTS, dir, LAYOUT_EVENTS_OLD) < 0)
			return -errno;
	}
	return -EAGAIN;
}

void event_record(const char *state_dir, const char *user, const char *event, const char *fmt,
		  ...)
{
	char who[64], detail[ERROR_MSG_MAX], line[ERROR_MSG_MAX + 128], stamp[32], path[4200];
	_cleanup_close_ int dir = -EBADF, fd = -EBADF;
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	int n, r = 0;

	if (!state_dir || !state_dir[0])
		return;
	snprintf(who, sizeof(who), "%s", user && user[0] ? user : "?");
	flatten(who, true);
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	flatten(detail, false);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	n = snprintf(line, sizeof(line), "%s %s %s %s\n", stamp, who, event, detail);
	if (n >= (int)sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if ((dir = open(layout_events_dir(state_dir), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		r = -errno;
	else if ((fd = open_record(dir)) < 0)
		r = fd;
	else
		r = write_all(fd, line, (size_t)n);
	if (r < 0)
		log_warning(r, "cannot record the event in %s",
			    layout_events(state_dir, false, path, sizeof(path)));
}

bool event_parse(char *line, struct event *ret)
{
	char *f[3], *p = line;

	line[strcspn(line, "\n")] = '\0';
	for (int i = 0; i < 3; i++) {
		f[i] = p;
		if (!(p = strchr(p, ' ')))
			return false;
		*p++ = '\0';
	}
	*ret = (struct event){ .time = f[0], .user = f[1], .event = f[2], .detail = p };
	return f[0][0] && f[1][0] && f[2][0];
}
