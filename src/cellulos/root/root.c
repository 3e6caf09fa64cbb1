/*
 * The root task core: object table, badge lookup, denial log and the event
 * loop (epoll over every PD's call socket, pidfd and seccomp listener).
 *
 * One thread serves everything; a request is validated (proto.c) before any
 * handler sees it, a bad request gets an error reply and is logged, and the
 * loop goes on serving the other PDs.  Calls that must wait (PD_WAIT,
 * EP_RECV) are answered later with cel_reply_late.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "root.h"
#include "../proto/srv_proto.h"

int cel_root_init(cel_root *r, const char *bindir)
{
    memset(r, 0, sizeof *r);
    cel_plat_init();    /* first: it opens any missing standard descriptor */
    r->log = stderr;
    r->revoke_timeout_ms = 1000;
    cel_policy_parse("1a", &r->policy);
    snprintf(r->bindir, sizeof r->bindir, "%s", bindir);
    r->s = osm_store_new();
    r->spaces = calloc(0x10000, sizeof *r->spaces);
    r->epfd = epoll_create1(EPOLL_CLOEXEC);
    r->n_objs = 1;      /* object 0 is "none" */
    r->ctl_fd = r->client_timer = -1;
    for (int i = 0; i < CEL_CLIENTS_MAX; i++)
        r->clients[i].fd = -1;
    if (!r->s || !r->spaces || r->epfd < 0)
        return -ENOMEM;
    return 0;
}

void cel_root_fini(cel_root *r)
{
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *o = r->objs[i];
        if (!o)
            continue;
        if (o->type == CEL_T_PD) {
            cel_pd *pd = o->u.pd;
            if (!pd->reaped && pd->pidfd >= 0)
                cel_plat_kill(pd->pidfd);
            int st;
            if (!pd->reaped && pd->pidfd >= 0)
                while (cel_plat_reap(pd->pidfd, &st) == -EAGAIN)
                    usleep(1000);
            for (int *fd = &pd->pidfd; fd <= &pd->listener; fd++)
                if (*fd >= 0)
                    close(*fd);
            cel_outq_free(r, pd);
            cel_holds_free(&pd->holds);
            cel_revoke_free(pd);
            free(pd);
        } else if (o->type == CEL_T_MO && o->u.mo.fd >= 0) {
            close(o->u.mo.fd);
        } else if (o->type == CEL_T_EP) {
            free(o->u.ep);
        }
        free(o);
    }
    cel_srv_fini(r);
    free(r->objs);
    free(r->spaces);
    osm_store_free(r->s);
    if (r->epfd >= 0)
        close(r->epfd);
    cel_control_fini(r);
    cel_plat_fini();
}

cel_obj *cel_obj_new(cel_root *r, cel_type type, uint16_t space)
{
    if (r->n_objs >= r->cap_objs) {
        uint32_t cap = r->cap_objs ? r->cap_objs * 2 : 256;
        cel_obj **v = realloc(r->objs, cap * sizeof *v);
        if (!v)
            return NULL;
        memset(v + r->cap_objs, 0, (cap - r->cap_objs) * sizeof *v);
        r->objs = v;
        r->cap_objs = cap;
    }
    cel_obj *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->type = type;
    o->space = space;
    o->num = r->n_objs++;
    o->node = OSM_NONE;
    r->objs[o->num] = o;
    return o;
}

cel_obj *cel_obj_get(const cel_root *r, uint32_t num)
{
    return num && num < r->n_objs ? r->objs[num] : NULL;
}

void cel_obj_free(cel_root *r, cel_obj *o)
{
    r->objs[o->num] = NULL;
    free(o);
}

cel_obj *cel_lookup(cel_root *r, cel_pd *pd, uint64_t badge, cel_type type, unsigned need)
{
    if (cel_badge_type(badge) != type || (cel_badge_perms(badge) & need) != need ||
        !cel_holds_find(&pd->holds, badge)) {
        char detail[64];
        snprintf(detail, sizeof detail, "%#llx not held", (unsigned long long)badge);
        cel_deny(r, pd, "badge", detail);
        return NULL;
    }
    cel_obj *o = cel_obj_get(r, cel_badge_obj(badge));
    return o && o->type == type ? o : NULL;
}

