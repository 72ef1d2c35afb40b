/* test_limits.c - unit tests for limit values, their text forms and their precedence. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/cleanup.h"
#include "cgroup/cgroup.h"
#include "policy/config.h"
#include "policy/reslimits.h"
#include "lib/ipv4.h"

#define KIB 1024ULL
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)
#define TIB (GIB * 1024)

/* The example of issue 3. */
#define ISSUE_CONFIG                                                                         \
	"defaults = { memory = \"1G\"; swap = \"0\"; cpus = 1.0; pids = 512; io_weight = 100;\n" \
	"             disk = \"10G\"; idle_timeout = 300; };\n"                                 \
	"groups = (\n"                                                                         \
	"  { name = \"students\"; memory = \"512M\"; cpus = 0.5; pids = 128; disk = \"2G\"; },\n" \
	"  { name = \"staff\";    memory = \"8G\";   cpus = 4.0; pids = 4096; }\n"               \
	");\n"                                                                                 \
	"users = ( { name = \"alice\"; memory = \"2G\"; } );\n"

/* A text, what its parser returns, and the value it gives. */
struct parse_case {
	const char *text;
	int rc;
	uint64_t value;
};

static const struct parse_case size_cases[] = {
	{ "0", 0, 0 },
	{ "1", 0, 1 },
	{ "4096", 0, 4096 },
	{ "0010M", 0, 10 * MIB },
	{ "1K", 0, KIB },
	{ "1k", 0, KIB },
	{ "512M", 0, 512 * MIB },
	{ "512m", 0, 512 * MIB },
	{ "2G", 0, 2 * GIB },
	{ "2g", 0, 2 * GIB },
	{ "3T", 0, 3 * TIB },
	{ "3t", 0, 3 * TIB },
	{ "max", 0, LIMIT_UNLIMITED },
	{ "9223372036854775807", 0, INT64_MAX },
	{ "8388607T", 0, 8388607 * TIB },
	/* overflow */
	{ "9223372036854775808", -ERANGE, 0 },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "99999999999999999999999999", -ERANGE, 0 },
	{ "8388608T", -ERANGE, 0 },
	{ "9007199254740992K", -ERANGE, 0 },
	/* not a size */
	{ "", -EINVAL, 0 },
	{ "G", -EINVAL, 0 },
	{ " 1G", -EINVAL, 0 },
	{ "1G ", -EINVAL, 0 },
	{ "1 G", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ "1.5G", -EINVAL, 0 },
	{ "1GB", -EINVAL, 0 },
	{ "1MiB", -EINVAL, 0 },
	{ "1B", -EINVAL, 0 },
	{ "1P", -EINVAL, 0 },
	{ "1KK", -EINVAL, 0 },
	{ "12Q", -EINVAL, 0 },
	{ "0x10", -EINVAL, 0 },
	{ "MAX", -EINVAL, 0 },
	{ "unlimited", -EINVAL, 0 },
	{ "99999999999999999999999Q", -EINVAL, 0 },
};

/* Each of the N CASES through PARSE; its value written only on success. */
static void assert_parse_cases(int (*parse)(const char *, uint64_t *), const struct parse_case *cases,
			       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 12345;
		int r = parse(cases[i].text, &v);

		if (r != cases[i].rc)
			fail_msg("\"%s\": rc %d, want %d", cases[i].text, r, cases[i].rc);
		if (r == 0 && v != cases[i].value)
			fail_msg("\"%s\": %llu, want %llu", cases[i].text, (unsigned long long)v,
				 (unsigned long long)cases[i].value);
		if (r < 0 && v != 12345)
			fail_msg("\"%s\": *ret written on failure", cases[i].text);
	}
}

static void test_parse_size(void **state)
{
	assert_parse_cases(limit_parse_size, size_cases, ELEMENTSOF(size_cases));
}

