/*
 * Test helper: spawn and reap N (argv[1]) short-lived processes, a few at a
 * time, then exit 0.  Each child touches a little memory and opens a pipe
 * so that extractions racing with it see half-built and dying processes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    for (int i = 0; i < n; i += 4) {
        pid_t kids[4];
        int k = 0;
        for (; k < 4 && i + k < n; k++) {
            kids[k] = fork();
            if (kids[k] < 0)
                return 1;
            if (kids[k] == 0) {
                int p[2];
                char buf[8192];
                memset(buf, k, sizeof buf);
                if (pipe(p) == 0 && write(p[1], buf, 16) < 0)
                    _exit(1);
                usleep(1000 * (unsigned)(i % 5));
                _exit(0);
            }
        }
        while (k--)
            waitpid(kids[k], NULL, 0);
    }
    return 0;
}
