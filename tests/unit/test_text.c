/* test_text.c - text_mask(): what reaches an admin's terminal from a name or a record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/text.h"

static const struct {
	const char *in, *out;
} cases[] = {
	{ "alice refused: max_sessions", "alice refused: max_sessions" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x87", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x87" },
	{ "a\nb\tc\x1b[2Jd\x7f", "a?b?c?[2Jd?" },
	/* 8-bit C1: CSI (0x9b), OSC (0x9d), alone and as UTF-8 (U+009B is c2 9b). */
	{ "x\x9b" "2Jy", "x?2Jy" },
	{ "x\xc2\x9b" "2J\xc2\x9d" "0;t\x07", "x??2J??0;t?" },
	/* A lead byte without its continuation is masked, and what follows judged alone. */
	{ "\xc2\xa0\xc2\x7f", "\xc2\xa0??" },
	/* Invalid UTF-8: stray continuation, overlong, surrogate, past U+10FFFF, cut short. */
	{ "\x80z", "?z" },
	{ "\xc0\xafz", "??z" },
	{ "\xe0\x80\xafz", "???z" },
	{ "\xed\xa0\x80z", "???z" },
	{ "\xf4\x90\x80\x80z", "????z" },
	{ "\xe2\x82", "??" },
	{ "\xf0\x9f\x90", "???" },
	{ "", "" },
	/* The ends of each range: the last C0 (0x1f) masked, the space kept. */
	{ "a\x1f b", "a? b" },
	/* The last lead byte of each length, and the highest code point: kept. */
	{ "\xdf\xbf \xef\xbf\xbd \xf4\x8f\xbf\xbf", "\xdf\xbf \xef\xbf\xbd \xf4\x8f\xbf\xbf" },
	/* The longest overlongs of three and four bytes (U+07FF, U+FFFF): masked. */
	{ "\xe0\x9f\xbfz", "???z" },
	{ "\xf0\x8f\xbf\xbfz", "????z" },
	/* The last surrogate masked; the first code point after them kept. */
	{ "\xed\xbf\xbfz\xee\x80\x80", "???z\xee\x80\x80" },
	/* Both ends of C1 as UTF-8 (U+0080, U+009F) masked; U+00A0 kept. */
	{ "\xc2\x80\xc2\x9f\xc2\xa0", "????\xc2\xa0" },
	/* A lead byte is no continuation: masked, and the next character judged alone. */
	{ "\xe2\xe2\x82\xac", "?\xe2\x82\xac" },
};

static void test_mask(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		text_mask(buf, '?');
		if (strcmp(buf, cases[i].out) != 0)
			fail_msg("case %zu: got \"%s\"", i, buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
