/* log.c - helper logging to syslog (authpriv) and stderr (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "lib/log.h"
#include "lib/text.h"

void log_open(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void log_close(void)
{
	closelog();
}

/* TEXT may hold names from NSS: masked (text.h) before a terminal or a log reader sees it. */
static void log_emit(int prio, const char *text)
{
	char safe[ERROR_MSG_MAX];

	snprintf(safe, sizeof(safe), "%s", text);
	text_mask(safe, '?');
	syslog(prio, "%s", safe);
	fprintf(stderr, "%s\n", safe);
}

void log_failure(const struct error *e)
{
	log_emit(LOG_ERR, e->msg[0] ? e->msg : "failed without a reason");
}

void log_warning(int err, const char *fmt, ...)
{
	char text[ERROR_MSG_MAX];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = strlen(text);
	if (err < 0 && n < sizeof(text))
		snprintf(text + n, sizeof(text) - n, ": %s", strerror(-err));
	log_emit(LOG_WARNING, text);
}

void log_info(const char *fmt, ...)
{
	char text[ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_emit(LOG_INFO, text);
}
