/* ctl_ls.c - warrenctl ls (see ctl_ls.h).  Everything it shows is read from the host:
 * the runtime records, /proc and the containers' cgroup files. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "lib/cleanup.h"
#include "lib/layout.h"
#include "policy/config.h"
#include "ctl/ls.h"
#include "lib/fsutil.h"
#include "lib/names.h"
#include "lib/ipv4.h"
#include "net/net.h"
#include "net/netalloc.h"
#include "wire/protocol.h"
#include "storage/stack.h"
#include "lib/state.h"
#include "lib/strv.h"
#include "policy/users.h"

#define UNKNOWN UINT64_MAX /* a value that could not be read */

struct row {
	char user[64];
	bool running;           /* init alive, and the one recorded */
	struct container_state st;
	uint64_t uptime_s, logins, memory, memory_max, pids, pids_max, cpu_us;
	uint64_t cpu_permille; /* top: CPU use in the last interval, per mille of a core */
	uint64_t idle_s;       /* since the last login began */
	uint64_t disk, disk_max; /* her disk image: allocated, and its size */
	char address[16];
	char stack[512];       /* the image stack it started from: its names, top first */
	int stack_current;     /* 1: the config gives her that stack now, 0: an older one, -1: ? */
};

/* The first number in DIR/FILE, after KEY if given ("usage_usec 123"); "max" is
 * LIMIT_UNLIMITED.  UNKNOWN if the file is not there. */
static uint64_t read_value(const char *dir, const char *file, const char *key)
{
	char path[320], buf[4096], *p = buf;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return UNKNOWN;
	if (key) {
		size_t n = strlen(key);

		for (p = buf; p && strncmp(p, key, n); p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			;
		if (!p)
			return UNKNOWN;
		p += n;
	}
	while (*p == ' ')
		p++;
	if (!strncmp(p, "max", 3))
		return LIMIT_UNLIMITED;
	return strtoull(p, NULL, 10);
}

/* v1 says "no limit" with a huge page-rounded number. */
static uint64_t as_limit(uint64_t v)
{
	return v >= (UINT64_C(1) << 62) ? LIMIT_UNLIMITED : v;
}

/* Add PID's CPU time, in clock ticks, to *DATA. */
static void add_cpu_ticks(long pid, void *data)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	/* After ") ": utime and stime are fields 14 and 15, 11 and 12 further on. */
	if (read_file(path, buf, sizeof(buf)) >= 0 && (p = strrchr(buf, ')')) &&
	    sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &ut, &st) == 2)
		*(uint64_t *)data += ut + st;
}

/* CPU time of the processes DIR's cgroup.procs lists now, in microseconds (where no
 * cgroup counts it: v1 with cpuacct mounted apart from cpu, where warren makes no cgroup). */
static uint64_t cpu_of_procs(const char *dir)
{
	uint64_t ticks = 0;

	if (cgroup_each_proc(dir, add_cpu_ticks, &ticks) < 0)
		return UNKNOWN;
	return ticks * 1000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
}

static void read_cgroups(const char *user, struct row *r)
{
	struct cgroup_set cg;

	r->memory = r->memory_max = r->pids = r->pids_max = r->cpu_us = UNKNOWN;
	if (cgroup_resolve(user, &cg) < 0)
		return;
	for (int i = 0; i < cg.n; i++) {
		const char *d = cg.dirs[i], *c = cg.controllers[i];
		bool v2 = cg.ops[i] == &cgroup_v2_ops;

		if (!strcmp(c, "memory")) {
			r->memory = read_value(d, v2 ? "memory.current" : "memory.usage_in_bytes", NULL);
			r->memory_max = as_limit(read_value(d, v2 ? "memory.max" : "memory.limit_in_bytes", NULL));
		} else if (!strcmp(c, "pids")) {
			r->pids = read_value(d, "pids.current", NULL);
			r->pids_max = read_value(d, "pids.max", NULL);
		} else if (!strcmp(c, "cpu")) {
			r->cpu_us = v2 ? read_value(d, "cpu.stat", "usage_usec") : read_value(d, "cpuacct.usage", NULL);
			if (!v2 && r->cpu_us != UNKNOWN)
				r->cpu_us /= 1000; /* ns */
		}
	}
	if (r->cpu_us == UNKNOWN)
		r->cpu_us = cpu_of_procs(cg.dirs[cg.counter]);
}

