/* termfilter.h - what a container's output may not do to the admin's terminal.
 *
 * warren-helper enter relays a command's output, which the user controls, to the
 * admin's terminal (relay.h).  Most escape sequences only draw; a few act beyond the
 * screen, and those are dropped whole (review M3):
 *   - OSC 52, a write to (or a read of) the clipboard, which the admin may paste later
 *     into a host root shell; OSC 50, the font, which some terminals report back;
 *   - DCS, SOS, PM and APC strings (ESC P, X, ^, _): queries whose answers the terminal
 *     types as input (DECRQSS, XTGETTCAP), graphics, passthrough to an outer terminal;
 *   - CSI ... t, the window operations, among them the title reports (CSI 20 t, 21 t)
 *     that type back a title the user set;
 *   - the C1 controls encoded in UTF-8 (U+0080 to U+009F: the 8-bit CSI, OSC, DCS, ST),
 *     which some terminals in UTF-8 mode obey.  The raw 8-bit C1 bytes pass: terminals in
 *     UTF-8 mode, the norm, take them as invalid text, not controls.
 * The rest passes as is, titles (OSC 0, 1, 2) and colours included.  A dropped string
 * ends where every terminal ends it, so that nothing after it passes while a terminal
 * could still take it as part of the string: OSC 52 and 50 at BEL or ST (ESC \), the
 * others at ST only (not at CAN, SUB or another ESC, where some terminals do not end
 * them): in doubt, output is lost, never obeyed.
 *
 * A pure state machine: the sequences may be cut anywhere between two reads. */
#ifndef WARREN_TERMFILTER_H
#define WARREN_TERMFILTER_H

#include <stdbool.h>
#include <stddef.h>

/* The most term_filter holds back from one call to the next (a CSI's parameters, an
 * OSC's number; a longer CSI is dropped), and the room OUT needs for N bytes in. */
#define TERM_FILTER_HOLD 64
#define TERM_FILTER_ROOM(n) ((n) + TERM_FILTER_HOLD + 1)

struct term_filter {
	int state;          /* where in a sequence the last byte left us (termfilter.c) */
	bool c2;            /* the last byte was 0xC2, the lead byte of U+0080..U+00BF */
	unsigned osc;       /* the number of the OSC being read */
	size_t n_held;
	char held[TERM_FILTER_HOLD];
};

/* Nothing seen yet. */
void term_filter_init(struct term_filter *f);
/* IN (N bytes) through F into OUT (room for TERM_FILTER_ROOM(N)): how many bytes to
 * write.  What a sequence not yet ended holds back comes out with its end (or not at
 * all). */
size_t term_filter(struct term_filter *f, const char *in, size_t n, char *out);

#endif
