/* bpf_eval.h - run an exported seccomp filter (classic BPF) over one syscall, in the test
 * itself: the filter's rules for every ABI are checked on any kernel, also where an ABI's
 * entry point is off (i386 on hardened kernels) and a live call could not tell. */
#ifndef WARREN_TEST_BPF_EVAL_H
#define WARREN_TEST_BPF_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

/* What the kernel hands a filter (struct seccomp_data). */
struct bpf_call {
	uint32_t arch; /* AUDIT_ARCH_*: x32 calls come as x86_64 with bit 30 in nr */
	int nr;
	uint64_t args[6];
};

/* The filter's answer for CALL (SECCOMP_RET_*), or -1 for a program that runs off its end,
 * jumps out of it or uses an instruction this evaluator does not know. */
int64_t bpf_eval(const struct sock_filter *prog, size_t len, const struct bpf_call *call);

#endif
