/* ticket.c - a warm login that pam_warren verifies itself (see ticket.h). */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <seccomp.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "wire/ticket.h"

#define TICKET_MAGIC "warren-ticket 3"
#define NSSWITCH "/etc/nsswitch.conf"

static int input_read(const char *path, struct ticket_input *ret)
{
	struct stat st;

	*ret = (struct ticket_input){ 0 };
	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		ret->absent = true;
		return 0;
	}
	*ret = (struct ticket_input){ .dev = st.st_dev, .ino = st.st_ino,
				      .size = (unsigned long long)st.st_size,
				      .mtim = st.st_mtim, .ctim = st.st_ctim };
	return 0;
}

/* Where nss-systemd looks for records of its own (nss-systemd(8), userdbd(8)): the
 * directories of drop-in records (systemd's userdb-dropin.c; /lib/userdb counts where /lib
 * is not /usr/lib), and the directory of the services that answer for users. */
const char *const ticket_userdb_dirs[] = { "/etc/userdb", "/run/userdb", "/run/host/userdb",
					   "/usr/local/lib/userdb", "/usr/lib/userdb",
					   "/lib/userdb" };
#define USERDB_SERVICES "/run/systemd/userdb"

/* The file of the libseccomp this process runs (the helper's and sshd's alike). */
static const char *libseccomp_path(void)
{
	Dl_info info;

	return dladdr((void *)seccomp_init, &info) && info.dli_fname && info.dli_fname[0] == '/'
		       ? info.dli_fname
		       : NULL;
}

int ticket_inputs_read(const char *config, const char *helper, struct ticket_input in[TICKET_INPUTS])
{
	const char *paths[TICKET_INPUTS] = {
		[TICKET_CONFIG] = config, [TICKET_HELPER] = helper ? helper : "/proc/self/exe",
		[TICKET_PASSWD] = "/etc/passwd", [TICKET_GROUP] = "/etc/group",
		[TICKET_NSSWITCH] = NSSWITCH, [TICKET_SUBUID] = "/etc/subuid",
		[TICKET_SUBGID] = "/etc/subgid", [TICKET_USERDB_SERVICES] = USERDB_SERVICES,
		[TICKET_LIBSECCOMP] = libseccomp_path(),
	};
	int r;

	if (!paths[TICKET_LIBSECCOMP])
		return -ENOENT;
	for (int i = TICKET_USERDB_ETC; i <= TICKET_USERDB_LIB; i++)
		paths[i] = ticket_userdb_dirs[i - TICKET_USERDB_ETC];

	for (int i = 0; i < TICKET_INPUTS; i++)
		if ((r = input_read(paths[i], &in[i])) < 0)
			return r;
	return 0;
}

int ticket_basis_read(const char *config, struct ticket_basis *ret)
{
	int r = ticket_inputs_read(config, NULL, ret->in);

	if (r < 0)
		return r;
	return clock_gettime(CLOCK_REALTIME, &ret->at) < 0 ? -errno : 0;
}

