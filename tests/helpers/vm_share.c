/*
 * Guest test program (static, runs inside the VM): two processes sharing
 * memory.  Maps PAGES pages MAP_SHARED|MAP_ANONYMOUS, writes them, forks;
 * the child writes them too.  Each process then prints, as ground truth
 * read from its own /proc/self/pagemap,
 *     vm_share pid=PID role=parent|child va=0xVA gpfn=0xPFN
 * for every page, the parent after the child; then the parent creates the
 * file argv[1] and both sleep until killed.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

enum { PAGES = 8 };

static int print_frames(const char *role, const char *m)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    if (fd < 0)
        return -1;
    for (int i = 0; i < PAGES; i++) {
        uint64_t va = (uint64_t)(uintptr_t)(m + i * 4096), e;
        if (pread(fd, &e, 8, (off_t)(va / 4096 * 8)) != 8 || !(e & (1ull << 63))) {
            close(fd);
            return -1;
        }
        printf("vm_share pid=%d role=%s va=0x%" PRIx64 " gpfn=0x%" PRIx64 "\n", (int)getpid(),
               role, va, (uint64_t)(e & ((1ull << 55) - 1)));
    }
    fflush(stdout);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: vm_share READYFILE\n");
        return 2;
    }
    char *m = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int ready[2];
    if (m == MAP_FAILED || pipe(ready) < 0)
        return 1;
    memset(m, 1, PAGES * 4096);
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        memset(m, 2, PAGES * 4096);
        if (print_frames("child", m) < 0 || write(ready[1], "x", 1) != 1)
            return 1;
        for (;;)
            pause();
    }
    char c;
    if (read(ready[0], &c, 1) != 1 || print_frames("parent", m) < 0)
        return 1;
    FILE *f = fopen(argv[1], "w");
    if (!f || fclose(f) != 0)
        return 1;
    for (;;)
        pause();
}
