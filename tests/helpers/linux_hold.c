/*
 * Bench/test helper: fork N (argv[1]) children that each hold a file, a
 * socket pair, a pipe, a memfd mapped shared and a private anonymous
 * region of argv[2] MiB (touched), then sleep.  Prints the children's PIDs
 * comma-separated on stdout once all are ready; the parent then waits and
 * kills them all when it gets SIGTERM.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void hold(size_t mib, int ready)
{
    int p[2], sv[2];
    int f = open("/etc/hostname", O_RDONLY);
    int w = open("/dev/null", O_WRONLY);
    if (f < 0 || w < 0 || pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        _exit(1);
    int m = memfd_create("osm_hold", 0);
    if (m < 0 || ftruncate(m, 4 * 4096) < 0)
        _exit(1);
    char *sh = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    if (sh == MAP_FAILED)
        _exit(1);
    memset(sh, 1, 4 * 4096);
    if (mib) {
        char *a = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (a == MAP_FAILED)
            _exit(1);
        for (size_t i = 0; i < mib << 20; i += 4096)
            a[i] = 1;
    }
    if (write(ready, "x", 1) != 1)
        _exit(1);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    size_t mib = argc > 2 ? (size_t)atol(argv[2]) : 0;
    pid_t *kids = calloc((size_t)n, sizeof *kids);
    int ready[2];
    if (!kids || pipe(ready) < 0)
        return 1;
    for (int i = 0; i < n; i++) {
        kids[i] = fork();
        if (kids[i] < 0) {      /* never keep -1: kill(-1, ...) would hit every process */
            for (int j = 0; j < i; j++)
                kill(kids[j], SIGKILL);
            return 1;
        }
        if (kids[i] == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            close(ready[0]);
            hold(mib, ready[1]);
        }
    }
    char b;
    for (int i = 0; i < n; i++)
        if (read(ready[0], &b, 1) != 1)
            return 1;
    for (int i = 0; i < n; i++)
        printf("%s%d", i ? "," : "", (int)kids[i]);
    printf("\n");
    fflush(stdout);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    for (int i = 0; i < n; i++)     /* only ours: a shell may have given us others */
        waitpid(kids[i], NULL, 0);
    free(kids);
    return 0;
}
