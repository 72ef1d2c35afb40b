/* usermgr.c - would a user manager start for a jailed login (see usermgr.h)? */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/cleanup.h"
#include "policy/usermgr.h"

/* PAM's own includes go a few files deep; past this, a loop. */
#define INCLUDE_DEPTH_MAX 8

int usermgr_service_valid(const char *service)
{
	size_t n = strlen(service);

	return n > 0 && n <= 64 && service[0] != '.' &&
	       strspn(service, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* The next word of *P (blanks around it skipped) into a NUL-terminated piece of the
 * line; a control in [ ] is one word.  NULL at the end of the line. */
static char *next_word(char **p)
{
	char *s = *p + strspn(*p, " \t"), *e;

	if (!*s)
		return NULL;
	e = *s == '[' ? strchr(s, ']') : NULL;
	e = e ? e + 1 : s + strcspn(s, " \t");
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

/* The module's file name, without its directory. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int stack_calls_systemd(const char *root, const char *service, int depth, char *why,
			       size_t len);

/* One line of a PAM file (FILE:LINE), comment cut: 1 if it calls pam_systemd for the
 * session, itself or through what it includes. */
static int line_calls_systemd(const char *root, char *text, const char *file, int line,
			      int depth, char *why, size_t len)
{
	char *p = text, *type = next_word(&p), *control, *module;

	if (!type)
		return 0;
	if (!strcmp(type, "@include"))
		return (module = next_word(&p)) ? stack_calls_systemd(root, module, depth + 1, why, len)
						 : 0;
	if (strcmp(type[0] == '-' ? type + 1 : type, "session") != 0)
		return 0;
	control = next_word(&p);
	module = next_word(&p);
	if (!control || !module)
		return 0;
	if (!strcmp(control, "include") || !strcmp(control, "substack"))
		return stack_calls_systemd(root, module, depth + 1, why, len);
	if (strcmp(base_name(module), "pam_systemd.so") != 0)
		return 0;
	snprintf(why, len, "pam_systemd is in the session stack: %s:%d", file, line);
	return 1;
}

/* Does SERVICE's file call pam_systemd for the session?  A file an include names that
 * does not exist calls nothing (PAM fails that stack); the service's own is -ENOENT. */
static int stack_calls_systemd(const char *root, const char *service, int depth, char *why,
			       size_t len)
{
	_cleanup_fclose_ FILE *f = NULL;
	char file[4096], text[1024];
	int line = 0, r;

	if (!usermgr_service_valid(service) || depth > INCLUDE_DEPTH_MAX)
		return 0;
	snprintf(file, sizeof(file), "%s" USERMGR_PAM_DIR "/%s", root, service);
	f = fopen(file, "re");
	if (!f) {
		if (depth > 0 && errno == ENOENT)
			return 0;
		r = -errno;
		snprintf(why, len, "cannot read %s: %s", file, strerror(-r));
		return r;
	}
	while (fgets(text, sizeof(text), f)) {
		line++;
		text[strcspn(text, "#\n")] = '\0';
		if ((r = line_calls_systemd(root, text, file, line, depth, why, len)) != 0)
			return r;
	}
	return 0;
}

/* Does install.sh's drop-in hold back the user managers of jailed users? */
static bool dropin_holds_back(const char *root)
{
	_cleanup_fclose_ FILE *f = NULL;
	char file[4096], text[1024];

	snprintf(file, sizeof(file), "%s" USERMGR_DROPIN, root);
	f = fopen(file, "re");
	while (f && fgets(text, sizeof(text), f))
		if (text[strspn(text, " \t")] != '#' && strstr(text, "ExecCondition=") &&
		    strstr(text, "warren-helper check-user"))
			return true;
	return false;
}

int usermgr_would_start(const char *root, const char *service, char *why, size_t len)
{
	int r;

	if (!usermgr_service_valid(service)) {
		snprintf(why, len, "\"%.64s\" is not a PAM service name", service);
		return -EINVAL;
	}
	r = stack_calls_systemd(root, service, 0, why, len);
	if (r <= 0) {
		if (r == 0)
			snprintf(why, len, "no pam_systemd in the session stack of %s" USERMGR_PAM_DIR
				 "/%s", root, service);
		return r;
	}
	if (dropin_holds_back(root)) {
		snprintf(why, len, "pam_systemd is in the session stack of %s, but %s" USERMGR_DROPIN
			 " starts no user manager for a jailed user", service, root);
		return 0;
	}
	return 1;
}
