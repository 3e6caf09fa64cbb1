/*
 * Test helper: two processes sharing memory.  Creates a memfd of 16 pages,
 * maps it MAP_SHARED read-write, touches it, forks; parent and child each
 * touch it again and sleep.  Writes "PARENT CHILD" to the file in argv[1]
 * once both are ready.  SIGTERM to either ends both.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: linux_share PIDFILE\n");
        return 2;
    }
    size_t len = 16 * 4096;
    int fd = memfd_create("osm_share", 0);
    if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
        return 1;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return 1;
    memset(m, 1, len);
    int ready[2];
    if (pipe(ready) < 0)
        return 1;
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        memset(m, 2, len);
        if (write(ready[1], "x", 1) != 1)
            return 1;
        for (;;)
            pause();
    }
    char b;
    if (read(ready[0], &b, 1) != 1)
        return 1;
    FILE *f = fopen(argv[1], "w");
    if (!f)
        return 1;
    fprintf(f, "%d %d\n", (int)getpid(), (int)child);
    fclose(f);
    for (;;)
        pause();
}
