/* spec.c - a user's container spec from NSS, /etc/subuid and the config (see spec.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "policy/idmap.h"
#include "lib/names.h"
#include "policy/spec.h"
#include "policy/users.h"

_Static_assert(LIMIT_SECCOMP_PATH_MAX <= CONFINE_SECCOMP_MAX, "a profile's path must fit the wire");

/* /etc/subuid and /etc/subgid are a few lines per user; a megabyte is plenty. */
#define SUBID_FILE_MAX (1 << 20)

/* The span of R that PW's container maps must be nobody else's: not another entry's of
 * FILE (TEXT), nor an account's or group's id, which would be one of her container's ids
 * on the host (that account could signal or trace her container's processes, own its
 * files).  Its first uid, which owns her container's user namespace (build.c) and so has
 * every capability over it from the host, is also looked up directly, for a directory
 * that does not list its accounts. */
static int range_is_hers(const char *file, const char *text, const char *name, uid_t uid,
			 const struct subid_range *r, struct error *err)
{
	char other[64], buf[4096], kind = strstr(file, "gid") ? 'g' : 'u';
	struct passwd owner, *res = NULL;
	unsigned long id = 0;
	int k;

	if (kind == 'u' && getpwuid_r((uid_t)r->start, &owner, buf, sizeof(buf), &res) == 0 && res)
		return error_set(err, -EEXIST, "the range of %s in %s starts at %lu, the uid of "
				 "user %s, who would own her container from the host; fix: give %s a "
				 "range above every account's uid (usermod --del-subuids and "
				 "--add-subuids)", name, file, r->start, res->pw_name, name);
	k = users_id_taken(kind, r->start, r->start + WARREN_ID_SPAN, other, sizeof(other), &id);
	if (k < 0)
		return error_errno(err, k, "cannot list the %s to check the range of %s in %s",
				   kind == 'u' ? "accounts" : "groups", name, file);
	if (k > 0)
		return error_set(err, -EEXIST, "the range of %s in %s (%lu-%lu) holds %lu, the %cid "
				 "of %s %s, which would be an id of her container on the host; fix: "
				 "give %s a range above every account's and group's id (usermod "
				 "--del-sub%cids and --add-sub%cids)", name, file, r->start,
				 r->start + WARREN_ID_SPAN - 1, id, kind, kind == 'u' ? "user" : "group",
				 other, name, kind, kind);
	if (subid_overlap(text, name, uid, r, other, sizeof(other)))
		return error_set(err, -EEXIST, "the ids %lu-%lu of %s in %s are also %s's there: "
				 "their containers would share host ids; fix: give each a range of "
				 "her own (usermod --del-sub%cids and --add-sub%cids)", r->start,
				 r->start + WARREN_ID_SPAN - 1, name, file, other, kind, kind);
	return 0;
}

/* NAME's (UID's) range in FILE into *RET; with HERS, also checked to be hers alone
 * (range_is_hers). */
static int read_subid(const char *file, const char *name, uid_t uid, bool hers,
		      struct subid_range *ret, struct error *err)
{
	_cleanup_free_ char *text = malloc(SUBID_FILE_MAX);
	char kind = strstr(file, "gid") ? 'g' : 'u';
	int r;

	if (!text)
		return error_set(err, -ENOMEM, "out of memory");
	if ((r = read_file(file, text, SUBID_FILE_MAX)) < 0)
		return error_errno(err, r, "cannot read %s", file);
	r = subid_find(text, name, uid, ret);
	if (r == -ERANGE)
		return error_set(err, r, "the range of %s in %s cannot be used: fewer than %lu ids, "
				 "starting at 0, past 32 bits, or holding her own id; fix: usermod "
				 "--add-sub%cids START-END %s with a free range", name, file,
				 WARREN_ID_SPAN, kind, name);
	if (r < 0)
		return error_set(err, r, "%s has no range of %lu ids for %s; fix: usermod "
				 "--add-sub%cids START-END %s", file, WARREN_ID_SPAN, name, kind,
				 name);
	return hers ? range_is_hers(file, text, name, uid, ret, err) : 0;
}

/* Copy S into DST (LEN) with ':' and newlines blanked: it becomes a passwd field. */
static void copy_field(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
	for (char *p = dst; *p; p++)
		if (*p == ':' || *p == '\n')
			*p = ' ';
}