/* One more in *DATA if PID runs a program named sshd. */
static void count_if_sshd(long pid, void *data)
{
	char path[64], exe[PATH_MAX];
	const char *base;
	ssize_t k;

	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	if ((k = readlink(path, exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[k] = '\0';
	base = strrchr(exe, '/');
	*(uint64_t *)data += !strcmp(base ? base + 1 : exe, "sshd");
}

/* Processes in the container's pids cgroup that run sshd: its logins. */
static uint64_t count_logins(const char *user)
{
	struct cgroup_set cg;
	uint64_t n = 0;

	if (cgroup_resolve(user, &cg) < 0 || cgroup_each_proc(cg.dirs[cg.counter], count_if_sshd, &n) < 0)
		return UNKNOWN;
	return n;
}

/* Seconds since PID started. */
static uint64_t uptime_of(pid_t pid)
{
	unsigned long long start;
	struct timespec now;

	if (proc_stat_read(pid, NULL, &start) < 0 || clock_gettime(CLOCK_BOOTTIME, &now) < 0)
		return UNKNOWN;
	return (uint64_t)now.tv_sec - start / (uint64_t)sysconf(_SC_CLK_TCK);
}

static void address_of(const struct warren_config *cfg, const char *user, char *buf, size_t len)
{
	uint32_t slot;

	buf[0] = '\0';
	if (cfg && netalloc_lookup(cfg->state_dir, user, &slot) == 0 &&
	    slot < ipv4_subnet_slots(&cfg->bridge.subnet))
		ipv4_format(ipv4_subnet_slot_addr(&cfg->bridge.subnet, slot), buf, len);
}

static const char *value(uint64_t v, char *buf, size_t len, bool size)
{
	if (v == UNKNOWN)
		return "-";
	if (v == LIMIT_UNLIMITED)
		return "max";
	if (size)
		snprintf(buf, len, "%.1fM", (double)v / (1024.0 * 1024.0));
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* CPU time in seconds, one decimal, into BUF; "-" if unknown. */
static const char *cpu_text(uint64_t us, const char *unit, char *buf, size_t len)
{
	if (us == UNKNOWN)
		return "-";
	snprintf(buf, len, "%.1f%s", (double)us / 1e6, unit);
	return buf;
}

static void json_number(const char *name, uint64_t v, bool last)
{
	if (v == UNKNOWN)
		printf("\"%s\": null%s", name, last ? "" : ", ");
	else if (v == LIMIT_UNLIMITED)
		printf("\"%s\": \"max\"%s", name, last ? "" : ", ");
	else
		printf("\"%s\": %" PRIu64 "%s", name, v, last ? "" : ", ");
}

static void print_row(const struct row *r, bool json, bool first)
{
	char up[32], idle[32], logins[32], mem[32], mem_max[32], pids[32], pids_max[32], cpu[32];
	char disk[32], disk_max[32];

	if (json) {
		printf("%s\n  {\"user\": \"%s\", \"state\": \"%s\", \"init_pid\": %d, \"id\": %llu, ",
		       first ? "" : ",", r->user, r->running ? "running" : "stale", r->st.init_pid,
		       r->st.pidns_ino);
		json_number("uptime_s", r->uptime_s, false);
		json_number("logins", r->logins, false);
		json_number("memory_bytes", r->memory, false);
		json_number("memory_limit", r->memory_max, false);
		json_number("pids", r->pids, false);
		json_number("pids_limit", r->pids_max, false);
		json_number("cpu_usec", r->cpu_us, false);
		json_number("idle_s", r->idle_s, false);
		json_number("disk_bytes", r->disk, false);
		json_number("disk_limit", r->disk_max, false);
		printf("\"address\": \"%s\", \"stack\": \"%s\", \"stack_current\": %s}", r->address,
		       r->stack, r->stack_current < 0 ? "null" : r->stack_current ? "true" : "false");
		return;
	}
	/* Each value in a buffer of its own: they are all printed at once. */
	printf("%-16s %-8s %8d %8s %6s %6s %9s/%-9s %5s/%-5s %9s %9s/%-9s %-15s %s%s\n", r->user,
	       r->running ? "running" : "stale", r->st.init_pid,
	       value(r->uptime_s, up, sizeof(up), false), value(r->idle_s, idle, sizeof(idle), false),
	       value(r->logins, logins, sizeof(logins), false),
	       value(r->memory, mem, sizeof(mem), true), value(r->memory_max, mem_max, sizeof(mem_max), true),
	       value(r->pids, pids, sizeof(pids), false), value(r->pids_max, pids_max, sizeof(pids_max), false),
	       cpu_text(r->cpu_us, "s", cpu, sizeof(cpu)), value(r->disk, disk, sizeof(disk), true),
	       value(r->disk_max, disk_max, sizeof(disk_max), true), r->address[0] ? r->address : "-",
	       r->stack[0] ? r->stack : "-", r->stack_current == 0 ? " (older)" : "");
}

/* The names of a recorded stack identity ("NAME:INO:CTIME ..."), into BUF. */
static void stack_names(const char *identity, char *buf, size_t len)
{
	char copy[2048], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", identity);
	buf[0] = '\0';
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		t[strcspn(t, ":")] = '\0';
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? " " : "", t);
	}
}

/* Does USER's recorded stack still match what CFG gives her (stack.h)?  1, 0, or -1. */
static int stack_is_current(const struct warren_config *cfg, const char *user,
			    const char *recorded)
{
	_cleanup_(strv_freep) char **groups = NULL;
	struct limits_effective eff;
	struct passwd *pw;
	char now[2048];

	if (!cfg || !(pw = getpwnam(user)) || user_group_names(pw, &groups) < 0)
		return -1;
	limits_resolve(&cfg->limits, user, groups, &eff);
	return strcmp(stack_identity(cfg->image, eff.layers, now, sizeof(now)), recorded) == 0;
}

/* Her stack, idle time and disk use, into R. */
static void read_user_records(const struct warren_config *cfg, struct row *r)
{
	char identity[2048], path[4200];
	struct timespec last, now;
	struct stat st;

	r->stack_current = -1;
	if (stack_recorded(r->user, identity, sizeof(identity)) == 0) {
		stack_names(identity, r->stack, sizeof(r->stack));
		r->stack_current = stack_is_current(cfg, r->user, identity);
	}
	r->idle_s = UNKNOWN;
	if (state_last_login(r->user, &last) == 0 && clock_gettime(CLOCK_REALTIME, &now) == 0)
		r->idle_s = now.tv_sec > last.tv_sec ? (uint64_t)(now.tv_sec - last.tv_sec) : 0;
	r->disk = r->disk_max = UNKNOWN;
	if (cfg && stat(layout_disk(config_disks_base(cfg), r->user, false, path, sizeof(path)), &st) == 0) {
		r->disk = (uint64_t)st.st_blocks * 512;
		r->disk_max = (uint64_t)st.st_size;
	}
}

/* A file of /proc/PID, indented after its first line, or "-". */
static void print_proc_file(pid_t pid, const char *file)
{
	char path[64], buf[4096]; /* a gid map with her groups is up to a page */

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (read_file(path, buf, sizeof(buf)) < 0) {
		printf("-\n");
		return;
	}
	for (char *p = buf; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			printf("%13s", "");
	}
}

/* How often her container met net_conns and net_rate (nft.h): the admin's answer to
 * "whose container was it" when the host ran short of connections. */
static void print_net_limits(const char *user)
{
	struct nft_limit_hits h;
	int r = net_limit_hits(user, &h);

	if (r == -ENODEV)
		return;
	if (r == -ENOENT) {
		printf("net limits:  none in the firewall (her container started under an older "
		       "version of warren's rules: they come at its next start)\n");
		return;
	}
	if (r == -ENODATA) {
		printf("net limits:  lost at an upgrade of warren's rules (her container runs "
		       "without them): they return at its next start\n");
		return;
	}
	if (r < 0) {
		printf("net limits:  cannot be read: %s\n", strerror(-r));
		return;
	}
	if (h.conns)
		printf("net_conns:   HIT: %" PRIu64 " new connections refused past %" PRIu32
		       " open at once\n", h.conns, h.conns_max);
	else
		printf("net_conns:   not hit (%" PRIu32 " open at once)\n", h.conns_max);
	if (h.rate)
		printf("net_rate:    HIT: %" PRIu64 " new connections refused past %" PRIu32
		       " per second\n", h.rate, h.rate_max);
	else
		printf("net_rate:    not hit (%" PRIu32 " per second)\n", h.rate_max);
}

/* Her bandwidth as the kernel holds her container to it (net.h, tc.h): what its qdiscs
 * say, not what the config says now. */
static void print_bandwidth(const char *user)
{
	char in[32], out[32];
	uint64_t i, o;
	int r = net_bandwidth(user, &i, &o);

	if (r == -ENODEV)
		return;
	if (r < 0) {
		printf("bandwidth:   cannot be read: %s\n", strerror(-r));
		return;
	}
	printf("bandwidth:   in %s, out %s\n",
	       i ? limit_format(LIMIT_BANDWIDTH_IN, i, in, sizeof(in)) : "not limited",
	       o ? limit_format(LIMIT_BANDWIDTH_OUT, o, out, sizeof(out)) : "not limited");
}

int ctl_show_container(const struct warren_config *cfg, const char *user)
{
	const char *state_dir = cfg->state_dir;
	char a[32], b[32], path[4200];
	struct cgroup_set cg;
	struct stat st;
	struct row r = { 0 };
	int got = state_read(user, &r.st);

	/* Only a record that is not there means "not running": one that cannot be read (not
	 * root) says nothing about her container. */
	if (got < 0 && got != -ENOENT) {
		fprintf(stderr, "warrenctl: cannot read %s's record in " RUNTIME_USERS ": %s\n", user,
			strerror(-got));
		return 1;
	}
	if (got < 0 || !(r.running = state_is_live(&r.st))) {
		printf("container:   not running\n");
	} else {
		printf("container:   running, id %llu, init pid %d, supervisor pid %d, up %s s\n",
		       r.st.pidns_ino, r.st.init_pid, r.st.supervisor_pid,
		       value(uptime_of(r.st.init_pid), a, sizeof(a), false));
		read_cgroups(user, &r);
		printf("logins:      %s\n", value(count_logins(user), a, sizeof(a), false));
		snprintf(r.user, sizeof(r.user), "%s", user);
		read_user_records(cfg, &r);
		printf("image stack: %s%s\n", r.stack[0] ? r.stack : "-", r.stack_current == 0 ?
		       " (older: the config now gives her another, or one was rebuilt; her next start "
		       "takes it)" : "");
		printf("memory use:  %s of %s\n", value(r.memory, a, sizeof(a), true),
		       value(r.memory_max, b, sizeof(b), true));
		printf("pids use:    %s of %s\n", value(r.pids, a, sizeof(a), false),
		       value(r.pids_max, b, sizeof(b), false));
		printf("cpu time:    %s\n", cpu_text(r.cpu_us, " s", a, sizeof(a)));
		print_net_limits(user);
		print_bandwidth(user);
		printf("uid map:     ");
		print_proc_file(r.st.init_pid, "uid_map");
		printf("gid map:     ");
		print_proc_file(r.st.init_pid, "gid_map");
	}
	if (cgroup_resolve(user, &cg) == 0)
		for (int i = 0; i < cg.n; i++)
			if (!cgroup_dir_seen(&cg, i))
				printf("cgroup:      %s%s\n", cg.dirs[i], stat(cg.dirs[i], &st) ? " (none now)" : "");
	if (stat(layout_disk(config_disks_base(cfg), user, false, path, sizeof(path)), &st) == 0) {
		printf("layers:      in the disk image %s%s\n", path,
		       config_store(cfg) ? " (the fleet's store)" : "");
	} else if (config_store(cfg)) {
		printf("layers:      none yet (the fleet's store: %s)\n", path);
	} else {
		layout_user_layers(state_dir, user, path, sizeof(path));
		printf("layers:      %s%s\n", path, stat(path, &st) ? " (none yet)" : "");
	}
	return 0;
}

/* PATH as mountinfo writes it: blank, tab, newline and backslash as octal escapes. */
static const char *mountinfo_escape(const char *path, char *buf, size_t len)
{
	size_t o = 0;

	for (const char *p = path; *p && o + 5 < len; p++)
		o += (size_t)(strchr(" \t\n\\", *p) ? snprintf(buf + o, len - o, "\\%03o", *p)
						       : snprintf(buf + o, len - o, "%c", *p));
	buf[o] = '\0';
	return buf;
}

/* The per-mount options of the mount at TO in MOUNTINFO (the container's, as its init
 * sees it) into OPTS (LEN): the last one there, which is what is seen; false if none. */
static bool mount_options_at(const char *mountinfo, const char *to, char *opts, size_t len)
{
	char want[2 * BIND_PATH_MAX];
	bool found = false;

	mountinfo_escape(to, want, sizeof(want));
	for (const char *line = mountinfo; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char point[2 * BIND_PATH_MAX], o[256];

		if (sscanf(line, "%*s %*s %*s %*s %1023s %255s", point, o) == 2 && !strcmp(point, want)) {
			snprintf(opts, len, "%s", o);
			found = true;
		}
	}
	return found;
}

void ctl_show_binds(const char *user, const struct bind_spec *v, size_t n)
{
	_cleanup_free_ char *mountinfo = malloc(1 << 20);
	struct container_state st;
	char path[64], opts[256];

	if (!mountinfo || state_read(user, &st) < 0 || !state_is_live(&st))
		return;
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)st.init_pid);
	if (read_file(path, mountinfo, 1 << 20) < 0) {
		printf("binds:       cannot read %s\n", path);
		return;
	}
	printf("binds:       %s\n", n ? "as her container has them" : "none");
	for (size_t i = 0; i < n; i++) {
		if (v[i].shadowed_by >= 0)
			continue;
		printf("  %-16s %s  ", v[i].to, v[i].from);
		if (mount_options_at(mountinfo, v[i].to, opts, sizeof(opts)))
			printf("%s\n", opts);
		else
			printf("not in place (skipped at her start, or given since: warrenctl log %s)\n", user);
	}
}

