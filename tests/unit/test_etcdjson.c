/* test_etcdjson.c - fleet/'s pure parts: base64, the bodies sent to etcd's v3 gateway, its
 * answers (as etcd 3.4.23 wrote them, captured from a real one), and the lease record. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet/etcdjson.h"
#include "fleet/lease.h"
#include "lib/cleanup.h"

#define HEADER "\"header\":{\"cluster_id\":\"324952591200643719\",\"member_id\":\"3319814642761637952\"," \
	       "\"revision\":\"2\",\"raft_term\":\"2\"}"

static void test_base64(void **state)
{
	static const struct {
		const char *plain, *coded;
	} v[] = { /* RFC 4648's vectors */
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "warren/fleet/lease/alice", "d2FycmVuL2ZsZWV0L2xlYXNlL2FsaWNl" },
		{ "\xff\xfe?", "//4/" },
	};
	static const char *const bad[] = { "Zg=", "Zg", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zm9", "Zm=v",
					   "Zm9v\n" };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		_cleanup_free_ char *e = base64_encode(v[i].plain, strlen(v[i].plain)), *d = NULL;
		size_t n;

		assert_string_equal(e, v[i].coded);
		assert_int_equal(base64_decode(v[i].coded, &d, &n), 0);
		assert_int_equal(n, strlen(v[i].plain));
		assert_memory_equal(d, v[i].plain, n);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *d = NULL;

		if (base64_decode(bad[i], &d, NULL) != -EINVAL)
			fail_msg("\"%s\" decoded", bad[i]);
		assert_null(d);
	}
}

static void test_prefix_end(void **state)
{
	char buf[32];

	assert_int_equal(etcd_prefix_end(FLEET_KEY_PREFIX, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "warren/fleet/lease0");
	assert_int_equal(etcd_prefix_end("a\xff\xff", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "b");
	assert_int_equal(etcd_prefix_end("\xff", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(etcd_prefix_end("", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(etcd_prefix_end("abcd", buf, 4), -ENAMETOOLONG);
}

static void test_bodies(void **state)
{
	_cleanup_free_ char *g = etcd_json_grant(15), *l = etcd_json_lease(2324035836397294341LL),
			    *r = etcd_json_range("warren/fleet/lease/", "warren/fleet/lease0", false),
			    *one = etcd_json_range("a", NULL, true), *d = etcd_json_delete("foo"),
			    *t = etcd_json_put_if_absent("foo", "{\"host\":\"a\"}", 42),
			    *h = etcd_json_put_if_lease("foo", "{\"host\":\"a\"}", 42);

	assert_string_equal(g, "{\"TTL\":\"15\"}");
	assert_string_equal(l, "{\"ID\":\"2324035836397294341\"}");
	assert_string_equal(r, "{\"key\":\"d2FycmVuL2ZsZWV0L2xlYXNlLw==\","
			    "\"range_end\":\"d2FycmVuL2ZsZWV0L2xlYXNlMA==\"}");
	assert_string_equal(one, "{\"key\":\"YQ==\",\"count_only\":true}");
	assert_string_equal(d, "{\"key\":\"Zm9v\"}");
	/* Put only where the key's create_revision is 0 (absent), else read who holds it. */
	assert_string_equal(t, "{\"compare\":[{\"key\":\"Zm9v\",\"target\":\"CREATE\",\"result\":\"EQUAL\","
			    "\"create_revision\":\"0\"}],\"success\":[{\"request_put\":{\"key\":\"Zm9v\","
			    "\"value\":\"eyJob3N0IjoiYSJ9\",\"lease\":\"42\"}}],"
			    "\"failure\":[{\"request_range\":{\"key\":\"Zm9v\"}}]}");
	/* Put only where the key is attached to the lease already (the holder's own record). */
	assert_string_equal(h, "{\"compare\":[{\"key\":\"Zm9v\",\"target\":\"LEASE\",\"result\":\"EQUAL\","
			    "\"lease\":\"42\"}],\"success\":[{\"request_put\":{\"key\":\"Zm9v\","
			    "\"value\":\"eyJob3N0IjoiYSJ9\",\"lease\":\"42\"}}],"
			    "\"failure\":[{\"request_range\":{\"key\":\"Zm9v\"}}]}");
}

static void test_grant_keepalive(void **state)
{
	int64_t id = 0, ttl = 0;

	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":\"2324035836397294341\",\"TTL\":\"5\"}",
					  &id, &ttl), 0);
	assert_true(id == 2324035836397294341LL);
	assert_int_equal(ttl, 5);
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"TTL\":\"5\"}", &id, &ttl), -EBADMSG);
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":\"12x\",\"TTL\":\"5\"}", &id, &ttl), -EBADMSG);
	assert_int_equal(etcd_parse_grant("not json", &id, &ttl), -EBADMSG);
	/* A live lease's keepalive, streamed: wrapped in "result". */
	assert_int_equal(etcd_parse_keepalive("{\"result\":{" HEADER ",\"ID\":\"7\",\"TTL\":\"5\"}}\n",
					      &ttl), 0);
	assert_int_equal(ttl, 5);
	/* etcd's answer for a lease it no longer has: no TTL. */
	assert_int_equal(etcd_parse_keepalive("{\"result\":{" HEADER ",\"ID\":\"7\"}}", &ttl), -ENOENT);
	assert_int_equal(etcd_parse_keepalive("{\"result\":{" HEADER ",\"ID\":\"7\",\"TTL\":\"0\"}}", &ttl),
			 -ENOENT);
	assert_int_equal(etcd_parse_keepalive("{" HEADER ",\"ID\":\"7\",\"TTL\":\"5\"}", &ttl), -EBADMSG);
}

