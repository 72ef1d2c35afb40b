/* log.h - the helper's logging: syslog (LOG_AUTHPRIV) and stderr.
 *
 * Lower layers do not log their failures: they fill a struct error (errors.h) and the
 * top of each operation logs it once.  What is logged from below is what is not a
 * failure of the operation: events (a container started, a disk resized) and the
 * trouble of a rollback or a cleanup, which must not become the reason. */
#ifndef WARREN_LOG_H
#define WARREN_LOG_H

#include "lib/errors.h"

void log_open(const char *ident);
/* Close the log's socket (before descriptors are placed over whatever number it had);
 * the next line opens it again. */
void log_close(void);

/* The failure E at LOG_ERR (the top of an operation). */
void log_failure(const struct error *e);
/* Something that went wrong beside the operation's own result (LOG_WARNING);
 * with a negative ERR, ": strerror(-err)" is appended. */
void log_warning(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
