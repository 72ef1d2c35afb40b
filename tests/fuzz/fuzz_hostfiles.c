/* fuzz_hostfiles.c - libFuzzer target: every parser of a file the helper reads from the
 * host.  The first byte picks the parser, the rest is the file:
 *   u /etc/subuid (subid_find, then idmap_format and subid_overlap on what it found)
 *   r resolv.conf (resolv_parse)          a the address slots file (netalloc_find)
 *   s a container's state record          n a container's network record
 *   c a cgroup counter (pids.current)     l the config's last-good copy's header
 *   e a line of warren's record of events */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "net/dns.h"
#include "lib/events.h"
#include "policy/idmap.h"
#include "policy/lastgood.h"
#include "net/net.h"
#include "net/netalloc.h"
#include "lib/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void subid(const char *text)
{
	struct subid_range r;
	char map[256], other[64];

	if (subid_find(text, "alice", 1000, &r) < 0)
		return;
	(void)idmap_format(1000, &r, map, sizeof(map));
	(void)idmap_format(70000, &r, map, sizeof(map));
	(void)subid_overlap(text, "alice", 1000, &r, other, sizeof(other));
}

static void parse(char kind, const char *text)
{
	struct container_state st;
	struct event ev;
	struct lastgood_info info;
	struct nft_member m;
	struct nameserver addrs[3];
	uint32_t slot;
	char search[256];
	const char *body;
	long n;
	unsigned line;

	switch (kind) {
	case 'u':
		subid(text);
		break;
	case 'r':
		(void)resolv_parse(text, addrs, 3, search, sizeof(search));
		break;
	case 'a':
		(void)netalloc_find(text, "alice", 65534, &slot, &line);
		break;
	case 's':
		(void)state_parse(text, &st);
		break;
	case 'n':
		(void)net_record_parse(text, &m);
		break;
	case 'c':
		(void)cgroup_parse_count(text, &n);
		break;
	case 'l':
		(void)lastgood_parse(text, &info, &body);
		break;
	case 'e': {
		char *copy = strdup(text); /* event_parse cuts its line in place */

		if (copy)
			(void)event_parse(copy, &ev);
		free(copy);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	if (!(text = malloc(size)))
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	parse((char)data[0], text);
	free(text);
	return 0;
}
