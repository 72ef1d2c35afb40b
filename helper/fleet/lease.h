/* lease.h - one host at a time per user (issue 19): her lease in etcd.
 *
 * Her key FLEET_KEY_PREFIX "USER" is attached to an etcd lease of the fleet's lease_ttl
 * and holds a record: the host, its boot id, the container's id, since when, and who she
 * is there (struct fleet_identity).  It is
 * taken only where it is absent (a transaction on its create_revision), kept by renewing
 * the lease, and gone when the lease is revoked or expires.  The login path
 * calls it through warren-lease (helper/warren-lease.c), which holds her lease for as
 * long as her container runs; warrenctl doctor and ls --fleet read it. */
#ifndef WARREN_LEASE_H
#define WARREN_LEASE_H

#include <stdint.h>

#include "fleet/etcd.h"
#include "lib/errors.h"
#include "policy/config.h"

#define FLEET_KEY_PREFIX "warren/fleet/lease/"
/* host, boot id and container id: 1 to this many of [A-Za-z0-9._:-]. */
#define FLEET_FIELD_MAX 255

/* Who she is on the host that holds her lease, in her record, so that another host's
 * doctor can tell whether her identity agrees there (it must: LDAP, SSSD): her uid, her
 * primary gid, and the config's jail groups she is in, comma-separated in its order. */
#define FLEET_GROUPS_MAX 255
struct fleet_identity {
	long long uid, gid;     /* -1: not said (a record of a tool's, or of an older warren) */
	char groups[FLEET_GROUPS_MAX + 1];
};
#define FLEET_IDENTITY_NONE ((struct fleet_identity){ .uid = -1, .gid = -1 })

struct fleet_holder {
	char user[33];
	char host[FLEET_FIELD_MAX + 1];
	char boot_id[FLEET_FIELD_MAX + 1];
	char container[FLEET_FIELD_MAX + 1];
	long long since;        /* seconds since the epoch, on the holder's clock */
	int64_t lease;          /* its etcd lease */
	struct fleet_identity id;
};

/* A client of the fleet's etcd: its endpoints and TLS files, etcd.h's bounds. */
int fleet_etcd_open(const struct fleet_config *f, struct etcd **ret, struct error *err);
/* The same, each call bounded by CALL_MS in all (0: ETCD_CALL_MS): warren-lease's
 * renewals, which must end well before the lease's TTL. */
int fleet_etcd_open_within(const struct fleet_config *f, long call_ms, struct etcd **ret,
			   struct error *err);

/* Is S a host, boot id or container id a record may hold? */
bool fleet_field_valid(const char *s);
/* USER's identity on this host under CFG into *RET: -ENOENT when she is no user here,
 * another -errno when her groups cannot be read. */
int fleet_identity_of(const struct warren_config *cfg, const char *user,
		      struct fleet_identity *ret);
/* The record's text (JSON) into *RET (free it); -EINVAL for a field that is not valid.
 * ID (NULL, or its uid -1: none) goes with it; a group list a record cannot hold is
 * left out. */
int fleet_record_format(const char *host, const char *boot_id, const char *container,
			const struct fleet_identity *id, long long since, char **ret);
/* USER's record TEXT, attached to LEASE, into *RET; -EBADMSG when TEXT is not a record
 * (*RET then names the host "?"). */
int fleet_record_parse(const char *user, const char *text, int64_t lease, struct fleet_holder *ret);

/* Take USER's lease for HOST (BOOT_ID, CONTAINER) for TTL seconds: its etcd lease id
 * into *RET_LEASE, and (if RET_GRANTED_MS is not NULL) when the grant that succeeded was
 * asked for, in ms of CLOCK_BOOTTIME: its TTL runs from no earlier, whatever earlier
 * tries or waits took (review 29, finding 2); -EBUSY when another lease holds her key,
 * with its record in *RET_HOLDER (if not NULL) and the host named in ERR; another
 * negative errno when etcd cannot be asked (the caller then refuses: fail closed).  At
 * most three calls, each bounded (etcd.h); two when etcd stops answering. */
int fleet_lease_take(struct etcd *e, const char *user, const char *host, const char *boot_id,
		     const char *container, const struct fleet_identity *id, unsigned ttl,
		     int64_t *ret_lease,
		     long long *ret_granted_ms, struct fleet_holder *ret_holder, struct error *err);
/* The record of USER's lease LEASE, which this host holds, anew (the container's id, once
 * it exists); -ENOENT when her key is no longer attached to LEASE. */
int fleet_lease_note(struct etcd *e, const char *user, const char *host, const char *boot_id,
		     const char *container, const struct fleet_identity *id, long long since,
		     int64_t lease, struct error *err);
/* Renew LEASE for its TTL again; -ENOENT when it is lost (expired or revoked). */
int fleet_lease_renew(struct etcd *e, int64_t lease, struct error *err);
/* Give LEASE up: her key is gone at once.  A lease already gone is no error. */
int fleet_lease_release(struct etcd *e, int64_t lease, struct error *err);
/* Who holds USER's lease; -ENOENT when nobody does. */
int fleet_lease_holder(struct etcd *e, const char *user, struct fleet_holder *ret,
		       struct error *err);
/* Every user's lease (*RET, *RET_N; free(*RET)), in the order of their names. */
int fleet_lease_list(struct etcd *e, struct fleet_holder **ret, size_t *ret_n, struct error *err);

/* Takeover (fleet.takeover "idle", "always"): a host where her login finds her lease
 * held elsewhere asks the holder through her key FLEET_ASK_PREFIX "USER", attached to a
 * lease of the asker's own (so that it goes by itself), holding "MODE HOST" ("idle
 * login-b").  The holder's warren-lease reads it at each renewal and reports it to its
 * supervisor, which stops her container (her lease goes with the stop) or refuses: the
 * key then holds "refused REASON". */
#define FLEET_ASK_PREFIX "warren/fleet/ask/"

struct fleet_ask {
	char host[FLEET_FIELD_MAX + 1]; /* who asks */
	enum fleet_takeover mode;       /* FLEET_TAKEOVER_IDLE or _ALWAYS */
	bool refused;
	char reason[256];               /* when refused */
	int64_t lease;                  /* the asker's: tells one request from the next */
};

/* The request for USER's container into *RET; -ENOENT when there is none (or it is not
 * one warren made). */
int fleet_ask_get(struct etcd *e, const char *user, struct fleet_ask *ret, struct error *err);
/* Refuse the request ASK for USER's container, saying REASON; -ENOENT when it is gone. */
int fleet_ask_refuse(struct etcd *e, const char *user, const struct fleet_ask *ask,
		     const char *reason, struct error *err);
/* fleet_lease_take, and when another host holds her lease and MODE is not "never": ask
 * it to stop her container (as HOST), wait up to WAIT_MS for her lease to go, and take
 * it (*RET_GRANTED_MS as fleet_lease_take's: after the wait).  -EBUSY naming the holder
 * and why when it refused, did not answer in time, or another host asks already; the
 * request is withdrawn on every way out. */
int fleet_lease_take_over(struct etcd *e, const char *user, const char *host,
			  const char *boot_id, const char *container,
			  const struct fleet_identity *id, unsigned ttl,
			  enum fleet_takeover mode, long wait_ms, int64_t *ret_lease,
			  long long *ret_granted_ms, struct error *err);

#endif
