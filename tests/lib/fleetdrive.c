/* fleetdrive.c - fleet/'s leases from the command line, for tests/e2e/95-fleet-lease.sh:
 * the calls the login path will make, against a real etcd, with the config's endpoints
 * and TLS files.
 *
 *   fleetdrive CONFIG take USER HOST TTL     prints the lease id (hex); exit 3 and "busy
 *                                            HOST" when another host holds her lease
 *   fleetdrive CONFIG take-renew USER HOST TTL MS   take, then renew MS ms later in
 *                                            the same process (etcd.c's kept connection)
 *   fleetdrive CONFIG renew LEASE            exit 4 and "lost" when the lease is gone
 *   fleetdrive CONFIG release LEASE
 *   fleetdrive CONFIG holder USER            "HOST BOOT CONTAINER LEASE"; exit 4 if none
 *   fleetdrive CONFIG list                   "USER HOST LEASE", a line each
 *
 * Takeover (fleet/lease.h), for tests/e2e/97-fleet-takeover.sh:
 *   fleetdrive CONFIG ask USER HOST MODE SECS   as the asking host: ask her lease's holder
 *                                            (MODE idle or always), wait up to SECS for it
 *                                            and take it: its id; exit 3 and the reason on
 *                                            stderr when refused or not answered in time
 *   fleetdrive CONFIG hold USER HOST TTL ANSWER SECS   as the holding host: take her
 *                                            lease (its id), renew it every second and
 *                                            read her request key: "asked MODE HOST" on
 *                                            a request, then ANSWER it: release (the
 *                                            lease, and exit), refuse, or ignore; after
 *                                            SECS, release and exit
 *
 * Any other failure: exit 1 with etcd.h's message on stderr.  CONFIG is read with
 * config_load's checks (root's, not writable by others). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet/lease.h"
#include "lib/cleanup.h"
#include "policy/config.h"

static int fail(int r, const struct error *err)
{
	fprintf(stderr, "fleetdrive: %s (code %d)\n", err->msg[0] ? err->msg : "failed", r);
	return 1;
}

static int64_t lease_arg(const char *s)
{
	return (int64_t)strtoull(s, NULL, 16);
}

static enum fleet_takeover mode_arg(const char *s)
{
	return !strcmp(s, "always") ? FLEET_TAKEOVER_ALWAYS :
	       !strcmp(s, "idle") ? FLEET_TAKEOVER_IDLE : FLEET_TAKEOVER_NEVER;
}

/* hold: as another host that runs her container, answering a request with ANSWER. */
static int hold(struct etcd *e, char **argv, struct error *err)
{
	const char *user = argv[1], *answer = argv[4];
	struct fleet_ask ask, seen = { 0 };
	struct error ignored = { 0 };
	int64_t lease;
	int r;

	r = fleet_lease_take(e, user, argv[2], "boot-of-" "test", "c1", NULL, (unsigned)atoi(argv[3]),
			     &lease, NULL, NULL, err);
	if (r < 0)
		return fail(r, err);
	printf("%" PRIx64 "\n", (uint64_t)lease);
	fflush(stdout);
	for (int s = atoi(argv[5]) * 4; s > 0; s--) {
		usleep(250 * 1000);
		if (s % 4 == 0)
			(void)fleet_lease_renew(e, lease, &ignored);
		if (fleet_ask_get(e, user, &ask, &ignored) < 0 || ask.refused || ask.lease == seen.lease)
			continue;
		seen = ask;
		printf("asked %s %s\n", fleet_takeover_name(ask.mode), ask.host);
		fflush(stdout);
		if (!strcmp(answer, "release"))
			break;
		if (!strcmp(answer, "refuse"))
			(void)fleet_ask_refuse(e, user, &ask, "fleetdrive refuses", &ignored);
	}
	r = fleet_lease_release(e, lease, err);
	return r < 0 ? fail(r, err) : 0;
}

