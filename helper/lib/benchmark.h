/* benchmark.h - per-step timestamps for `make bench` (tests/bench/), compiled in only
 * when WARREN_BENCH is defined (the bench's own build directory).  A production
 * build has an empty inline function here and not one byte more.
 *
 * bench_mark(STEP) appends "NANOSECONDS PID STEP" (CLOCK_REALTIME: the container's
 * first process is in its time namespace, which moves CLOCK_MONOTONIC) to
 * WARREN_BENCH_LOG with a single write; the bench's PAM driver writes its own marks
 * to the same file, and tests/bench/steps.pl turns a login's marks into a breakdown.
 */
#ifndef WARREN_BENCHMARK_H
#define WARREN_BENCHMARK_H

#ifdef WARREN_BENCH
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#ifndef WARREN_BENCH_LOG
#define WARREN_BENCH_LOG "/run/warren-bench.steps"
#endif

/* Opened at the first mark, after the helper closed its inherited fds; forks share it
 * (the container's first process marks after it left the host's view), exec closes
 * it.  Defined in main.c. */
extern int bench_fd;

static inline void bench_mark(const char *step)
{
	struct timespec ts;
	char line[128];
	int n;

	if (bench_fd < 0)
		bench_fd = open(WARREN_BENCH_LOG, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (bench_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld %d %s\n",
		     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, (int)getpid(), step);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)!write(bench_fd, line, (size_t)n);
}
#else
static inline void bench_mark(const char *step)
{
	(void)step;
}
#endif

#endif
