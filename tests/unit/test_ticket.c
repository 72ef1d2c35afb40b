/* test_ticket.c - the helper's ticket for a warm login (wire/ticket.h): its text both
 * ways, every field checked; a change to any file it was decided from is seen, and one
 * just made keeps an answer out of a ticket; which NSS configurations may be kept in one. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/filter.h>

#include "lib/cleanup.h"
#include "wire/ticket.h"

static struct warm_ticket example(void)
{
	struct warm_ticket t = { .uid = 1001, .init_pid = 4242, .supervisor_pid = 4241,
				 .pidns_ino = 4026532001ULL, .max_sessions = 32 };

	snprintf(t.user, sizeof(t.user), "wta");
	snprintf(t.config, sizeof(t.config), "/etc/warren/warren.conf");
	snprintf(t.state_dir, sizeof(t.state_dir), "/var/lib/warren");
	snprintf(t.counter, sizeof(t.counter), "/sys/fs/cgroup/pids/warren/wta");
	snprintf(t.reply, sizeof(t.reply), "cgroup /sys/fs/cgroup/pids/warren/wta\npts_dev 42\n"
		 "gid 1001\nconfine root=0 groups= apparmor=- seccomp=default\n");
	for (int i = 0; i < TICKET_INPUTS; i++)
		t.in[i] = (struct ticket_input){ .dev = 2049, .ino = 100 + i, .size = 7 * i,
						 .mtim = { 1700000000 + i, 123456789 },
						 .ctim = { 1700000001 + i, 5 } };
	t.in[TICKET_NSSWITCH].absent = true;
	t.in[TICKET_NSSWITCH].dev = t.in[TICKET_NSSWITCH].ino = 0;
	t.seccomp_file.absent = true; /* seccomp=default */
	t.filter_len = 3;
	t.filter[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4);
	t.filter[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 0, 1);
	t.filter[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x7fff0000);
	return t;
}

static void test_round_trip(void **state)
{
	static struct warm_ticket t, back;
	static char text[TICKET_TEXT_MAX];

	t = example();
	assert_int_equal(ticket_format(&t, text, sizeof(text)), 0);
	assert_int_equal(ticket_parse(text, &back), 0);
	assert_string_equal(back.user, "wta");
	assert_int_equal(back.uid, 1001);
	assert_string_equal(back.config, t.config);
	assert_string_equal(back.state_dir, t.state_dir);
	assert_string_equal(back.counter, t.counter);
	assert_string_equal(back.reply, t.reply);
	assert_int_equal(back.init_pid, 4242);
	assert_int_equal(back.supervisor_pid, 4241);
	assert_true(back.pidns_ino == t.pidns_ino && back.max_sessions == 32);
	assert_true(ticket_inputs_same(back.in, t.in));
	assert_true(ticket_input_same(&back.seccomp_file, &t.seccomp_file));
	assert_int_equal(back.filter_len, 3);
	assert_memory_equal(back.filter, t.filter, 3 * sizeof(struct sock_filter));
	/* A profile file's identity. */
	t.seccomp_file = t.in[TICKET_CONFIG];
	assert_int_equal(ticket_format(&t, text, TICKET_TEXT_MAX), 0);
	assert_int_equal(ticket_parse(text, &back), 0);
	assert_true(ticket_input_same(&back.seccomp_file, &t.in[TICKET_CONFIG]));
	/* No bound on her logins. */
	t.max_sessions = UINT64_MAX;
	assert_int_equal(ticket_format(&t, text, sizeof(text)), 0);
	assert_int_equal(ticket_parse(text, &back), 0);
	assert_true(back.max_sessions == UINT64_MAX);
	/* Too small a buffer, no filter, a path with a newline: no text. */
	assert_int_equal(ticket_format(&t, text, 64), -ENOSPC);
	t.filter_len = 0;
	assert_int_equal(ticket_format(&t, text, sizeof(text)), -EINVAL);
	t.filter_len = 3;
	snprintf(t.config, sizeof(t.config), "/etc/warren\n/x");
	assert_int_equal(ticket_format(&t, text, sizeof(text)), -EINVAL);
}

