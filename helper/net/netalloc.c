/* netalloc.c - users' slots in the bridged network (see netalloc.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/names.h"
#include "net/netalloc.h"

#define SLOTS_FILE_MAX (4 << 20) /* 65536 users of 32 characters, and more */

/* One "USER SLOT" line [P, P+LEN) into NAME and *SLOT; false if it is not one. */
static bool parse_line(const char *p, size_t len, char name[33], uint32_t *slot)
{
	const char *sp = memchr(p, ' ', len);
	unsigned long long v = 0;
	size_t n;

	if (!sp || (size_t)(sp - p) > 32)
		return false;
	n = (size_t)(sp - p);
	memcpy(name, p, n);
	name[n] = '\0';
	if (!name_is_valid(name) || sp + 1 == p + len)
		return false;
	for (const char *d = sp + 1; d < p + len; d++) {
		if (*d < '0' || *d > '9' || v > 0xffffffffULL)
			return false;
		v = v * 10 + (unsigned)(*d - '0');
	}
	if (v > 0xffffffffULL)
		return false;
	*slot = (uint32_t)v;
	return true;
}

int netalloc_find(const char *text, const char *user, uint32_t nslots, uint32_t *ret_slot,
		  unsigned *ret_line)
{
	_cleanup_free_ unsigned char *used = calloc((nslots + 7) / 8 + 1, 1);
	unsigned line = 0;

	if (!used)
		return -ENOMEM;
	for (const char *p = text, *eol; *p; p = *eol ? eol + 1 : eol) {
		char name[33];
		uint32_t slot;

		eol = strchrnul(p, '\n');
		line++;
		if (eol == p)
			continue;
		if (!parse_line(p, (size_t)(eol - p), name, &slot)) {
			*ret_line = line;
			return -EBADMSG;
		}
		if (!strcmp(name, user)) {
			*ret_slot = slot;
			return 0;
		}
		if (slot < nslots)
			used[slot / 8] |= (unsigned char)(1u << (slot % 8));
	}
	for (uint32_t s = 0; s < nslots; s++)
		if (!(used[s / 8] & (1u << (s % 8)))) {
			*ret_slot = s;
			return 1;
		}
	return -ENOSPC;
}

/* TEXT plus "USER SLOT" written as DIR's slots file, replacing it in one rename. */
static int record(int dir, const char *text, const char *user, uint32_t slot)
{
	char line[64];
	const char *sep = text[0] && text[strlen(text) - 1] != '\n' ? "\n" : "";

	snprintf(line, sizeof(line), "%s %u\n", user, slot);
	return write_replace(dir, LAYOUT_SLOTS, (const char *const[]){ text, sep, line, NULL },
			     WRITE_DURABLE);
}

/* DIR's slots file (empty if missing) into *RET. */
static int read_slots(int dir, char **ret)
{
	_cleanup_close_ int fd = openat(dir, LAYOUT_SLOTS, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_free_ char *text = malloc(SLOTS_FILE_MAX);
	ssize_t n, got = 0;

	if (!text)
		return -ENOMEM;
	if (fd < 0 && errno != ENOENT)
		return -errno;
	while (fd >= 0 && (n = read(fd, text + got, SLOTS_FILE_MAX - 1 - (size_t)got)) > 0)
		got += n;
	if (fd >= 0 && got >= SLOTS_FILE_MAX - 1)
		return -EFBIG;
	text[got] = '\0';
	*ret = TAKE_PTR(text);
	return 0;
}

int netalloc_get(const char *state_dir, const char *user, uint32_t nslots, uint32_t *ret_slot,
		 struct error *err)
{
	_cleanup_close_ int dir = -EBADF, lock = -EBADF;
	_cleanup_free_ char *text = NULL;
	char path[4200];
	unsigned line = 0;
	uint32_t slot;
	int r;

	if ((dir = layout_open_network(state_dir, err)) < 0)
		return dir;
	layout_network_dir(state_dir, path, sizeof(path));
	/* One lock for every login: a slot is decided and recorded under it. */
	lock = openat(dir, LAYOUT_SLOTS_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lock < 0)
		return error_errno(err, -errno, "cannot open %s/" LAYOUT_SLOTS_LOCK, path);
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return error_errno(err, -errno, "cannot lock %s/" LAYOUT_SLOTS_LOCK, path);
	if ((r = read_slots(dir, &text)) < 0)
		return error_errno(err, r, "cannot read %s/" LAYOUT_SLOTS, path);
	r = netalloc_find(text, user, nslots, &slot, &line);
	if (r == -EBADMSG)
		return error_set(err, r, "%s/" LAYOUT_SLOTS ":%u: not \"USER SLOT\"; the file is "
				 "warren's: restore it from a backup rather than edit it", path, line);
	if (r == -ENOSPC)
		return error_set(err, r, "no address left for %s: all %u of the bridge's subnet are "
				 "taken; give bridge.subnet a shorter prefix", user, nslots);
	if (r < 0)
		return error_errno(err, r, "cannot allocate an address for %s", user);
	if (r == 0 && slot >= nslots)
		return error_set(err, -ERANGE, "the address of %s (slot %u) is outside bridge.subnet, "
				 "which holds %u: the subnet was made smaller; make it larger again",
				 user, slot, nslots);
	if (r == 1 && (r = record(dir, text, user, slot)) < 0)
		return error_errno(err, r, "cannot record the address of %s in %s/" LAYOUT_SLOTS, user,
				   path);
	*ret_slot = slot;
	return 0;
}

int netalloc_lookup(const char *state_dir, const char *user, uint32_t *ret_slot)
{
	_cleanup_close_ int dir = -EBADF;
	_cleanup_free_ char *text = NULL;
	char path[4200];
	unsigned line;
	int r;

	dir = open(layout_network_dir(state_dir, path, sizeof(path)),
		   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if ((r = read_slots(dir, &text)) < 0)
		return r;
	r = netalloc_find(text, user, 0, ret_slot, &line);
	return r == 0 ? 0 : r == -EBADMSG ? r : -ENOENT;
}
