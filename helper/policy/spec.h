/* spec.h - everything about one user that her container is built from, looked up once
 * on the host (NSS, /etc/subuid, the config) before anything is built. */
#ifndef WARREN_SPEC_H
#define WARREN_SPEC_H

#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/idmap.h"
#include "policy/reslimits.h"
#include "policy/config.h"
#include "lib/errors.h"
#include "wire/confine.h"

/* Supplementary groups that keep their gid inside, at most: the gid map's identity lines
 * (idmap.h), less her own gid's. */
#define SPEC_GROUPS_MAX (IDMAP_IDS_MAX - 1)

struct user_spec {
	char name[33];
	uid_t uid;
	gid_t gid;
	char group[33]; /* name of the primary group */
	char home[PATH_MAX];
	char shell[PATH_MAX];
	char gecos[256];
	char uid_map[256];
	char gid_map[4096]; /* less than a page: the kernel takes no more */
	/* Her supplementary groups that keep their gid inside, as her own gid does, so that
	 * group permissions work on bound directories as on the host (binds.h); listed in
	 * the container's /etc/group with her as a member.  Not gid 0 (host root's group),
	 * none her subordinate gids hold, at most SPEC_GROUPS_MAX in getgrouplist's order.
	 * A name is "" where NSS gives none warren can write into /etc/group. */
	gid_t groups[SPEC_GROUPS_MAX];
	char group_names[SPEC_GROUPS_MAX][33];
	unsigned n_groups;
	uid_t root_uid; /* host IDs of the container's root: the subordinate bases */
	gid_t root_gid;
	/* The effective limits (users > first matching group > defaults > built-in), in
	 * the config's units: limits[LIMIT_DISK] is bytes, LIMIT_UNLIMITED for "max". */
	limit_values limits;
	/* peers = true: the group (or defaults) that said so, as a firewall mark that
	 * containers of the same group share (nft.h); 0 for none. */
	uint32_t peer_group;
	/* The image layers stacked over the base image for her, the first on top
	 * (stack.h). */
	char layers[LAYERS_MAX][33];
	unsigned n_layers;
	/* The gateway's ports her container reaches with network "isolated" (ports.h). */
	struct port_list isolated_ports;
	/* How her container's processes are confined (confine.h): as pam_warren gets it (root
	 * inside, and the filter's name as the config gives it: "default", "strict" or the
	 * file), and ready to apply (the filter read on the host: a profile file is out of
	 * sight inside). */
	struct confinement confine;
	struct confine_plan plan;
	/* apparmor = "/path": the file of rules her profile adds (policy/apparmor.h); "" for
	 * none.  Only where confine.apparmor names a profile. */
	char apparmor_rules[LIMIT_SECCOMP_PATH_MAX];
	/* Her binds (binds.h): those of the defaults, her groups and her users entry that
	 * are not shadowed, in the config's order, %u replaced.  One with a problem is
	 * skipped at the build (or refuses the login, if required). */
	struct bind_spec binds[BINDS_MAX];
	unsigned n_binds;
};

/* The subordinate ranges of user NAME (UID) in /etc/subuid and /etc/subgid: there, large
 * enough, and hers alone (no other entry's, no account's or group's id inside, the first
 * uid no account's): 0, or an error that says what to fix.  For warrenctl doctor. */
int spec_check_ids(const char *name, uid_t uid, struct error *err);
/* The same for U, whose ranges must still be those its spec maps (-ESTALE if not).
 * user_spec_load() only finds the ranges: that they are hers alone takes a listing of
 * every account and group of NSS (the whole directory, where it enumerates), so it is
 * checked, under her lock, by what makes a container or files with her ids (a start,
 * a reset), not at every login. */
int spec_check_ranges(const struct user_spec *u, struct error *err);

/* Fill *RET for PW, a member of the NULL-terminated GROUPS (names from NSS), under CFG:
 * the passwd fields (checked: they become a passwd line and a mount path inside), the
 * ID maps from the subordinate ranges, the effective limits, her binds (more than
 * BINDS_MAX is an error), her syscall filter (a profile file that cannot be read or
 * parsed is an error, with its FILE:LINE), and her AppArmor profile's name where the
 * kernel runs AppArmor and apparmor is not "unconfined" (its rules are read where it is
 * loaded, policy/apparmor.h). */
int user_spec_load(const struct warren_config *cfg, const struct passwd *pw, char *const *groups,
		   struct user_spec *ret, struct error *err);

#endif
