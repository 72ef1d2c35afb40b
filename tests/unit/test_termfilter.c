/* test_termfilter.c - term_filter(): what a container's output may not do to the admin's
 * terminal (termfilter.h), whole and cut at every point between two reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "container/termfilter.h"

static const struct {
	const char *in, *out;
} cases[] = {
	/* Text, colours, the cursor, the screen, UTF-8 (a no-break space is c2 a0): as is. */
	{ "a\x1b[1;31mred\x1b[0m\x1b[?25l\x1b[2J\x1b[H", "a\x1b[1;31mred\x1b[0m\x1b[?25l\x1b[2J\x1b[H" },
	{ "caf\xc3\xa9 \xc2\xa0 \xe2\x82\xac", "caf\xc3\xa9 \xc2\xa0 \xe2\x82\xac" },
	/* Titles and hyperlinks pass, ended by BEL or ST. */
	{ "\x1b]0;title\x07z\x1b]2;t\x1b\\z", "\x1b]0;title\x07z\x1b]2;t\x1b\\z" },
	{ "\x1b]8;;http://x\x1b\\l\x1b]8;;\x1b\\", "\x1b]8;;http://x\x1b\\l\x1b]8;;\x1b\\" },
	/* The clipboard (OSC 52, also as 052) and the font (OSC 50): dropped to BEL or ST. */
	{ "a\x1b]52;c;aGk=\x07" "b", "ab" },
	{ "a\x1b]52;c;aGk=\x1b\\b", "ab" },
	{ "\x1b]052;c;x\x07z\x1b]50;?\x07z", "zz" },
	{ "\x1b]52\x07z", "z" },
	/* An ESC in a passing OSC ends it, and an OSC 52 after it is still dropped. */
	{ "\x1b]0;t\x1b]52;c;x\x07z", "\x1b]0;tz" },
	/* DCS, APC, PM, SOS: dropped to ST, and to ST only (not BEL, CAN or another ESC). */
	{ "a\x1bP$qm\x1b\\b", "ab" },
	{ "a\x1bP1\x07secret\x1b\\b", "ab" },
	{ "a\x1bPx\x18y\x1b[31mz\x1b\\b", "ab" },
	{ "\x1bPx\x1b\x1b\\z", "z" },
	{ "\x1b_Gi=1\x1b\\a\x1b^p\x1b\\b\x1bXs\x1b\\c", "abc" },
	/* Window operations (CSI ... t: the title reports among them), dropped. */
	{ "a\x1b[21tb\x1b[8;24;80tc\x1b[20t", "abc" },
	/* A CSI too long to hold: dropped to its final byte. */
	{ "\x1b[1111111111111111111111111111111111111111111111111111111111111111111111m"
	  "z", "z" },
	/* C1 controls in UTF-8 (CSI c2 9b, OSC c2 9d, DCS c2 90, ST c2 9c): dropped. */
	{ "a\xc2\x9b" "21t\xc2\x9d" "52;c;x\xc2\x9c" "b\xc2\x90q", "a21t52;c;xbq" },
	/* ESC ESC, a cancelled CSI, controls inside a CSI, a lone ST: as the terminal does. */
	{ "\x1b\x1b[31m", "\x1b\x1b[31m" },
	{ "\x1b[3\x18x", "\x18x" },
	{ "\x1b[3\r1m", "\r\x1b[31m" },
	{ "\x1b\\", "\x1b\\" },
	/* ESC cancelled by SUB as by CAN; in a CSI, SUB and a byte of UTF-8 end it unsent. */
	{ "\x1b\x1a" "x\x1b\x18" "x", "\x1a" "x\x18" "x" },
	{ "\x1b[3\x1a" "x", "\x1a" "x" },
	{ "\x1b[3\xe2\x82\xac" "m", "\xe2\x82\xac" "m" },
	/* A CSI's whole range: a space intermediate, '@' and '~' as final bytes. */
	{ "\x1b[2 qz\x1b[2@z\x1b[2~z", "\x1b[2 qz\x1b[2@z\x1b[2~z" },
	/* What fills the hold exactly (ESC [ and 62 bytes) passes; one more is dropped. */
	{ "\x1b[11111111111111111111111111111111111111111111111111111111111111m",
	  "\x1b[11111111111111111111111111111111111111111111111111111111111111m" },
	{ "\x1b[111111111111111111111111111111111111111111111111111111111111111mz", "z" },
	/* Dropped to its final byte ('~' too), or cancelled, or abandoned for a new ESC. */
	{ "\x1b[1111111111111111111111111111111111111111111111111111111111111111111111~z", "z" },
	{ "\x1b[1111111111111111111111111111111111111111111111111111111111111111111111\x18" "x", "\x18" "x" },
	{ "\x1b[1111111111111111111111111111111111111111111111111111111111111111111111\x1a" "x", "\x1a" "x" },
	{ "\x1b[1111111111111111111111111111111111111111111111111111111111111111111111\x1b[31mz",
	  "\x1b[31mz" },
	{ "\x1b[1111111111111111111111111111111111111111111111111111111111111111111111\x1b]52;c;x\x07z", "z" },
	/* An OSC's number is all its digits ('9' too, however many): 509 and 2^32 + 52 are
	 * not 50 and 52. */
	{ "\x1b]509;x\x07z\x1b]529;y\x07z", "\x1b]509;x\x07z\x1b]529;y\x07z" },
	{ "\x1b]4294967348;x\x07z", "\x1b]4294967348;x\x07z" },
	/* An OSC number longer than the hold: let go of at the limit, not held on. */
	{ "\x1b]0000000000000000000000000000000000000000000000000000000000000000000000000000000052;x\x07z",
	  "\x1b]0000000000000000000000000000000000000000000000000000000000000000000000000000000052;x\x07z" },
	/* An ESC inside a dropped OSC 52 that makes no ST: still dropped to its BEL. */
	{ "\x1b]52;c;\x1bxsecret\x07z", "z" },
	/* C1 controls, both ends of the range. */
	{ "a\xc2\x80" "b\xc2\x9f" "c\xc2\xa0", "abc\xc2\xa0" },
	/* Cut short at the end: held, never out. */
	{ "a\x1b[3", "a" },
	{ "a\x1b]5", "a" },
	{ "a\xc2", "a" },
	{ "", "" },
};

