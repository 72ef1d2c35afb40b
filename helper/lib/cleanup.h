/* cleanup.h - scope-bound cleanup for fds and heap memory (systemd/bubblewrap style).
 *
 * Shared by the helper and the PAM module.  Fds start at -EBADF so that a
 * cleanup on an unused variable is a no-op; TAKE_FD/TAKE_PTR hand ownership on.
 */
#ifndef WARREN_CLEANUP_H
#define WARREN_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void close_pairp(int (*pair)[2])
{
	closep(&(*pair)[0]);
	closep(&(*pair)[1]);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_close_pair_ _cleanup_(close_pairp)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _p = (p);                                        \
		(p) = NULL;                                                    \
		_p;                                                            \
	})

#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _fd = (fd);                                                \
		(fd) = -EBADF;                                                 \
		_fd;                                                           \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
