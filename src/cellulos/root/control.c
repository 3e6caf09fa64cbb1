/*
 * `cellulos dump` clients: the control socket, served by the root task's
 * one event loop like a PD, so that no client can stall a PD.
 *
 * A client connects, sends one DUMP request and gets the state in a memfd.
 * Each has its own slot (at most CEL_CLIENTS_MAX at once: one more is
 * refused, the others keep theirs) and is dropped when it has said nothing
 * within CEL_CLIENT_TIMEOUT_MS (a timerfd ticks while any is connected).
 * Only the root task's own user may ask.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "root.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int cel_root_listen(cel_root *r, const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path)
        return -ENAMETOOLONG;
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    unlink(path);
    mode_t old = umask(077);
    int rc = bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 8) ? -errno : 0;
    umask(old);
    if (!rc)
        rc = cel_epoll_add(r, fd, CEL_TAG_CONTROL, 0);
    if (rc) {
        close(fd);
        return rc;
    }
    r->ctl_fd = fd;
    return 0;
}

static void drop_client(cel_root *r, uint32_t i)
{
    if (r->clients[i].fd < 0)
        return;
    epoll_ctl(r->epfd, EPOLL_CTL_DEL, r->clients[i].fd, NULL);
    close(r->clients[i].fd);
    r->clients[i].fd = -1;
}

/* Tick every quarter of the timeout while a client is connected. */
static void arm_timer(cel_root *r)
{
    if (r->client_timer < 0) {
        r->client_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (r->client_timer < 0 || cel_epoll_add(r, r->client_timer, CEL_TAG_CLIENT_TIMER, 0)) {
            if (r->client_timer >= 0)
                close(r->client_timer);
            r->client_timer = -1;
            return;     /* clients then go only when they close or ask */
        }
    }
    long ns = CEL_CLIENT_TIMEOUT_MS * 1000000L / 4;
    struct itimerspec it = { { ns / 1000000000L, ns % 1000000000L },
                             { ns / 1000000000L, ns % 1000000000L } };
    timerfd_settime(r->client_timer, 0, &it, NULL);
}

/* A new connection: the root task's uid only, into a free slot. */
static void accept_client(cel_root *r)
{
    int c = accept4(r->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c < 0)
        return;
    struct ucred cred;
    socklen_t len = sizeof cred;
    uint32_t i = 0;
    while (i < CEL_CLIENTS_MAX && r->clients[i].fd >= 0)
        i++;
    if (i == CEL_CLIENTS_MAX || getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
        cred.uid != geteuid() || cel_epoll_add(r, c, CEL_TAG_CLIENT, i)) {
        close(c);
        return;
    }
    r->clients[i].fd = c;
    r->clients[i].deadline = now_ms() + CEL_CLIENT_TIMEOUT_MS;
    arm_timer(r);
}

/* Client i sent something: answer a DUMP with the state, then hang up. */
static void serve_client(cel_root *r, uint32_t i)
{
    int c = r->clients[i].fd;
    cel_msg m;
    size_t got = 0;
    bool trunc = false;
    int rc = cel_plat_recv(c, &m, sizeof m, &got, &trunc, NULL);
    if (rc == -EAGAIN || rc == -EINTR)
        return;
    if (rc == 0 && cel_msg_check(&m, got, trunc, false, NULL, 0) == 0 && m.h.op == CEL_OP_DUMP) {
        size_t bytes = 0;
        int fd = cel_model_dump_memfd(r, &bytes);
        memset(&m.u, 0, sizeof m.u);
        m.h.flags = CEL_F_REPLY;
        m.h.status = fd < 0 ? fd : 0;
        m.u.dump.bytes = bytes;
        cel_plat_try_send(c, &m, sizeof m, fd);  /* one message into an empty socket */
        if (fd >= 0)
            close(fd);
    }
    drop_client(r, i);
}

/* The timer: drop the clients past their deadline; stop when none is left. */
static void expire_clients(cel_root *r)
{
    uint64_t ticks;
    if (read(r->client_timer, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
        return;
    double now = now_ms();
    bool any = false;
    for (uint32_t i = 0; i < CEL_CLIENTS_MAX; i++) {
        if (r->clients[i].fd >= 0 && r->clients[i].deadline <= now)
            drop_client(r, i);
        any |= r->clients[i].fd >= 0;
    }
    if (!any) {
        struct itimerspec off = { { 0, 0 }, { 0, 0 } };
        timerfd_settime(r->client_timer, 0, &off, NULL);
    }
}

void cel_control_event(cel_root *r, uint32_t tag, uint32_t num)
{
    if (tag == CEL_TAG_CONTROL)
        accept_client(r);
    else if (tag == CEL_TAG_CLIENT_TIMER)
        expire_clients(r);
    else if (num < CEL_CLIENTS_MAX && r->clients[num].fd >= 0)
        serve_client(r, num);
}

void cel_control_fini(cel_root *r)
{
    for (uint32_t i = 0; i < CEL_CLIENTS_MAX; i++)
        drop_client(r, i);
    if (r->client_timer >= 0)
        close(r->client_timer);
    if (r->ctl_fd >= 0)
        close(r->ctl_fd);
    r->client_timer = r->ctl_fd = -1;
}
