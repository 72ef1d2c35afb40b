/* warren-lease.c - holds a user's fleet lease in etcd for as long as her container runs
 * (warren.conf(5), FLEET; issue 19; HACKING.md §2).
 *
 *   warren-lease keep CONFIG USER
 *
 * Started by the helper for a container start (container/keeper.c), its first report
 * awaited by her builder before it touches her data, with stdin the read end of a pipe
 * her supervisor then holds open, stdout a pipe back to it, and nothing else.  It takes her lease (fleet/lease.h) for this host and reports on stdout, as
 * lib/tool.h's error_send does: success, or why not (her lease is another host's:
 * "USER's container runs on HOST (...)"; etcd cannot be asked: fail closed).  Then it
 * renews the lease every third of lease_ttl (a line on stdin, her container's id once it
 * exists, goes into her record) until stdin ends (her container stopped, or
 * its supervisor is gone): it then revokes the lease, so that her key is gone at once,
 * and exits 0.  When a renewal cannot succeed before the TTL would run out (etcd down,
 * the lease lost), it sends a second report, the reason, and exits 1: her supervisor
 * stops her container on it, before another host can take her lease (self-fencing).
 *
 * Takeover (fleet.takeover "idle" or "always"; fleet/lease.h): when another host holds her
 * lease, it asks that host to stop her container and waits for the lease, at most
 * TAKEOVER_WAIT_S; the holder's refusal, or no answer in time, is its report.  As the
 * holder, it reads her request key at each renewal and reports a request to her
 * supervisor (KEEPER_ASKED_IDLE, KEEPER_ASKED_ALWAYS, the asking host as the message;
 * keeper.h), once per request; a line "refuse REASON" back on stdin goes into the
 * request key for the asker to read.
 *
 * A program of its own so that warren-helper, which every login starts, does not load
 * OpenSSL and json-c (issue 22); it needs only the network to etcd and the config's TLS
 * files (root's), so it drops every capability and sets no_new_privs first. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "container/keeper.h"
#include "fleet/lease.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/names.h"
#include "lib/tool.h"
#include "policy/config.h"
#include "wire/creds.h"

/* Stop renewing this long before the TTL runs out: what her supervisor needs to kill her
 * container's init once it reads the report. */
#define FENCE_MARGIN_MS 1000
/* After a failed renewal, the next try comes this soon (or at the next third). */
#define RETRY_MS 250
/* An asker waits this many TTLs for the holder to stop her container (its supervisor
 * reads the request at a renewal, a third of the TTL, then stops it: SIGTERM's grace for
 * "always"), but never more than TAKEOVER_WAIT_MAX_S: pam_warren's timeout is 60 s. */
#define TAKEOVER_WAIT_TTLS 3
#define TAKEOVER_WAIT_MAX_S 45

/* The fence's clock.  etcd counts her lease's TTL on its own machines, which run on while
 * this host is suspended: CLOCK_BOOTTIME counts a suspend, CLOCK_MONOTONIC does not (so
 * the first look after a resume sees the fence passed, and gives up without a call). */
