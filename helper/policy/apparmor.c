/* apparmor.c - the AppArmor profile of a user's container (see apparmor.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/tool.h"
#include "policy/apparmor.h"
#include "policy/reslimits.h"
#include "wire/confine.h"

/* Warren's template, "%1$s" the profile's name, in the spirit of Docker's docker-default
 * and LXC's generated profiles.  attach_disconnected: init's binary and the devpts are
 * the host's, outside the container's root; mediate_deleted: an open file removed since
 * is still the file it was. */
static const char template_head[] =
	"# The AppArmor profile of a warren container (warren.conf(5) apparmor), made by\n"
	"# warren-helper: edits are lost at the next login.\n"
	"profile %1$s flags=(attach_disconnected,mediate_deleted) {\n"
	"  # What the syscall filter and the bounding set let a login shell and root\n"
	"  # inside do (warren.conf(5) root, seccomp): files, network, capabilities.\n"
	"  file,\n"
	"  network,\n"
	"  capability,\n"
	"  # Unix sockets of its own, and peers of this profile or of the host's (sshd's\n"
	"  # agent socket, warren's relays). A socket with a path is mediated as a file:\n"
	"  # its mode decides who connects (warren.conf(5) apparmor).\n"
	"  unix (create, bind, listen, accept, getattr, setattr, getopt, setopt, shutdown),\n"
	"  unix (connect, send, receive) peer=(label=%1$s),\n"
	"  unix (connect, send, receive) peer=(label=unconfined),\n"
	"  # Signals and ptrace within the container; the host's (sshd, warren) may signal it,\n"
	"  # and ps inside may read its sshd processes' /proc entries (as without a profile).\n"
	"  signal (send, receive) peer=%1$s,\n"
	"  signal (receive) peer=unconfined,\n"
	"  ptrace (trace, read, tracedby, readby) peer=%1$s,\n"
	"  ptrace (read) peer=unconfined,\n"
	"  # Never a change to its mounts, whatever the filter lets through.\n"
	"  deny mount,\n"
	"  deny umount,\n"
	"  deny pivot_root,\n"
	"  # The kernel's knobs and memory.\n"
	"  deny /proc/sys/** wklx,\n"
	"  deny /proc/sysrq-trigger rwklx,\n"
	"  deny /proc/kcore rwklx,\n"
	"  deny /proc/kmem rwklx,\n"
	"  deny /proc/mem rwklx,\n"
	"  deny /dev/mem rwklx,\n"
	"  deny /dev/kmem rwklx,\n"
	"  deny /dev/port rwklx,\n"
	"  # /sys written only in the container's cgroup (/sys/fs/cgroup).\n"
	"  deny /sys/[^f]*/** wklx,\n"
	"  deny /sys/f[^s]*/** wklx,\n"
	"  deny /sys/fs/[^c]*/** wklx,\n"
	"  deny /sys/fs/c[^g]*/** wklx,\n"
	"  deny /sys/fs/cg[^r]*/** wklx,\n"
	"  deny /sys/firmware/** rwklx,\n"
	"  deny /sys/kernel/security/** rwklx,\n";
static const char template_rules[] = "  # The rules of %s (apparmor = \"%s\"):\n";
static const char template_tail[] = "}\n";

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The lines of a file's TEXT (NULL: none), a last one without its newline counted. */
static unsigned file_lines(const char *text)
{
	size_t n = text ? strlen(text) : 0;

	return n ? count_lines(text) + (text[n - 1] != '\n') : 0;
}

int aa_profile_text(const char *name, const char *rules_path, const char *rules,
		    char **ret_text, unsigned *ret_rules_line)
{
	_cleanup_free_ char *head = NULL, *intro = NULL;
	char *text = NULL;
	unsigned line = 0;
	bool nl;

	if (asprintf(&head, template_head, name) < 0)
		return -ENOMEM;
	if (rules && asprintf(&intro, template_rules, rules_path, rules_path) < 0)
		return -ENOMEM;
	if (rules)
		line = count_lines(head) + count_lines(intro) + 1;
	/* The file's last line may lack its newline: the brace goes on a line of its own. */
	nl = !rules || !rules[0] || rules[strlen(rules) - 1] == '\n';
	if (asprintf(&text, "%s%s%s%s%s", head, rules ? intro : "", rules ? rules : "",
		     nl ? "" : "\n", template_tail) < 0)
		return -ENOMEM;
	*ret_text = text;
	*ret_rules_line = line;
	return 0;
}

