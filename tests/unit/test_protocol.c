/* test_protocol.c - the module <-> helper wire (helper/protocol.c) round trip over a
 * real SEQPACKET socketpair, and every malformed answer refused.  No root needed. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/cleanup.h"
#include "wire/protocol.h"

static int sv[2];

static int setup(void **state)
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

static int teardown(void **state)
{
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* The pid a pidfd stands for, from its fdinfo. */
static long pidfd_pid(int fd)
{
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strstr(buf, "\nPid:");
	assert_non_null(p);
	return strtol(p + 5, NULL, 10);
}

/* Send LEN bytes of TEXT with FD_COUNT copies of stdin's fd attached, as a raw message. */
static void send_raw_len(const char *text, size_t len, int fd_count)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 2)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)text, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[2] = { 0, 0 };

	if (fd_count > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)fd_count);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)fd_count);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)fd_count);
	}
	assert_true(sendmsg(sv[1], &msg, 0) >= 0);
}

/* Send TEXT with FD_COUNT copies of stdin's fd attached, as a raw message. */
static void send_raw(const char *text, int fd_count)
{
	send_raw_len(text, strlen(text), fd_count);
}

/* The line a success needs besides cgroup, pts_dev and gid. */
#define TAIL "confine root=0 groups= apparmor=- seccomp=default\n"
#define GOOD "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 34\ngid 5\n"

static void test_success_round_trip(void **state)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	struct helper_reply out, in;

	assert_true(pidfd >= 0);
	helper_reply_init(&out);
	strcpy(out.cgroups[out.n_cgroups++], "/sys/fs/cgroup/pids/warren/alice");
	strcpy(out.cgroups[out.n_cgroups++], "/sys/fs/cgroup/memory/warren/alice");
	out.pts_dev = 18446744073709551615ULL; /* st_dev is 64 bits */
	out.gid = 1234;
	out.confine.root = true;
	out.confine.groups[out.confine.n_groups++] = 2000;
	out.confine.groups[out.confine.n_groups++] = 70000;
	strcpy(out.confine.apparmor, "warren-alice");
	strcpy(out.confine.seccomp, "/etc/warren/web profile.seccomp"); /* a blank in a path */
	out.init_pidfd = pidfd;
	assert_int_equal(protocol_send_reply(sv[1], &out), 0);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 1);
	assert_string_equal(in.error, "");
	assert_int_equal(in.n_cgroups, 2);
	assert_string_equal(in.cgroups[0], out.cgroups[0]);
	assert_string_equal(in.cgroups[1], out.cgroups[1]);
	assert_true(in.pts_dev == out.pts_dev);
	assert_int_equal(in.gid, 1234);
	assert_true(in.confine.root);
	assert_int_equal(in.confine.n_groups, 2);
	assert_true(in.confine.groups[0] == 2000 && in.confine.groups[1] == 70000);
	assert_string_equal(in.confine.apparmor, "warren-alice");
	assert_string_equal(in.confine.seccomp, "/etc/warren/web profile.seccomp");
	assert_true(in.init_pidfd >= 0 && in.init_pidfd != pidfd);
	assert_int_equal(pidfd_pid(in.init_pidfd), getpid());
	helper_reply_done(&in);
	assert_int_equal(in.init_pidfd, -EBADF);
}

static void test_refusal_round_trip(void **state)
{
	struct helper_reply out, in;

	helper_reply_init(&out);
	snprintf(out.error, sizeof(out.error), "the config is broken:\nline 3");
	out.init_pidfd = 0; /* a refusal never carries the fd */
	assert_int_equal(protocol_send_reply(sv[1], &out), 0);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 1);
	assert_string_equal(in.error, "the config is broken: line 3");
	assert_int_equal(in.init_pidfd, -EBADF);
	assert_int_equal(in.n_cgroups, 0);
	/* Every control character becomes a blank, not only the newline. */
	snprintf(out.error, sizeof(out.error), "a\tb\rc\x1b[2J");
	assert_int_equal(protocol_send_reply(sv[1], &out), 0);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 1);
	assert_string_equal(in.error, "a b c [2J");
	/* A refusal with no words is still one, and says so. */
	send_raw("error \n", 0);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 1);
	assert_string_equal(in.error, "(no reason given)");
}

