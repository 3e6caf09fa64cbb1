/* libFuzzer: the seccomp filter evaluator on arbitrary programs (the bytes
 * as struct sock_filter records, split into a stack of up to three). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/linux/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = size / sizeof(osm_lx_bpf_insn);
    osm_lx_bpf_insn *insn = malloc(n ? n * sizeof *insn : 1);
    if (!insn)
        return 0;
    memcpy(insn, data, n * sizeof *insn);
    const osm_lx_bpf_insn *progs[3] = { insn, insn + n / 3, insn + 2 * (n / 3) };
    size_t lens[3] = { n / 3, n / 3, n - 2 * (n / 3) };
    static const int nrs[] = { 0, 2, 26, 62, 101, 257, 310, 311, 424, 0x40000000 };
    for (size_t i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
        osm_lx_seccomp_eval(progs, lens, 3, 0xc000003eu, nrs[i]);
        osm_lx_seccomp_eval(progs + 2, lens + 2, 1, 0x40000003u, nrs[i]);
    }
    free(insn);
    return 0;
}