/* The bounds of a ticket: a user name with a blank, or a filter longer than the kernel
 * takes, is never written, nor read back; a value too long for its field, or an empty
 * one, is no ticket; a buffer one byte short of the text and its NUL is -ENOSPC. */
static void test_bounds(void **state)
{
	static struct warm_ticket t, back;
	static char text[TICKET_TEXT_MAX], bad[2 * TICKET_TEXT_MAX];
	char *at, *eol;
	size_t len;

	t = example();
	snprintf(t.user, sizeof(t.user), "wt a");
	assert_int_equal(ticket_format(&t, text, sizeof(text)), -EINVAL);
	t = example();
	t.filter_len = BPF_MAXINSNS + 1;
	assert_int_equal(ticket_format(&t, text, sizeof(text)), -EINVAL);
	t = example();
	assert_int_equal(ticket_format(&t, text, sizeof(text)), 0);
	len = strlen(text);
	assert_int_equal(ticket_format(&t, bad, len + 2), 0);
	assert_string_equal(bad, text);
	/* No room for the NUL, or none to tell the text from one cut short (fmemopen). */
	assert_int_equal(ticket_format(&t, bad, len + 1), -ENOSPC);
	assert_int_equal(ticket_format(&t, bad, len), -ENOSPC);
	/* A filter of BPF_MAXINSNS + 1 instructions. */
	at = strstr(text, "\nfilter ") + 8;
	eol = strchr(at, '\n');
	len = (size_t)snprintf(bad, sizeof(bad), "%.*s", (int)(at - text), text);
	for (size_t i = 0; i < (BPF_MAXINSNS + 1) * sizeof(struct sock_filter); i++)
		len += (size_t)snprintf(bad + len, sizeof(bad) - len, "06");
	snprintf(bad + len, sizeof(bad) - len, "%s", eol);
	assert_int_equal(ticket_parse(bad, &back), -EBADMSG);
	/* A config path longer than its field; an empty one. */
	at = strstr(text, "\nconfig ") + 8;
	eol = strchr(at, '\n');
	len = (size_t)snprintf(bad, sizeof(bad), "%.*s/", (int)(at - text), text);
	for (size_t i = 0; i < sizeof(t.config); i++)
		bad[len++] = 'c';
	snprintf(bad + len, sizeof(bad) - len, "%s", eol);
	assert_int_equal(ticket_parse(bad, &back), -EBADMSG);
	snprintf(bad, sizeof(bad), "%.*s%s", (int)(at - text), text, eol);
	assert_int_equal(ticket_parse(bad, &back), -EBADMSG);
}