/* The edges of a success: a cgroup path of 255 bytes and eight cgroups are taken, 256
 * bytes or nine are not; seccomp=strict is a name; a NUL inside, or an fd with no text,
 * is no answer. */
static void test_edges(void **state)
{
	char path[PROTOCOL_PATH_MAX + 1], text[PROTOCOL_MSG_MAX], bytes[] = GOOD TAIL "\0" "gid 6\n";
	struct helper_reply in;
	size_t o = 0;

	memset(path, 'a', sizeof(path));
	memcpy(path, "/sys/fs/cgroup/", 15);
	path[PROTOCOL_PATH_MAX - 1] = '\0';
	snprintf(text, sizeof(text), "cgroup %s\npts_dev 34\ngid 5\n" TAIL, path);
	send_raw(text, 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 1);
	assert_string_equal(in.cgroups[0], path);
	helper_reply_done(&in);
	path[PROTOCOL_PATH_MAX - 1] = 'a';
	path[PROTOCOL_PATH_MAX] = '\0';
	snprintf(text, sizeof(text), "cgroup %s\npts_dev 34\ngid 5\n" TAIL, path);
	send_raw(text, 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), -EPROTO);
	/* a DEL in a path */
	send_raw("cgroup /sys/fs/cgroup/a\x7f\npts_dev 34\ngid 5\n" TAIL, 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), -EPROTO);
	for (int i = 0; i < PROTOCOL_MAX_CGROUPS; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "cgroup /sys/fs/cgroup/c%d\n", i);
	snprintf(text + o, sizeof(text) - o, "pts_dev 34\ngid 5\n" TAIL);
	send_raw(text, 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 1);
	assert_int_equal(in.n_cgroups, PROTOCOL_MAX_CGROUPS);
	helper_reply_done(&in);
	snprintf(text + o, sizeof(text) - o, "cgroup /sys/fs/cgroup/c9\npts_dev 34\ngid 5\n" TAIL);
	send_raw(text, 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), -EPROTO);
	send_raw(GOOD "confine root=0 groups= apparmor=- seccomp=strict\n", 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 1);
	assert_string_equal(in.confine.seccomp, "strict");
	helper_reply_done(&in);
	/* a whole answer, a NUL, and more: the text must be the whole message */
	send_raw_len(bytes, sizeof(bytes) - 1, 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), -EPROTO);
	send_raw("", 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), -EPROTO);
}

/* The answer's text fits the buffer whole, or it is -ENOSPC: never cut short. */
static void test_format_fits(void **state)
{
	struct helper_reply r;
	char buf[PROTOCOL_MSG_MAX], small[PROTOCOL_MSG_MAX];
	size_t len;

	helper_reply_init(&r);
	strcpy(r.cgroups[r.n_cgroups++], "/sys/fs/cgroup/pids/warren/a");
	r.pts_dev = 34;
	r.gid = 5;
	strcpy(r.confine.seccomp, "default");
	assert_int_equal(protocol_reply_format(&r, buf, sizeof(buf)), 0);
	len = strlen(buf);
	assert_int_equal(protocol_reply_format(&r, small, len + 1), 0);
	assert_string_equal(small, buf);
	assert_int_equal(protocol_reply_format(&r, small, len), -ENOSPC);
	assert_int_equal(protocol_reply_format(&r, small, len - 1), -ENOSPC);
	assert_string_equal(helper_verb_name(HELPER__VERBS), "?");
}

static void test_no_answer(void **state)
{
	struct helper_reply in;

	assert_int_equal(protocol_recv_reply(sv[0], 50, &in), -ETIMEDOUT);
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &in), 0);
}


