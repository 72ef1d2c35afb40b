/* policy.h - whether warren takes a user's login, decided from the config; and who is
 * still refused when the config is broken (fail closed, but not for everyone).
 *
 * The live config decides when it loads cleanly, and is then kept as the last good copy
 * (lastgood.h).  When it is broken, a user is jailed - and so refused, with the parse
 * error in the log - if the last good copy jails her, if what is still readable of the
 * broken file jails her, or if she has warren state (layers or a disk image) under the
 * good copy's state_dir; everyone else logs in as usual.  With no good copy at all (the
 * config never loaded), every user but root is refused. */
#ifndef WARREN_POLICY_H
#define WARREN_POLICY_H

#include <pwd.h>
#include <stdbool.h>

#include "policy/config.h"
#include "lib/errors.h"

struct policy {
	struct warren_config *cfg; /* the config, when it loaded cleanly */
	bool jailed;
	char **groups;             /* PW's group names, when NSS was asked (jailed users) */
	char state_dir[4096];      /* the config's, or its last good copy's; "" if neither */
};

/* Load the config at PATH and decide for PW into *RET; an error for a login that must
 * be refused (a jailed user and a broken config, or an NSS failure: never "not jailed"
 * for lack of an answer). */
int policy_decide(const char *path, const struct passwd *pw, struct policy *ret, struct error *err);
void policy_done(struct policy *p);

#endif
