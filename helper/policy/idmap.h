/* idmap.h - the container's UID/GID maps (HACKING.md §3.2): pure computation, plus the write. */
#ifndef WARREN_IDMAP_H
#define WARREN_IDMAP_H

#include <stddef.h>
#include <sys/types.h>

/* A subordinate range from /etc/subuid or /etc/subgid. */
struct subid_range {
	unsigned long start;
	unsigned long count;
};

/* IDs 0..WARREN_ID_SPAN-1 exist inside every container. */
#define WARREN_ID_SPAN 65536UL

/* Find USER's (or its numeric ID's) first range with count >= WARREN_ID_SPAN in TEXT, the
 * contents of an /etc/subuid-format file ("name:start:count" lines, '#' comments).
 * 0 and *ret on success; -ENOENT if there is none; -ERANGE if a range is too small
 * or would overflow 32 bits (no range is used then). */
int subid_find(const char *text, const char *user, unsigned long id, struct subid_range *ret);

/* Does another entry of TEXT than USER's (or ID's) hold an ID of the span R maps
 * (R.start .. R.start+SPAN-1)?  1 and its name in OTHER (LEN), or 0.  Two users whose
 * spans meet would share host IDs: one's container root would own the other's files. */
int subid_overlap(const char *text, const char *user, unsigned long id,
		  const struct subid_range *r, char *other, size_t len);

/* Format the map for a user with host ID ID and subordinate range R:
 *   inside 0..id-1          -> R.start..            (nobody's on the host)
 *   inside id               -> host id              (identity: the user's files stay theirs)
 *   inside id+1..SPAN-1     -> R.start+id+1..
 * For id >= SPAN: "0 R.start SPAN" and "id id 1".  Returns the length written,
 * or -ENOSPC if BUF is too small, -EINVAL for a range smaller than SPAN. */
int idmap_format(unsigned long id, const struct subid_range *r, char *buf, size_t len);

/* IDs that one map keeps identity-mapped at most: her gid and her supplementary groups'.
 * Each below SPAN splits the range in two, and the kernel takes 340 lines at most. */
#define IDMAP_IDS_MAX 65

/* The same for N IDS (any order, repeats allowed; 1 to IDMAP_IDS_MAX): each identity-
 * mapped, every other inside ID x of 0..SPAN-1 from R.start+x, so that a slot
 * R.start+id stays unused for each id below SPAN: the map of a user with more groups
 * differs from hers with fewer only in those lines.  -EINVAL also if an id is unusable
 * beside R (range_usable) or N is out of bounds. */
int idmap_format_ids(const unsigned long *ids, size_t n, const struct subid_range *r, char *buf,
		     size_t len);

#endif
