/* ctl_ls.c - warrenctl ls (see ctl_ls.h).  Everything it shows is read from the host:
 * the runtime records, /proc and the containers' cgroup files. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "config.h"
#include "ctl_ls.h"
#include "fsutil.h"
#include "names.h"
#include "netaddr.h"
#include "netalloc.h"
#include "protocol.h"
#include "state.h"

#define UNKNOWN UINT64_MAX /* a value that could not be read */

struct row {
	char user[64];
	bool running;           /* init alive, and the one recorded */
	struct container_state st;
	uint64_t uptime_s, logins, memory, memory_max, pids, pids_max, cpu_us;
	char address[16];
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
}

/* Processes in the container's pids cgroup that run sshd: its logins. */
static uint64_t count_logins(const char *user)
{
	_cleanup_fclose_ FILE *f = NULL;
	struct cgroup_set cg;
	char path[320], exe[PATH_MAX];
	long pid;
	uint64_t n = 0;

	if (cgroup_resolve(user, &cg) < 0)
		return UNKNOWN;
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg.dirs[cg.counter]);
	if (!(f = fopen(path, "re")))
		return UNKNOWN;
	while (fscanf(f, "%ld", &pid) == 1) {
		const char *base;
		ssize_t k;

		snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
		if ((k = readlink(path, exe, sizeof(exe) - 1)) <= 0)
			continue;
		exe[k] = '\0';
		base = strrchr(exe, '/');
		n += !strcmp(base ? base + 1 : exe, "sshd");
	}
	return n;
}

/* Seconds since PID started, from its /proc stat (field 22, in clock ticks since boot). */
static uint64_t uptime_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start;
	struct timespec now;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return UNKNOWN;
	/* After ") ": state is field 3; starttime is field 22, 19 further on. */
	if (sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &start) != 1 || clock_gettime(CLOCK_BOOTTIME, &now) < 0)
		return UNKNOWN;
	return (uint64_t)now.tv_sec - start / (uint64_t)sysconf(_SC_CLK_TCK);
}

static void address_of(const struct warren_config *cfg, const char *user, char *buf, size_t len)
{
	uint32_t slot;

	buf[0] = '\0';
	if (cfg && netalloc_lookup(cfg->state_dir, user, &slot) == 0 &&
	    slot < subnet_slots(&cfg->bridge.subnet))
		ipv4_format(subnet_slot_addr(&cfg->bridge.subnet, slot), buf, len);
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
	char a[32], b[32], c[32], d[32], e[32];

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
		printf("\"address\": \"%s\"}", r->address);
		return;
	}
	printf("%-16s %-8s %8d %8s %6s %9s/%-9s %5s/%-5s %9s  %s\n", r->user,
	       r->running ? "running" : "stale", r->st.init_pid, value(r->uptime_s, a, sizeof(a), false),
	       value(r->logins, b, sizeof(b), false), value(r->memory, c, sizeof(c), true),
	       value(r->memory_max, d, sizeof(d), true), value(r->pids, e, sizeof(e), false),
	       value(r->pids_max, a, sizeof(a), false),
	       r->cpu_us == UNKNOWN ? "-" : (snprintf(b, sizeof(b), "%.1fs", (double)r->cpu_us / 1e6), b),
	       r->address[0] ? r->address : "-");
}

/* A file of /proc/PID, indented after its first line, or "-". */
static void print_proc_file(pid_t pid, const char *file)
{
	char path[64], buf[1024];

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

void ctl_show_container(const char *user, const char *state_dir)
{
	char a[32], b[32], path[4200];
	struct cgroup_set cg;
	struct stat st;
	struct row r = { 0 };

	if (state_read(user, &r.st) < 0 || !(r.running = state_is_live(&r.st))) {
		printf("container:   not running\n");
	} else {
		printf("container:   running, id %llu, init pid %d, supervisor pid %d, up %s s\n",
		       r.st.pidns_ino, r.st.init_pid, r.st.supervisor_pid,
		       value(uptime_of(r.st.init_pid), a, sizeof(a), false));
		read_cgroups(user, &r);
		printf("logins:      %s\n", value(count_logins(user), a, sizeof(a), false));
		printf("memory use:  %s of %s\n", value(r.memory, a, sizeof(a), true),
		       value(r.memory_max, b, sizeof(b), true));
		printf("pids use:    %s of %s\n", value(r.pids, a, sizeof(a), false),
		       value(r.pids_max, b, sizeof(b), false));
		printf("cpu time:    %s\n", r.cpu_us == UNKNOWN ? "-" :
		       (snprintf(a, sizeof(a), "%.1f s", (double)r.cpu_us / 1e6), a));
		printf("uid map:     ");
		print_proc_file(r.st.init_pid, "uid_map");
		printf("gid map:     ");
		print_proc_file(r.st.init_pid, "gid_map");
	}
	if (cgroup_resolve(user, &cg) == 0)
		for (int i = 0; i < cg.n; i++)
			if (!cgroup_dir_seen(&cg, i))
				printf("cgroup:      %s%s\n", cg.dirs[i], stat(cg.dirs[i], &st) ? " (none now)" : "");
	snprintf(path, sizeof(path), "%s/disks/%s.ext4", state_dir, user);
	if (stat(path, &st) == 0) {
		printf("layers:      in the disk image %s\n", path);
	} else {
		snprintf(path, sizeof(path), "%s/users/%s", state_dir, user);
		printf("layers:      %s%s\n", path, stat(path, &st) ? " (none yet)" : "");
	}
}

int ctl_ls(const char *config_path, bool json)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	_cleanup_closedir_ DIR *d = opendir(RUNTIME_DIR "/users");
	struct config_error err = { 0 };
	struct dirent *e;
	bool first = true;

	(void)config_load(config_path, &cfg, &policy, &err); /* addresses only: optional */
	if (json)
		putchar('[');
	else
		printf("%-16s %-8s %8s %8s %6s %19s %11s %9s  %s\n", "USER", "STATE", "INIT", "UPTIME",
		       "LOGINS", "MEMORY/LIMIT", "PIDS/LIMIT", "CPU", "ADDRESS");
	while (d && (e = readdir(d))) {
		struct row r = { 0 };

		if (!name_is_valid(e->d_name) || state_read(e->d_name, &r.st) < 0)
			continue;
		snprintf(r.user, sizeof(r.user), "%.32s", e->d_name); /* a valid name fits */
		r.running = state_is_live(&r.st);
		r.uptime_s = r.running ? uptime_of(r.st.init_pid) : UNKNOWN;
		r.logins = r.running ? count_logins(r.user) : UNKNOWN;
		read_cgroups(r.user, &r);
		address_of(cfg, r.user, r.address, sizeof(r.address));
		print_row(&r, json, first);
		first = false;
	}
	if (json)
		printf("%s]\n", first ? "" : "\n");
	if (!d && errno != ENOENT) {
		fprintf(stderr, "warrenctl: cannot read " RUNTIME_DIR "/users: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