bool aa_profiles_list_has(const char *profiles, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = profiles; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, name, n) && !strncmp(l + n, " (enforce)", 10) &&
		    (l[n + 10] == '\n' || !l[n + 10]))
			return true;
	return false;
}

int aa_parser_error(const char *output, const char *profile_path, const char *rules_path,
		    unsigned rules_line, unsigned rules_lines, struct error *err)
{
	/* apparmor_parser: "AppArmor parser error for FILE in profile FILE at line N: MSG",
	 * maybe after warnings. */
	const char *e = strstr(output, "AppArmor parser error"), *at, *msg = NULL;
	unsigned long line = 0;
	char *end = NULL;
	int len;

	at = strstr(e ? e : output, " at line ");
	if (at) {
		line = strtoul(at + 9, &end, 10);
		msg = end && !strncmp(end, ": ", 2) ? end + 2 : NULL;
	}
	/* Within the file, or on the brace after it (a rule left open at its end). */
	if (msg && rules_line && rules_lines && line >= rules_line &&
	    line <= rules_line + rules_lines) {
		unsigned long in_file = line - rules_line + 1;

		len = (int)strcspn(msg, "\n");
		return error_set(err, -EINVAL, "%s:%lu: %.*s; fix: the rule on that line "
				 "(apparmor.d(5)), or another apparmor value for its users",
				 rules_path, in_file > rules_lines ? rules_lines : in_file, len, msg);
	}
	if (e)
		output = e;
	if (!(len = (int)strcspn(output, "\n")))
		output = "(it said nothing)", len = (int)strlen(output);
	return error_set(err, -EINVAL, "apparmor_parser refuses warren's profile %s: %.*s; fix: "
			 "an apparmor package that matches this kernel (aa-status), or apparmor = "
			 "\"unconfined\" for these users", profile_path, len, output);
}

/* TEXT into a memory file the parser reads as /proc/self/fd/N (its fd, inherited):
 * the fd, or -errno. */
static int text_memfd(const char *text)
{
	_cleanup_close_ int fd = memfd_create("warren-apparmor", 0);
	int r;

	if (fd < 0)
		return -errno;
	if ((r = write_all(fd, text, strlen(text))) < 0)
		return r;
	return TAKE_FD(fd);
}

/* Run the parser with ARGS (then the text's path) on TEXT; on a refusal, its message
 * into ERR (aa_parser_error).  SHOWN is where the text is for the admin. */
static int run_parser(const char *const *args, const char *text, const char *shown,
		      const char *rules_path, unsigned rules_line, unsigned rules_lines,
		      struct error *err)
{
	_cleanup_close_ int fd = -EBADF;
	const char *argv[10];
	char path[FD_PATH_MAX], out[8192];
	size_t n = 0;
	int r;

	if (access(AA_PARSER, X_OK) < 0)
		return error_errno(err, -errno, "AppArmor is enabled in this kernel but %s cannot "
				   "be run; fix: install the apparmor package (or apparmor = "
				   "\"unconfined\" for these users, warren.conf(5))", AA_PARSER);
	if ((fd = text_memfd(text)) < 0)
		return error_errno(err, fd, "cannot hold the AppArmor profile %s", shown);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	argv[n++] = AA_PARSER;
	for (; *args && n < ELEMENTSOF(argv) - 2; args++)
		argv[n++] = *args;
	argv[n++] = path;
	argv[n] = NULL;
	r = tool_output_all(argv, out, sizeof(out));
	if (r < 0)
		return error_errno(err, r, "cannot run %s", AA_PARSER);
	if (r > 0)
		return aa_parser_error(out, shown, rules_path, rules_line, rules_lines, err);
	return 0;
}

