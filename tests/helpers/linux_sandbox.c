/*
 * Test helper: confine itself as asked, write "ready" to stdout, then wait
 * (pause) until killed.  Options, applied in this order:
 *   --nodump        prctl(PR_SET_DUMPABLE, 0)
 *   --filter        a libseccomp filter that fails (EPERM) every way to act
 *                   on another process or the kernel: ptrace, kill, tkill,
 *                   tgkill, rt_(tg)sigqueueinfo, pidfd_send_signal,
 *                   process_vm_readv/writev, open/openat/openat2 (so not
 *                   /proc/PID/mem), io_uring_setup, module loading, iopl,
 *                   ioperm, reboot, kexec
 *   --filter-args   the same, but kill is denied only for signals other than
 *                   0: whether it can signal others depends on an argument
 *   --strict        seccomp strict mode (then blocks in read(2) on stdin)
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const char *const denied[] = {
    "ptrace", "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "pidfd_send_signal", "process_vm_readv", "process_vm_writev", "open", "openat", "openat2",
    "io_uring_setup", "init_module", "finit_module", "iopl", "ioperm", "reboot", "kexec_load",
    "kexec_file_load",
};

static int load_filter(int args_mode)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
    if (!f)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < sizeof denied / sizeof denied[0] && rc == 0; i++) {
        int nr = seccomp_syscall_resolve_name(denied[i]);
        if (nr == __NR_SCMP_ERROR)
            continue;
        if (args_mode && nr == SCMP_SYS(kill))
            rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), nr, 1, SCMP_A1(SCMP_CMP_NE, 0));
        else
            rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), nr, 0);
    }
    if (rc == 0)
        rc = seccomp_load(f);
    seccomp_release(f);
    return rc;
}

int main(int argc, char **argv)
{
    int strict = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--nodump")) {
            if (prctl(PR_SET_DUMPABLE, 0) != 0) {
                perror("prctl");
                return 1;
            }
        } else if (!strcmp(argv[i], "--filter") || !strcmp(argv[i], "--filter-args")) {
            if (load_filter(!strcmp(argv[i], "--filter-args")) != 0) {
                fprintf(stderr, "seccomp filter failed\n");
                return 1;
            }
        } else if (!strcmp(argv[i], "--strict")) {
            strict = 1;
        } else {
            fprintf(stderr, "usage: linux_sandbox [--nodump] [--filter|--filter-args] [--strict]\n");
            return 2;
        }
    }
    if (write(1, "ready\n", 6) != 6)
        return 1;
    if (strict && prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0)
        return 1;
    if (strict) {
        char b;
        for (;;)
            if (read(0, &b, 1) <= 0)
                pause();        /* not allowed: the kernel kills us, which is fine */
    }
    for (;;)
        pause();
}
