/*
 * libcellulos: PD startup (before main) and the typed calls (cellulos.h).
 *
 * The call path allocates nothing, so it stays usable from anywhere, the
 * malloc heap (heap.c, served from MOs through this very path) included.  Calls are synchronous on the
 * call socket; root-initiated requests (revocation) arrive on the notify
 * socket and are answered from a SIGIO handler, so they are served whatever
 * the program is doing, including blocking in a call.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cellulos.h"
#include "internal.h"
#include "../platform/platform.h"

/* Per thread: a thread PD (thread.c) has its own connection and identity. */
static __thread cel_self self_info;
static __thread uint32_t next_seq = 1;
static __thread int call_fd = CEL_FD_CALL;
bool cel_lib_connected;

const cel_self *cel_self_info(void)
{
    return &self_info;
}

/* Send a request, wait for its reply (and an optional passed fd). */
static int call(cel_msg *m, int *fd)
{
    if (call_fd < 0)
        return -EPIPE;      /* a thread PD after THREAD_EXIT */
    m->h.seq = next_seq++;
    int rc = cel_plat_send(call_fd, m, sizeof *m, -1);
    if (rc)
        return rc;
    cel_msg r;
    size_t got;
    bool trunc;
    int passed = -1;
    rc = cel_plat_recv(call_fd, &r, sizeof r, &got, &trunc, &passed);
    if (rc)
        return rc;
    if (cel_msg_check(&r, got, trunc, true, NULL, 0) || r.h.seq != m->h.seq) {
        if (passed >= 0)
            close(passed);
        return -EPROTO;
    }
    if (fd)
        *fd = passed;
    else if (passed >= 0)
        close(passed);
    *m = r;
    return r.h.status;
}

/* ---- the notify socket: revocation ------------------------------------------- */

/* SIGIO: serve every pending root request.  Only async-signal-safe calls. */
static void on_notify(int sig)
{
    (void)sig;
    int saved = errno;
    cel_msg m;
    size_t got;
    bool trunc;
    while (cel_plat_recv(CEL_FD_NOTIFY, &m, sizeof m, &got, &trunc, NULL) == 0) {
        if (cel_msg_check(&m, got, trunc, false, NULL, 0) || m.h.op != CEL_OP_REVOKE_NOTIFY)
            continue;
        int rc = munmap((void *)(uintptr_t)m.u.rnotify.vaddr, m.u.rnotify.bytes) ? -errno : 0;
        m.h.flags = CEL_F_REPLY;
        m.h.status = rc;
        cel_plat_send(CEL_FD_NOTIFY, &m, sizeof m, -1);
    }
    errno = saved;
}

static int hello(pid_t id, int listener);

static void die(const char *what, int err)
{
    fprintf(stderr, "libcellulos: %s: %s\n", what, strerror(-err));
    _exit(126);
}

/* Runs before main: notify handler, seccomp filter, HELLO.  A program started
 * other than by the root task stops here. */
__attribute__((constructor)) static void cel_startup(void)
{
    if (!getenv(CEL_ENV) || fcntl(CEL_FD_CALL, F_GETFD) < 0 || fcntl(CEL_FD_NOTIFY, F_GETFD) < 0) {
        fprintf(stderr, "libcellulos: not started by the cellulos root task\n");
        _exit(127);
    }
    struct sigaction sa = { .sa_handler = on_notify, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGIO, &sa, NULL) || fcntl(CEL_FD_NOTIFY, F_SETOWN, getpid()) ||
        fcntl(CEL_FD_NOTIFY, F_SETFL, O_ASYNC | O_NONBLOCK))
        die("notify socket", -errno);
    int listener = cel_plat_confine();
    if (listener < 0)
        die("seccomp", listener);
    int rc = hello(getpid(), listener);
    if (rc)
        die("hello", rc);
    cel_lib_connected = true;
}

/* HELLO on this thread's call socket as task `id` (passing the seccomp
 * listener when >= 0, which it closes); fills self_info.  0 or -errno. */
