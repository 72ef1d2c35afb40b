/* layout.h - where warren keeps things on the host.  Every path under the config's
 * state_dir and under RUNTIME_DIR is made here and nowhere else, and so is the per-user
 * lock (tests/unit/test_layout.sh holds the rest of the tree to it).  What is inside a
 * user's layers directory (root, home, work) is layers.h's.
 *
 * Per user, persistent: her data, which storage shared by several login hosts would
 * hold (moving it there changes this file):
 *   STATE_DIR/users/USER               her layers as plain directories (layers.h)
 *   STATE_DIR/users/.USER.pre-disk     her old layers, set aside by a migration until
 *                                      her container started from the image (migrate.h);
 *                                      .pre-disk.kept when asked to keep them
 *   STATE_DIR/disks/USER.ext4          her disk image (disk.h); USER.ext4.new while a
 *                                      migration copies into it
 * Per user, persistent, with a fleet (several login hosts): her data on the shared store
 * alone, never under STATE_DIR (storage.h):
 *   STORE/disks/USER.ext4              her disk image, with ext4 multi-mount protection
 *                                      and the container's own ids on disk;
 *                                      USER.ext4.new:HOST while HOST makes it
 * Per host, persistent:
 *   STATE_DIR/network/slots            every user's slot on this host's bridge
 *                                      (netalloc.h), with slots.lock and slots.new
 *   STATE_DIR/events.log               warren's record of events (events.h), and
 *                                      events.log.1 before it; events.repeats, the
 *                                      logins recorded in the last minute and how
 *                                      many like each were only counted since
 * Per host, runtime (root-only, gone at reboot):
 *   RUNTIME_DIR/locks/USER             flock()ed while a container of USER is built,
 *                                      looked up, stopped or cleaned up (per user only)
 *   RUNTIME_DIR/locks/.network         flock()ed while the bridge or firewall is set up
 *   RUNTIME_DIR/locks/.sandbox         flock()ed while a layer is built (warren-sandbox:
 *                                      its scratch ids are one range, one build at a time)
 *   RUNTIME_DIR/users/USER/FILE        her running container's record (enum run_file)
 *   RUNTIME_DIR/apparmor/warren-USER   the text of her AppArmor profile the kernel has
 *                                      loaded since boot (apparmor.h: its cache stamp);
 *                                      warren-USER.refused, one the parser refused
 *   RUNTIME_DIR/mnt                    a mount point used only inside private mount
 *                                      namespaces: a build's (BUILD_*), a disk image's
 *                                      (DISK_PRIVATE_*), a layer build's (warren-sandbox)
 * Everything is root-owned and unreachable by users and containers.
 */
#ifndef WARREN_LAYOUT_H
#define WARREN_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/errors.h"

/* The config the helper reads unless told otherwise (--config; pam_warren's config=). */
#define WARREN_DEFAULT_CONFIG SYSCONFDIR "/warren/warren.conf"

/* ---- Per host, runtime ---- */

#define RUNTIME_DIR "/run/warren"
/* The users with a container record (a directory each). */
#define RUNTIME_USERS RUNTIME_DIR "/users"
/* The users' lock files, and the network's. */
#define RUNTIME_LOCKS RUNTIME_DIR "/locks"
/* The AppArmor profiles loaded (apparmor.h). */
#define RUNTIME_APPARMOR RUNTIME_DIR "/apparmor"

/* A build's private mount namespace (build.h) stages on a tmpfs here what the
 * container's root may not reach on the host; rootfs.c finds it there. */
#define BUILD_MNT RUNTIME_DIR "/mnt"
#define BUILD_IMAGE BUILD_MNT "/image" /* the image, idmapped and read-only */
#define BUILD_STATE BUILD_MNT "/state" /* the user's layers (layers.h) */
#define BUILD_PTS BUILD_MNT "/pts"     /* her devpts instance (the helper's detached mount) */
#define BUILD_ROOT BUILD_MNT "/root"   /* the overlay root, before pivot_root */
#define BUILD_SKEL BUILD_MNT "/skel"   /* the image's /etc/skel, idmapped to the user */
#define BUILD_DEV BUILD_MNT "/dev"     /* a devtmpfs of its own, for the loop device */
#define BUILD_DISK BUILD_MNT "/disk"   /* a fleet's disk image as it is, before its
					  idmapped clone at BUILD_STATE (storage.h) */
#define BUILD_LAYER BUILD_MNT "/layer" /* + 0..LAYERS_MAX-1: her image layers, as the image */
#define BUILD_BINDS BUILD_MNT "/binds" /* /0..BINDS_MAX-1: her binds, staged (hostdirs.h) */
#define BUILD_HOSTHOME BUILD_MNT "/hosthome" /* home = "host": her home from the host */

/* A disk image mounted in a private mount namespace of its own (disk.h), over the same
 * mount point: its tmpfs, the image's mount, and the devtmpfs for its loop device. */
#define DISK_PRIVATE_MNT BUILD_MNT
#define DISK_PRIVATE_TARGET DISK_PRIVATE_MNT "/disk"
#define DISK_PRIVATE_DEV DISK_PRIVATE_MNT "/dev"

/* A layer build's private mount namespace (warren-sandbox), over the same mount point:
 * its tmpfs, where the scratch ids of the build can reach what it is given. */
