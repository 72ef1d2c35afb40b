/* creds.c - credential changes, each verified (see creds.h). */
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "wire/creds.h"

/* caps_limit ran: the effective set is what the steps raised (caps_raised), never
 * everything permitted, which the kernel would restore on a return to euid 0. */
static bool caps_limited;
static uint64_t caps_raised;
static int set_effective(uint64_t effective);
static int flags_set(cap_t caps, cap_flag_t flag, uint64_t mask);
static int effective_is(uint64_t effective);

#ifdef WARREN_CAPS_TRACE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

/* A test build's record (tests/e2e/73-caps-steps.sh): after every change of the helper's
 * capabilities, the five sets as the kernel reports them (capget and prctl, not libcap,
 * which creds.c's own checks use), with the step's set.  Compiled in only with
 * -DWARREN_CAPS_TRACE=PATH, which a build that is installed never has: no environment
 * variable or file turns it on, and the production binary has none of this code.  The
 * record and the command line are taken at the first change (caps_limit, as host root),
 * so that the processes it forks, and the helper once inside a container, still write. */
static int trace_fd = -1;
static char trace_cmd[256];
static const char *trace_label; /* the next raise's step, as CAPS_STEP wrote it */

void caps_trace_label(const char *label)
{
	trace_label = label;
}

static void caps_trace(const char *event, uint64_t step, int rc)
{
	struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 }; /* _LINUX_CAPABILITY_VERSION_3 */
	struct { uint32_t effective, permitted, inheritable; } d[2] = { { 0 } };
	uint64_t amb = 0, bnd = 0;
	char line[1024], label[160] = "-";
	int fd;

	if (trace_fd < 0) {
		trace_fd = open(WARREN_CAPS_TRACE, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
				O_CLOEXEC, 0600);
		if ((fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC)) >= 0) {
			ssize_t n = read(fd, trace_cmd, sizeof(trace_cmd) - 1);

			close(fd);
			for (ssize_t i = 0; i + 1 < n; i++)
				if (!trace_cmd[i])
					trace_cmd[i] = ' ';
		}
	}
	/* The step's expression up to its first parenthesis: the function it calls. */
	if (!strcmp(event, "raise") && trace_label) {
		snprintf(label, sizeof(label), "%.*s", (int)strcspn(trace_label, "( \t\n"), trace_label);
		trace_label = NULL;
	}
	if (trace_fd < 0 || syscall(SYS_capget, &hdr, d) < 0)
		return;
	for (int c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			bnd |= CAP_BIT(c);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			amb |= CAP_BIT(c);
	}
#define SET64(f) ((uint64_t)d[1].f << 32 | d[0].f)
	snprintf(line, sizeof(line), "pid=%d event=%s step=%016llx label=%s rc=%d Inh=%016llx "
		 "Prm=%016llx Eff=%016llx Bnd=%016llx Amb=%016llx cmd=%s\n", (int)getpid(), event,
		 (unsigned long long)step, label, rc, (unsigned long long)SET64(inheritable),
		 (unsigned long long)SET64(permitted), (unsigned long long)SET64(effective),
		 (unsigned long long)bnd, (unsigned long long)amb, trace_cmd);
#undef SET64
	(void)!write(trace_fd, line, strlen(line));
}
#else
#define caps_trace(event, step, rc) ((void)0)
#endif

static int ids_are(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return -EPERM;
	return 0;
}

/* GID and EXTRA (N) into LIST, as setgroups takes them: how many. */
static unsigned groups_list(gid_t gid, const gid_t *extra, unsigned n, gid_t list[])
{
	unsigned k = 0;

	if (gid == (gid_t)-1)
		return 0;
	list[k++] = gid;
	for (unsigned i = 0; i < n && i < CREDS_GROUPS_MAX; i++)
		list[k++] = extra[i];
	return k;
}

/* The supplementary groups are exactly GID and EXTRA (N; or none for (gid_t)-1). */
static int groups_are(gid_t gid, const gid_t *extra, unsigned n)
{
	gid_t want[CREDS_GROUPS_MAX + 1], have[CREDS_GROUPS_MAX + 2];
	unsigned k = groups_list(gid, extra, n, want);
	int got = getgroups(CREDS_GROUPS_MAX + 2, have);

	if (got < 0)
		return -errno;
	if ((unsigned)got != k)
		return -EPERM;
	for (unsigned i = 0; i < k; i++) {
		bool found = false;

		for (int j = 0; j < got && !found; j++)
			found = have[j] == want[i];
		if (!found)
			return -EPERM;
	}
	return 0;
}

static int set_groups(gid_t gid, const gid_t *extra, unsigned n)
{
	gid_t list[CREDS_GROUPS_MAX + 1];

	return setgroups(groups_list(gid, extra, n, list), list) < 0 ? -errno : 0;
}

