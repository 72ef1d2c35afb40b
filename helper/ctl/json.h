/* ctl_json.h - warrenctl's --json output: strings as JSON writes them. */
#ifndef WARREN_CTL_JSON_H
#define WARREN_CTL_JSON_H

/* S as a JSON string, quotes and escapes included, to stdout. */
void json_string(const char *s);

#endif