static const struct parse_case rate_cases[] = {
	{ "8kbit", 0, 8000 },
	{ "100mbit", 0, 100000000 },
	{ "100Mbit", 0, 100000000 },
	{ "20MBIT", 0, 20000000 },
	{ "1gbit", 0, 1000000000 },
	{ "1500kbit", 0, 1500000 },
	{ "0100mbit", 0, 100000000 },
	{ "100gbit", 0, 100000000000ULL },
	{ "max", 0, LIMIT_UNLIMITED },
	/* the range is the config's to judge, past it the number's */
	{ "0kbit", 0, 0 },
	{ "101gbit", -ERANGE, 0 },
	{ "100000001kbit", -ERANGE, 0 },
	{ "99999999999999999999999999kbit", -ERANGE, 0 },
	{ "18446744073709551617kbit", -ERANGE, 0 }, /* 2^64 + 1: wraps to 1 if unchecked */
	/* bytes per second, tc's: refused apart, for the message */
	{ "20mbps", -EPROTO, 0 },
	{ "1kbps", -EPROTO, 0 },
	{ "1GBps", -EPROTO, 0 },
	{ "100bps", -EPROTO, 0 },
	/* not a rate */
	{ "", -EINVAL, 0 },
	{ "100", -EINVAL, 0 },
	{ "100bit", -EINVAL, 0 },
	{ "mbit", -EINVAL, 0 },
	{ "1.5mbit", -EINVAL, 0 },
	{ " 1mbit", -EINVAL, 0 },
	{ "1mbit ", -EINVAL, 0 },
	{ "1 mbit", -EINVAL, 0 },
	{ "-1mbit", -EINVAL, 0 },
	{ "1M", -EINVAL, 0 },
	{ "1mb", -EINVAL, 0 },
	{ "1tbit", -EINVAL, 0 },
	{ "MAX", -EINVAL, 0 },
	{ "unlimited", -EINVAL, 0 },
};

static void test_parse_rate(void **state)
{
	assert_parse_cases(limit_parse_rate, rate_cases, ELEMENTSOF(rate_cases));
}

static void assert_cpus(double cores, int rc, uint64_t want)
{
	uint64_t v = 7;

	assert_int_equal(limit_cpus_from_double(cores, &v), rc);
	assert_int_equal(v, rc == 0 ? want : 7);
}

static void test_cpus(void **state)
{
	assert_cpus(0.5, 0, 500);
	assert_cpus(1, 0, 1000);
	assert_cpus(4.0, 0, 4000);
	assert_cpus(0.01, 0, 10);
	assert_cpus(0.333, 0, 333);
	assert_cpus(0.3334, 0, 333);
	assert_cpus(0.3336, 0, 334); /* rounded to thousandths, not cut */
	assert_cpus(4.35, 0, 4350);  /* 4349.999... in binary */
	assert_cpus(1024, 0, 1024000);
	assert_cpus(0, -ERANGE, 0);
	assert_cpus(-1, -ERANGE, 0);
	assert_cpus(-0.5, -ERANGE, 0);
	assert_cpus(0.004, -ERANGE, 0);
	assert_cpus(1024.001, -ERANGE, 0);
	assert_cpus(1e300, -ERANGE, 0);
	assert_cpus(NAN, -ERANGE, 0);
	assert_cpus(INFINITY, -ERANGE, 0);
}

static void assert_format(enum limit_key k, uint64_t v, const char *want)
{
	char buf[32];

	assert_string_equal(limit_format(k, v, buf, sizeof(buf)), want);
}

static void test_format(void **state)
{
	assert_format(LIMIT_MEMORY, 2 * GIB, "2G");
	assert_format(LIMIT_MEMORY, 1536 * MIB, "1536M");
	assert_format(LIMIT_MEMORY, 3 * TIB, "3T");
	assert_format(LIMIT_MEMORY, 1024 * TIB, "1024T");
	assert_format(LIMIT_MEMORY, LIMIT_UNLIMITED, "max");
	assert_format(LIMIT_SWAP, 0, "0");
	assert_format(LIMIT_DISK, 1000, "1000");
	assert_format(LIMIT_DISK, 1025, "1025");
	assert_format(LIMIT_DISK, 3 * KIB, "3K");
	assert_format(LIMIT_CPUS, 500, "0.5");
	assert_format(LIMIT_CPUS, 1000, "1.0");
	assert_format(LIMIT_CPUS, 1250, "1.25");
	assert_format(LIMIT_CPUS, 1234, "1.234");
	assert_format(LIMIT_CPUS, 10, "0.01");
	assert_format(LIMIT_CPUS, 1024000, "1024.0");
	assert_format(LIMIT_CPUS, LIMIT_UNLIMITED, "max");
	assert_format(LIMIT_PIDS, 512, "512");
	assert_format(LIMIT_PIDS, LIMIT_UNLIMITED, "max");
	assert_format(LIMIT_IO_WEIGHT, 100, "100");
	assert_format(LIMIT_IDLE_TIMEOUT, 300, "300");
	assert_format(LIMIT_BANDWIDTH_IN, 100000000, "100mbit");
	assert_format(LIMIT_BANDWIDTH_IN, 1500000, "1500kbit");
	assert_format(LIMIT_BANDWIDTH_OUT, 2000000000, "2gbit");
	assert_format(LIMIT_BANDWIDTH_OUT, 8000, "8kbit");
	assert_format(LIMIT_BANDWIDTH_OUT, 8001, "8001bit");
	assert_format(LIMIT_BANDWIDTH_OUT, LIMIT_UNLIMITED, "max");
}