static bool time_same(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

bool ticket_inputs_same(const struct ticket_input a[TICKET_INPUTS],
			const struct ticket_input b[TICKET_INPUTS])
{
	for (int i = 0; i < TICKET_INPUTS; i++)
		if (!ticket_input_same(&a[i], &b[i]))
			return false;
	return true;
}

int ticket_seccomp_read(const char *name, struct ticket_input *ret)
{
	if (name[0] != '/') { /* default, strict: no file */
		*ret = (struct ticket_input){ .absent = true };
		return 0;
	}
	return input_read(name, ret);
}

/* Longer than a tick of the kernel's coarse clock (at most 10 ms, HZ=100). */
#define SETTLED_NS (50 * 1000 * 1000LL)

static long long ns_of(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

bool ticket_input_settled(const struct ticket_input *in, struct timespec now)
{
	return in->absent || (ns_of(in->mtim) <= ns_of(now) - SETTLED_NS &&
			      ns_of(in->ctim) <= ns_of(now) - SETTLED_NS);
}

bool ticket_inputs_settled(const struct ticket_input in[TICKET_INPUTS], struct timespec now)
{
	for (int i = 0; i < TICKET_INPUTS; i++)
		if (!ticket_input_settled(&in[i], now))
			return false;
	return true;
}

bool ticket_input_same(const struct ticket_input *a, const struct ticket_input *b)
{
	return a->absent == b->absent && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && time_same(a->mtim, b->mtim) && time_same(a->ctim, b->ctim);
}

/* isspace's blanks in the C locale, which glibc's parser uses. */
#define BLANKS " \t\n\v\f\r"

/* The sources of one database's line: files alone (1), files then systemd (2), else 0
 * (sss, ldap, compat, an action in brackets: anything that may answer differently with
 * no file of ours changing). */
static int sources_of(char *sources)
{
	static const char *const known[] = { "files", "systemd" };
	char *save = NULL;
	int n = 0;

	for (char *w = strtok_r(sources, BLANKS, &save); w; w = strtok_r(NULL, BLANKS, &save)) {
		if (n >= 2 || strcmp(w, known[n]))
			return 0;
		n++;
	}
	return n;
}

enum ticket_nss ticket_nss_sources(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int passwd = -1, group = -1;
	char line[1024];

	if (!f)
		return TICKET_NSS_OTHER;
	/* Read as glibc (2.33 and later, nss_database.c) reads it: a line is a database's
	 * name, ended by a blank or a colon, then its sources; blanks are isspace's; a "#"
	 * is a comment only where it begins the name (no database is named so), after it
	 * it is a source like any other ("files # sss" loads libnss_#, then sss). */
	while (fgets(line, sizeof(line), f)) {
		char *name = line, *p;
		int *seen;

		if (!strchr(line, '\n') && !feof(f))
			return TICKET_NSS_OTHER; /* a line longer than we read */
		while (isspace((unsigned char)*name))
			name++;
		for (p = name; *p && *p != ':' && !isspace((unsigned char)*p); p++)
			;
		if (!*p || p == name)
			continue; /* glibc skips it too */
		while (*p && (*p == ':' || isspace((unsigned char)*p)))
			*p++ = '\0';
		if (!strcmp(name, "passwd"))
			seen = &passwd;
		else if (!strcmp(name, "group"))
			seen = &group;
		else if (!strcmp(name, "initgroups"))
			return TICKET_NSS_OTHER; /* her groups from a source of its own */
		else
			continue;
		if (*seen >= 0)
			return TICKET_NSS_OTHER; /* twice (glibc takes the last): no ticket */
		*seen = sources_of(p);
	}
	if (ferror(f) || passwd <= 0 || group <= 0)
		return TICKET_NSS_OTHER;
	return passwd == 1 && group == 1 ? TICKET_NSS_FILES : TICKET_NSS_FILES_SYSTEMD;
}

/* Does SERVICES hold none but nss-systemd's own sockets (or not exist)?  Any other
 * (io.systemd.Home, a machine's) serves users or memberships. */
static bool services_own(const char *services)
{
	static const char *const own[] = { "io.systemd.Multiplexer", "io.systemd.NameServiceSwitch",
					   "io.systemd.DynamicUser" };
	_cleanup_closedir_ DIR *d = opendir(services);
	struct dirent *e;

	if (!d)
		return errno == ENOENT;
	while ((e = readdir(d))) {
		bool known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");

		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]) && !known; i++)
			known = !strcmp(e->d_name, own[i]);
		if (!known)
			return false;
	}
	return true;
}

bool ticket_users_local(const struct ticket_input in[TICKET_INPUTS], const char *nsswitch,
			const char *services)
{
	switch (ticket_nss_sources(nsswitch)) {
	case TICKET_NSS_FILES:
		return true;
	case TICKET_NSS_FILES_SYSTEMD:
		for (int i = TICKET_USERDB_ETC; i <= TICKET_USERDB_LIB; i++)
			if (!in[i].absent)
				return false;
		return services_own(services);
	default:
		return false;
	}
}

/* A value that may stand on a line of its own: no newline, not empty. */
static bool line_safe(const char *v)
{
	return v[0] && !strchr(v, '\n');
}

/* A file's identity as the rest of a line. */
static void identity_print(FILE *f, const struct ticket_input *in)
{
	fprintf(f, "%d %llu %llu %llu %lld %ld %lld %ld\n", in->absent, in->dev, in->ino, in->size,
		(long long)in->mtim.tv_sec, in->mtim.tv_nsec, (long long)in->ctim.tv_sec,
		in->ctim.tv_nsec);
}

