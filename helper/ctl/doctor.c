/* ctl_doctor.c - warrenctl doctor (see ctl_doctor.h).  It only looks: nothing on the
 * host is changed. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "lib/cleanup.h"
#include "policy/config.h"
#include "ctl/doctor.h"
#include "fleet/lease.h"
#include "lib/fsutil.h"
#include "net/egress.h"
#include "net/net.h"
#include "net/nftlib.h"
#include "policy/apparmor.h"
#include "policy/spec.h"
#include "storage/disk.h"
#include "policy/usermgr.h"
#include "policy/users.h"
#include "lib/strv.h"
#include "lib/tool.h"

#define PAM_SSHD "/etc/pam.d/sshd"
#define SSHD_CONFIG "/etc/ssh/sshd_config"
/* Seconds of clock skew against etcd that are no skew: its Date header's resolution and
 * the answer's time on the way. */
#define FLEET_SKEW_OK 1

static int problems;

static void say(const char *tag, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(const char *tag, const char *fix, const char *fmt, ...)
{
	va_list ap;

	printf("%-8s", tag);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (fix)
		printf("        fix: %s\n", fix);
	if (!strcmp(tag, "PROBLEM"))
		problems++;
}

/* Does the defaults' value of K (theirs, or the built-in), or any entry's, equal V
 * (EQUAL) or differ from it? */
static bool config_any_value(const struct warren_config *cfg, enum limit_key k, uint64_t v,
			     bool equal)
{
	const struct limit_entries *lists[] = { &cfg->limits.groups, &cfg->limits.users };
	const struct limit_set *d = &cfg->limits.defaults;

	if (((limit_set_has(d, k) ? d->v[k] : limit_builtin(k)) == v) == equal)
		return true;
	for (size_t l = 0; l < ELEMENTSOF(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (limit_set_has(&lists[l]->v[i].limits, k) &&
			    (lists[l]->v[i].limits.v[k] == v) == equal)
				return true;
	return false;
}

static void check_kernel(void)
{
	struct utsname u;
	int major = 0, minor = 0;
	char v[32];

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2) {
		say("PROBLEM", "run warren on Linux 5.19 or later", "cannot tell the kernel's version");
		return;
	}
	if (major > 5 || (major == 5 && minor >= 19))
		say("ok", NULL, "kernel %s (idmapped overlay layers need 5.19)", u.release);
	else
		say("PROBLEM", "boot a 5.19 or later kernel (Debian 12's is 6.1)",
		    "kernel %s: too old for idmapped overlay layers", u.release);
	if (read_file("/proc/sys/user/max_user_namespaces", v, sizeof(v)) < 0 || atol(v) < 1)
		say("PROBLEM", "sysctl -w user.max_user_namespaces=63000 (and in /etc/sysctl.d)",
		    "user namespaces are disabled (user.max_user_namespaces = %ld)", atol(v));
	else
		say("ok", NULL, "user namespaces (user.max_user_namespaces = %ld)", atol(v));
}

/* warren.conf(5) apparmor: where the kernel runs AppArmor, a login whose profile cannot be
 * loaded is refused, and loading it takes the parser. */
static void check_apparmor(const struct warren_config *cfg)
{
	if (!confine_apparmor_enabled()) {
		say("ok", NULL, "AppArmor: not run by this kernel (no LSM: the apparmor key changes "
		    "nothing)");
		return;
	}
	if (access(AA_PARSER, X_OK) == 0)
		say("ok", NULL, "AppArmor: each container under its profile warren-USER, loaded with "
		    "%s", AA_PARSER);
	else if (!cfg || config_any_value(cfg, LIMIT_APPARMOR, LIMIT_APPARMOR_UNCONFINED, false))
		say("PROBLEM", "apt-get install apparmor (or apparmor = \"unconfined\" for them)",
		    "AppArmor runs here but %s is missing: the logins of users with a profile "
		    "are refused", AA_PARSER);
	else
		say("ok", NULL, "AppArmor: no user has a profile (apparmor = \"unconfined\" for all)");
}

/* A login joins her v2 cgroups through cgroup.procs, which waits for an RCU grace period
 * unless cgroup2 is mounted with favordynmods (the v1 tasks file does not wait). */
static void check_v2_moves(const struct cgroup_set *cg)
{
	static char mounts[65536];
	const char *root = cgroup_v2_root();
	char fix[256];
	bool v2 = false;

	for (int i = 0; i < cg->n; i++)
		v2 |= cg->ops[i] == &cgroup_v2_ops;
	if (!v2 || !root || read_file("/proc/self/mounts", mounts, sizeof(mounts)) < 0)
		return;
	if (cgroup_v2_favordynmods(mounts, root) != 0)
		return;
	snprintf(fix, sizeof(fix), "mount -o remount,favordynmods %s where the kernel has it (at "
		 "boot: after systemd mounted it); forks and exits then pay a little more", root);
	say("note", fix, "%s is mounted without favordynmods: every login waits for an RCU grace "
	    "period as it joins her cgroup (12-20 ms in a TCG guest)", root);
}

static void check_cgroups_and_loop(void)
{
	struct cgroup_set cg;
	char found[256] = "";
	bool memory = false;
	struct stat st;

	if (cgroup_resolve("warren-doctor", &cg) < 0) {
		say("PROBLEM", "mount the pids controller (cgroup v1 or v2) under " CGROUP_ROOT,
		    "no pids cgroup controller: warren cannot count or bound a container's processes");
	} else {
		for (int i = 0; i < cg.n; i++) {
			size_t n = strlen(found);

			snprintf(found + n, sizeof(found) - n, "%s%s (%s)", n ? ", " : "",
				 cg.controllers[i], cg.ops[i]->name);
			memory |= !strcmp(cg.controllers[i], "memory");
		}
		if (memory)
			say("ok", NULL, "cgroups: %s", found);
		else
			say("PROBLEM", "enable the memory controller (cgroup_enable=memory on the kernel "
			    "command line)", "cgroups: %s; no memory controller, so no memory limit", found);
		check_v2_moves(&cg);
	}
	if (stat("/dev/loop-control", &st) == 0)
		say("ok", NULL, "loop devices (/dev/loop-control), for disk limits");
	else
		say("PROBLEM", "modprobe loop (and list it in /etc/modules)",
		    "no /dev/loop-control: disk limits cannot be mounted");
}

static struct warren_config *check_config(const char *path)
{
	struct warren_config *cfg = NULL, *policy = NULL;
	struct config_error err = { 0 };
	char msg[1024];

	if (config_load(path, &cfg, &policy, &err) < 0) {
		config_free(policy);
		config_error_format(&err, msg, sizeof(msg));
		/* Its message says what is expected, or how to fix it, already. */
		say("PROBLEM", strstr(msg, "fix:") || strstr(msg, "expected") ? NULL :
		    "correct it; warrenctl check-config says what a broken file does", "%s", msg);
		return NULL;
	}
	config_free(policy);
	say("ok", NULL, "%s: valid, root's, not writable by others", path);
	return cfg;
}

/* The PAM type of LINE's first word ("-session" and "@include common-session" too). */
static const char *pam_type(const char *word, const char *arg)
{
	static const char *const types[] = { "auth", "account", "password", "session" };

	if (!strcmp(word, "@include") && arg)
		word = strncmp(arg, "common-", 7) ? arg : arg + 7;
	if (*word == '-')
		word++;
	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		if (!strncmp(word, types[i], strlen(types[i])))
			return types[i];
	return NULL;
}

/* pam_warren's auth and session lines are each the last of their type, and no auth line
 * before ours can end the stack (sufficient, requisite, done, die) before its setcred. */
static void check_pam(void)
{
	_cleanup_fclose_ FILE *f = fopen(PAM_SSHD, "re");
	_cleanup_free_ char *line = NULL;
	int n = 0, auth_last = 0, session_last = 0, ender = 0;
	bool auth_ours = false, session_ours = false;
	char ender_text[800] = "";
	size_t size = 0;

	if (!f) {
		say("PROBLEM", "install openssh-server, then run install.sh", "cannot read " PAM_SSHD);
		return;
	}
	while (getline(&line, &size, f) > 0) {
		char w[4][256] = { "", "", "", "" };
		const char *type;
		bool ours;

		n++;
		if (sscanf(line, "%255s %255s %255s %255s", w[0], w[1], w[2], w[3]) < 1 || w[0][0] == '#')
			continue;
		if (!(type = pam_type(w[0], w[1])))
			continue;
		ours = strstr(w[2], "pam_warren.so") != NULL;
		if (!strcmp(type, "auth")) {
			auth_last = n;
			auth_ours = ours;
			if (!ours && (!strcmp(w[1], "sufficient") || !strcmp(w[1], "requisite") ||
				      strstr(w[1], "done") || strstr(w[1], "die"))) {
				ender = n;
				snprintf(ender_text, sizeof(ender_text), "%s %s %s", w[0], w[1], w[2]);
			}
		} else if (!strcmp(type, "session")) {
			session_last = n;
			session_ours = ours;
		}
	}
	if (!auth_ours || !auth_last)
		say("PROBLEM", "put 'auth optional pam_warren.so' last among the auth lines (install.sh does)",
		    PAM_SSHD ": pam_warren's auth line is missing or not the last auth line");
	if (!session_ours || !session_last)
		say("PROBLEM", "put 'session required pam_warren.so' last among the session lines "
		    "(install.sh does)", PAM_SSHD ": pam_warren's session line is missing or not the "
		    "last session line: a jailed user's login would not be jailed");
	if (ender)
		say("PROBLEM", "use optional, required or [success=N default=ignore] above pam_warren",
		    PAM_SSHD ":%d: '%s' can end the auth stack before pam_warren's setcred runs", ender,
		    ender_text);
	if (auth_ours && session_ours && !ender)
		say("ok", NULL, PAM_SSHD ": pam_warren's auth and session lines are last");
}

/* sshd -T's value of KEY (lowercase) in TEXT into BUF, or "". */
static const char *sshd_value(const char *text, const char *key, char *buf, size_t len)
{
	size_t n = strlen(key);

	buf[0] = '\0';
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ') {
			snprintf(buf, len, "%.*s", (int)strcspn(p + n + 1, "\n"), p + n + 1);
			break;
		}
	return buf;
}

static void check_sshd(void)
{
	const char *argv[] = { "/usr/sbin/sshd", "-T", NULL };
	char out[65536], v[256], where[1024] = "";
	glob_t g = { 0 };
	int r = tool_output(argv, out, sizeof(out));

	if (r != 0)
		say("PROBLEM", "run /usr/sbin/sshd -T as root to see why", "cannot read sshd's settings "
		    "(sshd -T: exit %d)", r);
	else if (strcmp(sshd_value(out, "usepam", v, sizeof(v)), "yes"))
		say("PROBLEM", "set 'UsePAM yes' in " SSHD_CONFIG " and reload sshd",
		    "sshd: UsePAM %s: pam_warren never runs, jailed users would get a host shell",
		    v[0] ? v : "(not set)");
	else
		say("ok", NULL, "sshd: UsePAM yes");
	/* internal-sftp anywhere (Match blocks too): it runs inside sshd, on the host. */
	if (glob(SSHD_CONFIG ".d/*.conf", 0, NULL, &g) != 0)
		g.gl_pathc = 0;
	for (size_t i = 0; i <= g.gl_pathc; i++) {
		const char *file = i < g.gl_pathc ? g.gl_pathv[i] : SSHD_CONFIG;
		_cleanup_fclose_ FILE *f = fopen(file, "re");
		_cleanup_free_ char *line = NULL;
		size_t size = 0, w;
		int n = 0;

		while (f && getline(&line, &size, f) > 0) {
			n++;
			if (line[strspn(line, " \t")] != '#' && strcasestr(line, "internal-sftp") &&
			    (w = strlen(where)) < sizeof(where) - 1)
				snprintf(where + w, sizeof(where) - w, " %s:%d", file, n);
		}
	}
	globfree(&g);
	if (where[0])
		say("PROBLEM", "use 'Subsystem sftp /usr/lib/openssh/sftp-server' (Debian's default)",
		    "sshd serves internal-sftp (at%s): it runs inside sshd, contained only while "
		    "pam_warren's auth line runs", where);
	else
		say("ok", NULL, "sshd: no internal-sftp");
}

/* Every jail group must resolve, or pam_warren refuses every login but root's and the
 * exempt users' (a group source that is down may answer "no such group"). */
static void check_jail_groups(const struct warren_config *cfg)
{
	int bad = 0;

	for (char **g = cfg->jail_groups; g && *g; g++) {
		errno = 0;
		if (getgrnam(*g))
			continue;
		say("PROBLEM", "bring its source back (the group line of /etc/nsswitch.conf), create "
		    "the group, or take it out of jail_groups", "jail group \"%s\" does not resolve%s%s: "
		    "every login but root's and the exempt users' is refused", *g,
		    errno ? ": " : "", errno ? strerror(errno) : "");
		bad++;
	}
	if (!bad)
		say("ok", NULL, "jail groups: each one resolves");
}

/* Every member of a jail group (listed, or by primary group), but root and the exempt. */
static char **jailed_users(const struct warren_config *cfg)
{
	char **users = NULL;
	struct passwd *pw;

	for (char **g = cfg->jail_groups; g && *g; g++) {
		struct group *gr = getgrnam(*g);

		if (!gr)
			continue;
		for (char **m = gr->gr_mem; *m; m++)
			if (!strv_contains(users, *m))
				(void)strv_push(&users, *m);
		setpwent();
		while ((pw = getpwent()))
			if (pw->pw_gid == gr->gr_gid && !strv_contains(users, pw->pw_name))
				(void)strv_push(&users, pw->pw_name);
		endpwent();
	}
	return users;
}

static void check_subids(const struct warren_config *cfg)
{
	_cleanup_(strv_freep) char **users = jailed_users(cfg);
	int n = 0, bad = 0;

	for (char **u = users; u && *u; u++) {
		struct passwd *pw = getpwnam(*u);
		struct error err = { 0 };

		if (!pw || pw->pw_uid == 0 || strv_contains(cfg->exempt_users, *u))
			continue;
		n++;
		if (spec_check_ids(pw->pw_name, pw->pw_uid, &err) < 0) {
			say("PROBLEM", NULL, "%s", err.msg);
			bad++;
		}
	}
	if (!bad)
		say("ok", NULL, "subordinate ids: %d jailed user%s, each with ranges of her own", n,
		    n == 1 ? "" : "s");
}

static void check_syslog(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0)
		say("ok", NULL, "syslog: something listens on /dev/log (warren logs to authpriv)");
	else
		say("note", NULL, "nothing listens on /dev/log: refusals and events are in "
		    "'warrenctl log' only");
}

