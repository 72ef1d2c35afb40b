/* policy.h - whether warren takes a user's login, decided from the config; and what
 * still holds when the config is broken (fail closed for whoever may be jailed). */
#ifndef WARREN_POLICY_H
#define WARREN_POLICY_H

#include <pwd.h>
#include <stdbool.h>

#include "config.h"
#include "errors.h"

struct policy {
	struct warren_config *cfg; /* the config, when it loaded cleanly */
	bool jailed;
	char **groups;             /* PW's group names, when NSS was asked (jailed users) */
};

/* Load the config at PATH and decide for PW into *RET.  When the config is broken:
 * if it still tells who is jailed, those users are refused (an error) and the others
 * pass as not jailed; if it cannot even tell that, every user but root is refused.
 * An NSS failure refuses too (never "not jailed" for lack of an answer). */
int policy_decide(const char *path, const struct passwd *pw, struct policy *ret, struct error *err);
void policy_done(struct policy *p);

#endif
