/* tc.h - a container's bandwidth (bandwidth.in, bandwidth.out) by traffic control on the
 * host's side of her veth, through rtnetlink (libmnl; no tc binary).
 *
 * The host's end of the pair, her port, sees her traffic the other way round: what she
 * receives ("in") leaves the port, what she sends ("out") arrives on it.
 *   in   a tbf qdisc at the port's root: a token bucket that shapes what leaves it.
 *   out  what arrives on a port can only be policed (dropped over the rate, and the
 *        police action is a kernel option many lack) or sent elsewhere; so the port's
 *        ingress qdisc sends everything (a u32 filter that matches all, a mirred action)
 *        to an ifb device of hers, PORT-ifb, whose own tbf shapes it as "in" is shaped,
 *        and which hands each packet back to the port, as if it had just arrived there:
 *        the bridge and its firewall see it come in on her port as before.  Shaping
 *        queues where policing drops, so TCP keeps to the rate instead of backing off
 *        below it.
 * Her port's qdiscs and filter go with the port; her ifb is deleted with it (net.c).
 *
 * The messages are built by pure functions (test_tc.c reads them back); the requests
 * that send them work in the caller's network namespace. */
#ifndef WARREN_TC_H
#define WARREN_TC_H

#include <stddef.h>
#include <stdint.h>

#include "net/netlink.h"

/* Room for any message below. */
#define TC_MSG_MAX 512
/* The ifb of port PORT is PORT-ifb: "wrffffffff-ifb" fits IFNAMSIZ. */
#define TC_IFB_SUFFIX "-ifb"

/* A token bucket for a rate. */
struct tc_shape {
	uint64_t rate;  /* bytes per second */
	uint32_t burst; /* the bucket: bytes that pass at once after a pause (10 ms at the
			 * rate, at least 64 KiB: a TCP segment of up to 64 KiB passes whole) */
	uint32_t limit; /* bytes queued behind it, past which packets are dropped (50 ms at
			 * the rate, at least 64 KiB, plus the burst) */
};

/* The bucket for BITS per second (8kbit to 100gbit, reslimits.h): 0, or -ERANGE. */
int tc_shape_for(uint64_t bits, struct tc_shape *ret);

/* The messages, each into BUF (TC_MSG_MAX bytes, aligned for a struct nlmsghdr), without
 * a sequence number (nl_request gives it):
 *   tc_msg_tbf       a tbf qdisc, handle 1:, at the root of link IFINDEX, shaped by S
 *   tc_msg_ingress   the ingress qdisc of link IFINDEX
 *   tc_msg_redirect  a filter of that ingress qdisc that sends every packet, of every
 *                    protocol, to the egress of link TO (u32 matching all, mirred)
 *   tc_msg_qdisc_dump  every qdisc of every link (the answers: tc_tbf_rate_parse) */
struct nlmsghdr *tc_msg_tbf(void *buf, int ifindex, const struct tc_shape *s);
struct nlmsghdr *tc_msg_ingress(void *buf, int ifindex);
struct nlmsghdr *tc_msg_redirect(void *buf, int ifindex, int to);
struct nlmsghdr *tc_msg_qdisc_dump(void *buf);
/* A qdisc message (a dump's answer, or tc_msg_tbf's): if it is the tbf at the root of
 * link IFINDEX, its rate in bits per second into *RET_BITS and 1; 0 if it is another;
 * -EBADMSG if it is not a qdisc message one can read. */
int tc_tbf_rate_parse(const struct nlmsghdr *nlh, int ifindex, uint64_t *ret_bits);

/* The ifb of PORT into BUF (IFNAMSIZ). */
const char *tc_ifb_name(const char *port, char *buf, size_t len);

/* Requests, in this network namespace: a tbf of BITS at the root of IFINDEX; IFINDEX's
 * ingress sent to TO; the rate of IFINDEX's root tbf in bits (0: it has none). */
int tc_tbf_add(struct nl *nl, int ifindex, uint64_t bits);
int tc_redirect_add(struct nl *nl, int ifindex, int to);
int tc_tbf_rate(struct nl *nl, int ifindex, uint64_t *ret_bits);

#endif
