/* ctl/fleet.c - warrenctl ls --fleet (see ctl/fleet.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ctl/fleet.h"
#include "ctl/json.h"
#include "fleet/lease.h"
#include "lib/cleanup.h"
#include "policy/config.h"

static const char *since_text(long long since, char *buf, size_t len)
{
	time_t t = (time_t)since;
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "@%lld", since);
	return buf;
}

static void print_json(const struct fleet_holder *h, bool first)
{
	printf("%s\n  {\"user\": ", first ? "" : ",");
	json_string(h->user);
	printf(", \"host\": ");
	json_string(h->host);
	printf(", \"since\": %lld, \"boot_id\": ", h->since);
	json_string(h->boot_id);
	printf(", \"container\": ");
	json_string(h->container);
	printf(", \"lease\": \"%" PRIx64 "\"}", (uint64_t)h->lease);
}

int ctl_ls_fleet(const char *config_path, bool json)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL;
	_cleanup_(etcd_freep) struct etcd *e = NULL;
	_cleanup_free_ struct fleet_holder *all = NULL;
	struct config_error cerr = { 0 };
	struct error err = { 0 };
	char msg[1024], since[32];
	size_t n = 0;

	if (config_load(config_path, &cfg, NULL, &cerr) < 0) {
		config_error_format(&cerr, msg, sizeof(msg));
		fprintf(stderr, "warrenctl: %s\n", msg);
		return 1;
	}
	if (!cfg->fleet.set) {
		fprintf(stderr, "warrenctl: %s has no fleet group: this host is no login host of a "
			"fleet (warren.conf(5), FLEET)\n", config_path);
		return 1;
	}
	if (fleet_etcd_open(&cfg->fleet, &e, &err) < 0 || fleet_lease_list(e, &all, &n, &err) < 0) {
		fprintf(stderr, "warrenctl: the fleet's leases: %s\n", err.msg);
		return 1;
	}
	if (!json)
		printf("%-16s %-24s %-19s %-16s %s\n", "USER", "HOST", "SINCE", "LEASE", "CONTAINER");
	else
		putchar('[');
	for (size_t i = 0; i < n; i++) {
		if (json)
			print_json(&all[i], i == 0);
		else
			printf("%-16s %-24s %-19s %-16" PRIx64 " %s\n", all[i].user, all[i].host,
			       since_text(all[i].since, since, sizeof(since)), (uint64_t)all[i].lease,
			       all[i].container[0] ? all[i].container : "?");
	}
	if (json)
		printf("%s]\n", n ? "\n" : "");
	return 0;
}
