/* termfilter.c - what a container's output may not do to the admin's terminal (see
 * termfilter.h).  The states follow the terminals' own parser (Paul Williams' VT500
 * state machine, as xterm and VTE implement it) where it matters for what passes. */
#include <string.h>

#include "container/termfilter.h"

enum {
	GROUND,       /* text */
	ESC,          /* an ESC, held */
	CSI,          /* ESC [ and its parameters, held until the final byte */
	CSI_DROP,     /* a CSI too long to hold: dropped to its final byte */
	OSC_NUM,      /* ESC ] and the digits of its number, held */
	OSC,          /* an OSC that passes, to BEL or ESC */
	DROP_OSC,     /* OSC 52 or 50, dropped to BEL or ST */
	DROP_OSC_ESC, /* an ESC in it: a '\' makes ST */
	DROP_STR,     /* DCS, SOS, PM, APC, dropped to ST */
	DROP_STR_ESC,
};

#define BEL 0x07
#define CAN 0x18
#define SUB 0x1a
#define ESCAPE 0x1b

void term_filter_init(struct term_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->state = GROUND;
}

static void put(char *out, size_t *k, unsigned char c)
{
	out[(*k)++] = (char)c;
}

/* What is held goes out, in front of what comes next. */
static void flush(struct term_filter *f, char *out, size_t *k)
{
	memcpy(out + *k, f->held, f->n_held);
	*k += f->n_held;
	f->n_held = 0;
}

static void hold_escape(struct term_filter *f)
{
	f->n_held = 0;
	f->held[f->n_held++] = ESCAPE;
	f->state = ESC;
}

static void step(struct term_filter *f, unsigned char c, char *out, size_t *k)
{
	switch (f->state) {
	case GROUND:
		if (c == ESCAPE)
			hold_escape(f);
		else
			put(out, k, c);
		return;
	case ESC:
		if (c == '[' || c == ']') {
			f->held[f->n_held++] = (char)c;
			f->osc = 0;
			f->state = c == '[' ? CSI : OSC_NUM;
		} else if (c == 'P' || c == 'X' || c == '^' || c == '_') {
			f->n_held = 0;
			f->state = DROP_STR;
		} else if (c == ESCAPE) {
			flush(f, out, k);
			hold_escape(f);
		} else if (c == CAN || c == SUB) { /* the terminal cancels the ESC */
			f->n_held = 0;
			put(out, k, c);
			f->state = GROUND;
		} else {
			flush(f, out, k);
			put(out, k, c);
			f->state = GROUND;
		}
		return;
	case CSI:
		if (c >= 0x20 && c <= 0x3f) { /* parameters and intermediates */
			if (f->n_held == TERM_FILTER_HOLD) {
				f->n_held = 0;
				f->state = CSI_DROP;
			} else {
				f->held[f->n_held++] = (char)c;
			}
		} else if (c >= 0x40 && c <= 0x7e) { /* the final byte: 't' is a window op */
			if (c == 't') {
				f->n_held = 0;
			} else {
				flush(f, out, k);
				put(out, k, c);
			}
			f->state = GROUND;
		} else if (c == ESCAPE) { /* the terminal abandons the CSI */
			hold_escape(f);
		} else if (c == CAN || c == SUB || c >= 0x80) {
			f->n_held = 0;
			put(out, k, c);
			f->state = GROUND;
		} else { /* a C0 control or DEL inside: the terminal acts on it at once */
			put(out, k, c);
		}
		return;
	case CSI_DROP:
		if (c >= 0x40 && c <= 0x7e) {
			f->state = GROUND;
		} else if (c == ESCAPE) {
			hold_escape(f);
		} else if (c == CAN || c == SUB) {
			put(out, k, c);
			f->state = GROUND;
		}
		return;
	case OSC_NUM:
		if (c >= '0' && c <= '9' && f->n_held < TERM_FILTER_HOLD) {
			f->held[f->n_held++] = (char)c;
			if (f->osc < 100000)
				f->osc = f->osc * 10 + (c - '0');
			return;
		}
		if (f->osc == 52 || f->osc == 50) {
			f->n_held = 0;
			f->state = c == BEL ? GROUND : c == ESCAPE ? DROP_OSC_ESC : DROP_OSC;
			return;
		}
		flush(f, out, k);
		f->state = OSC;
		step(f, c, out, k);
		return;
	case OSC:
		if (c == ESCAPE) {
			hold_escape(f);
		} else {
			put(out, k, c);
			if (c == BEL || c == CAN || c == SUB)
				f->state = GROUND;
		}
		return;
	case DROP_OSC:
		if (c == BEL)
			f->state = GROUND;
		else if (c == ESCAPE)
			f->state = DROP_OSC_ESC;
		return;
	case DROP_STR:
		if (c == ESCAPE)
			f->state = DROP_STR_ESC;
		return;
	case DROP_OSC_ESC:
	case DROP_STR_ESC:
		if (c == '\\') {
			f->state = GROUND;
			return;
		}
		f->state = f->state == DROP_OSC_ESC ? DROP_OSC : DROP_STR;
		step(f, c, out, k);
		return;
	}
}

size_t term_filter(struct term_filter *f, const char *in, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		/* U+0080..U+009F, the C1 controls in UTF-8: dropped, wherever they are. */
		if (f->c2) {
			f->c2 = false;
			if (c >= 0x80 && c <= 0x9f)
				continue;
			step(f, 0xc2, out, &k);
		}
		if (c == 0xc2)
			f->c2 = true;
		else
			step(f, c, out, &k);
	}
	return k;
}
