/* test_tc.c - a container's bandwidth (net/tc.h): the token bucket for a rate, and the
 * rtnetlink messages that set it, each read back attribute by attribute as the kernel
 * would read it: the tbf at the root of her port ("in") and of her ifb, and her port's
 * ingress qdisc with the filter that sends all of it to the ifb ("out").  Pure: no
 * socket.  Where the machine lets this test have a network namespace of its own (root),
 * the same requests are sent there, to a veth pair, and read back from the kernel. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "net/netlink.h"
#include "net/tc.h"
#include "policy/reslimits.h"

#define KIB 1024U

/* A message buffer as the senders have it. */
struct msgbuf {
	char b[TC_MSG_MAX];
} __attribute__((aligned(8)));

static const struct tcmsg *tcm_of(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

/* The attribute TYPE of NEST (or of NLH's, past its tcmsg, when NEST is NULL); fails the
 * test if there is none. */
static const struct nlattr *attr(const struct nlmsghdr *nlh, const struct nlattr *nest,
				 uint16_t type)
{
	const struct nlattr *a;

	if (nest) {
		mnl_attr_for_each_nested(a, nest)
			if (mnl_attr_get_type(a) == type)
				return a;
	} else {
		mnl_attr_for_each(a, nlh, sizeof(struct tcmsg))
			if (mnl_attr_get_type(a) == type)
				return a;
	}
	fail_msg("no attribute %u", type);
	return NULL;
}

/* The message is whole: its attributes end where it does, and it fits its buffer. */
static void assert_well_formed(const struct nlmsghdr *nlh)
{
	assert_true(nlh->nlmsg_len <= TC_MSG_MAX);
	assert_true(mnl_nlmsg_ok(nlh, (int)nlh->nlmsg_len));
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
}

static void test_shape(void **state)
{
	struct tc_shape s = { 0 };

	/* 8mbit: a megabyte a second; 10 ms of it is under 64 KiB, and so is 50 ms */
	assert_int_equal(tc_shape_for(8000000, &s), 0);
	assert_true(s.rate == 1000000);
	assert_int_equal(s.burst, 64 * KIB);
	assert_int_equal(s.limit, 64 * KIB + 64 * KIB);
	/* 1gbit: 125 MB/s; 10 ms is 1.25 MB, 50 ms 6.25 MB */
	assert_int_equal(tc_shape_for(1000000000, &s), 0);
	assert_true(s.rate == 125000000);
	assert_int_equal(s.burst, 1250000);
	assert_int_equal(s.limit, 1250000 + 6250000);
	/* the ends of the config's range, and past them */
	assert_int_equal(tc_shape_for(LIMIT_RATE_MIN, &s), 0);
	assert_true(s.rate == 1000);
	assert_int_equal(tc_shape_for(LIMIT_RATE_MAX, &s), 0);
	assert_true(s.rate == 12500000000ULL);
	assert_int_equal(s.burst, 125000000);
	assert_int_equal(s.limit, 125000000 + 625000000);
	s.rate = 7;
	assert_int_equal(tc_shape_for(LIMIT_RATE_MIN - 1, &s), -ERANGE);
	assert_int_equal(tc_shape_for(LIMIT_RATE_MAX + 1, &s), -ERANGE);
	assert_int_equal(tc_shape_for(0, &s), -ERANGE);
	assert_true(s.rate == 7); /* written only on success */
}

/* The tbf of RATE bits at the root of link 7, handle 1:, made only where there is none. */
static void assert_tbf(uint64_t bits)
{
	struct msgbuf buf;
	struct tc_shape s;
	const struct nlmsghdr *nlh;
	const struct nlattr *opt, *parms;
	const struct tc_tbf_qopt *q;
	uint64_t got = 0;

	assert_int_equal(tc_shape_for(bits, &s), 0);
	memset(&buf, 0x5a, sizeof(buf));
	nlh = tc_msg_tbf(&buf, 7, &s);
	assert_well_formed(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWQDISC);
	assert_int_equal(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE | NLM_F_ACK),
			 NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	assert_int_equal(tcm_of(nlh)->tcm_family, AF_UNSPEC);
	assert_int_equal(tcm_of(nlh)->tcm_ifindex, 7);
	assert_int_equal(tcm_of(nlh)->tcm_parent, TC_H_ROOT);
	assert_int_equal(tcm_of(nlh)->tcm_handle, 0x10000);
	assert_string_equal(mnl_attr_get_str(attr(nlh, NULL, TCA_KIND)), "tbf");
	opt = attr(nlh, NULL, TCA_OPTIONS);
	parms = attr(nlh, opt, TCA_TBF_PARMS);
	assert_int_equal(mnl_attr_get_payload_len(parms), sizeof(*q));
	q = mnl_attr_get_payload(parms);
	/* The kernel computes the times itself for a link layer it knows: no rate table. */
	assert_int_equal(q->rate.linklayer, TC_LINKLAYER_ETHERNET);
	assert_int_equal(q->limit, s.limit);
	assert_int_equal(q->peakrate.rate, 0);
	assert_int_equal(mnl_attr_get_u32(attr(nlh, opt, TCA_TBF_BURST)), s.burst);
	if (s.rate < (1ULL << 32)) {
		assert_int_equal(q->rate.rate, s.rate);
	} else {
		assert_int_equal(q->rate.rate, ~0U);
		assert_true(mnl_attr_get_u64(attr(nlh, opt, TCA_TBF_RATE64)) == s.rate);
	}
	/* And read back as a dump's answer would be: its rate, for link 7 only. */
	assert_int_equal(tc_tbf_rate_parse(nlh, 7, &got), 1);
	assert_true(got == bits);
	assert_int_equal(tc_tbf_rate_parse(nlh, 8, &got), 0);
}

static void test_tbf(void **state)
{
	assert_tbf(8000000);
	assert_tbf(16000000);
	assert_tbf(LIMIT_RATE_MIN);
	assert_tbf(34000000000ULL); /* 4.25 GB/s: just under 2^32 bytes a second */
	assert_tbf(34359738360ULL); /* 2^32 - 1 bytes a second: the most tbf's own field holds */
	assert_tbf(34359738368ULL); /* 2^32 bytes a second: the first rate past 32 bits */
	assert_tbf(LIMIT_RATE_MAX);
}

static void test_ingress(void **state)
{
	struct msgbuf buf;
	const struct nlmsghdr *nlh = tc_msg_ingress(&buf, 12);

	assert_well_formed(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWQDISC);
	assert_true(nlh->nlmsg_flags & NLM_F_EXCL);
	assert_int_equal(tcm_of(nlh)->tcm_ifindex, 12);
	assert_int_equal(tcm_of(nlh)->tcm_parent, TC_H_INGRESS);
	assert_int_equal(tcm_of(nlh)->tcm_handle, 0xffff0000);
	assert_string_equal(mnl_attr_get_str(attr(nlh, NULL, TCA_KIND)), "ingress");
}

/* Everything that comes in on link 12, of every protocol, to the egress of link 13. */
static void test_redirect(void **state)
{
	struct msgbuf buf;
	const struct nlmsghdr *nlh = tc_msg_redirect(&buf, 12, 13);
	const struct nlattr *opt, *sel, *acts, *act, *aopt, *parms;
	const struct tc_u32_sel *s;
	const struct tc_mirred *m;

	assert_well_formed(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWTFILTER);
	assert_int_equal(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(tcm_of(nlh)->tcm_ifindex, 12);
	/* a filter of the ingress qdisc (ffff:), priority 1, every protocol */
	assert_int_equal(tcm_of(nlh)->tcm_parent, 0xffff0000);
	assert_int_equal(TC_H_MAJ(tcm_of(nlh)->tcm_info) >> 16, 1);
	assert_int_equal(TC_H_MIN(tcm_of(nlh)->tcm_info), htons(ETH_P_ALL));
	assert_string_equal(mnl_attr_get_str(attr(nlh, NULL, TCA_KIND)), "u32");
	opt = attr(nlh, NULL, TCA_OPTIONS);
	/* one key that compares no bit: it matches every packet; terminal: its action decides */
	sel = attr(nlh, opt, TCA_U32_SEL);
	s = mnl_attr_get_payload(sel);
	assert_int_equal(s->nkeys, 1);
	assert_int_equal(mnl_attr_get_payload_len(sel), sizeof(*s) + sizeof(s->keys[0]));
	assert_int_equal(s->keys[0].mask, 0);
	assert_int_equal(s->keys[0].val, 0);
	assert_true(s->flags & TC_U32_TERMINAL);
	acts = attr(nlh, opt, TCA_U32_ACT);
	act = attr(nlh, acts, 1);
	assert_string_equal(mnl_attr_get_str(attr(nlh, act, TCA_ACT_KIND)), "mirred");
	aopt = attr(nlh, act, TCA_ACT_OPTIONS);
	parms = attr(nlh, aopt, TCA_MIRRED_PARMS);
	assert_int_equal(mnl_attr_get_payload_len(parms), sizeof(*m));
	m = mnl_attr_get_payload(parms);
	assert_int_equal(m->eaction, TCA_EGRESS_REDIR);
	assert_int_equal(m->ifindex, 13);
	/* stolen: the ifb hands it back to the port; nothing else sees it on the way */
	assert_int_equal(m->action, TC_ACT_STOLEN);
}

static void test_read_back(void **state)
{
	struct msgbuf buf;
	struct nlmsghdr *nlh = tc_msg_qdisc_dump(&buf);
	uint64_t got = 99;

	assert_int_equal(nlh->nlmsg_type, RTM_GETQDISC);
	assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
	/* not a qdisc message */
	assert_int_equal(tc_tbf_rate_parse(nlh, 0, &got), -EBADMSG);
	/* another qdisc at the root (ingress is not at the root: another parent) */
	nlh = tc_msg_ingress(&buf, 5);
	assert_int_equal(tc_tbf_rate_parse(nlh, 5, &got), 0);
	/* a root qdisc of another kind */
	((struct tcmsg *)mnl_nlmsg_get_payload(nlh))->tcm_parent = TC_H_ROOT;
	assert_int_equal(tc_tbf_rate_parse(nlh, 5, &got), 0);
	assert_true(got == 99);
}

/* A made-up root qdisc message of link 7, up to its TCA_KIND. */
static struct nlmsghdr *qdisc_msg(struct msgbuf *buf, uint32_t parent)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	memset(buf, 0, sizeof(*buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWQDISC;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_ifindex = 7;
	tcm->tcm_parent = parent;
	return nlh;
}

/* What the kernel's dump could hold, read as it must be: a tbf that is not at the root
 * is not her rate; a message cut short, or a tbf without whole parameters, is malformed;
 * a kind that is no string, or a 64-bit rate of the wrong size, is not taken. */
static void test_read_back_odd(void **state)
{
	struct msgbuf buf;
	struct tc_shape s;
	struct nlmsghdr *nlh;
	struct nlattr *opt;
	struct tc_tbf_qopt q = { .rate = { .rate = 1000000 } };
	uint64_t got = 99;

	assert_int_equal(tc_shape_for(8000000, &s), 0);
	nlh = tc_msg_tbf(&buf, 7, &s);
	((struct tcmsg *)mnl_nlmsg_get_payload(nlh))->tcm_parent = TC_H_MAKE(1U << 16, 1);
	assert_int_equal(tc_tbf_rate_parse(nlh, 7, &got), 0);
	/* only the netlink header */
	nlh = qdisc_msg(&buf, TC_H_ROOT);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	assert_int_equal(tc_tbf_rate_parse(nlh, 7, &got), -EBADMSG);
	/* a tbf with parameters shorter than tc_tbf_qopt, and one without any */
	nlh = qdisc_msg(&buf, TC_H_ROOT);
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, 4, &q);
	mnl_attr_nest_end(nlh, opt);
	assert_int_equal(tc_tbf_rate_parse(nlh, 7, &got), -EBADMSG);
	nlh = qdisc_msg(&buf, TC_H_ROOT);
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	assert_int_equal(tc_tbf_rate_parse(nlh, 7, &got), -EBADMSG);
	assert_true(got == 99);
	/* "tbf" without its NUL is no kind */
	nlh = qdisc_msg(&buf, TC_H_ROOT);
	mnl_attr_put(nlh, TCA_KIND, 3, "tbf");
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	mnl_attr_nest_end(nlh, opt);
	assert_int_equal(tc_tbf_rate_parse(nlh, 7, &got), 0);
	/* a RATE64 of 32 bits is not one: the parameters' rate counts */
	nlh = qdisc_msg(&buf, TC_H_ROOT);
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	mnl_attr_put_u32(nlh, TCA_TBF_RATE64, 5);
	mnl_attr_nest_end(nlh, opt);
	assert_int_equal(tc_tbf_rate_parse(nlh, 7, &got), 1);
	assert_true(got == 8000000);
}

static void test_ifb_name(void **state)
{
	char buf[16];

	assert_string_equal(tc_ifb_name("wr1f", buf, sizeof(buf)), "wr1f-ifb");
	/* the longest port's fits IFNAMSIZ */
	assert_string_equal(tc_ifb_name("wrffffffff", buf, sizeof(buf)), "wrffffffff-ifb");
}

/* In a network namespace of its own: the requests the kernel takes, read back from it. */
static int kernel_child(void)
{
	struct nl nl = { 0 };
	uint64_t in = 0, out = 0;
	int a, ifb;

	if (unshare(CLONE_NEWNET) < 0 || nl_open(&nl) < 0)
		return 2;
	if (system("ip link add wr7 type veth peer name eth0 >/dev/null 2>&1") != 0)
		return 2;
	a = nl_link_index(&nl, "wr7");
	if (a < 0 || tc_tbf_add(&nl, a, 16000000) < 0 || nl_ifb_add(&nl, "wr7-ifb") < 0)
		return 3;
	ifb = nl_link_index(&nl, "wr7-ifb");
	if (ifb < 0 || tc_tbf_add(&nl, ifb, 8000000) < 0 || tc_redirect_add(&nl, a, ifb) < 0)
		return 4;
	if (tc_tbf_rate(&nl, a, &in) < 0 || tc_tbf_rate(&nl, ifb, &out) < 0)
		return 5;
	if (in != 16000000 || out != 8000000)
		return 6;
	/* a second tbf at the same root is refused, not stacked or replaced */
	if (tc_tbf_add(&nl, a, 8000000) != -EEXIST)
		return 7;
	nl_close(&nl);
	return 0;
}

static void test_kernel(void **state)
{
	pid_t pid;
	int status;

	if (geteuid() != 0 || system("command -v ip >/dev/null") != 0) {
		print_message("# not root, or no ip: the kernel's side is 83-bandwidth.sh's\n");
		skip();
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(kernel_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 2) {
		print_message("# no network namespace of its own here\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_tbf),
		cmocka_unit_test(test_ingress),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_read_back_odd),
		cmocka_unit_test(test_ifb_name),
		cmocka_unit_test(test_kernel),
	};

	return cmocka_run_group_tests_name("tc", tests, NULL, NULL);
}