/* At most CEL_DENY_LOG_PER_S lines a second per PD: a PD that misbehaves
 * in a loop must not grow the log without bound.  Whether this denial may
 * be logged; when a new second starts, the lines held back in the last one
 * are summed up first. */
static bool log_allowed(cel_root *r, cel_pd *pd)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (ts.tv_sec != pd->log_second) {
        cel_deny_flush(r, pd);
        pd->log_second = ts.tv_sec;
        pd->log_lines = 0;
    }
    if (pd->log_lines >= CEL_DENY_LOG_PER_S) {
        pd->log_suppressed++;
        return false;
    }
    pd->log_lines++;
    return true;
}

void cel_deny(cel_root *r, cel_pd *pd, const char *kind, const char *detail)
{
    r->denied_total++;
    if (pd)
        pd->denials++;
    unsigned i = 0;
    while (i < r->n_denied_kinds && strcmp(r->denied_kinds[i], kind))
        i++;
    if (i == r->n_denied_kinds && i < 32)
        snprintf(r->denied_kinds[r->n_denied_kinds++], sizeof r->denied_kinds[0], "%s", kind);
    if (i < 32)
        r->denied_count[i]++;
    if (pd && !log_allowed(r, pd))
        return;     /* counted above; the line is summed up later */
    fprintf(r->log, "cellulos: DENIED %s (%s) %s%s%s\n", pd ? pd->id : "?", pd ? pd->name : "?",
            kind, detail && *detail ? ": " : "", detail ? detail : "");
}

void cel_deny_flush(cel_root *r, cel_pd *pd)
{
    if (pd->log_suppressed)
        fprintf(r->log, "cellulos: DENIED %s (%s) %u more denials not logged (over %d a second)\n",
                pd->id, pd->name, pd->log_suppressed, CEL_DENY_LOG_PER_S);
    pd->log_suppressed = 0;
}

unsigned cel_denied(const cel_root *r, const char *kind)
{
    for (unsigned i = 0; i < r->n_denied_kinds; i++)
        if (strcmp(r->denied_kinds[i], kind) == 0)
            return r->denied_count[i];
    return 0;
}

int cel_epoll_add(cel_root *r, int fd, uint32_t tag, uint32_t num)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ((uint64_t)tag << 32) | num };
    return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void send_reply(cel_root *r, cel_pd *pd, cel_msg *m, int fd)
{
    m->h.magic = CEL_MAGIC;
    m->h.flags = CEL_F_REPLY;
    cel_outq_send(r, pd, m, fd);    /* never blocks; a dead peer is noticed by its pidfd */
}

void cel_reply_late(cel_root *r, uint32_t pd_num, uint32_t seq, cel_op op, int status,
                    const cel_msg *body)
{
    cel_pd *pd = cel_pd_of(r, pd_num);
    if (!pd || pd->ended)
        return;
    cel_msg m;
    if (body)
        m = *body;
    else
        memset(&m, 0, sizeof m);
    m.h.op = (uint16_t)op;
    m.h.seq = seq;
    m.h.status = status;
    send_reply(r, pd, &m, -1);
}

/* The CEL_OP_EXT_BASE operations (dispatch). */
static int dispatch_ext(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out, bool *deferred)
{
    switch (m->h.op) {
    case CEL_OP_MO_ALLOC_MAP: return cel_mo_alloc_map(r, pd, m, fd_out);
    case CEL_OP_MO_UNMAP_FREE: return cel_mo_unmap_free(r, pd, m);
    case CEL_OP_THREAD_CREATE: return cel_thread_create(r, pd, m, fd_out);
    case CEL_OP_THREAD_EXIT: return cel_thread_exit(r, pd, m);
    default:
        if (m->h.op >= CEL_OP_SRV_FIRST)
            return cel_srv_dispatch(r, pd, m, fd_out, deferred);
        cel_deny(r, pd, "protocol", "operation not allowed here");
        return -EINVAL;
    }
}

/* Run one validated request; fills m as the reply.  *deferred when the
 * reply will come later. */