static int passwd_fields(const struct passwd *pw, struct user_spec *u, struct error *err)
{
	struct group gr, *res = NULL;
	char buf[8192];

	copy_field(u->name, sizeof(u->name), pw->pw_name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	/* Her gid is mapped to itself: 0 would make host root's group hers inside. */
	if (pw->pw_gid == 0)
		return error_set(err, -EPERM, "the primary group of %s is root's (gid 0), which a "
				 "container cannot map; fix: usermod -g GROUP %s", pw->pw_name,
				 pw->pw_name);
	if (pw->pw_dir[0] != '/' || !strcmp(pw->pw_dir, "/") || strstr(pw->pw_dir, "/..") ||
	    strchr(pw->pw_dir, ',') || strlen(pw->pw_dir) >= sizeof(u->home))
		return error_set(err, -EINVAL, "home directory of %s (%s) cannot be a container "
				 "home; it must be an absolute path below /", pw->pw_name, pw->pw_dir);
	copy_field(u->home, sizeof(u->home), pw->pw_dir);
	copy_field(u->shell, sizeof(u->shell), pw->pw_shell);
	copy_field(u->gecos, sizeof(u->gecos), pw->pw_gecos);
	if (getgrgid_r(pw->pw_gid, &gr, buf, sizeof(buf), &res) == 0 && res &&
	    name_is_valid(gr.gr_name))
		copy_field(u->group, sizeof(u->group), gr.gr_name);
	else
		copy_field(u->group, sizeof(u->group), pw->pw_name);
	return 0;
}

int spec_check_ids(const char *name, uid_t uid, struct error *err)
{
	struct subid_range r;
	int k;

	if ((k = read_subid("/etc/subuid", name, uid, true, &r, err)) < 0)
		return k;
	return read_subid("/etc/subgid", name, uid, true, &r, err);
}

int spec_check_ranges(const struct user_spec *u, struct error *err)
{
	struct subid_range ru, rg;
	int k;

	if ((k = read_subid("/etc/subuid", u->name, u->uid, true, &ru, err)) < 0 ||
	    (k = read_subid("/etc/subgid", u->name, u->uid, true, &rg, err)) < 0)
		return k;
	/* The ranges checked are the ones her spec maps (read before her lock). */
	if (ru.start != u->root_uid || rg.start != u->root_gid)
		return error_set(err, -ESTALE, "the subordinate ranges of %s changed in /etc/subuid "
				 "or /etc/subgid while her login waited; fix: log in again", u->name);
	return 0;
}

/* Is G one U->groups may take (spec.h)?  RG: her subordinate gids. */
static bool group_keeps_gid(const struct user_spec *u, const struct subid_range *rg, gid_t g)
{
	if (g == 0 || g == u->gid || (g >= rg->start && g - rg->start < WARREN_ID_SPAN))
		return false;
	for (unsigned i = 0; i < u->n_groups; i++)
		if (u->groups[i] == g)
			return false;
	return true;
}

/* Her supplementary groups into U->groups and U->group_names. */
static int spec_groups(const struct passwd *pw, const struct subid_range *rg, struct user_spec *u,
		       struct error *err)
{
	_cleanup_free_ gid_t *gids = NULL;
	int n, r;

	if ((r = user_gids(pw, &gids, &n)) < 0)
		return error_errno(err, r, "cannot read the groups of %s", pw->pw_name);
	for (int i = 0; i < n && u->n_groups < SPEC_GROUPS_MAX; i++) {
		_cleanup_free_ char *name = NULL;

		if (!group_keeps_gid(u, rg, gids[i]))
			continue;
		if ((r = group_name(gids[i], &name)) < 0)
			return error_errno(err, r, "cannot look up group %u of %s", (unsigned)gids[i],
					   pw->pw_name);
		u->groups[u->n_groups] = gids[i];
		if (name && name_is_valid(name))
			copy_field(u->group_names[u->n_groups], sizeof(u->group_names[0]), name);
		u->n_groups++;
	}
	return 0;
}

static int id_maps(const struct passwd *pw, struct user_spec *u, struct error *err)
{
	unsigned long gids[IDMAP_IDS_MAX];
	struct subid_range ru, rg;
	int r;

	/* Only found here: that they are hers alone is for what makes files or a container
	 * with her ids to check (it lists every account and group of NSS):
	 * spec_check_ranges. */
	if ((r = read_subid("/etc/subuid", pw->pw_name, pw->pw_uid, false, &ru, err)) < 0 ||
	    (r = read_subid("/etc/subgid", pw->pw_name, pw->pw_uid, false, &rg, err)) < 0 ||
	    (r = spec_groups(pw, &rg, u, err)) < 0)
		return r;
	gids[0] = u->gid;
	for (unsigned i = 0; i < u->n_groups; i++)
		gids[i + 1] = u->groups[i];
	if (idmap_format(u->uid, &ru, u->uid_map, sizeof(u->uid_map)) < 0 ||
	    idmap_format_ids(gids, u->n_groups + 1, &rg, u->gid_map, sizeof(u->gid_map)) < 0)
		return error_set(err, -EINVAL, "cannot map the ids of %s", pw->pw_name);
	u->root_uid = (uid_t)ru.start;
	u->root_gid = (gid_t)rg.start;
	return 0;
}

/* A mark for the source of peers = true ("group team-a", "defaults"): FNV-1a, never 0. */
static uint32_t peer_group_mark(const struct limit_value *v)
{
	char source[128];
	uint32_t h = 0x811c9dc5;

	limit_source_format(v, source, sizeof(source));
	for (const unsigned char *p = (const unsigned char *)source; *p; p++)
		h = (h ^ *p) * 0x01000193;
	return h ? h : 1;
}

/* Her AppArmor profile (warren-NAME) and its rules file, where the kernel runs AppArmor
 * (decided by the kernel, not by a package: confine.h) and the config wants one. */
static void spec_apparmor(const struct warren_config *cfg, struct user_spec *u)
{
	uint64_t v = u->limits[LIMIT_APPARMOR];

	if (v == LIMIT_APPARMOR_UNCONFINED || !confine_apparmor_enabled())
		return;
	snprintf(u->confine.apparmor, sizeof(u->confine.apparmor), CONFINE_APPARMOR_PREFIX "%s",
		 u->name);
	if (v >= LIMIT_APPARMOR_FILE)
		snprintf(u->apparmor_rules, sizeof(u->apparmor_rules), "%s",
			 limit_file_choice_name(&cfg->limits, LIMIT_APPARMOR, v));
}

/* Her binds that apply (not shadowed) into U->binds. */
static int spec_binds(const struct warren_config *cfg, char *const *groups, struct user_spec *u,
		      struct error *err)
{
	_cleanup_free_ struct bind_spec *v = NULL;
	size_t n = 0;

	if (limits_resolve_binds(&cfg->limits, u->name, groups, u->home,
				 u->limits[LIMIT_HOME] == HOME_HOST, &v, &n) < 0)
		return error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (v[i].shadowed_by >= 0)
			continue;
		if (u->n_binds == BINDS_MAX)
			return error_set(err, -E2BIG, "%s would get more than %d binds from the defaults, "
					 "her groups and her users entry (warrenctl explain %s lists them); "
					 "fix: fewer binds in %s", u->name, BINDS_MAX, u->name, cfg->path);
		u->binds[u->n_binds++] = v[i];
	}
	return 0;
}

