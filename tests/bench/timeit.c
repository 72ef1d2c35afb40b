/* timeit.c - wall time of commands, interleaved (make bench).
 *
 *   timeit N CMD-A... [--- CMD-B...]
 *
 * Runs CMD-A N times (with CMD-B: A, B, A, B, ... N pairs), each with stdin and
 * stdout on /dev/null, stderr to ours; prints "A US EXIT" (or "B ...") per run.  A
 * fork+exec+wait of its own, so that no shell's cost lands in a figure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void run(const char *tag, char **cmd)
{
	long long t0 = now_us(), t1;
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	t1 = now_us();
	printf("%s %lld %d\n", tag, t1 - t0,
	       pid < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int main(int argc, char **argv)
{
	char **a, **b = NULL;
	int n;

	if (argc < 3 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: timeit N CMD-A... [--- CMD-B...]\n");
		return 2;
	}
	a = argv + 2;
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "---")) {
			argv[i] = NULL;
			b = argv + i + 1;
		}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		run("A", a);
		if (b && *b)
			run("B", b);
	}
	return 0;
}
