/* logsink.c - test tool: serve a syslog socket.  logsink SOCKET FILE binds an AF_UNIX
 * datagram socket at SOCKET and appends every datagram plus '\n' to FILE; exits on SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct sigaction sa = { .sa_handler = on_term }; /* no SA_RESTART: recv returns EINTR */
	char buf[16385];
	int s, out;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: logsink SOCKET FILE\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sigaction(SIGTERM, &sa, NULL);
	out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unlink(argv[1]);
	if (out < 0 || s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(argv[1], 0666) < 0) {
		perror("logsink");
		return 1;
	}
	while (!stop) {
		ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno != EINTR)
			break;
		if (n < 0)
			continue;
		buf[n] = '\n';
		if (write(out, buf, (size_t)n + 1) < 0)
			break;
	}
	unlink(argv[1]);
	return 0;
}
