/* strv.c - NULL-terminated lists of strings (see strv.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strv.h"

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

int strv_push(char ***l, const char *s)
{
	size_t n = 0;
	char **grown, *copy = strdup(s);

	while (*l && (*l)[n])
		n++;
	if (!copy || !(grown = realloc(*l, (n + 2) * sizeof(char *)))) {
		free(copy);
		return -ENOMEM;
	}
	grown[n] = copy;
	grown[n + 1] = NULL;
	*l = grown;
	return 0;
}

void strv_free(char **l)
{
	for (char **p = l; p && *p; p++)
		free(*p);
	free(l);
}
