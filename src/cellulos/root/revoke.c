/*
 * Asynchronous revocation of an MO from a PD.
 *
 * REVOKE of an MO must make the victim lose every mapping for real before
 * the model changes: the root task asks the victim (REVOKE_NOTIFY on its
 * notify socket, one per VMR over the MO; libcellulos unmaps from its SIGIO
 * handler and answers), then checks /proc itself.  Waiting for the answers
 * must not stop the root task, so the revocation is a state of the victim:
 *  - the revoker's REVOKE is answered late (it is blocked in the call anyway);
 *  - the victim's call socket leaves the epoll set until the end, so its
 *    other requests wait (it cannot, say, attach the MO again meanwhile);
 *  - the victim's notify socket and a timerfd (--revoke-timeout) join the
 *    epoll set; everyone else is served as usual.
 * It ends when every answer is in, at the timeout, or when the victim ends.
 * Then, trusting nothing the victim said, the root task reads /proc/PID/maps
 * and /proc/PID/fd: a victim that refused, was silent, or still maps or
 * holds the memfd is killed.  Only then does the model change (the VMRs are
 * unmapped, revoked and deleted, the MO hold revoked).
 *
 * One revocation per process at a time: thread PDs share their process'
 * notify socket, and answers could not be told apart.  A second one gets
 * -EBUSY.  (Only a PD's creator holds its PD badge, and it is blocked in its
 * own REVOKE, so this takes two creators revoking from one process.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "root.h"

struct cel_revoking {
    uint32_t revoker, revoker_seq;  /* whose request is waiting */
    uint16_t revoker_op;            /* and its op (REVOKE, or a server's RES_REVOKE) */
    uint32_t mo;                    /* the MO's object number */
    unsigned pending;               /* REVOKE_NOTIFYs not answered yet */
    bool refused;                   /* an answer said no, or none came */
    bool any;                       /* the victim had a VMR over the MO */
    bool listening;                 /* its notify socket is in the epoll set */
    int timer;                      /* timerfd, or -1 */
};

/* The PD whose pid the victim runs in (itself, or a thread PD's process). */
static cel_pd *process_of(cel_root *r, cel_pd *pd)
{
    cel_pd *proc = pd->thread_of ? cel_pd_of(r, pd->thread_of) : NULL;
    return proc ? proc : pd;
}

/* Whether a VMR object is one of the victim's over the MO. */
static bool victim_vmr(cel_pd *victim, const cel_obj *o, uint32_t mo)
{
    return o && o->type == CEL_T_VMR && o->u.vmr.mo == mo && o->u.vmr.pd == victim->num;
}

/* Ask the victim to unmap each of its VMRs over mo; how many were asked. */
static unsigned ask_all(cel_root *r, cel_pd *victim, cel_revoking *op)
{
    size_t n;
    uint64_t *v = cel_holds_list(&victim->holds, &n);
    unsigned asked = 0;
    for (size_t i = 0; i < n; i++) {
        cel_obj *o = cel_obj_get(r, cel_badge_obj(v[i]));
        if (!victim_vmr(victim, o, op->mo))
            continue;
        op->any = true;
        cel_msg m;
        cel_msg_init(&m, CEL_OP_REVOKE_NOTIFY, o->num);
        m.u.rnotify.vmr = v[i];
        m.u.rnotify.vaddr = o->u.vmr.vaddr;
        m.u.rnotify.bytes = o->u.vmr.bytes;
        if (victim->notify < 0 || cel_plat_try_send(victim->notify, &m, sizeof m, -1))  /* full: refused */
            op->refused = true;
        else
            asked++;
    }
    free(v);
    return asked;
}

/* Remove the victim's VMRs over mo from the model and its registry. */
static void drop_vmrs(cel_root *r, cel_pd *victim, uint32_t mo)
{
    size_t n;
    uint64_t *v = cel_holds_list(&victim->holds, &n);
    for (size_t i = 0; i < n; i++) {
        cel_obj *o = cel_obj_get(r, cel_badge_obj(v[i]));
        if (victim_vmr(victim, o, mo))
            cel_vmr_destroy(r, o);
    }
    free(v);
}