/* The bounds of a grant and a keepalive: a lease of no time or no id is none, a number
 * that is not one (empty, past 64 bits, a word) is a bad answer, not a lost lease. */
static void test_grant_keepalive_bounds(void **state)
{
	int64_t id = 0, ttl = 0;

	/* A number may also come as a JSON number. */
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":9,\"TTL\":7}", &id, &ttl), 0);
	assert_int_equal(id, 9);
	assert_int_equal(ttl, 7);
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":\"7\",\"TTL\":\"0\"}", &id, &ttl), -EBADMSG);
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":\"7\",\"TTL\":\"-5\"}", &id, &ttl), -EBADMSG);
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":\"0\",\"TTL\":\"5\"}", &id, &ttl), -EBADMSG);
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":\"7\",\"TTL\":\"99999999999999999999\"}",
					  &id, &ttl), -EBADMSG);
	assert_int_equal(etcd_parse_grant("{" HEADER ",\"ID\":\"7\",\"TTL\":true}", &id, &ttl), -EBADMSG);
	ttl = 99;
	assert_int_equal(etcd_parse_keepalive("{\"result\":{" HEADER ",\"ID\":\"7\",\"TTL\":\"\"}}", &ttl),
			 -EBADMSG);
	assert_int_equal(etcd_parse_keepalive("{\"result\":{" HEADER ",\"ID\":\"7\",\"TTL\":\"x\"}}", &ttl),
			 -EBADMSG);
	assert_int_equal(etcd_parse_keepalive("{\"result\":{" HEADER ",\"ID\":\"7\",\"TTL\":\"-1\"}}", &ttl),
			 -ENOENT);
	assert_int_equal(ttl, 99);
	/* A result without etcd's header is no keepalive answer. */
	assert_int_equal(etcd_parse_keepalive("{\"result\":{\"ID\":\"7\",\"TTL\":\"5\"}}", &ttl), -EBADMSG);
}

