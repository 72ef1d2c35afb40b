/* test_names.c - unit tests for name_is_valid(): the charset for names that become paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/names.h"

static void test_good_names(void **state)
{
	static const char *const good[] = {
		"alice", "a", "_svc", "Bob", "a.b-c_9", "x-",
		"abcdefghijklmnopqrstuvwxyz012345", /* 32: the maximum */
		"Zoe", "aZ", "a9", /* the ends of each range */
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!name_is_valid(good[i]))
			fail_msg("refused good name \"%s\"", good[i]);
	}
}

static void test_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "abcdefghijklmnopqrstuvwxyz0123456" /* 33 */, ".", "..", "a/b", "/a", "-x",
		".x", "a b", "a\n", "\na", "1abc", "a$", "a:b", "a,b", "caf\xc3\xa9", "a\tb",
	};
	size_t i;

	assert_false(name_is_valid(NULL));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (name_is_valid(bad[i]))
			fail_msg("accepted bad name, index %zu", i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_names),
		cmocka_unit_test(test_bad_names),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