/* Each line of a good ticket, taken out, doubled, or changed, makes it no ticket. */
static void test_every_field_checked(void **state)
{
	static struct warm_ticket t, back;
	static const char *const changed[][2] = {
		{ "warren-ticket 3", "warren-ticket 2" },
		{ "user wta 1001", "user wta" },
		{ "user wta 1001", "user wta 1001 7" },
		{ "container 4242 4241", "container 1 4241" },
		{ "container 4242 4241", "container 4242 0" },
		{ "max_sessions 32", "max_sessions x" },
		/* Numbers are digits alone: no sign, no blank, nothing past their range. */
		{ "user wta 1001", "user " },
		{ "user wta 1001", "user wta -1" },
		{ "user wta 1001", "user wta +1001" },
		{ "user wta 1001", "user wta  1001" },
		{ "user wta 1001", "user wta 4294967295" },
		{ "container 4242 4241", "container 4242 -4241" },
		{ "container 4242 4241", "container 2147483648 4241" },
		{ "container 4242 4241", "container 4242 4241 " },
		{ "max_sessions 32", "max_sessions -1" },
		{ "max_sessions 32", "max_sessions 18446744073709551616" },
		{ "input 0 0 2049", "input 5 0 2049" },
		{ "input 0 0 2049", "input 0 2 2049" },
		{ "input 1 0 2049", "input 0 0 2049" }, /* input 0 twice, input 1 never */
		{ "counter /sys", "counter" },
		{ "\nreply\n", "\nreplies\n" },
		{ "filter 2000", "filter 200" },       /* half a byte */
		{ "filter 2000", "filter 2x00" },      /* not hex */
		{ "filter 2000", "filter 20002000" }, /* not whole instructions */
		{ "seccomp_file 1 ", "seccomp_file 2 " },
	};
	static char good[TICKET_TEXT_MAX], text[2 * TICKET_TEXT_MAX + 1];

	t = example();
	assert_int_equal(ticket_format(&t, good, sizeof(good)), 0);
	for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++) {
		char *at = strstr(good, changed[i][0]);

		assert_non_null(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, changed[i][1],
			 at + strlen(changed[i][0]));
		if (ticket_parse(text, &back) != -EBADMSG)
			fail_msg("changed \"%s\" to \"%s\": still a ticket", changed[i][0], changed[i][1]);
	}
	/* Each of the lines before the reply, left out or doubled. */
	for (char *line = good; *line && strncmp(line, "reply\n", 6); line = strchr(line, '\n') + 1) {
		size_t len = (size_t)(strchr(line, '\n') + 1 - line);

		snprintf(text, sizeof(text), "%.*s%s", (int)(line - good), good, line + len);
		if (ticket_parse(text, &back) != -EBADMSG)
			fail_msg("without \"%.*s\": still a ticket", (int)len - 1, line);
		if (line == good)
			continue; /* the magic line twice is a line of no field */
		snprintf(text, sizeof(text), "%.*s%s", (int)(line - good + len), good, line);
		if (ticket_parse(text, &back) != -EBADMSG)
			fail_msg("with \"%.*s\" twice: still a ticket", (int)len - 1, line);
	}
	/* No reply after the line that starts it. */
	snprintf(text, sizeof(text), "%.*s", (int)(strstr(good, "reply\n") + 6 - good), good);
	assert_int_equal(ticket_parse(text, &back), -EBADMSG);
}

static void test_inputs_change(void **state)
{
	struct warm_ticket t = example();
	struct ticket_input b[TICKET_INPUTS];

	for (int i = 0; i < TICKET_INPUTS; i++)
		for (int field = 0; field < 7; field++) {
			memcpy(b, t.in, sizeof(b));
			switch (field) {
			case 0: b[i].dev++; break;
			case 1: b[i].ino++; break;
			case 2: b[i].size++; break;
			case 3: b[i].mtim.tv_nsec++; break;
			case 4: b[i].ctim.tv_sec++; break;
			case 5: b[i].absent = !b[i].absent; break;
			default: b[i].ctim.tv_nsec++; break;
			}
			if (ticket_inputs_same(t.in, b))
				fail_msg("input %d, field %d changed: taken as the same", i, field);
		}
	memcpy(b, t.in, sizeof(b));
	assert_true(ticket_inputs_same(t.in, b));
}

/* The inputs of real files: a file rewritten is seen, the same file is the same. */
static void test_inputs_read(void **state)
{
	char config[] = "/tmp/test_ticket.XXXXXX";
	struct ticket_input a[TICKET_INPUTS], b[TICKET_INPUTS];
	int fd = mkstemp(config);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	assert_int_equal(ticket_inputs_read(config, NULL, a), 0);
	assert_int_equal(ticket_inputs_read(config, NULL, b), 0);
	assert_true(ticket_inputs_same(a, b));
	assert_int_equal(write(fd, "y", 1), 1);
	assert_int_equal(ticket_inputs_read(config, NULL, b), 0);
	assert_false(ticket_inputs_same(a, b));
	close(fd);
	unlink(config);
	assert_int_equal(ticket_inputs_read(config, NULL, b), 0);
	assert_true(b[TICKET_CONFIG].absent);
	assert_false(ticket_inputs_same(a, b));
}

/* TEXT as an nsswitch.conf: where it sends users and groups. */
static enum ticket_nss nss_of(const char *text)
{
	char path[] = "/tmp/test_ticket_nss.XXXXXX";
	int fd = mkstemp(path);
	enum ticket_nss r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	r = ticket_nss_sources(path);
	unlink(path);
	return r;
}

