/* keeper.h - the keeper of a user's fleet lease: warren-lease, a child of her builder,
 * then of her supervisor (warren.conf(5), FLEET; HACKING.md §2, §8).
 *
 * Why a child of the builder: it must outlive the login (the builder left the login's
 * cgroups and session before it starts the keeper), it must be stopped with the
 * container (its supervisor holds its stdin), and the helper that every login runs must
 * not link libcurl and json-c (warren-lease does).  The keeper takes her lease before the
 * builder builds anything of her container and reports; then it renews, and a second
 * report is the reason it can no longer: the supervisor stops the container on it.
 * A line on its stdin is her container's id, for her record; closing its stdin (the
 * container stopped, or the supervisor died) revokes the lease. */
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
	int report_fd;   /* its reports: readable when it gave up */
	int hold_fd;     /* its stdin's write end: closed, it releases the lease and exits */
};

#define KEEPER_NONE ((struct keeper){ .pid = 0, .report_fd = -EBADF, .hold_fd = -EBADF })

/* Run warren-lease (EXE_FD, opened and checked by the helper) to take USER's lease with
 * the fleet of CONFIG (a path), in *RET; 0 once it reported the lease taken.  Else its
 * reason in ERR ("USER's container runs on HOST (...)": -EBUSY), and nothing left. */
int keeper_start(int exe_fd, const char *config, const char *user, struct keeper *ret,
		 struct error *err);

/* Her container's ID, once it exists, for her lease's record (a line on K's stdin). */
void keeper_note(struct keeper *k, unsigned long long id);

/* K reported: KEEPER_ASKED_IDLE or KEEPER_ASKED_ALWAYS (the asking host in ERR's
 * message), or it gave up: its reason into ERR (that it died, if it said nothing), and
 * the reason's code. */
int keeper_read(struct keeper *k, struct error *err);

/* Refuse the request K reported, saying REASON (a line on K's stdin). */
void keeper_refuse(struct keeper *k, const char *reason);

/* Release the lease of K (its stdin closed) and wait, bounded, for it to exit: her key
 * is gone in etcd when this returns, unless etcd did not answer (its TTL then frees it). */
void keeper_release(struct keeper *k);

#endif
