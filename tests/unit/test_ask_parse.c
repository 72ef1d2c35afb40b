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

/* The lease record (fleet/lease.h), beside test_etcdjson's: each field checked, and who
 * she is read only whole. */
static void test_record_fields(void **state)
{
	struct fleet_identity root = { .uid = 0, .gid = 0, .groups = "wheel" }, none = FLEET_IDENTITY_NONE;
	char *text = NULL;

	assert_int_equal(fleet_record_format("h", "b", "c/d", NULL, 1, &text), -EINVAL);
	assert_int_equal(fleet_record_format("h", "b d", "c", NULL, 1, &text), -EINVAL);
	assert_int_equal(fleet_record_format("h", "b", "", NULL, 1, &text), -EINVAL);
	assert_int_equal(fleet_record_format("h", "", "c", NULL, 1, &text), -EINVAL);
	/* uid 0 is an identity; -1 is none. */
	assert_int_equal(fleet_record_format("h", "b", "c", &root, 1, &text), 0);
	assert_string_equal(text, "{\"host\":\"h\",\"boot_id\":\"b\",\"container\":\"c\",\"since\":1,"
				  "\"uid\":0,\"gid\":0,\"groups\":\"wheel\"}");
	free(text);
	assert_int_equal(fleet_record_format("h", "b", "c", &none, 1, &text), 0);
	assert_string_equal(text, "{\"host\":\"h\",\"boot_id\":\"b\",\"container\":\"c\",\"since\":1}");
	free(text);
}

/* Group lists: names of [A-Za-z0-9._-], comma-separated, FLEET_GROUPS_MAX at most. */
static void test_groups_valid(void **state)
{
	assert_true(groups_valid(""));
	assert_true(groups_valid("cs-101,lab_2,a.b,Z9"));
	assert_false(groups_valid("a b"));
	assert_false(groups_valid("a;b"));
	assert_false(groups_valid("a:b"));
	assert_true(groups_valid(repeated("", 'g', FLEET_GROUPS_MAX)));
	assert_false(groups_valid(repeated("", 'g', FLEET_GROUPS_MAX + 1)));
}

/* RECORD's identity as read: UID (-1: none) and GROUPS. */
static void assert_identity(const char *who, long long uid, long long gid, const char *groups)
{
	char text[1024];
	struct fleet_holder h;

	snprintf(text, sizeof(text), "{\"host\":\"h\",\"boot_id\":\"b\",\"container\":\"c\",\"since\":1%s}",
		 who);
	assert_int_equal(fleet_record_parse("alice", text, 3, &h), 0);
	if (h.id.uid != uid || h.id.gid != gid || strcmp(h.id.groups, groups))
		fail_msg("%s: read uid %lld gid %lld groups \"%s\"", who, h.id.uid, h.id.gid, h.id.groups);
}

static void test_record_identity(void **state)
{
	assert_identity(",\"uid\":0,\"gid\":0,\"groups\":\"\"", 0, 0, "");
	assert_identity(",\"uid\":4294967295,\"gid\":4294967295,\"groups\":\"a\"", 4294967295LL,
			4294967295LL, "a");
	/* All of it, or none. */
	assert_identity(",\"uid\":4294967296,\"gid\":1,\"groups\":\"a\"", -1, -1, "");
	assert_identity(",\"uid\":1,\"gid\":4294967296,\"groups\":\"a\"", -1, -1, "");
	assert_identity(",\"uid\":-1,\"gid\":1,\"groups\":\"a\"", -1, -1, "");
	assert_identity(",\"uid\":1,\"gid\":-2,\"groups\":\"a\"", -1, -1, "");
	assert_identity(",\"uid\":\"1\",\"gid\":1,\"groups\":\"a\"", -1, -1, "");
	assert_identity(",\"uid\":1.5,\"gid\":1,\"groups\":\"a\"", -1, -1, "");
	assert_identity(",\"uid\":1,\"groups\":\"a\"", -1, -1, "");
	assert_identity(",\"uid\":1,\"gid\":1", -1, -1, "");
	assert_identity(",\"uid\":1,\"gid\":1,\"groups\":5", -1, -1, "");
	assert_identity(",\"uid\":1,\"gid\":1,\"groups\":\"a b\"", -1, -1, "");
	assert_identity(",\"uid\":1,\"gid\":1,\"groups\":\"a\\\"b\"", -1, -1, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_not_warrens),
		cmocka_unit_test(test_host_length),
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_groups_valid),
		cmocka_unit_test(test_record_identity),
	};

	return cmocka_run_group_tests_name("ask_parse", tests, NULL, NULL);
}
