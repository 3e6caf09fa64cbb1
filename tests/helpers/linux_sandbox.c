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
 *   --container     instead of all that: start a child in new user, pid, net,
 *                   ipc, mount and uts namespaces whose uid/gid 0 is 100000
 *                   outside (as a rootless container's), print its pid, and
 *                   wait for it; the child becomes uid 0 inside and waits
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
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

static int write_file(int pid, const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static char child_stack[64 * 1024];
static int go[2];

static int container_child(void *arg)
{
    (void)arg;
    char b;
    close(go[1]);
    if (read(go[0], &b, 1) != 1)        /* the parent has written the id maps */
        _exit(1);
    if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
        _exit(1);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;)
        pause();
}

/* The --container mode: see the comment at the top. */
static int container(void)
{
    if (pipe(go))
        return 1;
    int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS |
                CLONE_NEWUTS | SIGCHLD;
    int pid = clone(container_child, child_stack + sizeof child_stack, flags, NULL);
    if (pid < 0) {
        perror("clone");
        return 1;
    }
    close(go[0]);
    if (write_file(pid, "uid_map", "0 100000 65536\n") || write_file(pid, "setgroups", "deny") ||
        write_file(pid, "gid_map", "0 100000 65536\n") || write(go[1], "g", 1) != 1) {
        perror("id maps");
        kill(pid, SIGKILL);
        return 1;
    }
    printf("%d\n", pid);
    fflush(stdout);
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--container"))
        return container();
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
