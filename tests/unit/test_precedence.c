/* test_precedence.c - warren.conf(5), PRECEDENCE, for every key there is: each row of
 * reslimits.c's limit table (and layers, decided the same way) is written, through the
 * config parser, at every level a user's value can come from, in every combination of
 * levels present, and resolved:
 *   1. her users entry, if it sets the key;
 *   2. else the first groups entry, in file order, of one of her groups that sets it;
 *   3. else a later groups entry of one of her groups that sets it;
 *   4. else defaults;
 *   5. else the built-in value.
 * The values are made from each row (its kind, range, choices and built-in), never from a
 * list of keys kept here: a new row is covered the day it is added, and a new kind of key
 * fails until this test knows how to write its values. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/cleanup.h"
#include "policy/config.h"
#include "policy/reslimits.h"

#define MIB (1024ULL * 1024)

/* The levels, from the strongest; BUILTIN is written nowhere. */
enum level { L_USER, L_FIRST, L_LATER, L_DEFAULTS, L_BUILTIN, L__COUNT };
static const char *const level_names[L__COUNT] = { "users entry", "first group", "later group",
						   "defaults", "built-in" };
/* The groups entries are "first" and "later" in the file, with "other" before both: she is
 * not in it, so it must count for nothing.  Her users entry is "u", after another user's. */
#define KEY_LAYERS LIMIT__COUNT /* layers: one key past the limits */
#define N_KEYS (LIMIT__COUNT + 1)

/* A value at one level: as the config writes it, and what it resolves to. */
struct level_value {
	char text[96];
	uint64_t value;
	bool is_path; /* seccomp = "/path": compared by the path, not by its index */
};

static const char *key_name(unsigned k)
{
	return k == KEY_LAYERS ? "layers" : limit_key_name((enum limit_key)k);
}

/* " K = TEXT;" into BUF: a key of a group of limits ("bandwidth.in") as its setting in
 * the group (" bandwidth = { in = TEXT; };"). */
static const char *key_setting(unsigned k, const char *text, char *buf, size_t len)
{
	const char *name = key_name(k), *dot = strchr(name, '.');
	int n = dot ? snprintf(buf, len, " %.*s = { %s = %s; };", (int)(dot - name), name, dot + 1,
			       text)
		    : snprintf(buf, len, " %s = %s;", name, text);

	if (n < 0 || (size_t)n >= len)
		fail_msg("%s: the setting does not fit", name);
	return buf;
}

/* V as a config value of key K: sizes, rates and names in quotes, numbers and booleans
 * bare. */
static void value_text(enum limit_key k, uint64_t v, char *buf, size_t len)
{
	const struct limit_def *d = limit_def(k);
	char f[64];

	limit_format(k, v, f, sizeof(f));
	if (v == LIMIT_UNLIMITED || d->kind == LIMIT_KIND_SIZE || d->kind == LIMIT_KIND_CHOICE ||
	    d->kind == LIMIT_KIND_RATE)
		snprintf(buf, len, "\"%s\"", f);
	else
		snprintf(buf, len, "%s", f);
}

/* Numbers START + STEP*i (i < 5) that avoid the built-in value and stay in range. */
static void numbers(enum limit_key k, uint64_t start, uint64_t step, uint64_t out[5])
{
	const struct limit_def *d = limit_def(k);

	for (;;) {
		bool clash = false;

		for (int i = 0; i < 5; i++) {
			out[i] = start + step * (uint64_t)i;
			clash |= out[i] == d->builtin;
		}
		if (!clash)
			break;
		start += 5 * step;
	}
	if (out[0] < d->min || out[4] > d->max)
		fail_msg("%s: no five values from %" PRIu64 " by %" PRIu64 " within %" PRIu64 "..%" PRIu64,
			 d->name, start, step, d->min, d->max);
}

/* Five values of key K (the four levels, then the "other" entries'), each level's unlike
 * the next one's and the defaults' unlike the built-in, so that a level taken for another
 * shows in the value as well as in its source. */
