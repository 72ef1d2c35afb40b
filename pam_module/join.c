/* join.c - the two privileged moves of a jailed login.
 *
 * In sshd's monitor (host root, stays on the host): a private mount namespace in which
 * /dev/pts and /dev/ptmx are the container's devpts, so ptys it allocates exist inside,
 * and in which the user's shell and sftp-server are warren-refuse: a child that was
 * never joined to the container (broken PAM wiring) cannot get a host shell.
 *
 * In sshd's post-auth child (root, after initgroups, before sshd drops to the user):
 * join the container's cgroups and namespaces, then become root *of the container*,
 * so that sshd's following setresuid(user) leaves no capability behind (sshd checks:
 * "was able to restore old [e]uid").
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <security/pam_ext.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cleanup.h"
#include "creds.h"
#include "fsutil.h"
#include "nsjoin.h"
#include "pam_warren.h"
#include "sysfilter.h"

#define SFTP_SERVER "/usr/lib/openssh/sftp-server"

/* Cover an executable at PATH (if it is one) with the refuse stub, or, if even that
 * is missing (a broken install), with /dev/null, which cannot be executed at all. */
static int guard_executable(const char *refuse, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (access(refuse, X_OK) < 0)
		refuse = "/dev/null";
	if (mount(refuse, path, NULL, MS_BIND, NULL) < 0)
		return -errno;
	return 0;
}

int monitor_guard(pam_handle_t *pamh, const char *helper, const char *shell)
{
	char refuse[300];
	const char *slash = strrchr(helper, '/');
	int r;

	snprintf(refuse, sizeof(refuse), "%.*s/warren-refuse", slash ? (int)(slash - helper) : 1,
		 slash ? helper : ".");
	if (!shell || !*shell)
		shell = "/bin/sh"; /* what sshd runs for an empty shell field */
	/* Slave, not private: the host's later mounts still reach the monitor. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot give sshd a private mount namespace: %m");
		return -errno;
	}
	if ((r = guard_executable(refuse, shell)) < 0 ||
	    (r = guard_executable(refuse, SFTP_SERVER)) < 0) {
		errno = -r;
		pam_syslog(pamh, LOG_ERR, "cannot cover the host's shell and sftp-server with %s: %m",
			   refuse);
		return r;
	}
	return 0;
}

int monitor_devpts(pam_handle_t *pamh, const struct warren_session *s)
{
	char ptmx[300];

	snprintf(ptmx, sizeof(ptmx), "%s/ptmx", s->pts);
	if (mount(s->pts, "/dev/pts", NULL, MS_BIND, NULL) < 0 ||
	    mount(ptmx, "/dev/ptmx", NULL, MS_BIND, NULL) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot give sshd the container's devpts: %m");
		return -errno;
	}
	return 0;
}

int session_take_reply(pam_handle_t *pamh, struct warren_session *s, struct helper_reply *reply)
{
	for (int i = 0; i < reply->n_cgroups; i++) {
		char path[PROTOCOL_PATH_MAX + 16];
		int fd;

		snprintf(path, sizeof(path), "%s/cgroup.procs", reply->cgroups[i]);
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			pam_syslog(pamh, LOG_ERR, "cannot open %s: %m", path);
			return -errno;
		}
		s->cgroup_fds[s->n_cgroups++] = fd;
	}
	snprintf(s->pts, sizeof(s->pts), "%s", reply->pts);
	s->gid = reply->gid;
	s->init_pidfd = TAKE_FD(reply->init_pidfd);
	return 0;
}

int session_join(pam_handle_t *pamh, const struct warren_session *s)
{
	struct error err = { 0 };
	char pid[32];
	int r;

	/* The cgroup first: the fds were opened on the host, so they work from anywhere,
	 * and from here on everything this session does is the container's to pay. */
	snprintf(pid, sizeof(pid), "%d", getpid());
	for (int i = 0; i < s->n_cgroups; i++)
		if (write_all(s->cgroup_fds[i], pid, strlen(pid)) < 0) {
			pam_syslog(pamh, LOG_ERR, "cannot join the container's cgroup: %m");
			return -errno;
		}
	if ((r = nsjoin_as_container_root(s->init_pidfd, s->gid, &err)) < 0) {
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
		return r;
	}
	/* The container's syscall filter: the session is its process like any other. */
	if ((r = sysfilter_apply(&err)) < 0) {
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
		return r;
	}
	/* Root inside is not granted (yet): setuid binaries in the image give nothing. */
	if ((r = creds_no_new_privs()) < 0) {
		errno = -r;
		pam_syslog(pamh, LOG_ERR, "cannot finish entering the container: %m");
		return r;
	}
	return 0;
}