int creds_require_root(void)
{
	return getuid() == 0 && geteuid() == 0 ? 0 : -EPERM;
}

int creds_become_ns_root(gid_t gid, const gid_t *extra, unsigned n)
{
	int r = set_groups(gid, extra, n);

	if (r < 0)
		return r;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	if ((r = ids_are(0, 0)) < 0 || (r = groups_are(gid, extra, n)) < 0)
		return r;
	return 0;
}

int creds_drop_to_user(uid_t uid, gid_t gid, const gid_t *extra, unsigned n)
{
	int r;

	/* Groups first: once the uid is not root, setgroups is no longer allowed. */
	if ((r = set_groups(gid, extra, n)) < 0)
		return r;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	if ((r = ids_are(uid, gid)) < 0 || (r = groups_are(gid, extra, n)) < 0)
		return r;
	/* The drop is for good only if getting root back fails (OpenSSH: "was able to
	 * restore old [e]uid" is fatal). */
	if (uid != 0 && (setresuid(0, 0, 0) == 0 || seteuid(0) == 0))
		return -EPERM;
	return creds_no_new_privs();
}

/* Are CAP's effective and permitted flags both WANT? */
static int cap_is(cap_value_t cap, cap_flag_value_t want)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t eff = CAP_CLEAR, perm = CAP_CLEAR;
	int r = 0;

	if (!caps)
		return -errno;
	if (cap_get_flag(caps, cap, CAP_EFFECTIVE, &eff) < 0 ||
	    cap_get_flag(caps, cap, CAP_PERMITTED, &perm) < 0)
		r = -errno;
	else if (eff != want || perm != want)
		r = -EPERM;
	cap_free(caps);
	return r;
}

int creds_act_as(uid_t uid, gid_t gid, uint64_t effective)
{
	cap_t caps;
	uid_t ru, eu, su;
	int r;

	/* The group first: setresgid needs the capability that the uid change clears. */
	if (setresgid((gid_t)-1, gid, (gid_t)-1) < 0 || setresuid((uid_t)-1, uid, (uid_t)-1) < 0)
		return -errno;
	if (getresuid(&ru, &eu, &su) < 0)
		return -errno;
	if (ru != 0 || eu != uid || su != 0 || getegid() != gid)
		return -EPERM;
	/* The euid change cleared the effective set; the permitted one is intact. */
	if (!(caps = cap_get_proc()))
		return -errno;
	if ((r = flags_set(caps, CAP_EFFECTIVE, effective)) == 0 && cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	r = r < 0 ? r : effective_is(effective);
	caps_trace("act", effective, r);
	return r;
}

int creds_act_as_root(void)
{
	int r;

	if (setresuid((uid_t)-1, 0, (uid_t)-1) < 0 || setresgid((gid_t)-1, 0, (gid_t)-1) < 0)
		return -errno;
	if ((r = ids_are(0, 0)) < 0)
		return r;
	/* The kernel made every permitted capability effective again on the way back to euid
	 * 0: a helper that limited them gets only what its step raised (caps_raise). */
	if (caps_limited) {
		r = set_effective(caps_raised);
		caps_trace("back", caps_raised, r);
		return r;
	}
	/* A capability the helper needs right after: back means all of them back. */
	return cap_is(CAP_SETUID, CAP_SET);
}

static bool kept(const cap_value_t *keep, int n, cap_value_t cap)
{
	for (int i = 0; i < n; i++)
		if (keep[i] == cap)
			return true;
	return false;
}

/* The bounding set holds the N capabilities KEEP at most, verified. */
static int bound_to(const cap_value_t *keep, int n)
{
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
		if (!kept(keep, n, c) && cap_drop_bound(c) < 0)
			return -errno;
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
		if (!kept(keep, n, c) && cap_get_bound(c) != 0)
			return -EPERM;
	return 0;
}

int creds_keep_only(const cap_value_t *keep, int n)
{
	cap_t want = cap_init(), now = NULL;
	int r = 0;

	if (!want)
		return -errno;
	/* N 0 keeps nothing (libcap refuses an empty list): WANT is empty already. */
	if (n > 0 && (cap_set_flag(want, CAP_PERMITTED, n, keep, CAP_SET) < 0 ||
		      cap_set_flag(want, CAP_EFFECTIVE, n, keep, CAP_SET) < 0))
		r = -errno;
	if (r == 0)
		r = bound_to(keep, n);
	if (r == 0 && (cap_set_proc(want) < 0 || cap_reset_ambient() < 0))
		r = -errno;
	/* Verify: the sets are exactly WANT. */
	if (r == 0 && (!(now = cap_get_proc()) || cap_compare(now, want) != 0))
		r = -EPERM;
	cap_free(now);
	cap_free(want);
#ifdef WARREN_CAPS_TRACE
	{
		uint64_t mask = 0;

		for (int i = 0; i < n; i++)
			mask |= CAP_BIT(keep[i]);
		caps_trace("keep", mask, r);
	}
#endif
	return r;
}

int creds_bound_container(void)
{
	/* Docker's default set: what a root inside needs for packages and services. */
	static const cap_value_t container_caps[] = {
		CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER,	    CAP_MKNOD,
		CAP_NET_RAW, CAP_SETGID,       CAP_SETUID, CAP_SETFCAP,	    CAP_SETPCAP,
		CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
	};

	return bound_to(container_caps, (int)ELEMENTSOF(container_caps));
}

int creds_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : -EPERM;
}

