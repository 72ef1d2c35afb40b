/* events.c - warren's own record of events (see events.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
#include "lib/text.h"

/* Blanks for control characters (no line of ours ends early), and, in a field, '?' for
 * them and for blanks; '?' for what a terminal could take for a control sequence (C1,
 * bytes that are not UTF-8: names from NSS are not ours), so that `warrenctl log` prints
 * only text. */
static void flatten(char *s, bool field)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || (field && *p == ' '))
			*p = field ? '?' : ' ';
	text_mask(s, '?');
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

/* The table of repeats (events.h): what was written in the last EVENTS_REPEAT_SECONDS of
 * the events a user can cause at will, and how many like it were only counted since. */
struct repeat {
	long long written, last; /* when it was written; when the last one was counted */
	unsigned count;
	char user[64], event[16], detail[ERROR_MSG_MAX];
};

struct repeats {
	struct repeat *v;
	int n, size;
};

/* Room for one more entry: false when the table is full or memory is out. */
static bool repeats_room(struct repeats *t)
{
	struct repeat *v;
	int size;

	if (t->n < t->size)
		return true;
	if (t->size >= EVENTS_REPEATS_MAX)
		return false;
	size = t->size ? t->size * 2 : 8;
	if (!(v = reallocarray(t->v, (size_t)size, sizeof(*v))))
		return false;
	t->v = v;
	t->size = size;
	return true;
}

static bool event_repeatable(const char *event)
{
	return !strcmp(event, "refused") || !strcmp(event, "joined");
}

/* The table from FD ("WRITTEN LAST COUNT USER EVENT DETAIL" lines); a line that is not
 * one is dropped. */
static void repeats_load(int fd, struct repeats *t)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[ERROR_MSG_MAX + 160];
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (dup_fd < 0 || !(f = fdopen(dup_fd, "r"))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return;
	}
	while (repeats_room(t) && fgets(line, sizeof(line), f)) {
		struct repeat *r = &t->v[t->n];
		int off = -1;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lld %lld %u %63s %15s %n", &r->written, &r->last, &r->count,
			   r->user, r->event, &off) != 5 || off < 0)
			continue;
		snprintf(r->detail, sizeof(r->detail), "%s", line + off);
		t->n++;
	}
}

/* Written over the old table, then cut to its length: not cut to 0 first, which ext4
 * answers with a flush at close (auto_da_alloc) on every login. */
static int repeats_save(int fd, const struct repeats *t)
{
	char line[ERROR_MSG_MAX + 160];
	struct stat st;
	off_t pos = 0;

	for (int i = 0; i < t->n; i++) {
		const struct repeat *r = &t->v[i];
		int n = snprintf(line, sizeof(line), "%lld %lld %u %s %s %s\n", r->written, r->last,
				 r->count, r->user, r->event, r->detail);

		if (n >= (int)sizeof(line))
			continue;
		if (pwrite(fd, line, (size_t)n, pos) != n)
			return -EIO;
		pos += n;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size != pos && ftruncate(fd, pos) < 0)
		return -errno;
	return 0;
}

/* One line of the record at WHEN. */
static int write_line(int fd, time_t when, const char *user, const char *event,
		      const char *detail)
{
	char line[ERROR_MSG_MAX + 192], stamp[32];
	struct tm tm;
	int n;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&when, &tm));
	n = snprintf(line, sizeof(line), "%s %s %s %s\n", stamp, user, event, detail);
	if (n >= (int)sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	return write_all(fd, line, (size_t)n);
}

/* The repeats whose time is up leave the table, each that counted some with a line that
 * says how many. */
static int repeats_expire(int fd, struct repeats *t, time_t now)
{
	int k = 0, r = 0;

	for (int i = 0; i < t->n; i++) {
		struct repeat *e = &t->v[i];
		char since[32], detail[ERROR_MSG_MAX + 96];
		time_t written = (time_t)e->written;
		struct tm tm;

		if (now - e->written < EVENTS_REPEAT_SECONDS && now >= e->written) {
			t->v[k++] = *e;
			continue;
		}
		if (e->count == 0)
			continue;
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&written, &tm));
		snprintf(detail, sizeof(detail), "%s [and %u more like it since %s: one line per "
			 "%d s]", e->detail, e->count, since, EVENTS_REPEAT_SECONDS);
		if (r == 0)
			r = write_line(fd, (time_t)e->last, e->user, e->event, detail);
	}
	t->n = k;
	return r;
}

/* Write the event, or count it as a repeat of one written less than
 * EVENTS_REPEAT_SECONDS ago. */
static int record_with_repeats(int fd, struct repeats *t, time_t now, const char *user,
			       const char *event, const char *detail)
{
	int r = repeats_expire(fd, t, now);

	if (r < 0 || !event_repeatable(event))
		return r < 0 ? r : write_line(fd, now, user, event, detail);
	for (int i = 0; i < t->n; i++) {
		struct repeat *e = &t->v[i];

		if (!strcmp(e->user, user) && !strcmp(e->event, event) && !strcmp(e->detail, detail)) {
			e->count++;
			e->last = now;
			return 0;
		}
	}
	if (repeats_room(t)) {
		struct repeat *e = &t->v[t->n++];

		*e = (struct repeat){ .written = now, .last = now };
		snprintf(e->user, sizeof(e->user), "%s", user);
		snprintf(e->event, sizeof(e->event), "%s", event);
		snprintf(e->detail, sizeof(e->detail), "%s", detail);
	}
	return write_line(fd, now, user, event, detail);
}

void event_record_at(time_t now, const char *state_dir, const char *user, const char *event,
		     const char *text)
{
	char who[64], detail[ERROR_MSG_MAX], path[4200];
	_cleanup_close_ int dir = -EBADF, fd = -EBADF, rfd = -EBADF;
	struct repeats t = { 0 };
	bool table = false;
	int r = 0;

	if (!state_dir || !state_dir[0])
		return;
	snprintf(who, sizeof(who), "%s", user && user[0] ? user : "?");
	flatten(who, true);
	snprintf(detail, sizeof(detail), "%s", text);
	flatten(detail, false);
	if ((dir = open(layout_events_dir(state_dir), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		log_warning(-errno, "cannot record the event in %s",
			    layout_events(state_dir, false, path, sizeof(path)));
		return;
	}
	/* The table's lock is the writers' lock: one event at a time reads and writes it.
	 * Without the table (or memory for it), every event is written. */
	rfd = openat(dir, LAYOUT_EVENTS_REPEATS, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (rfd >= 0 && flock(rfd, LOCK_EX) == 0) {
		table = true;
		repeats_load(rfd, &t);
	}
	if ((fd = open_record(dir)) < 0)
		r = fd;
	else if (table)
		r = record_with_repeats(fd, &t, now, who, event, detail);
	else
		r = write_line(fd, now, who, event, detail);
	if (r < 0)
		log_warning(r, "cannot record the event in %s",
			    layout_events(state_dir, false, path, sizeof(path)));
	if (table && (r = repeats_save(rfd, &t)) < 0)
		log_warning(r, "cannot keep %s/" LAYOUT_EVENTS_REPEATS, layout_events_dir(state_dir));
	free(t.v);
}

void event_record(const char *state_dir, const char *user, const char *event, const char *fmt,
		  ...)
{
	char detail[ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	event_record_at(time(NULL), state_dir, user, event, detail);
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