int ticket_format(const struct warm_ticket *t, char *buf, size_t len)
{
	FILE *f;
	int r;

	if (!line_safe(t->user) || strchr(t->user, ' ') || !line_safe(t->config) ||
	    !line_safe(t->state_dir) || !line_safe(t->counter) || !t->reply[0] ||
	    !t->filter_len || t->filter_len > BPF_MAXINSNS)
		return -EINVAL;
	if (!(f = fmemopen(buf, len, "w")))
		return -errno;
	fprintf(f, TICKET_MAGIC "\nuser %s %u\nconfig %s\n", t->user, (unsigned)t->uid, t->config);
	for (int i = 0; i < TICKET_INPUTS; i++) {
		fprintf(f, "input %d ", i);
		identity_print(f, &t->in[i]);
	}
	fprintf(f, "seccomp_file ");
	identity_print(f, &t->seccomp_file);
	fprintf(f, "filter ");
	for (size_t i = 0; i < t->filter_len * sizeof(struct sock_filter); i++)
		fprintf(f, "%02x", ((const unsigned char *)t->filter)[i]);
	fprintf(f, "\nstate_dir %s\ncontainer %d %d %llu\nmax_sessions %" PRIu64 "\ncounter %s\n"
		"reply\n%s", t->state_dir, (int)t->init_pid, (int)t->supervisor_pid, t->pidns_ino,
		t->max_sessions, t->counter, t->reply);
	r = ferror(f) ? -ENOSPC : 0;
	/* fmemopen writes the terminating NUL at fclose, if it fits. */
	if (fclose(f) != 0 || r < 0 || strnlen(buf, len) >= len - 1)
		return -ENOSPC;
	return 0;
}

/* The rest of LINE after "KEY " into DST (LEN), whole; false if it is not KEY's. */
static bool value_of(const char *line, const char *key, char *dst, size_t len)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) || line[k] != ' ' || !line[k + 1])
		return false;
	return (size_t)snprintf(dst, len, "%s", line + k + 1) < len;
}

/* The rest of a line (identity_print's) into *RET. */
static bool identity_parse(const char *text, struct ticket_input *ret)
{
	struct ticket_input in = { 0 };
	long long ms, cs;
	int absent, end = 0;

	if (sscanf(text, "%d %llu %llu %llu %lld %ld %lld %ld%n", &absent, &in.dev, &in.ino,
		   &in.size, &ms, &in.mtim.tv_nsec, &cs, &in.ctim.tv_nsec, &end) != 8 ||
	    text[end] || (absent != 0 && absent != 1))
		return false;
	in.absent = absent;
	in.mtim.tv_sec = (time_t)ms;
	in.ctim.tv_sec = (time_t)cs;
	*ret = in;
	return true;
}

