/* binds.h - host directories bound into a user's container (binds = ( ... ) in defaults,
 * groups and users entries): what the config says of each, the checks of its paths, and
 * which of them a user gets.  Pure: no syscalls, no NSS.
 *
 * Binds add up: those of the defaults, of every group entry she is in and of her users
 * entry all apply.  Two with the same target (to): the one of the more specific entry
 * wins (her users entry, then the groups in the config's order, then the defaults); the
 * other is shadowed, and warrenctl explain shows it so. */
#ifndef WARREN_BINDS_H
#define WARREN_BINDS_H

#include <stdbool.h>
#include <stddef.h>

/* Binds one entry may list, and binds one user may get after shadowing. */
#define BINDS_MAX 32
/* from and to, with %u replaced, in bytes with the NUL: a mount target inside, and a
 * line of warrenctl's output, not a whole PATH_MAX. */
#define BIND_PATH_MAX 512
/* create = "MODE": the permission bits, with setgid (group directories) and sticky. */
#define BIND_CREATE_MODES 03777
#define BIND_NO_CREATE (-1)

/* One { from = ...; to = ...; ... } as the config gives it. */
struct bind_def {
	char *from;     /* absolute; may hold %u */
	char *to;       /* absolute; may hold %u */
	bool write;     /* false: a read-only mount */
	bool exec;      /* false: noexec */
	bool required;  /* a bind that cannot be made refuses the login (else it is skipped) */
	int create;     /* a missing last component of from is made with this mode; or BIND_NO_CREATE */
	int line;       /* in the config, for messages */
};

struct bind_list {
	struct bind_def *v;
	size_t n;
};

void bind_list_clear(struct bind_list *l);

/* What is wrong with TO as a bind's target (before %u is replaced), or NULL: it may not
 * be /, under /proc, /sys or /dev (the kernel's, which the container mounts itself), nor
 * /etc (where the container's passwd and group entries are written).  The caller checks
 * the path's form first (absolute, no '.' or '..' components). */
const char *bind_to_problem(const char *to);

/* What is wrong with the %-tokens of S, or NULL: only %u (her user name) is one. */
const char *bind_token_problem(const char *s);

/* "0700", "2770", "755": octal digits only, at most four, within BIND_CREATE_MODES. */
int bind_parse_mode(const char *s, int *ret);

/* S with every %u replaced by USER into BUF (LEN): 0, or -ENAMETOOLONG. */
int bind_expand(const char *s, const char *user, char *buf, size_t len);

/* One bind of a user: a bind_def with %u replaced, where it came from, and whether it
 * applies.  SOURCE ("defaults", "group cs101", "user alice") is a string of its own so
 * that the spec holding it needs no config. */
struct bind_spec {
	char from[BIND_PATH_MAX];
	char to[BIND_PATH_MAX];
	bool write, exec, required;
	int create;
	int line;
	char source[48];
	int rank;       /* of its entry: users > groups in the config's order > defaults */
	/* The bind whose to is the same and whose entry is more specific: an index into
	 * the same list, or -1. */
	int shadowed_by;
	/* Why it cannot be made for her whatever the host holds (its to is her home, which
	 * home = "host" binds; a path too long with %u replaced), or NULL. */
	const char *problem;
};

/* Append the binds of L, from SOURCE ("group cs101"), for USER to *V (*N of them): %u
 * replaced, PROBLEM set where one cannot be made for her (HOME is her home, bound from
 * the host when HOME_HOST).  RANK orders the entries: of two binds with the same to, the
 * one of the higher rank wins (the earlier listed, within one entry).  0, or -ENOMEM
 * (*V and *N stay valid to free). */
int binds_append(struct bind_spec **v, size_t *n, const struct bind_list *l, const char *source,
		 int rank, const char *user, const char *home, bool home_host);

/* Mark in V (N) each bind that another with the same to and a higher rank shadows. */
void binds_shadow(struct bind_spec *v, size_t n);

/* "read-only", "read-write, noexec, create 0700, required": a bind's options as
 * warrenctl prints them, into BUF.  Returns BUF. */
const char *bind_options_format(const struct bind_spec *b, char *buf, size_t len);

#endif