/* Every recorded container into ROWS (at most MAX); how many, or -errno. */
static int collect_rows(const struct warren_config *cfg, struct row *rows, int max)
{
	_cleanup_closedir_ DIR *d = opendir(RUNTIME_USERS);
	struct dirent *e;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) && n < max) {
		struct row *r = &rows[n];

		memset(r, 0, sizeof(*r));
		if (!name_is_valid(e->d_name) || state_read(e->d_name, &r->st) < 0)
			continue;
		snprintf(r->user, sizeof(r->user), "%.32s", e->d_name); /* a valid name fits */
		r->running = state_is_live(&r->st);
		r->uptime_s = r->running ? uptime_of(r->st.init_pid) : UNKNOWN;
		r->logins = r->running ? count_logins(r->user) : UNKNOWN;
		read_cgroups(r->user, r);
		address_of(cfg, r->user, r->address, sizeof(r->address));
		read_user_records(cfg, r);
		n++;
	}
	return n;
}

#define ROWS_MAX 4096

static void print_header(void)
{
	printf("%-16s %-8s %8s %8s %6s %6s %19s %11s %9s %19s %-15s %s\n", "USER", "STATE", "INIT",
	       "UPTIME", "IDLE", "LOGINS", "MEMORY/LIMIT", "PIDS/LIMIT", "CPU", "DISK/LIMIT", "ADDRESS",
	       "IMAGE STACK");
}

