/* delegate.h - warren's cgroups on a host where systemd owns the cgroup tree.
 *
 * There, systemd's rules hold (its CGROUP_DELEGATION.md): nobody else makes cgroups at
 * the root of the tree or writes the attributes of a cgroup systemd made, or systemd
 * moves processes away (a daemon-reexec moves whatever sits in the root cgroup into
 * init.scope) and takes back controllers.  So each container gets a scope of its own,
 * asked of systemd over its bus by the helper that builds the container:
 *
 *   warren.slice/warren-USER.scope              Delegate=yes; systemd's, and no process
 *   warren.slice/warren-USER.scope/supervisor   the container's supervisor (its builder)
 *   warren.slice/warren-USER.scope/container    init, her sessions, her limits
 *
 * Below the scope everything is warren's.  The scope ends when its last process does
 * (after the supervisor's cleanup), and `systemctl stop warren-USER.scope` stops the
 * container as SIGTERM to its supervisor does.  Elsewhere (no systemd, or a hybrid
 * tree) warren keeps its own subtree at the root of each hierarchy (cgroup.h).
 */
#ifndef WARREN_DELEGATE_H
#define WARREN_DELEGATE_H

#include <stdbool.h>
#include <stddef.h>

#define DELEGATE_SLICE "warren.slice"
#define DELEGATE_CONTAINER "container"
#define DELEGATE_SUPERVISOR "supervisor"

/* Is the unified cgroup v2 tree at ROOT systemd's (pid 1 is systemd, as sd_booted()
 * tells: /run/systemd/system exists)? */
bool delegate_systemd_owns(const char *root);
/* The directory of USER's scope below ROOT into BUF. */
void delegate_scope_dir(const char *root, const char *user, char *buf, size_t len);
/* The user whose scope the entry NAME of the slice's directory is ("warren-USER.scope"),
 * into BUF: true, or false for anything else. */
bool delegate_scope_user(const char *name, char *buf, size_t len);
/* Put the caller (single-threaded) into the supervisor cgroup of SCOPE (a directory
 * delegate_scope_dir() made below ROOT), asking systemd for the scope unless it exists.
 * 0, or -errno (-EREMOTEIO: systemd refused it). */
int delegate_enter_scope(const char *root, const char *scope);

#endif
