/* lease.c - a user's lease in etcd, one host at a time (see lease.h). */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fleet/lease.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/names.h"
#include "lib/strv.h"
#include "policy/users.h"

int fleet_etcd_open(const struct fleet_config *f, struct etcd **ret, struct error *err)
{
	return fleet_etcd_open_within(f, 0, ret, err);
}

/* A TLS file larger than this is none warren should read (a CA bundle is some 200 KiB). */
#define TLS_FILE_MAX (1024 * 1024)

/* fleet.KEY's file at PATH, if set, read into *RET (what OpenSSL is given, so that what was
 * checked is what is used): a file only root can change (open_root_path: no symlink, every
 * directory above it root's; whoever can swap the CA or the certificate decides whom warren
 * trusts and who it is), root's and not writable by others, and for the client's key (SECRET)
 * unreadable by others too: whoever reads it may take, steal or drop every user's lease. */
/* What a file may hold of a key: wiped before it is freed, on every way out. */
struct read_buf {
	char *data;
	size_t size;
};

static void read_buf_wipe(struct read_buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->size);
	free(b->data);
}

static int tls_file_read(const char *key, const char *path, bool secret, struct http_pem *ret,
			 struct error *err)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_(read_buf_wipe) struct read_buf buf = { 0 };
	size_t got = 0;
	struct stat st;
	ssize_t n;

	*ret = (struct http_pem){ 0 };
	if (!path)
		return 0;
	if ((fd = open_root_path(path, err)) < 0)
		return error_wrap(err, "fleet.%s %s", key, path);
	if (fstat(fd, &st) < 0)
		return error_errno(err, -errno, "fleet.%s %s cannot be inspected", key, path);
	if (!S_ISREG(st.st_mode))
		return error_set(err, -EINVAL, "fleet.%s %s is not a regular file; fix: name a PEM "
				 "file", key, path);
	if (st.st_uid != 0)
		return error_set(err, -EPERM, "fleet.%s %s is owned by uid %u, not root; fix: chown "
				 "root %s", key, path, (unsigned)st.st_uid, path);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return error_set(err, -EPERM, "fleet.%s %s is writable by group or others (mode "
				 "%04o); fix: chmod go-w %s", key, path,
				 (unsigned)(st.st_mode & 07777), path);
	if (secret && (st.st_mode & S_IRWXO))
		return error_set(err, -EPERM, "fleet.%s %s is readable by others (mode %04o): "
				 "whoever reads it can take or drop any user's lease; fix: chmod o-rwx "
				 "%s", key, path, (unsigned)(st.st_mode & 07777), path);
	if (st.st_size > TLS_FILE_MAX)
		return error_set(err, -EFBIG, "fleet.%s %s is %lld bytes; fix: a PEM file of at most "
				 "%d", key, path, (long long)st.st_size, TLS_FILE_MAX);
	if (!(buf.data = malloc((size_t)st.st_size + 1)))
		return error_set(err, -ENOMEM, "out of memory");
	buf.size = (size_t)st.st_size + 1;
	/* One byte more than fstat said, to notice a file being rewritten. */
	while (got < buf.size && (n = read(fd, buf.data + got, buf.size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_errno(err, -errno, "fleet.%s %s cannot be read", key, path);
		got += (size_t)n;
	}
	if (got != (size_t)st.st_size)
		return error_set(err, -EAGAIN, "fleet.%s %s changed while read; fix: replace it "
				 "atomically (write a new file, then rename it)", key, path);
	ret->data = TAKE_PTR(buf.data);
	ret->len = got;
	return 0;
}

int fleet_etcd_open_within(const struct fleet_config *f, long call_ms, struct etcd **ret,
			   struct error *err)
{
	struct etcd_options o = { .endpoints = f->etcd, .call_ms = call_ms };
	int r;

	if ((r = tls_file_read("key", f->key, true, &o.tls.key, err)) >= 0 &&
	    (r = tls_file_read("cert", f->cert, false, &o.tls.cert, err)) >= 0 &&
	    (r = tls_file_read("cacert", f->cacert, false, &o.tls.cacert, err)) >= 0)
		r = etcd_new(&o, ret, err);
	/* OpenSSL keeps what it read of them; the key's bytes go before the memory does. */
	if (o.tls.key.data)
		explicit_bzero(o.tls.key.data, o.tls.key.len);
	free(o.tls.key.data);
	free(o.tls.cert.data);
	free(o.tls.cacert.data);
	return r;
}

bool fleet_field_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-");

	return n > 0 && n <= FLEET_FIELD_MAX && s[n] == '\0';
}