static void test_errors(void **state)
{
	char msg[128];

	assert_int_equal(etcd_parse_error("{\"error\":\"etcdserver: requested lease not found\","
					  "\"message\":\"etcdserver: requested lease not found\",\"code\":5}",
					  msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "etcdserver: requested lease not found");
	assert_int_equal(etcd_parse_error("{\"error\":{\"grpc_code\":16,\"http_code\":401,\"message\":"
					  "\"etcdserver: user name is empty\"}}", msg, sizeof(msg)), -EACCES);
	assert_string_equal(msg, "etcdserver: user name is empty");
	assert_int_equal(etcd_parse_error("{\"error\":\"x\",\"code\":14}", msg, sizeof(msg)), -EAGAIN);
	assert_int_equal(etcd_parse_error("{\"error\":\"x\",\"code\":2}", msg, sizeof(msg)), -EPROTO);
	assert_int_equal(etcd_parse_error("{" HEADER "}", msg, sizeof(msg)), 0);
	assert_int_equal(etcd_parse_error("<html>", msg, sizeof(msg)), -EBADMSG);
}

/* Every gRPC code warren acts on, as the error it is read as (etcd_parse_error). */
static void test_error_codes(void **state)
{
	static const struct {
		int code, err;
	} v[] = {
		{ 0, -EPROTO },  { 1, -EPROTO },  { 2, -EPROTO },  { 3, -EINVAL },  { 4, -ETIMEDOUT },
		{ 5, -ENOENT },  { 6, -EPROTO },  { 7, -EACCES },  { 8, -EAGAIN },  { 9, -EPROTO },
		{ 13, -EPROTO }, { 14, -EAGAIN }, { 15, -EPROTO }, { 16, -EACCES }, { 17, -EPROTO },
	};
	char msg[128], body[160];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(body, sizeof(body), "{\"error\":\"e\",\"message\":\"m\",\"code\":%d}", v[i].code);
		if (etcd_parse_error(body, msg, sizeof(msg)) != v[i].err)
			fail_msg("code %d: not %d", v[i].code, v[i].err);
		/* and as a stream writes it: wrapped, grpc_code */
		snprintf(body, sizeof(body), "{\"error\":{\"grpc_code\":%d,\"message\":\"m\"}}", v[i].code);
		if (etcd_parse_error(body, msg, sizeof(msg)) != v[i].err)
			fail_msg("streamed code %d: not %d", v[i].code, v[i].err);
	}
	/* An error with no code is one still, of no known kind. */
	assert_int_equal(etcd_parse_error("{\"error\":\"x\"}", msg, sizeof(msg)), -EPROTO);
	/* A code alone is an error too, without a message. */
	assert_int_equal(etcd_parse_error("{\"code\":14}", msg, sizeof(msg)), -EAGAIN);
	assert_string_equal(msg, "an error without a message");
	/* The message is the one said. */
	assert_int_equal(etcd_parse_error("{\"error\":\"short\",\"message\":\"the message\",\"code\":5}",
					  msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "the message");
	/* JSON that is not an object is no answer of etcd's. */
	assert_int_equal(etcd_parse_error("[1]", msg, sizeof(msg)), -EBADMSG);
	assert_int_equal(etcd_parse_error("5", msg, sizeof(msg)), -EBADMSG);
}

static void test_txn(void **state)
{
	struct etcd_kv kv;
	bool ok = false;

	assert_int_equal(etcd_parse_txn("{" HEADER ",\"succeeded\":true,\"responses\":[{\"response_put\":"
					"{\"header\":{\"revision\":\"2\"}}}]}", &ok, &kv), 0);
	assert_true(ok);
	assert_null(kv.key);
	/* Taken: proto3 leaves "succeeded" out, and the range names the holder. */
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_range\":{\"header\":"
					"{\"revision\":\"2\"},\"kvs\":[{\"key\":\"d2FycmVuL3VzZXJzL2FsaWNl\","
					"\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\","
					"\"value\":\"eyJob3N0IjoiYSJ9\",\"lease\":\"2324035836397294344\"}],"
					"\"count\":\"1\"}}]}", &ok, &kv), 0);
	assert_false(ok);
	assert_string_equal(kv.key, "warren/users/alice");
	assert_string_equal(kv.value, "{\"host\":\"a\"}");
	assert_true(kv.lease == 2324035836397294344LL);
	assert_int_equal(kv.create_revision, 2);
	etcd_kv_clear(&kv);
	/* Taken, and gone again by the read. */
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_range\":{\"header\":"
					"{\"revision\":\"3\"}}}]}", &ok, &kv), 0);
	assert_false(ok);
	assert_null(kv.key);
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"succeeded\":\"yes\"}", &ok, &kv), -EBADMSG);
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[]}", &ok, &kv), -EBADMSG);
	/* A value with a NUL is no record of ours. */
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_range\":{\"kvs\":[{\"key\":"
					"\"YQ==\",\"value\":\"YQBi\"}]}}]}", &ok, &kv), -EBADMSG);
}

/* A txn answer said in full, and what is not one. */
static void test_txn_shapes(void **state)
{
	struct etcd_kv kv;
	bool ok = true;

	/* "succeeded" said false: taken, the holder read. */
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"succeeded\":false,\"responses\":[{\"response_range\":"
					"{\"kvs\":[{\"key\":\"YQ==\",\"value\":\"eA==\",\"lease\":\"3\","
					"\"create_revision\":\"5\",\"mod_revision\":\"6\"}]}}]}", &ok, &kv), 0);
	assert_false(ok);
	assert_string_equal(kv.key, "a");
	assert_string_equal(kv.value, "x");
	assert_int_equal(kv.lease, 3);
	assert_int_equal(kv.create_revision, 5);
	assert_int_equal(kv.mod_revision, 6);
	etcd_kv_clear(&kv);
	/* Taken, and an empty list read: gone by the read. */
	ok = true;
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_range\":{\"kvs\":[]}}]}",
					&ok, &kv), 0);
	assert_false(ok);
	assert_null(kv.key);
	/* Not etcd's answer: no header; two responses; no range read; kvs not a list. */
	assert_int_equal(etcd_parse_txn("{\"succeeded\":true}", &ok, &kv), -EBADMSG);
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_range\":{}},"
					"{\"response_range\":{}}]}", &ok, &kv), -EBADMSG);
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_put\":{}}]}", &ok, &kv),
			 -EBADMSG);
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_range\":{\"kvs\":{}}}]}",
					&ok, &kv), -EBADMSG);
	/* A holder without a key is no holder. */
	assert_int_equal(etcd_parse_txn("{" HEADER ",\"responses\":[{\"response_range\":{\"kvs\":"
					"[{\"value\":\"eA==\"}]}}]}", &ok, &kv), -EBADMSG);
}

