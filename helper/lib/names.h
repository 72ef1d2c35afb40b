/* names.h - strict validation of names that become paths (HACKING.md §5.5), and the names
 * of the network interfaces warren makes. */
#ifndef WARREN_NAMES_H
#define WARREN_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A user or group name warren will act on: 1..32 chars, first [A-Za-z_],
 * rest [A-Za-z0-9_.-]; never "." or ".." nor anything with '/'. */
bool name_is_valid(const char *name);

/* The host-side veth of address slot SLOT (ipv4.h): "wr" and the slot in hex, at most
 * 15 bytes (IFNAMSIZ). */
const char *veth_name(uint32_t slot, char *buf, size_t len);

/* Is NAME a usable interface name for the bridge: 1 to 15 characters of [A-Za-z0-9_.-],
 * not "." or "..", and not one of the veth or ifb names warren makes? */
bool bridge_name_is_valid(const char *name);

#endif