/* Is S a group list a record may hold: names of [A-Za-z0-9._-], comma-separated? */
static bool groups_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-,");

	return n <= FLEET_GROUPS_MAX && s[n] == '\0';
}

int fleet_identity_of(const struct warren_config *cfg, const char *user,
		      struct fleet_identity *ret)
{
	_cleanup_(strv_freep) char **groups = NULL;
	struct passwd *pw;
	size_t at = 0;
	int r;

	*ret = FLEET_IDENTITY_NONE;
	errno = 0;
	if (!(pw = getpwnam(user)))
		return errno ? -errno : -ENOENT;
	if ((r = user_group_names(pw, &groups)) < 0)
		return r;
	ret->uid = pw->pw_uid;
	ret->gid = pw->pw_gid;
	for (char **g = cfg->jail_groups; g && *g; g++) {
		if (!strv_contains(groups, *g))
			continue;
		r = snprintf(ret->groups + at, sizeof(ret->groups) - at, "%s%s", at ? "," : "", *g);
		if (r < 0 || (size_t)r >= sizeof(ret->groups) - at)
			break;
		at += (size_t)r;
	}
	return 0;
}

int fleet_record_format(const char *host, const char *boot_id, const char *container,
			const struct fleet_identity *id, long long since, char **ret)
{
	char who[64 + FLEET_GROUPS_MAX] = "";

	/* Valid fields need no escaping in JSON. */
	if (!fleet_field_valid(host) || !fleet_field_valid(boot_id) || !fleet_field_valid(container))
		return -EINVAL;
	if (id && id->uid >= 0) {
		int at = snprintf(who, sizeof(who), ",\"uid\":%lld,\"gid\":%lld", id->uid, id->gid);

		if (groups_valid(id->groups))
			snprintf(who + at, sizeof(who) - (size_t)at, ",\"groups\":\"%s\"", id->groups);
	}
	return asprintf(ret, "{\"host\":\"%s\",\"boot_id\":\"%s\",\"container\":\"%s\",\"since\":%lld%s}",
			host, boot_id, container, since, who) < 0 ? -ENOMEM : 0;
}

/* O's integer member NAME, a uid or gid, into *RET (-1 when there is none). */
static void get_id(struct json_object *o, const char *name, long long *ret)
{
	struct json_object *m = NULL;

	*ret = -1;
	if (json_object_object_get_ex(o, name, &m) && json_object_is_type(m, json_type_int) &&
	    json_object_get_int64(m) >= 0 && json_object_get_int64(m) <= UINT32_MAX)
		*ret = json_object_get_int64(m);
}

/* Who she is, if the record says (struct fleet_identity): all of it, or none. */
static void get_identity(struct json_object *o, struct fleet_identity *ret)
{
	struct json_object *m = NULL;

	get_id(o, "uid", &ret->uid);
	get_id(o, "gid", &ret->gid);
	if (ret->uid < 0 || ret->gid < 0 || !json_object_object_get_ex(o, "groups", &m) ||
	    !json_object_is_type(m, json_type_string) || !groups_valid(json_object_get_string(m))) {
		*ret = FLEET_IDENTITY_NONE;
		return;
	}
	snprintf(ret->groups, sizeof(ret->groups), "%s", json_object_get_string(m));
}

/* O's string member NAME, if it is a valid field, into BUF. */
static bool get_field(struct json_object *o, const char *name, char buf[FLEET_FIELD_MAX + 1])
{
	struct json_object *m = NULL;

	if (!json_object_object_get_ex(o, name, &m) || !json_object_is_type(m, json_type_string) ||
	    !fleet_field_valid(json_object_get_string(m)))
		return false;
	snprintf(buf, FLEET_FIELD_MAX + 1, "%s", json_object_get_string(m));
	return true;
}

int fleet_record_parse(const char *user, const char *text, int64_t lease, struct fleet_holder *ret)
{
	struct json_object *o = json_tokener_parse(text), *since = NULL;
	bool ok;

	*ret = (struct fleet_holder){ .lease = lease, .id = FLEET_IDENTITY_NONE };
	snprintf(ret->user, sizeof(ret->user), "%s", user);
	ok = o && json_object_is_type(o, json_type_object) && get_field(o, "host", ret->host) &&
	     get_field(o, "boot_id", ret->boot_id) && get_field(o, "container", ret->container) &&
	     json_object_object_get_ex(o, "since", &since) && json_object_is_type(since, json_type_int);
	if (ok) {
		ret->since = json_object_get_int64(since);
		get_identity(o, &ret->id);
	}
	json_object_put(o);
	if (!ok) {
		snprintf(ret->host, sizeof(ret->host), "?");
		return -EBADMSG;
	}
	return 0;
}

