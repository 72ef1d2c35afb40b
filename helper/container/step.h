/* step.h - the named steps of a container's start: the creator's list (container.c),
 * the builder's (build.c) and the container's first process's (rootfs.c), each step
 * one line:
 *
 *	struct steps s = STEPS(err);
 *
 *	STEP(&s, CAPS_PREPARE, "cgroup-create", prepare_cgroups(u, &cg, err));
 *	STEP_AS(&s, 0, "overlay-root", overlay_mount(...), "overlay root");
 *	if (s.r < 0)
 *		goto fail;
 *
 * A step runs only if every step before it succeeded.  It runs with CAPS raised around it
 * (CAPS_STEP, creds.h; 0: none raised, as inside the container), and once it succeeded
 * the benchmark marks MARK (bench_mark, benchmark.h; NULL: no mark).  The first failure
 * is the list's result, S.r, and ERR says why: what the step said (STEP), or, with
 * STEP_AS, "FMT: " before it (a step that fails with a bare -errno gets "FMT: strerror").
 */
#ifndef WARREN_STEP_H
#define WARREN_STEP_H

#include <stdarg.h>
#include <stdio.h>

#include "lib/benchmark.h"
#include "lib/errors.h"
#include "wire/creds.h"

struct steps {
	struct error *err;
	int r; /* the first failure; >= 0 while every step succeeded */
};

#define STEPS(e) { .err = (e), .r = 0 }

/* After a step that returned R: its mark, or the list's failure (see above). */
static inline void step_end(struct steps *s, int r, const char *mark, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline void step_end(struct steps *s, int r, const char *mark, const char *fmt, ...)
{
	char what[ERROR_MSG_MAX];
	va_list ap;

	if (r >= 0) {
		if (mark)
			bench_mark(mark);
		return;
	}
	s->r = r;
	if (!fmt) {
		error_errno(s->err, r, "a step failed"); /* unless it said why itself */
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (error_is_set(s->err))
		error_wrap(s->err, "%s", what);
	else
		error_errno(s->err, r, "%s", what);
}

/* The step's result, with CAPS effective while it runs (none raised for 0). */
#define STEP_RUN_(s, caps, expr) ((caps) ? CAPS_STEP((caps), (s)->err, (expr)) : (expr))

/* EXPR (an int: >= 0, or -errno with ERR filled) as the next step of S. */
#define STEP(s, caps, mark, expr)                                                          \
	do {                                                                               \
		if ((s)->r >= 0)                                                           \
			step_end((s), STEP_RUN_((s), (caps), (expr)), (mark), NULL);     \
	} while (0)

/* The same for EXPR that may also fail with a bare -errno; its failure is said as FMT,
 * printf-style. */
#define STEP_AS(s, caps, mark, expr, ...)                                                  \
	do {                                                                               \
		if ((s)->r >= 0)                                                           \
			step_end((s), STEP_RUN_((s), (caps), (expr)), (mark), __VA_ARGS__); \
	} while (0)

#endif
