/*
 * The seccomp filter evaluator (procparse_seccomp.c) on real filters:
 * programs built by libseccomp and exported as the BPF the kernel would
 * load (seccomp_export_bpf), so the evaluator meets the code generator it
 * meets on real hosts.  Plus stacks of filters and malformed programs.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "extract/linux/procparse.h"

#define ARCH_X86_64 0xc000003eu
#define ARCH_I386 0x40000003u

typedef struct prog {
    osm_lx_bpf_insn *insn;
    size_t n;
} prog;

/* Export f's BPF through a memfd and read it back as instructions. */
static prog export(scmp_filter_ctx f)
{
    int fd = memfd_create("bpf", MFD_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(seccomp_export_bpf(f, fd), 0);
    off_t len = lseek(fd, 0, SEEK_END);
    assert_true(len > 0 && len % 8 == 0);
    prog p = { malloc((size_t)len), (size_t)len / 8 };
    assert_non_null(p.insn);
    assert_int_equal(pread(fd, p.insn, (size_t)len, 0), len);
    close(fd);
    seccomp_release(f);
    return p;
}

static osm_lx_verdict eval1(const prog *p, uint32_t arch, int nr)
{
    const osm_lx_bpf_insn *progs[1] = { p->insn };
    size_t lens[1] = { p->n };
    return osm_lx_seccomp_eval(progs, lens, 1, arch, nr);
}

static int nr(const char *name)
{
    int n = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
    assert_true(n >= 0);
    return n;
}

static void test_denylist(void **state)
{
    (void)state;
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
    seccomp_arch_remove(f, SCMP_ARCH_NATIVE);
    seccomp_arch_add(f, SCMP_ARCH_X86_64);
    assert_int_equal(seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), nr("ptrace"), 0), 0);
    assert_int_equal(seccomp_rule_add(f, SCMP_ACT_KILL, nr("process_vm_writev"), 0), 0);
    prog p = export(f);
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("ptrace")), OSM_LX_DENIED);
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("process_vm_writev")), OSM_LX_DENIED);
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("getpid")), OSM_LX_ALLOWED);
    /* another ABI than the filter's: libseccomp's default is to kill */
    assert_int_equal(eval1(&p, ARCH_I386, 26), OSM_LX_DENIED);
    free(p.insn);
}

static void test_allowlist_and_args(void **state)
{
    (void)state;
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
    seccomp_arch_remove(f, SCMP_ARCH_NATIVE);
    seccomp_arch_add(f, SCMP_ARCH_X86_64);
    assert_int_equal(seccomp_rule_add(f, SCMP_ACT_ALLOW, nr("read"), 0), 0);
    assert_int_equal(seccomp_rule_add(f, SCMP_ACT_ALLOW, nr("kill"), 1, SCMP_A1(SCMP_CMP_EQ, 0)),
                     0);
    assert_int_equal(seccomp_rule_add(f, SCMP_ACT_TRACE(1), nr("openat"), 0), 0);
    assert_int_equal(seccomp_rule_add(f, SCMP_ACT_LOG, nr("write"), 0), 0);
    prog p = export(f);
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("read")), OSM_LX_ALLOWED);
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("write")), OSM_LX_ALLOWED);    /* LOG runs it */
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("ptrace")), OSM_LX_DENIED);
    /* kill only with signal 0: depends on an argument */
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("kill")), OSM_LX_UNDECIDED);
    /* a tracer decides */
    assert_int_equal(eval1(&p, ARCH_X86_64, nr("openat")), OSM_LX_UNDECIDED);
    free(p.insn);
}

static void test_stack(void **state)
{
    (void)state;
    scmp_filter_ctx a = seccomp_init(SCMP_ACT_ALLOW);
    seccomp_arch_remove(a, SCMP_ARCH_NATIVE);
    seccomp_arch_add(a, SCMP_ARCH_X86_64);
    assert_int_equal(seccomp_rule_add(a, SCMP_ACT_ERRNO(1), nr("kill"), 1,
                                      SCMP_A1(SCMP_CMP_NE, 0)), 0);
    scmp_filter_ctx b = seccomp_init(SCMP_ACT_ALLOW);
    seccomp_arch_remove(b, SCMP_ARCH_NATIVE);
    seccomp_arch_add(b, SCMP_ARCH_X86_64);
    assert_int_equal(seccomp_rule_add(b, SCMP_ACT_ERRNO(1), nr("kill"), 0), 0);
    prog pa = export(a), pb = export(b);
    const osm_lx_bpf_insn *progs[2] = { pa.insn, pb.insn };
    size_t lens[2] = { pa.n, pb.n };
    /* one filter leaves kill to its argument, the other denies it outright */
    assert_int_equal(osm_lx_seccomp_eval(progs, lens, 2, ARCH_X86_64, nr("kill")), OSM_LX_DENIED);
    assert_int_equal(osm_lx_seccomp_eval(progs, lens, 1, ARCH_X86_64, nr("kill")),
                     OSM_LX_UNDECIDED);
    assert_int_equal(osm_lx_seccomp_eval(progs, lens, 2, ARCH_X86_64, nr("getpid")),
                     OSM_LX_ALLOWED);
    assert_int_equal(osm_lx_seccomp_eval(progs, lens, 0, ARCH_X86_64, nr("kill")),
                     OSM_LX_ALLOWED);
    free(pa.insn);
    free(pb.insn);
}

static void test_malformed(void **state)
{
    (void)state;
    /* no return: falls off the end */
    osm_lx_bpf_insn noret[] = { { 0x20, 0, 0, 0 } };
    /* a jump past the end */
    osm_lx_bpf_insn far[] = { { 0x15, 9, 9, 0 }, { 0x06, 0, 0, 0x7fff0000u } };
    /* a load of an argument (offset 16) */
    osm_lx_bpf_insn arg[] = { { 0x20, 0, 0, 16 }, { 0x06, 0, 0, 0x7fff0000u } };
    /* division by zero */
    osm_lx_bpf_insn div0[] = { { 0x34, 0, 0, 0 }, { 0x06, 0, 0, 0x7fff0000u } };
    const osm_lx_bpf_insn *progs[1];
    size_t lens[1];
    const struct { osm_lx_bpf_insn *p; size_t n; } cases[] = {
        { noret, 1 }, { far, 2 }, { arg, 2 }, { div0, 2 }, { noret, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        progs[0] = cases[i].p;
        lens[0] = cases[i].n;
        assert_int_equal(osm_lx_seccomp_eval(progs, lens, 1, ARCH_X86_64, 101), OSM_LX_UNDECIDED);
    }
    /* RET_A returns the accumulator: here the syscall number as action = kill */
    osm_lx_bpf_insn reta[] = { { 0x20, 0, 0, 0 }, { 0x16, 0, 0, 0 } };
    progs[0] = reta;
    lens[0] = 2;
    assert_int_equal(osm_lx_seccomp_eval(progs, lens, 1, ARCH_X86_64, 101), OSM_LX_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_denylist),
        cmocka_unit_test(test_allowlist_and_args),
        cmocka_unit_test(test_stack),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
