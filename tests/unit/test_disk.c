/* test_disk.c - a user's disk image made and checked with e2fsprogs (storage/disk.c):
 * what it leaves, and what an admin reads when the tools fail. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "storage/disk.h"

static char dir[] = "/tmp/warren-test-disk.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void image_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* After the prefix "TOOL PATH failed (exit N): ", the tool's own words, on one line. */
static void assert_says_why(const char *msg, const char *prefix)
{
	const char *why;

	if (strncmp(msg, prefix, strlen(prefix)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", msg, prefix);
	why = strstr(msg, "): ");
	assert_non_null(why);
	why += 3;
	if (!*why || !strncmp(why, "it said nothing", 15) || strchr(msg, '\n'))
		fail_msg("no reason of the tool's own, on one line: \"%s\"", msg);
}

static void test_create(void **state)
{
	unsigned char magic[2];
	struct error err = { 0 };
	struct stat st;
	char path[128];
	int fd;

	(void)state;
	image_path("her.ext4", path, sizeof(path));
	assert_int_equal(disk_create(path, 8 << 20, false, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 8 << 20);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* Allocated, not sparse (disk.c: a sparse image promises space the host may lack). */
	assert_true(st.st_blocks * 512 >= 8 << 20);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, magic, 2, 1024 + 0x38), 2); /* ext4's s_magic, 0xEF53 */
	close(fd);
	assert_int_equal(magic[0] | magic[1] << 8, 0xEF53);

	/* Never over a file that is there. */
	err = (struct error){ 0 };
	assert_int_equal(disk_create(path, 8 << 20, false, &err), -EEXIST);
	assert_non_null(strstr(err.msg, path));
}

/* mkfs.ext4 refuses an image too small for an ext4: the error names the image and says
 * what mkfs said, and no half-made image is left. */
static void test_create_too_small(void **state)
{
	struct error err = { 0 };
	char path[128], prefix[192];

	(void)state;
	image_path("tiny.ext4", path, sizeof(path));
	assert_int_equal(disk_create(path, 16 << 10, false, &err), -EIO);
	snprintf(prefix, sizeof(prefix), "mkfs.ext4 %s failed (exit ", path);
	assert_says_why(err.msg, prefix);
	assert_int_equal(access(path, F_OK), -1);
}

/* An image whose superblock is gone: e2fsck's reason, and nothing resized. */
static void test_resize_broken(void **state)
{
	static const char zeros[1024];
	struct error err = { 0 };
	char path[128], prefix[192];
	struct stat st;
	int fd;

	(void)state;
	image_path("broken.ext4", path, sizeof(path));
	assert_int_equal(disk_create(path, 8 << 20, false, &err), 0);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, zeros, sizeof(zeros), 1024), (ssize_t)sizeof(zeros));
	close(fd);
	assert_int_equal(disk_resize(path, 8 << 20, 16 << 20, &err), -EIO);
	snprintf(prefix, sizeof(prefix), "e2fsck %s failed (exit ", path);
	assert_says_why(err.msg, prefix);
	assert_non_null(strstr(err.msg, "the disk was not resized"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 8 << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_too_small),
		cmocka_unit_test(test_resize_broken),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
