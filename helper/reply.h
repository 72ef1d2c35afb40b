/* reply.h - the helper's answer to pam_warren (see protocol.h). */
#ifndef WARREN_REPLY_H
#define WARREN_REPLY_H

/* Send TEXT as one message on FD, with PASS_FD attached if >= 0.  When FD is not a
 * socket (the helper run by hand) the text is written and PASS_FD dropped. */
int reply_send(int fd, const char *text, int pass_fd);

#endif
