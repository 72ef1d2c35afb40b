/* test_events.c - warren's record of events (helper/lib/events.c): what a user can make
 * of it with logins of her own, and what its lines may hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/events.h"
#include "lib/layout.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/warren-events.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The record's lines (both files, oldest first), into BUF. */
static int record_lines(char *buf, size_t len)
{
	char path[128];
	size_t n = 0;
	int lines = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2; i++) {
		FILE *f;
		int c;

		snprintf(path, sizeof(path), "%s/%s", dir, i ? LAYOUT_EVENTS : LAYOUT_EVENTS_OLD);
		if (!(f = fopen(path, "r")))
			continue;
		while ((c = fgetc(f)) != EOF) {
			if (n + 1 < len)
				buf[n++] = (char)c;
			lines += c == '\n';
		}
		fclose(f);
	}
	buf[n] = '\0';
	return lines;
}

#define T0 1800000000 /* 2027-01-15T08:00:00Z */

/* Her refused logins, as fast as she can make them: one line per minute, with a count. */
static void test_repeats_counted(void **state)
{
	static char buf[1 << 16];

	event_record_at(T0 - 100, dir, "bob", "started", "container 7 (init pid 9)");
	for (int i = 0; i < 100; i++)
		event_record_at(T0 + i / 4, dir, "alice", "refused", "alice has 2 logins (max_sessions)");
	assert_int_equal(record_lines(buf, sizeof(buf)), 2);
	assert_non_null(strstr(buf, "2027-01-15T08:00:00Z alice refused alice has 2 logins (max_sessions)\n"));
	/* Others are written as they come: another user, another reason, another event. */
	event_record_at(T0 + 30, dir, "carol", "refused", "alice has 2 logins (max_sessions)");
	event_record_at(T0 + 31, dir, "alice", "refused", "no image");
	event_record_at(T0 + 32, dir, "alice", "stopped", "container 8 (idle)");
	event_record_at(T0 + 33, dir, "alice", "stopped", "container 8 (idle)");
	assert_int_equal(record_lines(buf, sizeof(buf)), 6);
	/* The minute is up: the next event of anyone writes the count first. */
	event_record_at(T0 + 61, dir, "bob", "joined", "container 7");
	assert_int_equal(record_lines(buf, sizeof(buf)), 8);
	assert_non_null(strstr(buf, "2027-01-15T08:00:24Z alice refused alice has 2 logins (max_sessions) "
				    "[and 99 more like it since 2027-01-15T08:00:00Z: one line per 60 s]\n"
				    "2027-01-15T08:01:01Z bob joined container 7\n"));
	/* And hers is written again, once. */
	event_record_at(T0 + 62, dir, "alice", "refused", "alice has 2 logins (max_sessions)");
	event_record_at(T0 + 63, dir, "alice", "refused", "alice has 2 logins (max_sessions)");
	assert_int_equal(record_lines(buf, sizeof(buf)), 9);
}

/* Refusals one a second for hours (more than both files hold) do not push the record out. */
static void test_no_rotation_by_refusals(void **state)
{
	static char buf[1 << 20];
	struct stat st;
	char old[128];

	char reason[201];

	/* 12000 lines of 200 bytes would fill both files. */
	memset(reason, 'x', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	event_record_at(T0, dir, "alice", "joined", "container 1");
	for (int t = 1; t <= 12000; t++)
		event_record_at(T0 + t, dir, "alice", "refused", reason);
	snprintf(old, sizeof(old), "%s/%s", dir, LAYOUT_EVENTS_OLD);
	assert_int_not_equal(stat(old, &st), 0);
	record_lines(buf, sizeof(buf));
	assert_non_null(strstr(buf, "alice joined container 1\n"));
}

/* Past 1 MiB the record becomes events.log.1 and a new one starts; the one before goes.
 * Both are root's 0600 (warrenctl(8) log). */
static void test_rotation(void **state)
{
	static char buf[3 << 20];
	char detail[400], path[128], old[128], want[64];
	struct stat st, st_old;
	int n = 0;

	memset(detail, 'z', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, LAYOUT_EVENTS);
	snprintf(old, sizeof(old), "%s/%s", dir, LAYOUT_EVENTS_OLD);
	/* Up to the first rotation: the file held at least 1 MiB, then one line more at most. */
	for (; stat(old, &st_old) != 0; n++) {
		memcpy(detail, want, (size_t)snprintf(want, sizeof(want), "container %06d ", n));
		event_record_at(T0 + n, dir, "alice", "started", detail);
		assert_true(n < 10000);
	}
	assert_in_range(st_old.st_size, EVENTS_MAX, EVENTS_MAX + 512);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 512); /* the new one holds the event that rotated it */
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st_old.st_mode & 07777, 0600);
	/* Past the second: the first lines are gone, the latest are in the new file. */
	for (int end = 3 * n; n < end; n++) {
		memcpy(detail, want, (size_t)snprintf(want, sizeof(want), "container %06d ", n));
		event_record_at(T0 + n, dir, "alice", "started", detail);
	}
	record_lines(buf, sizeof(buf));
	assert_null(strstr(buf, "alice started container 000000 "));
	snprintf(want, sizeof(want), "alice started container %06d ", n - 1);
	assert_non_null(strstr(buf, want));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(stat(old, &st_old), 0);
	assert_true(st.st_size < EVENTS_MAX + 512 && st_old.st_size < EVENTS_MAX + 512);
}