/* Does the kernel (its list of profiles at PROFILES) have NAME loaded, in enforce mode? */
static bool kernel_has(const char *profiles, const char *name)
{
	_cleanup_fclose_ FILE *f = fopen(profiles, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0)
		if (aa_profiles_list_has(line, name))
			return true;
	return false;
}

/* Is the text kept at PATH exactly TEXT? */
static bool kept_is(const char *path, const char *text)
{
	size_t len = strlen(text);
	_cleanup_free_ char *kept = malloc(len + 2);

	return kept && read_file(path, kept, len + 2) == (int)len && !memcmp(kept, text, len);
}

bool aa_profile_is_current(const char *path, const char *name, const char *text,
			   const char *profiles)
{
	return kept_is(path, text) && kernel_has(profiles, name);
}

static const struct admin_file rules_kind = { "AppArmor rules file", "apparmor",
					      AA_RULES_FILE_MAX };

int aa_profile_ensure(const char *name, const char *rules_path, struct error *err)
{
	/* Warnings (a rule this kernel does not enforce) would only hide an error.  For the
	 * running kernel's features, not the set a distribution pins in parser.conf (Debian
	 * pins its release kernel's): a kernel that mediates more than the pinned set, unix
	 * sockets say, denies what the profile allows but the pinned set cannot express,
	 * every socket she makes (seen with Ubuntu's kernel under Debian 12's parser). */
	static const char *const load[] = { "--replace", "--skip-cache", "--quiet",
					    "--policy-features", AA_KERNEL_FEATURES, NULL };
	_cleanup_free_ char *rules = NULL, *text = NULL;
	char path[4200], refused[4300];
	unsigned line;
	int r;

	if (rules_path[0] && (r = read_admin_file(rules_path, &rules_kind, &rules, err)) < 0)
		return error_wrap(err, "her AppArmor profile %s", name);
	if (aa_profile_text(name, rules_path, rules, &text, &line) < 0)
		return error_set(err, -ENOMEM, "out of memory");
	layout_apparmor_profile(name, path, sizeof(path));
	/* Compiled once: this very text, loaded since the last boot. */
	if (aa_profile_is_current(path, name, text, AA_KERNEL_PROFILES))
		return 0;
	if ((r = runtime_prepare()) < 0)
		return error_errno(err, r, "cannot prepare " RUNTIME_APPARMOR);
	/* A text the parser refuses is kept beside for the admin to read. */
	snprintf(refused, sizeof(refused), "%s.refused", path);
	if ((r = run_parser(load, text, refused, rules_path, line, file_lines(rules),
			    err)) < 0) {
		(void)unlink(path); /* the next login tries again, never takes an old one */
		(void)write_new_file(refused, text);
		return error_wrap(err, "cannot load the AppArmor profile %s", name);
	}
	(void)unlink(refused);
	if ((r = write_new_file(path, text)) < 0)
		return error_errno(err, r, "cannot keep the AppArmor profile %s at %s", name, path);
	return 0;
}

int aa_rules_check(const char *path, struct error *err)
{
	static const char *const compile[] = { "--skip-kernel-load", "--skip-cache", "--quiet",
						NULL };
	_cleanup_free_ char *rules = NULL, *text = NULL;
	unsigned line;
	int r;

	if ((r = read_admin_file(path, &rules_kind, &rules, err)) < 0)
		return r;
	if (access(AA_PARSER, X_OK) < 0)
		return 0; /* no parser here: only a login where AppArmor runs compiles it */
	if (aa_profile_text("warren-check", path, rules, &text, &line) < 0)
		return error_set(err, -ENOMEM, "out of memory");
	return run_parser(compile, text, "(being checked)", path, line, file_lines(rules), err);
}

const char *aa_explain(uint64_t v, const char *user, bool enabled, char *buf, size_t len)
{
	if (!enabled)
		snprintf(buf, len, ": no LSM (this kernel runs no AppArmor; the key changes nothing)");
	else if (v == LIMIT_APPARMOR_UNCONFINED)
		snprintf(buf, len, ": her container runs under no AppArmor profile");
	else
		snprintf(buf, len, ": her container runs under the AppArmor profile "
			 CONFINE_APPARMOR_PREFIX "%s", user);
	return buf;
}