/* PREFIX USER into BUF; -EINVAL for a name warren would not act on. */
static int key_of(const char *prefix, const char *user, char *buf, size_t len, struct error *err)
{
	if (!name_is_valid(user))
		return error_set(err, -EINVAL, "not a valid user name");
	snprintf(buf, len, "%s%s", prefix, user);
	return 0;
}

/* FLEET_KEY_PREFIX USER: her lease's key. */
static int user_key(const char *user, char *buf, size_t len, struct error *err)
{
	return key_of(FLEET_KEY_PREFIX, user, buf, len, err);
}

/* Take again: her key vanished between the compare and the read.  Positive, so that no
 * error of etcd's (UNAVAILABLE is -EAGAIN) can pass for it. */
#define TAKE_AGAIN 1

/* Her key stood in the way: who holds it, said in ERR (-EBUSY); TAKE_AGAIN when KV's key
 * is NULL: it vanished between the compare and the read. */
static int taken_by(const char *user, struct etcd_kv *kv, struct fleet_holder *ret,
		    struct error *err)
{
	struct fleet_holder h;

	if (!kv->key)
		return TAKE_AGAIN;
	(void)fleet_record_parse(user, kv->value, kv->lease, &h);
	if (ret)
		*ret = h;
	return error_set(err, -EBUSY, "%s's container runs on %s (since %lld, boot %s, container "
			 "%s, lease %" PRIx64 ")", user, h.host, h.since, h.boot_id[0] ? h.boot_id : "?",
			 h.container[0] ? h.container : "?", (uint64_t)h.lease);
}

/* CLOCK_BOOTTIME in ms: the clock of *RET_GRANTED_MS (lease.h). */
static long long boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One try: a new lease of TTL, then her key with it if absent.  *RET_GRANTED_MS: when
 * the grant was asked for (its TTL runs from no earlier). */
static int take_once(struct etcd *e, const char *user, const char *key, const char *record,
		     unsigned ttl, int64_t *ret_lease, long long *ret_granted_ms,
		     struct fleet_holder *ret_holder, struct error *err)
{
	struct etcd_kv kv = { 0 };
	struct error ignored = { 0 };
	long long granted_ms = boot_ms();
	int64_t id;
	int r;

	if ((r = etcd_lease_grant(e, ttl, &id, err)) < 0)
		return r;
	r = etcd_put_if_absent(e, key, record, id, &kv, err);
	/* A call that timed out after etcd applied it and was sent again to another
	 * endpoint finds her key with this very lease: it is hers. */
	if (r == 0 || (r == -EEXIST && kv.key && kv.lease == id)) {
		etcd_kv_clear(&kv);
		*ret_lease = id;
		if (ret_granted_ms)
			*ret_granted_ms = granted_ms;
		return 0;
	}
	if (r == -EEXIST)
		r = taken_by(user, &kv, ret_holder, err);
	etcd_kv_clear(&kv);
	/* The lease attaches nothing: give it back rather than leave it to its TTL, but not
	 * to an etcd that did not answer or could not serve (another bounded wait; the TTL frees it anyway). */
	if (r != -ETIMEDOUT && r != -EHOSTUNREACH && r != -EAGAIN)
		(void)etcd_lease_revoke(e, id, &ignored);
	return r;
}

int fleet_lease_take(struct etcd *e, const char *user, const char *host, const char *boot_id,
		     const char *container, const struct fleet_identity *id, unsigned ttl,
		     int64_t *ret_lease, long long *ret_granted_ms, struct fleet_holder *ret_holder,
		     struct error *err)
{
	_cleanup_free_ char *record = NULL;
	char key[ETCD_KEY_MAX];
	int r;

	if ((r = user_key(user, key, sizeof(key), err)) < 0)
		return r;
	r = fleet_record_format(host, boot_id, container, id, (long long)time(NULL), &record);
	if (r < 0)
		return error_set(err, r, r == -EINVAL ? "host, boot id or container id is not 1 to %d "
				 "of A-Z a-z 0-9 . _ : -" : "out of memory", FLEET_FIELD_MAX);
	/* Twice at most: her key may vanish between the compare and the read. */
	for (int i = 0; i < 2; i++)
		if ((r = take_once(e, user, key, record, ttl, ret_lease, ret_granted_ms, ret_holder,
				   err)) != TAKE_AGAIN)
			return r;
	return error_set(err, -EBUSY, "%s's lease changes hands too fast to be taken", user);
}