static int hello(pid_t id, int listener)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_HELLO, 0);
    m.u.hello.pid = (uint32_t)id;
    m.h.seq = next_seq++;
    int rc = cel_plat_send(call_fd, &m, sizeof m, listener);
    if (listener >= 0)
        close(listener);
    size_t got;
    bool trunc;
    rc = rc ? rc : cel_plat_recv(call_fd, &m, sizeof m, &got, &trunc, NULL);
    if (!rc && (cel_msg_check(&m, got, trunc, true, NULL, 0) || m.h.op != CEL_OP_HELLO))
        rc = -EPROTO;
    if (!rc)
        rc = m.h.status;
    if (rc)
        return rc;
    self_info.self = m.u.hello_r.self;
    self_info.ads = m.u.hello_r.ads;
    self_info.vcpu = m.u.hello_r.vcpu;
    self_info.n_pass = m.u.hello_r.n_pass;
    memcpy(self_info.pass, m.u.hello_r.pass, sizeof self_info.pass);
    memcpy(self_info.pd_id, m.u.hello_r.pd_id, sizeof self_info.pd_id);
    return 0;
}

/* ---- typed calls ---------------------------------------------------------------------- */

int cel_ping(void)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_PING, 0);
    return call(&m, NULL);
}

int cel_mo_alloc(size_t pages, cel_badge *mo)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_MO_ALLOC, 0);
    m.u.mo_alloc.pages = pages;
    int rc = call(&m, NULL);
    if (!rc)
        *mo = m.u.badge.badge;
    return rc;
}

int cel_mo_attach(cel_badge mo, unsigned perms, void **addr, size_t *bytes, cel_badge *vmr)
{
    cel_msg m;
    int fd = -1;
    cel_msg_init(&m, CEL_OP_MO_ATTACH, 0);
    m.u.mo_attach.mo = mo;
    int rc = call(&m, &fd);
    if (rc)
        return rc;
    if (fd < 0)
        return -EPROTO;
    size_t len = m.u.mo_attach.bytes;
    int prot = (perms & 1 ? PROT_READ : 0) | (perms & 2 ? PROT_WRITE : 0);
    void *p = mmap(NULL, len, prot ? prot : PROT_NONE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return -errno;
    cel_msg_init(&m, CEL_OP_VMR_MAP, 0);
    m.u.vmr_map.mo = mo;
    m.u.vmr_map.vaddr = (uintptr_t)p;
    m.u.vmr_map.bytes = len;
    m.u.vmr_map.perms = perms;
    rc = call(&m, NULL);
    if (rc) {
        munmap(p, len);
        return rc;
    }
    *addr = p;
    *bytes = len;
    *vmr = m.u.badge.badge;
    return 0;
}

int cel_vmr_detach(cel_badge vmr, void *addr, size_t bytes)
{
    if (munmap(addr, bytes))
        return -errno;
    cel_msg m;
    cel_msg_init(&m, CEL_OP_VMR_UNMAP, 0);
    m.u.badge.badge = vmr;
    return call(&m, NULL);
}

/* A call whose request and reply are one badge. */
static int badge_call(cel_op op, cel_badge in, cel_badge *out)
{
    cel_msg m;
    cel_msg_init(&m, op, 0);
    m.u.badge.badge = in;
    int rc = call(&m, NULL);
    if (!rc && out)
        *out = m.u.badge.badge;
    return rc;
}

int cel_mo_free(cel_badge mo) { return badge_call(CEL_OP_MO_FREE, mo, NULL); }
int cel_pd_kill(cel_badge pd) { return badge_call(CEL_OP_PD_KILL, pd, NULL); }
int cel_ep_alloc(cel_badge *ep) { return badge_call(CEL_OP_EP_ALLOC, 0, ep); }

int cel_pd_create(const cel_pd_config *cfg, cel_badge *pd)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_PD_CREATE, 0);
    cel_b_pd_create *c = &m.u.pd_create;
    if (!cfg->program || strlen(cfg->program) >= sizeof c->program ||
        (cfg->arg && strlen(cfg->arg) >= sizeof c->arg) || cfg->n_pass > CEL_PASS_MAX)
        return -EINVAL;
    strcpy(c->program, cfg->program);
    if (cfg->arg)
        strcpy(c->arg, cfg->arg);
    c->flags = cfg->linked ? CEL_PD_LINKED : 0;
    c->n_pass = cfg->n_pass;
    memcpy(c->pass, cfg->pass, cfg->n_pass * sizeof *cfg->pass);
    c->fault_ep = cfg->fault_ep;
    int rc = call(&m, NULL);
    if (!rc)
        *pd = m.u.badge.badge;
    return rc;
}