/* What ls and top say when the containers' records cannot be read (not root: they are
 * root's), and their exit status. */
static int rows_unreadable(int r)
{
	fprintf(stderr, "warrenctl: cannot read " RUNTIME_USERS ": %s\n", strerror(-r));
	return 1;
}

int ctl_ls(const char *config_path, bool json)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	_cleanup_free_ struct row *rows = calloc(ROWS_MAX, sizeof(*rows));
	struct config_error err = { 0 };
	int n;

	(void)config_load(config_path, &cfg, &policy, &err); /* addresses only: optional */
	if (!rows)
		return rows_unreadable(-ENOMEM);
	if ((n = collect_rows(cfg, rows, ROWS_MAX)) < 0)
		return rows_unreadable(n);
	if (json)
		putchar('[');
	else
		print_header();
	for (int i = 0; i < n; i++)
		print_row(&rows[i], json, i == 0);
	if (json)
		printf("%s]\n", n ? "\n" : "");
	return 0;
}

/* CPU use over the last interval, per mille of one core: the sort key of top. */
static uint64_t cpu_permille(const struct row *now, const struct row *before, int n_before,
			     double seconds)
{
	for (int i = 0; i < n_before; i++)
		if (!strcmp(before[i].user, now->user) && now->cpu_us != UNKNOWN &&
		    before[i].cpu_us != UNKNOWN && now->cpu_us >= before[i].cpu_us)
			return (uint64_t)((double)(now->cpu_us - before[i].cpu_us) / (seconds * 1e3));
	return 0;
}