#define FENCE_CLOCK CLOCK_BOOTTIME

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(FENCE_CLOCK, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* HACKING.md §5.1 and §5.6: whatever started us is not trusted, and nothing here needs a
 * capability: root's uid reads the config and the TLS files, which are root's.  Every
 * capability goes, the bounding set too, and no exec could gain one back. */
static int sanitize(struct error *err)
{
	int r;

	if (creds_require_root() < 0)
		return error_set(err, -EPERM, "warren-lease must be run by root");
	clearenv();
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return error_set(err, -EBADF, "warren-lease needs its stdin, stdout, stderr");
	close_range(3, ~0U, 0);
	if ((r = creds_keep_only(NULL, 0)) < 0 || (r = creds_no_new_privs()) < 0)
		return error_errno(err, r, "warren-lease cannot drop its capabilities");
	return 0;
}

/* This host's name and boot id, as her record holds them. */
static int this_host(char *host, size_t host_len, char *boot, size_t boot_len, struct error *err)
{
	struct utsname u;
	int r;

	if (uname(&u) < 0 || snprintf(host, host_len, "%s", u.nodename) >= (int)host_len ||
	    !fleet_field_valid(host))
		return error_set(err, -EINVAL, "this host's name is not one a lease record may hold");
	if ((r = read_file("/proc/sys/kernel/random/boot_id", boot, boot_len)) < 0)
		return error_errno(err, r, "cannot read this host's boot id");
	boot[strcspn(boot, "\n")] = '\0';
	if (!fleet_field_valid(boot))
		return error_set(err, -EINVAL, "this host's boot id is not one a lease record may hold");
	return 0;
}

/* What came on stdin by AT (ms of FENCE_CLOCK): nothing (0), its lines into LINE (1), its
 * end (2), or -errno when it cannot wait or read (then the lease is not given back before
 * her container stops: the fence's order).  The wait is TIMER's (a timerfd on FENCE_CLOCK,
 * armed at AT), not poll's own timeout, which runs on CLOCK_MONOTONIC: a wait under way at
 * a suspend then ends as soon as the host resumes past AT, not that much later. */
static int hold_wait(int timer, long long at, char *line, size_t len)
{
	struct itimerspec its = { .it_value = { .tv_sec = at / 1000, .tv_nsec = at % 1000 * 1000000 } };
	struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = timer, .events = POLLIN } };
	ssize_t n;

	if (at < 1) /* a zero it_value disarms the timer; 1 ms is already past */
		its.it_value = (struct timespec){ .tv_nsec = 1000000 };
	if (timerfd_settime(timer, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	while (poll(p, 2, -1) < 0)
		if (errno != EINTR)
			return -errno;
	if (!p[0].revents)
		return 0;
	while ((n = read(STDIN_FILENO, line, len - 1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -errno;
	if (n == 0)
		return 2;
	line[n] = '\0';
	return 1;
}

/* Her lease, as this host holds it. */
struct held {
	const char *user, *host, *boot;
	struct fleet_identity id; /* who she is here, for her record */
	int timer; /* hold_wait's */
	long long since;
	int64_t lease;
	unsigned ttl;
	long call_ms;
};

/* The time by which her supervisor must have read a give-up: FENCE_MARGIN_MS before the
 * TTL of her lease, which runs from LAST (the start of its last renewal that succeeded). */
static long long fence_at(const struct held *h, long long last)
{
	return last + (long long)h->ttl * 1000 - FENCE_MARGIN_MS;
}

/* Would a call that starts at AT and takes all its bound end before the fence? */
static bool call_fits(const struct held *h, long long last, long long at)
{
	return at + h->call_ms <= fence_at(h, last);
}

/* One line from her supervisor: her container's id (into her record, only while her key
 * is this lease's), or "refuse REASON" for the request ASK; -ENOENT when her lease is
 * lost.  Any other trouble leaves things as they were: the renewals decide.  Neither is
 * more than information, so neither may delay a give-up (review 28, finding 4): when a
 * call would not end before the fence (LAST: see fence_at), the renewals are failing;
 * the id waits in PENDING for the next renewal that succeeds, and the refusal is dropped
 * (the asker's own bounded wait is its answer). */
static int heard(struct etcd *e, const struct held *h, long long last, const struct fleet_ask *ask,
		 const char *line, char pending[FLEET_FIELD_MAX + 1], struct error *last_err)
{
	char reason[200];
	struct error ignored = { 0 };
	bool fits = call_fits(h, last, now_ms());

	if (!strncmp(line, "refuse ", 7)) {
		snprintf(reason, sizeof(reason), "%s", line + 7);
		if (ask->lease && fits)
			(void)fleet_ask_refuse(e, h->user, ask, reason, &ignored);
		return 0;
	}
	if (!fleet_field_valid(line))
		return 0;
	if (!fits) {
		snprintf(pending, FLEET_FIELD_MAX + 1, "%s", line);
		return 0;
	}
	pending[0] = '\0';
	if (fleet_lease_note(e, h->user, h->host, h->boot, line, &h->id, h->since, h->lease,
			     last_err) == -ENOENT)
		return -ENOENT;
	return 0;
}

/* A request for her container that her supervisor has not heard of yet: reported
 * (KEEPER_ASKED_*, the asking host) and noted in *ASK; 0, or -EPIPE when the supervisor
 * is gone. */
static int look_for_request(struct etcd *e, const struct held *h, struct fleet_ask *ask)
{
	struct error ignored = { 0 }, said = { 0 };
	struct fleet_ask a;

	if (fleet_ask_get(e, h->user, &a, &ignored) < 0 || a.refused || a.lease == ask->lease)
		return 0;
	*ask = a;
	error_set(&said, a.mode == FLEET_TAKEOVER_ALWAYS ? KEEPER_ASKED_ALWAYS : KEEPER_ASKED_IDLE,
		  "%s", a.host);
	return error_send(STDOUT_FILENO, &said) < 0 ? -EPIPE : 0;
}

/* Why H's lease is given up: no renewal could end before the fence. */
static int give_up(const struct held *h, const struct error *last_err, struct error *err)
{
	return error_set(err, -ETIMEDOUT, "the fleet lease of %s could not be renewed within its "
			 "%u s TTL (%s)", h->user, h->ttl,
			 error_is_set(last_err) ? last_err->msg : "no time left");
}

static int lost(const struct held *h, struct error *err)
{
	return error_set(err, -ENOENT, "the fleet lease of %s is lost (another lease holds her "
			 "key, or none)", h->user);
}

/* Renew H's lease every third of its TTL, from TAKEN_AT (when the grant that succeeded
 * was asked for: its TTL runs from no earlier), until stdin ends (0), or until
 * it cannot be renewed in time (the reason in ERR).  Lines on stdin: heard().  After each
 * renewal, a request for her container is reported to her supervisor, and an id that
 * heard() kept back goes into her record. */
static int keep(struct etcd *e, const struct held *h, long long taken_at, struct error *err)
{
	const long long period = (long long)h->ttl * 1000 / 3;
	long long last = taken_at, next = taken_at + period;
	struct error last_err = { 0 };
	struct fleet_ask ask = { 0 };
	char lines[512], pending[FLEET_FIELD_MAX + 1] = "";
	int r;

	for (;;) {
		r = hold_wait(h->timer, next, lines, sizeof(lines));
		if (r == 2)
			return 0;
		if (r < 0)
			return error_errno(err, r, "the fleet lease of %s cannot be kept: its keeper cannot "
					   "wait for its renewals", h->user);
		if (r == 1) {
			char *save = NULL;

			for (char *l = strtok_r(lines, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
				if (heard(e, h, last, &ask, l, pending, &last_err) == -ENOENT)
					return lost(h, err);
			continue;
		}
		/* Would a call that takes all its bound end after the fence?  Then stop now. */
		if (!call_fits(h, last, now_ms()))
			return give_up(h, &last_err, err);
		long long start = now_ms();

		last_err = (struct error){ 0 };
		r = fleet_lease_renew(e, h->lease, &last_err);
		if (r == -ENOENT)
			return error_set(err, r, "the fleet lease of %s is lost (it expired or was "
					 "revoked in etcd)", h->user);
		if (r == 0) {
			last = start; /* the TTL runs again from no later than this */
			next = start + period;
			/* After a renewal that took all its bound only one more call fits
			 * before the fence: each of these runs only if it does. */
			if (pending[0] && call_fits(h, last, now_ms())) {
				if (fleet_lease_note(e, h->user, h->host, h->boot, pending, &h->id,
						     h->since, h->lease, &last_err) == -ENOENT)
					return lost(h, err);
				pending[0] = '\0';
			}
			if (call_fits(h, last, now_ms()) && look_for_request(e, h, &ask) < 0)
				return 0;
		} else {
			next = now_ms() + (RETRY_MS < period ? RETRY_MS : period);
			/* The next try would not fit: give up now, not RETRY_MS later, so that her
			 * supervisor has all of FENCE_MARGIN_MS. */
			if (!call_fits(h, last, next))
				return give_up(h, &last_err, err);
		}
	}
}

int main(int argc, char **argv)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL;
	_cleanup_(etcd_freep) struct etcd *e = NULL;
	struct config_error cerr = { 0 };
	struct error err = { 0 }, ignored = { 0 };
	char host[FLEET_FIELD_MAX + 1], boot[FLEET_FIELD_MAX + 1], msg[ERROR_MSG_MAX];
	const char *user = argc == 4 ? argv[3] : "";
	struct held h = { .user = user, .host = host, .boot = boot, .timer = -1 };
	long long taken_at = 0;
	unsigned wait_s;
	int r = 0;

	if (sanitize(&err) < 0 || argc != 4 || strcmp(argv[1], "keep") || !name_is_valid(user)) {
		error_set(&err, -EINVAL, "usage: warren-lease keep CONFIG USER (warren's helper "
			  "runs it)");
		(void)error_send(STDOUT_FILENO, &err);
		return 2;
	}
	if (config_load(argv[2], &cfg, NULL, &cerr) < 0) {
		config_error_format(&cerr, msg, sizeof(msg));
		error_set(&err, -EINVAL, "%s", msg);
	} else if (!cfg->fleet.set) {
		error_set(&err, -EINVAL, "%s has no fleet group", argv[2]);
	}
	if (error_is_set(&err)) {
		(void)error_send(STDOUT_FILENO, &err);
		return 1;
	}
	/* Renewals every third of the TTL, each bounded by a third too: two tries fit. */
	h.ttl = cfg->fleet.lease_ttl;
	wait_s = h.ttl * TAKEOVER_WAIT_TTLS < TAKEOVER_WAIT_MAX_S ? h.ttl * TAKEOVER_WAIT_TTLS :
								      TAKEOVER_WAIT_MAX_S;
	h.call_ms = (long)h.ttl * 1000 / 3;
	if (h.call_ms > ETCD_CALL_MS)
		h.call_ms = ETCD_CALL_MS;
	h.since = (long long)time(NULL);
	/* Before the lease is taken: a keeper that could not wait for its renewals refuses. */
	h.timer = timerfd_create(FENCE_CLOCK, TFD_CLOEXEC);
	if (h.timer < 0)
		error_errno(&err, -errno, "cannot make the timer of %s's fleet lease", user);
	/* Who she is here goes into her record, for the other hosts' doctor: information, so
	 * a lookup that fails (her login looked her up already) leaves it unsaid. */
	if (fleet_identity_of(cfg, user, &h.id) < 0)
		h.id = FLEET_IDENTITY_NONE;
	if (h.timer < 0 || this_host(host, sizeof(host), boot, sizeof(boot), &err) < 0 ||
	    fleet_etcd_open_within(&cfg->fleet, h.call_ms, &e, &err) < 0 ||
	    (r = fleet_lease_take_over(e, user, host, boot, "-", &h.id, h.ttl, cfg->fleet.takeover,
					wait_s * 1000L, &h.lease, &taken_at, &err)) < 0) {
		/* Another host's lease says so itself ("USER's container runs on HOST"). */
		if (r != -EBUSY)
			error_wrap(&err, "cannot take the fleet lease of %s (fail closed)", user);
		(void)error_send(STDOUT_FILENO, &err);
		return 1;
	}
	if (error_send(STDOUT_FILENO, &err) < 0) {
		(void)fleet_lease_release(e, h.lease, &ignored);
		return 1;
	}
	r = keep(e, &h, taken_at, &err);
	if (r < 0) {
		(void)error_send(STDOUT_FILENO, &err);
		return 1;
	}
	(void)fleet_lease_release(e, h.lease, &ignored);
	return 0;
}