int fleet_lease_note(struct etcd *e, const char *user, const char *host, const char *boot_id,
		     const char *container, const struct fleet_identity *id, long long since,
		     int64_t lease, struct error *err)
{
	_cleanup_free_ char *record = NULL;
	char key[ETCD_KEY_MAX];
	int r;

	if ((r = user_key(user, key, sizeof(key), err)) < 0)
		return r;
	if ((r = fleet_record_format(host, boot_id, container, id, since, &record)) < 0)
		return error_set(err, r, r == -EINVAL ? "host, boot id or container id is not 1 to %d "
				 "of A-Z a-z 0-9 . _ : -" : "out of memory", FLEET_FIELD_MAX);
	return etcd_put_if_lease(e, key, record, lease, err);
}

int fleet_lease_renew(struct etcd *e, int64_t lease, struct error *err)
{
	int64_t ttl;

	return etcd_lease_keepalive(e, lease, &ttl, err);
}

int fleet_lease_release(struct etcd *e, int64_t lease, struct error *err)
{
	struct error gone = { 0 };
	int r = etcd_lease_revoke(e, lease, &gone);

	if (r == -ENOENT || r == 0)
		return 0;
	if (!error_is_set(err))
		*err = gone;
	return r;
}

int fleet_lease_holder(struct etcd *e, const char *user, struct fleet_holder *ret,
		       struct error *err)
{
	struct etcd_kv kv = { 0 };
	char key[ETCD_KEY_MAX];
	int r;

	if ((r = user_key(user, key, sizeof(key), err)) < 0)
		return r;
	if ((r = etcd_get(e, key, &kv, err)) < 0)
		return r;
	(void)fleet_record_parse(user, kv.value, kv.lease, ret);
	etcd_kv_clear(&kv);
	return 0;
}

int fleet_lease_list(struct etcd *e, struct fleet_holder **ret, size_t *ret_n, struct error *err)
{
	struct etcd_kv *kvs = NULL;
	struct fleet_holder *v;
	size_t n = 0, m = 0;
	int r;

	if ((r = etcd_get_prefix(e, FLEET_KEY_PREFIX, &kvs, &n, err)) < 0)
		return r;
	if (!(v = calloc(n ? n : 1, sizeof(*v)))) {
		etcd_kvs_free(kvs, n);
		return error_set(err, -ENOMEM, "out of memory");
	}
	/* etcd answers in key order; a key whose name warren would not act on is skipped. */
	for (size_t i = 0; i < n; i++) {
		const char *user = kvs[i].key + strlen(FLEET_KEY_PREFIX);

		if (name_is_valid(user))
			(void)fleet_record_parse(user, kvs[i].value, kvs[i].lease, &v[m++]);
	}
	etcd_kvs_free(kvs, n);
	*ret = v;
	*ret_n = m;
	return 0;
}

/* How often an asker looks whether the holder answered. */
#define ASK_POLL_MS 250

/* A request's TEXT ("MODE HOST" or "refused REASON") into *RET; -ENOENT when it is not
 * one warren made: exactly one space, a mode that asks, a host a record could hold (not
 * the first FLEET_FIELD_MAX characters of a longer one, no further words). */
static int ask_parse(const char *text, int64_t lease, struct fleet_ask *ret)
{
	const char *host = strchr(text, ' ');
	size_t mode_len = host ? (size_t)(host - text) : 0;
	enum fleet_takeover modes[] = { FLEET_TAKEOVER_IDLE, FLEET_TAKEOVER_ALWAYS };

	*ret = (struct fleet_ask){ .lease = lease };
	if (!strncmp(text, "refused ", 8)) {
		ret->refused = true;
		snprintf(ret->reason, sizeof(ret->reason), "%s", text + 8);
		return 0;
	}
	if (!host || !fleet_field_valid(++host))
		return -ENOENT;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *name = fleet_takeover_name(modes[i]);

		if (mode_len == strlen(name) && !strncmp(text, name, mode_len)) {
			ret->mode = modes[i];
			snprintf(ret->host, sizeof(ret->host), "%s", host);
			return 0;
		}
	}
	return -ENOENT;
}