/* What the config would parse back to is what was formatted. */
static void test_format_round_trip(void **state)
{
	static const uint64_t sizes[] = { 0, 1, 1023, 1024, 16 * MIB, 1536 * MIB, 10 * GIB,
					  5 * TIB, INT64_MAX, LIMIT_UNLIMITED };
	char buf[32];
	uint64_t v;

	for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
		assert_int_equal(limit_parse_size(limit_format(LIMIT_DISK, sizes[i], buf, sizeof(buf)),
						  &v), 0);
		assert_true(v == sizes[i]);
	}
	for (uint64_t r = LIMIT_RATE_MIN; r <= LIMIT_RATE_MAX; r = r * 3 + 1000) {
		uint64_t back = r / 1000 * 1000;

		assert_int_equal(limit_parse_rate(limit_format(LIMIT_BANDWIDTH_IN, back, buf, sizeof(buf)),
						  &v), 0);
		assert_true(v == back);
	}
}

static void test_keys(void **state)
{
	assert_string_equal(limit_key_name(LIMIT_MEMORY), "memory");
	assert_string_equal(limit_key_name(LIMIT_IO_WEIGHT), "io_weight");
	assert_string_equal(limit_key_name(LIMIT_IDLE_TIMEOUT), "idle_timeout");
	assert_int_equal(limit_def(LIMIT_SWAP)->kind, LIMIT_KIND_SIZE);
	assert_int_equal(limit_def(LIMIT_CPUS)->kind, LIMIT_KIND_CPUS);
	assert_int_equal(limit_def(LIMIT_PIDS)->kind, LIMIT_KIND_COUNT);
	assert_true(limit_def(LIMIT_PIDS)->max_ok);
	assert_false(limit_def(LIMIT_IO_WEIGHT)->max_ok);
	assert_false(limit_def(LIMIT_IDLE_TIMEOUT)->max_ok);
	/* the documented built-ins */
	assert_true(limit_builtin(LIMIT_MEMORY) == GIB);
	assert_true(limit_builtin(LIMIT_SWAP) == 0);
	assert_true(limit_builtin(LIMIT_CPUS) == 1000);
	assert_true(limit_builtin(LIMIT_PIDS) == 512);
	assert_true(limit_builtin(LIMIT_IO_WEIGHT) == 100);
	assert_true(limit_builtin(LIMIT_DISK) == 10 * GIB);
	assert_true(limit_builtin(LIMIT_IDLE_TIMEOUT) == 300);
	assert_string_equal(limit_key_name(LIMIT_BANDWIDTH_IN), "bandwidth.in");
	assert_string_equal(limit_key_name(LIMIT_BANDWIDTH_OUT), "bandwidth.out");
	assert_int_equal(limit_def(LIMIT_BANDWIDTH_IN)->kind, LIMIT_KIND_RATE);
	assert_true(limit_def(LIMIT_BANDWIDTH_OUT)->max_ok);
	/* no limit unless the config says one */
	assert_true(limit_builtin(LIMIT_BANDWIDTH_IN) == LIMIT_UNLIMITED);
	assert_true(limit_builtin(LIMIT_BANDWIDTH_OUT) == LIMIT_UNLIMITED);
}

