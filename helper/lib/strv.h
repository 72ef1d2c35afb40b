/* strv.h - NULL-terminated lists of strings (group names, config name lists). */
#ifndef WARREN_STRV_H
#define WARREN_STRV_H

#include <stdbool.h>

/* Is NAME in the NULL-terminated LIST?  A NULL list is empty. */
bool strv_contains(char *const *list, const char *name);
/* A new list holding a copy of S alone; NULL if out of memory. */
char **strv_new1(const char *s);
/* Append a copy of S to *L (a NULL *L is an empty list): 0, or -ENOMEM (*L unchanged). */
int strv_push(char ***l, const char *s);
void strv_free(char **l);
static inline void strv_freep(char ***l)
{
	strv_free(*l);
}

#endif