static void key_values(unsigned k, struct level_value out[5])
{
	const struct limit_def *d = k == KEY_LAYERS ? NULL : limit_def((enum limit_key)k);
	uint64_t v[5];

	memset(out, 0, 5 * sizeof(*out));
	if (k == KEY_LAYERS) {
		for (int i = 0; i < 5; i++)
			snprintf(out[i].text, sizeof(out[i].text), "[ \"layer-%d\" ]", i);
		return;
	}
	switch (d->kind) {
	case LIMIT_KIND_SIZE:
		numbers(k, (d->min > MIB ? d->min : MIB) * 2, d->min > MIB ? d->min : MIB, v);
		break;
	case LIMIT_KIND_CPUS:
		numbers(k, d->min * 20, d->min * 10, v);
		break;
	case LIMIT_KIND_COUNT:
		numbers(k, d->min + 1, 1, v);
		break;
	case LIMIT_KIND_RATE:
		numbers(k, d->min * 2, d->min, v);
		break;
	case LIMIT_KIND_BOOL:
		/* Two values: they alternate down the levels, the defaults' unlike the built-in. */
		for (int i = 0; i < 5; i++)
			v[i] = (i % 2 == 0) == (d->builtin != 0);
		break;
	case LIMIT_KIND_CHOICE: {
		uint64_t others[16];
		int n = 0;

		for (uint64_t c = 0; d->choices[c] && n < 16; c++)
			if (c != d->builtin)
				others[n++] = c;
		if (n >= 2) {
			for (int i = 0; i < 5; i++)
				v[i] = others[i % n];
			break;
		}
		/* One name besides the built-in one (home): the two alternate down the levels
		 * as a switch's do, the defaults' unlike the built-in. */
		if (n == 1 && k != LIMIT_SECCOMP) {
			for (int i = 0; i < 5; i++)
				v[i] = i % 2 == 1 ? others[0] : d->builtin;
			break;
		}
		/* seccomp also takes the path of a profile file, which gives as many values
		 * as it needs. */
		if (k != LIMIT_SECCOMP)
			fail_msg("%s: too few choices to tell the levels apart", d->name);
		for (int i = 0; i < 5; i++) {
			snprintf(out[i].text, sizeof(out[i].text), "\"/etc/warren/level-%d.seccomp\"", i);
			out[i].is_path = true;
		}
		return;
	}
	default:
		fail_msg("%s: a kind of key (%d) this test cannot write values for: teach it",
			 d->name, (int)d->kind);
	}
	/* "max" where the key takes it, at the defaults: the string form of a number. */
	if (d->max_ok && d->builtin != LIMIT_UNLIMITED)
		v[L_DEFAULTS] = LIMIT_UNLIMITED;
	for (int i = 0; i < 5; i++) {
		out[i].value = v[i];
		value_text((enum limit_key)k, v[i], out[i].text, sizeof(out[i].text));
	}
}

/* "K = V; " into the entry at level L if PRESENT has it. */
static const char *setting(unsigned k, const struct level_value *vals, int l, unsigned present,
			   char *buf, size_t len)
{
	buf[0] = '\0';
	return (present & (1u << l)) ? key_setting(k, vals[l].text, buf, len) : buf;
}

/* The config that writes key K at the levels in PRESENT (a bit per level), with entries
 * for the groups and the user that do not set it where the level is absent, and entries
 * that must count for nothing: a group she is not in, listed first, and another user. */
static void config_text(unsigned k, const struct level_value *vals, unsigned present, char *buf,
			size_t len)
{
	char d[160], f[160], l[160], u[160], o[160];

	key_setting(k, vals[4].text, o, sizeof(o));
	snprintf(buf, len,
		 "jail_groups = [ \"first\" ];\n"
		 "defaults = {%s };\n"
		 "groups = (\n"
		 "  { name = \"other\";%s },\n"
		 "  { name = \"first\";%s },\n"
		 "  { name = \"later\";%s }\n"
		 ");\n"
		 "users = ( { name = \"someone\";%s }, { name = \"u\";%s } );\n",
		 setting(k, vals, L_DEFAULTS, present, d, sizeof(d)), o,
		 setting(k, vals, L_FIRST, present, f, sizeof(f)),
		 setting(k, vals, L_LATER, present, l, sizeof(l)), o,
		 setting(k, vals, L_USER, present, u, sizeof(u)));
}

