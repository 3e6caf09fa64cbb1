/*
 * Test helper: ask the kernel itself what this process may do to another,
 * as ground truth for the control edges of the Linux extractor.
 *
 *   linux_probe [--drop-effective] kill PID     kill(PID, 0)
 *   linux_probe [--drop-effective] attach PID   PTRACE_ATTACH then detach
 *   linux_probe [--drop-effective] sleep        wait until killed
 *
 * Prints "ok" or the errno name (EPERM, ESRCH, ...); exit 0 either way, 2 on
 * a usage error.  --drop-effective first empties the effective capability
 * set and keeps the permitted one: a process that holds a capability it has
 * not raised (the kernel checks only the effective set).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* The errno name of e, for the few a probe can meet. */
static const char *probe_errname(int e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case ESRCH: return "ESRCH";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    default: return strerror(e);
    }
}

/* Empty the effective set, keep permitted and inheritable; -1 on error. */
static int probe_drop_effective(void)
{
    cap_t c = cap_get_proc();
    if (!c)
        return -1;
    int rc = cap_clear_flag(c, CAP_EFFECTIVE) == 0 ? cap_set_proc(c) : -1;
    cap_free(c);
    return rc;
}

/* PTRACE_ATTACH pid, wait for its stop and detach; 0 or -1 with errno. */
static int probe_attach(pid_t pid)
{
    if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
        return -1;
    int st;
    waitpid(pid, &st, __WALL);
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    if (i < argc && !strcmp(argv[i], "--drop-effective")) {
        if (probe_drop_effective() < 0) {
            perror("linux_probe: cap_set_proc");
            return 1;
        }
        i++;
    }
    if (i < argc && !strcmp(argv[i], "sleep") && i + 1 == argc) {
        for (;;)
            pause();
    }
    if (i + 2 != argc || (strcmp(argv[i], "kill") && strcmp(argv[i], "attach"))) {
        fprintf(stderr, "usage: linux_probe [--drop-effective] kill|attach PID | sleep\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[i + 1]);
    int rc = !strcmp(argv[i], "kill") ? kill(pid, 0) : probe_attach(pid);
    puts(rc == 0 ? "ok" : probe_errname(errno));
    return 0;
}
