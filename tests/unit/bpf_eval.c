/* bpf_eval.c - a classic BPF interpreter for seccomp filters (see bpf_eval.h): the
 * instructions the kernel's seccomp_check_filter accepts, nothing more. */
#include <string.h>

#include "bpf_eval.h"

/* The word at OFF of struct seccomp_data, laid out as the kernel does (host order). */
static int load_word(const struct bpf_call *call, uint32_t off, uint32_t *ret)
{
	unsigned char data[64];
	int32_t nr = call->nr;
	uint64_t ip = 0;

	memcpy(data, &nr, 4);
	memcpy(data + 4, &call->arch, 4);
	memcpy(data + 8, &ip, 8);
	memcpy(data + 16, call->args, sizeof(call->args));
	if (off % 4 || off > sizeof(data) - 4)
		return -1;
	memcpy(ret, data + off, 4);
	return 0;
}

static int alu(uint16_t op, uint32_t *a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: *a += v; break;
	case BPF_SUB: *a -= v; break;
	case BPF_MUL: *a *= v; break;
	case BPF_DIV: if (!v) return -1; *a /= v; break;
	case BPF_MOD: if (!v) return -1; *a %= v; break;
	case BPF_OR: *a |= v; break;
	case BPF_AND: *a &= v; break;
	case BPF_XOR: *a ^= v; break;
	case BPF_LSH: *a = v < 32 ? *a << v : 0; break;
	case BPF_RSH: *a = v < 32 ? *a >> v : 0; break;
	case BPF_NEG: *a = -*a; break;
	default: return -1;
	}
	return 0;
}

static int jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	default: return -1;
	}
}

int64_t bpf_eval(const struct sock_filter *prog, size_t len, const struct bpf_call *call)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &prog[pc];
		uint32_t src = BPF_SRC(in->code) == BPF_X ? x : in->k;
		int t;

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			if (in->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (load_word(call, in->k, &a) < 0)
					return -1;
			} else if (in->code == (BPF_LD | BPF_IMM)) {
				a = in->k;
			} else if (in->code == (BPF_LD | BPF_MEM) && in->k < BPF_MEMWORDS) {
				a = mem[in->k];
			} else {
				return -1;
			}
			break;
		case BPF_LDX:
			if (in->code == (BPF_LDX | BPF_IMM))
				x = in->k;
			else if (in->code == (BPF_LDX | BPF_MEM) && in->k < BPF_MEMWORDS)
				x = mem[in->k];
			else
				return -1;
			break;
		case BPF_ST:
		case BPF_STX:
			if (in->k >= BPF_MEMWORDS)
				return -1;
			mem[in->k] = BPF_CLASS(in->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (alu(BPF_OP(in->code), &a, src) < 0)
				return -1;
			break;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA) {
				pc += in->k;
				break;
			}
			if ((t = jump_taken(BPF_OP(in->code), a, src)) < 0)
				return -1;
			pc += t ? in->jt : in->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(in->code) == BPF_A ? a : in->k;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return -1;
		}
	}
	return -1;
}
