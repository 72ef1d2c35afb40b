/* events.h - warren's own record of what happens to containers and logins: one line per
 * event in STATE_DIR/events.log (layout.h; root's, 0600; past EVENTS_MAX bytes the file
 * becomes events.log.1 and a new one starts), beside syslog, so that "why was alice refused?"
 * has an answer on a host where nothing reads syslog.  `warrenctl log` reads it.
 *
 * A line: "2026-11-29T09:30:00Z USER EVENT DETAIL", where EVENT is started, joined,
 * refused, stopped, reset, bind-skipped (a bind of hers not made, and why), or
 * net-limited (at her container's stop: it met net_conns or net_rate, nft.h); USER and
 * EVENT have no blanks; DETAIL runs to the end of the line (control characters in it are
 * blanked; C1 controls and bytes that are not UTF-8 are '?' there and in USER).
 *
 * The events a user causes at will - her logins, refused or joined - would let her push
 * the record, everyone's, out of both files (a refusal is some 150 bytes): one of them
 * is written once per EVENTS_REPEAT_SECONDS for the same user, event and detail, and the
 * ones like it in that time are counted, then written as one line, "DETAIL [and N more
 * like it since TIME: one line per 60 s]", stamped with the last one's time, with the
 * first event recorded after the time is up.  The table of what was written lately is
 * STATE_DIR/events.repeats (layout.h; root's, 0600). */
#ifndef WARREN_EVENTS_H
#define WARREN_EVENTS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#define EVENTS_MAX (1024 * 1024)
#define EVENTS_REPEAT_SECONDS 60
#define EVENTS_REPEATS_MAX 256

/* Append one event.  Never fails the operation it records: trouble is a warning in
 * syslog.  STATE_DIR NULL or "" (the config never loaded): nothing is written. */
void event_record(const char *state_dir, const char *user, const char *event, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));
/* The same with its DETAIL made, as if it happened at NOW (tests). */
void event_record_at(time_t now, const char *state_dir, const char *user, const char *event,
		     const char *detail);

/* One line of the record, split in place: false if LINE is not one. */
struct event {
	const char *time, *user, *event, *detail;
};
bool event_parse(char *line, struct event *ret);

#endif
