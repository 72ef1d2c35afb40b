/* refuse.c - warren-refuse: what a jailed user's shell and sftp-server are on the host.
 *
 * pam_warren binds this over them in the mount namespace of sshd's monitor.  A session
 * that joined its container never sees it (it runs the container's own binaries); one
 * that did not - the PAM wiring is broken - runs this instead of a host shell.
 */
#include <stdio.h>
#include <syslog.h>

int main(void)
{
	openlog("warren-refuse", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_ERR, "a jailed session reached the host instead of its container; refused "
			"(check the pam_warren lines in the PAM service)");
	fprintf(stderr, "warren: this login could not be placed in its container; refused.\n");
	return 1;
}