#define SANDBOX_MNT BUILD_MNT
#define SANDBOX_LOWER SANDBOX_MNT "/lower" /* the image, idmapped and read-only */
#define SANDBOX_RW SANDBOX_MNT "/rw"       /* the layer's upper, work and merged, idmapped */
#define SANDBOX_BIND SANDBOX_MNT "/bind"   /* + 0..: the sources of --bind, read-only */

/* Make RUNTIME_DIR and its directories (root's). */
int runtime_prepare(void);

/* A file of USER's running container, in RUNTIME_USERS/USER. */
enum run_file {
	RUN_DIR,    /* the directory itself */
	RUN_STATE,  /* "INIT_PID SUPERVISOR_PID PIDNS_INODE" (state.h); its mtime is the
		     * last login (the supervisor's idle clock) */
	RUN_PTS,    /* where an older version mounted a container's devpts on the host */
	RUN_NET,    /* its veth, address, MAC (net.h) */
	RUN_STACK,  /* the image stack it started from (stack.h) */
	RUN_LOGINS, /* the sshd monitors of the logins admitted to it (sessions.h) */
	RUN_UTMP,   /* sshd's utmp of her pty logins (pam_warren's monitor_utmp) */
	RUN_TICKET, /* the helper's last answer, for pam_warren's warm logins (ticket.h) */
};
/* The path of FILE of USER's, into BUF. */
const char *user_run_path(const char *user, enum run_file file, char *buf, size_t len);
/* Make USER's runtime dir; remove it, with the files in it that are no one else's to
 * remove (RUN_STATE and RUN_NET go first, with what they stand for). */
int user_rundir_create(const char *user);
int user_rundir_remove(const char *user);

/* RUNTIME_APPARMOR/PROFILE, into BUF. */
const char *layout_apparmor_profile(const char *profile, char *buf, size_t len);

/* Take USER's lock (blocking); returns the fd that holds it. */
int user_lock(const char *user);
/* The same if it is free at once; -EWOULDBLOCK if someone holds it. */
int user_lock_try(const char *user);
/* The path of USER's lock file, into BUF. */
const char *user_lock_path(const char *user, char *buf, size_t len);
/* Remove USER's lock file; only with her lock held (gc). */
int user_lock_remove(const char *user);
/* Take the lock of the bridged network's shared parts (bridge, firewall). */
int network_lock(void);
/* Take the lock of layer builds (warren-sandbox). */
int sandbox_lock(void);

/* ---- The config's state_dir ---- */

/* Open STATE_DIR, making it (root's, 0755) if it is missing.  It must be a directory
 * owned by root and not writable by group or others: warren works in it as root. */
int layout_open_state_dir(const char *state_dir, struct error *err);

/* ---- Per user, persistent ---- */

/* STATE_DIR/users, made (root's, 0700) if missing: an fd.  In it, USER is her layers
 * directory and layout_aside_name() her old ones. */
int layout_open_users(const char *state_dir, struct error *err);
/* STATE_DIR/users/USER, into BUF. */
const char *layout_user_layers(const char *state_dir, const char *user, char *buf, size_t len);
/* ".USER.pre-disk" (KEEP: ".USER.pre-disk.kept"), in STATE_DIR/users; and its path. */
const char *layout_aside_name(const char *user, bool keep, char *buf, size_t len);
const char *layout_aside(const char *state_dir, const char *user, bool keep, char *buf,
			 size_t len);

/* STATE_DIR/disks, made (root's, 0700) if missing: an fd; and its path. */
int layout_open_disks(const char *state_dir, struct error *err);
const char *layout_disks_dir(const char *state_dir, char *buf, size_t len);
/* "USER.ext4" (STAGED: "USER.ext4.new"), in STATE_DIR/disks; and its path. */
const char *layout_disk_name(const char *user, bool staged, char *buf, size_t len);
const char *layout_disk(const char *state_dir, const char *user, bool staged, char *buf,
			size_t len);
/* STORE/disks (the fleet's shared store: it must exist, be a mount point, root's; disks
 * is made root's, 0700, if missing): an fd. */
int layout_open_store_disks(const char *store, struct error *err);
/* "USER.ext4.new:HOST": her image on the store while login host HOST makes it.  A colon
 * is in no user name (passwd's separator) nor host name: with HOST "" this is the prefix
 * of her staged images alone, never of another user's files. */
const char *layout_store_staged_name(const char *user, const char *host, char *buf, size_t len);
/* Is NAME, in STATE_DIR/disks, a user's disk image (not a staged one)? */
bool layout_is_disk_name(const char *name);

/* ---- Per host, persistent ---- */

/* STATE_DIR/network, made (root's, 0700) if missing in an existing STATE_DIR: an fd;
 * and its path.  The files in it: */
int layout_open_network(const char *state_dir, struct error *err);
const char *layout_network_dir(const char *state_dir, char *buf, size_t len);
#define LAYOUT_SLOTS "slots"           /* "USER SLOT" a line (netalloc.h); written as
					* slots.new, then renamed over it (fsutil.h) */
#define LAYOUT_SLOTS_LOCK "slots.lock" /* flock()ed while a slot is decided */

/* STATE_DIR, where the record of events is kept, and the record's names in it: */
const char *layout_events_dir(const char *state_dir);
#define LAYOUT_EVENTS "events.log"
#define LAYOUT_EVENTS_OLD "events.log.1" /* the one before, once the record was full */
#define LAYOUT_EVENTS_REPEATS "events.repeats" /* logins recorded lately (events.h) */
/* The record's path (OLD: the one before), into BUF. */
const char *layout_events(const char *state_dir, bool old, char *buf, size_t len);

#endif