static int dispatch(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out, bool *deferred)
{
    if (m->h.op >= CEL_OP_EXT_BASE)
        return dispatch_ext(r, pd, m, fd_out, deferred);
    switch ((cel_op)m->h.op) {
    case CEL_OP_PING: return 0;
    case CEL_OP_MO_ALLOC: return cel_mo_alloc(r, pd, m);
    case CEL_OP_MO_ATTACH: return cel_mo_attach(r, pd, m, fd_out);
    case CEL_OP_VMR_MAP: return cel_vmr_map(r, pd, m);
    case CEL_OP_VMR_UNMAP: return cel_vmr_unmap(r, pd, m);
    case CEL_OP_MO_FREE: return cel_mo_free(r, pd, m);
    case CEL_OP_PD_CREATE: return cel_pd_create(r, pd, m);
    case CEL_OP_PD_WAIT: return cel_pd_wait(r, pd, m, deferred);
    case CEL_OP_PD_KILL: return cel_pd_killcall(r, pd, m);
    case CEL_OP_GRANT: return cel_cap_grant(r, pd, m);
    case CEL_OP_REVOKE: return cel_cap_revoke(r, pd, m, deferred);
    case CEL_OP_EP_ALLOC: return cel_ep_alloc(r, pd, m);
    case CEL_OP_EP_SEND: return cel_ep_send(r, pd, m);
    case CEL_OP_EP_RECV: return cel_ep_recv(r, pd, m, deferred);
    case CEL_OP_DUMP: {
        size_t bytes = 0;
        int fd = cel_model_dump_memfd(r, &bytes);
        if (fd < 0)
            return fd;
        memset(&m->u, 0, sizeof m->u);
        m->u.dump.bytes = bytes;
        *fd_out = fd;
        return 0;
    }
    case CEL_OP_DONE:
        if (!r->driver || pd->num != r->driver) {   /* the verdict is the driver's alone */
            cel_deny(r, pd, "done", "only the scenario's driver PD may report its verdict");
            return -EPERM;
        }
        r->done = true;
        r->done_ok = m->u.done.ok != 0;
        memcpy(r->done_note, m->u.done.note, sizeof r->done_note);
        return 0;
    default:
        cel_deny(r, pd, "protocol", "operation not allowed here");
        return -EINVAL;
    }
}

/* Serve one datagram from pd's call socket. */
static void serve_call(cel_root *r, cel_pd *pd)
{
    cel_msg m;
    size_t got = 0;
    bool trunc = false;
    int fd_in = -1, fd_out = -1;
    int rc = cel_plat_recv(pd->sock, &m, sizeof m, &got, &trunc, &fd_in);
    if (rc == -EAGAIN || rc == -EINTR)
        return;
    if (rc) {   /* connection gone: the process is ending or misbehaving */
        pd->hung_up = true;         /* logged at its end unless it was exiting anyway */
        cel_pd_kill(r, pd);
        return;
    }
    char why[64];
    if (cel_msg_check(&m, got, trunc, false, why, sizeof why)) {
        cel_deny(r, pd, trunc ? "oversized" : "malformed", why);
        if (fd_in >= 0)
            close(fd_in);
        cel_msg rep;
        memset(&rep, 0, sizeof rep);
        rep.h.seq = got >= sizeof m.h ? m.h.seq : 0;
        rep.h.status = -EBADMSG;
        send_reply(r, pd, &rep, -1);
        return;
    }
    bool deferred = false;
    uint32_t num = pd->num;
    if (m.h.op == CEL_OP_HELLO) {
        rc = pd->hello ? -EINVAL : cel_pd_hello(r, pd, fd_in, &m);
        fd_in = -1;     /* hello took it */
    } else if (!pd->hello && m.h.op != CEL_OP_THREAD_EXIT) {   /* a thread that never ran */
        cel_deny(r, pd, "protocol", "call before HELLO");
        rc = -EINVAL;
    } else {
        rc = dispatch(r, pd, &m, &fd_out, &deferred);
    }
    if (fd_in >= 0)
        close(fd_in);
    pd = cel_pd_of(r, num);     /* a thread's exit frees its record */
    if (!pd || deferred || pd->ended)
        return;
    if (rc)
        memset(&m.u, 0, sizeof m.u);
    m.h.status = rc;
    send_reply(r, pd, &m, fd_out);
    if (fd_out >= 0 && (m.h.op == CEL_OP_DUMP || m.h.op == CEL_OP_THREAD_CREATE ||
                        m.h.op >= CEL_OP_SRV_FIRST))
        close(fd_out);  /* the root's copy of a handle made for the PD */
}