/* The level that decides for a user in GROUPS with the entries PRESENT. */
static enum level expected_level(unsigned present, bool has_user, bool in_first, bool in_later)
{
	if (has_user && (present & (1u << L_USER)))
		return L_USER;
	if (in_first && (present & (1u << L_FIRST)))
		return L_FIRST;
	if (in_later && (present & (1u << L_LATER)))
		return L_LATER;
	if (present & (1u << L_DEFAULTS))
		return L_DEFAULTS;
	return L_BUILTIN;
}

/* Where the value of LEVEL comes from, as warrenctl explain writes it. */
static const char *level_source(enum level level, const char *user)
{
	static char buf[64];

	switch (level) {
	case L_USER:
		snprintf(buf, sizeof(buf), "user %s", user);
		return buf;
	case L_FIRST:
		return "group first";
	case L_LATER:
		return "group later";
	case L_DEFAULTS:
		return "defaults";
	default:
		return "built-in";
	}
}

/* EFF's key K: does it hold LEVEL's value, from LEVEL? */
static void assert_resolved(const struct warren_config *c, const struct limits_effective *eff,
			    unsigned k, const struct level_value *vals, enum level level,
			    const char *user, const char *what)
{
	const struct limit_value *got = k == KEY_LAYERS ? &eff->layers_from : &eff->v[k];
	char source[128], want_v[96], got_v[96];

	limit_source_format(got, source, sizeof(source));
	if (strcmp(source, level_source(level, user)) != 0)
		fail_msg("%s (%s): from %s, want %s (the %s)", key_name(k), what, source,
			 level_source(level, user), level_names[level]);
	if (k == KEY_LAYERS) {
		if (level == L_BUILTIN) {
			if (eff->layers[0])
				fail_msg("layers (%s): \"%s\", want none (built-in)", what, eff->layers[0]);
			return;
		}
		snprintf(want_v, sizeof(want_v), "[ \"%s\" ]", eff->layers[0] ? eff->layers[0] : "");
		if (strcmp(want_v, vals[level].text) != 0 || eff->layers[1])
			fail_msg("layers (%s): %s, want %s", what, want_v, vals[level].text);
		return;
	}
	if (level == L_BUILTIN) {
		if (got->value != limit_builtin((enum limit_key)k))
			fail_msg("%s (%s): %" PRIu64 ", want the built-in %" PRIu64, key_name(k), what,
				 got->value, limit_builtin((enum limit_key)k));
		return;
	}
	if (vals[level].is_path) {
		snprintf(got_v, sizeof(got_v), "\"%s\"", limit_seccomp_name(&c->limits, got->value));
		if (strcmp(got_v, vals[level].text) != 0)
			fail_msg("%s (%s): %s, want %s", key_name(k), what, got_v, vals[level].text);
		return;
	}
	if (got->value != vals[level].value) {
		limit_format((enum limit_key)k, got->value, got_v, sizeof(got_v));
		fail_msg("%s (%s): %s, want %s (the %s's)", key_name(k), what, got_v,
			 vals[level].text, level_names[level]);
	}
}

/* Every other key is untouched by K's entries: built-in, from nowhere. */
static void assert_others_builtin(const struct limits_effective *eff, unsigned k, const char *what)
{
	for (unsigned j = 0; j < LIMIT__COUNT; j++)
		if (j != k && (eff->v[j].source != LIMIT_FROM_BUILTIN ||
			       eff->v[j].value != limit_builtin((enum limit_key)j)))
			fail_msg("%s (%s): setting it changed %s", key_name(k), what, key_name(j));
	if (k != KEY_LAYERS && (eff->layers_from.source != LIMIT_FROM_BUILTIN || eff->layers[0]))
		fail_msg("%s (%s): setting it changed layers", key_name(k), what);
}

/* One user, her groups as NSS lists them, and which of the entries are hers. */
struct member {
	const char *name;
	char *groups[4];
	bool has_user, in_first, in_later;
	const char *what;
};

