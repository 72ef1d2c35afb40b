/* apparmor.h - the AppArmor profile of a user's container (warren.conf(5) apparmor).
 *
 * Where the kernel runs AppArmor (confine_apparmor_enabled, confine.h), every process of
 * USER's container runs under the profile warren-USER: warren's template (below, in the
 * spirit of Docker's docker-default and LXC's generated profiles), with the rules of her
 * apparmor = "/path" file inside it.  The helper loads it on the host with the
 * distribution's apparmor_parser before her container starts or a login or enter joins
 * it (a step with cap_mac_admin, container.c), and confine() (confine.h) asks for it at
 * the next exec of init, of every session and of every enter/exec.
 *
 * Compiled once: the text loaded is kept at RUNTIME_DIR/apparmor/warren-USER (root's,
 * gone at reboot as the kernel's policy is), and the parser runs again only when the
 * text it would load now differs from that one, or the kernel no longer lists the
 * profile (aa-teardown, apparmor.service restarted).  A login that finds both the same
 * reads two small files and runs nothing.
 */
#ifndef WARREN_APPARMOR_H
#define WARREN_APPARMOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/errors.h"

/* Its rules file, at most (as a seccomp profile file). */
#define AA_RULES_FILE_MAX (64 * 1024)
/* The distribution's parser (Debian's package apparmor); a build may name another (a
 * harness that runs Debian's parser extracted from its package, with its features file). */
#ifndef AA_PARSER
#define AA_PARSER "/sbin/apparmor_parser"
#endif
/* The kernel's list of loaded profiles, "NAME (MODE)" a line. */
#define AA_KERNEL_PROFILES "/sys/kernel/security/apparmor/profiles"
/* What the running kernel mediates, which the profile is compiled for. */
#define AA_KERNEL_FEATURES "/sys/kernel/security/apparmor/features"

/* The text of the profile NAME: warren's template, with RULES (the text of the file
 * RULES_PATH; both NULL for none) inside it.  *RET_TEXT is the caller's to free;
 * *RET_RULES_LINE gets the line of the text where the file's first line is (0 for none).
 * A pure function of its arguments: the same arguments, the same text. */
int aa_profile_text(const char *name, const char *rules_path, const char *rules,
		    char **ret_text, unsigned *ret_rules_line);

/* Is NAME listed in PROFILES (the text of AA_KERNEL_PROFILES) in enforce mode? */
bool aa_profiles_list_has(const char *profiles, const char *name);

/* Is the text kept at PATH exactly TEXT, and the profile NAME loaded in enforce mode by
 * the kernel (its list at PROFILES, AA_KERNEL_PROFILES)?  Then the parser has nothing to
 * do. */
bool aa_profile_is_current(const char *path, const char *name, const char *text,
			   const char *profiles);

/* The parser's OUTPUT on a failure, for the admin, into ERR: a line it names within the
 * rules file (the text's lines RULES_LINE.. RULES_LINE + RULES_LINES - 1, or the brace
 * after them, said as its last line) as "RULES_PATH:LINE: what the parser says";
 * anything else as it is, with where the whole text is (PROFILE_PATH).  Returns
 * -EINVAL. */
int aa_parser_error(const char *output, const char *profile_path, const char *rules_path,
		    unsigned rules_line, unsigned rules_lines, struct error *err);

/* Make sure the profile NAME of the user, with the rules of RULES_PATH ("" for none), is
 * the one the kernel has: compiled and loaded (replacing an older text of it) unless
 * the kernel has this very text already (above).  Needs cap_mac_admin to load.  Every
 * fault is ERR's, with the fix: a rules file that cannot be read or that the parser
 * refuses (FILE:LINE), no parser, a kernel that refuses it. */
int aa_profile_ensure(const char *name, const char *rules_path, struct error *err);

/* Check the rules file PATH as a login would (read_admin_file; and, where the parser is
 * installed, compiled into a profile without loading it): 0, or -errno with ERR's
 * FILE:LINE message.  warrenctl check-config's. */
int aa_rules_check(const char *path, struct error *err);

/* What USER's apparmor value V comes to, as warrenctl explain says it after the key's
 * line, into BUF: "no LSM" where the kernel runs no AppArmor (ENABLED false). */
const char *aa_explain(uint64_t v, const char *user, bool enabled, char *buf, size_t len);

#endif