/* Decide a system call pd's filter left to the root task: a thread the PD
 * asked for with THREAD_CREATE may start (one clone per request, so every
 * thread that runs is a thread PD of the model); anything else is refused
 * and recorded. */
static void serve_seccomp(cel_root *r, cel_pd *pd)
{
    cel_plat_call c;
    char kind[64];
    int rc = cel_plat_notify_next(pd->listener, &c);
    if (rc == 0) {
        bool allow = c.thread_clone && pd->thread_grants > 0;
        if (allow)
            pd->thread_grants--;
        if (cel_plat_notify_answer(pd->listener, &c, allow) == -ENOENT) {
            if (allow)
                pd->thread_grants++;    /* not used: the clone comes again if it restarts */
            return;
        }
        if (!allow) {
            snprintf(kind, sizeof kind, "syscall %s", c.name);
            cel_deny(r, cel_thread_by_tid(r, pd, c.pid), kind,
                     c.thread_clone ? "a thread not asked for with THREAD_CREATE" : "");
        }
    } else if (rc != -EAGAIN) {     /* its calls could never be decided again */
        epoll_ctl(r->epfd, EPOLL_CTL_DEL, pd->listener, NULL);
        cel_deny(r, pd, "seccomp", "its system calls can no longer be received: stopped");
        cel_pd_kill(r, pd);
    }
}

static void serve_event(cel_root *r, const struct epoll_event *ev)
{
    uint32_t tag = (uint32_t)(ev->data.u64 >> 32), num = (uint32_t)ev->data.u64;
    if (tag == CEL_TAG_CONTROL || tag == CEL_TAG_CLIENT || tag == CEL_TAG_CLIENT_TIMER) {
        cel_control_event(r, tag, num);
        return;
    }
    cel_pd *pd = cel_pd_of(r, num);
    if (!pd || pd->ended)
        return;
    if (tag == CEL_TAG_EXIT) {
        cel_pd_ended(r, pd);
    } else if (tag == CEL_TAG_SECCOMP) {
        if (ev->events & EPOLLIN)
            serve_seccomp(r, pd);
        if ((ev->events & (EPOLLHUP | EPOLLERR)) && pd->listener >= 0)
            epoll_ctl(r->epfd, EPOLL_CTL_DEL, pd->listener, NULL);   /* no task uses the filter */
    } else if (tag == CEL_TAG_OUT) {
        cel_outq_writable(r, pd);
    } else if (tag == CEL_TAG_REVOKE_NOTIFY || tag == CEL_TAG_REVOKE_TIMER) {
        cel_revoke_event(r, pd, tag);
    } else if (tag == CEL_TAG_CALL && !pd->ended) {
        if (ev->events & EPOLLIN)
            serve_call(r, pd);
        else
            cel_pd_kill(r, pd);
    }
}

/* Milliseconds on the monotonic clock. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The budget is wall time, not idle time: a PD (or a descriptor that stays
 * ready) that keeps the loop busy must not keep a caller's deadline from
 * firing.  What is ready is always served once, so a budget of 0 serves
 * one batch of what waits now. */
int cel_root_run(cel_root *r, bool (*stop)(cel_root *), int timeout_ms)
{
    struct epoll_event ev[32];
    int64_t end = mono_ms() + timeout_ms;
    while (!stop(r)) {
        int64_t left = end - mono_ms();
        int n = epoll_wait(r->epfd, ev, 32, left > 0 ? (int)left : 0);
        if (n < 0 && errno == EINTR && left > 0)
            continue;
        if (n < 0)
            return errno == EINTR ? 1 : -1;
        if (n == 0)
            return 1;
        for (int i = 0; i < n; i++)
            serve_event(r, &ev[i]);
        if (left <= 0)
            return stop(r) ? 0 : 1;
    }
    return 0;
}