static int run(struct etcd *e, char **argv, int argc, struct error *err)
{
	struct fleet_holder h, *all = NULL;
	const char *verb = argv[0];
	int64_t lease;
	size_t n = 0;
	int r;

	if (!strcmp(verb, "take") && argc == 4) {
		r = fleet_lease_take(e, argv[1], argv[2], "boot-of-" "test", "c1", NULL,
				     (unsigned)atoi(argv[3]), &lease, NULL, &h, err);
		if (r == -EBUSY)
			return printf("busy %s\n", h.host), fprintf(stderr, "%s\n", err->msg), 3;
		return r < 0 ? fail(r, err) : (printf("%" PRIx64 "\n", (uint64_t)lease), 0);
	}
	if (!strcmp(verb, "ask") && argc == 5) {
		r = fleet_lease_take_over(e, argv[1], argv[2], "boot-of-" "test", "c1", NULL, 60,
					  mode_arg(argv[3]), atol(argv[4]) * 1000, &lease, NULL, err);
		if (r == -EBUSY)
			return fprintf(stderr, "%s\n", err->msg), 3;
		return r < 0 ? fail(r, err) : (printf("%" PRIx64 "\n", (uint64_t)lease), 0);
	}
	/* Two calls on one connection of etcd.c's, MS apart: what a keeper does. */
	if (!strcmp(verb, "take-renew") && argc == 5) {
		r = fleet_lease_take(e, argv[1], argv[2], "boot-of-" "test", "c1", NULL,
				     (unsigned)atoi(argv[3]), &lease, NULL, &h, err);
		if (r < 0)
			return fail(r, err);
		usleep((useconds_t)atoi(argv[4]) * 1000);
		r = fleet_lease_renew(e, lease, err);
		return r < 0 ? fail(r, err) : (printf("%" PRIx64 "\n", (uint64_t)lease), 0);
	}
	if (!strcmp(verb, "hold") && argc == 6)
		return hold(e, argv, err);
	if (!strcmp(verb, "renew") && argc == 2) {
		r = fleet_lease_renew(e, lease_arg(argv[1]), err);
		if (r == -ENOENT)
			return printf("lost\n"), 4;
		return r < 0 ? fail(r, err) : 0;
	}
	if (!strcmp(verb, "release") && argc == 2) {
		r = fleet_lease_release(e, lease_arg(argv[1]), err);
		return r < 0 ? fail(r, err) : 0;
	}
	if (!strcmp(verb, "holder") && argc == 2) {
		r = fleet_lease_holder(e, argv[1], &h, err);
		if (r == -ENOENT)
			return printf("none\n"), 4;
		if (r < 0)
			return fail(r, err);
		printf("%s %s %s %" PRIx64 "\n", h.host, h.boot_id, h.container, (uint64_t)h.lease);
		return 0;
	}
	if (!strcmp(verb, "list") && argc == 1) {
		if ((r = fleet_lease_list(e, &all, &n, err)) < 0)
			return fail(r, err);
		for (size_t i = 0; i < n; i++)
			printf("%s %s %" PRIx64 "\n", all[i].user, all[i].host, (uint64_t)all[i].lease);
		free(all);
		return 0;
	}
	fprintf(stderr, "fleetdrive: unknown verb or wrong arguments: %s\n", verb);
	return 2;
}

int main(int argc, char **argv)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL;
	_cleanup_(etcd_freep) struct etcd *e = NULL;
	struct config_error cerr = { 0 };
	struct error err = { 0 };
	char msg[1024];
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: fleetdrive CONFIG take|take-renew|renew|release|holder|list|ask|hold ARGS...\n");
		return 2;
	}
	if (config_load(argv[1], &cfg, NULL, &cerr) < 0) {
		config_error_format(&cerr, msg, sizeof(msg));
		fprintf(stderr, "fleetdrive: %s\n", msg);
		return 1;
	}
	if (!cfg->fleet.set) {
		fprintf(stderr, "fleetdrive: %s has no fleet group\n", argv[1]);
		return 1;
	}
	if ((r = fleet_etcd_open(&cfg->fleet, &e, &err)) < 0)
		return fail(r, &err);
	return run(e, argv + 2, argc - 2, &err);
}
