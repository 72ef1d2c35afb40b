/* tool.h - run a host tool (mkfs.ext4, e2fsck, resize2fs, cp, rm) the safe way: a fixed
 * argv, an empty environment, no shell (DESIGN §5.4). */
#ifndef WARREN_TOOL_H
#define WARREN_TOOL_H

/* Run ARGV[0] with ARGV and wait; its stdio is /dev/null.  Returns its exit status
 * (128 + signal if it was killed), or -errno if it could not be started. */
int tool_run(const char *const argv[]);

#endif