static size_t run(const char *in, size_t n, const size_t *cuts, size_t n_cuts, char *out)
{
	struct term_filter f;
	size_t k = 0, at = 0;

	term_filter_init(&f);
	for (size_t i = 0; i <= n_cuts; i++) {
		size_t end = i < n_cuts ? cuts[i] : n;

		k += term_filter(&f, in + at, end - at, out + k);
		at = end;
	}
	return k;
}

static void check(size_t i, const char *how, const char *got, size_t k)
{
	char shown[4 * 256 + 1] = "";

	if (k == strlen(cases[i].out) && memcmp(got, cases[i].out, k) == 0)
		return;
	/* As \xNN but for printable ASCII: never the escapes themselves to the terminal. */
	for (size_t j = 0, at = 0; j < k && at + 5 < sizeof(shown); j++) {
		unsigned char c = (unsigned char)got[j];

		at += (size_t)snprintf(shown + at, sizeof(shown) - at, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
	}
	fail_msg("case %zu (%s): got %zu bytes \"%s\"", i, how, k, shown);
}

static void test_whole(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[TERM_FILTER_ROOM(256)];

		check(i, "whole", out, run(cases[i].in, strlen(cases[i].in), NULL, 0, out));
	}
}

/* The same output wherever the reads cut it: in two at every point, and byte by byte. */
static void test_cut(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].in), cuts[256];
		char out[256 * TERM_FILTER_ROOM(1)], how[32];

		for (size_t c = 1; c < n; c++) {
			snprintf(how, sizeof(how), "cut at %zu", c);
			check(i, how, out, run(cases[i].in, n, &c, 1, out));
		}
		for (size_t c = 0; c + 1 < n; c++)
			cuts[c] = c + 1;
		check(i, "byte by byte", out, run(cases[i].in, n, cuts, n ? n - 1 : 0, out));
	}
}

/* What one call may give back: at most TERM_FILTER_ROOM of its input, and that much when
 * it lets go of all it held: an OSC's number held to the limit, a pending c2, then text. */
static void test_room(void **state)
{
	struct term_filter f;
	char in[TERM_FILTER_HOLD], big[TERM_FILTER_ROOM(TERM_FILTER_HOLD)], out[TERM_FILTER_ROOM(1)];

	term_filter_init(&f);
	in[0] = '\x1b';
	in[1] = ']';
	memset(in + 2, '1', TERM_FILTER_HOLD - 2);
	assert_int_equal(term_filter(&f, in, TERM_FILTER_HOLD, big), 0);
	assert_int_equal(term_filter(&f, "\xc2", 1, out), 0);
	assert_int_equal(term_filter(&f, "x", 1, out), TERM_FILTER_ROOM(1));
	assert_memory_equal(out, in, TERM_FILTER_HOLD);
	assert_memory_equal(out + TERM_FILTER_HOLD, "\xc2x", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
