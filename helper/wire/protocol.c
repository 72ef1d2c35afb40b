/* protocol.c - the module <-> helper wire (see protocol.h), linked into both. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wire/protocol.h"

static const char *const verb_names[HELPER__VERBS] = {
	[HELPER_ENSURE] = "ensure",
	[HELPER_CHECK_USER] = "check-user",
	[HELPER_ENTER] = "enter",
	[HELPER_STOP] = "stop",
	[HELPER_MIGRATE] = "migrate",
	[HELPER_ENTER_ROOT] = "enter-root",
	[HELPER_GC] = "gc",
	[HELPER_RESET] = "reset",
	[HELPER_COLLECT] = "collect",
};

const char *helper_verb_name(enum helper_verb v)
{
	return (unsigned)v < HELPER__VERBS ? verb_names[v] : "?";
}

int helper_verb_parse(const char *name, enum helper_verb *ret)
{
	for (int v = 0; v < HELPER__VERBS; v++)
		if (strcmp(verb_names[v], name) == 0) {
			*ret = (enum helper_verb)v;
			return 0;
		}
	return -EINVAL;
}

void helper_argv(const char *helper, const char *config, const char *service,
		 enum helper_verb verb, const char *user, const char *argv[HELPER_ARGV_MAX])
{
	int n = 0;

	argv[n++] = helper;
	if (config) {
		argv[n++] = "--config";
		argv[n++] = config;
	}
	if (service) {
		argv[n++] = "--service";
		argv[n++] = service;
	}
	argv[n++] = helper_verb_name(verb);
	argv[n++] = user;
	argv[n] = NULL;
}

void helper_reply_init(struct helper_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->init_pidfd = -EBADF;
}

void helper_reply_done(struct helper_reply *r)
{
	if (r->init_pidfd >= 0)
		close(r->init_pidfd);
	r->init_pidfd = -EBADF;
}

/* Append "KEY VALUE\n" to BUF (LEN) at *POS; -ENOSPC if it does not fit. */
static int line_append(char *buf, size_t len, size_t *pos, const char *key, const char *value)
{
	int n = snprintf(buf + *pos, len - *pos, "%s %s\n", key, value);

	if (n < 0 || (size_t)n >= len - *pos)
		return -ENOSPC;
	*pos += (size_t)n;
	return 0;
}

/* The lines a success must have, once each. */
enum { SEEN_PTS = 1, SEEN_GID = 2, SEEN_CONFINE = 4, SEEN_ALL = 7 };

/* The confine line's value: "root=0|1 groups=N,N apparmor=LABEL|- seccomp=NAME", NAME
 * last (protocol.h). */
