/* ctl_json.c - JSON strings for warrenctl (see ctl_json.h). */
#include <stdio.h>

#include "ctl/json.h"
#include "lib/text.h"

void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else if ((unsigned char)*s < 0x80)
			putchar(*s);
		else {
			/* JSON is UTF-8: a byte that is not (a name from NSS) would make the
			 * whole invalid; C1 controls would reach a terminal that shows it. */
			size_t n = text_char_len(s);

			if (n == 0) {
				putchar('?');
				continue;
			}
			fwrite(s, 1, n, stdout);
			s += n - 1;
		}
	}
	putchar('"');
}
