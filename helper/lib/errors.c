/* errors.c - the error value (see errors.h).  Pure: no syscalls, no logging. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/errors.h"

int error_format(struct error *e, int code, bool with_errno, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (code >= 0)
		code = -EINVAL; /* a failure without a code is still a failure */
	if (error_is_set(e))
		return code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (with_errno && n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(-code));
	e->code = code;
	return code;
}

int error_wrap(struct error *e, const char *fmt, ...)
{
	char context[ERROR_MSG_MAX], cause[ERROR_MSG_MAX];
	va_list ap;

	if (!error_is_set(e))
		e->code = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	memcpy(cause, e->msg, sizeof(cause));
	cause[sizeof(cause) - 1] = '\0';
	/* Long chains are cut at the end: the context is what the reader needs first. */
	if (snprintf(e->msg, sizeof(e->msg), "%s%s%s", context, cause[0] ? ": " : "", cause) < 0)
		e->msg[0] = '\0';
	return e->code;
}