static void test_range(void **state)
{
	struct etcd_kv *kvs = NULL;
	size_t n = 9;
	int64_t count = -1;

	assert_int_equal(etcd_parse_range("{" HEADER "}", &kvs, &n, &count), 0);
	assert_int_equal(n, 0);
	assert_int_equal(count, 0);
	assert_int_equal(etcd_parse_range("{" HEADER ",\"kvs\":[{\"key\":\"YQ==\",\"value\":\"eA==\",\"lease\":"
					  "\"1\"},{\"key\":\"Yg==\",\"create_revision\":\"4\"}],\"count\":\"2\"}",
					  &kvs, &n, &count), 0);
	assert_int_equal(n, 2);
	assert_int_equal(count, 2);
	assert_string_equal(kvs[0].key, "a");
	assert_string_equal(kvs[0].value, "x");
	assert_int_equal(kvs[0].lease, 1);
	assert_string_equal(kvs[1].key, "b");
	assert_string_equal(kvs[1].value, ""); /* left out: empty */
	assert_int_equal(kvs[1].lease, 0);
	etcd_kvs_free(kvs, n);
	assert_int_equal(etcd_parse_range("{" HEADER ",\"kvs\":[{\"key\":\"!!\"}]}", &kvs, &n, NULL),
			 -EBADMSG);
	assert_int_equal(etcd_parse_range("{" HEADER ",\"kvs\":{}}", &kvs, &n, NULL), -EBADMSG);
	assert_int_equal(etcd_parse_range("[]", &kvs, &n, NULL), -EBADMSG);
}

static void range_one(const char *body, int expect)
{
	struct etcd_kv *kvs = NULL;
	size_t n = 0;
	int r = etcd_parse_range(body, &kvs, &n, NULL);

	if (r == 0)
		etcd_kvs_free(kvs, n);
	if (r != expect)
		fail_msg("%.80s...: %d, not %d", body, r, expect);
}

/* A range answer's revisions and count as said, and the bounds of its keys and values. */
static void test_range_bounds(void **state)
{
	char body[8192], key[ETCD_KEY_MAX + 2], value[ETCD_VALUE_MAX + 2];
	_cleanup_free_ char *k_max = NULL, *k_over = NULL, *v_max = NULL, *v_over = NULL;
	struct etcd_kv *kvs = NULL;
	size_t n = 0;
	int64_t count = -1;

	assert_int_equal(etcd_parse_range("{" HEADER ",\"kvs\":[{\"key\":\"YQ==\",\"create_revision\":\"4\","
					  "\"mod_revision\":\"9\"}],\"count\":\"1\"}", &kvs, &n, &count), 0);
	assert_int_equal(n, 1);
	assert_int_equal(kvs[0].create_revision, 4);
	assert_int_equal(kvs[0].mod_revision, 9);
	etcd_kvs_free(kvs, n);
	/* count_only: the count without the keys */
	assert_int_equal(etcd_parse_range("{" HEADER ",\"count\":\"5\"}", &kvs, &n, &count), 0);
	assert_int_equal(n, 0);
	assert_int_equal(count, 5);
	assert_int_equal(etcd_parse_range("{\"count\":\"5\"}", &kvs, &n, &count), -EBADMSG);
	assert_int_equal(etcd_parse_range("{" HEADER ",\"count\":\"five\"}", &kvs, &n, &count), -EBADMSG);
	/* A key without "key" */
	range_one("{" HEADER ",\"kvs\":[{\"value\":\"eA==\"}]}", -EBADMSG);
	/* ETCD_KEY_MAX and ETCD_VALUE_MAX bytes are read, one more is refused. */
	memset(key, 'k', sizeof(key));
	memset(value, 'v', sizeof(value));
	k_max = base64_encode(key, ETCD_KEY_MAX);
	k_over = base64_encode(key, ETCD_KEY_MAX + 1);
	v_max = base64_encode(value, ETCD_VALUE_MAX);
	v_over = base64_encode(value, ETCD_VALUE_MAX + 1);
	snprintf(body, sizeof(body), "{" HEADER ",\"kvs\":[{\"key\":\"%s\",\"value\":\"%s\"}]}", k_max, v_max);
	range_one(body, 0);
	snprintf(body, sizeof(body), "{" HEADER ",\"kvs\":[{\"key\":\"%s\"}]}", k_over);
	range_one(body, -EBADMSG);
	snprintf(body, sizeof(body), "{" HEADER ",\"kvs\":[{\"key\":\"YQ==\",\"value\":\"%s\"}]}", v_over);
	range_one(body, -EBADMSG);
}

