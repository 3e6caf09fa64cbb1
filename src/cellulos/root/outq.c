/*
 * The reply queue of one PD: the root task never blocks on a PD.
 *
 * Every message the root task sends a PD (replies, late replies) goes out
 * with a non-blocking send.  When the PD's socket is full (it sends requests
 * and does not read the replies), the message waits in a queue of at most
 * CEL_OUTQ_MAX, which a second epoll registration (a dup of the socket, tag
 * CEL_TAG_OUT, EPOLLOUT) drains as the PD reads.  A PD that lets the queue
 * fill is stopped: it is killed, its end runs the cleanup policy like any
 * crash (recorded in the model), and the log says why.  The queue exists only
 * while something waits in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "root.h"

struct cel_outq {
    cel_msg msg[CEL_OUTQ_MAX];
    int fd[CEL_OUTQ_MAX];       /* a handle sent along (the queue's own copy), or -1 */
    unsigned head, n;
    int watch;                  /* dup of pd->sock registered for EPOLLOUT */
};

/* Send what waits, in order, until the socket is full again.  0 when the
 * queue is empty afterwards, 1 when some wait, or a negative errno (the
 * PD's end is gone: it is noticed by its pidfd). */
static int flush(cel_pd *pd)
{
    cel_outq *q = pd->outq;
    while (q->n) {
        int rc = cel_plat_try_send(pd->sock, &q->msg[q->head], sizeof q->msg[0], q->fd[q->head]);
        if (rc == -EAGAIN)
            return 1;
        if (q->fd[q->head] >= 0)
            close(q->fd[q->head]);
        q->head = (q->head + 1) % CEL_OUTQ_MAX;
        q->n--;
        if (rc)
            return rc;
    }
    return 0;
}

void cel_outq_free(cel_root *r, cel_pd *pd)
{
    cel_outq *q = pd->outq;
    if (!q)
        return;
    for (unsigned i = 0; i < q->n; i++) {
        int fd = q->fd[(q->head + i) % CEL_OUTQ_MAX];
        if (fd >= 0)
            close(fd);
    }
    if (q->watch >= 0) {
        epoll_ctl(r->epfd, EPOLL_CTL_DEL, q->watch, NULL);
        close(q->watch);
    }
    free(q);
    pd->outq = NULL;
}

/* The queue of pd, made (and watched for EPOLLOUT) when first needed. */
static cel_outq *outq_of(cel_root *r, cel_pd *pd)
{
    if (pd->outq)
        return pd->outq;
    cel_outq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    struct epoll_event ev = { .events = EPOLLOUT,
                              .data.u64 = ((uint64_t)CEL_TAG_OUT << 32) | pd->num };
    q->watch = fcntl(pd->sock, F_DUPFD_CLOEXEC, 0);
    if (q->watch < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, q->watch, &ev)) {
        if (q->watch >= 0)
            close(q->watch);
        free(q);
        return NULL;
    }
    return pd->outq = q;
}

/* Stop a PD that does not read what the root task sends it. */
static void stop_flooder(cel_root *r, cel_pd *pd, const char *why)
{
    pd->flooded = true;     /* nothing more is sent to it until it is gone */
    cel_deny(r, pd, "flood", why);
    cel_outq_free(r, pd);
    cel_pd_kill(r, pd);
}

void cel_outq_send(cel_root *r, cel_pd *pd, const cel_msg *m, int fd)
{
    if (pd->ended || pd->sock < 0 || pd->flooded)
        return;
    if (!pd->outq) {
        int rc = cel_plat_try_send(pd->sock, m, sizeof *m, fd);
        if (rc != -EAGAIN)
            return;     /* sent, or the PD's end is gone (noticed by its pidfd) */
    }
    cel_outq *q = outq_of(r, pd);
    if (!q) {
        stop_flooder(r, pd, "its replies do not fit and no queue could be made");
        return;
    }
    if (q->n == CEL_OUTQ_MAX) {
        char why[96];
        snprintf(why, sizeof why, "%d replies waiting unread: stopped", CEL_OUTQ_MAX);
        stop_flooder(r, pd, why);
        return;
    }
    unsigned tail = (q->head + q->n) % CEL_OUTQ_MAX;
    q->msg[tail] = *m;
    q->fd[tail] = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    q->n++;
}

void cel_outq_writable(cel_root *r, cel_pd *pd)
{
    if (pd->outq && flush(pd) <= 0)
        cel_outq_free(r, pd);   /* all sent, or the PD's end is gone */
}
