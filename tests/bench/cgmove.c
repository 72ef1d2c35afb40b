/* cgmove.c - what a move into a cgroup costs (make bench's v2 part, in the guest).
 *
 *   cgmove N DIR
 *
 * N times, 300 ms apart (as logins come: a move that follows another closely finds the
 * kernel's rwsem still in its slow mode and does not wait), forks a child and moves it
 * into the cgroup DIR through DIR/cgroup.procs, as a login's post-auth child joins her
 * container; prints the write's wall time in microseconds, one per line.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	char path[4096], pid[16];
	int n;

	if (argc != 3 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: cgmove N DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", argv[2]);
	for (int i = 0; i < n; i++) {
		int p[2], fd, len;
		long long t0;
		pid_t c;
		char x;

		usleep(300000);
		if (pipe(p) < 0 || (c = fork()) < 0)
			return 1;
		if (c == 0) {
			close(p[1]);
			_exit(read(p[0], &x, 1) < 0);
		}
		close(p[0]);
		len = snprintf(pid, sizeof(pid), "%d", (int)c);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			return 1;
		t0 = now_us();
		if (write(fd, pid, (size_t)len) != len)
			return 1;
		printf("%lld\n", now_us() - t0);
		close(fd);
		close(p[1]);
		waitpid(c, NULL, 0);
	}
	return 0;
}