/* Does FILE hold a line with every one of WORDS (a PAM line, comments aside)? */
static bool file_has_line(const char *file, const char *const *words, size_t n)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	_cleanup_free_ char *line = NULL;
	size_t size = 0;

	while (f && getline(&line, &size, f) > 0) {
		size_t k = 0;

		if (line[strspn(line, " \t")] == '#')
			continue;
		while (k < n && strstr(line, words[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* A systemd user manager on the host for a jailed login (usermgr.h): it would run what
 * she writes into her home, so home = "host" refuses such logins. */
static void check_user_manager(const struct warren_config *cfg)
{
	const char *fix = "run install.sh (on a systemd host it writes " USERMGR_DROPIN ", which "
			  "skips the manager of a jailed user), or take pam_systemd out of jailed "
			  "users' session stack";
	char why[512];
	int r = usermgr_would_start("", "sshd", why, sizeof(why));

	if (r > 0 && cfg && config_any_value(cfg, LIMIT_HOME, HOME_HOST, true))
		say("PROBLEM", fix, "logins with home = \"host\" are refused: %s, and the systemd "
		    "user manager it starts on the host would run what she writes into her host "
		    "home (~/.config/systemd/user)", why);
	else if (r > 0)
		say("note", fix, "pam_systemd starts a systemd user manager on the host for every "
		    "login, jailed ones too (outside the container): %s", why);
	else if (r == 0 && strstr(why, "pam_systemd"))
		say("ok", NULL, "pam_systemd: a jailed login is a logind session, with no systemd "
		    "user manager of hers on the host (" USERMGR_DROPIN ")");
}

/* What runs a jailed user's programs on the host without sshd (pam_warren(8), HOST ENTRY
 * POINTS): worth knowing, each with what closes it. */
static void check_host_entry_points(const struct warren_config *cfg)
{
	static const char *const refuse[] = { "account", "pam_warren.so", "refuse_jailed" };
	static const struct {
		const char *service, *what;
	} services[] = {
		{ "/etc/pam.d/cron", "cron would run a jailed user's crontab on the host" },
		{ "/etc/pam.d/atd", "atd would run a jailed user's at jobs on the host" },
		{ "/etc/pam.d/su", "su would give a host shell as a jailed user" },
	};
	char fix[256];
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(services); i++) {
		if (stat(services[i].service, &st) < 0)
			continue;
		snprintf(fix, sizeof(fix), "add 'account required pam_warren.so refuse_jailed' to %s",
			 services[i].service);
		if (file_has_line(services[i].service, refuse, ELEMENTSOF(refuse)))
			say("ok", NULL, "%s refuses jailed users", services[i].service);
		else
			say("note", fix, "%s: %s", services[i].service, services[i].what);
	}
	check_user_manager(cfg);
}

/* Can nftables make a table here?  Tried in a network namespace of its own, so that
 * nothing of the host's is touched. */
static bool nftables_works(char *why, size_t len)
{
	int status, pipefd[2];
	ssize_t n;
	pid_t pid;

	why[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		return snprintf(why, len, "%s", strerror(errno)), false;
	if (pid == 0) {
		const struct nftlib *nft;
		struct nft_ctx *ctx;

		close(pipefd[0]);
		if (!(nft = nftlib_get(why, len))) {
			(void)!write(pipefd[1], why, strlen(why));
			_exit(1);
		}
		if (unshare(CLONE_NEWNET) < 0 || !(ctx = nft->ctx_new(NFT_CTX_DEFAULT)))
			_exit(1);
		nft->ctx_buffer_error(ctx);
		if (nft->run_cmd_from_buffer(ctx, "add table inet warren_doctor") != 0) {
			(void)!write(pipefd[1], nft->ctx_get_error_buffer(ctx),
				     strlen(nft->ctx_get_error_buffer(ctx)));
			_exit(1);
		}
		_exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], why, len - 1);
	why[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	why[strcspn(why, "\n")] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}


static void check_nftables(const struct warren_config *cfg)
{
	char why[512];

	/* Does any container get a network? */
	if (!config_any_value(cfg, LIMIT_NETWORK, NET_NONE, false)) {
		say("ok", NULL, "no container gets a network (network = \"none\"): nftables not needed");
		return;
	}
	if (!nftlib_get(why, sizeof(why)))
		say("PROBLEM", "apt-get install libnftables1, or give every group network = "
		    "\"none\"", "%s: containers with network \"nat\" or \"isolated\" cannot start",
		    why);
	else if (nftables_works(why, sizeof(why)))
		say("ok", NULL, "nftables: a table can be made (containers' NAT and isolation)");
	else
		say("PROBLEM", "modprobe nf_tables (and nft_nat, nft_masq), or give every group "
		    "network = \"none\"", "nftables cannot make a table here (%s): containers with "
		    "network \"nat\" or \"isolated\" cannot start", why[0] ? why : "no reason given");
}

/* Does something accept a TCP connection at ADDR:PORT within TIMEOUT_MS? */
static bool tcp_answers(const char *addr, int port, int timeout_ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	_cleanup_close_ int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct pollfd p = { .fd = s, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int e = 0;

	if (s < 0 || inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return false;
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return true;
	if (errno != EINPROGRESS || poll(&p, 1, timeout_ms) != 1)
		return false;
	return getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0;
}

/* A cloud's metadata service hands the VM's credentials to whoever asks from its address:
 * NAT lends containers that address unless bridge.deny keeps them away (egress.h). */
static void check_metadata(const struct warren_config *cfg)
{
	static const char *const addrs[] = { "169.254.169.254", "168.63.129.16",
					     "100.100.100.200" };
	_cleanup_(egress_clear) struct egress e = { 0 };
	struct error err = { 0 };
	bool any = false;

	if (!config_any_value(cfg, LIMIT_NETWORK, NET_NAT, true))
		return;
	for (size_t i = 0; i < ELEMENTSOF(addrs); i++) {
		struct in_addr a;

		if (!tcp_answers(addrs[i], 80, 700))
			continue;
		any = true;
		if (e.n_deny == 0 && egress_plan(egress_deny_config(cfg), cfg->bridge.allow,
						 cfg->bridge.name, NULL, &e, &err) < 0) {
			say("PROBLEM", NULL, "%s", err.msg);
			return;
		}
		inet_pton(AF_INET, addrs[i], &a);
		if (egress_blocks(&e, AF_INET, &a))
			say("note", NULL, "a metadata service answers at %s from this host (the VM's "
			    "credentials); bridge.deny keeps containers from it: keep it there", addrs[i]);
		else
			say("PROBLEM", "list it in bridge.deny (\"169.254.0.0/16\", "
			    "\"168.63.129.16\" and \"100.100.100.200\" are in its default) and not "
			    "in bridge.allow",
			    "a metadata service answers at %s from this host, and containers with "
			    "network \"nat\" reach it as the host: the VM's credentials", addrs[i]);
	}
	if (!any)
		say("ok", NULL, "no cloud metadata service answers from this host (169.254.169.254, "
		    "168.63.129.16, 100.100.100.200)");
}

/* fleet: each user whose lease another host holds is the same user here as there (her
 * record says who she is there): her uid, primary gid and jail groups. */
static void check_fleet_identities(const struct warren_config *cfg, const struct fleet_holder *all,
				   size_t n)
{
	int same = 0, bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct fleet_identity *there = &all[i].id;
		struct fleet_identity here;
		int r;

		if (there->uid < 0)
			continue; /* her record does not say */
		r = fleet_identity_of(cfg, all[i].user, &here);
		if (r == 0 && here.uid == there->uid && here.gid == there->gid &&
		    !strcmp(here.groups, there->groups)) {
			same++;
			continue;
		}
		bad++;
		if (r < 0)
			say("PROBLEM", "give every login host the same users and groups (LDAP, SSSD)",
			    "fleet: %s holds a lease on %s but %s here", all[i].user, all[i].host,
			    r == -ENOENT ? "is no user" : "cannot be looked up");
		else
			say("PROBLEM", "give every login host the same users and groups (LDAP, SSSD): "
			    "her files and her jail are decided by them", "fleet: %s is not the same "
			    "user here as on %s, which holds her lease: uid %lld, gid %lld, jail groups "
			    "\"%s\" here; uid %lld, gid %lld, jail groups \"%s\" there", all[i].user,
			    all[i].host, here.uid, here.gid, here.groups, there->uid, there->gid,
			    there->groups);
	}
	if (!bad)
		say("ok", NULL, "fleet: the %d user%s with a lease %s the same here as on the host "
		    "that holds it (uid, gid, jail groups)", same, same == 1 ? "" : "s",
		    same == 1 ? "is" : "are");
}

/* fleet: etcd answers (a range over the lease keys), and its clock agrees with this
 * host's as far as its Date header tells (to the second); who holds a lease is the same
 * user here. */
static void check_fleet_etcd(const struct warren_config *cfg)
{
	_cleanup_(etcd_freep) struct etcd *e = NULL;
	_cleanup_free_ struct fleet_holder *all = NULL;
	struct error err = { 0 };
	time_t date, local;
	long long skew;
	size_t n = 0;

	if (fleet_etcd_open(&cfg->fleet, &e, &err) < 0 || fleet_lease_list(e, &all, &n, &err) < 0) {
		say("PROBLEM", "start etcd, or correct fleet.etcd (and cert, key, cacert); the "
		    "logins of a fleet need it", "fleet: etcd: %s", err.msg);
		return;
	}
	say("ok", NULL, "fleet: etcd answers at %s (%zu lease%s)", etcd_last_endpoint(e), n,
	    n == 1 ? "" : "s");
	check_fleet_identities(cfg, all, n);
	date = etcd_last_date(e, &local);
	if (date < 0) {
		say("note", NULL, "fleet: etcd's answer has no Date header: the clock's skew against "
		    "etcd is not checked");
		return;
	}
	skew = (long long)local - (long long)date;
	/* The header has whole seconds, and the answer took some time: 1 s is no skew. */
	if (llabs(skew) <= FLEET_SKEW_OK)
		say("ok", NULL, "fleet: this host's clock is within %d s of etcd's", FLEET_SKEW_OK);
	else
		say("PROBLEM", "run NTP (chrony or systemd-timesyncd) on every login host and etcd "
		    "member", "fleet: this host's clock is %lld s %s etcd's (its Date header)",
		    llabs(skew), skew > 0 ? "ahead of" : "behind");
}

/* A file system of one host's own: a store there is shared with no other login host. */
static const char *local_fs(long type)
{
	switch (type) {
	case 0x01021994: return "tmpfs";
	case 0xEF53: return "ext2/3/4";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	default: return NULL;
	}
}

/* Can root create, lock and remove a file in DIRFD (NFS's root_squash, a read-only
 * mount, no lock manager)?  NULL if so, else what failed, with errno. */
static const char *store_probe(int dirfd, int *ret_errno)
{
	char name[64];
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	const char *why = NULL;
	int fd;

	snprintf(name, sizeof(name), ".warren-doctor.%d", (int)getpid());
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		*ret_errno = errno;
		return "root cannot create a file in it";
	}
	if (fcntl(fd, F_SETLK, &l) < 0) {
		*ret_errno = errno;
		why = "a lock on a file in it is refused";
	}
	close(fd);
	(void)unlinkat(dirfd, name, 0);
	return why;
}

/* fleet.store: a directory, on a mount of its own (not the root file system), where
 * root can create and lock a file.  The probe file is removed at once. */
static void check_fleet_store(const struct fleet_config *f)
{
	_cleanup_close_ int fd = open(f->store, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st, root;
	struct statfs sf;
	const char *why, *local;
	int e = 0;

	if (fd < 0) {
		say("PROBLEM", "mount the shared file system there, the same on every login host",
		    "fleet: store %s: %s", f->store, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || stat("/", &root) < 0 || fstatfs(fd, &sf) < 0) {
		say("PROBLEM", NULL, "fleet: store %s cannot be inspected: %s", f->store, strerror(errno));
		return;
	}
	if (st.st_dev == root.st_dev) {
		say("PROBLEM", "mount the shared file system (NFS, CephFS, GlusterFS...) at it, the "
		    "same on every login host", "fleet: store %s is on the root file system, not a "
		    "mount shared by the login hosts", f->store);
		return;
	}
	if ((why = store_probe(fd, &e))) {
		say("PROBLEM", "export it to the login hosts writable by root (NFS: no_root_squash "
		    "for them), with locking", "fleet: store %s: %s (%s)", f->store, why, strerror(e));
		return;
	}
	say("ok", NULL, "fleet: store %s is a mount (file system type 0x%lx), root creates and "
	    "locks files in it", f->store, (long)sf.f_type);
	if ((local = local_fs((long)sf.f_type)))
		say("note", NULL, "fleet: store %s is %s, a file system of this host's own: other "
		    "login hosts see it only if it is shared by other means", f->store, local);
}

/* With a fleet every user's data is an image on the store (storage.h): each jailed user
 * needs a size (hers as a login resolves it: her users entry, her groups, defaults), and
 * mkfs.ext4 must make it with multi-mount protection. */
static void check_fleet_disk(const struct warren_config *cfg)
{
	_cleanup_(strv_freep) char **users = jailed_users(cfg);
	char without[256] = "";
	int n = 0, bad = 0, r;

	for (char **u = users; u && *u; u++) {
		_cleanup_(strv_freep) char **groups = NULL;
		struct passwd *pw = getpwnam(*u);
		struct limits_effective eff;

		if (!pw || pw->pw_uid == 0 || strv_contains(cfg->exempt_users, *u) ||
		    user_group_names(pw, &groups) < 0)
			continue;
		n++;
		limits_resolve(&cfg->limits, *u, groups, &eff);
		if (eff.v[LIMIT_DISK].value != LIMIT_UNLIMITED)
			continue;
		if (bad++ < 5)
			snprintf(without + strlen(without), sizeof(without) - strlen(without), "%s%s",
				 bad > 1 ? ", " : "", *u);
	}
	if (bad)
		say("PROBLEM", "set disk = \"10G\" (say) in defaults or in their group", "fleet: %d "
		    "jailed user%s ha%s no disk size (%s%s): a user's data is a disk image on the "
		    "store, which needs one, and they are refused at login", bad, bad == 1 ? "" : "s",
		    bad == 1 ? "s" : "ve", without, bad > 5 ? ", ..." : "");
	else
		say("ok", NULL, "fleet: each of the %d jailed user%s has a disk size", n,
		    n == 1 ? "" : "s");
	r = disk_mmp_works();
	if (r > 0)
		say("ok", NULL, "fleet: mkfs.ext4 makes disk images with multi-mount protection (mmp)");
	else
		say("PROBLEM", "install e2fsprogs 1.42 or later", "fleet: mkfs.ext4 %s",
		    r == 0 ? "does not make images with multi-mount protection (mmp)"
			   : "could not be tried for multi-mount protection (mmp)");
}

int ctl_doctor(const char *config_path)
{
	struct warren_config *cfg;

	problems = 0;
	check_kernel();
	check_cgroups_and_loop();
	cfg = check_config(config_path);
	check_pam();
	check_sshd();
	if (cfg) {
		check_jail_groups(cfg);
		check_subids(cfg);
		check_nftables(cfg);
		check_metadata(cfg);
		if (cfg->fleet.set) {
			check_fleet_etcd(cfg);
			check_fleet_store(&cfg->fleet);
			check_fleet_disk(cfg);
		}
	}
	check_apparmor(cfg);
	check_host_entry_points(cfg);
	check_syslog();
	config_free(cfg);
	if (problems)
		printf("%d problem%s\n", problems, problems == 1 ? "" : "s");
	else
		printf("healthy\n");
	return problems ? 1 : 0;
}
