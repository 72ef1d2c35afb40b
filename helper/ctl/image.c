/* ctl_image.c - warrenctl image (see ctl_image.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/layout.h"
#include "policy/config.h"
#include "ctl/exec.h"
#include "ctl/image.h"
#include "ctl/json.h"
#include "lib/fsutil.h"
#include "lib/names.h"
#include "wire/protocol.h"
#include "storage/stack.h"
#include "lib/strv.h"
#include "lib/tool.h"

/* warren-mkimage's, when --suite is not given. */
#define DEFAULT_SUITE "bookworm"

/* What a build recorded of itself (IMAGES/.NAME.meta), each field "" if unknown. */
struct image_meta {
	char kind[16], from[64], suite[64], packages[512], built[32];
};

static void meta_path(const char *dir, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/.%s.meta", dir, name);
}

static void meta_read(const char *dir, const char *name, struct image_meta *m)
{
	char path[PATH_MAX + 80], text[2048], *save = NULL;
	static const struct {
		const char *key;
		size_t off, len;
	} fields[] = {
		{ "kind", offsetof(struct image_meta, kind), sizeof(((struct image_meta *)0)->kind) },
		{ "from", offsetof(struct image_meta, from), sizeof(((struct image_meta *)0)->from) },
		{ "suite", offsetof(struct image_meta, suite), sizeof(((struct image_meta *)0)->suite) },
		{ "packages", offsetof(struct image_meta, packages),
		  sizeof(((struct image_meta *)0)->packages) },
		{ "built", offsetof(struct image_meta, built), sizeof(((struct image_meta *)0)->built) },
	};

	memset(m, 0, sizeof(*m));
	meta_path(dir, name, path, sizeof(path));
	if (read_file(path, text, sizeof(text)) < 0)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
			size_t k = strlen(fields[i].key);

			if (!strncmp(l, fields[i].key, k) && l[k] == ' ')
				snprintf((char *)m + fields[i].off, fields[i].len, "%s", l + k + 1);
		}
}

