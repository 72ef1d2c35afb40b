/* test_delegate.c - unit tests for the names of the scopes systemd delegates to containers
 * (cgroup/delegate.h): the scope's directory of a user, and the user back from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup/delegate.h"

static void test_scope_dir(void **state)
{
	char buf[256];

	delegate_scope_dir("/sys/fs/cgroup", "alice", buf, sizeof(buf));
	assert_string_equal(buf, "/sys/fs/cgroup/warren.slice/warren-alice.scope");
}

static void test_scope_user(void **state)
{
	char user[33];

	assert_true(delegate_scope_user("warren-alice.scope", user, sizeof(user)));
	assert_string_equal(user, "alice");
	/* a name with a dash and a dot round-trips: the scope's name is not split */
	assert_true(delegate_scope_user("warren-a.b-c.scope", user, sizeof(user)));
	assert_string_equal(user, "a.b-c");
}

static void test_not_a_scope_of_ours(void **state)
{
	static const char *const other[] = {
		"warren-.scope", "warren-alice.service", "session-3.scope", "warren-alice",
		"alice.scope", "cgroup.procs", "warren-abcdefghijklmnopqrstuvwxyz0123456.scope",
	};
	char user[33];

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (delegate_scope_user(other[i], user, sizeof(user)))
			fail_msg("took \"%s\" for a scope of user \"%s\"", other[i], user);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_dir),
		cmocka_unit_test(test_scope_user),
		cmocka_unit_test(test_not_a_scope_of_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