static const struct member members[] = {
	/* NSS lists "later" first: the file's order decides, not hers. */
	{ "u", { "u", "later", "first", NULL }, true, true, true, "u, in both groups" },
	{ "u", { "first", "later", NULL }, true, true, true, "u, groups the other way round" },
	{ "v", { "v", "later", "first", NULL }, false, true, true, "v, in both, no users entry" },
	{ "w", { "w", "later", NULL }, false, false, true, "w, in the later group only" },
	{ "x", { "x", "staff", NULL }, false, false, false, "x, in neither group" },
	{ "u", { "u", NULL }, true, false, false, "u, in no group" },
};

static void test_every_key_every_level(void **state)
{
	unsigned checked = 0;

	for (unsigned k = 0; k < N_KEYS; k++) {
		struct level_value vals[5];

		key_values(k, vals);
		for (unsigned present = 0; present < 16; present++) {
			_cleanup_(config_freep) struct warren_config *c = NULL;
			struct config_error err;
			char text[2048], what[160];

			config_text(k, vals, present, text, sizeof(text));
			if (config_parse_string(text, "precedence.conf", &c, NULL, &err) < 0)
				fail_msg("%s at levels %#x does not parse: line %d: %s\n%s", key_name(k),
					 present, err.line, err.msg, text);
			for (size_t m = 0; m < ELEMENTSOF(members); m++) {
				const struct member *who = &members[m];
				struct limits_effective eff;
				enum level want = expected_level(present, who->has_user, who->in_first,
								 who->in_later);

				limits_resolve(&c->limits, who->name, who->groups, &eff);
				snprintf(what, sizeof(what), "%s, set at levels %#x", who->what, present);
				assert_resolved(c, &eff, k, vals, want, who->name, what);
				assert_others_builtin(&eff, k, what);
				checked++;
			}
		}
	}
	print_message("# %u keys (%d limits and layers), 16 combinations of levels, %zu users: "
		      "%u resolutions\n", N_KEYS, LIMIT__COUNT, ELEMENTSOF(members), checked);
}

/* The levels of one key are told apart by their values too, not only by the source: the
 * values this test writes really differ from level to level. */
static void test_values_differ(void **state)
{
	for (unsigned k = 0; k < N_KEYS; k++) {
		struct level_value vals[5];

		key_values(k, vals);
		for (int l = L_USER; l < L_DEFAULTS; l++)
			if (strcmp(vals[l].text, vals[l + 1].text) == 0)
				fail_msg("%s: the %s and the %s get the same value %s", key_name(k),
					 level_names[l], level_names[l + 1], vals[l].text);
		if (k != KEY_LAYERS && !vals[L_DEFAULTS].is_path &&
		    vals[L_DEFAULTS].value == limit_builtin((enum limit_key)k))
			fail_msg("%s: the defaults' value is the built-in one", key_name(k));
	}
}

/* Each level's entry may set every key, together: a users entry, groups entries and the
 * defaults that set all of them resolve to their own level, key by key. */
static void test_all_keys_at_once(void **state)
{
	static const enum level levels[] = { L_USER, L_FIRST, L_LATER, L_DEFAULTS };
	char *groups[] = { "u", "later", "first", NULL };

	for (size_t i = 0; i < ELEMENTSOF(levels); i++) {
		_cleanup_(config_freep) struct warren_config *c = NULL;
		struct level_value vals[N_KEYS][5];
		struct limits_effective eff;
		struct config_error err;
		char text[16384], entry[8192] = "";
		size_t o = 0;

		for (unsigned k = 0; k < N_KEYS; k++)
			key_values(k, vals[k]);
		for (unsigned k = 0; k < N_KEYS; k++) {
			const char *name = key_name(k), *dot = strchr(name, '.');
			size_t n = dot ? (size_t)(dot - name) : 0;

			if (!dot) {
				o += strlen(key_setting(k, vals[k][levels[i]].text, entry + o,
							sizeof(entry) - o));
				continue;
			}
			/* A group of limits once, with each of its keys ("bandwidth.in", ".out"
			 * follow each other in the table). */
			o += (size_t)snprintf(entry + o, sizeof(entry) - o, " %.*s = {", (int)n, name);
			for (; k < N_KEYS && !strncmp(key_name(k), name, n + 1); k++)
				o += (size_t)snprintf(entry + o, sizeof(entry) - o, " %s = %s;",
						      key_name(k) + n + 1, vals[k][levels[i]].text);
			k--;
			o += (size_t)snprintf(entry + o, sizeof(entry) - o, " };");
		}
		snprintf(text, sizeof(text),
			 "defaults = {%s };\n"
			 "groups = ( { name = \"first\";%s }, { name = \"later\";%s } );\n"
			 "users = ( { name = \"u\";%s } );\n",
			 levels[i] == L_DEFAULTS ? entry : "", levels[i] == L_FIRST ? entry : "",
			 levels[i] == L_LATER ? entry : "", levels[i] == L_USER ? entry : "");
		if (config_parse_string(text, "all.conf", &c, NULL, &err) < 0)
			fail_msg("every key in the %s does not parse: line %d: %s", level_names[levels[i]],
				 err.line, err.msg);
		limits_resolve(&c->limits, "u", groups, &eff);
		for (unsigned k = 0; k < N_KEYS; k++)
			assert_resolved(c, &eff, k, vals[k], levels[i], "u", "every key at once");
	}
}