static uint64_t mask_of(cap_t caps, cap_flag_t flag)
{
	uint64_t mask = 0;

	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits() && c < 64; c++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(caps, c, flag, &v) == 0 && v == CAP_SET)
			mask |= CAP_BIT(c);
	}
	return mask;
}

static int flags_set(cap_t caps, cap_flag_t flag, uint64_t mask)
{
	for (cap_value_t c = 0; c < 64; c++)
		if ((mask & CAP_BIT(c)) && cap_set_flag(caps, flag, 1, &c, CAP_SET) < 0)
			return -errno;
	return 0;
}

static uint64_t permitted_now(void)
{
	cap_t now = cap_get_proc();
	uint64_t mask = now ? mask_of(now, CAP_PERMITTED) : 0;

	cap_free(now);
	return mask;
}

/* Read back: permitted PERMITTED, effective EFFECTIVE, inheritable and ambient empty. */
static int caps_are(uint64_t permitted, uint64_t effective)
{
	cap_t now = cap_get_proc();
	int r = 0;

	if (!now)
		return -errno;
	if (mask_of(now, CAP_PERMITTED) != permitted || mask_of(now, CAP_EFFECTIVE) != effective ||
	    mask_of(now, CAP_INHERITABLE) != 0)
		r = -EPERM;
	cap_free(now);
	for (cap_value_t c = 0; r == 0 && c < (cap_value_t)cap_max_bits(); c++)
		if (cap_get_ambient(c) > 0)
			r = -EPERM;
	return r;
}

/* Read back: the effective set is EFFECTIVE, all of it permitted. */
static int effective_is(uint64_t effective)
{
	cap_t now = cap_get_proc();
	int r = 0;

	if (!now)
		return -errno;
	if (mask_of(now, CAP_EFFECTIVE) != effective ||
	    (mask_of(now, CAP_PERMITTED) & effective) != effective)
		r = -EPERM;
	cap_free(now);
	return r;
}

int caps_limit(uint64_t permitted)
{
	cap_value_t keep[64];
	cap_t want;
	int n = 0, r;

	/* What root here does not hold (CAP_SYS_RESOURCE on some hosts) cannot be kept. */
	permitted &= permitted_now();
	for (cap_value_t c = 0; c < 64; c++)
		if (permitted & CAP_BIT(c))
			keep[n++] = c;
	/* The bounding set first: dropping from it takes CAP_SETPCAP, still effective. */
	if ((r = bound_to(keep, n)) < 0)
		return r;
	if (!(want = cap_init()))
		return -errno;
	r = flags_set(want, CAP_PERMITTED, permitted);
	if (r == 0 && (cap_set_proc(want) < 0 || cap_reset_ambient() < 0))
		r = -errno;
	cap_free(want);
	if (r == 0 && (r = caps_are(permitted, 0)) == 0) {
		caps_limited = true;
		caps_raised = 0;
	}
	caps_trace("limit", permitted, r);
	return r;
}

/* Exactly EFFECTIVE effective, within the permitted set, which stays as it is. */
static int set_effective(uint64_t effective)
{
	cap_t caps = cap_get_proc();
	uint64_t permitted;
	int r = 0;

	if (!caps)
		return -errno;
	permitted = mask_of(caps, CAP_PERMITTED);
	if (effective & ~permitted)
		r = -EPERM;
	else if (cap_clear_flag(caps, CAP_EFFECTIVE) < 0 ||
		 (r = flags_set(caps, CAP_EFFECTIVE, effective)) < 0 || cap_set_proc(caps) < 0)
		r = r < 0 ? r : -errno;
	cap_free(caps);
	if (r == 0 && (r = caps_are(permitted, effective)) == 0)
		caps_raised = effective;
	return r;
}

int caps_raise(uint64_t caps, uint64_t *ret_was)
{
	int r;

	*ret_was = caps_raised;
	if (!caps_limited)
		return 0; /* all of them are effective already */
	r = set_effective(caps_raised | (caps & permitted_now()));
	caps_trace("raise", caps, r);
	return r;
}

int caps_lower(uint64_t was)
{
	int r;

	if (!caps_limited)
		return 0;
	r = set_effective(was);
	caps_trace("lower", was, r);
	return r;
}