static void test_nss_sources(void **state)
{
	assert_int_equal(nss_of("passwd: files\ngroup: files\n"), TICKET_NSS_FILES);
	assert_int_equal(nss_of("# Debian's\npasswd:         files systemd\ngroup:          files systemd\n"
				"shadow: files\nhosts: files dns\n"), TICKET_NSS_FILES_SYSTEMD);
	assert_int_equal(nss_of("passwd: files\ngroup: files systemd\n"), TICKET_NSS_FILES_SYSTEMD);
	/* As glibc (2.33 and later) reads it: any blanks before the name and before the
	 * colon, or none; a comment is a line whose name begins with "#". */
	assert_int_equal(nss_of("  passwd : files\n\tgroup\t: files\n"), TICKET_NSS_FILES);
	assert_int_equal(nss_of("\vpasswd files\r\n#group: sss\ngroup:files\n"), TICKET_NSS_FILES);
	for (const char *const *other = (const char *const[]){
		     "passwd: files sss\ngroup: files sss\n",
		     "passwd: files\ngroup: files ldap\n",
		     "passwd: compat\ngroup: compat\n",
		     "passwd: systemd files\ngroup: files\n",
		     "passwd: files systemd systemd\ngroup: files\n",
		     "passwd: files [NOTFOUND=return] systemd\ngroup: files\n",
		     "passwd: files\n",                              /* group from glibc's default */
		     "passwd: files\ngroup: files\ngroup: sss\n",    /* which one counts? */
		     "passwd: files\ngroup: files\ninitgroups: sss\n", /* her groups elsewhere */
		     "passwd:\ngroup: files\n",
		     "passwd: files systemd files\ngroup: files\n",
		     /* glibc loads libnss_#.so.2, then sss: "#" after a source is no comment */
		     "passwd: files\ngroup: files # sss\n",
		     "passwd: files #sss\ngroup: files\n",
		     /* a second group line, without its colon, or after a \v: glibc's last */
		     "passwd: files\ngroup: files\ngroup files sss\n",
		     "passwd: files\ngroup: files\n\vgroup: sss\n",
		     NULL }; *other; other++)
		if (nss_of(*other) != TICKET_NSS_OTHER)
			fail_msg("\"%s\" is taken as files", *other);
	assert_int_equal(ticket_nss_sources("/nonexistent/nsswitch.conf"), TICKET_NSS_OTHER);
	/* A line longer than is read at once is not read in pieces. */
	{
		static char text[2048];

		snprintf(text, sizeof(text), "passwd: files\ngroup: files\nhosts: files%01200d\n", 0);
		assert_int_equal(nss_of(text), TICKET_NSS_OTHER);
	}
}

/* The drop-in directories are nss-systemd's own: the list of them in the library this
 * host has (a run of NUL-ended strings from "/etc/userdb" on, systemd's userdb-dropin.c)
 * is ticket_userdb_dirs, in its order. */
static void test_userdb_dirs(void **state)
{
	void *lib = dlopen("libnss_systemd.so.2", RTLD_LAZY | RTLD_LOCAL);
	struct link_map *map = NULL;
	_cleanup_free_ char *data = NULL;
	size_t size = 0, n = 0;
	FILE *f;
	char *at;

	if (!lib || dlinfo(lib, RTLD_DI_LINKMAP, &map) < 0 || !(f = fopen(map->l_name, "re")))
		fail_msg("libnss_systemd.so.2 cannot be read: %s (install libnss-systemd)", dlerror());
	data = malloc(64 << 20);
	assert_non_null(data);
	size = fread(data, 1, 64 << 20, f);
	fclose(f);
	at = memmem(data, size, "/etc/userdb", sizeof("/etc/userdb"));
	assert_non_null(at);
	for (; at < data + size && *at == '/'; at += strlen(at) + 1, n++) {
		if (n >= ELEMENTSOF(ticket_userdb_dirs))
			fail_msg("nss-systemd reads %s too, not an input of the ticket", at);
		assert_string_equal(at, ticket_userdb_dirs[n]);
	}
	assert_int_equal(n, ELEMENTSOF(ticket_userdb_dirs));
	dlclose(lib);
}

