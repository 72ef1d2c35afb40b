/* policy.c - who is jailed, and failing closed on a broken config (see policy.h). */
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "policy.h"
#include "strv.h"
#include "users.h"

int policy_decide(const char *path, const struct passwd *pw, struct policy *ret, struct error *err)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *fallback = NULL;
	struct config_error cerr = { 0 };
	const struct warren_config *policy;
	char msg[1024];
	int r;

	memset(ret, 0, sizeof(*ret));
	r = config_load(path, &cfg, &fallback, &cerr);
	if (r < 0)
		config_error_format(&cerr, msg, sizeof(msg));
	policy = r >= 0 ? cfg : fallback;
	if (!policy) {
		/* Nothing tells who is jailed: anyone but root may be. */
		ret->jailed = pw->pw_uid != 0;
		if (!ret->jailed)
			return 0;
		return error_set(err, -EINVAL, "the config cannot tell whether %s is jailed: %s",
				 pw->pw_name, msg);
	}
	r = user_jail_check(policy, pw, &ret->jailed, &ret->groups);
	if (r < 0)
		return error_errno(err, r, "cannot read the groups of %s", pw->pw_name);
	if (ret->jailed && !cfg)
		return error_set(err, -EINVAL, "%s is jailed and the config is broken: %s",
				 pw->pw_name, msg);
	ret->cfg = TAKE_PTR(cfg);
	return 0;
}

void policy_done(struct policy *p)
{
	config_free(p->cfg);
	strv_free(p->groups);
	memset(p, 0, sizeof(*p));
}
