/*
 * Evaluating seccomp filters: a classic-BPF interpreter restricted to what
 * seccomp accepts (the kernel's checker refuses anything else), run over a
 * seccomp_data whose arguments are unknown.
 *
 * Hand-written because no Debian library evaluates a foreign filter:
 * libseccomp builds and exports filters but cannot run one it did not make,
 * and loading the program into our own process would apply it to us.
 */
#include <string.h>

#include "procparse.h"

/* Classic BPF opcode fields (linux/filter.h values, spelled out so this
 * file has no kernel headers and builds anywhere). */
enum {
    BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03, BPF_ALU = 0x04,
    BPF_JMP = 0x05, BPF_RET = 0x06, BPF_MISC = 0x07,
    BPF_W = 0x00, BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_MEM = 0x60, BPF_LEN = 0x80,
    BPF_K = 0x00, BPF_X = 0x08, BPF_A = 0x10,
    BPF_ADD = 0x00, BPF_SUB = 0x10, BPF_MUL = 0x20, BPF_DIV = 0x30, BPF_OR = 0x40,
    BPF_AND = 0x50, BPF_LSH = 0x60, BPF_RSH = 0x70, BPF_NEG = 0x80, BPF_MOD = 0x90,
    BPF_XOR = 0xa0,
    BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_JSET = 0x40,
    BPF_TAX = 0x00, BPF_TXA = 0x80,
};

/* seccomp return actions (linux/seccomp.h), most restrictive first. */
#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD 0x00000000u
#define RET_TRAP 0x00030000u
#define RET_ERRNO 0x00050000u
#define RET_USER_NOTIF 0x7fc00000u
#define RET_TRACE 0x7ff00000u
#define RET_LOG 0x7ffc0000u
#define RET_ALLOW 0x7fff0000u
#define RET_ACTION_FULL 0xffff0000u

/* struct seccomp_data: nr at 0, arch at 4, instruction_pointer at 8, args at 16. */
enum { SD_NR = 0, SD_ARCH = 4, SD_SIZE = 64, PROG_MAX = 4096, MEM_WORDS = 16 };

/* Rank of an action: lower is more restrictive (the kernel keeps the
 * lowest-ranked action of the stack). */
static int action_rank(uint32_t ret)
{
    switch (ret & RET_ACTION_FULL) {
    case RET_KILL_PROCESS: return 0;
    case RET_KILL_THREAD: return 1;
    case RET_TRAP: return 2;
    case RET_ERRNO: return 3;
    case RET_USER_NOTIF: return 4;
    case RET_TRACE: return 5;
    case RET_LOG: return 6;
    case RET_ALLOW: return 7;
    default: return 0;          /* unknown actions kill (kernel behaviour) */
    }
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v, int *bad)
{
    switch (op) {
    case BPF_ADD: return a + v;
    case BPF_SUB: return a - v;
    case BPF_MUL: return a * v;
    case BPF_DIV: if (!v) { *bad = 1; return 0; } return a / v;
    case BPF_MOD: if (!v) { *bad = 1; return 0; } return a % v;
    case BPF_OR: return a | v;
    case BPF_AND: return a & v;
    case BPF_XOR: return a ^ v;
    case BPF_LSH: return v < 32 ? a << v : 0;
    case BPF_RSH: return v < 32 ? a >> v : 0;
    case BPF_NEG: return (uint32_t)-a;
    default: *bad = 1; return 0;
    }
}

/* Run one program.  *ret gets its return value; false when the result
 * depends on unknown input (an argument or the IP) or the program is not
 * one the kernel would have accepted. */
static bool run_prog(const osm_lx_bpf_insn *prog, size_t len, uint32_t arch, int nr,
                     uint32_t *ret)
{
    uint32_t a = 0, x = 0, mem[MEM_WORDS];
    memset(mem, 0, sizeof mem);
    if (!prog || len == 0 || len > PROG_MAX)
        return false;
    for (size_t pc = 0; pc < len; pc++) {
        const osm_lx_bpf_insn *i = &prog[pc];
        int bad = 0;
        switch (i->code & 0x07) {
        case BPF_LD:
            if ((i->code & 0xe0) == BPF_ABS && (i->code & 0x18) == BPF_W) {
                if (i->k == SD_NR)
                    a = (uint32_t)nr;
                else if (i->k == SD_ARCH)
                    a = arch;
                else
                    return false;   /* IP or an argument: unknown here */
            } else if ((i->code & 0xe0) == BPF_IMM)
                a = i->k;
            else if ((i->code & 0xe0) == BPF_LEN)
                a = SD_SIZE;
            else if ((i->code & 0xe0) == BPF_MEM && i->k < MEM_WORDS)
                a = mem[i->k];
            else
                return false;
            break;
        case BPF_LDX:
            if ((i->code & 0xe0) == BPF_IMM)
                x = i->k;
            else if ((i->code & 0xe0) == BPF_LEN)
                x = SD_SIZE;
            else if ((i->code & 0xe0) == BPF_MEM && i->k < MEM_WORDS)
                x = mem[i->k];
            else
                return false;
            break;
        case BPF_ST:
        case BPF_STX:
            if (i->k >= MEM_WORDS)
                return false;
            mem[i->k] = (i->code & 0x07) == BPF_ST ? a : x;
            break;
        case BPF_ALU:
            a = alu(i->code & 0xf0, a, (i->code & BPF_X) ? x : i->k, &bad);
            if (bad)
                return false;
            break;
        case BPF_JMP: {
            uint32_t v = (i->code & BPF_X) ? x : i->k;
            size_t off;
            switch (i->code & 0xf0) {
            case BPF_JA: off = i->k; break;
            case BPF_JEQ: off = a == v ? i->jt : i->jf; break;
            case BPF_JGT: off = a > v ? i->jt : i->jf; break;
            case BPF_JGE: off = a >= v ? i->jt : i->jf; break;
            case BPF_JSET: off = (a & v) ? i->jt : i->jf; break;
            default: return false;
            }
            if (off >= len - pc - 1)
                return false;       /* jumps only forward, inside the program */
            pc += off;
            break;
        }
        case BPF_RET:
            *ret = (i->code & 0x18) == BPF_A ? a : i->k;
            return true;
        case BPF_MISC:
            if ((i->code & 0xf8) == BPF_TAX)
                x = a;
            else
                a = x;
            break;
        }
    }
    return false;                   /* fell off the end: the checker forbids it */
}

osm_lx_verdict osm_lx_seccomp_eval(const osm_lx_bpf_insn *const *progs, const size_t *lens,
                                   size_t n_progs, uint32_t arch, int nr)
{
    int best = 7;                   /* no filter: allowed */
    bool unknown = false;
    for (size_t f = 0; f < n_progs; f++) {
        uint32_t ret;
        if (!run_prog(progs[f], lens[f], arch, nr, &ret)) {
            unknown = true;         /* another filter may still deny for sure */
            continue;
        }
        int r = action_rank(ret);
        if (r < best)
            best = r;
    }
    if (best <= 3)
        return OSM_LX_DENIED;
    return best >= 6 && !unknown ? OSM_LX_ALLOWED : OSM_LX_UNDECIDED;
}