/* Files and systemd are local only where systemd has no records of its own. */
static void test_users_local(void **state)
{
	char nss[] = "/tmp/test_ticket_nss.XXXXXX", services[] = "/tmp/test_ticket_svc.XXXXXX";
	struct ticket_input in[TICKET_INPUTS] = { 0 };
	char path[64];
	int fd = mkstemp(nss);

	assert_true(fd >= 0 && mkdtemp(services));
	assert_true(write(fd, "passwd: files systemd\ngroup: files systemd\n", 44) == 44);
	close(fd);
	for (int i = TICKET_USERDB_ETC; i <= TICKET_USERDB_LIB; i++)
		in[i].absent = true;
	/* systemd's own services alone: nothing to add. */
	for (const char *const *own = (const char *const[]){ "io.systemd.Multiplexer",
			"io.systemd.NameServiceSwitch", "io.systemd.DynamicUser", NULL }; *own; own++) {
		snprintf(path, sizeof(path), "%s/%s", services, *own);
		close(open(path, O_CREAT | O_WRONLY, 0600));
	}
	assert_true(ticket_users_local(in, nss, services));
	assert_true(ticket_users_local(in, nss, "/nonexistent/userdb"));
	/* A drop-in directory, or systemd-homed: records no file of ours shows. */
	in[TICKET_USERDB_ETC].absent = false;
	assert_false(ticket_users_local(in, nss, services));
	in[TICKET_USERDB_ETC].absent = true;
	snprintf(path, sizeof(path), "%s/io.systemd.Home", services);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_false(ticket_users_local(in, nss, services));
	unlink(path);
	assert_true(ticket_users_local(in, nss, services));
	/* Each userdb directory counts, the last of them too. */
	for (int i = TICKET_USERDB_ETC; i <= TICKET_USERDB_LIB; i++) {
		in[i].absent = false;
		if (ticket_users_local(in, nss, services))
			fail_msg("input %d present: still local", i);
		in[i].absent = true;
	}
	/* Services that cannot be listed (not a directory) are not known to be systemd's. */
	assert_false(ticket_users_local(in, nss, nss));
	for (const char *const *own = (const char *const[]){ "io.systemd.Multiplexer",
			"io.systemd.NameServiceSwitch", "io.systemd.DynamicUser", NULL }; *own; own++) {
		snprintf(path, sizeof(path), "%s/%s", services, *own);
		unlink(path);
	}
	rmdir(services);
	unlink(nss);
}

/* A file that changed just before the look: no ticket (its time is a coarse clock's). */
static void test_settled(void **state)
{
	struct warm_ticket t = example();
	struct timespec now = { 1700000100, 0 };

	assert_true(ticket_inputs_settled(t.in, now));
	t.in[TICKET_GROUP].ctim = (struct timespec){ 1700000099, 990000000 };
	assert_false(ticket_inputs_settled(t.in, now));
	t.in[TICKET_GROUP].ctim = (struct timespec){ 1700000099, 0 };
	t.in[TICKET_CONFIG].mtim = now;
	assert_false(ticket_inputs_settled(t.in, now));
	/* Exactly the settling time before: settled. */
	t.in[TICKET_CONFIG].mtim = (struct timespec){ 1700000099, 950000000 };
	t.in[TICKET_GROUP].ctim = (struct timespec){ 1700000099, 950000000 };
	assert_true(ticket_inputs_settled(t.in, now));
	t.in[TICKET_CONFIG].mtim = now;
	/* An absent file has no time. */
	t.in[TICKET_CONFIG].absent = true;
	assert_true(ticket_inputs_settled(t.in, now));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_field_checked),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_inputs_change),
		cmocka_unit_test(test_inputs_read),
		cmocka_unit_test(test_nss_sources),
		cmocka_unit_test(test_userdb_dirs),
		cmocka_unit_test(test_users_local),
		cmocka_unit_test(test_settled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
