/* test_state.c - the record of a running container (lib/state.h): "INIT SUPERVISOR
 * PIDNS-INODE PTS-DEV", and the three fields of a record an older version wrote (its
 * container's devpts is then found where that version mounted it). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/state.h"

static void test_record(void **state)
{
	struct container_state st;

	assert_int_equal(state_parse("120 119 4026532001 18446744073709551615\n", &st), 0);
	assert_int_equal(st.init_pid, 120);
	assert_int_equal(st.supervisor_pid, 119);
	assert_true(st.pidns_ino == 4026532001ULL);
	assert_true(st.pts_dev == 18446744073709551615ULL);
	/* An older version's: no devpts in it. */
	assert_int_equal(state_parse("120 119 4026532001\n", &st), 0);
	assert_true(st.pts_dev == 0 && st.pidns_ino == 4026532001ULL);
	for (const char *const *bad = (const char *const[]){ "", "120", "120 119", "1 119 5 6",
			"120 1 5 6", "120 119 5 0", "x 119 5 6", "0 119 5 6", "120 0 5 6", "-5 119 5 6",
			NULL }; *bad; bad++)
		if (state_parse(*bad, &st) != -EBADMSG)
			fail_msg("\"%s\" is taken as a record", *bad);
	/* The lowest pids that are not init's own. */
	assert_int_equal(state_parse("2 2 5 6", &st), 0);
	assert_int_equal(st.init_pid, 2);
	assert_int_equal(st.supervisor_pid, 2);
}

/* The test process's starttime (field 22 of /proc/self/stat), read on its own here. */
static unsigned long long own_start(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(p = strrchr(buf, ')'));
	for (int field = 2; field < 22; field++)
		assert_non_null(p = strchr(p + 1, ' '));
	assert_int_equal(sscanf(p + 1, "%llu", &start), 1);
	return start;
}

/* A process name holds anything: the one that looks like fields, or like a PPid: line,
 * tells nothing.  The fields are the ones after the last ')'. */
static void test_proc_fields(void **state)
{
	char old[17] = "";
	unsigned long long start = 0, ino = 0;
	pid_t ppid = 0;

	assert_int_equal(prctl(PR_GET_NAME, old, 0, 0, 0), 0);
	assert_int_equal(prctl(PR_SET_NAME, "x) 9 9 (y", 0, 0, 0), 0);
	assert_int_equal(proc_stat_read(getpid(), &ppid, &start), 0);
	assert_int_equal(ppid, getppid());
	assert_true(start > 0);
	assert_true(start == own_start());
	assert_int_equal(proc_stat_read(getpid(), NULL, NULL), 0);

	assert_int_equal(prctl(PR_SET_NAME, "PPid: 77", 0, 0, 0), 0);
	assert_int_equal(state_pidns_inode(getpid(), &ino), 0);
	{
		struct stat s;

		assert_int_equal(stat("/proc/self/ns/pid", &s), 0);
		assert_true(ino == (unsigned long long)s.st_ino);
	}
	struct container_state st = { .init_pid = getpid(), .supervisor_pid = getppid(),
				      .pidns_ino = ino };
	assert_true(state_supervised(&st));
	assert_true(state_is_live(&st));
	assert_true(state_supervisor_alive(&st));
	int fd = state_open_init(&st);
	assert_true(fd >= 0);
	close(fd);
	/* Another supervisor, another pid namespace: not hers. */
	st.supervisor_pid = 77;
	assert_false(state_supervised(&st));
	assert_false(state_is_live(&st));
	st.supervisor_pid = getppid();
	st.pidns_ino = ino + 1;
	assert_false(state_is_live(&st));
	assert_int_equal(state_open_init(&st), -ESRCH);
	/* Alive, but not the supervisor of that init. */
	st = (struct container_state){ .init_pid = 1, .supervisor_pid = getppid(), .pidns_ino = ino };
	assert_false(state_supervisor_alive(&st));
	prctl(PR_SET_NAME, old, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_proc_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