/* What reaches `warrenctl log`: no control, no C1, no byte that is not UTF-8. */
static void test_masked(void **state)
{
	static char buf[4096];

	event_record_at(T0, dir, "al\x9b" "ice", "refused", "no such group \xc2\x9b" "31m\xff caf\xc3\xa9\n!");
	record_lines(buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-15T08:00:00Z al?ice refused no such group ??31m? caf\xc3\xa9 !\n");
}

/* In USER a blank or a control is '?'; in DETAIL controls (DEL and 0x1f too) are blanks;
 * no user is "?". */
static void test_masked_controls(void **state)
{
	static char buf[4096];

	event_record_at(T0, dir, "a b\x1f\x7f\tc", "refused", "x\x1fy\x7fz\tw ~");
	event_record_at(T0, dir, "", "refused", "no user");
	event_record_at(T0, dir, NULL, "refused", "null user");
	record_lines(buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-15T08:00:00Z a?b???c refused x y z w ~\n"
				 "2027-01-15T08:00:00Z ? refused no user\n"
				 "2027-01-15T08:00:00Z ? refused null user\n");
}

/* The time is up at EVENTS_REPEAT_SECONDS, not a second later; a clock that went back
 * ends it too; one repeat is counted as one; "joined" (her logins) is counted like
 * "refused", the others are not. */
static void test_repeat_window(void **state)
{
	static char buf[1 << 14];

	event_record_at(T0, dir, "alice", "refused", "no image");
	event_record_at(T0 + 59, dir, "alice", "refused", "no image");
	assert_int_equal(record_lines(buf, sizeof(buf)), 1);
	event_record_at(T0 + 60, dir, "alice", "refused", "no image");
	assert_int_equal(record_lines(buf, sizeof(buf)), 3);
	assert_non_null(strstr(buf, "2027-01-15T08:00:59Z alice refused no image "
				    "[and 1 more like it since 2027-01-15T08:00:00Z: one line per 60 s]\n"
				    "2027-01-15T08:01:00Z alice refused no image\n"));
	/* The clock went back: what was written "later" does not hold hers back. */
	event_record_at(T0 + 30, dir, "alice", "refused", "no image");
	assert_int_equal(record_lines(buf, sizeof(buf)), 4);

	event_record_at(T0 + 500, dir, "bob", "joined", "container 7");
	event_record_at(T0 + 501, dir, "bob", "joined", "container 7");
	assert_int_equal(record_lines(buf, sizeof(buf)), 5);
	event_record_at(T0 + 502, dir, "bob", "stopped", "container 7 (idle)");
	event_record_at(T0 + 503, dir, "bob", "stopped", "container 7 (idle)");
	assert_int_equal(record_lines(buf, sizeof(buf)), 7);
}

/* The table holds EVENTS_REPEATS_MAX of them: all of those are counted; past it, an event
 * is written each time (the table does not grow without bound). */
static void test_repeats_table_bound(void **state)
{
	static char buf[1 << 16];
	char user[32];

	for (int i = 0; i < EVENTS_REPEATS_MAX; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		event_record_at(T0, dir, user, "refused", "no image");
	}
	assert_int_equal(record_lines(buf, sizeof(buf)), EVENTS_REPEATS_MAX);
	for (int i = 0; i < EVENTS_REPEATS_MAX; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		event_record_at(T0 + 1, dir, user, "refused", "no image");
	}
	assert_int_equal(record_lines(buf, sizeof(buf)), EVENTS_REPEATS_MAX);
	event_record_at(T0 + 2, dir, "mallory", "refused", "no image");
	event_record_at(T0 + 3, dir, "mallory", "refused", "no image");
	assert_int_equal(record_lines(buf, sizeof(buf)), EVENTS_REPEATS_MAX + 2);
}

/* The table keeps only what is live: once all of it expired, events.repeats is empty. */
static void test_repeats_table_shrinks(void **state)
{
	static char buf[1 << 14];
	char path[128];
	struct stat st;

	event_record_at(T0, dir, "alice", "refused", "no image");
	event_record_at(T0 + 1, dir, "bob", "refused", "no such group");
	event_record_at(T0 + 2, dir, "carol", "joined", "container 3");
	snprintf(path, sizeof(path), "%s/%s", dir, LAYOUT_EVENTS_REPEATS);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	event_record_at(T0 + 300, dir, "dave", "started", "container 4 (init pid 9)");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(record_lines(buf, sizeof(buf)), 4);
}

/* The record rotates once it holds EVENTS_MAX bytes, not before. */
static void test_rotation_boundary(void **state)
{
	char path[128], old[128];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, LAYOUT_EVENTS);
	snprintf(old, sizeof(old), "%s/%s", dir, LAYOUT_EVENTS_OLD);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) >= 0);
	assert_int_equal(ftruncate(fd, EVENTS_MAX - 1), 0);
	close(fd);
	event_record_at(T0, dir, "alice", "started", "container 1");
	assert_int_not_equal(stat(old, &st), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > EVENTS_MAX);

	assert_int_equal(unlink(path), 0);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) >= 0);
	assert_int_equal(ftruncate(fd, EVENTS_MAX), 0);
	close(fd);
	event_record_at(T0 + 1, dir, "alice", "started", "container 2");
	assert_int_equal(stat(old, &st), 0);
	assert_int_equal(st.st_size, EVENTS_MAX);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 512);
}

