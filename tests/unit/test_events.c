/* test_events.c - warren's record of events (helper/lib/events.c): what a user can make
 * of it with logins of her own, and what its lines may hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* What reaches `warrenctl log`: no control, no C1, no byte that is not UTF-8. */
static void test_masked(void **state)
{
	static char buf[4096];

	event_record_at(T0, dir, "al\x9b" "ice", "refused", "no such group \xc2\x9b" "31m\xff caf\xc3\xa9\n!");
	record_lines(buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-15T08:00:00Z al?ice refused no such group ??31m? caf\xc3\xa9 !\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_repeats_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_rotation_by_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
