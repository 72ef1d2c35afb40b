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

int creds_act_as(uid_t uid, gid_t gid)
{
	const cap_value_t admin = CAP_SYS_ADMIN;
	cap_t caps;
	uid_t ru, eu, su;
	int r = 0;

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
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &admin, CAP_SET) < 0 || cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	return r < 0 ? r : cap_is(CAP_SYS_ADMIN, CAP_SET);
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
	if (caps_limited)
		return set_effective(caps_raised);
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
	if (cap_set_flag(want, CAP_PERMITTED, n, keep, CAP_SET) < 0 ||
	    cap_set_flag(want, CAP_EFFECTIVE, n, keep, CAP_SET) < 0)
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
	*ret_was = caps_raised;
	if (!caps_limited)
		return 0; /* all of them are effective already */
	return set_effective(caps_raised | (caps & permitted_now()));
}

int caps_lower(uint64_t was)
{
	if (!caps_limited)
		return 0;
	return set_effective(was);
}