/* A line longer than the record takes is cut, and still ends its line. */
static void test_long_line_cut(void **state)
{
	static char buf[1 << 14];
	char event[800];

	memset(event, 'e', sizeof(event) - 1);
	event[sizeof(event) - 1] = '\0';
	event_record_at(T0, dir, "alice", event, "container 1");
	event_record_at(T0 + 1, dir, "bob", "started", "container 2");
	assert_int_equal(record_lines(buf, sizeof(buf)), 2);
	assert_true(strncmp(buf, "2027-01-15T08:00:00Z alice eee", 30) == 0);
	assert_non_null(strstr(buf, "eee\n2027-01-15T08:00:01Z bob started container 2\n"));
}

/* A line of the record, split; what is not one is refused. */
static void test_parse(void **state)
{
	char line[128];
	struct event e;

	snprintf(line, sizeof(line), "2027-01-15T08:00:00Z alice refused no image here\n");
	assert_true(event_parse(line, &e));
	assert_string_equal(e.time, "2027-01-15T08:00:00Z");
	assert_string_equal(e.user, "alice");
	assert_string_equal(e.event, "refused");
	assert_string_equal(e.detail, "no image here");
	snprintf(line, sizeof(line), "2027-01-15T08:00:00Z alice refused ");
	assert_true(event_parse(line, &e));
	assert_string_equal(e.detail, "");
	snprintf(line, sizeof(line), "2027-01-15T08:00:00Z alice refused");
	assert_false(event_parse(line, &e));
	snprintf(line, sizeof(line), "2027-01-15T08:00:00Z  refused x");
	assert_false(event_parse(line, &e));
	snprintf(line, sizeof(line), " alice refused x");
	assert_false(event_parse(line, &e));
	snprintf(line, sizeof(line), "2027-01-15T08:00:00Z alice  x");
	assert_false(event_parse(line, &e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_repeats_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_rotation_by_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_controls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeat_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeats_table_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeats_table_shrinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_cut, setup, teardown),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