static void test_record(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct fleet_holder h;

	struct fleet_identity alice = { .uid = 1001, .gid = 100, .groups = "students,cs101" };

	assert_int_equal(fleet_record_format("login-a.example.org", "3f1c-77", "alice.1", &alice,
					     1700000000, &text), 0);
	assert_string_equal(text, "{\"host\":\"login-a.example.org\",\"boot_id\":\"3f1c-77\","
			    "\"container\":\"alice.1\",\"since\":1700000000,\"uid\":1001,\"gid\":100,"
			    "\"groups\":\"students,cs101\"}");
	assert_int_equal(fleet_record_parse("alice", text, 42, &h), 0);
	assert_string_equal(h.user, "alice");
	assert_string_equal(h.host, "login-a.example.org");
	assert_string_equal(h.boot_id, "3f1c-77");
	assert_string_equal(h.container, "alice.1");
	assert_int_equal(h.since, 1700000000);
	assert_int_equal(h.lease, 42);
	assert_int_equal(h.id.uid, 1001);
	assert_int_equal(h.id.gid, 100);
	assert_string_equal(h.id.groups, "students,cs101");
	free(TAKE_PTR(text));
	/* No identity (a tool's record, an older warren's): none said, none read. */
	assert_int_equal(fleet_record_format("a", "b", "c", NULL, 5, &text), 0);
	assert_string_equal(text, "{\"host\":\"a\",\"boot_id\":\"b\",\"container\":\"c\",\"since\":5}");
	assert_int_equal(fleet_record_parse("alice", text, 1, &h), 0);
	assert_true(h.id.uid == -1 && h.id.gid == -1 && !h.id.groups[0]);
	free(TAKE_PTR(text));
	/* A group list a record cannot hold is left out, and then no identity is read. */
	snprintf(alice.groups, sizeof(alice.groups), "a\"b");
	assert_int_equal(fleet_record_format("a", "b", "c", &alice, 5, &text), 0);
	assert_null(strstr(text, "groups"));
	assert_int_equal(fleet_record_parse("alice", text, 1, &h), 0);
	assert_true(h.id.uid == -1);
	free(TAKE_PTR(text));
	/* In jail groups of none: an empty list, said. */
	alice.groups[0] = '\0';
	assert_int_equal(fleet_record_format("a", "b", "c", &alice, 5, &text), 0);
	assert_int_equal(fleet_record_parse("alice", text, 1, &h), 0);
	assert_true(h.id.uid == 1001 && !h.id.groups[0]);
	free(TAKE_PTR(text));
	/* What would need escaping, or say nothing, is refused. */
	assert_int_equal(fleet_record_format("a\"b", "x", "y", NULL, 0, &text), -EINVAL);
	assert_int_equal(fleet_record_format("", "x", "y", NULL, 0, &text), -EINVAL);
	assert_int_equal(fleet_record_format("a b", "x", "y", NULL, 0, &text), -EINVAL);
	assert_true(fleet_field_valid("fe80::1"));
	assert_false(fleet_field_valid("a/b"));
	/* Not a record: the holder is "?". */
	assert_int_equal(fleet_record_parse("bob", "{\"host\":\"x y\",\"boot_id\":\"b\",\"container\":\"c\","
					    "\"since\":1}", 7, &h), -EBADMSG);
	assert_string_equal(h.host, "?");
	assert_int_equal(fleet_record_parse("bob", "garbage", 7, &h), -EBADMSG);
	assert_int_equal(fleet_record_parse("bob", "{\"host\":\"a\",\"boot_id\":\"b\",\"container\":\"c\","
					    "\"since\":\"1\"}", 7, &h), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_prefix_end),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_grant_keepalive),
		cmocka_unit_test(test_grant_keepalive_bounds),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_txn),
		cmocka_unit_test(test_txn_shapes),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_range_bounds),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests_name("etcdjson", tests, NULL, NULL);
}
