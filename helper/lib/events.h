/* events.h - warren's own record of what happens to containers and logins: one line per
 * event in STATE_DIR/events.log (layout.h; root's, 0600; past EVENTS_MAX bytes the file
 * becomes events.log.1 and a new one starts), beside syslog, so that "why was alice refused?"
 * has an answer on a host where nothing reads syslog.  `warrenctl log` reads it.
 *
 * A line: "2026-11-29T09:30:00Z USER EVENT DETAIL", where EVENT is started, joined,
 * refused, stopped, reset, or bind-skipped (a bind of hers not made, and why); USER and EVENT have no blanks; DETAIL runs to the end of the line
 * (control characters in it are blanked). */
#ifndef WARREN_EVENTS_H
#define WARREN_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#define EVENTS_MAX (1024 * 1024)

/* Append one event.  Never fails the operation it records: trouble is a warning in
 * syslog.  STATE_DIR NULL or "" (the config never loaded): nothing is written. */
void event_record(const char *state_dir, const char *user, const char *event, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

/* One line of the record, split in place: false if LINE is not one. */
struct event {
	const char *time, *user, *event, *detail;
};
bool event_parse(char *line, struct event *ret);

#endif