/* Decide, change the model, answer the revoker. */
static void finish(cel_root *r, cel_pd *victim)
{
    cel_revoking *op = victim->revoking;
    victim->revoking = NULL;
    process_of(r, victim)->revoking_busy = false;
    if (op->timer >= 0) {
        epoll_ctl(r->epfd, EPOLL_CTL_DEL, op->timer, NULL);
        close(op->timer);
    }
    if (op->listening)
        epoll_ctl(r->epfd, EPOLL_CTL_DEL, victim->notify, NULL);
    cel_obj *mo = cel_obj_get(r, op->mo);
    cel_msg body;
    memset(&body, 0, sizeof body);
    int rc = 0;
    if (victim->ended || !mo) {     /* its teardown takes (took) everything */
        body.u.revoke.outcome = CEL_REVOKE_ENDED;
    } else {
        bool keeps = op->refused || op->pending ||
                     cel_plat_uses_file(victim->pid, mo->u.mo.dev, mo->u.mo.ino) == 1;
        drop_vmrs(r, victim, op->mo);
        if (cel_holds_find_obj(&victim->holds, mo->num))
            rc = cel_pd_take(r, victim, mo);
        body.u.revoke.outcome = keeps ? CEL_REVOKE_KILLED
                                      : op->any ? CEL_REVOKE_COMPLIED : CEL_REVOKE_NOT_MAPPED;
        if (keeps) {
            cel_deny(r, victim, "revoke", "kept revoked memory: killed");
            cel_pd_kill(r, victim);     /* may end (and free) a thread PD: last use */
        } else if (victim->sock >= 0) {
            cel_epoll_add(r, victim->sock, CEL_TAG_CALL, victim->num);  /* serve it again */
        }
    }
    cel_reply_late(r, op->revoker, op->revoker_seq, (cel_op)op->revoker_op, rc, rc ? NULL : &body);
    free(op);
}

int cel_revoke_start(cel_root *r, cel_pd *revoker, const cel_hdr *req, cel_pd *victim,
                     cel_obj *mo)
{
    cel_pd *proc = process_of(r, victim);
    if (proc->revoking_busy)
        return -EBUSY;
    cel_revoking *op = calloc(1, sizeof *op);
    if (!op)
        return -ENOMEM;
    *op = (cel_revoking){ .revoker = revoker->num, .revoker_seq = req->seq,
                          .revoker_op = req->op, .mo = mo->num,
                          .timer = -1 };
    victim->revoking = op;
    proc->revoking_busy = true;
    op->pending = ask_all(r, victim, op);
    if (op->pending) {
        struct itimerspec t = { .it_value = { .tv_sec = r->revoke_timeout_ms / 1000,
                                              .tv_nsec = (long)(r->revoke_timeout_ms % 1000) * 1000000 } };
        if (!t.it_value.tv_sec && !t.it_value.tv_nsec)
            t.it_value.tv_nsec = 1;
        op->timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (op->timer < 0 || timerfd_settime(op->timer, 0, &t, NULL) ||
            cel_epoll_add(r, op->timer, CEL_TAG_REVOKE_TIMER, victim->num) ||
            cel_epoll_add(r, victim->notify, CEL_TAG_REVOKE_NOTIFY, victim->num)) {
            op->refused = true;     /* cannot wait: decide now */
        } else {
            op->listening = true;
            if (victim->sock >= 0)  /* its other requests wait */
                epoll_ctl(r->epfd, EPOLL_CTL_DEL, victim->sock, NULL);
            return 0;
        }
    }
    finish(r, victim);
    return 0;
}

void cel_revoke_event(cel_root *r, cel_pd *victim, uint32_t tag)
{
    cel_revoking *op = victim->revoking;
    if (!op)
        return;
    if (tag == CEL_TAG_REVOKE_TIMER) {
        op->refused = true;     /* silent: the timeout passed */
        finish(r, victim);
        return;
    }
    cel_msg a;
    size_t got = 0;
    bool trunc = false;
    if (cel_plat_recv(victim->notify, &a, sizeof a, &got, &trunc, NULL)) {
        op->refused = true;     /* the socket broke */
        finish(r, victim);
        return;
    }
    if (cel_msg_check(&a, got, trunc, true, NULL, 0) || a.h.op != CEL_OP_REVOKE_NOTIFY ||
        !victim_vmr(victim, cel_obj_get(r, a.h.seq), op->mo))
        return;     /* stale or garbage: the /proc check has the last word */
    if (a.h.status != 0)
        op->refused = true;
    if (--op->pending == 0)
        finish(r, victim);
}

void cel_revoke_victim_ended(cel_root *r, cel_pd *victim)
{
    if (victim->revoking)
        finish(r, victim);
}

void cel_revoke_free(cel_pd *pd)
{
    if (!pd->revoking)
        return;
    if (pd->revoking->timer >= 0)
        close(pd->revoking->timer);
    free(pd->revoking);
    pd->revoking = NULL;
}
