/* strv.c - NULL-terminated lists of strings (see strv.h). */
#include <stdlib.h>
#include <string.h>

#include "strv.h"

bool strv_contains(char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

char **strv_new1(const char *s)
{
	char **l = calloc(2, sizeof(char *));

	if (l && !(l[0] = strdup(s))) {
		free(l);
		return NULL;
	}
	return l;
}

void strv_free(char **l)
{
	for (char **p = l; p && *p; p++)
		free(*p);
	free(l);
}