static const struct {
	const char *text;
	int fds;
} malformed[] = {
	{ GOOD TAIL, 0 },                                                                  /* no fd */
	{ GOOD TAIL, 2 },                                                                  /* two */
	{ "pts_dev 34\ngid 5\n" TAIL, 1 },                              /* no cgroup */
	{ "cgroup /sys/fs/cgroup/pids/warren/a\ngid 5\n" TAIL, 1 },                   /* no pts_dev */
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 34\n" TAIL, 1 }, /* no gid */
	{ GOOD, 1 },                                                            /* no confinement */
	{ GOOD "root 0\nseccomp default\n", 1 },                      /* the lines before it */
	{ GOOD "confine groups= apparmor=- seccomp=default\n", 1 },                       /* no root */
	{ GOOD "confine root=0 groups= apparmor=-\n", 1 },                            /* no seccomp */
	{ GOOD "confine root=0 groups= seccomp=default\n", 1 },                     /* no apparmor */
	{ GOOD "confine root=2 groups= apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=1 groups= apparmor=- seccomp=default\n" TAIL, 1 },           /* twice */
	{ GOOD "confine root=0 root=1 groups= apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine groups= apparmor=- seccomp=default root=0\n", 1 },          /* seccomp last */
	{ GOOD "confine root=0 groups= seccomp=default apparmor=-\n", 1 },        /* apparmor before */
	{ GOOD "confine root=0 apparmor=- groups= seccomp=default\n", 1 },          /* groups before */
	{ GOOD "confine root=0 groups= label=x apparmor=- seccomp=default\n", 1 }, /* unknown field */
	{ GOOD "confine root=0 groups= apparmor= seccomp=default\n", 1 },                  /* empty */
	{ GOOD "confine root=0 groups= apparmor=unconfined seccomp=default\n", 1 }, /* not warren's */
	{ GOOD "confine root=0 groups= apparmor=warren- seccomp=default\n", 1 },       /* no user */
	{ GOOD "confine root=0 groups= apparmor=warren-a//b seccomp=default\n", 1 }, /* not a name */
	{ GOOD "confine root=0 groups= apparmor=-- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups= apparmor=warren-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
	  "seccomp=default\n", 1 },                                                /* too long */
	{ GOOD "confine root=0 groups= apparmor=- seccomp=none\n", 1 },
	{ GOOD "confine root=0 groups= apparmor=- seccomp=strict seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups= apparmor=- seccomp=etc/web.seccomp\n", 1 },       /* relative */
	{ GOOD "confine root=0 groups= apparmor=- seccomp=/etc/../tmp/x\n", 1 },
	{ GOOD "confine root=0 groups= apparmor=- seccomp=\n", 1 },
	{ GOOD "confine  root=0 groups= apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups=  apparmor=- seccomp=default\n", 1 },
	{ "cgroup /etc/a\npts_dev 34\ngid 5\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/../../etc\npts_dev 34\ngid 5\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts /run/warren/users/a/pts\ngid 5\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 0\ngid 5\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev -34\ngid 5\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 34x\ngid 5\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev \ngid 5\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 18446744073709551616\ngid 5\n" TAIL, 1 },
	{ GOOD "pts_dev 35\n" TAIL, 1 },                                                /* twice */
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 34\ngid -1\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 34\ngid 4294967295\n" TAIL, 1 },
	{ "cgroup /sys/fs/cgroup/pids/warren/a\npts_dev 34\ngid 5x\n" TAIL, 1 },
	{ GOOD "gid 6\n" TAIL, 1 },
	{ GOOD "confine root=0 apparmor=- seccomp=default\n", 1 },                     /* no groups */
	{ GOOD "confine root=0 groups=7,x apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups=7,,8 apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups=7, apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups=,7 apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups=-7 apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups=4294967295 apparmor=- seccomp=default\n", 1 },
	{ GOOD "confine root=0 groups=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,"
	  "26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,"
	  "57,58,59,60,61,62,63,64,65 apparmor=- seccomp=default\n", 1 },                     /* 65 */
	{ GOOD "groups 7\n" TAIL, 1 },                                            /* not a line */
	{ GOOD TAIL "uid 0\n", 1 },
	{ "error refused\n", 1 },                                                          /* fd */
	{ "error refused\ngid 5\n", 0 },
	{ "error refused\n" TAIL, 0 },
	{ "hello\n", 0 },
};

