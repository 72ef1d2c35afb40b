/* names.c - names that end up in paths and in interface names (see names.h). */
#include <stdio.h>
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

const char *veth_name(uint32_t slot, char *buf, size_t len)
{
	snprintf(buf, len, "wr%x", slot);
	return buf;
}

bool bridge_name_is_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 15 || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
		return false;
	/* "wr" and hex digits is a user's veth, and with "-ifb" its ifb (net/tc.h). */
	if (n > 6 && !strcmp(name + n - 4, "-ifb"))
		n -= 4;
	return !(n > 2 && !strncmp(name, "wr", 2) && strspn(name + 2, "0123456789abcdef") == n - 2);
}