int fleet_ask_get(struct etcd *e, const char *user, struct fleet_ask *ret, struct error *err)
{
	struct etcd_kv kv = { 0 };
	char key[ETCD_KEY_MAX];
	int r;

	if ((r = key_of(FLEET_ASK_PREFIX, user, key, sizeof(key), err)) < 0 ||
	    (r = etcd_get(e, key, &kv, err)) < 0)
		return r;
	r = ask_parse(kv.value, kv.lease, ret);
	etcd_kv_clear(&kv);
	return r;
}

int fleet_ask_refuse(struct etcd *e, const char *user, const struct fleet_ask *ask,
		     const char *reason, struct error *err)
{
	_cleanup_free_ char *value = NULL;
	char key[ETCD_KEY_MAX];
	int r;

	if ((r = key_of(FLEET_ASK_PREFIX, user, key, sizeof(key), err)) < 0)
		return r;
	if (asprintf(&value, "refused %s", reason) < 0)
		return error_set(err, -ENOMEM, "out of memory");
	return etcd_put_if_lease(e, key, value, ask->lease, err);
}

/* Asked HOLDER (in MODE) for USER's container: until UNTIL_MS, take her lease as soon as
 * it is gone, or give up when the holder refused. */
static int await_release(struct etcd *e, const char *user, const char *host, const char *boot_id,
			 const char *container, const struct fleet_identity *id, unsigned ttl,
			 const char *holder,
			 enum fleet_takeover mode, long long until_ms, long wait_ms,
			 int64_t *ret_lease, long long *ret_granted_ms, struct error *err)
{
	struct fleet_holder h;
	struct fleet_ask a;

	for (;;) {
		struct error e1 = { 0 };
		int r;

		usleep(ASK_POLL_MS * 1000);
		if (fleet_ask_get(e, user, &a, &e1) == 0 && a.refused)
			return error_set(err, -EBUSY, "%s's container runs on %s, which refused to stop "
					 "it (takeover %s): %s", user, holder, fleet_takeover_name(mode),
					 a.reason);
		e1 = (struct error){ 0 };
		if (fleet_lease_holder(e, user, &h, &e1) == -ENOENT) {
			r = fleet_lease_take(e, user, host, boot_id, container, id, ttl, ret_lease,
					     ret_granted_ms, NULL, err);
			return r;
		}
		if (boot_ms() >= until_ms)
			return error_set(err, -EBUSY, "%s's container runs on %s, which did not stop it "
					 "within %ld s (takeover %s)", user, holder, wait_ms / 1000,
					 fleet_takeover_name(mode));
	}
}

int fleet_lease_take_over(struct etcd *e, const char *user, const char *host,
			  const char *boot_id, const char *container,
			  const struct fleet_identity *id, unsigned ttl,
			  enum fleet_takeover mode, long wait_ms, int64_t *ret_lease,
			  long long *ret_granted_ms, struct error *err)
{
	_cleanup_free_ char *value = NULL;
	struct error ignored = { 0 };
	struct etcd_kv kv = { 0 };
	struct fleet_holder h;
	struct fleet_ask other;
	char key[ETCD_KEY_MAX];
	long long until = boot_ms() + wait_ms;
	int64_t ask_lease;
	int r = fleet_lease_take(e, user, host, boot_id, container, id, ttl, ret_lease,
				 ret_granted_ms, &h, err);

	if (r != -EBUSY || mode == FLEET_TAKEOVER_NEVER)
		return r;
	/* Another host holds it: ask that one, in a key of a lease of our own. */
	*err = (struct error){ 0 };
	if ((r = key_of(FLEET_ASK_PREFIX, user, key, sizeof(key), err)) < 0)
		return r;
	if (asprintf(&value, "%s %s", fleet_takeover_name(mode), host) < 0)
		return error_set(err, -ENOMEM, "out of memory");
	if ((r = etcd_lease_grant(e, wait_ms / 1000 + ttl, &ask_lease, err)) < 0)
		return r;
	r = etcd_put_if_absent(e, key, value, ask_lease, &kv, err);
	if (r == -EEXIST) {
		*err = (struct error){ 0 };
		r = error_set(err, -EBUSY, "%s's container runs on %s, and %s asks for it already",
			      user, h.host, kv.key && ask_parse(kv.value, kv.lease, &other) == 0 &&
			      !other.refused ? other.host : "another host");
	} else if (r == 0) {
		r = await_release(e, user, host, boot_id, container, id, ttl, h.host, mode, until,
				  wait_ms, ret_lease, ret_granted_ms, err);
	}
	etcd_kv_clear(&kv);
	(void)etcd_lease_revoke(e, ask_lease, &ignored);
	return r;
}
