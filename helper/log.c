/* log.c - helper logging to syslog (authpriv) and stderr. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static char last_error[512];

void log_open(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

static void log_emit(int prio, const char *text)
{
	syslog(prio, "%s", text);
	fprintf(stderr, "%s\n", text);
}

static int log_error_v(int err, bool with_errno, const char *fmt, va_list ap)
{
	char text[sizeof(last_error)], full[sizeof(last_error) + 64];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (with_errno && err < 0)
		snprintf(full, sizeof(full), "%s: %s", text, strerror(-err));
	else
		snprintf(full, sizeof(full), "%s", text);
	memcpy(last_error, full, sizeof(last_error) - 1); /* kept short for the reply */
	last_error[sizeof(last_error) - 1] = '\0';
	log_emit(LOG_ERR, full);
	return err;
}

int log_error_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = log_error_v(err, true, fmt, ap);
	va_end(ap);
	return err;
}

int log_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = log_error_v(err, false, fmt, ap);
	va_end(ap);
	return err;
}

void log_info(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_emit(LOG_INFO, text);
}

const char *log_last_error(void)
{
	return last_error;
}
