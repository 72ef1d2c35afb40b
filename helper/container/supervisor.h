/* supervisor.h - a container's supervisor as the helper starts it (the builder becomes
 * warren-supervisor, watch.h) and stops it (the cleanup of what a stopped container
 * leaves on the host). */
#ifndef WARREN_SUPERVISOR_H
#define WARREN_SUPERVISOR_H

#include "cgroup/cgroup.h"
#include <stdbool.h>

#include "container/keeper.h"
#include "container/watch.h"
#include "lib/errors.h"

/* The watching supervisor, its own static program beside warren-helper:
 * warren-supervisor STATE-DIR INIT-PID ID IDLE-TIMEOUT ABANDONED KEEPER-PID USER, the
 * descriptors as watch.h says (SUP_FD_PASSED: the helper that built the container). */
#define SUPERVISOR_NAME "warren-supervisor"

/* Become C's supervisor: this process (init's parent) execs warren-supervisor from
 * EXE_FD (opened beside the helper before the build), so that an idle container holds
 * a small static program and no more, not the helper's libraries and the heap, stack
 * and relocated pages of the helper that built it (issue 22).  If the exec fails, it
 * watches and stops the container itself.  Never returns. */
__attribute__((noreturn)) void supervisor_exec(const struct supervised *c, int exe_fd);

/* The stop, handed to the helper by warren-supervisor once its watch ended:
 * warren-helper --supervisor-stop STATE-DIR INIT-PID ID KEEPER-PID USER WHY [LOST],
 * init's pidfd at SUP_FD_INIT, her lock at SUP_FD_PASSED, the keeper's pipes after. */
#define SUPERVISOR_STOP_FLAG "--supervisor-stop"

/* warren-helper --supervisor-stop (ARGV after the flag): check that what it was handed
 * is its container's (init and the keeper are children of this process, the
 * descriptors theirs, her lock held), then supervisor_stop.  Returns only when
 * refused. */
int supervisor_stop_main(int argc, char **argv);

/* The stop of C, whose watch ended as END says (her lock held): reap init, record her
 * network limits met, remove what the container left on the host
 * (container_cleanup), release her lease, record the stop.  Never returns. */
__attribute__((noreturn)) void supervisor_stop(const struct supervised *c,
					       const struct watch_end *end);

/* Remove the host-side remains of USER's stopped container (lock held): its sessions,
 * cgroups, devpts mount and runtime state.  Every step is tried; the first failure is
 * recorded in ERR and the later ones are logged as warnings. */
int container_cleanup(const char *user, const struct cgroup_set *cg, struct error *err);

#endif