/* TEXT, as KEY's value in defaults, is refused with an error naming defaults.KEY. */
static void assert_refused(const char *key, const char *value, const char *why)
{
	struct warren_config *c = NULL, *policy = NULL;
	struct config_error err;
	char text[256], want[96], set[160];
	enum limit_key k;

	assert_int_equal(limit_key_lookup(key, &k), 0);
	snprintf(text, sizeof(text), "defaults = {%s };\n", key_setting(k, value, set, sizeof(set)));
	snprintf(want, sizeof(want), "defaults.%s: ", key);
	if (config_parse_string(text, "range.conf", &c, &policy, &err) != -EINVAL) {
		config_free(c);
		fail_msg("%s = %s (%s) was taken", key, value, why);
	}
	config_free(policy);
	if (!strstr(err.msg, want) || !strstr(err.msg, "expected"))
		fail_msg("%s = %s (%s): \"%s\" names neither the key nor what to write", key, value, why,
			 err.msg);
}

/* TEXT, as KEY's value in defaults, is taken as WANT. */
static void assert_taken(const char *key, const char *value, uint64_t want)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error err;
	char text[256], set[160];
	enum limit_key k;

	assert_int_equal(limit_key_lookup(key, &k), 0);
	snprintf(text, sizeof(text), "defaults = {%s };\n", key_setting(k, value, set, sizeof(set)));
	if (config_parse_string(text, "range.conf", &c, NULL, &err) < 0)
		fail_msg("%s = %s is refused: %s", key, value, err.msg);
	if (c->limits.defaults.v[k] != want)
		fail_msg("%s = %s: %" PRIu64 ", want %" PRIu64, key, value, c->limits.defaults.v[k], want);
}

/* Every key of the table refuses what its row does not take: below its minimum, above its
 * maximum, "max" where it does not lift a limit, a name it does not know, a value of the
 * wrong type; and takes both ends of its range. */
