/* keeper.h - the keeper of a user's fleet lease: warren-lease, started by the helper for a
 * container start, then held by her builder and her supervisor (warren.conf(5), FLEET;
 * HACKING.md §2, §8).
 *
 * Started by the helper as soon as it knows a container is to start, in its own session
 * and out of the login's cgroups (it must outlive the login), so that its start (its
 * process and its libraries, OpenSSL's and json-c's) runs while the helper prepares the
 * host side (cgroups, devpts, network); the builder waits for its first report before
 * it touches anything of her data (her image: storage.h), and what the helper made
 * meanwhile is undone when the lease is refused.  It is the helper's child: the builder
 * and the supervisor hold its pidfd and pipes, never its pid (once the helper is gone it
 * is init's, which reaps it).  The helper that every login runs does not link OpenSSL
 * and json-c: warren-lease does.  The keeper takes her lease and reports; then it
 * renews, and a second report is the reason it can no longer: the supervisor stops the
 * container on it.  A line on its stdin is her container's id, for her record; closing
 * its stdin (every copy: the container stopped, or the supervisor died) revokes the
 * lease. */
#ifndef WARREN_KEEPER_H
#define WARREN_KEEPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/errors.h"

#define LEASE_NAME "warren-lease"

/* A report that is not a failure: another host asks for her container (takeover, the
 * asking host as the message; fleet/lease.h).  Below every -errno. */
#define KEEPER_ASKED_IDLE (-4096 - 1)
#define KEEPER_ASKED_ALWAYS (-4096 - 2)

struct keeper {
	pid_t pid;       /* 0: none (no fleet) */
	int pidfd;       /* its pidfd: how it is waited for and killed, by whoever holds it */
	int report_fd;   /* its reports: readable when it gave up */
	int hold_fd;     /* its stdin's write end: closed, it releases the lease and exits */
};

#define KEEPER_NONE ((struct keeper){ .pid = 0, .pidfd = -EBADF, .report_fd = -EBADF, \
				      .hold_fd = -EBADF })

/* Start warren-lease (EXE_FD, opened and checked by the helper) to take USER's lease with
 * the fleet of CONFIG (a path), in *RET, in a session of its own and out of the login's
 * cgroups; it does not wait for the lease: keeper_taken does.  0, or -errno in ERR. */
int keeper_spawn(int exe_fd, const char *config, const char *user, struct keeper *ret,
		 struct error *err);

/* Wait for K's first report: 0 once her lease is taken.  Else its reason in ERR
 * ("USER's container runs on HOST (...)": -EBUSY), K released. */
int keeper_taken(struct keeper *k, struct error *err);

/* Close this process's copies of K's descriptors: another process (the builder) holds K
 * now, and it goes on. */
void keeper_let_go(struct keeper *k);

/* Her container's ID, once it exists, for her lease's record (a line on K's stdin). */
void keeper_note(struct keeper *k, unsigned long long id);

/* K reported: KEEPER_ASKED_IDLE or KEEPER_ASKED_ALWAYS (the asking host in ERR's
 * message), or it gave up: its reason into ERR (that it died, if it said nothing), and
 * the reason's code. */
int keeper_read(struct keeper *k, struct error *err);

/* Refuse the request K reported, saying REASON (a line on K's stdin). */
void keeper_refuse(struct keeper *k, const char *reason);

/* Release the lease of K (its stdin closed: this process's copy, the last) and wait,
 * bounded, for it to exit (reaped, if this process started it): her key is gone in etcd
 * when this returns, unless etcd did not answer (its TTL then frees it). */
void keeper_release(struct keeper *k);

#endif
