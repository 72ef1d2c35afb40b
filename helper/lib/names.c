/* names.c - the strict charset for user and group names that end up in paths (DESIGN §5.5). */
#include <string.h>

#include "lib/names.h"

/* Matches the portable subset useradd accepts; the maximum is utmp's ut_user
 * size, and the first-character rule alone already excludes "." and "..". */
#define NAME_MAX_LEN 32

static bool name_first_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool name_char_ok(char ch)
{
	return name_first_char_ok(ch) || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

bool name_is_valid(const char *name)
{
	size_t i;

	if (!name || !name_first_char_ok(name[0]))
		return false;

	for (i = 1; name[i]; i++) {
		if (i >= NAME_MAX_LEN || !name_char_ok(name[i]))
			return false;
	}
	return true;
}
