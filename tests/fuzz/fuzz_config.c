/* fuzz_config.c - libFuzzer target: the config loader (config_parse_string), which every
 * login runs on a file an admin wrote.  Whatever the bytes, it returns a config or an
 * error with a line, and frees what it made (ASan and UBSan say otherwise). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct warren_config *c = NULL;
	struct config_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_parse_string(text, "fuzz.conf", &c, NULL, &err) == 0)
		config_free(c);
	free(text);
	return 0;
}