static void test_every_key_range(void **state)
{
	for (unsigned k = 0; k < LIMIT__COUNT; k++) {
		const struct limit_def *d = limit_def((enum limit_key)k);
		char v[64];

		switch (d->kind) {
		case LIMIT_KIND_SIZE:
		case LIMIT_KIND_COUNT: {
			const char *q = d->kind == LIMIT_KIND_SIZE ? "\"" : "";
			_cleanup_(config_freep) struct warren_config *lo = NULL, *hi = NULL;
			struct config_error err;
			char text[128];

			if (d->min > 0) {
				snprintf(v, sizeof(v), "%s%" PRIu64 "%s", q, d->min - 1, q);
				assert_refused(d->name, v, "below the minimum");
			}
			snprintf(v, sizeof(v), "%s%" PRIu64 "%s", q, d->max + (d->max < LIMIT_SIZE_MAX), q);
			if (d->max < LIMIT_SIZE_MAX)
				assert_refused(d->name, v, "above the maximum");
			snprintf(text, sizeof(text), "defaults = { %s = %s%" PRIu64 "%s; };\n", d->name, q,
				 d->min, q);
			if (config_parse_string(text, "x", &lo, NULL, &err) < 0)
				fail_msg("%s: its minimum is refused: %s", d->name, err.msg);
			snprintf(text, sizeof(text), "defaults = { %s = %s%" PRIu64 "%s; };\n", d->name, q,
				 d->max, q);
			if (config_parse_string(text, "x", &hi, NULL, &err) < 0)
				fail_msg("%s: its maximum is refused: %s", d->name, err.msg);
			if (!d->max_ok)
				assert_refused(d->name, "\"max\"", "no \"max\" for this key");
			assert_refused(d->name, "true", "a boolean");
			assert_refused(d->name, d->kind == LIMIT_KIND_SIZE ? "\"12Q\"" : "1.5", "not its form");
			break;
		}
		case LIMIT_KIND_CPUS:
			snprintf(v, sizeof(v), "%g", (double)(d->min - 1) / 1000);
			assert_refused(d->name, v, "below the minimum");
			snprintf(v, sizeof(v), "%g", (double)(d->max + 1000) / 1000);
			assert_refused(d->name, v, "above the maximum");
			assert_refused(d->name, "\"2\"", "a number in quotes");
			assert_refused(d->name, "true", "a boolean");
			break;
		case LIMIT_KIND_CHOICE:
			assert_refused(d->name, "\"no-such-choice\"", "a name it does not know");
			assert_refused(d->name, "1", "a number");
			break;
		case LIMIT_KIND_BOOL:
			assert_refused(d->name, "\"true\"", "a string");
			assert_refused(d->name, "1", "a number");
			break;
		case LIMIT_KIND_RATE: {
			char lo[64], hi[64];

			snprintf(v, sizeof(v), "\"%" PRIu64 "kbit\"", (d->min - 1000) / 1000);
			assert_refused(d->name, v, "below the minimum");
			snprintf(v, sizeof(v), "\"%" PRIu64 "kbit\"", (d->max + 1000) / 1000);
			assert_refused(d->name, v, "above the maximum");
			snprintf(lo, sizeof(lo), "\"%" PRIu64 "kbit\"", d->min / 1000);
			snprintf(hi, sizeof(hi), "\"%" PRIu64 "kbit\"", d->max / 1000);
			assert_taken(d->name, lo, d->min);
			assert_taken(d->name, hi, d->max);
			if (d->max_ok)
				assert_taken(d->name, "\"max\"", LIMIT_UNLIMITED);
			assert_refused(d->name, "100", "a bare number");
			assert_refused(d->name, "true", "a boolean");
			assert_refused(d->name, "\"12Q\"", "not its form");
			break;
		}
		default:
			fail_msg("%s: a kind of key this test cannot check: teach it", d->name);
		}
	}
}

/* Entries written on one line, as the examples write a short list: the same key twice on
 * a line is each entry's own value, and a literal libconfig cut short is still caught
 * there (config.c, int_literal_mangled). */
static void test_one_line(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct warren_config *bad = NULL;
	char *none[] = { NULL };
	struct limits_effective eff;
	struct config_error err;

	if (config_parse_string("users = ( { name = \"a\"; pids = 64; }, { name = \"b\"; pids = 96; } );\n",
				"one-line.conf", &c, NULL, &err) < 0)
		fail_msg("line %d: %s", err.line, err.msg);
	limits_resolve(&c->limits, "b", none, &eff);
	assert_int_equal(eff.v[LIMIT_PIDS].value, 96);
	limits_resolve(&c->limits, "a", none, &eff);
	assert_int_equal(eff.v[LIMIT_PIDS].value, 64);
	assert_int_equal(config_parse_string("defaults = { idle_timeout = 60; }; users = ( { name = "
					     "\"b\"; idle_timeout = 4294967596; } );\n", "x", &bad,
					     NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "users[0].idle_timeout: the number is out of range"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_differ),
		cmocka_unit_test(test_every_key_every_level),
		cmocka_unit_test(test_all_keys_at_once),
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_every_key_range),
	};

	return cmocka_run_group_tests_name("precedence", tests, NULL, NULL);
}
