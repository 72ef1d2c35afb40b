/* test_state.c - the record of a running container (lib/state.h): "INIT SUPERVISOR
 * PIDNS-INODE PTS-DEV", and the three fields of a record an older version wrote (its
 * container's devpts is then found where that version mounted it). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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
			"120 1 5 6", "120 119 5 0", "x 119 5 6", NULL }; *bad; bad++)
		if (state_parse(*bad, &st) != -EBADMSG)
			fail_msg("\"%s\" is taken as a record", *bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
