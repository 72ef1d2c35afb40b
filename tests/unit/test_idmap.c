/* test_idmap.c - unit tests for subid_find() and idmap_format(): the container's ID maps. */
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

#include "policy/idmap.h"

static const struct subid_range r100k = { .start = 100000, .count = 65536 };

static void assert_map(unsigned long id, const struct subid_range *r, const char *want)
{
	char buf[256];
	int n = idmap_format(id, r, buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_format_examples(void **state)
{
	assert_map(1000, &r100k, "0 100000 1000\n1000 1000 1\n1001 101001 64535\n");
	/* id 0: no range below the identity line. */
	assert_map(0, &r100k, "0 0 1\n1 100001 65535\n");
	assert_map(1, &r100k, "0 100000 1\n1 1 1\n2 100002 65534\n");
	/* id 65535: the identity is the last inside ID, nothing above it. */
	assert_map(65535, &r100k, "0 100000 65535\n65535 65535 1\n");
	/* id >= SPAN: the whole span from the range, plus the identity outside it. */
	assert_map(65536, &r100k, "0 100000 65536\n65536 65536 1\n");
	assert_map(70000, &r100k, "0 100000 65536\n70000 70000 1\n");
	assert_map(165536, &r100k, "0 100000 65536\n165536 165536 1\n");
}

static void test_format_refuses_bad_ranges(void **state)
{
	const struct subid_range small = { 100000, 65535 }, zero = { 0, 65536 },
				 top = { 4294901760UL, 65536 }, last = { 4294901759UL, 65536 };
	char buf[256];

	assert_int_equal(idmap_format(1000, &small, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(idmap_format(1000, NULL, buf, sizeof(buf)), -EINVAL);
	/* Start 0 would map inside root to host root. */
	assert_int_equal(idmap_format(1000, &zero, buf, sizeof(buf)), -EINVAL);
	/* The last host ID would be 4294967295, which is (uid_t)-1. */
	assert_int_equal(idmap_format(1000, &top, buf, sizeof(buf)), -EINVAL);
	assert_true(idmap_format(1000, &last, buf, sizeof(buf)) > 0);
	/* The user's own ID inside the span used: two inside IDs would share it. */
	assert_int_equal(idmap_format(100000, &r100k, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(idmap_format(100500, &r100k, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(idmap_format(165535, &r100k, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(idmap_format(4294967295UL, &r100k, buf, sizeof(buf)), -EINVAL);
	assert_true(idmap_format(99999, &r100k, buf, sizeof(buf)) > 0);
}

static void test_format_buffer_size(void **state)
{
	const char *want = "0 100000 1000\n1000 1000 1\n1001 101001 64535\n";
	size_t len = strlen(want);
	char buf[64];

	assert_int_equal(idmap_format(1000, &r100k, buf, len + 1), (int)len);
	assert_int_equal(idmap_format(1000, &r100k, buf, len), -ENOSPC);
	assert_int_equal(idmap_format(1000, &r100k, buf, 10), -ENOSPC);
	assert_int_equal(idmap_format(1000, &r100k, NULL, 0), -ENOSPC);
}

/* Expand MAP and check what the kernel and HACKING.md §3.2 require: every inside ID
 * 0..SPAN-1 mapped exactly once, no host ID reached twice, every host ID either in
 * the range or the identity. */
static void check_map_injective(unsigned long id, const struct subid_range *r)
{
	unsigned char *inside = calloc(WARREN_ID_SPAN, 1), *host = calloc(r->count, 1);
	unsigned long in, out, cnt, k, total = 0;
	char buf[256], *line;
	int n;

	assert_non_null(inside);
	assert_non_null(host);
	assert_true(idmap_format(id, r, buf, sizeof(buf)) > 0);
	for (line = buf; *line; line = strchr(line, '\n') + 1) {
		assert_int_equal(sscanf(line, "%lu %lu %lu%n", &in, &out, &cnt, &n), 3);
		assert_int_equal(line[n], '\n');
		if (in == id && out == id) {
			assert_int_equal(cnt, 1);
			total++;
			continue;
		}
		for (k = 0; k < cnt; k++, total++) {
			assert_true(in + k < WARREN_ID_SPAN && !inside[in + k]);
			inside[in + k] = 1;
			assert_true(out + k >= r->start && out + k - r->start < r->count);
			assert_true(out + k != id && !host[out + k - r->start]);
			host[out + k - r->start] = 1;
		}
	}
	assert_int_equal(total, id < WARREN_ID_SPAN ? WARREN_ID_SPAN : WARREN_ID_SPAN + 1);
	free(inside);
	free(host);
}

static void test_format_injective(void **state)
{
	static const unsigned long ids[] = { 0, 1, 999, 1000, 32768, 65534, 65535, 65536, 70000 };
	const struct subid_range big = { 200000, 131072 };
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		check_map_injective(ids[i], &r100k);
		check_map_injective(ids[i], &big);
	}
}

static void assert_map_ids(const unsigned long *ids, size_t n, const char *want)
{
	char buf[4096];
	int len = idmap_format_ids(ids, n, &r100k, buf, sizeof(buf));

	assert_int_equal(len, (int)strlen(want));
	assert_string_equal(buf, want);
}

/* Her gid and her supplementary groups' (issue 20): each identity, the rest of the span
 * from the range at the offsets it has with fewer groups; order and repeats do not
 * matter. */
static void test_format_ids(void **state)
{
	static const unsigned long groups[] = { 1000, 100, 70000, 1000 }, next[] = { 6, 5 },
				   edges[] = { 65535, 0 }, inrange[] = { 1000, 100001 };
	unsigned long many[IDMAP_IDS_MAX + 1];
	char buf[4096];

	assert_map_ids(groups, 4, "0 100000 100\n100 100 1\n101 100101 899\n1000 1000 1\n"
				  "1001 101001 64535\n70000 70000 1\n");
	assert_map_ids(next, 2, "0 100000 5\n5 5 1\n6 6 1\n7 100007 65529\n");
	assert_map_ids(edges, 2, "0 0 1\n1 100001 65534\n65535 65535 1\n");
	assert_int_equal(idmap_format_ids(inrange, 2, &r100k, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(idmap_format_ids(groups, 0, &r100k, buf, sizeof(buf)), -EINVAL);
	/* As many as the kernel's 340 lines allow with room: all below the span. */
	for (unsigned long i = 0; i <= IDMAP_IDS_MAX; i++)
		many[i] = 2 * i + 1;
	assert_true(idmap_format_ids(many, IDMAP_IDS_MAX, &r100k, buf, sizeof(buf)) > 0);
	assert_true(strlen(buf) < 4096); /* the kernel takes a map of less than a page */
	assert_int_equal(idmap_format_ids(many, IDMAP_IDS_MAX + 1, &r100k, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(idmap_format_ids(groups, 4, &r100k, buf, 40), -ENOSPC);
}

/* Spans that meet another user's entry, by name or by uid, and spans that only touch. */
static void test_overlap(void **state)
{
	const char *text = "alice:100000:65536\n"
			   "# carol:165000:10\n"
			   "bob:231072:65536\n"
			   "1005:300000:1\n"
			   "garbage line\n"
			   "alice:500000:65536\n";
	const struct subid_range alice = { 100000, 65536 }, moved = { 200000, 65536 },
				 late = { 299000, 65536 };
	char other[64] = "";

	/* Her own lines (both of alice's) are not others'; touching bob's start is fine. */
	assert_int_equal(subid_overlap(text, "alice", 1000, &alice, other, sizeof(other)), 0);
	assert_int_equal(subid_overlap(text, "alice", 1000, &(struct subid_range){ 165536, 65536 },
				       other, sizeof(other)), 0);
	/* 200000..265535 meets bob's 231072.. */
	assert_int_equal(subid_overlap(text, "alice", 1000, &moved, other, sizeof(other)), 1);
	assert_string_equal(other, "bob");
	/* 299000..364535 misses bob's (ending at 296607) but meets the entry of uid 1005
	 * (the single id 300000)... */
	assert_int_equal(subid_overlap(text, "dave", 1004, &late, other, sizeof(other)), 1);
	assert_string_equal(other, "1005");
	/* ...unless that entry is the user's own, by uid. */
	assert_int_equal(subid_overlap("1005:300000:1\n", "erin", 1005, &late, other,
				       sizeof(other)), 0);
	/* A range that ends where hers starts only touches it; an empty range holds no ID;
	 * a comment (after blanks too) and a line of no name are no one's entry. */
	assert_int_equal(subid_overlap("carol:190000:10000\n", "alice", 1000, &moved, other,
				       sizeof(other)), 0);
	assert_int_equal(subid_overlap("carol:190000:10001\n", "alice", 1000, &moved, other,
				       sizeof(other)), 1);
	assert_int_equal(subid_overlap("carol:210000:0\n", "alice", 1000, &moved, other,
				       sizeof(other)), 0);
	assert_int_equal(subid_overlap("\t# carol:210000:10\n  #dave:220000:1\n", "alice", 1000,
				       &moved, other, sizeof(other)), 0);
	assert_int_equal(subid_overlap(":210000:10\n", "alice", 1000, &moved, other,
				       sizeof(other)), 0);
}

static void assert_found(const char *text, const char *user, unsigned long id,
			 unsigned long start, unsigned long count)
{
	struct subid_range r = { 0, 0 };

	assert_int_equal(subid_find(text, user, id, &r), 0);
	assert_int_equal(r.start, start);
	assert_int_equal(r.count, count);
}

static void assert_not_found(const char *text, const char *user, unsigned long id, int rc)
{
	struct subid_range r = { 7, 7 };

	assert_int_equal(subid_find(text, user, id, &r), rc);
	/* ret is written only on success */
	assert_int_equal(r.start, 7);
	assert_int_equal(r.count, 7);
}

static void test_find_basic(void **state)
{
	const char *text = "bob:200000:65536\nalice:100000:65536\n";

	assert_found(text, "alice", 1000, 100000, 65536);
	assert_found(text, "bob", 1001, 200000, 65536);
	/* no trailing newline */
	assert_found("alice:100000:65536", "alice", 1000, 100000, 65536);
	/* a bigger range is fine; only its first SPAN IDs are used */
	assert_found("alice:100000:131072\n", "alice", 1000, 100000, 131072);
	assert_not_found(text, "carol", 1002, -ENOENT);
	assert_not_found("", "alice", 1000, -ENOENT);
	assert_not_found(text, NULL, 1000, -ENOENT);
	/* prefixes are not matches */
	assert_not_found("alicex:100000:65536\nalic:100000:65536\n", "alice", 1000, -ENOENT);
}

static void test_find_numeric_uid(void **state)
{
	assert_found("1000:300000:65536\n", "alice", 1000, 300000, 65536);
	assert_found("1000:300000:65536\n", NULL, 1000, 300000, 65536);
	assert_not_found("1001:300000:65536\n", "alice", 1000, -ENOENT);
	/* a numeric name past 32 bits must not match an ID by wrapping */
	assert_not_found("4294968296:300000:65536\n", "alice", 1000, -ENOENT);
}

static void test_find_comments_and_blanks(void **state)
{
	const char *text = "# alice:1:65536\n\n   \n\t# comment\nalice:100000:65536\n";

	assert_found(text, "alice", 1000, 100000, 65536);
}

static void test_find_first_good_wins(void **state)
{
	const char *text = "alice:100000:1000\n"
			   "1000:300000:65536\n"
			   "alice:500000:65536\n";

	assert_found(text, "alice", 1000, 300000, 65536);
	assert_found("alice:500000:65536\nalice:300000:65536\n", "alice", 1000, 500000, 65536);
}

static void test_find_unusable_ranges(void **state)
{
	/* too small */
	assert_not_found("alice:100000:65535\n", "alice", 1000, -ERANGE);
	assert_not_found("alice:100000:1\nalice:200000:0\n", "alice", 1000, -ERANGE);
	/* start 0: inside root would be host root */
	assert_not_found("alice:0:65536\n", "alice", 1000, -ERANGE);
	/* START + COUNT past 4294967295, and numbers past 32 bits */
	assert_not_found("alice:4294901760:65536\n", "alice", 1000, -ERANGE);
	assert_not_found("alice:99999999999:65536\n", "alice", 1000, -ERANGE);
	assert_not_found("alice:100000:99999999999999999999999\n", "alice", 1000, -ERANGE);
	assert_found("alice:4294901759:65536\n", "alice", 1000, 4294901759UL, 65536);
	/* the user's own ID inside the span that would be used */
	assert_not_found("alice:100000:65536\n", "alice", 100500, -ERANGE);
	/* an unusable range is skipped, not fatal, when a good one follows */
	assert_found("alice:100000:10\nalice:200000:65536\n", "alice", 1000, 200000, 65536);
}

/* Lines that are not NAME:START:COUNT with plain decimal numbers are ignored
 * (as shadow does), whether or not they name the user. */
static void test_find_garbage_ignored(void **state)
{
	const char *text = "garbage\n"
			   "alice:100000\n"
			   "alice:1:2:3\n"
			   ":100000:65536\n"
			   "alice:+100000:65536\n"
			   "alice:-1:65536\n"
			   "alice: 100000:65536\n"
			   "alice:0x10000:65536\n"
			   "alice:100000:65536 \n"
			   "alice:100000:65536\r\n"
			   "alice::65536\n"
			   "alice:400000:65536\n";

	assert_found(text, "alice", 1000, 400000, 65536);
	assert_not_found("alice:-1:65536\nalice:1e5:65536\n", "alice", 1000, -ENOENT);
	assert_int_equal(subid_find(NULL, "alice", 1000, &(struct subid_range){ 0, 0 }), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_examples),
		cmocka_unit_test(test_format_refuses_bad_ranges),
		cmocka_unit_test(test_format_buffer_size),
		cmocka_unit_test(test_format_injective),
		cmocka_unit_test(test_format_ids),
		cmocka_unit_test(test_find_basic),
		cmocka_unit_test(test_find_numeric_uid),
		cmocka_unit_test(test_find_comments_and_blanks),
		cmocka_unit_test(test_find_first_good_wins),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_find_unusable_ranges),
		cmocka_unit_test(test_find_garbage_ignored),
	};

	return cmocka_run_group_tests_name("idmap", tests, NULL, NULL);
}