static int confine_format(const struct confinement *c, char *buf, size_t len)
{
	char groups[CONFINE_GROUPS_MAX * 11 + 1] = "";
	size_t o = 0;
	int n;

	for (unsigned i = 0; i < c->n_groups && i < CONFINE_GROUPS_MAX; i++)
		o += (size_t)snprintf(groups + o, sizeof(groups) - o, "%s%u", i ? "," : "",
				      (unsigned)c->groups[i]);
	n = snprintf(buf, len, "root=%d groups=%s apparmor=%s seccomp=%s", c->root, groups,
		     c->apparmor[0] ? c->apparmor : "-", c->seccomp);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int protocol_reply_format(const struct helper_reply *r, char *buf, size_t len)
{
	char gid[16], pts_dev[24], confine[CONFINE_SECCOMP_MAX + CONFINE_LABEL_MAX + 32];
	size_t pos = 0;
	int k = 0;

	buf[0] = '\0';
	if (r->error[0]) {
		char text[ERROR_MSG_MAX];

		/* One line: a newline in a message must not start a line of its own. */
		snprintf(text, sizeof(text), "%s", r->error);
		for (char *p = text; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		return line_append(buf, len, &pos, "error", text);
	}
	for (int i = 0; i < r->n_cgroups && k >= 0; i++)
		k = line_append(buf, len, &pos, "cgroup", r->cgroups[i]);
	snprintf(gid, sizeof(gid), "%u", (unsigned)r->gid);
	snprintf(pts_dev, sizeof(pts_dev), "%llu", r->pts_dev);
	if (k >= 0)
		k = line_append(buf, len, &pos, "pts_dev", pts_dev);
	if (k >= 0)
		k = line_append(buf, len, &pos, "gid", gid);
	if (k >= 0)
		k = confine_format(&r->confine, confine, sizeof(confine));
	if (k >= 0)
		k = line_append(buf, len, &pos, "confine", confine);
	return k;
}

int protocol_send_reply(int fd, const struct helper_reply *r)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char text[PROTOCOL_MSG_MAX];
	struct iovec iov = { .iov_base = text };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int pass_fd = r->error[0] ? -EBADF : r->init_pidfd;
	int k = protocol_reply_format(r, text, sizeof(text));

	if (k < 0)
		return k;
	iov.iov_len = strlen(text);
	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	if (sendmsg(fd, &msg, MSG_NOSIGNAL) >= 0)
		return 0;
	if (errno != ENOTSOCK)
		return -errno;
	return write(fd, text, iov.iov_len) == (ssize_t)iov.iov_len ? 0 : -EIO;
}

/* A path value: absolute below PREFIX, no "..", no control characters, fits. */
static bool path_ok(const char *v, const char *prefix)
{
	if (strncmp(v, prefix, strlen(prefix)) != 0 || strstr(v, "/..") ||
	    strlen(v) >= PROTOCOL_PATH_MAX)
		return false;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Strict decimal of at most DIGITS digits, from MIN to MAX, into *RET. */
static bool decimal_parse(const char *v, size_t digits, unsigned long long min,
			  unsigned long long max, unsigned long long *ret)
{
	unsigned long long n = 0;

	if (!*v || strlen(v) > digits)
		return false;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > (max - (unsigned)(*p - '0')) / 10)
			return false;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n < min)
		return false;
	*ret = n;
	return true;
}

/* Below (gid_t)-1, which means "no id" to the kernel. */
static bool gid_parse(const char *v, gid_t *ret)
{
	unsigned long long n;

	if (!decimal_parse(v, 10, 0, 4294967294ULL, &n))
		return false;
	*ret = (gid_t)n;
	return true;
}

/* KEY's bit in *SEEN, the first time: false if it was there already. */
static bool first(unsigned *seen, unsigned key)
{
	if (*seen & key)
		return false;
	*seen |= key;
	return true;
}

/* "N,N,..." (maybe none) at *P, up to a blank, into RET's groups; *P moves past them.
 * False if one is not a gid, or there are more than CONFINE_GROUPS_MAX. */
static bool groups_parse(const char **p, struct confinement *ret)
{
	const char *s = *p;

	ret->n_groups = 0;
	while (*s && *s != ' ') {
		char num[16];
		size_t n = strcspn(s, ", ");

		if (n == 0 || n >= sizeof(num) || ret->n_groups >= CONFINE_GROUPS_MAX)
			return false;
		memcpy(num, s, n);
		num[n] = '\0';
		if (!gid_parse(num, &ret->groups[ret->n_groups++]))
			return false;
		s += n;
		if (*s == ',' && (s[1] == ' ' || !s[1]))
			return false;
		s += *s == ',';
	}
	*p = s;
	return true;
}

/* " apparmor=LABEL" at *P, LABEL a profile confine() takes or "-" (none), into RET;
 * *P moves past it.  False if it is not one. */
static bool apparmor_parse(const char **p, struct confinement *ret)
{
	char label[CONFINE_LABEL_MAX];
	size_t n;

	if (strncmp(*p, " apparmor=", 10))
		return false;
	*p += 10;
	n = strcspn(*p, " ");
	if (n == 0 || n >= sizeof(label))
		return false;
	memcpy(label, *p, n);
	label[n] = '\0';
	if (strcmp(label, "-") && !confine_label_valid(label))
		return false;
	snprintf(ret->apparmor, sizeof(ret->apparmor), "%s", strcmp(label, "-") ? label : "");
	*p += n;
	return true;
}