static bool sort_by_memory;

/* Most first, by CPU use or by memory; then by name. */
static int by_use(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	uint64_t vx = sort_by_memory ? x->memory : x->cpu_permille;
	uint64_t vy = sort_by_memory ? y->memory : y->cpu_permille;

	if (vx == UNKNOWN)
		vx = 0;
	if (vy == UNKNOWN)
		vy = 0;
	return vx < vy ? 1 : vx > vy ? -1 : strcmp(x->user, y->user);
}

int ctl_top(const char *config_path, bool by_memory, int iterations)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	_cleanup_free_ struct row *now = calloc(ROWS_MAX, sizeof(*now));
	_cleanup_free_ struct row *before = calloc(ROWS_MAX, sizeof(*before));
	struct config_error err = { 0 };
	int n_before = 0;

	(void)config_load(config_path, &cfg, &policy, &err);
	if (!now || !before)
		return 1;
	sort_by_memory = by_memory;
	/* At once, not after a second's wait: a user other than root cannot read them. */
	if ((n_before = collect_rows(cfg, before, ROWS_MAX)) < 0)
		return rows_unreadable(n_before);
	for (int it = 0; iterations <= 0 || it < iterations; it++) {
		int n;

		sleep(1);
		if ((n = collect_rows(cfg, now, ROWS_MAX)) < 0)
			return rows_unreadable(n);
		for (int i = 0; i < n; i++)
			now[i].cpu_permille = cpu_permille(&now[i], before, n_before, 1.0);
		qsort(now, (size_t)n, sizeof(*now), by_use);
		if (iterations != 1)
			printf("\033[H\033[2J");
		printf("%-16s %8s %6s %19s %11s %7s\n", "USER", "INIT", "LOGINS", "MEMORY/LIMIT",
		       "PIDS/LIMIT", "CPU%");
		for (int i = 0; i < n; i++) {
			char a[32], b[32], c[32], d[32], e[32];

			printf("%-16s %8d %6s %9s/%-9s %5s/%-5s %6.1f%%\n", now[i].user, now[i].st.init_pid,
			       value(now[i].logins, a, sizeof(a), false),
			       value(now[i].memory, b, sizeof(b), true),
			       value(now[i].memory_max, c, sizeof(c), true),
			       value(now[i].pids, d, sizeof(d), false),
			       value(now[i].pids_max, e, sizeof(e), false), (double)now[i].cpu_permille / 10.0);
		}
		fflush(stdout);
		memcpy(before, now, sizeof(*now) * (size_t)n);
		n_before = n;
	}
	return 0;
}