static void test_io_weight_v1(void **state)
{
	unsigned prev = 0;

	assert_int_equal(cgroup_io_weight_v1(1), 10);
	assert_int_equal(cgroup_io_weight_v1(100), 100);
	assert_int_equal(cgroup_io_weight_v1(10000), 1000);
	assert_int_equal(cgroup_io_weight_v1(50), 54);
	assert_int_equal(cgroup_io_weight_v1(5050), 550);
	assert_int_equal(cgroup_io_weight_v1(0), 10);
	assert_int_equal(cgroup_io_weight_v1(20000), 1000);
	/* Within v1's range everywhere, and a heavier v2 weight is never lighter on v1. */
	for (unsigned w = 1; w <= 10000; w++) {
		unsigned v = cgroup_io_weight_v1(w);

		assert_true(v >= 10 && v <= 1000);
		assert_true(v >= prev);
		prev = v;
	}
}

/* Where the host does not account swap, a swap limit ("0" too) cannot be kept: the login
 * is refused, with the fix, unless the config says swap = "max". */
static void test_swap_decision(void **state)
{
	limit_values l = { 0 };

	l[LIMIT_MEMORY] = 512 * MIB;
	l[LIMIT_SWAP] = 0;
	assert_int_equal(cgroup_swap_check(l, true), 0);
	assert_int_equal(cgroup_swap_check(l, false), -EOPNOTSUPP);
	l[LIMIT_SWAP] = 32 * MIB;
	assert_int_equal(cgroup_swap_check(l, false), -EOPNOTSUPP);
	l[LIMIT_MEMORY] = LIMIT_UNLIMITED;
	assert_int_equal(cgroup_swap_check(l, false), -EOPNOTSUPP);
	l[LIMIT_SWAP] = LIMIT_UNLIMITED;
	assert_int_equal(cgroup_swap_check(l, false), 0);
	assert_int_equal(cgroup_swap_check(l, true), 0);
}

/* The same through each hierarchy's writer, on a cgroup dir (a plain one here) without
 * the swap files: swap "0" refused with the reason and the fix, "max" applied. */
static void test_swap_unaccounted(void **state)
{
	static const struct {
		const struct cgroup_ops *ops;
		const char *file;
	} kinds[] = { { &cgroup_v1_ops, "memory.limit_in_bytes" }, { &cgroup_v2_ops, "memory.max" } };

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char dir[] = "/tmp/warren-swap.XXXXXX", path[64];
		struct cgroup_set cg = { .n = 1, .controllers = { "memory" }, .ops = { kinds[k].ops } };
		limit_values l = { 0 };
		struct error err = { 0 };
		FILE *f;

		assert_non_null(mkdtemp(dir));
		snprintf(path, sizeof(path), "%s/%s", dir, kinds[k].file);
		assert_non_null(f = fopen(path, "w"));
		fclose(f);
		snprintf(cg.dirs[0], sizeof(cg.dirs[0]), "%s", dir);
		l[LIMIT_MEMORY] = 512 * MIB;
		l[LIMIT_SWAP] = 0;
		l[LIMIT_CPUS] = l[LIMIT_PIDS] = LIMIT_UNLIMITED;
		assert_int_equal(cgroup_apply_limits(&cg, l, &err), -EOPNOTSUPP);
		if (!strstr(err.msg, "this host does not account swap") ||
		    !strstr(err.msg, "swap = \"0\" would not be kept") ||
		    !strstr(err.msg, "fix: boot the kernel with swap accounting") ||
		    !strstr(err.msg, "or set swap = \"max\""))
			fail_msg("%s: %s", kinds[k].ops->name, err.msg);
		l[LIMIT_SWAP] = LIMIT_UNLIMITED;
		err = (struct error){ 0 };
		assert_int_equal(cgroup_apply_limits(&cg, l, &err), 0);
		unlink(path);
		rmdir(dir);
	}
}

static void test_cpu_quota(void **state)
{
	assert_true(cgroup_cpu_quota_us(500, 100000) == 50000);
	assert_true(cgroup_cpu_quota_us(4000, 100000) == 400000);
	assert_true(cgroup_cpu_quota_us(10, 100000) == 1000); /* the kernel's minimum quota */
	assert_true(cgroup_cpu_quota_us(1024000, 100000) == 102400000);
	assert_true(cgroup_cpu_quota_us(LIMIT_UNLIMITED, 100000) == LIMIT_UNLIMITED);
}

