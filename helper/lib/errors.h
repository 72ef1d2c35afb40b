/* errors.h - the one way a failure travels in warren: a code and a message, passed
 * explicitly (crun's libcrun_error_t; systemd's "library code does not log").
 *
 * A function that fails returns a negative errno-style code and fills the caller's
 * struct error with what went wrong; each caller on the way up may wrap it with its
 * own context ("cannot build the container of alice: " + cause).  Only the top of an
 * operation logs it, once, and sends it on (to pam_warren, to the admin's terminal).
 * The first cause recorded stays: a later error_set on a filled value changes nothing,
 * so that a failure while rolling back can never replace the reason a login failed.
 * Rollback code reports its own trouble as warnings (log.h), in a value of its own.
 *
 * The value is a plain fixed-size struct: a child process writes it whole to its
 * parent over a pipe (it is smaller than PIPE_BUF, so the write is atomic).
 */
#ifndef WARREN_ERRORS_H
#define WARREN_ERRORS_H

#include <stdbool.h>

#define ERROR_MSG_MAX 512

struct error {
	int code;               /* -errno; 0 while nothing failed */
	char msg[ERROR_MSG_MAX];
};

/* Record CODE (< 0) with the message FMT in E, unless E already holds an error; with
 * WITH_ERRNO, ": strerror(-CODE)" follows the message.  Returns CODE, so that
 * "return error_set(err, r, ...);" reads as one step. */
int error_format(struct error *e, int code, bool with_errno, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define error_set(e, code, ...) error_format((e), (code), false, __VA_ARGS__)
#define error_errno(e, code, ...) error_format((e), (code), true, __VA_ARGS__)
/* Put "CONTEXT: " before E's message (E must hold an error); returns E's code. */
int error_wrap(struct error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline bool error_is_set(const struct error *e)
{
	return e->code < 0;
}

#endif
