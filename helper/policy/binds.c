/* binds.c - the binds of the config and of a user (see binds.h).  Pure: no syscalls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/binds.h"

void bind_list_clear(struct bind_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].from);
		free(l->v[i].to);
	}
	free(l->v);
	*l = (struct bind_list){ 0 };
}

/* Is PATH the directory DIR or below it? */
static bool path_is_under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return strncmp(path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

const char *bind_to_problem(const char *to)
{
	static const char *const kernel[] = { "/proc", "/sys", "/dev" };

	if (strcmp(to, "/") == 0)
		return "is the container's root directory itself";
	for (size_t i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		if (path_is_under(to, kernel[i]))
			return "is under /proc, /sys or /dev, which the container mounts itself";
	if (strcmp(to, "/etc") == 0)
		return "is /etc, where the container's own passwd and group entries are written";
	return NULL;
}

const char *bind_token_problem(const char *s)
{
	for (const char *p = strchr(s, '%'); p; p = strchr(p + 2, '%'))
		if (p[1] != 'u')
			return "has a '%' that is not %u; expected %u (her user name) as the only token";
	return NULL;
}

int bind_parse_mode(const char *s, int *ret)
{
	size_t len = strspn(s, "01234567");
	long v;

	if (len == 0 || len > 4 || s[len])
		return -EINVAL;
	v = strtol(s, NULL, 8);
	if (v & ~(long)BIND_CREATE_MODES)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

int bind_expand(const char *s, const char *user, char *buf, size_t len)
{
	size_t o = 0, ulen = strlen(user);

	for (const char *p = s; *p; p++) {
		const char *part = p;
		size_t n = 1;

		if (p[0] == '%' && p[1] == 'u') {
			part = user;
			n = ulen;
			p++;
		}
		if (o + n >= len)
			return -ENAMETOOLONG;
		memcpy(buf + o, part, n);
		o += n;
	}
	buf[o] = '\0';
	return 0;
}

/* Why D cannot be made for USER, whatever the host holds, into B->problem (or NULL). */
static void bind_check_for_user(struct bind_spec *b, const struct bind_def *d, const char *user,
				const char *home, bool home_host)
{
	b->problem = NULL;
	if (bind_expand(d->from, user, b->from, sizeof(b->from)) < 0 ||
	    bind_expand(d->to, user, b->to, sizeof(b->to)) < 0) {
		b->problem = "its path is too long with %u replaced (at most 511 bytes)";
		/* Something to show, cut where it had to be. */
		snprintf(b->from, sizeof(b->from), "%s", d->from);
		snprintf(b->to, sizeof(b->to), "%s", d->to);
	} else if (home_host && home && path_is_under(b->to, home)) {
		b->problem = "its to is her home or below it, which home = \"host\" binds from the "
			     "host; fix: another to, or home = \"overlay\" for her";
	}
}

int binds_append(struct bind_spec **v, size_t *n, const struct bind_list *l, const char *source,
		 int rank, const char *user, const char *home, bool home_host)
{
	struct bind_spec *nv;

	if (!l || l->n == 0)
		return 0;
	nv = realloc(*v, (*n + l->n) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	for (size_t i = 0; i < l->n; i++) {
		const struct bind_def *d = &l->v[i];
		struct bind_spec *b = &nv[(*n)++];

		*b = (struct bind_spec){ .write = d->write, .exec = d->exec, .required = d->required,
					 .create = d->create, .line = d->line, .rank = rank,
					 .shadowed_by = -1 };
		snprintf(b->source, sizeof(b->source), "%s", source);
		bind_check_for_user(b, d, user, home, home_host);
	}
	return 0;
}

void binds_shadow(struct bind_spec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t win = i;

		/* The winner of i's to: the highest rank; of one rank (one entry), the
		 * first listed. */
		for (size_t j = 0; j < n; j++)
			if (strcmp(v[j].to, v[i].to) == 0 &&
			    (v[j].rank > v[win].rank || (v[j].rank == v[win].rank && j < win)))
				win = j;
		v[i].shadowed_by = win == i ? -1 : (int)win;
	}
}

const char *bind_options_format(const struct bind_spec *b, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%s", b->write ? "read-write" : "read-only");

	if (!b->exec && o < len)
		o += (size_t)snprintf(buf + o, len - o, ", noexec");
	if (b->create != BIND_NO_CREATE && o < len)
		o += (size_t)snprintf(buf + o, len - o, ", create %04o", (unsigned)b->create);
	if (b->required && o < len)
		snprintf(buf + o, len - o, ", required");
	return buf;
}
