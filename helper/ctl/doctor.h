/* ctl_doctor.h - warrenctl doctor: what on this host keeps warren from working, or
 * from working safely, each with its fix. */
#ifndef WARREN_CTL_DOCTOR_H
#define WARREN_CTL_DOCTOR_H

/* Check the kernel, cgroups, loop devices, the config at CONFIG_PATH, sshd's PAM
 * wiring and settings, every jailed user's subordinate ids and the syslog socket;
 * print one line per check ("ok", "note", or "PROBLEM" with a "fix:" line).  The
 * exit status: 0 when there is no problem (notes allowed), 1 otherwise. */
int ctl_doctor(const char *config_path);

#endif
