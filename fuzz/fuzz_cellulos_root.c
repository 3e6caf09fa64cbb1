/*
 * libFuzzer target: the root task's request handlers and its dump socket,
 * through the real event loop (cel_root_run) with a real PD table.
 *
 * Each input boots a fresh root task (model, object table) with one greeted
 * PD whose call socket is one end of a SEQPACKET pair, and, when byte 0 has
 * bit 0 set, a listening dump socket with one connected client.  The rest of
 * the input is cut into datagrams of sizeof(cel_msg) bytes (the last may be
 * shorter); each is sent on the PD's socket (or the client's, when bit 1 of
 * byte 0 is set), the loop serves what is ready, and every reply is read and
 * dropped.  A crash, a sanitizer report, a broken invariant (checked after
 * every transition) or a leak is a finding.  PD_CREATE finds no program (the
 * program directory does not exist), so no process is ever started.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cellulos/platform/platform.h"
#include "cellulos/root/root.h"

static bool never(cel_root *r)
{
    (void)r;
    return false;
}

/* Read and drop whatever waits on fd (replies, passed handles). */
static void drain(int fd)
{
    cel_msg m;
    size_t got;
    bool trunc;
    int passed;
    while (cel_plat_recv(fd, &m, sizeof m, &got, &trunc, &passed) == 0)
        if (passed >= 0)
            close(passed);
}

/* A connected client of the dump socket at path, non-blocking; -1 if none. */
static int dump_client(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c >= 0 && connect(c, (const void *)&a, sizeof a) != 0) {
        close(c);
        c = -1;
    }
    return c;
}

/* Once per process: a PING on the PD's socket gets its reply.  Without it
 * the target could run happily while nothing reaches the handlers (once a
 * change to cel_root_run's budget served nothing with a budget of 0). */
static void check_served(cel_root *r, int pd_end)
{
    static bool checked;
    if (checked)
        return;
    checked = true;
    cel_msg m;
    cel_msg_init(&m, CEL_OP_PING, 1);
    size_t got;
    bool trunc;
    int passed;
    if (send(pd_end, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m ||
        cel_root_run(r, never, 0) < 0 ||
        cel_plat_recv(pd_end, &m, sizeof m, &got, &trunc, &passed) || m.h.op != CEL_OP_PING) {
        fprintf(stderr, "fuzz_cellulos_root: the root task does not answer a PING\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++, size--;
    cel_root r;
    int sv[2] = { -1, -1 }, client = -1, err = 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_cellulos_root.%d.sock", (int)getpid());
    if (cel_root_init(&r, "/nonexistent-fuzz-bindir") || cel_model_boot(&r))
        abort();
    r.log = fopen("/dev/null", "w");
    osm_store_set_debug_invariants(r.s, true);
    cel_pd *pd = cel_pd_new(&r, "fuzz", NULL, false, 0, &err);
    if (!pd || cel_plat_socketpair(sv) || cel_plat_nonblock(sv[0]) || cel_plat_nonblock(sv[1]))
        abort();
    pd->sock = sv[0];
    pd->hello = true;
    r.driver = pd->num;
    if (cel_epoll_add(&r, pd->sock, CEL_TAG_CALL, pd->num))
        abort();
    check_served(&r, sv[1]);
    if ((mode & 1) && cel_root_listen(&r, path) == 0) {
        client = dump_client(path);
        cel_root_run(&r, never, 0);     /* accept it */
    }
    int to = (mode & 2) && client >= 0 ? client : sv[1];
    for (size_t off = 0; off < size; off += sizeof(cel_msg)) {
        size_t n = size - off < sizeof(cel_msg) ? size - off : sizeof(cel_msg);
        if (send(to, data + off, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
            break;      /* the root task hung up on it */
        cel_root_run(&r, never, 0);
        drain(sv[1]);
        if (client >= 0)
            drain(client);
    }
    if (r.broken)
        abort();        /* a transition broke an invariant */
    if (client >= 0)
        close(client);
    close(sv[1]);
    FILE *log = r.log;
    cel_root_fini(&r);
    fclose(log);
    unlink(path);
    return 0;
}
