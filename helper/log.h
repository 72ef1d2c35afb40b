/* log.h - the helper's logging: syslog (LOG_AUTHPRIV) and stderr, once per operation. */
#ifndef WARREN_LOG_H
#define WARREN_LOG_H

void log_open(const char *ident);

/* Log at LOG_ERR with ": strerror(-err)" appended when err < 0; returns err.
 * The text (without the errno part) is kept as the reason sent to the module. */
int log_error_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same without the errno text, for refusals whose reason is the whole story. */
int log_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last error logged, for the reply to the module ("" if none). */
const char *log_last_error(void);

#endif
