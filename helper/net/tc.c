/* tc.c - traffic control requests through libmnl (see tc.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/tc.h"
#include "policy/reslimits.h"

#define KIB 1024U
/* The qdisc's handle, "1:"; the filter's priority. */
#define TBF_HANDLE TC_H_MAKE(1U << 16, 0)
#define FILTER_PRIO 1U

int tc_shape_for(uint64_t bits, struct tc_shape *ret)
{
	uint64_t rate = bits / 8, burst, queue;

	if (bits < LIMIT_RATE_MIN || bits > LIMIT_RATE_MAX)
		return -ERANGE;
	/* 10 ms at the rate, but never under 64 KiB: the container's TCP hands the veth
	 * segments of up to 64 KiB (TSO), which a smaller bucket would have tbf cut up. */
	burst = rate / 100 > 64 * KIB ? rate / 100 : 64 * KIB;
	/* 50 ms of queue: enough for TCP to keep the rate, not so much that it lags. */
	queue = rate / 20 > 64 * KIB ? rate / 20 : 64 * KIB;
	/* At 100gbit: 125 MB and 625 MB, within 32 bits. */
	*ret = (struct tc_shape){ .rate = rate, .burst = (uint32_t)burst,
				  .limit = (uint32_t)(burst + queue) };
	return 0;
}

/* A tc request header of TYPE with FLAGS (and NLM_F_REQUEST | NLM_F_ACK) for link
 * IFINDEX, PARENT and HANDLE, in BUF. */
static struct nlmsghdr *tc_header(void *buf, uint16_t type, uint16_t flags, int ifindex,
				  uint32_t parent, uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	memset(buf, 0, TC_MSG_MAX);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	tcm->tcm_info = info;
	return nlh;
}

struct nlmsghdr *tc_msg_tbf(void *buf, int ifindex, const struct tc_shape *s)
{
	struct nlmsghdr *nlh = tc_header(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
					 TC_H_ROOT, TBF_HANDLE, 0);
	/* Ethernet's link layer, not "unaware": the kernel then wants no rate table (an old
	 * tc's), and computes the times itself.  The bucket's size is TCA_TBF_BURST, in
	 * bytes, which the kernel turns into the buffer's time. */
	struct tc_tbf_qopt q = { .rate = { .linklayer = TC_LINKLAYER_ETHERNET,
					   .rate = s->rate >= (1ULL << 32) ? ~0U : (uint32_t)s->rate },
				 .limit = s->limit };
	struct nlattr *opt;

	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	if (s->rate >= (1ULL << 32))
		mnl_attr_put_u64(nlh, TCA_TBF_RATE64, s->rate);
	mnl_attr_put_u32(nlh, TCA_TBF_BURST, s->burst);
	mnl_attr_nest_end(nlh, opt);
	return nlh;
}

struct nlmsghdr *tc_msg_ingress(void *buf, int ifindex)
{
	struct nlmsghdr *nlh = tc_header(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
					 TC_H_INGRESS, TC_H_MAKE(TC_H_INGRESS, 0), 0);

	mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
	return nlh;
}

struct nlmsghdr *tc_msg_redirect(void *buf, int ifindex, int to)
{
	/* Every packet: one key that compares no bit (tc's "match u32 0 0"), and the
	 * selector terminal, so that its action decides. */
	struct {
		struct tc_u32_sel sel;
		struct tc_u32_key key;
	} sel = { .sel = { .flags = TC_U32_TERMINAL, .nkeys = 1 } };
	/* Stolen: the packet is the ifb's now; it comes back to the port from there. */
	struct tc_mirred m = { .action = TC_ACT_STOLEN, .eaction = TCA_EGRESS_REDIR,
			       .ifindex = (uint32_t)to };
	struct nlmsghdr *nlh = tc_header(buf, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex,
					 TC_H_MAKE(TC_H_INGRESS, 0), 0,
					 TC_H_MAKE(FILTER_PRIO << 16, htons(ETH_P_ALL)));
	struct nlattr *opt, *acts, *act, *aopt;

	mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_U32_SEL, sizeof(sel), &sel);
	acts = mnl_attr_nest_start(nlh, TCA_U32_ACT);
	act = mnl_attr_nest_start(nlh, 1); /* the first action of the list */
	mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
	aopt = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
	mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof(m), &m);
	mnl_attr_nest_end(nlh, aopt);
	mnl_attr_nest_end(nlh, act);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_nest_end(nlh, opt);
	return nlh;
}

struct nlmsghdr *tc_msg_qdisc_dump(void *buf)
{
	return tc_header(buf, RTM_GETQDISC, NLM_F_DUMP, 0, 0, 0, 0);
}

/* The attribute of TYPE among those of NLH after its header of HDR bytes, or in the
 * nest NEST; NULL if there is none. */
static const struct nlattr *attr_find(const struct nlmsghdr *nlh, size_t hdr,
				      const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	if (nest) {
		mnl_attr_for_each_nested(a, nest)
			if (mnl_attr_get_type(a) == type)
				return a;
		return NULL;
	}
	mnl_attr_for_each(a, nlh, hdr)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

int tc_tbf_rate_parse(const struct nlmsghdr *nlh, int ifindex, uint64_t *ret_bits)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *kind, *opt, *parms, *rate64;
	const struct tc_tbf_qopt *q;
	uint64_t rate;

	if (nlh->nlmsg_type != RTM_NEWQDISC || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*tcm))
		return -EBADMSG;
	if (tcm->tcm_ifindex != ifindex || tcm->tcm_parent != TC_H_ROOT)
		return 0;
	kind = attr_find(nlh, sizeof(*tcm), NULL, TCA_KIND);
	if (!kind || mnl_attr_validate(kind, MNL_TYPE_NUL_STRING) < 0 ||
	    strcmp(mnl_attr_get_str(kind), "tbf") != 0)
		return 0;
	opt = attr_find(nlh, sizeof(*tcm), NULL, TCA_OPTIONS);
	parms = opt ? attr_find(nlh, 0, opt, TCA_TBF_PARMS) : NULL;
	if (!parms || mnl_attr_get_payload_len(parms) < sizeof(*q))
		return -EBADMSG;
	q = mnl_attr_get_payload(parms);
	rate = q->rate.rate;
	/* Past 32 bits the kernel gives the rate apart. */
	rate64 = attr_find(nlh, 0, opt, TCA_TBF_RATE64);
	if (rate64 && mnl_attr_validate(rate64, MNL_TYPE_U64) == 0)
		rate = mnl_attr_get_u64(rate64);
	*ret_bits = rate * 8;
	return 1;
}

const char *tc_ifb_name(const char *port, char *buf, size_t len)
{
	snprintf(buf, len, "%s" TC_IFB_SUFFIX, port);
	return buf;
}

int tc_tbf_add(struct nl *nl, int ifindex, uint64_t bits)
{
	char buf[TC_MSG_MAX] __attribute__((aligned(8)));
	struct tc_shape s;
	int r;

	if ((r = tc_shape_for(bits, &s)) < 0)
		return r;
	return nl_request(nl, tc_msg_tbf(buf, ifindex, &s), NULL, NULL);
}

int tc_redirect_add(struct nl *nl, int ifindex, int to)
{
	char buf[TC_MSG_MAX] __attribute__((aligned(8)));
	int r;

	if ((r = nl_request(nl, tc_msg_ingress(buf, ifindex), NULL, NULL)) < 0)
		return r;
	return nl_request(nl, tc_msg_redirect(buf, ifindex, to), NULL, NULL);
}

struct rate_answer {
	int ifindex;
	int found;
	uint64_t bits;
};

static int rate_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rate_answer *a = data;
	uint64_t bits;

	/* Another message of the dump (not a qdisc's) is not this one. */
	if (!a->found && tc_tbf_rate_parse(nlh, a->ifindex, &bits) == 1) {
		a->bits = bits;
		a->found = 1;
	}
	return MNL_CB_OK;
}

int tc_tbf_rate(struct nl *nl, int ifindex, uint64_t *ret_bits)
{
	char buf[TC_MSG_MAX] __attribute__((aligned(8)));
	struct rate_answer a = { .ifindex = ifindex };
	int r;

	if ((r = nl_request(nl, tc_msg_qdisc_dump(buf), rate_cb, &a)) < 0)
		return r;
	*ret_bits = a.found ? a.bits : 0;
	return 0;
}