static void test_malformed(void **state)
{
	struct helper_reply good;

	/* The control: the same lines, whole, with one fd, are a success. */
	send_raw(GOOD "confine root=1 groups=7,70000 apparmor=warren-a.b_c-d "
		 "seccomp=/etc/warren/a b.seccomp\n", 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &good), 1);
	assert_true(good.confine.root);
	assert_true(good.confine.n_groups == 2 && good.confine.groups[1] == 70000);
	assert_string_equal(good.confine.apparmor, "warren-a.b_c-d");
	assert_string_equal(good.confine.seccomp, "/etc/warren/a b.seccomp");
	helper_reply_done(&good);
	send_raw(GOOD TAIL, 1);
	assert_int_equal(protocol_recv_reply(sv[0], 1000, &good), 1);
	assert_string_equal(good.confine.apparmor, ""); /* "-": none */
	helper_reply_done(&good);
	for (size_t i = 0; i < ELEMENTSOF(malformed); i++) {
		struct helper_reply in;
		int before = open_fds(), r;

		send_raw(malformed[i].text, malformed[i].fds);
		r = protocol_recv_reply(sv[0], 1000, &in);
		if (r != -EPROTO)
			fail_msg("message %zu accepted (%d): %s", i, r, malformed[i].text);
		if (open_fds() != before)
			fail_msg("message %zu: a passed fd was left open", i);
	}
}

static void test_verbs_and_argv(void **state)
{
	const char *argv[HELPER_ARGV_MAX];
	enum helper_verb v;

	for (int i = 0; i < HELPER__VERBS; i++) {
		assert_int_equal(helper_verb_parse(helper_verb_name((enum helper_verb)i), &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(helper_verb_parse("ensur", &v), -EINVAL);
	helper_argv("/h", NULL, NULL, HELPER_ENSURE, "alice", argv);
	assert_string_equal(argv[0], "/h");
	assert_string_equal(argv[1], "ensure");
	assert_string_equal(argv[2], "alice");
	assert_null(argv[3]);
	helper_argv("/h", "/c", NULL, HELPER_CHECK_USER, "bob", argv);
	assert_string_equal(argv[1], "--config");
	assert_string_equal(argv[2], "/c");
	assert_string_equal(argv[3], "check-user");
	assert_string_equal(argv[4], "bob");
	assert_null(argv[5]);
	helper_argv("/h", "/c", "sshd", HELPER_ENSURE, "bob", argv);
	assert_string_equal(argv[3], "--service");
	assert_string_equal(argv[4], "sshd");
	assert_string_equal(argv[5], "ensure");
	assert_string_equal(argv[6], "bob");
	assert_null(argv[7]);
}

/* The handover's acknowledgement: one byte, or the socket closed without it; a helper
 * run by hand (stdout not a socket) needs none. */
static void test_ack(void **state)
{
	int p[2], s[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s), 0);
	assert_int_equal(protocol_send_ack(s[0]), 0);
	assert_int_equal(protocol_wait_ack(s[1]), 1);
	close(s[0]);
	assert_int_equal(protocol_wait_ack(s[1]), 0);
	assert_true(protocol_send_ack(s[1]) < 0); /* the helper is gone: no SIGPIPE either */
	close(s[1]);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(protocol_wait_ack(p[1]), 1);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_success_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edges, setup, teardown),
		cmocka_unit_test(test_format_fits),
		cmocka_unit_test(test_verbs_and_argv),
		cmocka_unit_test(test_ack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
