/* policy.c - who is jailed, and failing closed on a broken config (see policy.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "policy/lastgood.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/names.h"
#include "policy/policy.h"
#include "lib/strv.h"
#include "policy/users.h"

/* Does USER have layers or a disk image under CFG's state_dir, or an image on its fleet's
 * store?  Such a user was jailed. */
static bool has_state(const struct warren_config *cfg, const char *user)
{
	const char *store = config_store(cfg);
	char path[4200];
	struct stat st;

	if (lstat(layout_user_layers(cfg->state_dir, user, path, sizeof(path)), &st) == 0 ||
	    lstat(layout_disk(cfg->state_dir, user, false, path, sizeof(path)), &st) == 0)
		return true;
	return store && lstat(layout_disk(store, user, false, path, sizeof(path)), &st) == 0;
}

/* The live config loaded: decide by it, and keep it as the last good copy. */
static int decide_by_config(const char *path, const char *text, const struct timespec *mtime,
			    struct warren_config *cfg, const struct passwd *pw, struct policy *ret,
			    struct error *err)
{
	int r = lastgood_save(path, text, mtime);

	if (r < 0)
		log_warning(r, "cannot keep a copy of %s as the last good config", path);
	ret->cfg = cfg;
	snprintf(ret->state_dir, sizeof(ret->state_dir), "%s", cfg->state_dir);
	return user_jail_check(cfg, pw, &ret->jailed, &ret->groups, err);
}

/* The live config is broken (MSG says how): jailed by any of what still tells. */
static int decide_broken(const char *path, const char *msg, const struct warren_config *partial,
			 const struct passwd *pw, struct policy *ret, struct error *err)
{
	_cleanup_(config_freep) struct warren_config *good = NULL;
	_cleanup_(strv_freep) char **groups = NULL;
	struct lastgood_info info;
	bool jailed = false;
	int r;

	if (lastgood_load(path, &good, &info) < 0) {
		ret->jailed = pw->pw_uid != 0;
		if (!ret->jailed)
			return 0;
		return error_set(err, -EINVAL, "the config is broken and no earlier version of it "
				 "ever loaded, so it cannot tell whether %s is jailed: %s",
				 pw->pw_name, msg);
	}
	snprintf(ret->state_dir, sizeof(ret->state_dir), "%s", good->state_dir);
	r = user_jail_check(good, pw, &jailed, &ret->groups, err);
	if (r == 0 && !jailed && partial)
		r = user_jail_check(partial, pw, &jailed, &groups, err);
	if (r < 0)
		return r;
	/* Root and exempt users stay free: they are who fixes the config.  (A name that
	 * cannot be a path has no state: warren never made any for it.) */
	if (!jailed && config_jail_verdict(good, pw->pw_uid, pw->pw_name, NULL, NULL) == JAIL_NO_GROUP &&
	    name_is_valid(pw->pw_name) && has_state(good, pw->pw_name))
		jailed = true;
	ret->jailed = jailed;
	if (!jailed)
		return 0;
	return error_set(err, -EINVAL, "%s is jailed and the config is broken: %s", pw->pw_name, msg);
}

int policy_decide(const char *path, const struct passwd *pw, struct policy *ret, struct error *err)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *partial = NULL;
	_cleanup_free_ char *text = NULL;
	struct config_error cerr = { 0 };
	struct timespec mtime;
	char msg[1024];
	int r;

	memset(ret, 0, sizeof(*ret));
	r = config_read_text(path, &text, &mtime, &cerr);
	if (r >= 0)
		r = config_parse_string(text, path, &cfg, &partial, &cerr);
	if (r >= 0)
		return decide_by_config(path, text, &mtime, TAKE_PTR(cfg), pw, ret, err);
	config_error_format(&cerr, msg, sizeof(msg));
	return decide_broken(path, msg, partial, pw, ret, err);
}

void policy_done(struct policy *p)
{
	config_free(p->cfg);
	strv_free(p->groups);
	memset(p, 0, sizeof(*p));
}
