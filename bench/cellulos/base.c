/*
 * Baselines for bench/cellulos, measured in the same run as the CellulOS
 * numbers: a raw SEQPACKET ping-pong of the same message size, memfd_create
 * + ftruncate + mmap in-process, fork+exec+wait of the same PD binary, and
 * the root task's dump of a 100k-node state.  Prints "name ns_per_op".
 *
 *   cel-bench-base N PD_BINARY
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cellulos/root/root.h"

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double pingpong(unsigned n)
{
    int sv[2];
    char msg[CEL_MSG_SIZE] = { 1 };
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(sv[0]);
        while (recv(sv[1], msg, sizeof msg, 0) > 0)
            send(sv[1], msg, sizeof msg, 0);
        _exit(0);
    }
    close(sv[1]);
    double t0 = now_ns();
    for (unsigned i = 0; i < n; i++)
        if (send(sv[0], msg, sizeof msg, 0) < 0 || recv(sv[0], msg, sizeof msg, 0) <= 0)
            break;
    double t = (now_ns() - t0) / n;
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return t;
}

static double memfd_map(unsigned n)
{
    double t0 = now_ns();
    for (unsigned i = 0; i < n; i++) {
        int fd = memfd_create("base", MFD_CLOEXEC);
        if (fd < 0 || ftruncate(fd, 4096))
            return -1;
        char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
            return -1;
        p[0] = 1;
        munmap(p, 4096);
        close(fd);
    }
    return (now_ns() - t0) / n;
}

static double fork_exec(unsigned n, const char *bin)
{
    double t0 = now_ns();
    for (unsigned i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {     /* it stops in libcellulos' constructor: no root task */
            dup2(open("/dev/null", O_WRONLY), 2);
            execl(bin, bin, "exit", (char *)NULL);
            _exit(127);
        }
        waitpid(pid, NULL, 0);
    }
    return (now_ns() - t0) / n;
}

/* The root task's dump (into a memfd, as a PD or `cellulos dump` gets it)
 * of a state of about 100k nodes built through the transitions. */
static double dump_100k(void)
{
    cel_root r;
    if (cel_root_init(&r, ".") || cel_model_boot(&r))
        return -1;
    r.log = fopen("/dev/null", "w");
    while (osm_store_node_count(r.s) < 100000)
        if (cel_model_resource(&r, r.mo_space, "MO", "0x1000_1_12") == OSM_NONE)
            return -1;
    double best = 1e18;
    for (int i = 0; i < 5; i++) {
        size_t bytes;
        double t0 = now_ns();
        int fd = cel_model_dump_memfd(&r, &bytes);
        double t = now_ns() - t0;
        if (fd < 0)
            return -1;
        close(fd);
        best = t < best ? t : best;
    }
    fclose(r.log);
    cel_root_fini(&r);
    return best;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cel-bench-base N PD_BINARY\n");
        return 2;
    }
    unsigned n = (unsigned)strtoul(argv[1], NULL, 10);
    printf("pingpong %.0f\n", pingpong(n));
    printf("memfd_map %.0f\n", memfd_map(n / 10 ? n / 10 : 1));
    printf("fork_exec %.0f\n", fork_exec(n / 100 ? n / 100 : 1, argv[2]));
    printf("dump_100k %.0f\n", dump_100k());
    return 0;
}
