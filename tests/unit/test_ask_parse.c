/* test_ask_parse.c - the text of a takeover request key, warren/fleet/ask/USER (fleet/lease.h):
 * "MODE HOST" as an asking host writes it (fleet_lease_take_over), "refused REASON" as the
 * holder answers (fleet_ask_refuse).  Anything else is not warren's (-ENOENT), so that a
 * holder never stops a container on a text it cannot read whole.  ask_parse is static: lease.c
 * is built here, as apparmor.c is in test_apparmor_parser. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../helper/fleet/lease.c"

#define LEASE 0x7eb8a2490ad35605

/* "MODE " followed by N copies of C. */
static const char *repeated(const char *prefix, char c, size_t n)
{
	static char buf[1024];
	size_t p = strlen(prefix);

	assert_true(p + n < sizeof(buf));
	memcpy(buf, prefix, p);
	memset(buf + p, c, n);
	buf[p + n] = '\0';
	return buf;
}

static void test_requests(void **state)
{
	struct fleet_ask a;

	assert_int_equal(ask_parse("idle host-b", LEASE, &a), 0);
	assert_int_equal(a.mode, FLEET_TAKEOVER_IDLE);
	assert_string_equal(a.host, "host-b");
	assert_false(a.refused);
	assert_true(a.lease == LEASE);

	assert_int_equal(ask_parse("always login-2.example.org", 9, &a), 0);
	assert_int_equal(a.mode, FLEET_TAKEOVER_ALWAYS);
	assert_string_equal(a.host, "login-2.example.org");
	assert_true(a.lease == 9);

	/* What the asker writes, read back. */
	char text[300];
	snprintf(text, sizeof(text), "%s %s", fleet_takeover_name(FLEET_TAKEOVER_ALWAYS), "h_1:x");
	assert_int_equal(ask_parse(text, LEASE, &a), 0);
	assert_int_equal(a.mode, FLEET_TAKEOVER_ALWAYS);
	assert_string_equal(a.host, "h_1:x");
}

static void test_refusals(void **state)
{
	struct fleet_ask a;

	assert_int_equal(ask_parse("refused she is running a job", LEASE, &a), 0);
	assert_true(a.refused);
	assert_string_equal(a.reason, "she is running a job");
	assert_string_equal(a.host, "");
	assert_true(a.lease == LEASE);

	/* An empty reason is still a refusal. */
	assert_int_equal(ask_parse("refused ", LEASE, &a), 0);
	assert_true(a.refused);
	assert_string_equal(a.reason, "");

	/* A reason longer than the field is cut, not overrun. */
	assert_int_equal(ask_parse(repeated("refused ", 'r', 600), LEASE, &a), 0);
	assert_true(a.refused);
	assert_int_equal(strlen(a.reason), sizeof(a.reason) - 1);

	/* "refused" alone, or glued to its reason, is no refusal. */
	assert_int_equal(ask_parse("refused", LEASE, &a), -ENOENT);
	assert_int_equal(ask_parse("refusednow", LEASE, &a), -ENOENT);
	assert_false(a.refused);
}

/* Texts that are no request: ask_parse says so and leaves *RET empty. */
static void test_not_warrens(void **state)
{
	static const char *const texts[] = {
		/* "never" asks nothing; the names are lower case; no mode at all. */
		"never host-b", "IDLE host-b", "idl host-b", "idlex host-b", " host-b",
		/* A word longer than any mode that starts with one. */
		"idleidleidleidleidle host-b",
		/* Nothing, or no host. */
		"", "idle", "idle ",
		/* One space, as the asker writes it: no other whitespace, before or between. */
		" idle host-b", "idle  host-b", "idle\thost-b", "idle host-b\n",
		/* Extra words. */
		"idle host-b host-c", "always host-b please",
		/* A host a lease record could not hold (fleet_field_valid). */
		"idle host/b", "idle host;b", "idle h\xc3\xb4st",
	};
	struct fleet_ask a;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		memset(&a, 'x', sizeof(a));
		if (ask_parse(texts[i], LEASE, &a) != -ENOENT)
			fail_msg("\"%s\" is taken for a request", texts[i]);
		assert_false(a.refused);
		assert_string_equal(a.host, "");
	}
}

static void test_host_length(void **state)
{
	struct fleet_ask a;

	/* FLEET_FIELD_MAX characters: all of them. */
	assert_int_equal(ask_parse(repeated("idle ", 'h', FLEET_FIELD_MAX), LEASE, &a), 0);
	assert_int_equal(strlen(a.host), FLEET_FIELD_MAX);
	/* One more: not a host warren names, not its first FLEET_FIELD_MAX characters. */
	assert_int_equal(ask_parse(repeated("idle ", 'h', FLEET_FIELD_MAX + 1), LEASE, &a), -ENOENT);
	assert_int_equal(ask_parse(repeated("always ", 'h', 600), LEASE, &a), -ENOENT);
	assert_string_equal(a.host, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_not_warrens),
		cmocka_unit_test(test_host_length),
	};

	return cmocka_run_group_tests_name("ask_parse", tests, NULL, NULL);
}
