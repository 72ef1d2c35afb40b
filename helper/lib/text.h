/* text.h - text from elsewhere (NSS names, error messages with them, warren's record)
 * made safe for a terminal and for one line of a log; texts told apart by a hash. */
#ifndef WARREN_TEXT_H
#define WARREN_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Replace, in place, every byte of S that a terminal could take for more than a
 * character with MASK: C0 controls and DEL, and bytes >= 0x80 unless they form valid
 * UTF-8 (shortest form, no surrogates, at most U+10FFFF) of a character other than the
 * C1 controls (U+0080..U+009F, which 8-bit terminals read as CSI, OSC...). */
void text_mask(char *s, char mask);

/* The length of the character at S that text_mask keeps (1 to 4 bytes), or 0 for a byte
 * it masks. */
size_t text_char_len(const char *s);

/* FNV-1a of TEXT, 64 bits: enough to tell versions of a text apart (a config file, the
 * firewall's destinations), not a security measure. */
uint64_t text_hash(const char *text);

#endif