/* The confine line's VALUE into *RET: root first, then groups, then apparmor, then
 * seccomp, which takes the rest of the line; nothing else.  False if it is not one. */
static bool confine_parse(const char *value, struct confinement *ret)
{
	const char *p, *name;

	if (strncmp(value, "root=", 5) || (value[5] != '0' && value[5] != '1') ||
	    strncmp(value + 6, " groups=", 8))
		return false;
	p = value + 14;
	if (!groups_parse(&p, ret) || !apparmor_parse(&p, ret) || strncmp(p, " seccomp=", 9))
		return false;
	name = p + 9;
	if (strcmp(name, "default") && strcmp(name, "strict") && !path_ok(name, "/"))
		return false;
	ret->root = value[5] == '1';
	snprintf(ret->seccomp, sizeof(ret->seccomp), "%s", name);
	return true;
}

/* One "KEY VALUE" line into R; false if it is not one the protocol has. */
static bool reply_line(char *line, struct helper_reply *r, unsigned *seen)
{
	char *value = strchr(line, ' ');

	if (!value)
		return false;
	*value++ = '\0';
	if (!strcmp(line, "error")) {
		snprintf(r->error, sizeof(r->error), "%s", value[0] ? value : "(no reason given)");
		return true;
	}
	if (!strcmp(line, "cgroup")) {
		if (r->n_cgroups >= PROTOCOL_MAX_CGROUPS || !path_ok(value, "/sys/fs/cgroup/"))
			return false;
		strcpy(r->cgroups[r->n_cgroups++], value);
		return true;
	}
	if (!strcmp(line, "pts_dev"))
		return decimal_parse(value, 20, 1, ~0ULL, &r->pts_dev) && first(seen, SEEN_PTS);
	if (!strcmp(line, "gid"))
		return gid_parse(value, &r->gid) && first(seen, SEEN_GID);
	if (!strcmp(line, "confine"))
		return confine_parse(value, &r->confine) && first(seen, SEEN_CONFINE);
	return false;
}

int protocol_reply_parse(char *text, bool has_fd, struct helper_reply *r)
{
	unsigned seen = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!reply_line(line, r, &seen))
			return -EPROTO;
	if (r->error[0])
		return r->n_cgroups == 0 && !seen && !has_fd ? 0 : -EPROTO;
	return r->n_cgroups > 0 && (seen & SEEN_ALL) == SEEN_ALL && has_fd ? 0 : -EPROTO;
}

/* The fds a message carried: the first into *RET_FD, the rest closed (-EPROTO). */
static int take_fds(struct msghdr *msg, int *ret_fd)
{
	int r = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*ret_fd < 0) {
				*ret_fd = fd;
			} else {
				close(fd);
				r = -EPROTO;
			}
		}
	}
	return r;
}

int protocol_recv_reply(int fd, int timeout_ms, struct helper_reply *ret)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	char text[PROTOCOL_MSG_MAX + 1];
	struct iovec iov = { .iov_base = text, .iov_len = sizeof(text) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct helper_reply r;
	ssize_t n;
	int k;

	helper_reply_init(&r);
	k = poll(&p, 1, timeout_ms);
	if (k < 0)
		return -errno;
	if (k == 0)
		return -ETIMEDOUT;
	n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	k = take_fds(&msg, &r.init_pidfd);
	if (n == 0 && k == 0 && r.init_pidfd < 0)
		return 0;
	text[n] = '\0';
	if (k == 0 && ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || strlen(text) != (size_t)n))
		k = -EPROTO;
	if (k == 0)
		k = protocol_reply_parse(text, r.init_pidfd >= 0, &r);
	if (k < 0) {
		helper_reply_done(&r);
		return k;
	}
	*ret = r;
	return 1;
}

int protocol_send_ack(int fd)
{
	return send(fd, "A", 1, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int protocol_wait_ack(int fd)
{
	struct stat st;
	char byte;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return 1;
	while ((n = read(fd, &byte, 1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -errno;
	return n == 1 && byte == 'A' ? 1 : 0;
}