int cel_pd_wait(cel_badge pd, int *status)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_PD_WAIT, 0);
    m.u.wait.pd = pd;
    int rc = call(&m, NULL);
    if (!rc)
        *status = m.u.wait.status;
    return rc;
}

int cel_grant(cel_badge pd, cel_badge res, unsigned perms, cel_badge *theirs)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_GRANT, 0);
    m.u.grant.pd = pd;
    m.u.grant.res = res;
    m.u.grant.perms = perms;
    int rc = call(&m, NULL);
    if (!rc && theirs)
        *theirs = m.u.badge.badge;
    return rc;
}

int cel_revoke(cel_badge pd, cel_badge res, int *outcome)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_REVOKE, 0);
    m.u.revoke.pd = pd;
    m.u.revoke.res = res;
    int rc = call(&m, NULL);
    if (!rc && outcome)
        *outcome = (int)m.u.revoke.outcome;
    return rc;
}

int cel_ep_send(cel_badge ep, const cel_ep_msg *em)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_EP_SEND, 0);
    m.u.ep.ep = ep;
    memcpy(m.u.ep.word, em->word, sizeof em->word);
    memcpy(m.u.ep.text, em->text, sizeof em->text);
    m.u.ep.text[sizeof m.u.ep.text - 1] = '\0';
    return call(&m, NULL);
}

int cel_ep_recv(cel_badge ep, cel_ep_msg *em)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_EP_RECV, 0);
    m.u.ep.ep = ep;
    int rc = call(&m, NULL);
    if (!rc) {
        memcpy(em->word, m.u.ep.word, sizeof em->word);
        memcpy(em->text, m.u.ep.text, sizeof em->text);
        em->text[sizeof em->text - 1] = '\0';
    }
    return rc;
}

int cel_model_dump(int *fd, size_t *bytes)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_DUMP, 0);
    int rc = call(&m, fd);
    if (!rc && *fd < 0)
        rc = -EPROTO;
    if (!rc)
        *bytes = m.u.dump.bytes;
    return rc;
}

int cel_done(bool ok, const char *note)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_DONE, 0);
    m.u.done.ok = ok;
    snprintf(m.u.done.note, sizeof m.u.done.note, "%s", note ? note : "");
    return call(&m, NULL);
}

int cel_call_raw(const void *buf, size_t len, cel_msg *reply)
{
    int rc = cel_plat_send(call_fd, buf, len, -1);
    if (rc)
        return rc;
    size_t got;
    bool trunc;
    rc = cel_plat_recv(call_fd, reply, sizeof *reply, &got, &trunc, NULL);
    if (rc)
        return rc;
    if (cel_msg_check(reply, got, trunc, true, NULL, 0))
        return -EPROTO;
    return reply->h.status;
}

int cel_call(cel_msg *m, int *fd)
{
    return call(m, fd);
}

/* ---- internal.h: for heap.c, mapping.c, thread.c ------------------------------- */

int cel_lib_call(cel_msg *m, int *fd)
{
    return call(m, fd);
}

int cel_lib_thread_hello(int sock)
{
    call_fd = sock;
    return hello(gettid(), -1);
}

void cel_lib_thread_bye(int sock, int status)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_THREAD_EXIT, next_seq++);
    m.u.thread.status = status;
    cel_plat_send(sock, &m, sizeof m, -1);  /* the reply is not waited for: */
    close(sock);                            /* closing ends the PD */
    if (call_fd == sock)
        call_fd = -1;   /* its number may be reused: no more calls on it */
}