static int meta_write(const char *dir, const char *name, const char *kind, const char *from,
		      const struct image_options *o)
{
	char path[PATH_MAX + 80], text[4096], built[32], debs[1024] = "";
	time_t now = time(NULL);
	struct tm tm;

	for (int i = 0; i < o->n_debs; i++) {
		const char *slash = strrchr(o->debs[i], '/');

		snprintf(debs + strlen(debs), sizeof(debs) - strlen(debs), "%s%s", debs[0] ? "," : "",
			 slash ? slash + 1 : o->debs[i]);
	}
	strftime(built, sizeof(built), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	snprintf(text, sizeof(text), "kind %s\nfrom %s\nsuite %s\npackages %s%s%s\nbuilt %s\n", kind,
		 from ? from : "", o->suite ? o->suite : "", o->packages ? o->packages : "",
		 o->packages && debs[0] ? "," : "", debs, built);
	meta_path(dir, name, path, sizeof(path));
	return write_new_file(path, text);
}

/* Who in CFG uses image NAME of DIR, as "base image, group cs101, ..." into BUF. */
static void config_uses(const struct warren_config *cfg, const char *dir, const char *name,
			char *buf, size_t len)
{
	const struct limit_entries *lists[] = { &cfg->limits.groups, &cfg->limits.users };
	char path[PATH_MAX + 80];

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!strcmp(cfg->image, path))
		snprintf(buf, len, "base image");
	if (cfg->limits.defaults.layers && strv_contains(cfg->limits.defaults.layers, name))
		snprintf(buf + strlen(buf), len - strlen(buf), "%sdefaults", buf[0] ? ", " : "");
	for (size_t l = 0; l < ELEMENTSOF(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const struct limit_entry *e = &lists[l]->v[i];

			if (e->limits.layers && strv_contains(e->limits.layers, name))
				snprintf(buf + strlen(buf), len - strlen(buf), "%s%s %s",
					 buf[0] ? ", " : "", l ? "user" : "group", e->name);
		}
}

/* How many running containers started from a stack holding NAME (stack.h's record). */
static int running_uses(const char *name)
{
	_cleanup_closedir_ DIR *d = opendir(RUNTIME_USERS);
	struct dirent *e;
	size_t k = strlen(name);
	int n = 0;

	while (d && (e = readdir(d))) {
		char id[2048];

		if (!name_is_valid(e->d_name) || stack_recorded(e->d_name, id, sizeof(id)) < 0)
			continue;
		for (const char *p = id; (p = strstr(p, name)); p += k)
			if ((p == id || p[-1] == ' ') && p[k] == ':') {
				n++;
				break;
			}
	}
	return n;
}

static bool is_image_dir(const char *dir, const char *name)
{
	char path[PATH_MAX + 80];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return name[0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int image_ls(const struct warren_config *cfg, const char *dir, bool json)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	bool first = true;

	if (!d) {
		fprintf(stderr, "warrenctl: cannot read the images directory %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	if (json)
		putchar('[');
	else
		printf("%-16s %-6s %-12s %-20s %-7s %s\n", "NAME", "KIND", "FROM", "BUILT", "RUNNING",
		       "USED BY (config)");
	while ((e = readdir(d))) {
		struct image_meta m;
		char uses[1024];
		int running;

		if (!is_image_dir(dir, e->d_name))
			continue;
		meta_read(dir, e->d_name, &m);
		config_uses(cfg, dir, e->d_name, uses, sizeof(uses));
		running = running_uses(e->d_name);
		if (!json) {
			printf("%-16s %-6s %-12s %-20s %-7d %s\n", e->d_name, m.kind[0] ? m.kind : "image",
			       m.from[0] ? m.from : "-", m.built[0] ? m.built : "-", running,
			       uses[0] ? uses : "-");
			continue;
		}
		printf("%s\n  {\"name\": ", first ? "" : ",");
		json_string(e->d_name);
		printf(", \"kind\": ");
		json_string(m.kind[0] ? m.kind : "image");
		printf(", \"from\": ");
		json_string(m.from);
		printf(", \"suite\": ");
		json_string(m.suite);
		printf(", \"packages\": ");
		json_string(m.packages);
		printf(", \"built\": ");
		json_string(m.built);
		printf(", \"running\": %d, \"used_by\": ", running);
		json_string(uses);
		putchar('}');
		first = false;
	}
	if (json)
		printf("%s]\n", first ? "" : "\n");
	return 0;
}

/* Run ARGV (a build script of warren's) with our stdio, so its progress shows; 0 if it
 * succeeded.  The build ends with us (killed, or its terminal gone): half a build is never
 * renamed into place by an orphan, and the next one removes what it left. */
static int run_visible(const char *const argv[])
{
	pid_t parent = getpid(), pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "warrenctl: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int image_build(const char *dir, const char *name, const struct image_options *opts)
{
	char prog[PATH_MAX + 32], dest[PATH_MAX + 80];
	struct image_options o = *opts;
	const char *argv[8];
	int n = 0;

	if (!o.suite)
		o.suite = DEFAULT_SUITE;

	snprintf(dest, sizeof(dest), "%s/%s", dir, name);
	argv[n++] = ctl_program_path("warren-mkimage", prog, sizeof(prog));
	argv[n++] = dest;
	argv[n++] = o.suite;
	if (o.packages) {
		argv[n++] = "--packages";
		argv[n++] = o.packages;
	}
	argv[n] = NULL;
	if (run_visible(argv) < 0)
		return 1;
	if (meta_write(dir, name, "image", NULL, &o) < 0)
		fprintf(stderr, "warrenctl: built, but cannot record how in %s/.%s.meta\n", dir, name);
	return 0;
}

static int image_layer(const char *dir, const char *name, const struct image_options *o)
{
	char prog[PATH_MAX + 32], dest[PATH_MAX + 80], from[PATH_MAX + 80];
	const char *argv[12 + 2 * CTL_IMAGE_DEBS_MAX];
	struct image_meta m;
	int n = 0;

	if (!o->from || !name_is_valid(o->from)) {
		fprintf(stderr, "warrenctl: image layer needs --from IMAGE, a base image in %s\n", dir);
		return 2;
	}
	meta_read(dir, o->from, &m);
	if (!strcmp(m.kind, "layer")) {
		fprintf(stderr, "warrenctl: %s is a layer; a layer is built over a base image\n",
			o->from);
		return 1;
	}
	snprintf(dest, sizeof(dest), "%s/%s", dir, name);
	snprintf(from, sizeof(from), "%s/%s", dir, o->from);
	argv[n++] = ctl_program_path("warren-mklayer", prog, sizeof(prog));
	argv[n++] = dest;
	argv[n++] = "--from";
	argv[n++] = from;
	if (o->packages) {
		argv[n++] = "--packages";
		argv[n++] = o->packages;
	}
	for (int i = 0; i < o->n_debs; i++) {
		argv[n++] = "--deb";
		argv[n++] = o->debs[i];
	}
	argv[n] = NULL;
	if (run_visible(argv) < 0)
		return 1;
	if (meta_write(dir, name, "layer", o->from, o) < 0)
		fprintf(stderr, "warrenctl: built, but cannot record how in %s/.%s.meta\n", dir, name);
	return 0;
}

/* The images directory's build lock (DIR/.build-lock, the flock warren-mkimage and
 * warren-mklayer take; root's alone, 0600, as whoever can open it can hold it), waited
 * for: -errno, or its fd, to be closed when done. */
static int build_lock(const char *dir)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/.build-lock", dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "warrenctl: a build runs in %s; waiting for it\n", dir);
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR) {
				int r = -errno;

				close(fd);
				return r;
			}
	}
	return fd;
}

static int image_rm(const struct warren_config *cfg, const char *dir, const char *name)
{
	char path[PATH_MAX + 80], uses[1024];
	/* Under the builds' lock: a layer build's --from image stays while the build runs
	 * (its overlay's lower directory), and no build is half-way through NAME. */
	_cleanup_close_ int lock = build_lock(dir);
	int running;

	if (lock < 0) {
		fprintf(stderr, "warrenctl: cannot lock %s/.build-lock: %s\n", dir, strerror(-lock));
		return 1;
	}
	running = running_uses(name);
	if (!is_image_dir(dir, name)) {
		fprintf(stderr, "warrenctl: there is no image or layer %s in %s\n", name, dir);
		return 1;
	}
	config_uses(cfg, dir, name, uses, sizeof(uses));
	if (uses[0] || running) {
		fprintf(stderr, "warrenctl: %s is in use (%s%s%d running container%s); take it out "
			"of %s and stop those containers first\n", name, uses, uses[0] ? "; " : "",
			running, running == 1 ? "" : "s", cfg->path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (tool_remove_tree(path) < 0) {
		fprintf(stderr, "warrenctl: cannot remove %s\n", path);
		return 1;
	}
	meta_path(dir, name, path, sizeof(path));
	(void)unlink(path);
	printf("%s: removed\n", name);
	return 0;
}

int ctl_image(const char *config_path, char **args, int n, const struct image_options *o,
	      bool json)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	struct config_error err = { 0 };
	const char *sub = args[0];
	char dir[PATH_MAX], msg[1024];

	/* Every image command, ls too (warrenctl(8)): the images and their builds are root's. */
	if (geteuid() != 0) {
		fprintf(stderr, "warrenctl: image %s needs root: the images directory and its "
			"builds are root's (run it as root)\n", sub);
		return 1;
	}
	if (config_load(config_path, &cfg, &policy, &err) < 0) {
		config_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\nwarrenctl: image needs a valid config (its image names the "
			"images directory)\n", msg);
		return 1;
	}
	stack_images_dir(cfg->image, dir, sizeof(dir));
	if (!strcmp(sub, "ls") && n == 1)
		return image_ls(cfg, dir, json);
	if (json || n != 2 || !name_is_valid(args[1]))
		goto usage;
	if (!strcmp(sub, "build") && !o->from && !o->n_debs)
		return image_build(dir, args[1], o);
	if (!strcmp(sub, "layer") && !o->suite)
		return image_layer(dir, args[1], o);
	if (!strcmp(sub, "rm") && !o->suite && !o->from && !o->packages && !o->n_debs)
		return image_rm(cfg, dir, args[1]);
usage:
	fprintf(stderr, "usage: warrenctl image ls [--json]\n"
			"       warrenctl image build NAME [--suite S] [--packages a,b]\n"
			"       warrenctl image layer NAME --from IMAGE [--packages a,b] [--deb FILE]...\n"
			"       warrenctl image rm NAME\n"
			"NAME: 1 to 32 of A-Z a-z 0-9 _ . -, starting with a letter or _\n");
	return 2;
}