static struct warren_config *parse(const char *text)
{
	struct warren_config *c = NULL;
	struct config_error err;

	if (config_parse_string(text, "limits.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	return c;
}

/* Key K of EFF is VALUE (as the config writes it) from SOURCE ("group students"). */
static void assert_limit(const struct limits_effective *eff, enum limit_key k, const char *value,
			 const char *source)
{
	char v[32], s[128];

	limit_format(k, eff->v[k].value, v, sizeof(v));
	limit_source_format(&eff->v[k], s, sizeof(s));
	if (strcmp(v, value) || strcmp(s, source))
		fail_msg("%s: %s (%s), want %s (%s)", limit_key_name(k), v, s, value, source);
}

/* alice has a users entry and is in both groups: her entry, then students (listed first). */
static void test_precedence_issue_example(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(ISSUE_CONFIG);
	char *groups[] = { "alice", "staff", "students", NULL };
	struct limits_effective eff;

	limits_resolve(&c->limits, "alice", groups, &eff);
	assert_limit(&eff, LIMIT_MEMORY, "2G", "user alice");
	assert_limit(&eff, LIMIT_SWAP, "0", "defaults");
	assert_limit(&eff, LIMIT_CPUS, "0.5", "group students");
	assert_limit(&eff, LIMIT_PIDS, "128", "group students");
	assert_limit(&eff, LIMIT_IO_WEIGHT, "100", "defaults");
	assert_limit(&eff, LIMIT_DISK, "2G", "group students");
	assert_limit(&eff, LIMIT_IDLE_TIMEOUT, "300", "defaults");
}

/* The config's order decides, not the order NSS lists the user's groups in. */
static void test_precedence_first_group(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(ISSUE_CONFIG);
	char *both[] = { "staff", "students", NULL };
	char *staff[] = { "bob", "staff", NULL };
	struct limits_effective eff;

	limits_resolve(&c->limits, "bob", both, &eff);
	assert_limit(&eff, LIMIT_MEMORY, "512M", "group students");
	assert_limit(&eff, LIMIT_CPUS, "0.5", "group students");
	limits_resolve(&c->limits, "bob", staff, &eff);
	assert_limit(&eff, LIMIT_MEMORY, "8G", "group staff");
	assert_limit(&eff, LIMIT_CPUS, "4.0", "group staff");
	assert_limit(&eff, LIMIT_PIDS, "4096", "group staff");
	/* staff does not set disk: defaults */
	assert_limit(&eff, LIMIT_DISK, "10G", "defaults");
}

/* "First group that sets the key": a key the first group leaves unset comes from the next. */
static void test_precedence_per_key(void **state)
{
	_cleanup_(config_freep) struct warren_config *c =
		parse("groups = (\n"
		      "  { name = \"a\"; memory = \"256M\"; },\n"
		      "  { name = \"b\"; memory = \"4G\"; cpus = 2; pids = \"max\"; },\n"
		      "  { name = \"c\"; io_weight = 50; }\n"
		      ");\n"
		      "users = ( { name = \"carol\"; }, { name = \"dave\"; cpus = \"max\"; } );\n");
	char *groups[] = { "c", "b", "a", NULL };
	struct limits_effective eff;

	limits_resolve(&c->limits, "carol", groups, &eff);
	assert_limit(&eff, LIMIT_MEMORY, "256M", "group a");
	assert_limit(&eff, LIMIT_CPUS, "2.0", "group b");
	assert_limit(&eff, LIMIT_PIDS, "max", "group b");
	assert_limit(&eff, LIMIT_IO_WEIGHT, "50", "group c");
	assert_limit(&eff, LIMIT_SWAP, "0", "built-in");
	limits_resolve(&c->limits, "dave", groups, &eff);
	assert_limit(&eff, LIMIT_CPUS, "max", "user dave");
	assert_limit(&eff, LIMIT_MEMORY, "256M", "group a");
}

/* Unset keys fall back to defaults, then to the built-ins; other users' entries and groups
 * the user is not in count for nothing. */
static void test_precedence_fallback(void **state)
{
	_cleanup_(config_freep) struct warren_config *c =
		parse("defaults = { memory = \"3G\"; idle_timeout = 60; };\n"
		      "groups = ( { name = \"staff\"; memory = \"8G\"; } );\n"
		      "users = ( { name = \"alice\"; memory = \"2G\"; pids = 64; } );\n");
	_cleanup_(config_freep) struct warren_config *empty = parse("");
	char *groups[] = { "erin", "students", NULL };
	struct limits_effective eff;

	limits_resolve(&c->limits, "erin", groups, &eff);
	assert_limit(&eff, LIMIT_MEMORY, "3G", "defaults");
	assert_limit(&eff, LIMIT_PIDS, "512", "built-in");
	assert_limit(&eff, LIMIT_IDLE_TIMEOUT, "60", "defaults");
	limits_resolve(&c->limits, "erin", (char *[]){ NULL }, &eff);
	assert_limit(&eff, LIMIT_MEMORY, "3G", "defaults");
	limits_resolve(&empty->limits, "erin", groups, &eff);
	assert_limit(&eff, LIMIT_MEMORY, "1G", "built-in");
	assert_limit(&eff, LIMIT_SWAP, "0", "built-in");
	assert_limit(&eff, LIMIT_CPUS, "1.0", "built-in");
	assert_limit(&eff, LIMIT_PIDS, "512", "built-in");
	assert_limit(&eff, LIMIT_IO_WEIGHT, "100", "built-in");
	assert_limit(&eff, LIMIT_DISK, "10G", "built-in");
	assert_limit(&eff, LIMIT_IDLE_TIMEOUT, "300", "built-in");
}

static void test_source_format(void **state)
{
	struct limit_value v = { 1, LIMIT_FROM_GROUP, "students" };
	char buf[64];

	assert_string_equal(limit_source_format(&v, buf, sizeof(buf)), "group students");
	v = (struct limit_value){ 1, LIMIT_FROM_USER, "alice" };
	assert_string_equal(limit_source_format(&v, buf, sizeof(buf)), "user alice");
	v = (struct limit_value){ 1, LIMIT_FROM_DEFAULTS, NULL };
	assert_string_equal(limit_source_format(&v, buf, sizeof(buf)), "defaults");
	v = (struct limit_value){ 1, LIMIT_FROM_BUILTIN, NULL };
	assert_string_equal(limit_source_format(&v, buf, sizeof(buf)), "built-in");
}

/* warren.conf(5)'s text. */
static char *read_man_page(void)
{
	_cleanup_fclose_ FILE *f = fopen("conf/warren.conf.5", "re");
	char *text = calloc(1, 1 << 17);
	size_t n;

	if (!f)
		f = fopen("../../conf/warren.conf.5", "re");
	assert_non_null(f);
	assert_non_null(text);
	n = fread(text, 1, (1 << 17) - 1, f);
	assert_true(n > 0 && n < (1 << 17) - 1);
	return text;
}

/* The default warren.conf(5) gives KEY (on its ".BR KEY \" (..., default \" VALUE" line,
 * VALUE without its \(dq quotes) into BUF; false if it gives none. */
static bool man_default(const char *text, const char *key, char *buf, size_t len)
{
	char at_start[64], within[64];
	const char *p, *eol, *d, *end;

	snprintf(at_start, sizeof(at_start), "\n.BR %s \" (", key);
	snprintf(within, sizeof(within), "\" %s \" (", key);
	if (!(p = strstr(text, at_start)) && !(p = strstr(text, within)))
		return false;
	p += strlen(strstr(text, at_start) == p ? at_start : within);
	eol = strchrnul(p, '\n');
	if (!(d = strstr(p, "default \" ")) || d > eol)
		return false;
	d += strlen("default \" ");
	if (!strncmp(d, "\\(dq", 4))
		d += 4;
	end = d + strcspn(d, " \n\\");
	snprintf(buf, len, "%.*s", (int)(end - d), d);
	return true;
}

/* Is cgroup2 at the mount point mounted with favordynmods (doctor's note)?  The option
 * alone counts, at that mount point, on a cgroup2 line; the last mount there wins. */
static void test_v2_favordynmods(void **state)
{
	static const char pure[] =
		"sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
		"cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n";
	static const char fav[] =
		"cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nsdelegate,favordynmods,memory_recursiveprot 0 0\n";
	static const char hybrid[] =
		"tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0\n"
		"cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,favordynmods 0 0\n"
		"cgroup /sys/fs/cgroup/pids cgroup rw,nosuid,pids 0 0";
	static const char remounted[] =
		"cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n"
		"cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate,favordynmods 0 0\n";
	static const char lookalike[] =
		"none /sys/fs/cgroup tmpfs rw,favordynmods 0 0\n"
		"cgroup2 /sys/fs/cgroup/x cgroup2 rw,favordynmods 0 0\n"
		"cgroup2 /sys/fs/cgroup cgroup2 rw,nofavordynmods,favordynmodsx 0 0\n";

	assert_int_equal(cgroup_v2_favordynmods(pure, "/sys/fs/cgroup"), 0);
	assert_int_equal(cgroup_v2_favordynmods(fav, "/sys/fs/cgroup"), 1);
	assert_int_equal(cgroup_v2_favordynmods(hybrid, "/sys/fs/cgroup/unified"), 1);
	assert_int_equal(cgroup_v2_favordynmods(hybrid, "/sys/fs/cgroup"), -ENOENT);
	assert_int_equal(cgroup_v2_favordynmods(remounted, "/sys/fs/cgroup"), 1);
	assert_int_equal(cgroup_v2_favordynmods(lookalike, "/sys/fs/cgroup"), 0);
	assert_int_equal(cgroup_v2_favordynmods("", "/sys/fs/cgroup"), -ENOENT);
}

/* Each key's range as warren.conf(5) gives it (the table is the config's, so
 * test_precedence's ranges, read from it, cannot see a wrong bound): MIN, MAX, and whether
 * "max" lifts it. */
static void test_man_page_ranges(void **state)
{
	static const struct {
		enum limit_key k;
		uint64_t min, max;
		bool max_ok;
	} ranges[] = {
		{ LIMIT_MEMORY, 16 * MIB, LIMIT_SIZE_MAX, true },   /* at least "16M" */
		{ LIMIT_SWAP, 0, LIMIT_SIZE_MAX, true },
		{ LIMIT_CPUS, 10, 1024000, true },                  /* 0.01 to 1024, or "max" */
		{ LIMIT_PIDS, 8, 4194304, true },                   /* 8 to 4194304, or "max" */
		{ LIMIT_IO_WEIGHT, 1, 10000, false },               /* 1 to 10000, no "max" */
		{ LIMIT_DISK, 64 * MIB, LIMIT_SIZE_MAX, true },     /* at least "64M", or "max" */
		{ LIMIT_IDLE_TIMEOUT, 1, 604800, false },           /* 1 to 604800 (one week) */
		{ LIMIT_NET_CONNS, 1, 1048576, false },             /* 1 to 1048576 */
		{ LIMIT_NET_RATE, 1, 100000, false },               /* 1 to 100000 */
		{ LIMIT_BANDWIDTH_IN, 8000, 100000000000ULL, true }, /* "8kbit" to "100gbit", or "max" */
		{ LIMIT_BANDWIDTH_OUT, 8000, 100000000000ULL, true },
		{ LIMIT_PTYS, 1, 4096, false },                     /* 1 to 4096 */
		{ LIMIT_INOTIFY_INSTANCES, 1, 65536, false },       /* 1 to 65536 */
		{ LIMIT_INOTIFY_WATCHES, 1, 4194304, false },       /* 1 to 4194304 */
		{ LIMIT_MAX_SESSIONS, 1, 65536, true },             /* 1 to 65536, or "max" */
	};

	for (size_t i = 0; i < ELEMENTSOF(ranges); i++) {
		const struct limit_def *d = limit_def(ranges[i].k);

		if (d->min != ranges[i].min || d->max != ranges[i].max || d->max_ok != ranges[i].max_ok)
			fail_msg("%s: %" PRIu64 "..%" PRIu64 "%s, warren.conf(5) says %" PRIu64 "..%" PRIu64
				 "%s", d->name, d->min, d->max, d->max_ok ? " or max" : "", ranges[i].min,
				 ranges[i].max, ranges[i].max_ok ? " or max" : "");
	}
	/* No key past the table. */
	assert_string_equal(limit_def(LIMIT__COUNT)->name, "?");
	assert_string_equal(limit_def((enum limit_key)-1)->name, "?");
}

/* A size in MiB, rounded to the nearest (warrenctl's disk summary). */
static void test_size_format_mib(void **state)
{
	char buf[32];

	assert_string_equal(size_format_mib(3 * MIB - 1, buf, sizeof(buf)), "3M");
	assert_string_equal(size_format_mib(3 * MIB + MIB / 2 - 1, buf, sizeof(buf)), "3M");
	assert_string_equal(size_format_mib(2 * GIB - 100, buf, sizeof(buf)), "2G");
}

/* Every limit's default in warren.conf(5) is the table's built-in, and so are the
 * settings' (those of an empty config). */
static void test_man_page_defaults(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	_cleanup_free_ char *text = read_man_page();
	struct config_error err;
	char want[64], got[128], net[16];

	for (int k = 0; k < LIMIT__COUNT; k++) {
		limit_format(k, limit_builtin(k), want, sizeof(want));
		if (!man_default(text, limit_key_name(k), got, sizeof(got)))
			fail_msg("warren.conf(5) gives no default for %s", limit_key_name(k));
		if (strcmp(got, want))
			fail_msg("warren.conf(5): %s defaults to %s, the table says %s",
				 limit_key_name(k), got, want);
	}
	assert_int_equal(config_parse_string("", "empty", &c, NULL, &err), 0);
	assert_true(man_default(text, "image", got, sizeof(got)));
	assert_string_equal(got, c->image);
	assert_true(man_default(text, "state_dir", got, sizeof(got)));
	assert_string_equal(got, c->state_dir);
	assert_true(man_default(text, "name", got, sizeof(got)));
	assert_string_equal(got, c->bridge.name);
	assert_true(man_default(text, "subnet", got, sizeof(got)));
	snprintf(want, sizeof(want), "%s/%u", ipv4_format(c->bridge.subnet.net, net, sizeof(net)),
		 c->bridge.subnet.prefix);
	assert_string_equal(got, want);
}

static void test_jail_verdict(void **state)
{
	_cleanup_(config_freep) struct warren_config *c =
		parse("jail_groups = [ \"warren\", \"lab\" ];\nexempt_users = [ \"tutor\" ];\n");
	char *in_lab[] = { "alice", "lab", "warren", NULL };
	char *none[] = { "alice", "staff", NULL };
	const char *g = NULL;

	assert_int_equal(config_jail_verdict(c, 1001, "alice", in_lab, &g), JAIL_YES);
	assert_string_equal(g, "lab"); /* the user's first group that is a jail group */
	assert_int_equal(config_jail_verdict(c, 1001, "alice", none, NULL), JAIL_NO_GROUP);
	assert_int_equal(config_jail_verdict(c, 1001, "alice", NULL, NULL), JAIL_NO_GROUP);
	assert_int_equal(config_jail_verdict(c, 1002, "tutor", in_lab, NULL), JAIL_NO_EXEMPT);
	assert_int_equal(config_jail_verdict(c, 0, "root", in_lab, NULL), JAIL_NO_ROOT);
	/* uid 0 under another name is root all the same */
	assert_int_equal(config_jail_verdict(c, 0, "toor", in_lab, NULL), JAIL_NO_ROOT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_io_weight_v1),
		cmocka_unit_test(test_cpu_quota),
		cmocka_unit_test(test_precedence_issue_example),
		cmocka_unit_test(test_precedence_first_group),
		cmocka_unit_test(test_precedence_per_key),
		cmocka_unit_test(test_precedence_fallback),
		cmocka_unit_test(test_source_format),
		cmocka_unit_test(test_man_page_defaults),
		cmocka_unit_test(test_man_page_ranges),
		cmocka_unit_test(test_v2_favordynmods),
		cmocka_unit_test(test_size_format_mib),
		cmocka_unit_test(test_jail_verdict),
		cmocka_unit_test(test_swap_decision),
		cmocka_unit_test(test_swap_unaccounted),
	};

	return cmocka_run_group_tests_name("limits", tests, NULL, NULL);
}
