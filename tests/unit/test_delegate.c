/* test_delegate.c - unit tests for the names of the scopes systemd delegates to containers
 * (cgroup/delegate.h): the scope's directory of a user, and the user back from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
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
	/* the longest BUF holds (32 of 33) */
	assert_true(delegate_scope_user("warren-abcdefghijklmnopqrstuvwxyz012345.scope", user,
					sizeof(user)));
	assert_string_equal(user, "abcdefghijklmnopqrstuvwxyz012345");
}

/* Only the cgroup v2 tree at its root may be systemd's, and only on a host systemd
 * booted. */
static void test_systemd_owns(void **state)
{
	bool booted = access("/run/systemd/system/", F_OK) == 0;

	assert_false(delegate_systemd_owns(NULL));
	assert_false(delegate_systemd_owns(""));
	assert_false(delegate_systemd_owns("/tmp/warren-cgroup"));
	assert_false(delegate_systemd_owns("/sys/fs/cgroup/unified"));
	assert_int_equal(delegate_systemd_owns("/sys/fs/cgroup"), booted);
}

static void test_not_a_scope_of_ours(void **state)
{
	static const char *const other[] = {
		"warren-.scope", "warren-alice.service", "session-3.scope", "warren-alice",
		"alice.scope", "cgroup.procs", "warren-abcdefghijklmnopqrstuvwxyz0123456.scope",
		"warren_alice.scope", "warrenalice.scope", "Warren-alice.scope", "warren-alice.scopes",
		"warren-alice_scope", "warren-alice.scopx",
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
		cmocka_unit_test(test_systemd_owns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