static bool input_parse(const char *line, struct warm_ticket *t, unsigned *seen)
{
	int i, end = 0;

	if (sscanf(line, "input %d %n", &i, &end) != 1 || !end || i < 0 || i >= TICKET_INPUTS ||
	    (*seen & (1u << i)) || !identity_parse(line + end, &t->in[i]))
		return false;
	*seen |= 1u << i;
	return true;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* HEX, whole instructions of a BPF program, into T. */
static bool filter_parse(const char *hex, struct warm_ticket *t)
{
	size_t n = strlen(hex), bytes = n / 2;
	unsigned char *out = (unsigned char *)t->filter;

	if (n % 2 || !bytes || bytes % sizeof(struct sock_filter) ||
	    bytes / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return false;
	for (size_t i = 0; i < bytes; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	t->filter_len = (unsigned short)(bytes / sizeof(struct sock_filter));
	return true;
}

/* LINE (changed in place) as exactly N words, each after one space, into W. */
static bool words(char *line, char **w, int n)
{
	for (int i = 0; i < n; i++) {
		w[i] = line;
		line += strcspn(line, " ");
		if (line == w[i] || (i < n - 1 && !*line))
			return false;
		if (i < n - 1)
			*line++ = '\0';
	}
	return !*line;
}

/* V, digits only (no sign, no blank), at most MAX, into *RET. */
static bool decimal(const char *v, unsigned long long max, unsigned long long *ret)
{
	unsigned long long x = 0;

	if (!*v)
		return false;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || x > (max - (unsigned)(*v - '0')) / 10)
			return false;
		x = x * 10 + (unsigned)(*v - '0');
	}
	*ret = x;
	return true;
}

int ticket_parse(char *text, struct warm_ticket *t)
{
	enum { USER, CONFIG, STATE_DIR, CONTAINER, MAX, COUNTER, SECCOMP_FILE, FILTER, FIELDS };
	char *line = text, *next, *w[3];
	unsigned long long num[3];
	unsigned inputs = 0, seen = 0;

	memset(t, 0, sizeof(*t));
	for (int n = 0; line && *line; line = next, n++) {
		unsigned field;
		bool ok;

		if (!(next = strchr(line, '\n')))
			return -EBADMSG;
		*next++ = '\0';
		if (n == 0) {
			if (strcmp(line, TICKET_MAGIC))
				return -EBADMSG;
			continue;
		}
		if (!strcmp(line, "reply")) {
			if (seen != (1u << FIELDS) - 1 || inputs != (1u << TICKET_INPUTS) - 1 ||
			    !next[0] || (size_t)snprintf(t->reply, sizeof(t->reply), "%s", next) >=
			    sizeof(t->reply))
				return -EBADMSG;
			return 0;
		}
		if (!strncmp(line, "input ", 6)) {
			if (!input_parse(line, t, &inputs))
				return -EBADMSG;
			continue;
		}
		if (!strncmp(line, "user ", 5)) {
			field = USER;
			ok = words(line + 5, w, 2) && strlen(w[0]) < sizeof(t->user) &&
			     decimal(w[1], UINT32_MAX - 1, &num[0]);
			if (ok) {
				strcpy(t->user, w[0]);
				t->uid = (uid_t)num[0];
			}
		} else if (!strncmp(line, "container ", 10)) {
			field = CONTAINER;
			ok = words(line + 10, w, 3) && decimal(w[0], INT_MAX, &num[0]) && num[0] > 1 &&
			     decimal(w[1], INT_MAX, &num[1]) && num[1] > 1 &&
			     decimal(w[2], UINT64_MAX, &num[2]);
			if (ok) {
				t->init_pid = (pid_t)num[0];
				t->supervisor_pid = (pid_t)num[1];
				t->pidns_ino = num[2];
			}
		} else if (!strncmp(line, "max_sessions ", 13)) {
			field = MAX;
			ok = words(line + 13, w, 1) && decimal(w[0], UINT64_MAX, &num[0]);
			t->max_sessions = ok ? num[0] : 0;
		} else if (!strncmp(line, "seccomp_file ", 13)) {
			field = SECCOMP_FILE;
			ok = identity_parse(line + 13, &t->seccomp_file);
		} else if (!strncmp(line, "filter ", 7)) {
			field = FILTER;
			ok = filter_parse(line + 7, t);
		} else if ((ok = value_of(line, "config", t->config, sizeof(t->config)))) {
			field = CONFIG;
		} else if ((ok = value_of(line, "state_dir", t->state_dir, sizeof(t->state_dir)))) {
			field = STATE_DIR;
		} else if ((ok = value_of(line, "counter", t->counter, sizeof(t->counter)))) {
			field = COUNTER;
		} else {
			return -EBADMSG;
		}
		if (!ok || (seen & (1u << field)))
			return -EBADMSG;
		seen |= 1u << field;
	}
	return -EBADMSG; /* no reply */
}

int ticket_write(const struct warm_ticket *t)
{
	_cleanup_free_ char *text = malloc(TICKET_TEXT_MAX);
	char path[256];
	int r;

	if (!text)
		return -ENOMEM;
	if ((r = ticket_format(t, text, TICKET_TEXT_MAX)) < 0)
		return r;
	/* A new file renamed over the old, root's and 0600, in her runtime directory, which
	 * only root may write; named by our pid (the caller holds her lock, but a reader
	 * never waits for it: it sees the old file or the new, never half of one). */
	return write_replace(AT_FDCWD, user_run_path(t->user, RUN_TICKET, path, sizeof(path)),
			     (const char *const[]){ text, NULL }, WRITE_PRIVATE);
}

int ticket_remove(const char *user)
{
	char path[256];

	if (unlink(user_run_path(user, RUN_TICKET, path, sizeof(path))) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int ticket_read(const char *user, struct warm_ticket *t)
{
	_cleanup_free_ char *text = malloc(TICKET_TEXT_MAX);
	char path[256];
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	ssize_t n;

	fd = open(user_run_path(user, RUN_TICKET, path, sizeof(path)),
		  O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) || st.st_nlink != 1)
		return -EPERM;
	if (!text)
		return -ENOMEM;
	n = read(fd, text, TICKET_TEXT_MAX - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= TICKET_TEXT_MAX - 1)
		return -EBADMSG;
	text[n] = '\0';
	if (ticket_parse(text, t) < 0 || strcmp(t->user, user))
		return -EBADMSG;
	return 0;
}