int user_spec_load(const struct warren_config *cfg, const struct passwd *pw, char *const *groups,
		   struct user_spec *ret, struct error *err)
{
	struct limits_effective eff;
	int r;

	memset(ret, 0, sizeof(*ret));
	if ((r = passwd_fields(pw, ret, err)) < 0 || (r = id_maps(pw, ret, err)) < 0)
		return r;
	limits_resolve(&cfg->limits, pw->pw_name, groups, &eff);
	for (int k = 0; k < LIMIT__COUNT; k++)
		ret->limits[k] = eff.v[k].value;
	if (eff.v[LIMIT_PEERS].value)
		ret->peer_group = peer_group_mark(&eff.v[LIMIT_PEERS]);
	/* Names the config checked (name_is_valid: at most 32), at most LAYERS_MAX. */
	for (char *const *l = eff.layers; *l && ret->n_layers < LAYERS_MAX; l++)
		snprintf(ret->layers[ret->n_layers++], sizeof(ret->layers[0]), "%s", *l);
	ret->isolated_ports = *eff.isolated_ports;
	ret->confine.root = ret->limits[LIMIT_ROOT] != 0;
	spec_apparmor(cfg, ret);
	snprintf(ret->confine.seccomp, sizeof(ret->confine.seccomp), "%s",
		 limit_seccomp_name(&cfg->limits, ret->limits[LIMIT_SECCOMP]));
	/* Her groups that keep their gid inside: every process of hers keeps them too. */
	_Static_assert(SPEC_GROUPS_MAX <= CONFINE_GROUPS_MAX, "her groups fit the confinement");
	memcpy(ret->confine.groups, ret->groups, ret->n_groups * sizeof(ret->groups[0]));
	ret->confine.n_groups = ret->n_groups;
	if ((r = confine_ready(&ret->confine, &ret->plan, err)) < 0)
		return r;
	return spec_binds(cfg, groups, ret, err);
}
